"""Calendars of a plan that Google Calendar, Outlook and Apple Calendar import as meant.

Four kinds of calendar come from one plan: the whole agenda
(:func:`event_calendar`), each participant's itinerary
(:func:`participant_calendar`), each room's bookings (:func:`room_calendar`)
and each delegation's shared view (:func:`delegation_calendar`).
:func:`write_calendars` writes them all under ``calendars/``.

Every choice below answers a way calendar apps go wrong:

- Times carry ``TZID=<IANA name>`` and the file holds its VTIMEZONE, written
  as yearly rules (:mod:`convening.export.vtimezone`) because Outlook ignores
  RDATE lists. Floating times would show at the reader's own local hour.
- ``METHOD:PUBLISH`` and no ORGANIZER or ATTENDEE: with attendees, importing
  apps treat the file as a meeting request and email invitations.
- UIDs are :func:`uuid.uuid5` of stable keys (the event's name and host city,
  then the calendar, activity and slot), so importing a newer export updates
  events in place instead of duplicating them.
- When an event's time, place, title, description or status changes between
  two exports of the same event, its SEQUENCE goes up and LAST-MODIFIED moves
  to the export's stamp; apps ignore an update whose SEQUENCE did not rise.
  Events of the earlier export that are gone now are written as
  ``STATUS:CANCELLED`` with a higher SEQUENCE, so apps remove them.
- DTSTAMP and LAST-MODIFIED come from the plan (or the ``stamp`` argument),
  never from the clock: the same plan gives byte-identical files.
- icalendar folds lines at 75 octets without splitting a UTF-8 character,
  ends lines with CRLF and escapes commas, semicolons and newlines.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import attrs
from icalendar import Calendar, Component
from icalendar import Event as VEvent

from convening._files import write_bytes_atomic
from convening.checks import is_valid_id
from convening.errors import ConveningError
from convening.export import _ics
from convening.export.vtimezone import vtimezone
from convening.model import Event, Slot, SlotKind
from convening.plan import ActivityKind, Plan, Run, Table

__all__ = [
    "PRODID",
    "CalendarExportError",
    "caldav_objects",
    "calendar_uid",
    "cancelled_calendar",
    "default_stamp",
    "delegation_calendar",
    "event_calendar",
    "participant_calendar",
    "room_calendar",
    "write_calendars",
]

logger = logging.getLogger(__name__)

#: The PRODID of every calendar written.
PRODID = "-//convening//Peer convening planner//EN"

_UTC = dt.UTC
#: The properties whose change makes an event "changed" between two exports.
_COMPARED = ("DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS")
_CONFIRMED = "CONFIRMED"
_CANCELLED = "CANCELLED"

PreviousCalendar = Calendar | bytes | str | os.PathLike[str] | None


_T = TypeVar("_T")


def _look_up(items: Mapping[str, _T], key: str, noun: str) -> _T:
    try:
        return items[key]
    except KeyError:
        raise CalendarExportError(f"the event has no {noun} {key!r}") from None


class CalendarExportError(ConveningError):
    """A calendar cannot be written safely (e.g. an id that is not a safe file name)."""


@attrs.frozen
class _Item:
    """One VEVENT to write, before SEQUENCE and stamps are settled."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    description: str
    category: str
    status: str = _CONFIRMED


# -- public API -----------------------------------------------------------------------------


def event_calendar(
    plan: Plan, previous: PreviousCalendar = None, *, stamp: dt.datetime | None = None
) -> Calendar:
    """The whole agenda as one calendar.

    One VEVENT per run of a session or tour, and one per networking or
    action-planning slot (each person's table is in their own calendar).

    Parameters
    ----------
    plan
        The plan.
    previous
        The same calendar from an earlier export of this event (a
        :class:`icalendar.Calendar`, its text, or a path to its file): changed
        events get a higher SEQUENCE and removed ones are cancelled.
    stamp
        The DTSTAMP (and LAST-MODIFIED of changed events), timezone-aware;
        default :func:`default_stamp`.

    Returns
    -------
    icalendar.Calendar
    """
    event = plan.event
    return _assemble(plan, event.name, ("event",), _event_items(plan), previous, stamp)


def participant_calendar(
    plan: Plan,
    participant_id: str,
    previous: PreviousCalendar = None,
    *,
    stamp: dt.datetime | None = None,
) -> Calendar:
    """One participant's itinerary: a VEVENT per activity.

    LOCATION says where to go (the room, the networking table, the tour's
    meeting point); DESCRIPTION adds the session's description, presenters,
    table companions or coach.

    Parameters
    ----------
    plan
        The plan.
    participant_id
        The participant.
    previous, stamp
        As for :func:`event_calendar`.

    Returns
    -------
    icalendar.Calendar

    Raises
    ------
    CalendarExportError
        When ``participant_id`` is not a participant of the event.
    """
    person = _look_up(plan.event.participant_by_id, participant_id, "participant")
    name = f"{plan.event.name} — {person.name}"
    return _assemble(
        plan,
        name,
        ("participants", participant_id),
        _participant_items(plan, participant_id),
        previous,
        stamp,
    )


def room_calendar(
    plan: Plan,
    room_id: str,
    previous: PreviousCalendar = None,
    *,
    stamp: dt.datetime | None = None,
) -> Calendar:
    """A room's bookings: a VEVENT per session run in it, with the head count.

    Parameters
    ----------
    plan
        The plan.
    room_id
        The room.
    previous, stamp
        As for :func:`event_calendar`.

    Returns
    -------
    icalendar.Calendar

    Raises
    ------
    CalendarExportError
        When ``room_id`` is not a room of the event.
    """
    room = _look_up(plan.event.room_by_id, room_id, "room")
    name = f"{plan.event.name} — {room.name}"
    return _assemble(plan, name, ("rooms", room_id), _room_items(plan, room_id), previous, stamp)


def delegation_calendar(
    plan: Plan,
    city_id: str,
    previous: PreviousCalendar = None,
    *,
    stamp: dt.datetime | None = None,
) -> Calendar:
    """A delegation's shared view: a VEVENT per distinct activity of its members.

    Members who go to the same run share one VEVENT naming them in
    DESCRIPTION; a networking slot is one VEVENT listing each member's table.

    Parameters
    ----------
    plan
        The plan.
    city_id
        The delegation's city.
    previous, stamp
        As for :func:`event_calendar`.

    Returns
    -------
    icalendar.Calendar

    Raises
    ------
    CalendarExportError
        When ``city_id`` is not a city of the event.
    """
    city = _look_up(plan.event.city_by_id, city_id, "city")
    name = f"{plan.event.name} — {city.label} delegation"
    return _assemble(
        plan, name, ("delegations", city_id), _delegation_items(plan, city_id), previous, stamp
    )


def default_stamp(event: Event) -> dt.datetime:
    """The DTSTAMP used when none is given: midnight UTC of the event's first day.

    It depends on the event only, so exporting the same plan twice gives the
    same bytes. (An export that changes events moves its stamp past the
    previous export's, see :func:`write_calendars`.)

    Parameters
    ----------
    event
        The event.

    Returns
    -------
    datetime.datetime
        Timezone-aware, in UTC.
    """
    if not event.slots:
        return dt.datetime(2000, 1, 1, tzinfo=_UTC)
    first = min(slot.start for slot in event.slots)
    return dt.datetime.combine(first.date(), dt.time(), tzinfo=_UTC)


def write_calendars(
    plan: Plan,
    out_dir: str | os.PathLike[str],
    previous_dir: str | os.PathLike[str] | None = None,
    *,
    stamp: dt.datetime | None = None,
) -> list[Path]:
    """Write every calendar of a plan under ``out_dir/calendars``.

    Writes ``event.ics``, ``participants/<participant_id>.ics``,
    ``rooms/<room_id>.ics`` and ``delegations/<city_id>.ics``. Each file is
    written to a temporary name in its folder and then renamed over the
    target, so a reader never sees half a file.

    Parameters
    ----------
    plan
        The plan.
    out_dir
        The output folder (``calendars/`` is made inside it).
    previous_dir
        The output folder of an earlier export of the same event. Its
        calendars are read to carry SEQUENCE forward and cancel removed
        events; a participant, room or delegation that had a calendar there
        but is gone now gets a calendar of cancellations.
    stamp
        As for :func:`event_calendar`.

    Returns
    -------
    list of Path
        The files written, sorted.

    Raises
    ------
    CalendarExportError
        When an id is not a safe file name or a path would leave ``out_dir``.
    """
    root = Path(out_dir)
    prev_root = Path(previous_dir) / "calendars" if previous_dir is not None else None
    event = plan.event
    # Each file's events are settled here and written straight to bytes (convening.export._ics):
    # the same bytes as the public functions' calendars give, without building every VEVENT.
    jobs: list[tuple[Path, Callable[[PreviousCalendar], _Settled]]] = [
        (
            Path("event.ics"),
            lambda prev: _settle(plan, event.name, ("event",), _event_items(plan), prev, stamp),
        )
    ]
    by_person = _activities_by_participant(plan)

    def person(pid: str) -> Callable[[PreviousCalendar], _Settled]:
        name = f"{event.name} — {event.participant_by_id[pid].name}"
        items = _participant_items(plan, pid, by_person.get(pid, []))
        return lambda prev: _settle(plan, name, ("participants", pid), items, prev, stamp)

    def room(room_id: str) -> Callable[[PreviousCalendar], _Settled]:
        name = f"{event.name} — {event.room_by_id[room_id].name}"
        items = _room_items(plan, room_id)
        return lambda prev: _settle(plan, name, ("rooms", room_id), items, prev, stamp)

    def delegation(city_id: str) -> Callable[[PreviousCalendar], _Settled]:
        name = f"{event.name} — {event.city_by_id[city_id].label} delegation"
        items = _delegation_items(plan, city_id, by_person)
        return lambda prev: _settle(plan, name, ("delegations", city_id), items, prev, stamp)

    kinds: list[tuple[str, list[str], Callable[[str], Callable[[PreviousCalendar], _Settled]]]] = [
        ("participants", [p.participant_id for p in event.participants], person),
        ("rooms", [r.room_id for r in event.rooms], room),
        ("delegations", [c.city_id for c in event.cities], delegation),
    ]
    for folder, ids, make in kinds:
        for item_id in ids:
            jobs.append((_relative(folder, item_id), make(item_id)))
        if prev_root is not None:
            for gone in _gone_ids(prev_root / folder, set(ids)):
                jobs.append((_relative(folder, gone), _cancel_all(plan, (folder, gone), stamp)))

    written: list[Path] = []
    calendars_dir = root / "calendars"
    for rel, build in jobs:
        target = _inside(calendars_dir, rel)
        prev_file = prev_root / rel if prev_root is not None else None
        previous = prev_file if prev_file is not None and prev_file.is_file() else None
        write_bytes_atomic(target, _file_bytes(build(previous)))
        written.append(target)
    logger.info("wrote %d calendars under %s", len(written), calendars_dir)
    return sorted(written)


def calendar_uid(event: Event, *key: str) -> str:
    """The calendar-level UID of one calendar of ``event``.

    ``key`` names the calendar as :func:`write_calendars` lays them out:
    ``("event",)``, ``("participants", participant_id)``, ``("rooms",
    room_id)`` or ``("delegations", city_id)``. A calendar passed as
    ``previous`` must carry this UID, or it is ignored as another calendar's.
    """
    return _uid(event, "calendar", *key)


def cancelled_calendar(
    plan: Plan, previous: Calendar, *, stamp: dt.datetime | None = None
) -> Calendar:
    """Every event of an earlier calendar, cancelled (for an owner who left the plan).

    Unlike the calendars of :func:`write_calendars`, the earlier calendar need
    not carry a calendar-level UID: whatever it held is cancelled.

    Parameters
    ----------
    plan
        The plan now (its event gives the time zone and the stamp).
    previous
        The calendar as last published.
    stamp
        As for :func:`event_calendar`.

    Returns
    -------
    icalendar.Calendar
    """
    key = ("cancelled",)
    earlier = Calendar.from_ical(previous.to_ical())
    earlier.pop("UID", None)
    earlier.add("UID", calendar_uid(plan.event, *key))
    return _calendar(_cancel_all(plan, key, stamp)(earlier))


def caldav_objects(calendar: Calendar) -> list[tuple[str, bytes]]:
    """Split a calendar into the one-event objects a CalDAV server stores.

    A CalDAV calendar holds one resource per UID, each a VCALENDAR with its
    VTIMEZONE and no METHOD (:rfc:`4791#section-4.1`), so a published
    calendar is uploaded event by event.

    Parameters
    ----------
    calendar
        A calendar made by this module.

    Returns
    -------
    list of (str, bytes)
        Each event's UID and its resource, in the calendar's order.
    """
    zones = list(calendar.walk("VTIMEZONE"))
    out: list[tuple[str, bytes]] = []
    for vevent in calendar.walk("VEVENT"):
        one = Calendar()
        for prop in ("VERSION", "PRODID", "CALSCALE"):
            if prop in calendar:
                one.add(prop, calendar[prop])
        for zone in zones:
            one.add_component(zone)
        one.add_component(vevent)
        out.append((str(vevent["UID"]), one.to_ical()))
    return out


# -- what goes in each calendar -------------------------------------------------------------


def _namespace(event: Event) -> uuid.UUID:
    return _namespace_of(event.name, event.host_city)


@functools.lru_cache(maxsize=8)
def _namespace_of(name: str, host_city: str) -> uuid.UUID:
    # One per event, asked for every UID of every calendar.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"convening:{name}\x1f{host_city}")


def _uid(event: Event, *key: str) -> str:
    return str(uuid.uuid5(_namespace(event), "\x1f".join(key)))


def _place(event: Event, place: str) -> str:
    """A LOCATION: the venue first (the spec's LOCATION prefix), then the room or table."""
    parts = [p for p in (event.venue, place) if p]
    return ", ".join(parts)


def _names(event: Event, ids: Iterable[str]) -> str:
    people = event.participant_by_id
    return ", ".join(people[i].name if i in people else i for i in ids)


def _run_location(plan: Plan, run: Run) -> str:
    event = plan.event
    if run.room_id is not None:
        return _place(event, event.room_by_id[run.room_id].name)
    # A tour's meeting point may be away from the venue, so it stands alone.
    tour = event.tour_by_id[run.activity_id]
    return tour.meeting_point or (event.venue or "")


def _run_lines(plan: Plan, run: Run) -> list[str]:
    """What every calendar says about a run: its description, presenters, meeting point."""
    event = plan.event
    lines: list[str] = []
    if run.kind is ActivityKind.TOUR:
        tour = event.tour_by_id[run.activity_id]
        if tour.description:
            lines.append(tour.description)
        if tour.meeting_point:
            lines.append(f"Meeting point: {tour.meeting_point}")
        if tour.leaders:
            lines.append(f"Led by {_names(event, tour.leaders)}")
        if tour.walking:
            lines.append("A walking tour.")
    else:
        session = event.session_by_id[run.activity_id]
        if session.description:
            lines.append(session.description)
        if session.presenters:
            lines.append(f"Presenters: {_names(event, session.presenters)}")
        if run.room_id is not None:
            lines.append(f"Room: {event.room_by_id[run.room_id].name}")
    return lines


def _category(kind: ActivityKind) -> str:
    return kind.value.replace("_", " ").capitalize()


def _run_item(plan: Plan, run: Run, uid: str, extra: Iterable[str] = ()) -> _Item:
    slot = plan.event.slot_by_id[run.slot_id]
    return _Item(
        uid=uid,
        start=slot.start,
        end=slot.end,
        summary=plan.title_of(run),
        location=_run_location(plan, run),
        description="\n".join([*_run_lines(plan, run), *extra]),
        category=_category(run.kind),
    )


def _run_keys(runs: Iterable[Run]) -> Iterator[tuple[Run, tuple[str, ...]]]:
    """Each run with its key: activity and slot, plus the room if a session runs twice at once."""
    runs = sorted(runs, key=lambda r: (r.slot_id, r.activity_id, r.room_id or ""))
    seen: dict[tuple[str, str], int] = {}
    for run in runs:
        pair = (run.activity_id, run.slot_id)
        seen[pair] = seen.get(pair, 0) + 1
        if seen[pair] == 1:
            yield run, pair
        else:
            yield run, (*pair, run.room_id or "")


def _table_slot_key(table: Table) -> str:
    # Keyed by slot and kind, not table number: a person re-seated at another
    # table sees their event move, rather than one cancelled and one new.
    return f"{table.slot_id}:{table.kind.value}"


def _event_items(plan: Plan) -> list[_Item]:
    event = plan.event
    items = [_run_item(plan, run, _uid(event, "event", *key)) for run, key in _run_keys(plan.runs)]
    for kind in (SlotKind.NETWORKING, SlotKind.ACTION_PLANNING):
        for slot in event.slots_of(kind):
            tables = plan.tables_in(slot.slot_id)
            if not tables:
                continue
            if kind is SlotKind.NETWORKING:
                lines = [f"{len(tables)} tables; each person's table is in their own calendar."]
            else:
                lines = [_action_table_line(plan, t) for t in tables]
            items.append(
                _Item(
                    uid=_uid(event, "event", _table_slot_key(tables[0])),
                    start=slot.start,
                    end=slot.end,
                    summary=slot.label,
                    location=_slot_place(event, slot, ""),
                    description="\n".join(lines),
                    category=_category(ActivityKind(kind.value)),
                )
            )
    items += _break_items(plan, None)
    return items


def _slot_place(event: Event, slot: Slot, place: str) -> str:
    """A slot's LOCATION: its own place (an off-site meal) when given, else the venue; then
    the room or table."""
    if slot.location:
        return ", ".join(p for p in (slot.location, place) if p)
    return _place(event, place)


def _break_items(plan: Plan, pid: str | None) -> list[_Item]:
    """The break slots (meals, registration, coffee) of the agenda, or those ``pid`` is at."""
    event = plan.event
    person = event.participant_by_id.get(pid) if pid is not None else None
    items: list[_Item] = []
    for slot in event.slots_of(SlotKind.BREAK):
        if pid is not None and (person is None or not person.is_at(slot)):
            continue
        key = ("event",) if pid is None else ("participant", pid)
        items.append(
            _Item(
                uid=_uid(event, *key, "break", slot.slot_id),
                start=slot.start,
                end=slot.end,
                summary=slot.label,
                location=_slot_place(event, slot, ""),
                description="",
                category="Break",
            )
        )
    return items


def _action_table_line(plan: Plan, table: Table) -> str:
    event = plan.event
    city = event.city_by_id.get(table.city_id or "")
    who = city.label if city is not None else "support"
    line = f"Table {table.number}: {who}"
    if table.coaches:
        line += f" (coach: {_names(event, table.coaches)})"
    return line


def _activities_by_participant(plan: Plan) -> dict[str, list[Run | Table]]:
    out: dict[str, list[Run | Table]] = {}
    for run in plan.runs:
        for pid in run.attendees:
            out.setdefault(pid, []).append(run)
    for table in plan.tables:
        for pid in table.members:
            out.setdefault(pid, []).append(table)
        for pid in table.coaches:
            # A coach's group of tables is one event, at the first of them.
            if plan.coached_by(pid, table.slot_id)[0] is table:
                out.setdefault(pid, []).append(table)
    return out


def _participant_items(
    plan: Plan, pid: str, activities: list[Run | Table] | None = None
) -> list[_Item]:
    event = plan.event
    if activities is None:
        activities = _activities_by_participant(plan).get(pid, [])
    items: list[_Item] = []
    for act in activities:
        if isinstance(act, Run):
            extra = []
            if (
                act.kind is not ActivityKind.TOUR
                and pid in event.session_by_id[act.activity_id].presenters
            ):
                extra.append("You are presenting.")
            if act.kind is ActivityKind.TOUR and pid in event.tour_by_id[act.activity_id].leaders:
                extra.append("You are leading this tour.")
            items.append(
                _run_item(
                    plan, act, _uid(event, "participant", pid, act.activity_id, act.slot_id), extra
                )
            )
        else:
            items.append(_table_item(plan, act, pid))
    return items + _break_items(plan, pid)


def _table_item(plan: Plan, table: Table, pid: str) -> _Item:
    event = plan.event
    slot = event.slot_by_id[table.slot_id]
    lines = [f"Table {table.number}"]
    if table.kind is ActivityKind.NETWORKING:
        if table.topic:
            lines.append(f"Conversation starter: {table.topic}")
        others = [m for m in table.members if m != pid]
        if others:
            lines.append("At your table: " + "; ".join(event.person_label(m) for m in others))
    elif pid in table.coaches:
        # A coach works a group of tables: one event names them all, with their cities.
        coached = plan.coached_by(pid, table.slot_id)
        numbers = ", ".join(str(t.number) for t in coached)
        lines = [f"You are coaching {'table' if len(coached) == 1 else 'tables'} {numbers}."]
        for t in coached:
            city = event.city_by_id.get(t.city_id or "")
            lines.append(f"Table {t.number}: {city.label if city else t.city_id}")
            others = [c for c in t.coaches if c != pid]
            if others:
                lines.append(f"  with {_names(event, others)}")
    else:
        city = event.city_by_id.get(table.city_id or "")
        if city is not None:
            lines.append(f"Delegation: {city.label}")
        if table.coaches:
            lines.append(f"Coach: {_names(event, table.coaches)}")
    summary = plan.title_for(pid, table)
    return _Item(
        uid=_uid(event, "participant", pid, _table_slot_key(table)),
        start=slot.start,
        end=slot.end,
        summary=summary,
        location=_slot_place(event, slot, plan.location_of(table)),
        description="\n".join(lines),
        category=_category(table.kind),
    )


def _room_items(plan: Plan, room_id: str) -> list[_Item]:
    event = plan.event
    runs = [r for r in plan.runs if r.room_id == room_id]
    return [
        _run_item(
            plan, run, _uid(event, "room", room_id, *key), [f"Attendees: {len(run.attendees)}"]
        )
        for run, key in _run_keys(runs)
    ]


def _delegation_items(
    plan: Plan, city_id: str, by_person: Mapping[str, list[Run | Table]] | None = None
) -> list[_Item]:
    event = plan.event
    members = [p.participant_id for p in event.delegation_by_city[city_id].members]
    if by_person is None:
        by_person = _activities_by_participant(plan)
    runs: dict[Run, list[str]] = {}
    tables: dict[str, list[tuple[Table, str]]] = {}
    for pid in members:
        for act in by_person.get(pid, []):
            if isinstance(act, Run):
                runs.setdefault(act, []).append(pid)
            else:
                tables.setdefault(_table_slot_key(act), []).append((act, pid))
    items = [
        _run_item(
            plan,
            run,
            _uid(event, "delegation", city_id, *key),
            [f"Members: {_names(event, runs[run])}"],
        )
        for run, key in _run_keys(runs)
    ]
    for key, seats in sorted(tables.items()):
        first = seats[0][0]
        slot = event.slot_by_id[first.slot_id]
        if first.kind is ActivityKind.NETWORKING:
            summary = "Networking"
            location = _place(event, "")
            lines = [f"{_names(event, [pid])}: table {t.number}" for t, pid in seats]
        else:
            summary = plan.title_of(first)
            location = _place(event, plan.location_of(first))
            lines = [f"Members: {_names(event, [pid for _, pid in seats])}"]
            if first.coaches:
                lines.append(f"Coach: {_names(event, first.coaches)}")
        items.append(
            _Item(
                uid=_uid(event, "delegation", city_id, key),
                start=slot.start,
                end=slot.end,
                summary=summary,
                location=location,
                description="\n".join(lines),
                category=_category(first.kind),
            )
        )
    return items


# -- assembling a calendar ------------------------------------------------------------------


@attrs.frozen
class _Previous:
    """What an earlier export said about one event."""

    item: _Item
    sequence: int
    last_modified: dt.datetime | None
    stamp: dt.datetime | None


@attrs.frozen
class _Settled:
    """A calendar ready to write: its events in order, each with its SEQUENCE and stamps."""

    name: str
    uid: str
    timezone: str
    #: (item, SEQUENCE, LAST-MODIFIED, DTSTAMP) in the calendar's order
    events: list[tuple[_Item, int, dt.datetime, dt.datetime]]
    years: tuple[int, ...]


def _assemble(
    plan: Plan,
    name: str,
    key: tuple[str, ...],
    items: list[_Item],
    previous: PreviousCalendar,
    stamp: dt.datetime | None,
) -> Calendar:
    return _calendar(_settle(plan, name, key, items, previous, stamp))


def _calendar(settled: _Settled) -> Calendar:
    """The settled calendar as an icalendar calendar."""
    zone = ZoneInfo(settled.timezone)
    vevents = [
        _vevent(item, zone, sequence, last_modified, when)
        for item, sequence, last_modified, when in settled.events
    ]
    cal = _header(settled)
    cal.subcomponents = [vtimezone(settled.timezone, settled.years), *vevents]
    return cal


def _header(settled: _Settled) -> Calendar:
    """The calendar's own properties, without components."""
    cal = Calendar.new(prodid=PRODID, method="PUBLISH", name=settled.name, uid=settled.uid)
    cal.add("X-WR-TIMEZONE", settled.timezone)
    return cal


def _file_bytes(settled: _Settled) -> bytes:
    """What ``_assemble(...).to_ical()`` gives, written directly (the fast path for files)."""
    zone = ZoneInfo(settled.timezone)
    return _ics.calendar_bytes(
        prodid=PRODID,
        method="PUBLISH",
        name=settled.name,
        uid=settled.uid,
        tzid=settled.timezone,
        years=settled.years,
        vevents=(
            _ics.vevent_bytes(
                uid=item.uid,
                start=item.start,
                end=item.end,
                zone=zone,
                stamp=stamp,
                summary=item.summary,
                location=item.location or None,
                description=item.description or None,
                categories=[item.category] if item.category else (),
                sequence=sequence,
                last_modified=last_modified,
                status=item.status,
                transparency=_transparency(item),
            )
            for item, sequence, last_modified, stamp in settled.events
        ),
    )


def _settle(
    plan: Plan,
    name: str,
    key: tuple[str, ...],
    items: list[_Item],
    previous: PreviousCalendar,
    stamp: dt.datetime | None,
) -> _Settled:
    event = plan.event
    zone = ZoneInfo(event.timezone)
    cal_uid = _uid(event, "calendar", *key)
    earlier = _read_previous(previous, zone, cal_uid)
    current = {item.uid: item for item in items}
    if len(current) != len(items):
        raise CalendarExportError(f"two events of calendar {name!r} share a UID")

    # (item, sequence, last-modified or None for "the new stamp")
    settled: list[tuple[_Item, int, dt.datetime | None]] = []
    changed = False
    for item in items:
        prev = earlier.get(item.uid)
        if prev is None:
            settled.append((item, 0, None))
            changed = True
        elif _fingerprint(item, zone) == _fingerprint(prev.item, zone):
            settled.append((item, prev.sequence, prev.last_modified))
        else:
            settled.append((item, prev.sequence + 1, None))
            changed = True
    for uid in sorted(set(earlier) - set(current)):
        prev = earlier[uid]
        if prev.item.status == _CANCELLED:
            # Kept on, unchanged, so an app that skipped an export still learns of it.
            settled.append((prev.item, prev.sequence, prev.last_modified))
        else:
            settled.append((attrs.evolve(prev.item, status=_CANCELLED), prev.sequence + 1, None))
            changed = True

    when = _settle_stamp(event, earlier, changed, stamp)
    ordered = [
        (item, sequence, last_modified or when, when)
        for item, sequence, last_modified in sorted(
            settled, key=lambda s: (_utc(s[0].start, zone), _utc(s[0].end, zone), s[0].uid)
        )
    ]
    years = {moment.year for item, _, _ in settled for moment in (item.start, item.end)}
    if not years:
        years = {default_stamp(event).year}
    return _Settled(name, cal_uid, event.timezone, ordered, tuple(sorted(years)))


def _vevent(
    item: _Item, zone: ZoneInfo, sequence: int, last_modified: dt.datetime, stamp: dt.datetime
) -> VEvent:
    vevent = VEvent.new(
        uid=item.uid,
        stamp=stamp,
        start=item.start.replace(tzinfo=zone),
        end=item.end.replace(tzinfo=zone),
        summary=item.summary,
        location=item.location or None,
        description=item.description or None,
        categories=[item.category] if item.category else (),
        sequence=sequence,
        last_modified=last_modified,
    )
    vevent.add("STATUS", item.status)
    vevent.add("TRANSP", _transparency(item))
    return vevent


def _transparency(item: _Item) -> str:
    return "TRANSPARENT" if item.status == _CANCELLED else "OPAQUE"


def _fingerprint(item: _Item, zone: ZoneInfo) -> tuple[object, ...]:
    return (
        _utc(item.start, zone),
        _utc(item.end, zone),
        item.summary,
        item.location,
        item.description,
        item.status,
    )


def _utc(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A local wall-clock time (naive) or an aware time, in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(_UTC)


def _settle_stamp(
    event: Event, earlier: dict[str, _Previous], changed: bool, stamp: dt.datetime | None
) -> dt.datetime:
    """The export's DTSTAMP: given, or derived from the event and the previous export.

    Unchanged calendars keep the previous stamp (so their bytes do not
    change); changed ones move past it, so LAST-MODIFIED never goes back.
    """
    if stamp is not None:
        if stamp.tzinfo is None:
            raise CalendarExportError("stamp must be timezone-aware")
        return stamp.astimezone(_UTC).replace(microsecond=0)
    base = default_stamp(event)
    stamps = [p.stamp for p in earlier.values() if p.stamp is not None]
    stamps += [p.last_modified for p in earlier.values() if p.last_modified is not None]
    if not stamps:
        return base
    latest = max(stamps)
    if not changed:
        return max(base, latest)
    return max(base, latest + dt.timedelta(seconds=1))


def _as_calendar(previous: PreviousCalendar) -> Calendar | None:
    if previous is None or isinstance(previous, Calendar):
        return previous
    where = "the earlier calendar"
    try:
        if isinstance(previous, bytes | str):
            return Calendar.from_ical(previous)
        where = str(previous)
        return Calendar.from_ical(Path(previous).read_bytes())
    except (ValueError, OSError) as err:
        raise CalendarExportError(f"cannot read {where} of the earlier export: {err}") from err


def _read_previous(
    previous: PreviousCalendar, zone: ZoneInfo, expected_uid: str
) -> dict[str, _Previous]:
    cal = _as_calendar(previous)
    if cal is None:
        return {}
    if str(cal.get("UID", "")) != expected_uid:
        # Another event's (or another person's) calendar: carrying it forward
        # would cancel events that were never in this one.
        logger.warning(
            "ignoring an earlier calendar %r: it is not this calendar of this event",
            str(cal.get("NAME") or cal.get("X-WR-CALNAME") or ""),
        )
        return {}
    out: dict[str, _Previous] = {}
    for vevent in cal.walk("VEVENT"):
        uid = str(vevent.get("UID", ""))
        start, end = _moment(vevent, "DTSTART", zone), _moment(vevent, "DTEND", zone)
        if not uid or start is None or end is None:
            logger.warning(
                "skipping an event without UID, DTSTART or DTEND in the previous export"
            )
            continue
        categories = vevent.get("CATEGORIES")
        if isinstance(categories, list):
            categories = categories[0] if categories else None
        category = str(categories.cats[0]) if categories is not None and categories.cats else ""
        out[uid] = _Previous(
            item=_Item(
                uid=uid,
                # Kept in the event's local wall-clock time, as new items are.
                start=start.astimezone(zone).replace(tzinfo=None),
                end=end.astimezone(zone).replace(tzinfo=None),
                summary=str(vevent.get("SUMMARY", "")),
                location=str(vevent.get("LOCATION", "")),
                description=str(vevent.get("DESCRIPTION", "")),
                category=category,
                status=str(vevent.get("STATUS", _CONFIRMED)).upper(),
            ),
            sequence=int(vevent.get("SEQUENCE", 0)),
            last_modified=_moment(vevent, "LAST-MODIFIED", zone),
            stamp=_moment(vevent, "DTSTAMP", zone),
        )
    return out


def _moment(component: Component, name: str, zone: ZoneInfo) -> dt.datetime | None:
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(_UTC)


def _cancel_all(
    plan: Plan, key: tuple[str, ...], stamp: dt.datetime | None
) -> Callable[[PreviousCalendar], _Settled]:
    """A calendar cancelling every event of a calendar whose owner left the plan."""

    def build(previous: PreviousCalendar) -> _Settled:
        earlier = _as_calendar(previous)
        name = plan.event.name
        if earlier is not None:
            name = str(earlier.get("NAME") or earlier.get("X-WR-CALNAME") or name)
        return _settle(plan, name, key, [], earlier, stamp)

    return build


# -- files ----------------------------------------------------------------------------------


def _relative(folder: str, item_id: str) -> Path:
    if not is_valid_id(item_id):
        raise CalendarExportError(
            f"{item_id!r} is not a valid id for a calendar file name "
            "(letters, digits and -_.@+, not starting with '.')"
        )
    return Path(folder) / f"{item_id}.ics"


def _inside(root: Path, rel: Path) -> Path:
    target = root / rel
    resolved_root = root.resolve()
    if not target.resolve().is_relative_to(resolved_root):
        raise CalendarExportError(f"{rel} would be written outside {root}")
    return target


def _gone_ids(folder: Path, current: set[str]) -> list[str]:
    """Ids with a calendar in an earlier export's ``folder`` but not in the plan now."""
    if not folder.is_dir():
        return []
    gone = []
    for path in sorted(folder.glob("*.ics")):
        if path.stem not in current and is_valid_id(path.stem) and path.is_file():
            gone.append(path.stem)
    return gone
