"""Build an :class:`~convening.model.Event` in code, one item at a time.

>>> from datetime import datetime
>>> b = EventBuilder("Peer exchange", host_city="Albany, NY", timezone="America/New_York")
>>> flint = b.add_city("flint-mi", "Flint", "MI", topics=["vacant property reuse"])
>>> b.add_participant("p1", "Ada Lee", city_id="flint-mi", role="official")  # doctest: +ELLIPSIS
Participant(...)

Each ``add_*`` records the item with the row it would have in the event
workbook, so :meth:`EventBuilder.build` reports problems exactly as reading a
workbook would, all at once.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from typing import Any

import attrs

from convening.checks import SAME_PERSON as _SAME_PERSON
from convening.checks import UNUSED_RULE as _UNUSED_RULE
from convening.errors import (
    ConveningWarning,
    DelegationShapeWarning,
    DuplicatePersonWarning,
    OverlappingSlotsWarning,
    Problem,
    UnknownPreferenceWarning,
    UnusedRuleWarning,
)
from convening.model import (
    City,
    Event,
    NetworkingRule,
    NetworkingSetting,
    Participant,
    Preference,
    Role,
    Room,
    RuleKind,
    Session,
    SessionKind,
    Slot,
    SlotKind,
    Tour,
)

__all__ = ["WARNING_KINDS", "EventBuilder", "emit_warnings", "warning_class"]


class EventBuilder:
    """Collects the parts of an event and makes a checked :class:`~convening.model.Event`.

    Parameters
    ----------
    name
        The event's title.
    host_city
        E.g. ``"New Orleans, LA"``.
    timezone
        IANA name, e.g. ``"America/Chicago"``.
    venue
        Venue name or address (optional).
    """

    def __init__(self, name: str, host_city: str, timezone: str, venue: str | None = None) -> None:
        self.name = name
        self.host_city = host_city
        self.timezone = timezone
        self.venue = venue
        self._parts: dict[str, list[Any]] = {
            "cities": [],
            "participants": [],
            "rooms": [],
            "slots": [],
            "sessions": [],
            "tours": [],
            "preferences": [],
            "networking": [],
            "networking_rules": [],
        }

    def _add(self, sheet: str, item: Any) -> Any:
        items = self._parts[sheet]
        item = attrs.evolve(item, row=len(items) + 2)
        items.append(item)
        return item

    def add_city(
        self,
        city_id: str,
        name: str,
        state: str = "",
        *,
        topics: Iterable[str] | str = (),
        population: int | None = None,
        region: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> City:
        """Add a city; its participants form its delegation."""
        return self._add(
            "cities",
            City(city_id, name, state, topics, population, region, latitude, longitude),
        )

    def add_participant(
        self,
        participant_id: str,
        name: str,
        *,
        city_id: str | None = None,
        role: Role | str = Role.OFFICIAL,
        title: str | None = None,
        organization: str | None = None,
        email: str | None = None,
        topics: Iterable[str] | str = (),
        accessible: bool = False,
        arrives: dt.datetime | None = None,
        departs: dt.datetime | None = None,
        away: Iterable[str] | str = (),
        attends: Iterable[str] | str | None = None,
    ) -> Participant:
        """Add a participant (``city_id`` ``None`` for people outside every delegation).

        ``away`` lists slot ids the person is not at; ``attends`` the kinds of
        slot they take a place in (``None``: all, or plenary alone for staff).
        """
        return self._add(
            "participants",
            Participant(
                participant_id,
                name,
                city_id,
                role,
                title,
                organization,
                email,
                topics,
                accessible,
                arrives,
                departs,
                away,
                attends,
            ),
        )

    def add_room(self, room_id: str, name: str, capacity: int, *, accessible: bool = True) -> Room:
        """Add a room of ``capacity`` seats."""
        return self._add("rooms", Room(room_id, name, capacity, accessible))

    def add_slot(
        self,
        slot_id: str,
        start: dt.datetime,
        end: dt.datetime,
        kind: SlotKind | str,
        *,
        title: str | None = None,
        location: str | None = None,
    ) -> Slot:
        """Add a time slot of one kind (a ``title`` and ``location`` name a break or meal)."""
        return self._add("slots", Slot(slot_id, start, end, kind, title, location))

    def add_session(
        self,
        session_id: str,
        title: str,
        kind: SessionKind | str = SessionKind.BREAKOUT,
        *,
        topic: str | None = None,
        presenters: Iterable[str] | str = (),
        slot_id: str | None = None,
        room_id: str | None = None,
        offered: int = 1,
        capacity: int | None = None,
        description: str | None = None,
    ) -> Session:
        """Add a plenary or breakout session."""
        return self._add(
            "sessions",
            Session(
                session_id,
                title,
                kind,
                topic,
                presenters,
                slot_id,
                room_id,
                offered,
                capacity,
                description,
            ),
        )

    def add_tour(
        self,
        tour_id: str,
        title: str,
        capacity: int,
        *,
        slot_id: str | None = None,
        walking: bool = False,
        topic: str | None = None,
        departures: int = 1,
        meeting_point: str | None = None,
        description: str | None = None,
        leaders: Iterable[str] | str = (),
    ) -> Tour:
        """Add a tour taking ``capacity`` riders per departure (``leaders`` ride it)."""
        return self._add(
            "tours",
            Tour(
                tour_id,
                title,
                capacity,
                slot_id,
                walking,
                topic,
                departures,
                meeting_point,
                description,
                leaders,
            ),
        )

    def add_preference(self, participant_id: str, item_id: str, rank: int) -> Preference:
        """Record that a participant ranks a session or tour (1 = most wanted)."""
        return self._add("preferences", Preference(participant_id, item_id, rank))

    def set_table_size(self, slot_id: str, table_size: int) -> NetworkingSetting:
        """Seat networking slot ``slot_id`` at tables of at most ``table_size``."""
        return self._add("networking", NetworkingSetting(slot_id, table_size))

    def add_networking_rule(
        self,
        rule: RuleKind | str,
        participant_id: str,
        other_id: str | None = None,
        *,
        slot_id: str | None = None,
    ) -> NetworkingRule:
        """Add a ``together``, ``apart`` or ``host`` seating rule."""
        return self._add(
            "networking_rules",
            NetworkingRule(rule, participant_id, other_id, slot_id),
        )

    def build(self) -> Event:
        """Make the event, checking everything at once.

        Raises
        ------
        EventError
            Listing every problem, located by sheet, row and column.
        """
        event = Event(
            self.name,
            self.host_city,
            self.timezone,
            self.venue,
            **{k: tuple(v) for k, v in self._parts.items()},
        )
        emit_warnings(event.warnings)
        return event


_WARNING_CLASSES: dict[str, type[ConveningWarning]] = {
    "cities": DelegationShapeWarning,
    "preferences": UnknownPreferenceWarning,
    "slots": OverlappingSlotsWarning,
}

#: The warning classes by the name the command line's ``--ignore-warnings`` takes.
WARNING_KINDS: dict[str, type[ConveningWarning]] = {
    "delegation-shape": DelegationShapeWarning,
    "unknown-preference": UnknownPreferenceWarning,
    "overlapping-slots": OverlappingSlotsWarning,
    "duplicate-person": DuplicatePersonWarning,
    "unused-rule": UnusedRuleWarning,
    "all": ConveningWarning,
}


def warning_class(problem: Problem) -> type[ConveningWarning]:
    """The warning class of a warning problem (what ``warnings.filterwarnings`` can name)."""
    if problem.sheet == "participants" and problem.message.startswith(_SAME_PERSON):
        return DuplicatePersonWarning
    if problem.sheet == "networking_rules" and _UNUSED_RULE in problem.message:
        return UnusedRuleWarning
    return _WARNING_CLASSES.get(problem.sheet or "", ConveningWarning)


#: Python warnings issued per sheet; the rest are counted in one more (all stay in
#: ``Event.warnings``).
MAX_WARNINGS_PER_SHEET = 20


def emit_warnings(problems: Iterable[Problem]) -> None:
    """Issue each warning problem as a Python warning of the fitting class, so many per sheet.

    Each class can be silenced the usual way, e.g.
    ``warnings.filterwarnings("ignore", category=DelegationShapeWarning)``.
    """
    issued: dict[str, int] = {}
    for problem in problems:
        sheet = problem.sheet or ""
        issued[sheet] = issued.get(sheet, 0) + 1
        if issued[sheet] <= MAX_WARNINGS_PER_SHEET:
            warnings.warn(str(problem), warning_class(problem), stacklevel=3)
    for sheet, count in issued.items():
        if count > MAX_WARNINGS_PER_SHEET:
            category = _WARNING_CLASSES.get(sheet, ConveningWarning)
            where = f" in sheet {sheet}" if sheet else ""
            warnings.warn(
                f"… and {count - MAX_WARNINGS_PER_SHEET} more warnings{where} "
                "(all are in the event's warnings)",
                category,
                stacklevel=3,
            )
