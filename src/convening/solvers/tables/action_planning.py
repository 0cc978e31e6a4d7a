"""Action-planning tables: each delegation at its own table, facilitators as coaches.

In every action-planning slot, each delegation present sits together (all
its present members); each facilitator present (role ``facilitator``, no
city) coaches exactly one delegation, one coach per table; everyone else
present (staff, speakers) sits at one support table. Coaches are matched to
delegations by a minimum-cost assignment that rewards topic overlap, keeps a
city's coach from one slot to the next (or rotates coaches when asked),
spreads each facilitator over different delegations when rotating, and gives
first claim on a coach to delegations that had none in the slot before.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from convening.errors import InfeasibleError
from convening.model import Delegation, Event, Participant, Slot, SlotKind
from convening.options import TableOptions
from convening.plan import ActivityKind, Table
from convening.solvers.ortools.matching import assign

__all__ = ["parties", "seat_action_planning"]

logger = logging.getLogger(__name__)

#: Score of one shared topic between a coach and a delegation.
TOPIC_SCORE = 10
#: Score of keeping last slot's coach (continuity) or, when rotating, of a coach new to a city.
CONTINUITY_SCORE = 40
#: Score of coaching a delegation that had no coach in the slot before.
UNCOACHED_SCORE = 60


def parties(event: Event, slot: Slot) -> tuple[list[Delegation], list[Participant]]:
    """The delegations at an action-planning slot and the facilitators there to coach them.

    Raises
    ------
    InfeasibleError
        When more facilitators than delegations are present (each coaches one table).
    """
    present = event.present(slot)
    here = {p.participant_id for p in present}
    cities = [d for d in event.delegations if any(m.participant_id in here for m in d.members)]
    coaches = [p for p in present if p.is_coach]
    if len(coaches) > len(cities):
        raise InfeasibleError(
            f"Action planning in slot {slot.slot_id}: {len(coaches)} facilitators present "
            f"but only {len(cities)} delegations to coach.",
            [
                "each facilitator coaches exactly one delegation, one coach per table: "
                "facilitators present are " + ", ".join(p.participant_id for p in coaches)
            ],
            proven=True,
        )
    return cities, coaches


def seat_action_planning(event: Event, options: TableOptions | None = None) -> list[Table]:
    """Tables for every action-planning slot of ``event``, numbered in city order.

    Raises
    ------
    InfeasibleError
        When more facilitators are present than delegations to coach.
    """
    options = options or TableOptions()
    city_topics: dict[str, set[str]] = {}
    for delegation in event.delegations:
        topics = set(delegation.city.topics)
        for member in delegation.members:
            topics.update(member.topics)
        city_topics[delegation.city_id] = topics

    last_coach: dict[str, str] = {}
    coached: dict[tuple[str, str], int] = defaultdict(int)
    uncoached: set[str] = set()
    tables: list[Table] = []
    for slot in event.slots_of(SlotKind.ACTION_PLANNING):
        present = event.present(slot)
        here = {p.participant_id for p in present}
        cities, coaches = parties(event, slot)
        match: dict[str, str] = {}
        if coaches:
            costs: list[list[int]] = []
            for coach in coaches:
                row = []
                for j, d in enumerate(cities):
                    score = TOPIC_SCORE * len(set(coach.topics) & city_topics[d.city_id])
                    times = coached[(coach.participant_id, d.city_id)]
                    if options.coach_rotation:
                        score += CONTINUITY_SCORE * (times == 0) - 5 * times
                    elif last_coach.get(d.city_id) == coach.participant_id:
                        score += CONTINUITY_SCORE
                    if d.city_id in uncoached:
                        score += UNCOACHED_SCORE
                    # A small preference for earlier cities keeps ties stable.
                    row.append(-(score * 1000) + j)
                costs.append(row)
            for coach, j in zip(coaches, assign(costs), strict=True):
                match[cities[j].city_id] = coach.participant_id
        uncoached = set()
        number = 0
        for d in cities:
            number += 1
            members = [m.participant_id for m in d.members if m.participant_id in here]
            coach_id = match.get(d.city_id)
            if coach_id is None:
                uncoached.add(d.city_id)
            else:
                members.append(coach_id)
                last_coach[d.city_id] = coach_id
                coached[(coach_id, d.city_id)] += 1
            tables.append(
                Table(
                    slot.slot_id,
                    number,
                    ActivityKind.ACTION_PLANNING,
                    members,
                    topic=None,
                    city_id=d.city_id,
                    coach=coach_id,
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
