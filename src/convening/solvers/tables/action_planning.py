"""Action-planning tables: each delegation at its own table, facilitators coach groups of them.

In every action-planning slot, each delegation present sits together (all
its present members); everyone else who takes a place there and coaches
nobody (a speaker, say) sits at one support table. Facilitators present
(role ``facilitator``, no city) are spread over the delegation tables as the
contract says: every delegation table has a coach; with fewer facilitators
than tables each coaches a group of tables whose sizes differ by at most one,
and with at least as many facilitators as tables each table has one or more
coaches whose numbers differ by at most one.

Who coaches which table is a minimum-cost flow whose capacities make the
groups balanced (:func:`convening.solvers.ortools.matching.balanced_groups`). Its costs put continuity first (a delegation keeps the
coach it had in the slot before whenever that coach is there) and shared
topics second; with ``coach_rotation`` a coach new to a city is preferred
instead, and pairs that met more often cost more.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from convening.model import Delegation, Event, Participant, Slot, SlotKind
from convening.options import TableOptions
from convening.plan import ActivityKind, Table
from convening.solvers.ortools.matching import balanced_groups

__all__ = ["coach_groups", "parties", "seat_action_planning"]

logger = logging.getLogger(__name__)

#: Score of one shared topic between a coach and a delegation.
TOPIC_SCORE = 10
#: Score of keeping last slot's coach (continuity) or, when rotating, of a coach new to a
#: city; larger than any topic score, so continuity comes first.
CONTINUITY_SCORE = 1000
#: With coach rotation, what each earlier meeting of a coach and a city costs (more than
#: topics are worth, so coaches keep moving once every pair has met).
REPEAT_COST = 100


def parties(event: Event, slot: Slot) -> tuple[list[Delegation], list[Participant]]:
    """The delegations at an action-planning slot and the facilitators there to coach them."""
    present = event.present(slot)
    here = {p.participant_id for p in present}
    cities = [d for d in event.delegations if any(m.participant_id in here for m in d.members)]
    coaches = [p for p in present if p.is_coach]
    return cities, coaches


def coach_groups(
    coaches: list[str], tables: list[str], score: dict[tuple[str, str], int]
) -> dict[str, list[str]]:
    """Balanced coaching: the coaches of each table, best ``score`` first.

    Parameters
    ----------
    coaches
        The facilitators present.
    tables
        The delegation tables (by city id), in table order.
    score
        What putting a coach on a table is worth, by ``(coach, table)``; missing
        pairs are worth 0.

    Returns
    -------
    dict
        Each table's coaches, in ``coaches`` order; empty lists when there are
        no coaches. With fewer coaches than tables each coach has ``⌊T/F⌋`` or
        ``⌈T/F⌉`` tables and each table one coach; otherwise each coach one
        table and each table ``⌊F/T⌋`` or ``⌈F/T⌉`` coaches.
    """
    out: dict[str, list[str]] = {t: [] for t in tables}
    if not coaches or not tables:
        return out
    f, t = len(coaches), len(tables)
    # Ties go to earlier coaches on earlier tables, so the result is stable.
    costs = [
        [-score.get((c, x), 0) * (f + t) * (f + t) + i * (f + t) + j for j, x in enumerate(tables)]
        for i, c in enumerate(coaches)
    ]
    for i, j in balanced_groups(costs):
        out[tables[j]].append(coaches[i])
    order = {c: i for i, c in enumerate(coaches)}
    return {x: sorted(cs, key=order.__getitem__) for x, cs in out.items()}


def seat_action_planning(event: Event, options: TableOptions | None = None) -> list[Table]:
    """Tables for every action-planning slot of ``event``, numbered in city order."""
    options = options or TableOptions()
    city_topics: dict[str, set[str]] = {}
    for delegation in event.delegations:
        topics = set(delegation.city.topics)
        for member in delegation.members:
            topics.update(member.topics)
        city_topics[delegation.city_id] = topics

    last_coaches: dict[str, set[str]] = {}
    coached: dict[tuple[str, str], int] = defaultdict(int)
    tables: list[Table] = []
    for slot in event.slots_of(SlotKind.ACTION_PLANNING):
        present = event.present(slot)
        here = {p.participant_id for p in present}
        cities, coaches = parties(event, slot)
        score: dict[tuple[str, str], int] = {}
        for coach in coaches:
            pid = coach.participant_id
            for d in cities:
                value = TOPIC_SCORE * len(set(coach.topics) & city_topics[d.city_id])
                times = coached[(pid, d.city_id)]
                if options.coach_rotation:
                    value += CONTINUITY_SCORE * (times == 0) - REPEAT_COST * times
                elif pid in last_coaches.get(d.city_id, ()):
                    value += CONTINUITY_SCORE
                score[(pid, d.city_id)] = value
        match = coach_groups(
            [c.participant_id for c in coaches], [d.city_id for d in cities], score
        )
        number = 0
        for d in cities:
            number += 1
            members = [m.participant_id for m in d.members if m.participant_id in here]
            mine = match.get(d.city_id, [])
            if mine:
                last_coaches[d.city_id] = set(mine)
            for coach_id in mine:
                coached[(coach_id, d.city_id)] += 1
            tables.append(
                Table(
                    slot.slot_id,
                    number,
                    ActivityKind.ACTION_PLANNING,
                    members,
                    topic=None,
                    city_id=d.city_id,
                    coaches=mine,
                )
            )
        delegates = {m.participant_id for d in cities for m in d.members}
        support = [
            p.participant_id
            for p in present
            if p.participant_id not in delegates and not p.is_coach
        ]
        if support:
            tables.append(Table(slot.slot_id, number + 1, ActivityKind.ACTION_PLANNING, support))
    return tables
