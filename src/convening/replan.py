"""Re-plan an event after a change, moving as few people as possible.

Events change after the agenda goes out: a mayor cancels, a delegation swaps
a member, a room floods, a bus is smaller than booked, late registrations
arrive. :func:`replan` takes the changed event and the plan sent out before
and returns a new plan that keeps every hard rule and, in this order:

1. moves the fewest people (a person is *moved* when any of their sessions,
   tours or rooms changed);
2. moves the fewest session runs (slot or room);
3. gives the best preference score to the people who do move.

Networking and action-planning tables keep everyone who can keep their
table; people re-seated only because others left or arrived are counted
apart (:attr:`~convening.changes.ChangeReport.reseated`) and weigh less.
Tablemates' names are in calendar descriptions, so people who keep every
place may still get a new calendar; they are listed in
:attr:`~convening.changes.ChangeReport.tablemates_only`.

>>> result = replan(event_v2, read_plan("plan-v1"))        # doctest: +SKIP
>>> result.changes.summary()                                # doctest: +SKIP
'3 people moved, 4 re-seated, 1 session runs moved, 0 new, 1 left; 8 calendars changed'

Items are matched by id: the changed event may add or remove participants,
rooms, slots, sessions and tours, and change capacities, times and pins.
Write the new plan with ``write_outputs(plan, out, previous=OLD_FOLDER)`` so
that calendars update in place.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from convening.changes import ChangeReport, diff_plans
from convening.errors import ConveningError, InfeasibleError
from convening.model import Event, Participant, SlotKind
from convening.options import FREEZE, ReplanOptions, SolveOptions
from convening.plan import ActivityKind, Plan, Run, SolveStatus, Table
from convening.solvers.clock import Clock, Progress
from convening.validate import networking_rule_breaches

__all__ = ["FREEZE", "Replan", "ReplanOptions", "replan"]

logger = logging.getLogger(__name__)


@attrs.frozen(eq=False)
class Replan:
    """A re-plan: the new plan and what changed since the previous one.

    Parameters
    ----------
    plan
        The new plan, of the changed event.
    changes
        Who moved where and why, which sessions moved, whom to notify.
    """

    plan: Plan
    changes: ChangeReport


def replan(
    event_v2: Event,
    previous: Plan,
    options: ReplanOptions | None = None,
    *,
    progress: Progress | None = None,
) -> Replan:
    """Re-plan ``event_v2`` starting from ``previous``, moving as few people as possible.

    Parameters
    ----------
    event_v2
        The changed event (checked).
    previous
        The plan sent out before, of the event as it was (e.g. from
        :func:`convening.io.read_plan`).
    options
        See :class:`ReplanOptions` (default: 60 s, seed 0, nothing frozen, no cap).
    progress
        Called as ``progress(phase, elapsed_seconds, best)`` as the solver advances.

    Returns
    -------
    Replan
        The new plan (``metrics`` add ``people_moved``, ``people_reseated``,
        ``sessions_moved``, ``calendars_changed`` and ``forced_moves``) and
        the :class:`~convening.changes.ChangeReport`.

    Raises
    ------
    InfeasibleError
        When no plan of the changed event keeps every rule (with the frozen
        parts kept), or when more than ``max_moves`` people must move.
    ConveningError
        When ``previous`` is a plan of another event.
    """
    if previous.event.name != event_v2.name:
        # A wrong --previous folder would otherwise "move" everyone and notify them all.
        raise ConveningError(
            f"the previous plan is of the event {previous.event.name!r}, not "
            f"{event_v2.name!r}; give the folder of this event's plan (or keep the event's name)"
        )
    from convening.metrics import agenda_metrics, table_metrics
    from convening.solvers.instance import AgendaInstance, build_runs
    from convening.solvers.ortools.replan import PreviousAgenda, forced_movers, replan_agenda

    options = options or ReplanOptions()
    solve_options = options.solve
    clock = Clock(progress, wall_stop=solve_options.wall_stop)
    frozen = _frozen_slots(event_v2, previous.event, options.freeze_before)
    inst = AgendaInstance(event_v2)
    prev = PreviousAgenda.from_runs(previous.runs)
    forced = forced_movers(inst, prev)
    if options.max_moves is not None and len(forced) > options.max_moves:
        raise _too_many(len(forced), options.max_moves, forced, proven=True)
    has_tables = any(
        s.kind in (SlotKind.NETWORKING, SlotKind.ACTION_PLANNING) for s in event_v2.slots
    )
    budget = solve_options.time_limit * (1 - solve_options.table_share if has_tables else 1.0)
    result, _info = replan_agenda(
        inst,
        prev,
        solve_options,
        clock,
        freeze_sessions=options.freeze == "sessions",
        frozen_slots=frozen,
        budget=budget,
    )
    runs = build_runs(inst, result)
    clock.report("tables", None)
    tables = reseat_tables(event_v2, runs, previous, solve_options, clock)
    draft = Plan(event_v2, runs, tables, SolveStatus.FEASIBLE, {})
    changes = diff_plans(previous, draft, forced=forced)
    if options.max_moves is not None and changes.people_moved > options.max_moves:
        raise _too_many(changes.people_moved, options.max_moves, forced, proven=False)
    metrics = agenda_metrics(event_v2, runs)
    metrics.update(table_metrics(event_v2, tables))
    metrics.update(
        {
            "people_moved": changes.people_moved,
            "people_reseated": len(changes.reseated),
            "sessions_moved": changes.sessions_moved,
            "calendars_changed": len(changes.notify),
            "forced_moves": len(forced),
            "solve_seconds": round(clock.elapsed(), 3),
            "method": "replan",
            "deterministic": solve_options.deterministic and clock.deterministic,
            "status": str(SolveStatus.FEASIBLE),
        }
    )
    plan = Plan(event_v2, runs, tables, SolveStatus.FEASIBLE, metrics)
    clock.report("done", float(changes.people_moved))
    logger.info("re-plan: %s", changes.summary())
    return Replan(plan, changes)


def _too_many(
    moves: int, cap: int, forced: Mapping[str, Sequence[str]], *, proven: bool
) -> InfeasibleError:
    if proven:
        head = (
            f"At least {moves} people must move, more than the cap of {cap}: the change "
            "leaves them no place where they were."
        )
    else:
        head = (
            f"The best re-plan found moves {moves} people, more than the cap of {cap} "
            f"({len(forced)} of them are forced to move by the change itself)."
        )
    reasons = [f"{pid}: {'; '.join(why)}" for pid, why in list(forced.items())[:20]]
    if len(forced) > 20:
        reasons.append(f"… and {len(forced) - 20} more")
    reasons.append("Raise the cap (ReplanOptions(max_moves=...)), or undo part of the change.")
    return InfeasibleError(head, reasons, proven=proven)


def _frozen_slots(event: Event, old: Event, before: dt.datetime | None) -> list[str]:
    """Slots of both events that start before ``before`` (already past)."""
    if before is None:
        return []
    return sorted(
        s.slot_id for s in event.slots if s.start < before and s.slot_id in old.slot_by_id
    )


# -- tables -------------------------------------------------------------------------------------


def reseat_tables(
    event: Event,
    runs: Sequence[Run],
    previous: Plan,
    options: SolveOptions,
    clock: Clock | None = None,
) -> list[Table]:
    """Networking and action-planning tables that keep everyone who can keep their table.

    Networking slots seen before are re-seated by a min-cost flow that keeps
    the most people at their table while balancing sizes and keeping
    delegations apart; where a networking rule would break, or the slot is
    new, the networking search seats the slot with everyone else pinned.
    Action-planning tables keep each delegation's table number and coach
    where they can.
    """
    from convening.solvers.tables import sort_tables

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
    options: SolveOptions,
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
        table_options = attrs.evolve(options.table_options(), pins=pins)
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
