"""The domain model of a peer convening, in the planner's words.

Every class here is an immutable :func:`attrs.frozen` value. An
:class:`Event` is validated when it is made (see :mod:`convening.checks`), so
an ``Event`` in hand is always one that can be handed to the solver; use
:func:`attrs.evolve` to derive a changed event, which is validated again.

Times are naive local wall-clock datetimes at the host city, in the event's
time zone (:attr:`Event.timezone`); exports attach the zone.

Each item remembers the row it came from (``row``, numbered as Excel numbers
it, the header being row 1) so that problems can point at it. Items built in
code get the row they would have in a workbook. ``row`` takes no part in
equality.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from typing import Any

import attrs

__all__ = [
    "City",
    "Delegation",
    "Event",
    "NetworkingRule",
    "NetworkingSetting",
    "Participant",
    "Preference",
    "Role",
    "Room",
    "RuleKind",
    "Session",
    "SessionKind",
    "Slot",
    "SlotKind",
    "Tour",
]

#: Table size used for a networking slot that has no row in the ``networking`` sheet.
DEFAULT_TABLE_SIZE = 8


class Role(StrEnum):
    """What a participant is at the convening."""

    OFFICIAL = "official"
    PARTNER = "partner"
    FACILITATOR = "facilitator"
    STAFF = "staff"
    SPEAKER = "speaker"


class SlotKind(StrEnum):
    """What happens in a time slot."""

    PLENARY = "plenary"
    BREAKOUT = "breakout"
    TOUR = "tour"
    NETWORKING = "networking"
    ACTION_PLANNING = "action_planning"
    BREAK = "break"

    @property
    def is_activity(self) -> bool:
        """Whether everyone present must have exactly one activity in such a slot."""
        return self is not SlotKind.BREAK


class SessionKind(StrEnum):
    """Kinds of session: a plenary for everyone, or one breakout among several."""

    PLENARY = "plenary"
    BREAKOUT = "breakout"


class RuleKind(StrEnum):
    """Kinds of networking rule."""

    TOGETHER = "together"
    APART = "apart"
    HOST = "host"


def _tuple_of_str(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(";") if t.strip())
    return tuple(value)


def _attends_words(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """``attends`` words in their usual spelling (case, blanks and hyphens do not matter);
    nothing given stays ``None`` (the role's default applies)."""
    words = _tuple_of_str(value)
    if not words:
        return None
    return tuple(
        "_".join(w.lower().replace("-", " ").split()) if isinstance(w, str) else w for w in words
    )


#: The kinds of slot a person may take a place in (``attends``), with ``all`` and ``none``.
ATTENDABLE_KINDS = ("plenary", "breakout", "tour", "networking", "action_planning")
ATTENDS_WORDS = (*ATTENDABLE_KINDS, "all", "none")


def _enum(kind: type[StrEnum], value: Any) -> Any:
    """Convert known names to the enum, leaving anything else for the checks to report."""
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            return value
    return value


def _to_role(value: Any) -> Any:
    return _enum(Role, value)


def _to_slot_kind(value: Any) -> Any:
    return _enum(SlotKind, value)


def _to_session_kind(value: Any) -> Any:
    return _enum(SessionKind, value)


def _to_rule_kind(value: Any) -> Any:
    return _enum(RuleKind, value)


def _row() -> Any:
    return attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class City:
    """A city that sends a delegation.

    Parameters
    ----------
    city_id
        Unique id.
    name, state
        E.g. ``"Flint"``, ``"MI"``.
    topics
        What the city works on (used to match coaches and seat tables).
    population, region, latitude, longitude
        Optional facts about the city.
    """

    city_id: str
    name: str
    state: str = ""
    topics: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    population: int | None = None
    region: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    row: int | None = _row()

    @property
    def label(self) -> str:
        """``"Flint, MI"``."""
        return f"{self.name}, {self.state}" if self.state else self.name


@attrs.frozen
class Participant:
    """A person at the convening.

    Parameters
    ----------
    participant_id
        Unique id.
    name
        Full name.
    city_id
        The city whose delegation the person belongs to; ``None`` for people
        outside every delegation (facilitators, staff, speakers).
    role
        See :class:`Role`.
    title, organization, email
        Optional contact details.
    topics
        What the person cares about.
    accessible
        ``True`` when the person needs step-free access: accessible rooms
        only, no walking tours.
    arrives, departs
        When the person arrives and leaves (``None``: the whole event).
    away
        Slot ids the person is not at (a call, another commitment).
    attends
        The kinds of slot the person takes a place in (among ``plenary``,
        ``breakout``, ``tour``, ``networking``, ``action_planning``), or
        ``("all",)`` or ``("none",)``; ``None`` (not given): every kind, except
        ``plenary`` alone for staff, who work the event rather than attend it.
    """

    participant_id: str
    name: str
    city_id: str | None = None
    role: Role = attrs.field(default=Role.OFFICIAL, converter=_to_role)
    title: str | None = None
    organization: str | None = None
    email: str | None = None
    topics: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    accessible: bool = False
    arrives: dt.datetime | None = None
    departs: dt.datetime | None = None
    away: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    attends: tuple[str, ...] | None = attrs.field(default=None, converter=_attends_words)
    row: int | None = _row()

    @property
    def attended_kinds(self) -> frozenset[SlotKind]:
        """The kinds of activity slot the person takes a place in (``attends`` resolved).

        Words that are not kinds are left out here; the checks report them.
        """
        words = self.attends
        if words is None:
            words = ("plenary",) if self.role is Role.STAFF else ("all",)
        if "all" in words:
            return frozenset(SlotKind(k) for k in ATTENDABLE_KINDS)
        return frozenset(SlotKind(w) for w in words if w in ATTENDABLE_KINDS)

    @property
    def kinds_by_attends(self) -> frozenset[SlotKind]:
        """The kinds of slot the person takes a place in only because of the ``attends``
        written for them: their role's default leaves these out (a staff member who
        attends tours, say)."""
        if self.attends is None:
            return frozenset()
        return self.attended_kinds - attrs.evolve(self, attends=None).attended_kinds

    @property
    def is_coach(self) -> bool:
        """Whether the person coaches delegations in action planning.

        Facilitators outside every delegation coach; a facilitator listed with
        a city sits with that city's delegation.
        """
        return self.role is Role.FACILITATOR and self.city_id is None

    def is_present(self, slot: Slot) -> bool:
        """Whether the person has arrived by ``slot``'s start and not left before its end."""
        if self.arrives is not None and self.arrives > slot.start:
            return False
        return not (self.departs is not None and self.departs < slot.end)

    def is_at(self, slot: Slot) -> bool:
        """Whether the person is at the event for ``slot``: arrived, not left, not away."""
        return self.is_present(slot) and slot.slot_id not in self.away

    def takes_place(self, slot: Slot) -> bool:
        """Whether the person needs a place in ``slot``: at the event then, and its kind attended.

        Presenters and tour leaders are in their own session or tour whatever
        their ``attends``; that is a matter of the plan, not of this test. A
        break is taken by everyone at the event then.
        """
        if not self.is_at(slot):
            return False
        return slot.kind is SlotKind.BREAK or slot.kind in self.attended_kinds


@attrs.frozen
class Room:
    """A room at the venue.

    Parameters
    ----------
    room_id
        Unique id.
    name
        What the signs say.
    capacity
        Seats (> 0).
    accessible
        Step-free access (default ``True``).
    """

    room_id: str
    name: str
    capacity: int
    accessible: bool = True
    row: int | None = _row()


@attrs.frozen
class Slot:
    """A block of time of one kind.

    Parameters
    ----------
    slot_id
        Unique id.
    start, end
        Local wall-clock times.
    kind
        See :class:`SlotKind`.
    title
        What the programme calls it, e.g. ``"Registration and breakfast"``.
    location
        Where it happens when that is not the venue, e.g. a restaurant.
    """

    slot_id: str
    start: dt.datetime
    end: dt.datetime
    kind: SlotKind = attrs.field(converter=_to_slot_kind)
    title: str | None = None
    location: str | None = None
    row: int | None = _row()

    @property
    def label(self) -> str:
        """The slot's title, else its kind in words (``"Action planning"``)."""
        if self.title:
            return self.title
        return str(self.kind).replace("_", " ").capitalize()

    def overlaps(self, other: Slot) -> bool:
        """Whether the two slots share any time."""
        return self.start < other.end and other.start < self.end

    def sort_key(self) -> tuple[dt.datetime, dt.datetime, str]:
        """The order of slots everywhere (start, then end, then id): ``sorted(slots, key=Slot.sort_key)``."""
        return (self.start, self.end, self.slot_id)


@attrs.frozen
class Session:
    """A plenary or breakout session.

    Parameters
    ----------
    session_id
        Unique id.
    title
        What the programme says.
    kind
        :class:`SessionKind`: runs only in slots of the same kind.
    topic
        Sessions on one topic are not run against each other.
    presenters
        Participant ids who present the session every time it runs.
    slot_id, room_id
        Pins: where the session must run.
    offered
        How many times the session runs (default 1).
    capacity
        The most attendees, presenters included (``None``: the room's size).
    description
        Free text for calendars.
    """

    session_id: str
    title: str
    kind: SessionKind = attrs.field(default=SessionKind.BREAKOUT, converter=_to_session_kind)
    topic: str | None = None
    presenters: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    slot_id: str | None = None
    room_id: str | None = None
    offered: int = 1
    capacity: int | None = None
    description: str | None = None
    row: int | None = _row()


@attrs.frozen
class Tour:
    """A tour of the host city's successes.

    Parameters
    ----------
    tour_id
        Unique id.
    title
        What the programme says.
    capacity
        Riders per departure (a bus, a guide's group).
    slot_id
        The tour slot it runs in; ``None``: the solver chooses a tour slot.
    walking
        Walking tours are not for people who need step-free access.
    topic
        What the tour shows.
    departures
        How many groups go out at once (default 1): riders never exceed
        ``capacity * departures``.
    meeting_point, description
        Free text for calendars.
    leaders
        Participant ids who lead the tour (e.g. host-city staff): they ride it
        and take its seats, whatever their ``attends``.
    """

    tour_id: str
    title: str
    capacity: int
    slot_id: str | None = None
    walking: bool = False
    topic: str | None = None
    departures: int = 1
    meeting_point: str | None = None
    description: str | None = None
    leaders: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    row: int | None = _row()

    @property
    def seats(self) -> int:
        """Riders the tour can take: ``capacity * departures``."""
        return self.capacity * self.departures


@attrs.frozen
class Preference:
    """A participant's rank for a session or tour (1 = most wanted)."""

    participant_id: str
    item_id: str
    rank: int
    row: int | None = _row()


@attrs.frozen
class NetworkingSetting:
    """How one networking slot is seated: at most ``table_size`` per table."""

    slot_id: str
    table_size: int
    row: int | None = _row()


@attrs.frozen
class NetworkingRule:
    """A seating rule for networking tables.

    ``together`` and ``apart`` name two people; ``host`` names one person to
    be seated one per table. ``slot_id`` ``None`` means every networking slot.
    """

    rule: RuleKind = attrs.field(converter=_to_rule_kind)
    participant_id: str
    other_id: str | None = None
    slot_id: str | None = None
    row: int | None = _row()


@attrs.frozen
class Delegation:
    """A city's participants, who travel and plan together."""

    city: City
    members: tuple[Participant, ...]

    @property
    def city_id(self) -> str:
        """The delegation's city id."""
        return self.city.city_id

    def count(self, role: Role) -> int:
        """How many members have ``role``."""
        return sum(1 for p in self.members if p.role is role)

    @property
    def is_usual_shape(self) -> bool:
        """Two officials and one partner, the shape that works best."""
        return (
            len(self.members) == 3
            and self.count(Role.OFFICIAL) == 2
            and self.count(Role.PARTNER) == 1
        )


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class Event:
    """A whole convening: who comes, where, when, and what is on offer.

    Making an ``Event`` checks it (:func:`convening.checks.check_event`) and
    raises :class:`~convening.errors.EventError` listing every problem at
    once; non-fatal findings are kept in :attr:`warnings`.

    Parameters
    ----------
    name
        The event's title.
    host_city
        E.g. ``"New Orleans, LA"``.
    timezone
        IANA time zone name of the host city, e.g. ``"America/Chicago"``.
    venue
        Venue name or address, the calendar LOCATION prefix.
    cities, participants, rooms, slots, sessions, tours, preferences, networking, networking_rules
        The contents of the workbook's sheets.
    """

    name: str
    host_city: str
    timezone: str
    venue: str | None = None
    cities: tuple[City, ...] = attrs.field(default=(), converter=_tuple)
    participants: tuple[Participant, ...] = attrs.field(default=(), converter=_tuple)
    rooms: tuple[Room, ...] = attrs.field(default=(), converter=_tuple)
    slots: tuple[Slot, ...] = attrs.field(default=(), converter=_tuple)
    sessions: tuple[Session, ...] = attrs.field(default=(), converter=_tuple)
    tours: tuple[Tour, ...] = attrs.field(default=(), converter=_tuple)
    preferences: tuple[Preference, ...] = attrs.field(default=(), converter=_tuple)
    networking: tuple[NetworkingSetting, ...] = attrs.field(default=(), converter=_tuple)
    networking_rules: tuple[NetworkingRule, ...] = attrs.field(default=(), converter=_tuple)
    _warnings: tuple[Any, ...] = attrs.field(init=False, default=(), eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Imported here because checks needs the model's classes.
        from convening.checks import check_event
        from convening.errors import EventError

        problems = check_event(self)
        errors = [p for p in problems if p.is_error]
        warnings = tuple(p for p in problems if not p.is_error)
        if errors:
            raise EventError(errors, warnings)
        object.__setattr__(self, "_warnings", warnings)

    @property
    def warnings(self) -> tuple[Any, ...]:
        """Non-fatal findings (:class:`~convening.errors.Problem`), e.g. odd delegations."""
        return self._warnings

    def with_warnings(self, extra: Sequence[Any]) -> Event:
        """This event with ``extra`` warnings first, e.g. what reading its file noticed.

        The event is not checked again (its data are unchanged).
        """
        event = copy.copy(self)
        object.__setattr__(event, "_warnings", (*extra, *self._warnings))
        return event

    # -- look-ups -----------------------------------------------------------------------

    @cached_property
    def city_by_id(self) -> Mapping[str, City]:
        """Cities by id."""
        return {c.city_id: c for c in self.cities}

    @cached_property
    def participant_by_id(self) -> Mapping[str, Participant]:
        """Participants by id."""
        return {p.participant_id: p for p in self.participants}

    def person_label(self, participant_id: str) -> str:
        """``"Ada Lee (Flint, MI)"``; the name alone outside every delegation, the id if unknown."""
        person = self.participant_by_id.get(participant_id)
        if person is None:
            return participant_id
        city = self.city_by_id.get(person.city_id or "")
        return f"{person.name} ({city.label})" if city is not None else person.name

    @cached_property
    def room_by_id(self) -> Mapping[str, Room]:
        """Rooms by id."""
        return {r.room_id: r for r in self.rooms}

    @cached_property
    def slot_by_id(self) -> Mapping[str, Slot]:
        """Slots by id."""
        return {s.slot_id: s for s in self.slots}

    @cached_property
    def session_by_id(self) -> Mapping[str, Session]:
        """Sessions by id."""
        return {s.session_id: s for s in self.sessions}

    @cached_property
    def tour_by_id(self) -> Mapping[str, Tour]:
        """Tours by id."""
        return {t.tour_id: t for t in self.tours}

    @cached_property
    def delegations(self) -> tuple[Delegation, ...]:
        """Each city's delegation, in the order of the ``cities`` sheet."""
        members: dict[str, list[Participant]] = {c.city_id: [] for c in self.cities}
        for p in self.participants:
            if p.city_id is not None and p.city_id in members:
                members[p.city_id].append(p)
        return tuple(Delegation(c, tuple(members[c.city_id])) for c in self.cities)

    @cached_property
    def delegation_by_city(self) -> Mapping[str, Delegation]:
        """Delegations by city id."""
        return {d.city_id: d for d in self.delegations}

    def slots_of(self, kind: SlotKind | str) -> tuple[Slot, ...]:
        """The slots of one kind, in time order."""
        kind = SlotKind(kind)
        return tuple(sorted((s for s in self.slots if s.kind is kind), key=Slot.sort_key))

    def present(self, slot: Slot | str) -> tuple[Participant, ...]:
        """The participants who take a place in ``slot`` (:meth:`Participant.takes_place`).

        They are at the event then (arrivals, departures, ``away``) and attend
        the slot's kind. Presenters and tour leaders outside this set are still
        in their own session or tour (:meth:`leads_or_presents`).
        """
        if isinstance(slot, str):
            slot = self.slot_by_id[slot]
        return tuple(p for p in self.participants if p.takes_place(slot))

    def by_attends(self, kind: SlotKind | str) -> tuple[Participant, ...]:
        """Who takes a place in some ``kind`` slot only because of the ``attends`` written
        for them (:attr:`Participant.kinds_by_attends`), in sheet order."""
        kind = SlotKind(kind)
        slots = self.slots_of(kind)
        return tuple(
            p
            for p in self.participants
            if kind in p.kinds_by_attends and any(p.takes_place(s) for s in slots)
        )

    @cached_property
    def presenting(self) -> Mapping[str, tuple[str, ...]]:
        """Session ids each participant presents."""
        out: dict[str, list[str]] = {}
        for s in self.sessions:
            for pid in s.presenters:
                out.setdefault(pid, []).append(s.session_id)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def leading(self) -> Mapping[str, tuple[str, ...]]:
        """Tour ids each participant leads."""
        out: dict[str, list[str]] = {}
        for t in self.tours:
            for pid in t.leaders:
                out.setdefault(pid, []).append(t.tour_id)
        return {k: tuple(v) for k, v in out.items()}

    def leads_or_presents(self, participant_id: str, activity_id: str) -> bool:
        """Whether the person presents session ``activity_id`` or leads tour ``activity_id``."""
        return activity_id in self.presenting.get(
            participant_id, ()
        ) or activity_id in self.leading.get(participant_id, ())

    def table_size(self, slot_id: str) -> int:
        """The most people at one table in networking slot ``slot_id``."""
        for setting in self.networking:
            if setting.slot_id == slot_id:
                return setting.table_size
        return DEFAULT_TABLE_SIZE

    def networking_tables(self, slot: Slot | str) -> int:
        """How many tables networking slot ``slot`` uses (see :func:`fewest_tables`)."""
        if isinstance(slot, str):
            slot = self.slot_by_id[slot]
        present = self.present(slot)
        per_city: dict[str, int] = {}
        for p in present:
            if p.city_id is not None:
                per_city[p.city_id] = per_city.get(p.city_id, 0) + 1
        return fewest_tables(
            len(present), self.table_size(slot.slot_id), max(per_city.values(), default=0)
        )

    def ranks_of(self, participant_id: str) -> Mapping[str, int]:
        """A participant's ranks by item id (the best rank if an item is ranked twice)."""
        return self.ranks.get(participant_id, {})

    @cached_property
    def ranks(self) -> Mapping[str, Mapping[str, int]]:
        """Everyone's ranks: ``ranks[participant_id][item_id] = rank``."""
        out: dict[str, dict[str, int]] = {}
        for pref in self.preferences:
            mine = out.setdefault(pref.participant_id, {})
            if pref.item_id not in mine or pref.rank < mine[pref.item_id]:
                mine[pref.item_id] = pref.rank
        return out

    @property
    def zone(self) -> Any:
        """The event's :class:`zoneinfo.ZoneInfo`."""
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    def localize(self, moment: dt.datetime) -> dt.datetime:
        """Attach the event's time zone to a local wall-clock time."""
        return moment.replace(tzinfo=self.zone)


def fewest_tables(present: int, table_size: int, largest_delegation: int) -> int:
    """The tables a networking slot uses: the fewest of ``table_size`` that seat ``present``.

    More only where a delegation is larger than that number, since its members
    all sit at different tables.
    """
    if present == 0:
        return 0
    return max(-(-present // table_size), largest_delegation)


def unchecked_event(**fields: Any) -> Event:
    """Make an :class:`Event` without checking it.

    For the checks themselves (which look at partial events) only: an event
    made this way may break every rule.
    """
    event = Event.__new__(Event)
    for a in attrs.fields(Event):
        value = fields.get(a.name, a.default)
        if callable(a.converter) and a.name in fields:
            value = a.converter(value)
        object.__setattr__(event, a.name, value)
    return event
