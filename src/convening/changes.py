"""What changed between two plans of an event, person by person and session by session.

:func:`diff_plans` compares a previous plan (of the event as it was) with a
new one (of the event as it is now) and returns a :class:`ChangeReport`:

- :attr:`ChangeReport.people`: one :class:`PersonChange` per person and slot
  whose place changed — the slot, where they were (session or tour, room,
  table), where they are now, and why (:class:`ChangeReason`);
- :attr:`ChangeReport.sessions`: one :class:`SessionChange` per run of a
  session or tour that moved to another slot (its time changed) or only to
  another room, was added or removed;
- :attr:`ChangeReport.notify`: the people whose calendar changed in any way
  they would see (time, place, title, description, table companions,
  coach), so only they need a new email;
- :attr:`ChangeReport.tablemates_only`: those of them whose own places did
  not change, only who else sits at their tables.

A person is *moved* when, in a slot they attend in both plans, their
session or tour changed. Their session changing room keeps their time: it
is reported (:attr:`ChangeReport.room_changed`, their calendar's location
changes) but is no move. A change of networking or action-planning table
alone makes them *re-seated*, which counts for less. People who are new or
who left are listed apart. Everything here is plain data;
:func:`changes_frames` gives the tables that
:func:`convening.export.changes.write_changes` writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import attrs
import pandas as pd

from convening.model import Event, Slot
from convening.plan import ActivityKind, Plan, Run, Table

__all__ = [
    "ChangeReason",
    "ChangeReport",
    "PersonChange",
    "SessionChange",
    "calendars_changed",
    "changes_frames",
    "diff_plans",
]


class ChangeReason(StrEnum):
    """Why a person's place, or a session's run, changed."""

    SESSION_CANCELLED = "session cancelled"
    SESSION_NEW = "session new"
    SESSION_MOVED = "session moved"
    ROOM_CHANGED = "room changed"
    ROOM_GONE = "room gone"
    CAPACITY_REDUCED = "capacity reduced"
    PIN_CHANGED = "pin changed"
    PRESENTERS_CHANGED = "presenters changed"
    RUN_ADDED = "run added"
    RUN_REMOVED = "run removed"
    SLOT_REMOVED = "slot removed"
    SLOT_ADDED = "slot added"
    SLOT_CHANGED = "slot changed"
    PERSON_NEW = "person new"
    PERSON_LEFT = "person left"
    PRESENCE_CHANGED = "arrival/departure changed"
    ACCESS_CHANGED = "needs step-free access"
    RESEATED = "re-seated"
    MAKE_ROOM = "moved to make room"


@attrs.frozen
class PersonChange:
    """One person's change in one slot.

    Parameters
    ----------
    participant_id, name
        Who.
    slot_id, start
        When (``start`` from the new event, else the previous one).
    kind
        The slot's kind (``breakout``, ``tour``, ``networking``, …).
    before_activity, before_room, before_table, before_title
        Where they were: the session or tour (or table id), its room, the
        table number, and the title they saw; ``None`` when nothing.
    after_activity, after_room, after_table, after_title
        Where they are now.
    reason
        Why (:class:`ChangeReason`).
    moved
        Whether this counts as moving the person (session or tour changed
        in a slot they attend in both plans; a room change alone does not).
    """

    participant_id: str
    name: str
    slot_id: str
    start: dt.datetime | None
    kind: str
    before_activity: str | None
    before_room: str | None
    before_table: int | None
    before_title: str | None
    after_activity: str | None
    after_room: str | None
    after_table: int | None
    after_title: str | None
    reason: ChangeReason
    moved: bool


@attrs.frozen
class SessionChange:
    """One run of a session or tour that moved, appeared or went away.

    Parameters
    ----------
    activity_id, title, kind
        The session or tour.
    before_slot, before_room
        Where the run was (``None``: it is new).
    after_slot, after_room
        Where it is now (``None``: it is gone).
    reason
        Why (:class:`ChangeReason`).
    presenters
        The session's presenters (in the new event, else the previous one):
        the people to tell first when the run's time changed.
    """

    activity_id: str
    title: str
    kind: str
    before_slot: str | None
    before_room: str | None
    after_slot: str | None
    after_room: str | None
    reason: ChangeReason
    presenters: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """Whether an existing run moved (rather than appeared or went away)."""
        return self.before_slot is not None and self.after_slot is not None

    @property
    def time_changed(self) -> bool:
        """Whether an existing run moved to another slot."""
        return self.moved and self.before_slot != self.after_slot

    @property
    def room_changed(self) -> bool:
        """Whether an existing run kept its slot and changed room only."""
        return self.moved and self.before_slot == self.after_slot

    @property
    def change(self) -> str:
        """``time``, ``room``, ``added`` or ``removed``."""
        if self.time_changed:
            return "time"
        if self.room_changed:
            return "room"
        return "added" if self.before_slot is None else "removed"


@attrs.frozen
class ChangeReport:
    """Everything that changed between two plans.

    Parameters
    ----------
    people
        Per person and slot, by person (new event's order) then time.
    sessions
        Per run of a session or tour that changed, by id.
    moved
        People moved (their session or tour changed somewhere).
    room_changed
        People not moved whose session changed room somewhere (same time,
        new location).
    reseated
        People whose networking or action-planning table changed.
    added, left
        People new to the event, and people who left it.
    notify
        People whose calendar changed (they get a new email); people who left
        are included, their calendar now cancels their events.
    tablemates_only
        People in :attr:`notify` whose calendar changed only because who else
        sits at their tables changed: their networking tablemates, their
        delegation's coach at action planning (or, for a coach, the delegation
        they coach). Their own sessions, tours, rooms, tables and times are
        as before.
    forced
        People the change forced to move whatever the plan (a lower bound on
        :attr:`moved`), with why, when the re-planner worked it out.
    updated_slots
        For people in :attr:`notify` with no changed place (tablemates or
        details changed): the slots whose calendar entries changed.
    """

    people: tuple[PersonChange, ...] = ()
    sessions: tuple[SessionChange, ...] = ()
    moved: tuple[str, ...] = ()
    reseated: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    tablemates_only: tuple[str, ...] = ()
    forced: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    room_changed: tuple[str, ...] = ()
    updated_slots: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    @property
    def people_moved(self) -> int:
        """How many people were moved (their session or tour changed)."""
        return len(self.moved)

    @property
    def sessions_moved(self) -> int:
        """How many runs of sessions and tours moved to another slot or room."""
        return sum(1 for s in self.sessions if s.moved)

    @property
    def runs_retimed(self) -> tuple[SessionChange, ...]:
        """Runs that moved to another slot: their time changed."""
        return tuple(s for s in self.sessions if s.time_changed)

    @property
    def runs_rehoused(self) -> tuple[SessionChange, ...]:
        """Runs that kept their slot and changed room only."""
        return tuple(s for s in self.sessions if s.room_changed)

    @property
    def presenters_retimed(self) -> tuple[str, ...]:
        """Presenters of runs whose time changed (tell them first)."""
        return tuple(dict.fromkeys(p for s in self.runs_retimed for p in s.presenters))

    def summary(self) -> str:
        """One line for a planner, in the order they act on it.

        Runs that changed time (with their presenters), runs that changed
        room only, people who changed session or tour, people re-seated at
        tables, new and left, then how many calendars changed.
        """
        retimed = len(self.runs_retimed)
        text = f"{retimed} session {'run' if retimed == 1 else 'runs'} changed time"
        if self.presenters_retimed:
            text += f" (presenters {', '.join(self.presenters_retimed)})"
        return (
            f"{text}, {len(self.runs_rehoused)} changed room only; "
            f"{self.people_moved} people changed session or tour, "
            f"{len(self.reseated)} re-seated at tables, {len(self.added)} new, "
            f"{len(self.left)} left; {calendars_changed(self)}"
        )


def calendars_changed(report: ChangeReport) -> str:
    """``"13 calendars changed (13 because tablemates changed)"``, for a planner.

    The part in brackets is left out when no calendar changed only because of
    tablemates.
    """
    count = len(report.notify)
    text = f"{count} {'calendar' if count == 1 else 'calendars'} changed"
    if report.tablemates_only:
        text += f" ({len(report.tablemates_only)} because tablemates changed)"
    return text


# -- comparing --------------------------------------------------------------------------------


def diff_plans(
    previous: Plan, plan: Plan, *, forced: Mapping[str, Iterable[str]] | None = None
) -> ChangeReport:
    """Compare a previous plan with a new one; ids match items across the two events.

    Parameters
    ----------
    previous
        The plan sent out before (of the event as it was).
    plan
        The new plan (of the event as it is now).
    forced
        People the change forced to move, with why (kept in the report).

    Returns
    -------
    ChangeReport
    """
    old_event, new_event = previous.event, plan.event
    slots = _all_slots(old_event, new_event)
    order: list[str] = [p.participant_id for p in new_event.participants]
    order += [
        p.participant_id
        for p in old_event.participants
        if p.participant_id not in new_event.participant_by_id
    ]
    people: list[PersonChange] = []
    moved: list[str] = []
    room_changed: list[str] = []
    reseated: list[str] = []
    notify: list[str] = []
    tablemates_only: list[str] = []
    updated_slots: dict[str, tuple[str, ...]] = {}
    for pid in order:
        rows = _person_rows(previous, plan, pid, slots)
        people.extend(rows)
        if any(r.moved for r in rows):
            moved.append(pid)
        elif any(r.reason is ChangeReason.ROOM_CHANGED for r in rows):
            room_changed.append(pid)
        if any(r.reason is ChangeReason.RESEATED for r in rows):
            reseated.append(pid)
        if rows:
            notify.append(pid)
            continue
        before, after = _seen(previous, pid, slots), _seen(plan, pid, slots)
        if before != after:
            notify.append(pid)
            updated_slots[pid] = _changed_slots(before, after)
            if _only_tablemates(previous, plan, pid, before, after):
                tablemates_only.append(pid)
    added = [
        p.participant_id
        for p in new_event.participants
        if p.participant_id not in old_event.participant_by_id
    ]
    left = [
        p.participant_id
        for p in old_event.participants
        if p.participant_id not in new_event.participant_by_id
    ]
    return ChangeReport(
        people=tuple(people),
        sessions=tuple(_session_rows(previous, plan)),
        moved=tuple(moved),
        reseated=tuple(reseated),
        added=tuple(added),
        left=tuple(left),
        notify=tuple(notify),
        tablemates_only=tuple(tablemates_only),
        forced={k: tuple(v) for k, v in sorted((forced or {}).items())},
        room_changed=tuple(room_changed),
        updated_slots=updated_slots,
    )


def _changed_slots(before: tuple[Any, ...], after: tuple[Any, ...]) -> tuple[str, ...]:
    """Slots whose calendar entries differ between two :func:`_seen` views (all when the
    event's name or venue changed)."""
    old = {entry[0]: entry for entry in before[2:]}
    new = {entry[0]: entry for entry in after[2:]}
    every = before[:2] != after[:2]
    ids = [k for k in dict.fromkeys([*old, *new]) if every or old.get(k) != new.get(k)]
    return tuple(ids)


def _all_slots(old: Event, new: Event) -> list[Slot]:
    """Every activity slot of either event, in time order (the new event's times first)."""
    by_id: dict[str, Slot] = {s.slot_id: s for s in old.slots}
    by_id.update({s.slot_id: s for s in new.slots})
    slots = [s for s in by_id.values() if s.kind.is_activity]
    return sorted(slots, key=Slot.sort_key)


def _one(plan: Plan, pid: str, slot_id: str) -> Run | Table | None:
    acts = plan.activities_of(pid, slot_id)
    return acts[0] if acts else None


def _where(item: Run | Table | None) -> tuple[Any, ...] | None:
    if item is None:
        return None
    if isinstance(item, Run):
        return ("run", item.activity_id, item.room_id)
    return ("table", item.kind.value, item.number)


def _present(event: Event, pid: str, slot_id: str) -> bool:
    person = event.participant_by_id.get(pid)
    slot = event.slot_by_id.get(slot_id)
    return person is not None and slot is not None and person.is_present(slot)


def _person_rows(previous: Plan, plan: Plan, pid: str, slots: list[Slot]) -> list[PersonChange]:
    old_event, new_event = previous.event, plan.event
    person = new_event.participant_by_id.get(pid) or old_event.participant_by_id[pid]
    rows = []
    for slot in slots:
        k = slot.slot_id
        before = _one(previous, pid, k) if pid in old_event.participant_by_id else None
        after = _one(plan, pid, k) if pid in new_event.participant_by_id else None
        if _where(before) == _where(after):
            continue
        reason = _person_reason(previous, plan, pid, k, before, after)
        both = (
            _present(old_event, pid, k)
            and _present(new_event, pid, k)
            and isinstance(before, Run)
            and isinstance(after, Run)
        )
        rows.append(
            PersonChange(
                participant_id=pid,
                name=person.name,
                slot_id=k,
                start=slot.start,
                kind=slot.kind.value,
                before_activity=before.activity_id if before is not None else None,
                before_room=before.room_id if isinstance(before, Run) else None,
                before_table=before.number if isinstance(before, Table) else None,
                before_title=previous.title_of(before) if before is not None else None,
                after_activity=after.activity_id if after is not None else None,
                after_room=after.room_id if isinstance(after, Run) else None,
                after_table=after.number if isinstance(after, Table) else None,
                after_title=plan.title_of(after) if after is not None else None,
                reason=reason,
                moved=both
                and isinstance(before, Run)
                and isinstance(after, Run)
                and before.activity_id != after.activity_id,
            )
        )
    return rows


def _person_reason(
    previous: Plan,
    plan: Plan,
    pid: str,
    k: str,
    before: Run | Table | None,
    after: Run | Table | None,
) -> ChangeReason:
    old_event, new_event = previous.event, plan.event
    if pid not in old_event.participant_by_id:
        return ChangeReason.PERSON_NEW
    if pid not in new_event.participant_by_id:
        return ChangeReason.PERSON_LEFT
    if k not in new_event.slot_by_id:
        return ChangeReason.SLOT_REMOVED
    if k not in old_event.slot_by_id:
        return ChangeReason.SLOT_ADDED
    if _present(old_event, pid, k) != _present(new_event, pid, k):
        return ChangeReason.PRESENCE_CHANGED
    if before is None or after is None or type(before) is not type(after):
        return ChangeReason.SLOT_CHANGED
    if isinstance(before, Table):
        return ChangeReason.RESEATED
    assert isinstance(before, Run)
    assert isinstance(after, Run)
    item = before.activity_id
    if after.activity_id == item:
        return ChangeReason.ROOM_CHANGED
    if item not in new_event.session_by_id and item not in new_event.tour_by_id:
        return ChangeReason.SESSION_CANCELLED
    if before.room_id is not None and before.room_id not in new_event.room_by_id:
        return ChangeReason.ROOM_GONE
    same = [r for r in plan.runs_in(k) if r.activity_id == item and r.room_id == before.room_id]
    if not same:
        return ChangeReason.SESSION_MOVED
    old_person = old_event.participant_by_id[pid]
    new_person = new_event.participant_by_id[pid]
    if new_person.accessible and not old_person.accessible:
        return ChangeReason.ACCESS_CHANGED
    if _seats(new_event, before) < _seats(old_event, before):
        return ChangeReason.CAPACITY_REDUCED
    return ChangeReason.MAKE_ROOM


def _seats(event: Event, run: Run) -> int:
    """Seats of a run's place in ``event`` (its room and session capacity, or the tour's)."""
    if run.room_id is None:
        tour = event.tour_by_id.get(run.activity_id)
        return tour.seats if tour is not None else 0
    room = event.room_by_id.get(run.room_id)
    session = event.session_by_id.get(run.activity_id)
    seats = room.capacity if room is not None else 0
    if session is not None and session.capacity is not None:
        seats = min(seats, session.capacity)
    return seats


def _cells(plan: Plan) -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list[tuple[str, str | None]]] = {}
    for run in plan.runs:
        out.setdefault(run.activity_id, []).append((run.slot_id, run.room_id))
    return {k: sorted(v, key=lambda c: (c[0], c[1] or "")) for k, v in sorted(out.items())}


def _session_rows(previous: Plan, plan: Plan) -> list[SessionChange]:
    old_event, new_event = previous.event, plan.event
    old_cells, new_cells = _cells(previous), _cells(plan)
    rows: list[SessionChange] = []
    for item in sorted(set(old_cells) | set(new_cells)):
        before = [c for c in old_cells.get(item, []) if c not in new_cells.get(item, [])]
        after = [c for c in new_cells.get(item, []) if c not in old_cells.get(item, [])]
        title, kind = _title_kind(new_event, item) or _title_kind(old_event, item) or (item, "")
        session = new_event.session_by_id.get(item) or old_event.session_by_id.get(item)
        presenters = tuple(session.presenters) if session is not None else ()
        pairs: list[tuple[tuple[str, str | None] | None, tuple[str, str | None] | None]] = []
        # A run that changed room in the same slot is one move, not a removal and an addition.
        for cell in list(before):
            match = next((c for c in after if c[0] == cell[0]), None)
            if match is not None:
                pairs.append((cell, match))
                before.remove(cell)
                after.remove(match)
        for i in range(max(len(before), len(after))):
            pairs.append(
                (before[i] if i < len(before) else None, after[i] if i < len(after) else None)
            )
        for b, a in pairs:
            reason = _session_reason(previous, plan, item, b, a)
            rows.append(
                SessionChange(
                    activity_id=item,
                    title=title,
                    kind=kind,
                    before_slot=b[0] if b else None,
                    before_room=b[1] if b else None,
                    after_slot=a[0] if a else None,
                    after_room=a[1] if a else None,
                    reason=reason,
                    presenters=presenters,
                )
            )
    # What the planner acts on first: runs that changed time, then room, then the rest.
    order = {"time": 0, "room": 1}
    return sorted(rows, key=lambda r: order.get(r.change, 2))


def _title_kind(event: Event, item: str) -> tuple[str, str] | None:
    if item in event.session_by_id:
        s = event.session_by_id[item]
        return s.title, s.kind.value
    if item in event.tour_by_id:
        return event.tour_by_id[item].title, ActivityKind.TOUR.value
    return None


def _session_reason(
    previous: Plan,
    plan: Plan,
    item: str,
    before: tuple[str, str | None] | None,
    after: tuple[str, str | None] | None,
) -> ChangeReason:
    old_event, new_event = previous.event, plan.event
    exists_old = item in old_event.session_by_id or item in old_event.tour_by_id
    exists_new = item in new_event.session_by_id or item in new_event.tour_by_id
    if not exists_new:
        return ChangeReason.SESSION_CANCELLED
    if not exists_old:
        return ChangeReason.SESSION_NEW
    if before is None:
        return ChangeReason.RUN_ADDED
    if after is None:
        return ChangeReason.RUN_REMOVED
    slot_id, room_id = before
    if slot_id not in new_event.slot_by_id:
        return ChangeReason.SLOT_REMOVED
    if room_id is not None and room_id not in new_event.room_by_id:
        return ChangeReason.ROOM_GONE
    if item in new_event.session_by_id:
        old_s, new_s = old_event.session_by_id[item], new_event.session_by_id[item]
        # A pin removed lets the run stay: only a pin elsewhere sends it away.
        if new_s.slot_id not in (None, slot_id) or new_s.room_id not in (None, room_id):
            return ChangeReason.PIN_CHANGED
        if old_s.presenters != new_s.presenters or any(
            _present(old_event, p, slot_id) and not _present(new_event, p, slot_id)
            for p in new_s.presenters
        ):
            return ChangeReason.PRESENTERS_CHANGED
        run = next(
            (
                r
                for r in previous.runs_in(slot_id)
                if r.activity_id == item and r.room_id == room_id
            ),
            None,
        )
        if run is not None and _seats(new_event, run) < min(
            len(run.attendees), _seats(old_event, run)
        ):
            return ChangeReason.CAPACITY_REDUCED
    else:
        old_t, new_t = old_event.tour_by_id[item], new_event.tour_by_id[item]
        if old_t.slot_id != new_t.slot_id:
            return ChangeReason.PIN_CHANGED
    return ChangeReason.MAKE_ROOM


# -- what a person sees -------------------------------------------------------------------------


def _seen(plan: Plan, pid: str, slots: list[Slot]) -> tuple[Any, ...]:
    """Everything a person's calendar shows, slot by slot (to tell whether it changed).

    The event's name and venue, then per slot attended ``(slot_id, start, end,
    title, location, details)``.
    """
    event = plan.event
    if pid not in event.participant_by_id:
        return ()
    out: list[Any] = [event.name, event.venue]
    for slot in slots:
        item = _one(plan, pid, slot.slot_id) if slot.slot_id in event.slot_by_id else None
        if item is None:
            continue
        real = event.slot_by_id[slot.slot_id]
        details: tuple[Any, ...]
        if isinstance(item, Run):
            if item.kind is ActivityKind.TOUR:
                tour = event.tour_by_id[item.activity_id]
                details = (tour.description, tour.meeting_point, tour.walking)
            else:
                session = event.session_by_id[item.activity_id]
                details = (
                    session.description,
                    tuple(event.person_label(p) for p in session.presenters),
                    pid in session.presenters,
                )
        elif item.kind is ActivityKind.NETWORKING:
            details = (
                item.topic,
                tuple(event.person_label(m) for m in item.members if m != pid),
            )
        elif pid in item.coaches:
            # A coach's calendar shows every table of their group and its city.
            details = tuple(
                (t.number, event.city_by_id[t.city_id].label if t.city_id else None)
                for t in plan.coached_by(pid, slot.slot_id)
            )
        else:
            city = event.city_by_id.get(item.city_id or "")
            details = (
                city.label if city else None,
                tuple(event.person_label(c) for c in item.coaches),
            )
        out.append(
            (
                real.slot_id,
                real.start,
                real.end,
                plan.title_of(item),
                plan.location_of(item),
                details,
            )
        )
    return tuple(out)


def _only_tablemates(
    previous: Plan, plan: Plan, pid: str, before: tuple[Any, ...], after: tuple[Any, ...]
) -> bool:
    """Whether a calendar changed only where who else sits at the person's table changed.

    ``before`` and ``after`` are :func:`_seen` of a person whose places are the
    same in both plans. In each slot whose entry changed, the person must sit
    at a table whose other members (a coach among them) changed, at the same
    times and place; its title and topic may change with the people, since the
    topic is drawn from who sits there.
    """
    if len(before) != len(after) or before[:2] != after[:2]:
        return False
    for old, new in zip(before[2:], after[2:], strict=True):
        if old == new:
            continue
        slot_id = old[0]
        if new[0] != slot_id or old[1:3] != new[1:3] or old[4] != new[4]:
            return False
        was, now = _one(previous, pid, slot_id), _one(plan, pid, slot_id)
        if not (isinstance(was, Table) and isinstance(now, Table)):
            return False
        if set(was.members) - {pid} == set(now.members) - {pid}:
            return False
    return True


# -- tables for a workbook --------------------------------------------------------------------------

_PEOPLE_COLUMNS = {
    "participant_id": "str",
    "name": "str",
    "slot_id": "str",
    "start": "datetime64[us]",
    "kind": "str",
    "reason": "str",
    "moved": "boolean",
    "before_activity": "str",
    "before_title": "str",
    "before_room": "str",
    "before_table": "Int64",
    "after_activity": "str",
    "after_title": "str",
    "after_room": "str",
    "after_table": "Int64",
}
_SESSION_COLUMNS = {
    "activity_id": "str",
    "title": "str",
    "kind": "str",
    "change": "str",
    "presenters": "str",
    "reason": "str",
    "before_slot": "str",
    "before_room": "str",
    "after_slot": "str",
    "after_room": "str",
}
_NOTIFY_COLUMNS = {
    "participant_id": "str",
    "name": "str",
    "email": "str",
    "city_id": "str",
    "status": "str",
    "changes": "Int64",
    "slots": "str",
    "reasons": "str",
}


def changes_frames(
    report: ChangeReport, event: Event | None = None, previous: Event | None = None
) -> dict[str, pd.DataFrame]:
    """The report as three tables: ``people``, ``sessions`` and ``notify``.

    Parameters
    ----------
    report
        What :func:`diff_plans` (or :func:`convening.replan`) found.
    event
        The new event, for e-mail addresses and cities in ``notify``
        (without it those columns stay empty).
    previous
        The event as it was, for the e-mail addresses and cities of people
        who left (they get the calendar that cancels their events).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``people``: one row per person and slot changed; ``sessions``: one row
        per run moved (``change`` is ``time`` when it moved to another slot,
        first, or ``room`` when it kept its slot), added or removed, with
        its presenters; ``notify``: one row per person whose calendar
        changed, with their status (``moved``, ``room changed``,
        ``re-seated``, ``new``, ``left`` or ``updated``), how many of their
        places changed, the slots concerned and why.
    """
    people_rows = [
        (
            c.participant_id,
            c.name,
            c.slot_id,
            c.start,
            c.kind,
            c.reason.value,
            c.moved,
            c.before_activity,
            c.before_title,
            c.before_room,
            c.before_table,
            c.after_activity,
            c.after_title,
            c.after_room,
            c.after_table,
        )
        for c in report.people
    ]
    session_rows = [
        (
            s.activity_id,
            s.title,
            s.kind,
            s.change,
            "; ".join(s.presenters) if s.change == "time" else "",
            s.reason.value,
            s.before_slot,
            s.before_room,
            s.after_slot,
            s.after_room,
        )
        for s in report.sessions
    ]
    by_person: dict[str, list[PersonChange]] = {}
    for c in report.people:
        by_person.setdefault(c.participant_id, []).append(c)
    moved, reseated = set(report.moved), set(report.reseated)
    room_changed = set(report.room_changed)
    added, left = set(report.added), set(report.left)
    tablemates = set(report.tablemates_only)
    notify_rows = []
    for pid in report.notify:
        mine = by_person.get(pid, [])
        person = event.participant_by_id.get(pid) if event is not None else None
        if person is None and previous is not None:
            person = previous.participant_by_id.get(pid)
        if pid in left:
            status = "left"
        elif pid in added:
            status = "new"
        elif pid in moved:
            status = "moved"
        elif pid in room_changed:
            status = "room changed"
        elif pid in reseated:
            status = "re-seated"
        else:
            status = "updated"
        reasons = list(dict.fromkeys(c.reason.value for c in mine))
        if not mine:
            reasons = ["tablemates changed" if pid in tablemates else "details changed"]
        notify_rows.append(
            (
                pid,
                mine[0].name if mine else (person.name if person else None),
                person.email if person is not None else None,
                person.city_id if person is not None else None,
                status,
                len(mine),
                "; ".join(c.slot_id for c in mine) or "; ".join(report.updated_slots.get(pid, ())),
                "; ".join(reasons),
            )
        )
    return {
        "people": _frame(people_rows, _PEOPLE_COLUMNS),
        "sessions": _frame(session_rows, _SESSION_COLUMNS),
        "notify": _frame(notify_rows, _NOTIFY_COLUMNS),
    }


def _frame(rows: list[tuple[Any, ...]], spec: Mapping[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(spec))
    return frame.astype(dict(spec))
