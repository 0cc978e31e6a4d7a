"""Re-seating tables after a change: keep everyone who can keep their table.

:func:`reseat_tables` seats the networking and action-planning slots of a
changed event starting from the tables of the plan sent out before. People
who can keep their table do; the rest are seated where they meet the fewest
people they met before. New slots, and slots where a networking rule would
break, are seated by the networking search with everyone else pinned.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from convening.model import Event, Participant, SlotKind
from convening.options import TableOptions
from convening.plan import ActivityKind, Plan, Run, Table
from convening.solvers.clock import Clock
from convening.validate import networking_rule_breaches

__all__ = ["reseat_tables"]

logger = logging.getLogger(__name__)


def reseat_tables(
    event: Event,
    runs: Sequence[Run],
    previous: Plan,
    options: TableOptions | None = None,
    clock: Clock | None = None,
) -> list[Table]:
    """Networking and action-planning tables that keep everyone who can keep their table.

    Networking slots seen before are re-seated by a min-cost flow that keeps
    the most people at their table while balancing sizes and keeping
    delegations apart; where a networking rule would break, or the slot is
    new, the networking search seats the slot with everyone else pinned.
    Action-planning tables keep each delegation's table number and coach
    where they can.

    Parameters
    ----------
    event
        The changed event.
    runs
        The re-planned agenda's runs (who met in a small run or on a tour).
    previous
        The plan sent out before: its tables are kept where they can be.
    options
        Seed and time for the networking search, where it is needed.
    clock
        The run's clock.

    Returns
    -------
    list of Table
        Networking tables, then action-planning tables, by slot then number.
    """
    from convening.solvers.tables import sort_tables

    options = options or TableOptions()
    networking = _reseat_networking(event, runs, previous, options, clock)
    action = _reseat_action_planning(event, previous)
    return sort_tables(event, [*networking, *action])


def _groups(people: Sequence[Participant]) -> dict[str, str]:
    return {
        p.participant_id: p.city_id if p.city_id is not None else f"\x00{p.participant_id}"
        for p in people
    }


def _met(previous: Plan, runs: Sequence[Run]) -> Counter[tuple[str, str]]:
    """Pairs who met at a previous networking table or in a small run (sorted pairs)."""
    from convening.solvers.tables.networking import SMALL_RUN

    met: Counter[tuple[str, str]] = Counter()
    groups = [t.members for t in previous.tables if t.kind is ActivityKind.NETWORKING]
    groups += [
        r.attendees for r in runs if r.kind is ActivityKind.TOUR or len(r.attendees) <= SMALL_RUN
    ]
    for members in groups:
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                met[(a, b)] += 1
    return met


def _rules_hold(event: Event, slot_id: str, seat: Mapping[str, int]) -> bool:
    return not networking_rule_breaches(event, slot_id, seat)


def _reseat_networking(
    event: Event,
    runs: Sequence[Run],
    previous: Plan,
    options: TableOptions,
    clock: Clock | None,
) -> list[Table]:
    from convening.solvers.ortools.replan import reseat_networking_slot
    from convening.solvers.tables.networking import person_topics, seat_networking

    slots = event.slots_of(SlotKind.NETWORKING)
    if not slots:
        return []
    met = _met(previous, runs)
    seated: dict[str, dict[str, int]] = {}
    unsettled: list[str] = []
    for slot in slots:
        k = slot.slot_id
        old = [t for t in previous.tables if t.slot_id == k and t.kind is ActivityKind.NETWORKING]
        present = event.present(slot)
        if not old:
            unsettled.append(k)
            continue
        before = {pid: t.number for t in old for pid in t.members}
        members = {t.number: t.members for t in old}
        n_tables = event.networking_tables(k)
        ids = [p.participant_id for p in present]
        seat = reseat_networking_slot(ids, _groups(present), before, n_tables, met, members)
        if seat is None or not _rules_hold(event, k, seat):
            unsettled.append(k)
            continue
        seated[k] = seat
    if unsettled:
        pins = {(pid, k): t for k, seat in seated.items() for pid, t in seat.items()}
        table_options = attrs.evolve(options, pins=pins)
        logger.info("re-seating networking slots %s with the networking search", unsettled)
        tables = seat_networking(event, runs, table_options, clock)
        return [t for t in tables if t.slot_id in set(unsettled) or t.slot_id in seated]
    people = event.participant_by_id
    out = []
    for slot in slots:
        seat = seated[slot.slot_id]
        by_table: dict[int, list[str]] = {}
        for pid, t in seat.items():
            by_table.setdefault(t, []).append(pid)
        for number in sorted(by_table):
            seated_here = by_table[number]
            counts = Counter(tp for pid in seated_here for tp in person_topics(event, people[pid]))
            topic = min(counts, key=lambda x: (-counts[x], x)) if counts else None
            out.append(Table(slot.slot_id, number, ActivityKind.NETWORKING, seated_here, topic))
    return out


def _reseat_action_planning(event: Event, previous: Plan) -> list[Table]:
    from convening.solvers.tables.action_planning import (
        CONTINUITY_SCORE,
        TOPIC_SCORE,
        coach_groups,
        parties,
    )

    tables: list[Table] = []
    for slot in event.slots_of(SlotKind.ACTION_PLANNING):
        k = slot.slot_id
        present = event.present(slot)
        here = {p.participant_id for p in present}
        cities, coaches = parties(event, slot)
        old = [
            t for t in previous.tables if t.slot_id == k and t.kind is ActivityKind.ACTION_PLANNING
        ]
        old_number = {t.city_id: t.number for t in old if t.city_id is not None}
        old_coaches = {t.city_id: set(t.coaches) for t in old if t.city_id is not None}
        old_support = next((t.number for t in old if t.city_id is None), None)
        # A delegation keeps its coaches where they are still there; topics decide the rest.
        score: dict[tuple[str, str], int] = {}
        for coach in coaches:
            for d in cities:
                topics = set(d.city.topics) | {t for m in d.members for t in m.topics}
                kept = coach.participant_id in old_coaches.get(d.city_id, ())
                score[(coach.participant_id, d.city_id)] = CONTINUITY_SCORE * kept + (
                    TOPIC_SCORE * len(set(coach.topics) & topics)
                )
        match = coach_groups(
            [c.participant_id for c in coaches], [d.city_id for d in cities], score
        )
        delegates = {m.participant_id for d in cities for m in d.members}
        support = [
            p.participant_id
            for p in present
            if p.participant_id not in delegates and not p.is_coach
        ]
        wanted: list[tuple[str | None, int | None]] = [
            (d.city_id, old_number.get(d.city_id)) for d in cities
        ]
        if support:
            wanted.append((None, old_support))
        count = len(wanted)
        numbers: dict[str | None, int] = {}
        taken: set[int] = set()
        for key, number in wanted:
            if number is not None and 1 <= number <= count and number not in taken:
                numbers[key] = number
                taken.add(number)
        spare = iter(n for n in range(1, count + 1) if n not in taken)
        for key, _number in wanted:
            if key not in numbers:
                numbers[key] = next(spare)
        for d in cities:
            members = [m.participant_id for m in d.members if m.participant_id in here]
            tables.append(
                Table(
                    k,
                    numbers[d.city_id],
                    ActivityKind.ACTION_PLANNING,
                    members,
                    city_id=d.city_id,
                    coaches=match.get(d.city_id, []),
                )
            )
        if support:
            tables.append(Table(k, numbers[None], ActivityKind.ACTION_PLANNING, support))
    return tables
