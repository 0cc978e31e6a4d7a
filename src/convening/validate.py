"""The hard rules of a plan, written once and plainly, independent of any solver.

:func:`validate` reads a :class:`~convening.plan.Plan` against its
:class:`~convening.model.Event` and lists every rule it breaks as a
:class:`Violation`; :func:`check_plan` raises :class:`PlanError` when there
is any. This module is the specification of a valid plan (the section "What a
plan must satisfy" of the event-workbook contract): solvers are tested
against it, and it is written to be read, not to be clever. It only uses
look-up tables, so it checks thousands of people in a moment.

Each rule has a short code (:data:`RULES` maps every code to the rule in
the planner's words), so a test or a planner can tell which rule broke.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from convening.errors import ConveningError
from convening.model import Event, RuleKind, Slot, SlotKind
from convening.plan import ActivityKind, Plan, Run, Table

__all__ = ["RULES", "PlanError", "Violation", "check_plan", "networking_rule_breaches", "validate"]

logger = logging.getLogger(__name__)

#: Every rule :func:`validate` checks, by code, in the order violations are listed.
RULES: dict[str, str] = {
    # What a plan refers to must exist.
    "unknown-slot": "runs and tables are in slots of the event",
    "unknown-room": "runs are in rooms of the event",
    "unknown-session": "plenary and breakout runs are runs of sessions of the event",
    "unknown-tour": "tour runs are runs of tours of the event",
    "unknown-participant": "everyone scheduled is a participant of the event",
    "unknown-city": "action-planning tables belong to cities of the event",
    # Where things happen.
    "slot-kind": (
        "plenary sessions run in plenary slots, breakouts in breakout slots, tours in tour "
        "slots, networking and action-planning tables in slots of their own kind"
    ),
    "run-kind": "a run has the kind of its session (plenary or breakout)",
    "run-room": "session runs have a room; tour runs have none",
    "break-slot": "nobody is scheduled in a break",
    # Everyone's time.
    "not-present": (
        "nobody is scheduled at a slot they are not at the event for (arrivals, departures, "
        "away), presenters and tour leaders included"
    ),
    "no-place": (
        "nobody is scheduled in a slot of a kind they do not attend (attends), except "
        "presenters and tour leaders in their own session or tour"
    ),
    "one-activity-per-slot": (
        "everyone who takes a place in an activity slot (at the event then, and attending "
        "its kind) has exactly one activity in it, and nobody has two"
    ),
    # Sessions.
    "session-offered": "each session runs exactly `offered` times",
    "pinned-slot": "a session or tour pinned to a slot runs in that slot",
    "pinned-room": "a session pinned to a room runs in that room",
    "room-double-booked": "a room holds one session per slot",
    "room-capacity": "a run's attendees never exceed its room's capacity",
    "session-capacity": "a run's attendees never exceed its session's capacity",
    "presenter-absent": "presenters are in their own session whenever it runs",
    "leader-absent": "tour leaders ride their own tour (and so no other tour of that slot)",
    "repeat-session": "a participant attends a session at most once, unless presenting it",
    # Tours and step-free access.
    "tour-runs": "each tour runs exactly once",
    "tour-capacity": "a tour's riders never exceed capacity × departures",
    "step-free-tour": "people who need step-free access are never on walking tours",
    "step-free-room": "people who need step-free access are never in rooms that are not accessible",
    # Tables.
    "table-numbers": "the tables of a slot are numbered 1, 2, … without gaps or repeats",
    "networking-table-count": (
        "a networking slot uses the fewest tables that seat everyone present, more only "
        "where a delegation is larger than that number"
    ),
    "networking-table-size": "a networking table seats at most the slot's table size",
    "networking-balance": "the tables of a networking slot differ in size by at most one",
    "delegation-apart": "two members of one delegation never share a networking table",
    "delegation-table": (
        "in action planning each delegation present sits together at its own table, "
        "with nobody from outside it (its coaches are listed apart, not seated)"
    ),
    "networking-together": "two people with a `together` rule sit at one networking table",
    "networking-apart": "two people with an `apart` rule never sit at one networking table",
    "networking-host": (
        "hosts sit one per networking table: never two at a table, and every table has one "
        "when there are as many hosts as tables"
    ),
    "coach": (
        "the coaches of an action-planning table are facilitators who take a place in the "
        "slot, and every such facilitator coaches at least one delegation table"
    ),
    "coach-groups": (
        "when facilitators take a place in an action-planning slot, every delegation table "
        "has a coach: with fewer facilitators than tables each table has one coach and each "
        "facilitator a group of tables, group sizes differing by at most one; otherwise each "
        "facilitator coaches one table and the tables' numbers of coaches differ by at most one"
    ),
}

_ORDER = {code: i for i, code in enumerate(RULES)}

_Item = TypeVar("_Item", Run, Table)

#: Slot kinds a run of each kind belongs in.
_RUN_SLOT = {
    ActivityKind.PLENARY: SlotKind.PLENARY,
    ActivityKind.BREAKOUT: SlotKind.BREAKOUT,
    ActivityKind.TOUR: SlotKind.TOUR,
    ActivityKind.NETWORKING: SlotKind.NETWORKING,
    ActivityKind.ACTION_PLANNING: SlotKind.ACTION_PLANNING,
}


@attrs.frozen
class Violation:
    """One hard rule a plan breaks.

    Parameters
    ----------
    rule
        The rule's code, a key of :data:`RULES`, e.g. ``"one-activity-per-slot"``.
    message
        What is wrong, in the planner's words, naming the ids involved.
    slot_id, participant_id, activity_id
        The slot, person and session, tour or table concerned, when there is one.
    """

    rule: str
    message: str
    slot_id: str | None = None
    participant_id: str | None = None
    activity_id: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class PlanError(ConveningError):
    """A plan breaks hard rules; :attr:`violations` lists every one.

    Parameters
    ----------
    violations
        What :func:`validate` found.
    """

    #: How many violations the message spells out; the rest are counted.
    shown = 50

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        count = len(self.violations)
        lines = [f"the plan breaks {count} rule{'s' if count != 1 else ''}:"]
        lines += [f"  - {v}" for v in self.violations[: self.shown]]
        if count > self.shown:
            lines.append(f"  … and {count - self.shown} more")
        super().__init__("\n".join(lines))


def check_plan(event: Event, plan: Plan) -> None:
    """Raise :class:`PlanError` if ``plan`` breaks any hard rule of ``event``.

    Raises
    ------
    PlanError
        Listing every violation.
    """
    violations = validate(event, plan)
    if violations:
        raise PlanError(violations)


def validate(event: Event, plan: Plan) -> list[Violation]:
    """Every hard rule ``plan`` breaks, in a stable order (empty for a valid plan).

    Parameters
    ----------
    event
        The event the plan is for (usually ``plan.event``).
    plan
        The plan to check.

    Returns
    -------
    list of Violation
        Ordered by rule (as in :data:`RULES`), then slot time, then ids.
    """
    found: list[Violation] = []
    placed_runs = _placed(event, plan.runs, found)
    placed_tables = _placed(event, plan.tables, found)
    _check_people(event, placed_runs, placed_tables, found)
    runs = _known_runs(event, placed_runs, found)
    tables = _known_tables(event, placed_tables, found)
    _check_sessions(event, runs, found)
    _check_tours(event, runs, found)
    _check_step_free(event, runs, found)
    _check_networking(event, tables, found)
    _check_networking_rules(event, tables, found)
    _check_action_planning(event, tables, found)
    slot_order = {s.slot_id: i for i, s in enumerate(sorted(event.slots, key=Slot.sort_key))}

    def order(v: Violation) -> tuple[object, ...]:
        return (
            _ORDER[v.rule],
            slot_order.get(v.slot_id or "", -1),
            v.slot_id or "",
            v.activity_id or "",
            v.participant_id or "",
            v.message,
        )

    found = sorted(set(found), key=order)
    if found:
        logger.debug("plan breaks %d rules", len(found))
    return found


# -- what a plan refers to --------------------------------------------------------------------


def _placed(event: Event, items: Iterable[_Item], found: list[Violation]) -> list[_Item]:
    """The items in slots of the event, without people who are not participants.

    People are checked against every item placed in a real slot, even one of the
    wrong kind, so that one misplaced run is not also reported as everyone in it
    having no activity.
    """
    people = event.participant_by_id
    placed: list[_Item] = []
    for item in items:
        who: tuple[str, ...] = item.attendees if isinstance(item, Run) else item.members
        coaches: tuple[str, ...] = () if isinstance(item, Run) else item.coaches
        for pid in (*who, *coaches):
            if pid not in people:
                found.append(
                    Violation(
                        "unknown-participant",
                        f"{pid}, scheduled at {item.activity_id} in slot {item.slot_id}, "
                        "is not a participant",
                        item.slot_id,
                        pid,
                        item.activity_id,
                    )
                )
        if item.slot_id not in event.slot_by_id:
            found.append(
                Violation(
                    "unknown-slot",
                    f"{item.activity_id} is in slot {item.slot_id}, which is not in the event",
                    item.slot_id,
                    activity_id=item.activity_id,
                )
            )
            continue
        known = [pid for pid in who if pid in people]
        if len(known) < len(who):
            field = "attendees" if isinstance(item, Run) else "members"
            changes: dict[str, Any] = {field: tuple(known)}
            item = attrs.evolve(item, **changes)
        if any(c not in people for c in coaches):
            kept: dict[str, Any] = {"coaches": tuple(c for c in coaches if c in people)}
            item = attrs.evolve(item, **kept)
        placed.append(item)
    return placed


def _known_runs(event: Event, runs: Iterable[Run], found: list[Violation]) -> list[Run]:
    """The runs of sessions and tours of the event; report what is wrong with any run."""
    known: list[Run] = []
    for run in runs:
        slot = event.slot_by_id[run.slot_id]
        if run.kind is ActivityKind.TOUR:
            if run.activity_id not in event.tour_by_id:
                found.append(
                    Violation(
                        "unknown-tour",
                        f"tour {run.activity_id} is not in the event",
                        run.slot_id,
                        activity_id=run.activity_id,
                    )
                )
                continue
            if run.room_id is not None:
                found.append(
                    Violation(
                        "run-room",
                        f"tour {run.activity_id} is given room {run.room_id}; tours have no room",
                        run.slot_id,
                        activity_id=run.activity_id,
                    )
                )
        elif run.kind in (ActivityKind.PLENARY, ActivityKind.BREAKOUT):
            session = event.session_by_id.get(run.activity_id)
            if session is None:
                found.append(
                    Violation(
                        "unknown-session",
                        f"session {run.activity_id} is not in the event",
                        run.slot_id,
                        activity_id=run.activity_id,
                    )
                )
                continue
            if str(session.kind) != str(run.kind):
                found.append(
                    Violation(
                        "run-kind",
                        f"{session.kind} session {run.activity_id} is run as a {run.kind}",
                        run.slot_id,
                        activity_id=run.activity_id,
                    )
                )
            if run.room_id is None:
                found.append(
                    Violation(
                        "run-room",
                        f"session {run.activity_id} runs in slot {run.slot_id} without a room",
                        run.slot_id,
                        activity_id=run.activity_id,
                    )
                )
            elif run.room_id not in event.room_by_id:
                found.append(
                    Violation(
                        "unknown-room",
                        f"session {run.activity_id} runs in room {run.room_id}, "
                        "which is not in the event",
                        run.slot_id,
                        activity_id=run.activity_id,
                    )
                )
        else:
            found.append(
                Violation(
                    "slot-kind",
                    f"{run.activity_id} is a run of kind {run.kind}; runs are sessions or tours",
                    run.slot_id,
                    activity_id=run.activity_id,
                )
            )
            continue
        # A run in the wrong kind of slot still counts as a run of its session or tour.
        _in_right_slot(slot, run.kind, run.activity_id, found)
        known.append(run)
    return known


def _known_tables(event: Event, tables: Iterable[Table], found: list[Violation]) -> list[Table]:
    """The networking and action-planning tables of cities of the event; report the rest."""
    known: list[Table] = []
    for table in tables:
        slot = event.slot_by_id[table.slot_id]
        if table.kind not in (ActivityKind.NETWORKING, ActivityKind.ACTION_PLANNING):
            found.append(
                Violation(
                    "slot-kind",
                    f"table {table.number} in slot {table.slot_id} is a {table.kind} table; "
                    "tables are for networking and action planning",
                    table.slot_id,
                    activity_id=table.activity_id,
                )
            )
            continue
        _in_right_slot(slot, table.kind, table.activity_id, found)
        if table.city_id is not None and table.city_id not in event.city_by_id:
            found.append(
                Violation(
                    "unknown-city",
                    f"table {table.number} in slot {table.slot_id} belongs to city "
                    f"{table.city_id}, which is not in the event",
                    table.slot_id,
                    activity_id=table.activity_id,
                )
            )
            continue
        known.append(table)
    return known


def _in_right_slot(
    slot: Slot, kind: ActivityKind, activity_id: str, found: list[Violation]
) -> None:
    """Report an activity of ``kind`` in a slot of another kind."""
    if _RUN_SLOT[kind] is not slot.kind:
        found.append(
            Violation(
                "slot-kind",
                f"{activity_id} is a {kind} but slot {slot.slot_id} is a {slot.kind} slot",
                slot.slot_id,
                activity_id=activity_id,
            )
        )


# -- everyone's time --------------------------------------------------------------------------


def _check_people(
    event: Event, runs: Sequence[Run], tables: Sequence[Table], found: list[Violation]
) -> None:
    """Everyone present has exactly one activity per activity slot; nobody else has any."""
    doing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for run in runs:
        for pid in run.attendees:
            doing[(pid, run.slot_id)].append(run.activity_id)
    coaching: dict[tuple[str, str], list[str]] = defaultdict(list)
    for table in tables:
        for pid in table.members:
            doing[(pid, table.slot_id)].append(table.activity_id)
        for pid in table.coaches:
            coaching[(pid, table.slot_id)].append(table.activity_id)
    # Coaching a group of tables is one activity.
    for (pid, slot_id), coached in coaching.items():
        doing[(pid, slot_id)].append("coaching " + ", ".join(sorted(coached)))

    for (pid, slot_id), activities in doing.items():
        slot = event.slot_by_id[slot_id]
        person = event.participant_by_id[pid]
        what = ", ".join(sorted(activities))
        if slot.kind is SlotKind.BREAK:
            found.append(
                Violation(
                    "break-slot",
                    f"{pid} is scheduled at {what} during break {slot_id}",
                    slot_id,
                    pid,
                    activities[0],
                )
            )
        elif not person.is_at(slot):
            why = "is away then" if person.is_present(slot) else "is not at the event then"
            found.append(
                Violation(
                    "not-present",
                    f"{pid} is scheduled at {what} in slot {slot_id} but {why}",
                    slot_id,
                    pid,
                    activities[0],
                )
            )
        elif not person.takes_place(slot):
            for activity in activities:
                if not event.leads_or_presents(pid, activity):
                    found.append(
                        Violation(
                            "no-place",
                            f"{pid} does not attend {slot.kind} slots but is scheduled at "
                            f"{activity} in slot {slot_id}",
                            slot_id,
                            pid,
                            activity,
                        )
                    )
            if len(activities) > 1:
                found.append(
                    Violation(
                        "one-activity-per-slot",
                        f"{pid} has {len(activities)} activities in slot {slot_id}: {what}",
                        slot_id,
                        pid,
                    )
                )

    for slot in event.slots:
        if not slot.kind.is_activity:
            continue
        for person in event.present(slot):
            activities = doing.get((person.participant_id, slot.slot_id), [])
            if len(activities) == 1:
                continue
            if activities:
                message = (
                    f"{person.participant_id} has {len(activities)} activities in slot "
                    f"{slot.slot_id}: {', '.join(sorted(activities))}"
                )
            else:
                message = (
                    f"{person.participant_id} is present but has nothing in slot {slot.slot_id}"
                )
            found.append(
                Violation("one-activity-per-slot", message, slot.slot_id, person.participant_id)
            )


# -- sessions ---------------------------------------------------------------------------------


def _check_sessions(event: Event, runs: Sequence[Run], found: list[Violation]) -> None:
    session_runs: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        if run.kind is not ActivityKind.TOUR:
            session_runs[run.activity_id].append(run)

    for session in event.sessions:
        mine = session_runs.get(session.session_id, [])
        sid = session.session_id
        if len(mine) != session.offered:
            found.append(
                Violation(
                    "session-offered",
                    f"session {sid} runs {len(mine)} times; it is offered {session.offered}",
                    activity_id=sid,
                )
            )
        presenters = set(session.presenters)
        seen: Counter[str] = Counter()
        for run in mine:
            if session.slot_id is not None and run.slot_id != session.slot_id:
                found.append(
                    Violation(
                        "pinned-slot",
                        f"session {sid} runs in slot {run.slot_id}; it is pinned to {session.slot_id}",
                        run.slot_id,
                        activity_id=sid,
                    )
                )
            if session.room_id is not None and run.room_id != session.room_id:
                found.append(
                    Violation(
                        "pinned-room",
                        f"session {sid} runs in room {run.room_id} in slot {run.slot_id}; "
                        f"it is pinned to room {session.room_id}",
                        run.slot_id,
                        activity_id=sid,
                    )
                )
            if session.capacity is not None and len(run.attendees) > session.capacity:
                found.append(
                    Violation(
                        "session-capacity",
                        f"session {sid} in slot {run.slot_id} has {len(run.attendees)} "
                        f"attendees; its capacity is {session.capacity}",
                        run.slot_id,
                        activity_id=sid,
                    )
                )
            for pid in sorted(presenters - set(run.attendees)):
                found.append(
                    Violation(
                        "presenter-absent",
                        f"{pid} presents session {sid} but is not in its run in slot {run.slot_id}",
                        run.slot_id,
                        pid,
                        sid,
                    )
                )
            seen.update(set(run.attendees))
        for pid, times in sorted(seen.items()):
            if times > 1 and pid not in presenters:
                found.append(
                    Violation(
                        "repeat-session",
                        f"{pid} attends session {sid} {times} times",
                        participant_id=pid,
                        activity_id=sid,
                    )
                )

    by_room: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        if run.room_id is not None and run.kind is not ActivityKind.TOUR:
            by_room[(run.slot_id, run.room_id)].append(run)
    for (slot_id, room_id), here in by_room.items():
        room = event.room_by_id.get(room_id)
        if len(here) > 1:
            names = ", ".join(sorted(r.activity_id for r in here))
            found.append(
                Violation(
                    "room-double-booked",
                    f"room {room_id} holds {len(here)} sessions in slot {slot_id}: {names}",
                    slot_id,
                    activity_id=here[0].activity_id,
                )
            )
        for run in here:
            if room is not None and len(run.attendees) > room.capacity:
                found.append(
                    Violation(
                        "room-capacity",
                        f"session {run.activity_id} in slot {slot_id} has {len(run.attendees)} "
                        f"attendees; room {room_id} seats {room.capacity}",
                        slot_id,
                        activity_id=run.activity_id,
                    )
                )


# -- tours and step-free access ---------------------------------------------------------------


def _check_tours(event: Event, runs: Sequence[Run], found: list[Violation]) -> None:
    tour_runs: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        if run.kind is ActivityKind.TOUR:
            tour_runs[run.activity_id].append(run)
    for tour in event.tours:
        mine = tour_runs.get(tour.tour_id, [])
        if len(mine) != 1:
            found.append(
                Violation(
                    "tour-runs",
                    f"tour {tour.tour_id} runs {len(mine)} times; each tour runs once",
                    activity_id=tour.tour_id,
                )
            )
        for run in mine:
            for pid in sorted(set(tour.leaders) - set(run.attendees)):
                found.append(
                    Violation(
                        "leader-absent",
                        f"{pid} leads tour {tour.tour_id} but is not on it in slot {run.slot_id}",
                        run.slot_id,
                        pid,
                        tour.tour_id,
                    )
                )
            if tour.slot_id is not None and run.slot_id != tour.slot_id:
                found.append(
                    Violation(
                        "pinned-slot",
                        f"tour {tour.tour_id} runs in slot {run.slot_id}; it is pinned to {tour.slot_id}",
                        run.slot_id,
                        activity_id=tour.tour_id,
                    )
                )
            if len(run.attendees) > tour.seats:
                found.append(
                    Violation(
                        "tour-capacity",
                        f"tour {tour.tour_id} in slot {run.slot_id} has {len(run.attendees)} "
                        f"riders; it takes {tour.capacity} × {tour.departures} = {tour.seats}",
                        run.slot_id,
                        activity_id=tour.tour_id,
                    )
                )


def _check_step_free(event: Event, runs: Sequence[Run], found: list[Violation]) -> None:
    people = event.participant_by_id
    for run in runs:
        needing = [pid for pid in run.attendees if people[pid].accessible]
        if not needing:
            continue
        if run.kind is ActivityKind.TOUR:
            if event.tour_by_id[run.activity_id].walking:
                for pid in needing:
                    found.append(
                        Violation(
                            "step-free-tour",
                            f"{pid} needs step-free access but is on walking tour {run.activity_id}",
                            run.slot_id,
                            pid,
                            run.activity_id,
                        )
                    )
        elif (room := event.room_by_id.get(run.room_id or "")) is not None and not room.accessible:
            for pid in needing:
                found.append(
                    Violation(
                        "step-free-room",
                        f"{pid} needs step-free access but session {run.activity_id} in slot "
                        f"{run.slot_id} is in room {run.room_id}, which is not accessible",
                        run.slot_id,
                        pid,
                        run.activity_id,
                    )
                )


# -- tables -----------------------------------------------------------------------------------


def _tables_by_slot(tables: Sequence[Table], kind: ActivityKind) -> dict[str, list[Table]]:
    out: dict[str, list[Table]] = defaultdict(list)
    for table in tables:
        if table.kind is kind:
            out[table.slot_id].append(table)
    return out


def _check_numbers(slot_id: str, tables: Sequence[Table], found: list[Violation]) -> None:
    numbers = sorted(t.number for t in tables)
    if numbers != list(range(1, len(tables) + 1)):
        found.append(
            Violation(
                "table-numbers",
                f"the {len(tables)} tables of slot {slot_id} are numbered "
                f"{', '.join(map(str, numbers))}; they should be 1 to {len(tables)}",
                slot_id,
            )
        )


def _check_networking(event: Event, tables: Sequence[Table], found: list[Violation]) -> None:
    people = event.participant_by_id
    by_slot = _tables_by_slot(tables, ActivityKind.NETWORKING)
    for slot in event.slots_of(SlotKind.NETWORKING):
        sid = slot.slot_id
        mine = by_slot.get(sid, [])
        size = event.table_size(sid)
        present = event.present(slot)
        _check_numbers(sid, mine, found)
        wanted = event.networking_tables(slot)
        if len(mine) != wanted:
            found.append(
                Violation(
                    "networking-table-count",
                    f"slot {sid} uses {len(mine)} tables; {len(present)} people present at "
                    f"tables of {size} need {wanted}",
                    sid,
                )
            )
        for table in mine:
            if len(table.members) > size:
                found.append(
                    Violation(
                        "networking-table-size",
                        f"table {table.number} in slot {sid} seats {len(table.members)}; "
                        f"the table size is {size}",
                        sid,
                        activity_id=table.activity_id,
                    )
                )
            cities = Counter(
                people[pid].city_id for pid in table.members if people[pid].city_id is not None
            )
            for city_id, count in sorted(cities.items(), key=lambda kv: str(kv[0])):
                if count > 1:
                    found.append(
                        Violation(
                            "delegation-apart",
                            f"table {table.number} in slot {sid} seats {count} members of "
                            f"delegation {city_id}",
                            sid,
                            activity_id=table.activity_id,
                        )
                    )
        if mine:
            sizes = [len(t.members) for t in mine]
            if max(sizes) - min(sizes) > 1:
                found.append(
                    Violation(
                        "networking-balance",
                        f"the tables of slot {sid} seat from {min(sizes)} to {max(sizes)} people; "
                        "sizes may differ by at most one",
                        sid,
                    )
                )


def networking_rule_breaches(
    event: Event, slot_id: str, seat: Mapping[str, int]
) -> list[tuple[str, str]]:
    """The ``networking_rules`` that a seating of one networking slot breaks.

    Parameters
    ----------
    event
        The event whose rules apply.
    slot_id
        The networking slot.
    seat
        Table number by participant id, for everyone seated in the slot.

    Returns
    -------
    list of (rule code, message)
        Empty when every rule holds; rules about people not seated do not apply.
    """
    out: list[tuple[str, str]] = []
    hosts: dict[int, list[str]] = defaultdict(list)
    for rule in event.networking_rules:
        if rule.slot_id is not None and rule.slot_id != slot_id:
            continue
        a = seat.get(rule.participant_id)
        if a is None:
            continue
        if rule.rule is RuleKind.HOST:
            hosts[a].append(rule.participant_id)
            continue
        b = seat.get(rule.other_id or "")
        if b is None:
            continue
        where = f"networking_rules row {rule.row}" if rule.row is not None else "a rule"
        if rule.rule is RuleKind.TOGETHER and a != b:
            out.append(
                (
                    "networking-together",
                    f"{rule.participant_id} and {rule.other_id} sit at tables {a} and {b} in "
                    f"{slot_id}, though {where} keeps them together",
                )
            )
        if rule.rule is RuleKind.APART and a == b:
            out.append(
                (
                    "networking-apart",
                    f"{rule.participant_id} and {rule.other_id} share table {a} in {slot_id}, "
                    f"though {where} keeps them apart",
                )
            )
    for table, names in sorted(hosts.items()):
        if len(set(names)) > 1:
            out.append(
                (
                    "networking-host",
                    f"hosts {', '.join(sorted(set(names)))} share table {table} in {slot_id}",
                )
            )
    tables = set(seat.values())
    all_hosts = {h for names in hosts.values() for h in names}
    if len(all_hosts) >= len(tables) and set(hosts) != tables:
        bare = sorted(tables - set(hosts))
        out.append(
            (
                "networking-host",
                f"table{'s' if len(bare) > 1 else ''} {', '.join(map(str, bare))} in {slot_id} "
                f"{'have' if len(bare) > 1 else 'has'} no host, though there are "
                f"{len(all_hosts)} hosts for {len(tables)} tables",
            )
        )
    return out


def _check_networking_rules(event: Event, tables: Sequence[Table], found: list[Violation]) -> None:
    if not event.networking_rules:
        return
    for slot_id, slot_tables in _tables_by_slot(tables, ActivityKind.NETWORKING).items():
        seat = {pid: t.number for t in slot_tables for pid in t.members}
        for code, message in networking_rule_breaches(event, slot_id, seat):
            found.append(Violation(code, message, slot_id=slot_id))


def _check_action_planning(event: Event, tables: Sequence[Table], found: list[Violation]) -> None:
    people = event.participant_by_id
    by_slot = _tables_by_slot(tables, ActivityKind.ACTION_PLANNING)
    for slot in event.slots_of(SlotKind.ACTION_PLANNING):
        sid = slot.slot_id
        mine = by_slot.get(sid, [])
        present = event.present(slot)
        _check_numbers(sid, mine, found)

        tables_of_city: dict[str, list[Table]] = defaultdict(list)
        for table in mine:
            if table.city_id is not None:
                tables_of_city[table.city_id].append(table)
        present_by_city: dict[str, list[str]] = defaultdict(list)
        for person in present:
            if person.city_id is not None:
                present_by_city[person.city_id].append(person.participant_id)

        # Each delegation present has exactly one table, with all its present members.
        for city_id, members in present_by_city.items():
            own = tables_of_city.get(city_id, [])
            if len(own) != 1:
                found.append(
                    Violation(
                        "delegation-table",
                        f"delegation {city_id} has {len(own)} tables in slot {sid}; it needs one",
                        sid,
                    )
                )
                continue
            table = own[0]
            for pid in members:
                if pid not in table.members:
                    found.append(
                        Violation(
                            "delegation-table",
                            f"{pid} is not at delegation {city_id}'s table {table.number} in slot {sid}",
                            sid,
                            pid,
                            table.activity_id,
                        )
                    )
        for city_id, own in tables_of_city.items():
            if city_id not in present_by_city:
                found.append(
                    Violation(
                        "delegation-table",
                        f"slot {sid} has a table for delegation {city_id}, none of whom is present",
                        sid,
                        activity_id=own[0].activity_id,
                    )
                )

        # A delegation's table holds the delegation alone; its coaches are listed apart.
        for table in mine:
            if table.city_id is None:
                continue
            for pid in table.members:
                person = people[pid]
                if person.city_id != table.city_id:
                    found.append(
                        Violation(
                            "delegation-table",
                            f"{pid} sits at delegation {table.city_id}'s table "
                            f"{table.number} in slot {sid} but is not of that delegation",
                            sid,
                            pid,
                            table.activity_id,
                        )
                    )
        _check_coaching(event, slot, mine, found)


def _check_coaching(
    event: Event, slot: Slot, tables: Sequence[Table], found: list[Violation]
) -> None:
    """Coaches are facilitators there, and they are spread over the tables as the contract says."""
    sid = slot.slot_id
    people = event.participant_by_id
    facilitators = {p.participant_id for p in event.present(slot) if p.is_coach}
    delegation_tables = [t for t in tables if t.city_id is not None]
    groups: dict[str, list[int]] = {pid: [] for pid in sorted(facilitators)}
    for table in tables:
        for pid in table.coaches:
            if pid not in facilitators or table.city_id is None:
                who = people.get(pid)
                why = (
                    "a coach coaches a delegation's table"
                    if table.city_id is None
                    else "a coach is a facilitator outside every delegation who takes a place "
                    "in the slot"
                    if who is None or not who.is_coach
                    else "they take no place in this slot"
                )
                found.append(
                    Violation(
                        "coach",
                        f"table {table.number} in slot {sid} names {pid} as coach, but {why}",
                        sid,
                        pid,
                        table.activity_id,
                    )
                )
            else:
                groups[pid].append(table.number)
    for pid, numbers in groups.items():
        if not numbers and delegation_tables:
            found.append(
                Violation("coach", f"facilitator {pid} coaches no table in slot {sid}", sid, pid)
            )
    if not facilitators or not delegation_tables:
        return
    counts = [len([c for c in t.coaches if c in facilitators]) for t in delegation_tables]
    for table, count in zip(delegation_tables, counts, strict=True):
        if count == 0:
            found.append(
                Violation(
                    "coach-groups",
                    f"delegation {table.city_id}'s table {table.number} in slot {sid} has no "
                    "coach, though facilitators are there",
                    sid,
                    activity_id=table.activity_id,
                )
            )
    if len(facilitators) < len(delegation_tables):
        for table, count in zip(delegation_tables, counts, strict=True):
            if count > 1:
                found.append(
                    Violation(
                        "coach-groups",
                        f"table {table.number} in slot {sid} has {count} coaches, though there "
                        "are fewer facilitators than tables",
                        sid,
                        activity_id=table.activity_id,
                    )
                )
        sizes = {pid: len(n) for pid, n in groups.items()}
        if sizes and max(sizes.values()) - min(sizes.values()) > 1:
            found.append(
                Violation(
                    "coach-groups",
                    f"coaching groups in slot {sid} range from {min(sizes.values())} to "
                    f"{max(sizes.values())} tables; they differ by at most one",
                    sid,
                )
            )
    else:
        for pid, numbers in groups.items():
            if len(numbers) > 1:
                found.append(
                    Violation(
                        "coach-groups",
                        f"facilitator {pid} coaches {len(numbers)} tables in slot {sid}, though "
                        "there are at least as many facilitators as tables",
                        sid,
                        pid,
                    )
                )
        if max(counts) - min(counts) > 1:
            found.append(
                Violation(
                    "coach-groups",
                    f"the tables in slot {sid} have from {min(counts)} to {max(counts)} coaches; "
                    "they differ by at most one",
                    sid,
                )
            )
