"""Every sheet and column of the event workbook, in one declarative table.

This is the one place a column is written: the reader parses cells by these
types and makes the sheet's :attr:`Sheet.model` from them, the checks derive
the Python types a value built in code must have, the template's README sheet
explains each column from these meanings, and the docs can list them. The names are
the fixed contract of ``event-workbook.md``; sheet and column names are matched
after :func:`normalise_name` (case, surrounding blanks, spaces and hyphens do
not matter).
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import attrs

from convening.errors import ConveningError
from convening.model import (
    City,
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

__all__ = [
    "EVENT_KEYS",
    "SHEETS",
    "SHEET_BY_NAME",
    "Column",
    "ColumnType",
    "Sheet",
    "normalise_name",
]


class ColumnType(StrEnum):
    """How a cell is read."""

    ID = "id"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATETIME = "datetime"
    LIST = "list"
    ENUM = "enum"

    @property
    def words(self) -> str:
        """The type as the README sheet names it."""
        return _TYPE_WORDS[self]


_TYPE_WORDS = {
    ColumnType.ID: "id (letters, digits and -_.@+; not starting with .)",
    ColumnType.TEXT: "text",
    ColumnType.INT: "whole number",
    ColumnType.FLOAT: "number",
    ColumnType.BOOL: "true/false (also yes/no, y/n, 1/0)",
    ColumnType.DATETIME: "date and time, e.g. 2027-04-20 09:00 (local time)",
    ColumnType.LIST: "list separated by ;",
    ColumnType.ENUM: "one of the listed words",
}


@attrs.frozen
class Column:
    """One column of a sheet (or one key of the ``event`` sheet).

    Parameters
    ----------
    name
        The header, as the contract spells it; also the model field it fills.
    type
        How its cells are read.
    required
        Whether every row must give it.
    meaning
        What it means, for the README sheet and docs.
    choices
        The allowed words of an ``enum`` column.
    refers_to
        The sheets whose ids the column's values name (a reference).
    enum
        The enumeration an ``enum`` column's words convert to.
    """

    name: str
    type: ColumnType
    required: bool
    meaning: str
    choices: tuple[str, ...] = ()
    refers_to: tuple[str, ...] = ()
    enum: builtins.type[StrEnum] | None = None


@attrs.frozen
class Sheet:
    """One sheet of the workbook (one CSV file of the folder form).

    Parameters
    ----------
    name
        The sheet name (CSV file stem).
    required
        Whether the workbook must have it.
    meaning
        What its rows are.
    columns
        Its columns, in the template's order.
    id_column
        The column holding each row's unique id, if any.
    keys
        For the ``event`` sheet only: the keys of its ``key``/``value`` rows.
    model
        The model class one row makes (its fields are named after the columns);
        ``None`` for the ``event`` sheet. The sheet's name is also the
        :class:`~convening.model.Event` attribute holding its rows.
    """

    name: str
    required: bool
    meaning: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    keys: tuple[Column, ...] = ()
    model: Any = None

    def python_types(self) -> dict[str, tuple[type, ...]]:
        """The types each column's value may have in a model built in code, by column.

        A column may be ``None`` where its model field defaults to ``None``.
        """
        defaults = {a.name: a.default for a in attrs.fields(self.model)}
        out: dict[str, tuple[type, ...]] = {}
        for c in self.columns:
            types: tuple[type, ...] = (c.enum,) if c.enum is not None else _PYTHON[c.type]
            if defaults.get(c.name, attrs.NOTHING) is None:
                types = (*types, type(None))
            out[c.name] = types
        return out

    @property
    def is_key_value(self) -> bool:
        """Whether rows are ``key``/``value`` pairs (the ``event`` sheet)."""
        return bool(self.keys)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise ConveningError(f"the {self.name} sheet has no column {name!r}")


_PYTHON: Mapping[ColumnType, tuple[type, ...]] = {
    ColumnType.ID: (str,),
    ColumnType.TEXT: (str,),
    ColumnType.INT: (int,),
    ColumnType.FLOAT: (int, float),
    ColumnType.BOOL: (bool,),
    ColumnType.DATETIME: (dt.datetime,),
    ColumnType.LIST: (tuple,),
    ColumnType.ENUM: (str,),
}


def _enum(name: str, meaning: str, kind: type[StrEnum]) -> Column:
    return Column(name, ColumnType.ENUM, True, meaning, tuple(k.value for k in kind), (), kind)


def _req(
    name: str,
    type: ColumnType,
    meaning: str,
    choices: tuple[str, ...] = (),
    refers_to: tuple[str, ...] = (),
) -> Column:
    return Column(name, type, True, meaning, choices, refers_to)


def _opt(
    name: str,
    type: ColumnType,
    meaning: str,
    choices: tuple[str, ...] = (),
    refers_to: tuple[str, ...] = (),
) -> Column:
    return Column(name, type, False, meaning, choices, refers_to)


_CITIES = ("cities",)
_PEOPLE = ("participants",)
_SLOTS = ("slots",)
_ROOMS = ("rooms",)
_ITEMS = ("sessions", "tours")


_T = ColumnType

#: The keys of the ``event`` sheet.
EVENT_KEYS: tuple[Column, ...] = (
    _req("name", _T.TEXT, "The event's title."),
    _req("host_city", _T.TEXT, "The host city, e.g. New Orleans, LA."),
    _req(
        "timezone",
        _T.TEXT,
        "IANA time zone name of the host city, e.g. America/Chicago; every time in the "
        "workbook is local wall-clock time in this zone.",
    ),
    _opt("venue", _T.TEXT, "Venue name or address, used as the calendar LOCATION prefix."),
)

#: Every sheet, in the template's order.
SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "event",
        True,
        "The event itself: one key and its value per row.",
        (
            _req("key", _T.TEXT, "One of: " + ", ".join(k.name for k in EVENT_KEYS) + "."),
            _req("value", _T.TEXT, "The key's value."),
        ),
        keys=EVENT_KEYS,
    ),
    Sheet(
        "cities",
        True,
        "The cities that send a delegation; a city's participants form its delegation.",
        (
            _req("city_id", _T.ID, "Unique id of the city."),
            _req("name", _T.TEXT, "The city's name, e.g. Flint."),
            _req("state", _T.TEXT, "The state, e.g. MI."),
            _opt("topics", _T.LIST, "What the city works on (matches coaches and seats tables)."),
            _opt("population", _T.INT, "Population (zero or more)."),
            _opt("region", _T.TEXT, "Region, e.g. Midwest."),
            _opt("latitude", _T.FLOAT, "Latitude, -90 to 90."),
            _opt("longitude", _T.FLOAT, "Longitude, -180 to 180."),
        ),
        id_column="city_id",
        model=City,
    ),
    Sheet(
        "participants",
        True,
        "Everyone at the convening. The usual delegation is two senior city officials and "
        "one partner; other sizes are allowed with a warning.",
        (
            _req("participant_id", _T.ID, "Unique id of the person."),
            _req("name", _T.TEXT, "Full name."),
            _opt(
                "city_id",
                _T.ID,
                "The city whose delegation the person belongs to; empty for people outside "
                "every delegation (facilitators, staff, speakers).",
                refers_to=_CITIES,
            ),
            _enum("role", "What the person is at the convening.", Role),
            _opt("title", _T.TEXT, "Job title."),
            _opt("organization", _T.TEXT, "Employer."),
            _opt("email", _T.TEXT, "Email address."),
            _opt("topics", _T.LIST, "What the person cares about."),
            _opt(
                "accessible",
                _T.BOOL,
                "true = needs step-free access: accessible rooms only, no walking tours "
                "(default false).",
            ),
            _opt(
                "arrives",
                _T.DATETIME,
                "When the person arrives (empty: from the start). A person is at a slot "
                "only if arrives <= the slot's start.",
            ),
            _opt(
                "departs",
                _T.DATETIME,
                "When the person leaves (empty: at the end). A person is at a slot only "
                "if departs >= the slot's end.",
            ),
            _opt(
                "away",
                _T.LIST,
                "Slot ids the person is not at (a call, another commitment).",
                refers_to=_SLOTS,
            ),
            _opt(
                "attends",
                _T.LIST,
                "The kinds of slot the person takes a place in: plenary, breakout, tour, "
                "networking, action_planning, or all, or none (default all; plenary for staff, "
                "who work the event). Presenters and tour leaders are always in their own "
                "session or tour.",
            ),
        ),
        id_column="participant_id",
        model=Participant,
    ),
    Sheet(
        "rooms",
        True,
        "The rooms of the venue.",
        (
            _req("room_id", _T.ID, "Unique id of the room."),
            _req("name", _T.TEXT, "What the signs say."),
            _req("capacity", _T.INT, "Seats (more than zero)."),
            _opt("accessible", _T.BOOL, "Step-free access (default true)."),
        ),
        id_column="room_id",
        model=Room,
    ),
    Sheet(
        "slots",
        True,
        "The blocks of time of the programme. Slots of one kind never overlap each other.",
        (
            _req("slot_id", _T.ID, "Unique id of the slot."),
            _req("start", _T.DATETIME, "When it starts (local time)."),
            _req("end", _T.DATETIME, "When it ends (local time), after its start."),
            _enum("kind", "What happens in it.", SlotKind),
            _opt(
                "title",
                _T.TEXT,
                "What the programme calls it, e.g. Registration and breakfast, Dinner at "
                "the Public Market (default: its kind).",
            ),
            _opt("location", _T.TEXT, "Where it happens when that is not the venue."),
        ),
        id_column="slot_id",
        model=Slot,
    ),
    Sheet(
        "sessions",
        True,
        "Plenary and breakout sessions.",
        (
            _req("session_id", _T.ID, "Unique id (not shared with a tour)."),
            _req("title", _T.TEXT, "What the programme says."),
            _enum("kind", "Runs only in slots of the same kind.", SessionKind),
            _opt("topic", _T.TEXT, "Sessions on one topic are not run against each other."),
            _opt(
                "presenters",
                _T.LIST,
                "Participant ids who present the session every time it runs.",
                refers_to=_PEOPLE,
            ),
            _opt("slot_id", _T.ID, "Pin: the slot it must run in.", refers_to=_SLOTS),
            _opt("room_id", _T.ID, "Pin: the room it must run in.", refers_to=_ROOMS),
            _opt("offered", _T.INT, "How many times it runs (default 1)."),
            _opt(
                "capacity",
                _T.INT,
                "The most attendees, presenters included (default: the room's size).",
            ),
            _opt("description", _T.TEXT, "Free text for calendars."),
        ),
        id_column="session_id",
        model=Session,
    ),
    Sheet(
        "tours",
        False,
        "Optional when the programme has no tour slots: tours of the host city's successes.",
        (
            _req("tour_id", _T.ID, "Unique id (not shared with a session)."),
            _req("title", _T.TEXT, "What the programme says."),
            _req("capacity", _T.INT, "Riders per departure (a bus, a guide's group)."),
            _opt(
                "slot_id",
                _T.ID,
                "The tour slot it runs in; empty = any tour slot.",
                refers_to=_SLOTS,
            ),
            _opt(
                "walking",
                _T.BOOL,
                "Walking tours are not for people who need step-free access (default false).",
            ),
            _opt("topic", _T.TEXT, "What the tour shows."),
            _opt(
                "departures",
                _T.INT,
                "How many groups go out at once (default 1); riders never exceed "
                "capacity × departures.",
            ),
            _opt("meeting_point", _T.TEXT, "Where riders meet, for calendars."),
            _opt(
                "leaders",
                _T.LIST,
                "Participant ids who lead the tour (e.g. host-city staff): they ride it and "
                "take its seats.",
                refers_to=_PEOPLE,
            ),
            _opt("description", _T.TEXT, "Free text for calendars."),
        ),
        id_column="tour_id",
        model=Tour,
    ),
    Sheet(
        "preferences",
        False,
        "Optional: what participants most want to attend.",
        (
            _req("participant_id", _T.ID, "Who ranks.", refers_to=_PEOPLE),
            _req("item_id", _T.ID, "A session or tour id.", refers_to=_ITEMS),
            _req("rank", _T.INT, "1 = most wanted."),
        ),
        model=Preference,
    ),
    Sheet(
        "networking",
        False,
        "Optional: table sizes of networking slots (default 8).",
        (
            _req("slot_id", _T.ID, "A networking slot.", refers_to=_SLOTS),
            _req("table_size", _T.INT, "The most people at one table."),
        ),
        model=NetworkingSetting,
    ),
    Sheet(
        "networking_rules",
        False,
        "Optional: seating rules for networking tables.",
        (
            _enum(
                "rule",
                "together / apart: two people share a table or never do; host: seated one per "
                "table.",
                RuleKind,
            ),
            _req("participant_id", _T.ID, "The person the rule is about.", refers_to=_PEOPLE),
            _opt(
                "other_id",
                _T.ID,
                "The second person (together and apart rules).",
                refers_to=_PEOPLE,
            ),
            _opt(
                "slot_id",
                _T.ID,
                "A networking slot; empty = every networking slot.",
                refers_to=_SLOTS,
            ),
        ),
        model=NetworkingRule,
    ),
)

#: Sheets by name.
SHEET_BY_NAME: Mapping[str, Sheet] = {s.name: s for s in SHEETS}

_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_name(text: object) -> str:
    """A header or sheet name as the reader matches it: ``" City ID "`` -> ``"city_id"``."""
    if text is None:
        return ""
    return _SEPARATORS.sub("_", str(text).strip().lower())
