"""Checks that an event can be planned, gathered in one pass.

:func:`check_event` looks at a whole :class:`~convening.model.Event` and
returns every :class:`~convening.errors.Problem` it finds: broken ids and
references, impossible times and sizes, and the obvious impossibilities a
planner can see by counting (fewer seats than people, a presenter pinned in
two places at once). The counting checks are *necessary* conditions only: an
event they pass may still have no plan, but an event they fail never has one.

Problems name the workbook sheet, the row as Excel shows it and the column, so
they read the same whether the event came from a workbook, CSV files or code.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from convening.errors import Problem, ProblemLog
from convening.model import (
    ATTENDS_WORDS,
    Role,
    RuleKind,
    SessionKind,
    Slot,
    SlotKind,
    unchecked_event,
)
from convening.sheets import SHEETS

if TYPE_CHECKING:
    from convening.model import Event, Participant

__all__ = ["ID_PATTERN", "SAME_PERSON", "UNUSED_RULE", "check_event", "is_valid_id"]

#: How a warning about two participant rows that look like one person begins.
SAME_PERSON = "looks like the same person as"
#: What a warning about a networking rule for someone not at its slot says.
UNUSED_RULE = "so this rule is dropped"

#: Letters, digits and ``-_.@+``, not starting with ``.``.
ID_PATTERN = re.compile(r"^(?!\.)[A-Za-z0-9_\-.@+]+$")


def is_valid_id(value: object) -> bool:
    """Whether ``value`` is a well-formed id (letters, digits, ``-_.@+``; no leading dot)."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def _row_of(item: Any, index: int) -> int:
    row = getattr(item, "row", None)
    return row if isinstance(row, int) else index + 2


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_event(
    event: Event,
    broken_ids: Mapping[str, Iterable[str]] | None = None,
    *,
    complete: bool = True,
) -> list[Problem]:
    """Return every problem (errors and warnings) in ``event``.

    Parameters
    ----------
    event
        The event to check. Its items may be of the wrong types (when built
        in code); such values are reported, never raised, and the rest of the
        event is still checked.
    broken_ids
        Ids, by sheet, of rows that could not be read at all (the reader has
        reported them already); references to them are not reported again.
    complete
        ``False`` when rows were left out of ``event`` (the reader could not
        read them): seats are then not counted, since shortages would be ones
        the planner does not have.

    Returns
    -------
    list of Problem
        Sorted by sheet, row and column. Errors have ``severity == "error"``.
    """
    out = ProblemLog()
    bad_items = _check_types(event, out)
    known_broken = {sheet: set(ids) for sheet, ids in (broken_ids or {}).items()}
    if bad_items:
        # Later checks compare values, so they see the event without the ill-typed rows.
        for attr, items in bad_items.items():
            known_broken.setdefault(attr, set()).update(
                i
                for i in (getattr(x, _ID_OF.get(attr, ""), None) for x in items)
                if isinstance(i, str)
            )
        event = _without(event, bad_items)
    _check_event_sheet(event, out, known_broken)
    _check_limits(event, out)
    ids = _check_ids(event, out)
    _check_references(event, ids, known_broken, out)
    _check_numbers(event, out)
    _check_times(event, out)
    _check_clock_changes(event, out)
    _check_pins(event, out)
    if complete and not bad_items:
        # A delegation missing a row that could not be read would only look odd.
        _check_delegations(event, out)
        _check_attendance(event, out)
    _check_likely_mistakes(event, ids, out)
    counting = _countable(event, ids, known_broken, bad_items, out)
    if counting is not None:
        # Counting runs on whatever is sound, however many reference errors there are, so
        # that one run reports every problem; what it cannot trust is left out of it.
        # Without some slot rows, runs have fewer slots than the planner gave them.
        _check_capacity(counting, out, all_slots="slots" not in known_broken)
        _check_presenters(counting, out)
        _check_leaders(counting, out)
        _check_networking_rules(counting, out)
    return sorted(out.problems, key=Problem.sort_key)


#: Sheets whose rows give seats: with one of them missing rows, a shortage may not be real.
_SEAT_SHEETS = ("rooms", "sessions", "tours", "networking")
#: Columns whose errors make seat counts meaningless.
_SEAT_COLUMNS = {
    ("rooms", "capacity"),
    ("sessions", "offered"),
    ("sessions", "capacity"),
    ("tours", "capacity"),
    ("tours", "departures"),
    ("networking", "table_size"),
    ("networking", "slot_id"),
}


def _countable(
    event: Event,
    ids: Mapping[str, set[str]],
    broken: Mapping[str, set[str]],
    bad_items: Mapping[str, list[Any]],
    out: ProblemLog,
) -> Event | None:
    """The event the counting checks can trust, or ``None`` when seats cannot be counted.

    References to missing ids are dropped (a pin to an unknown room becomes no pin,
    an unknown presenter no presenter, a rule naming an unknown person no rule): that
    only adds seats, so no shortage is reported that the planner does not have.
    Rows of the sheets that give seats must all be there, with sound numbers.
    """
    if any(sheet in broken or sheet in bad_items for sheet in _SEAT_SHEETS):
        return None
    if any(p.is_error and (p.sheet, p.column) in _SEAT_COLUMNS for p in out.problems):
        return None
    if any(
        p.is_error and p.sheet in _SEAT_SHEETS and p.message.startswith("duplicate id")
        for p in out.problems
    ):
        return None
    people, slots, rooms = ids["participants"], ids["slots"], ids["rooms"]
    kind_of = {s.slot_id: str(s.kind) for s in event.slots}

    def known(value: str | None, among: set[str]) -> str | None:
        return value if value in among else None

    def pin(slot_id: str | None, kind: str) -> str | None:
        # A pin to a slot of another kind is reported; counted, it would only take seats.
        return slot_id if slot_id in slots and kind_of.get(slot_id) == kind else None

    sessions = tuple(
        attrs.evolve(
            s,
            presenters=tuple(dict.fromkeys(p for p in s.presenters if p in people)),
            slot_id=pin(s.slot_id, str(s.kind)),
            room_id=known(s.room_id, rooms),
        )
        for s in event.sessions
    )
    tours = tuple(
        attrs.evolve(
            t,
            slot_id=pin(t.slot_id, "tour"),
            leaders=tuple(dict.fromkeys(p for p in t.leaders if p in people)),
        )
        for t in event.tours
    )
    rules = tuple(
        r
        for r in event.networking_rules
        if r.participant_id in people
        and (r.other_id is None or r.other_id in people)
        and (r.slot_id is None or r.slot_id in slots)
    )
    unchanged = (
        sessions == event.sessions and tours == event.tours and rules == event.networking_rules
    )
    if unchanged:
        return event
    fields = {a.name: getattr(event, a.name) for a in attrs.fields(type(event)) if a.init}
    fields.update(sessions=sessions, tours=tours, networking_rules=rules)
    return unchecked_event(**fields)


_ID_OF = {s.name: s.id_column for s in SHEETS if s.id_column is not None}


def _without(event: Event, bad_items: Mapping[str, list[Any]]) -> Event:
    """The event minus some items, made without checking it again."""
    fields = {a.name: getattr(event, a.name) for a in attrs.fields(type(event)) if a.init}
    for attr, items in bad_items.items():
        drop = {id(x) for x in items}
        fields[attr] = tuple(x for x in fields[attr] if id(x) not in drop)
    return unchecked_event(**fields)


# -- types (for events built in code) -------------------------------------------------------

#: The Python types of each sheet's columns, by sheet (= Event attribute).
_FIELD_TYPES: dict[str, dict[str, tuple[type, ...]]] = {
    s.name: s.python_types() for s in SHEETS if s.model is not None
}

_TYPE_WORDS = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dt.datetime: "a date and time",
    tuple: "a list",
    Role: "one of " + ", ".join(r.value for r in Role),
    SlotKind: "one of " + ", ".join(k.value for k in SlotKind),
    SessionKind: "one of " + ", ".join(k.value for k in SessionKind),
    RuleKind: "one of " + ", ".join(k.value for k in RuleKind),
}


def _type_ok(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return False  # times are local wall-clock times in the event's zone
    return isinstance(value, types)


def _check_types(event: Event, out: ProblemLog) -> dict[str, list[Any]]:
    """Report values of the wrong type; return the items that have any, by sheet."""
    bad: dict[str, list[Any]] = {}
    for key in ("name", "host_city", "timezone"):
        if not isinstance(getattr(event, key), str):
            out.error("must be text", "event", None, key, getattr(event, key))
    if not isinstance(event.venue, (str, type(None))):
        out.error("must be text", "event", None, "venue", event.venue)
    for sheet, fields in _FIELD_TYPES.items():
        for index, item in enumerate(getattr(event, sheet)):
            row = _row_of(item, index)
            for name, types in fields.items():
                value = getattr(item, name, None)
                if not _type_ok(value, types):
                    wanted = " or ".join(
                        _TYPE_WORDS.get(t, t.__name__) for t in types if t is not type(None)
                    )
                    if isinstance(value, dt.datetime) and value.tzinfo is not None:
                        wanted = "a local wall-clock time without a time zone"
                    out.error(f"must be {wanted}", sheet, row, name, value)
                    bad.setdefault(sheet, []).append(item)
                elif tuple in types and not all(isinstance(v, str) for v in value or ()):
                    out.error("must be a list of text", sheet, row, name, value)
                    bad.setdefault(sheet, []).append(item)
    return bad


# -- limits: values that pass every other rule but break a file, a calendar or the solver ----

#: Excel keeps at most this many characters in a cell; a longer text would not read back.
MAX_TEXT = 32_767
#: Ids name files (``calendars/participants/<id>.ics``); file names have length limits.
MAX_ID_LENGTH = 100
#: The largest capacity, offer or rank taken: far above any event, far below what overflows
#: the solver's 64-bit sums.
MAX_COUNT = 100_000
#: Times must fall in these years (time-zone data and calendars cover them).
YEARS = (1970, 2199)

#: Names Windows reserves for devices: a file ``CON.ics`` cannot be made there.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{d}" for p in ("COM", "LPT") for d in "123456789"]
)
_EXCEL_ERRORS = frozenset(
    [
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    ]
)
#: Characters no cell of a workbook can hold (tab and line breaks aside), and line breaks,
#: which single-line fields (names, titles) cannot carry into a calendar.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")
#: Fields that name a calendar (its NAME and X-WR-CALNAME, which cannot be escaped): one
#: line each. Titles and descriptions may run over several lines (they are escaped).
_ONE_LINE = {
    "event": frozenset({"name"}),
    "cities": frozenset({"name", "state"}),
    "participants": frozenset({"name"}),
    "rooms": frozenset({"name"}),
}
_LIMITED_COUNTS: dict[str, tuple[str, ...]] = {
    "rooms": ("capacity",),
    "sessions": ("capacity", "offered"),
    "tours": ("capacity", "departures"),
    "preferences": ("rank",),
    "networking": ("table_size",),
}
_TIMES: dict[str, tuple[str, ...]] = {
    "slots": ("start", "end"),
    "participants": ("arrives", "departs"),
}


def _check_limits(event: Event, out: ProblemLog) -> None:
    """Report text, numbers, times and ids that no file, calendar or solve could take."""
    for key in ("name", "host_city", "timezone", "venue"):
        _check_text(getattr(event, key), key, out, "event", None, key)
    for attr, fields in _FIELD_TYPES.items():
        sheet = attr
        for index, item in enumerate(getattr(event, attr)):
            row = _row_of(item, index)
            for name, types in fields.items():
                value = getattr(item, name, None)
                if str in types or tuple in types:
                    for text in value if isinstance(value, tuple) else (value,):
                        _check_text(text, name, out, sheet, row, name)
            for name in _LIMITED_COUNTS.get(attr, ()):
                value = getattr(item, name, None)
                if isinstance(value, int) and value > MAX_COUNT:
                    out.error(f"must be at most {MAX_COUNT:,}", sheet, row, name, value)
            for name in _TIMES.get(attr, ()):
                value = getattr(item, name, None)
                if isinstance(value, dt.datetime) and not YEARS[0] <= value.year <= YEARS[1]:
                    out.error(
                        f"must be a time between the years {YEARS[0]} and {YEARS[1]}",
                        sheet,
                        row,
                        name,
                        value,
                    )
    for attr, sheet, column in _TABLES:
        seen: dict[str, tuple[str, int]] = {}
        for index, item in enumerate(getattr(event, attr)):
            value, row = getattr(item, column), _row_of(item, index)
            if not isinstance(value, str) or not is_valid_id(value):
                continue  # reported by _check_ids
            if len(value) > MAX_ID_LENGTH:
                out.error(
                    f"ids are at most {MAX_ID_LENGTH} characters (they name files)",
                    sheet,
                    row,
                    column,
                    value,
                )
            if value.split(".")[0].upper() in _RESERVED:
                out.error(
                    "this id is a name Windows reserves for a device, so its calendar file "
                    "could not be made there; choose another",
                    sheet,
                    row,
                    column,
                    value,
                )
            key = value.casefold()
            if key in seen and seen[key][0] != value:
                out.error(
                    f"differs only in case from the id {seen[key][0]!r} of row {seen[key][1]}; "
                    "their calendar files would be one file on Windows and macOS",
                    sheet,
                    row,
                    column,
                    value,
                )
            seen.setdefault(key, (value, row))


def _check_text(
    value: object, field: str, out: ProblemLog, sheet: str, row: int | None, column: str
) -> None:
    if not isinstance(value, str):
        return
    if value.strip() in _EXCEL_ERRORS:
        out.error(
            "holds an Excel error value, not text; fix the formula or type the text",
            sheet,
            row,
            column,
            value,
        )
    elif len(value) > MAX_TEXT:
        out.error(
            f"is {len(value):,} characters long; a cell holds at most {MAX_TEXT:,}",
            sheet,
            row,
            column,
            value,
        )
    elif _CONTROL.search(value):
        out.error(
            "holds a control character that no workbook cell can hold", sheet, row, column, value
        )
    elif field in _ONE_LINE.get(sheet, ()) and _LINE_BREAK.search(value):
        out.error(
            "holds a line break (Alt+Enter); names are one line (they name calendars)",
            sheet,
            row,
            column,
            value,
        )


# -- the event sheet -------------------------------------------------------------------------


def _check_event_sheet(event: Event, out: ProblemLog, broken: Mapping[str, set[str]]) -> None:
    for sheet in ("participants", "slots"):
        # A sheet the reader could not use at all has been reported already.
        if not getattr(event, sheet) and sheet not in broken:
            out.error("the sheet has no rows; an event needs at least 1", sheet)
    for key in ("name", "host_city", "timezone"):
        value = getattr(event, key)
        if not isinstance(value, str) or not value.strip():
            out.error(f"the event's {key} is required", "event", None, "value", None)
    tz = event.timezone
    if isinstance(tz, str) and tz.strip():
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            out.error(
                "not an IANA time zone name (e.g. America/Chicago)", "event", None, "timezone", tz
            )


# -- ids ------------------------------------------------------------------------------------

_TABLES: tuple[tuple[str, str, str], ...] = tuple(
    (sheet, sheet, column) for sheet, column in _ID_OF.items()
)


def _check_ids(event: Event, out: ProblemLog) -> dict[str, set[str]]:
    """Check each table's ids are well formed and unique; return the ids by sheet."""
    ids: dict[str, set[str]] = {}
    for attr, sheet, column in _TABLES:
        first_row: dict[str, int] = {}
        for index, item in enumerate(getattr(event, attr)):
            row = _row_of(item, index)
            value = getattr(item, column)
            if not is_valid_id(value):
                out.error(
                    "ids are letters, digits and -_.@+ and do not start with '.'",
                    sheet,
                    row,
                    column,
                    value,
                )
                continue
            if value in first_row:
                out.error(
                    f"duplicate id (first used in row {first_row[value]})",
                    sheet,
                    row,
                    column,
                    value,
                )
            else:
                first_row[value] = row
        ids[sheet] = set(first_row)
    # Sessions and tours share the preference sheet's item_id, so they must not share ids.
    for index, tour in enumerate(event.tours):
        if tour.tour_id in ids["sessions"]:
            out.error(
                "a session has the same id; preferences could not tell them apart",
                "tours",
                _row_of(tour, index),
                "tour_id",
                tour.tour_id,
            )
    return ids


def _check_references(
    event: Event, ids: dict[str, set[str]], broken: Mapping[str, set[str]], out: ProblemLog
) -> None:
    def ref(value: object, sheet: str, row: int, column: str, target: str, noun: str) -> None:
        if value is not None and value not in ids[target] and value not in broken.get(target, ()):
            out.error(
                f"no {noun} with this id in the {target} sheet{_did_you_mean(value, ids[target])}",
                sheet,
                row,
                column,
                value,
            )

    for i, p in enumerate(event.participants):
        ref(p.city_id, "participants", _row_of(p, i), "city_id", "cities", "city")
    for i, s in enumerate(event.sessions):
        row = _row_of(s, i)
        for presenter in s.presenters:
            ref(presenter, "sessions", row, "presenters", "participants", "participant")
        if len(set(s.presenters)) != len(s.presenters):
            out.error(
                "a presenter is listed twice",
                "sessions",
                row,
                "presenters",
                ";".join(s.presenters),
            )
        ref(s.slot_id, "sessions", row, "slot_id", "slots", "slot")
        ref(s.room_id, "sessions", row, "room_id", "rooms", "room")
    for i, t in enumerate(event.tours):
        row = _row_of(t, i)
        ref(t.slot_id, "tours", row, "slot_id", "slots", "slot")
        for leader in t.leaders:
            ref(leader, "tours", row, "leaders", "participants", "participant")
        if len(set(t.leaders)) != len(t.leaders):
            out.error("a leader is listed twice", "tours", row, "leaders", ";".join(t.leaders))
    _check_attends_and_away(event, ids, broken, out)
    items = ids["sessions"] | ids["tours"]
    seen_pairs: dict[tuple[str, str], int] = {}
    presenting = {s.session_id: frozenset(s.presenters) for s in event.sessions}
    for i, pref in enumerate(event.preferences):
        row = _row_of(pref, i)
        ref(
            pref.participant_id,
            "preferences",
            row,
            "participant_id",
            "participants",
            "participant",
        )
        if pref.item_id not in items and not (
            pref.item_id in broken.get("sessions", ()) or pref.item_id in broken.get("tours", ())
        ):
            out.warning(
                "ranks a session or tour that does not exist; the rank is ignored"
                + _did_you_mean(pref.item_id, items),
                "preferences",
                row,
                "item_id",
                pref.item_id,
            )
        if pref.participant_id in presenting.get(pref.item_id, ()):
            out.warning(
                f"{pref.participant_id} presents this session, so they are in it whenever it "
                "runs and the rank earns nothing; ask them to rank sessions they could attend",
                "preferences",
                row,
                "item_id",
                pref.item_id,
            )
        key = (pref.participant_id, pref.item_id)
        if key in seen_pairs:
            out.warning(
                f"ranked twice (also in row {seen_pairs[key]}); the better rank counts",
                "preferences",
                row,
                "item_id",
                pref.item_id,
            )
        else:
            seen_pairs[key] = row
    networking_slots = {s.slot_id for s in event.slots if s.kind == "networking"}
    seen_settings: dict[str, int] = {}
    for i, setting in enumerate(event.networking):
        row = _row_of(setting, i)
        if setting.slot_id not in ids["slots"]:
            ref(setting.slot_id, "networking", row, "slot_id", "slots", "slot")
        elif setting.slot_id not in networking_slots:
            out.error(
                "this slot is not a networking slot", "networking", row, "slot_id", setting.slot_id
            )
        if setting.slot_id in seen_settings:
            out.error(
                f"this slot already has a table size (row {seen_settings[setting.slot_id]})",
                "networking",
                row,
                "slot_id",
                setting.slot_id,
            )
        else:
            seen_settings[setting.slot_id] = row
    for i, rule in enumerate(event.networking_rules):
        row = _row_of(rule, i)
        ref(
            rule.participant_id,
            "networking_rules",
            row,
            "participant_id",
            "participants",
            "participant",
        )
        if rule.rule in ("together", "apart"):
            if rule.other_id is None:
                out.error(
                    f"a {rule.rule} rule names two people",
                    "networking_rules",
                    row,
                    "other_id",
                    None,
                )
            elif rule.other_id == rule.participant_id:
                out.error(
                    "names the same person twice",
                    "networking_rules",
                    row,
                    "other_id",
                    rule.other_id,
                )
            else:
                ref(
                    rule.other_id,
                    "networking_rules",
                    row,
                    "other_id",
                    "participants",
                    "participant",
                )
        if rule.slot_id is not None:
            if rule.slot_id not in ids["slots"]:
                ref(rule.slot_id, "networking_rules", row, "slot_id", "slots", "slot")
            elif rule.slot_id not in networking_slots:
                out.error(
                    "this slot is not a networking slot",
                    "networking_rules",
                    row,
                    "slot_id",
                    rule.slot_id,
                )


def _check_attends_and_away(
    event: Event, ids: dict[str, set[str]], broken: Mapping[str, set[str]], out: ProblemLog
) -> None:
    """Words of ``attends`` and slot ids of ``away``."""
    words = ", ".join(ATTENDS_WORDS)
    for i, p in enumerate(event.participants):
        row = _row_of(p, i)
        for word in p.attends or ():
            if word not in ATTENDS_WORDS:
                out.error(
                    f"not a kind of slot a person attends; use {words}",
                    "participants",
                    row,
                    "attends",
                    word,
                )
        given = set(p.attends or ())
        for alone in ("all", "none"):
            if alone in given and len(given) > 1:
                out.error(
                    f"{alone} stands alone; list kinds, or write {alone} only",
                    "participants",
                    row,
                    "attends",
                    ";".join(p.attends or ()),
                )
        for slot_id in p.away:
            if slot_id in ids["slots"] or slot_id in broken.get("slots", ()):
                continue
            if slot_id in ids["sessions"] or slot_id in ids["tours"]:
                what = "session" if slot_id in ids["sessions"] else "tour"
                out.error(
                    f"this is a {what}, not a slot; away lists the slot ids of the slots "
                    "sheet the person is not at",
                    "participants",
                    row,
                    "away",
                    slot_id,
                )
            else:
                out.error(
                    "no slot with this id in the slots sheet", "participants", row, "away", slot_id
                )
        if len(set(p.away)) != len(p.away):
            out.error("a slot is listed twice", "participants", row, "away", ";".join(p.away))


# -- numbers --------------------------------------------------------------------------------


def _positive(
    out: ProblemLog, value: object, sheet: str, row: int, column: str, *, optional: bool
) -> None:
    if value is None and optional:
        return
    if not _is_int(value):
        out.error("must be a whole number", sheet, row, column, value)
    elif value <= 0:  # type: ignore[operator]
        out.error("must be more than zero", sheet, row, column, value)


def _check_numbers(event: Event, out: ProblemLog) -> None:
    for i, room in enumerate(event.rooms):
        _positive(out, room.capacity, "rooms", _row_of(room, i), "capacity", optional=False)
    for i, s in enumerate(event.sessions):
        row = _row_of(s, i)
        _positive(out, s.offered, "sessions", row, "offered", optional=False)
        _positive(out, s.capacity, "sessions", row, "capacity", optional=True)
    for i, t in enumerate(event.tours):
        row = _row_of(t, i)
        _positive(out, t.capacity, "tours", row, "capacity", optional=False)
        _positive(out, t.departures, "tours", row, "departures", optional=False)
    for i, pref in enumerate(event.preferences):
        _positive(out, pref.rank, "preferences", _row_of(pref, i), "rank", optional=False)
    for i, setting in enumerate(event.networking):
        _positive(
            out,
            setting.table_size,
            "networking",
            _row_of(setting, i),
            "table_size",
            optional=False,
        )
    for i, city in enumerate(event.cities):
        if city.population is not None and (not _is_int(city.population) or city.population < 0):
            out.error(
                "must be a whole number, zero or more",
                "cities",
                _row_of(city, i),
                "population",
                city.population,
            )
        if city.latitude is not None and not (-90 <= city.latitude <= 90):
            out.error(
                "must be between -90 and 90", "cities", _row_of(city, i), "latitude", city.latitude
            )
        if city.longitude is not None and not (-180 <= city.longitude <= 180):
            out.error(
                "must be between -180 and 180",
                "cities",
                _row_of(city, i),
                "longitude",
                city.longitude,
            )


# -- times ----------------------------------------------------------------------------------


def _check_times(event: Event, out: ProblemLog) -> None:
    for i, slot in enumerate(event.slots):
        if slot.end <= slot.start:
            out.error(
                f"ends at or before its start ({slot.start:%Y-%m-%d %H:%M})",
                "slots",
                _row_of(slot, i),
                "end",
                f"{slot.end:%Y-%m-%d %H:%M}",
            )
    for i, p in enumerate(event.participants):
        if p.arrives is not None and p.departs is not None and p.departs <= p.arrives:
            out.error(
                f"departs at or before arriving ({p.arrives:%Y-%m-%d %H:%M})",
                "participants",
                _row_of(p, i),
                "departs",
                f"{p.departs:%Y-%m-%d %H:%M}",
            )
    rows = {id(s): _row_of(s, i) for i, s in enumerate(event.slots)}
    by_kind: dict[str, list[Slot]] = defaultdict(list)
    for slot in event.slots:
        if slot.end > slot.start:
            by_kind[slot.kind].append(slot)
    for kind, slots in by_kind.items():
        slots.sort(key=Slot.sort_key)
        for a_index, a in enumerate(slots):
            for b in slots[a_index + 1 :]:
                if b.start >= a.end:
                    break
                out.error(
                    f"overlaps {kind} slot {a.slot_id} (row {rows[id(a)]}); slots of one kind never overlap",
                    "slots",
                    rows[id(b)],
                    "start",
                    f"{b.start:%Y-%m-%d %H:%M}",
                )
    activity = sorted(
        (s for s in event.slots if s.kind.is_activity and s.end > s.start),
        key=Slot.sort_key,
    )
    for a_index, a in enumerate(activity):
        for b in activity[a_index + 1 :]:
            if b.start >= a.end:
                break
            if a.kind != b.kind:
                out.warning(
                    f"overlaps {a.kind} slot {a.slot_id} (row {rows[id(a)]}); people present are given an activity in both",
                    "slots",
                    rows[id(b)],
                    "start",
                    f"{b.start:%Y-%m-%d %H:%M}",
                )


def _check_clock_changes(event: Event, out: ProblemLog) -> None:
    """Local times that the clocks skip (an error) or pass twice (a warning) in the event's zone."""
    try:
        zone = zoneinfo.ZoneInfo(event.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return  # reported by the event sheet's check
    times: list[tuple[str, int, str, dt.datetime | None]] = []
    for i, slot in enumerate(event.slots):
        times += [("slots", _row_of(slot, i), "start", slot.start)]
        times += [("slots", _row_of(slot, i), "end", slot.end)]
    for i, p in enumerate(event.participants):
        times += [("participants", _row_of(p, i), "arrives", p.arrives)]
        times += [("participants", _row_of(p, i), "departs", p.departs)]
    for sheet, row, column, moment in times:
        if moment is None:
            continue
        shown = f"{moment:%Y-%m-%d %H:%M}"
        first = moment.replace(tzinfo=zone, fold=0)
        second = moment.replace(tzinfo=zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            continue
        back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        if back != moment:
            out.error(
                f"there is no such time in {event.timezone}: the clocks skip it that night "
                "(daylight saving time begins)",
                sheet,
                row,
                column,
                shown,
            )
        else:
            out.warning(
                f"this time happens twice in {event.timezone} (daylight saving time ends); "
                "the first is meant",
                sheet,
                row,
                column,
                shown,
            )


# -- pins -----------------------------------------------------------------------------------


def _check_pins(event: Event, out: ProblemLog) -> None:
    slots = event.slot_by_id
    rooms = event.room_by_id
    for i, s in enumerate(event.sessions):
        row = _row_of(s, i)
        pinned_slot = slots.get(s.slot_id) if s.slot_id is not None else None
        if pinned_slot is not None and pinned_slot.kind != s.kind:
            out.error(
                f"a {s.kind} session pinned to a {pinned_slot.kind} slot",
                "sessions",
                row,
                "slot_id",
                s.slot_id,
            )
        room = rooms.get(s.room_id) if s.room_id is not None else None
        if room is not None:
            if _is_int(room.capacity) and 0 < room.capacity < len(s.presenters):
                out.error(
                    f"room {room.room_id} seats {room.capacity}, fewer than the session's {len(s.presenters)} presenters",
                    "sessions",
                    row,
                    "room_id",
                    s.room_id,
                )
            if _is_int(s.offered) and s.offered > 1 and s.slot_id is not None:
                out.error(
                    "pinned to one slot and one room, so it can run only once; set offered to 1 or remove a pin",
                    "sessions",
                    row,
                    "offered",
                    s.offered,
                )
        if s.capacity is not None and _is_int(s.capacity) and 0 < s.capacity < len(s.presenters):
            out.error(
                f"capacity is less than its {len(s.presenters)} presenters",
                "sessions",
                row,
                "capacity",
                s.capacity,
            )
        if (
            _is_int(s.offered)
            and s.offered > 1
            and s.slot_id is not None
            and s.presenters
            and s.room_id is None
        ):
            out.error(
                "pinned to one slot but offered more than once; its presenters cannot be in two rooms at once",
                "sessions",
                row,
                "offered",
                s.offered,
            )
        kind_slots = [x for x in event.slots if x.kind == s.kind]
        if (
            _is_int(s.offered)
            and s.slot_id is None
            and s.offered > len(kind_slots)
            and s.presenters
        ):
            out.error(
                f"offered {s.offered} times but there are no {s.kind} slots"
                if not kind_slots
                else f"offered {s.offered} times but there are only {len(kind_slots)} {s.kind} "
                "slots, and its presenters cannot be in two rooms at once",
                "sessions",
                row,
                "offered",
                s.offered,
            )
    for i, t in enumerate(event.tours):
        tour_slot = slots.get(t.slot_id) if t.slot_id is not None else None
        if tour_slot is not None and tour_slot.kind != "tour":
            out.error(
                f"pinned to a {tour_slot.kind} slot; tours run in tour slots",
                "tours",
                _row_of(t, i),
                "slot_id",
                t.slot_id,
            )


# -- delegations ----------------------------------------------------------------------------


def _check_delegations(event: Event, out: ProblemLog) -> None:
    cities = {c.city_id for c in event.cities}
    members: dict[str, list[Participant]] = defaultdict(list)
    for p in event.participants:
        if p.city_id in cities:
            members[p.city_id].append(p)
    for i, city in enumerate(event.cities):
        group = members.get(city.city_id, [])
        roles = Counter(str(p.role) for p in group)
        if not group:
            out.warning(
                "no participants belong to this city",
                "cities",
                _row_of(city, i),
                "city_id",
                city.city_id,
            )
        elif not (len(group) == 3 and roles["official"] == 2 and roles["partner"] == 1):
            shape = ", ".join(f"{n} {r}" for r, n in sorted(roles.items()))
            out.warning(
                f"delegation of {len(group)} ({shape}); the usual shape is two officials and one partner",
                "cities",
                _row_of(city, i),
                "city_id",
                city.city_id,
            )


def _check_attendance(event: Event, out: ProblemLog) -> None:
    """People who would not be planned for at all, and facilitators who will not coach."""
    activity = [s for s in event.slots if s.kind.is_activity and s.end > s.start]
    for i, p in enumerate(event.participants):
        row = _row_of(p, i)
        if activity and not any(p.is_present(s) for s in activity):
            window = f"arrives {p.arrives:%Y-%m-%d %H:%M}" if p.arrives else "arrives any time"
            window += f", departs {p.departs:%Y-%m-%d %H:%M}" if p.departs else ""
            out.warning(
                f"present for no slot ({window}); check the arrival and departure times",
                "participants",
                row,
                "arrives" if p.arrives is not None else "departs",
                p.participant_id,
            )
        for kind in sorted(p.attended_kinds):
            here = [s for s in event.slots_of(kind) if p.is_present(s)]
            if here and all(s.slot_id in p.away for s in here):
                out.warning(
                    f"away in every {kind} slot, yet attends {kind}; check away and attends",
                    "participants",
                    row,
                    "away",
                    ";".join(p.away),
                )
        if p.role == "facilitator" and p.city_id is not None:
            out.warning(
                "a facilitator listed with a city sits with that city's delegation and coaches "
                "nobody; leave city_id empty for a coach",
                "participants",
                row,
                "city_id",
                p.city_id,
            )


# -- counting -------------------------------------------------------------------------------


def _check_capacity(event: Event, out: ProblemLog, *, all_slots: bool = True) -> None:
    slot_rows = {s.slot_id: _row_of(s, i) for i, s in enumerate(event.slots)}
    session_rows = {s.session_id: _row_of(s, i) for i, s in enumerate(event.sessions)}
    rooms = event.rooms
    accessible_rooms = [r for r in rooms if r.accessible]
    # A plenary pinned to a room without step-free access is named once, whatever its slots.
    named_pins: set[str] = set()
    for kind in ("plenary", "breakout"):
        sessions = [s for s in event.sessions if s.kind == kind]
        kind_slots = event.slots_of(kind)
        total_runs = sum(s.offered for s in sessions)
        if all_slots and total_runs > len(kind_slots) * len(rooms):
            out.error(
                f"{kind} sessions need {total_runs} runs but {len(kind_slots)} {kind} slots × {len(rooms)} rooms give only {len(kind_slots) * len(rooms)}",
                "sessions",
                None,
                "offered",
                total_runs,
            )
        for slot in kind_slots:
            present = event.present(slot)
            if not present:
                continue
            row = slot_rows[slot.slot_id]
            runs = [s for s in sessions if s.slot_id in (None, slot.slot_id)]
            if not runs:
                out.error(
                    f"{_are_present(len(present))} but no {kind} session can run in this slot",
                    "slots",
                    row,
                    "slot_id",
                    slot.slot_id,
                )
                continue
            seats = _seat_bound(event, runs, rooms)
            if seats < len(present) and not _blame_room_pins(
                event, slot, runs, len(present), session_rows, named_pins, out
            ):
                what = "the plenary rooms" if kind == "plenary" else "its rooms and sessions"
                out.error(
                    f"{_are_present(len(present))} but {what} seat at most {seats}",
                    "slots",
                    row,
                    "slot_id",
                    slot.slot_id,
                )
            needing = sum(1 for p in present if p.accessible)
            step_free = _seat_bound(event, runs, accessible_rooms)
            if needing <= step_free:
                continue
            pinned, freed = _stepped_pins(event, runs, accessible_rooms)
            # For a plenary, pins to rooms without step-free access that alone leave people
            # unseated are named at the session; otherwise the shortage is one of seats.
            pins = pinned if kind == "plenary" and pinned and freed >= needing else []
            if not pins:
                out.error(
                    f"{_people(needing)} step-free access but accessible rooms seat at most "
                    f"{step_free}{_even_unpinned(pinned, freed)}",
                    "slots",
                    row,
                    "slot_id",
                    slot.slot_id,
                )
            for s in pins:
                if s.session_id in named_pins:
                    continue
                named_pins.add(s.session_id)
                if len(runs) == 1:
                    who = f"{_needing(needing)} {'attends' if needing == 1 else 'attend'} this plenary"
                else:
                    who = (
                        f"{_needing(needing)} {'is' if needing == 1 else 'are'} present in "
                        f"plenary slot {slot.slot_id}, where the other plenaries seat at most "
                        f"{step_free} of them,"
                    )
                out.error(
                    f"{who} but room {s.room_id} has no step-free access; pin a step-free room "
                    "or leave room_id empty",
                    "sessions",
                    session_rows[s.session_id],
                    "room_id",
                    s.room_id,
                )
    _check_tour_capacity(event, out, slot_rows)


def _blame_room_pins(
    event: Event,
    slot: Any,
    runs: Sequence[Any],
    present: int,
    session_rows: Mapping[str, int],
    named: set[str],
    out: ProblemLog,
) -> bool:
    """When room pins alone leave people in ``slot`` without a seat, name each pin.

    Returns whether the shortage was put down to pins (then the slot is not blamed).
    """
    rooms = event.room_by_id
    pinned = [s for s in runs if s.room_id is not None and s.room_id in rooms]
    if not pinned:
        return False
    freed = _seat_bound(event, runs, event.rooms, unpinned=frozenset(s.session_id for s in pinned))
    if freed < present:
        return False
    biggest = max(r.capacity for r in event.rooms)
    small = [s for s in pinned if rooms[s.room_id].capacity < biggest] or pinned
    for s in small:
        if s.session_id in named:
            continue
        named.add(s.session_id)
        room = rooms[s.room_id]
        out.error(
            f"{_are_present(present)} in {s.kind} slot {slot.slot_id} but this session is "
            f"pinned to room {room.room_id}, which seats {room.capacity} (the rooms seat "
            f"{freed} without the pin); pin a bigger room or leave room_id empty",
            "sessions",
            session_rows[s.session_id],
            "room_id",
            s.room_id,
        )
    return True


def _even_unpinned(pinned: Sequence[Any], freed: int) -> str:
    """``", and at most 12 even with ... moved"``: what freeing room pins would not fix.

    ``pinned`` and ``freed`` are from :func:`_stepped_pins`; empty when nothing is pinned.
    """
    if not pinned:
        return ""
    names = ", ".join(f"{s.session_id} (pinned to room {s.room_id})" for s in pinned[:3])
    more = f" and {len(pinned) - 3} more" if len(pinned) > 3 else ""
    return f", and at most {freed} even with {names}{more} moved to step-free rooms"


def _stepped_pins(
    event: Event, runs: Sequence[Any], accessible_rooms: Sequence[Any]
) -> tuple[list[Any], int]:
    """The runs pinned to rooms without step-free access, and the step-free seat bound
    with those pins freed (:func:`_seat_bound`; 0 when nothing is pinned)."""
    rooms = event.room_by_id
    pinned = [s for s in runs if s.room_id is not None and not rooms[s.room_id].accessible]
    if not pinned:
        return [], 0
    freed = frozenset(s.session_id for s in pinned)
    return pinned, _seat_bound(event, runs, accessible_rooms, unpinned=freed)


def _seat_bound(
    event: Event,
    sessions: Sequence[Any],
    rooms: Sequence[Any],
    *,
    unpinned: frozenset[str] = frozenset(),
) -> int:
    """An upper bound on the seats one slot can offer to the given sessions in ``rooms``.

    Each room holds one run, so the best case pairs the runs that could take the
    most people with the biggest rooms. Room pins are relaxed (a pinned run may
    take any room), which keeps this a bound that no plan can beat; a run pinned
    to a room outside ``rooms`` gets no seats, unless its session is in
    ``unpinned`` (then it may take any of ``rooms``).
    """
    if not rooms:
        return 0
    biggest = max(r.capacity for r in rooms)
    room_caps = {r.room_id: r.capacity for r in rooms}
    per_run: list[int] = []
    for s in sessions:
        if s.room_id is None or s.session_id in unpinned:
            cap = biggest
        else:
            cap = room_caps.get(s.room_id, 0)
        if s.capacity is not None:
            cap = min(cap, s.capacity)
        # A session with presenters runs at most once in a slot.
        per_run.extend([cap] * (1 if s.presenters else s.offered))
    runs = sorted(per_run, reverse=True)
    halls = sorted(room_caps.values(), reverse=True)
    # Pairing both lists in decreasing order maximises the sum of min(run, room).
    return sum(min(run, hall) for run, hall in zip(runs, halls, strict=False))


def _check_tour_capacity(event: Event, out: ProblemLog, slot_rows: dict[str, int]) -> None:
    tour_slots = event.slots_of("tour")
    tour_rows = {t.tour_id: _row_of(t, i) for i, t in enumerate(event.tours)}
    total_present = 0
    used_slots = 0
    short_in_a_slot = False
    for slot in tour_slots:
        present = event.present(slot)
        if not present:
            continue
        row = slot_rows[slot.slot_id]
        tours = [t for t in event.tours if t.slot_id in (None, slot.slot_id)]
        if not tours:
            # Nobody present can go on a tour, whoever needs step-free access: one problem.
            why = (
                "every tour on the tours sheet is pinned to another tour slot"
                if event.tours
                else "the tours sheet has no tours"
            )
            out.error(
                f"tour slot {slot.slot_id} has {_count(len(present), 'person', 'people')} "
                f"present but {why}",
                "slots",
                row,
                "kind",
                slot.kind,
            )
            continue
        # Slots without tours are left out of the count over all tour slots below,
        # so that their people are not reported twice.
        total_present += len(present)
        used_slots += 1
        seats = sum(t.seats for t in tours)
        if seats < len(present):
            out.error(
                f"{_are_present(len(present))} but the tours that can run in this slot take at most {seats}",
                "slots",
                row,
                "slot_id",
                slot.slot_id,
            )
            short_in_a_slot = True
        needing = sum(1 for p in present if p.accessible)
        flat = [t for t in tours if not t.walking]
        step_free = sum(t.seats for t in flat)
        if needing > step_free:
            named = _tour_list(flat if flat else tours, tour_rows)
            out.error(
                f"{_people(needing)} step-free access but the tours that are not walking tours take at most {step_free}"
                + (f": {named}" if flat else f"; every tour that can run here walks: {named}"),
                "slots",
                row,
                "slot_id",
                slot.slot_id,
            )
    all_seats = sum(t.seats for t in event.tours)
    # With one tour slot, or a shortage already reported in a slot, the count over all tour
    # slots would say the same thing again.
    if event.tours and total_present > all_seats and not short_in_a_slot and used_slots > 1:
        out.error(
            f"each tour runs once: the tour slots hold {total_present} people in all but all tours together take {all_seats}",
            "tours",
            None,
            "capacity",
            all_seats,
        )


def _tour_list(tours: Sequence[Any], rows: Mapping[str, int]) -> str:
    """``"t1 (tours row 3), t2 (tours row 5)"``, the first five and a count."""
    shown = ", ".join(f"{t.tour_id} (tours row {rows[t.tour_id]})" for t in tours[:5])
    return shown + (f" and {len(tours) - 5} more" if len(tours) > 5 else "")


def _count(count: int, one: str, many: str) -> str:
    """``"1 person"``, ``"3 people"``."""
    return f"{count} {one if count == 1 else many}"


def _people(count: int) -> str:
    """``"1 person needs"``, ``"3 people need"``."""
    return _count(count, "person needs", "people need")


def _needing(count: int) -> str:
    """``"1 person needing step-free access"``, ``"3 people needing step-free access"``."""
    return f"{_count(count, 'person', 'people')} needing step-free access"


def _are_present(count: int) -> str:
    """``"1 person is present"``, ``"3 people are present"``."""
    return f"{_count(count, 'person is', 'people are')} present"


def _check_presenters(event: Event, out: ProblemLog) -> None:
    slots = event.slot_by_id
    people = event.participant_by_id
    pinned: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for i, s in enumerate(event.sessions):
        row = _row_of(s, i)
        if s.slot_id is None:
            continue
        slot = slots[s.slot_id]
        for pid in s.presenters:
            pinned[pid].append((s, row))
            if not people[pid].is_at(slot):
                out.error(
                    f"presenter {pid} {_not_at(people[pid], slot)} during pinned slot "
                    f"{slot.slot_id}",
                    "sessions",
                    row,
                    "presenters",
                    pid,
                )
    for pid, entries in pinned.items():
        for a_index, (a, a_row) in enumerate(entries):
            for b, b_row in entries[a_index + 1 :]:
                if slots[a.slot_id].overlaps(slots[b.slot_id]):
                    out.error(
                        f"presenter {pid} also presents session {b.session_id} (row {b_row}) at the same time (slots {a.slot_id}, {b.slot_id})",
                        "sessions",
                        a_row,
                        "presenters",
                        pid,
                    )


def _not_at(person: Participant, slot: Slot) -> str:
    """Why a person is not at ``slot``: ``"is away"`` or ``"is not at the event"``."""
    if person.is_present(slot) and slot.slot_id in person.away:
        return f"is away (participants row {person.row}, away)"
    return "is not at the event"


def _check_leaders(event: Event, out: ProblemLog) -> None:
    """Tour leaders who cannot be on their tour: away, absent, double-booked, or on foot."""
    slots = event.slot_by_id
    people = event.participant_by_id
    tour_slots = event.slots_of("tour")
    pinned: dict[tuple[str, str], tuple[str, int]] = {}
    doubled: set[str] = set()
    for i, t in enumerate(event.tours):
        row = _row_of(t, i)
        for pid in t.leaders:
            person = people[pid]
            if t.walking and person.accessible:
                out.error(
                    f"leader {pid} needs step-free access but this is a walking tour",
                    "tours",
                    row,
                    "leaders",
                    pid,
                )
            if t.slot_id is not None:
                slot = slots[t.slot_id]
                if not person.is_at(slot):
                    out.error(
                        f"leader {pid} {_not_at(person, slot)} during tour slot {slot.slot_id}",
                        "tours",
                        row,
                        "leaders",
                        pid,
                    )
                other = pinned.get((pid, t.slot_id))
                if other is not None:
                    out.error(
                        f"leader {pid} also leads tour {other[0]} (row {other[1]}) in tour slot "
                        f"{t.slot_id}",
                        "tours",
                        row,
                        "leaders",
                        pid,
                    )
                    doubled.add(pid)
                else:
                    pinned[(pid, t.slot_id)] = (t.tour_id, row)
            elif tour_slots and not any(person.is_at(k) for k in tour_slots):
                out.error(
                    f"leader {pid} is away or not at the event in every tour slot",
                    "tours",
                    row,
                    "leaders",
                    pid,
                )
    for pid, tours in event.leading.items():
        at = [k for k in tour_slots if people[pid].is_at(k)]
        if len(tours) > len(at) and at and pid not in doubled:
            t = event.tour_by_id[tours[-1]]
            out.error(
                f"leader {pid} leads {len(tours)} tours but is at only {len(at)} tour slots, "
                "and leads one tour per slot",
                "tours",
                t.row if isinstance(t.row, int) else 0,
                "leaders",
                pid,
            )


def _check_networking_rules(event: Event, out: ProblemLog) -> None:
    """Seating rules that no seating can keep, found by looking at the rules alone."""
    people = event.participant_by_id
    rules = list(enumerate(event.networking_rules))
    pairs: dict[tuple[str, str, str], tuple[str, int]] = {}
    for i, rule in rules:
        row = _row_of(rule, i)
        if rule.rule not in ("together", "apart") or rule.other_id is None:
            continue
        a, b = people[rule.participant_id], people[rule.other_id]
        if rule.rule == "together" and a.city_id is not None and a.city_id == b.city_id:
            out.error(
                f"{a.participant_id} and {b.participant_id} are both in the {a.city_id} "
                "delegation, and members of one delegation never share a networking table",
                "networking_rules",
                row,
                "other_id",
                b.participant_id,
            )
        for slot_id in _rule_slots(event, rule.slot_id):
            key = (
                min(a.participant_id, b.participant_id),
                max(a.participant_id, b.participant_id),
            )
            other = pairs.get((*key, slot_id))
            if other is not None and other[0] != rule.rule:
                out.error(
                    f"{key[0]} and {key[1]} are kept {rule.rule} here but {other[0]} in row "
                    f"{other[1]} (slot {slot_id})",
                    "networking_rules",
                    row,
                    "rule",
                    rule.rule,
                )
                break
            pairs[(*key, slot_id)] = (rule.rule, row)
    for slot in event.slots_of("networking"):
        present = {p.participant_id for p in event.present(slot)}
        tables = event.networking_tables(slot)
        size = event.table_size(slot.slot_id)
        hosts = [
            (i, rule)
            for i, rule in rules
            if rule.rule == "host"
            and rule.slot_id in (None, slot.slot_id)
            and rule.participant_id in present
        ]
        distinct = list(dict.fromkeys(rule.participant_id for _, rule in hosts))
        if len(distinct) > tables:
            i, rule = hosts[-1]
            out.error(
                f"{len(distinct)} hosts are present in networking slot {slot.slot_id} but it "
                f"has {tables} tables, and hosts sit one per table",
                "networking_rules",
                _row_of(rule, i),
                "participant_id",
                rule.participant_id,
            )
        groups = _together_groups(event, slot.slot_id, present)
        for group, row in groups:
            if len(group) > size:
                out.error(
                    f"together rules join {len(group)} people ({', '.join(sorted(group))}) in "
                    f"networking slot {slot.slot_id}, more than its tables of {size} seat",
                    "networking_rules",
                    row,
                    "other_id",
                    None,
                )


def _rule_slots(event: Event, slot_id: str | None) -> list[str]:
    if slot_id is not None:
        return [slot_id]
    return [s.slot_id for s in event.slots_of("networking")]


def _together_groups(event: Event, slot_id: str, present: set[str]) -> list[tuple[set[str], int]]:
    """People joined by ``together`` rules in one slot, with the last row that joined each group."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    last_row: dict[str, int] = {}
    for i, rule in enumerate(event.networking_rules):
        if rule.rule != "together" or rule.other_id is None or rule.slot_id not in (None, slot_id):
            continue
        if rule.participant_id not in present or rule.other_id not in present:
            continue
        a, b = root(rule.participant_id), root(rule.other_id)
        parent[a] = b
        last_row[b] = max(last_row.get(a, 0), last_row.get(b, 0), _row_of(rule, i))
    groups: dict[str, set[str]] = defaultdict(set)
    for person in parent:
        groups[root(person)].add(person)
    return [(members, last_row.get(r, 0)) for r, members in sorted(groups.items())]


# -- likely mistakes ------------------------------------------------------------------------
# Things a planner types that the rules above accept but that are almost never meant.


def _did_you_mean(value: object, known: Iterable[str]) -> str:
    """``"; did you mean 'youngstown-oh'?"`` for the closest known id, or ``""``."""
    if not isinstance(value, str) or not value:
        return ""
    from rapidfuzz import fuzz, process

    # Ids are compared as typed (a typo in case is still a typo); 75 keeps one
    # transposition or missing letter in a short id, and little else.
    found = process.extractOne(value, sorted(known), scorer=fuzz.ratio, score_cutoff=75)
    return "" if found is None else f"; did you mean {found[0]!r}?"


def _check_likely_mistakes(event: Event, ids: Mapping[str, set[str]], out: ProblemLog) -> None:
    _check_same_people(event, out)
    _check_session_capacity(event, out)
    _check_tours_without_slot(event, out)
    _check_rules_for_absent(event, ids, out)


def _check_same_people(event: Event, out: ProblemLog) -> None:
    """Two participant ids for one person: the same e-mail, or the same name and city."""
    by_email: dict[str, tuple[str, int]] = {}
    by_name: dict[tuple[str, str], tuple[str, int]] = {}
    for i, p in enumerate(event.participants):
        row = _row_of(p, i)
        email = p.email.strip().casefold() if p.email else ""
        name = " ".join(p.name.split()).casefold()
        first = by_email.get(email) if email else None
        if first is not None and first[0] != p.participant_id:
            out.warning(
                f"{SAME_PERSON} {first[0]} (row {first[1]}): the same e-mail; one person "
                "with two ids is planned twice",
                "participants",
                row,
                "email",
                p.email,
            )
        elif email:
            by_email[email] = (p.participant_id, row)
        if first is not None or p.city_id is None or not name:
            continue
        twin = by_name.get((name, p.city_id))
        if twin is not None and twin[0] != p.participant_id:
            out.warning(
                f"{SAME_PERSON} {twin[0]} (row {twin[1]}): the same name in the same city; "
                "one person with two ids is planned twice",
                "participants",
                row,
                "name",
                p.name,
            )
        else:
            by_name[(name, p.city_id)] = (p.participant_id, row)


def _check_session_capacity(event: Event, out: ProblemLog) -> None:
    """A session's capacity above the seats of the room it is pinned to."""
    rooms = event.room_by_id
    for i, s in enumerate(event.sessions):
        room = rooms.get(s.room_id) if s.room_id is not None else None
        if room is None or s.capacity is None or not _is_int(room.capacity):
            continue
        if _is_int(s.capacity) and s.capacity > room.capacity > 0:
            out.warning(
                f"capacity {s.capacity} is more than pinned room {room.room_id} seats "
                f"({room.capacity}); at most {room.capacity} can attend",
                "sessions",
                _row_of(s, i),
                "capacity",
                s.capacity,
            )


def _check_tours_without_slot(event: Event, out: ProblemLog) -> None:
    """Tours on the sheet when the event has no tour slot for them to run in."""
    if not event.tours or any(s.kind == "tour" for s in event.slots):
        return
    rows = [_row_of(t, i) for i, t in enumerate(event.tours)]
    count = len(event.tours)
    out.warning(
        f"the event has no tour slot, so {_count(count, 'tour', 'tours')} on this sheet "
        f"({'row' if count == 1 else 'rows'} {_row_list(rows)}) never {'runs' if count == 1 else 'run'}; add a slot of "
        "kind tour or remove the tours",
        "tours",
        rows[0],
        "tour_id",
        event.tours[0].tour_id,
    )


def _row_list(rows: Sequence[int]) -> str:
    """``"2-7"`` for consecutive rows, else ``"2, 5, 9"`` (the first six and a count)."""
    if rows == list(range(rows[0], rows[0] + len(rows))) and len(rows) > 2:
        return f"{rows[0]}-{rows[-1]}"
    shown = ", ".join(str(r) for r in rows[:6])
    return shown + (f" and {len(rows) - 6} more" if len(rows) > 6 else "")


def _check_rules_for_absent(event: Event, ids: Mapping[str, set[str]], out: ProblemLog) -> None:
    """A together/apart/host rule naming someone who takes no place at its slot."""
    networking = [s for s in event.slots if s.kind == "networking"]
    if not networking:
        return
    present = {s.slot_id: {p.participant_id for p in event.present(s)} for s in networking}
    for i, rule in enumerate(event.networking_rules):
        if rule.slot_id is not None and rule.slot_id not in present:
            continue  # not a networking slot, or unknown: reported as such
        slots = [rule.slot_id] if rule.slot_id is not None else list(present)
        names = [rule.participant_id] + ([rule.other_id] if rule.other_id else [])
        for column, pid in zip(("participant_id", "other_id"), names, strict=False):
            if pid not in ids["participants"]:
                continue  # reported as an unknown id
            if any(pid in present[slot] for slot in slots):
                continue
            where = (
                f"networking slot {rule.slot_id}"
                if rule.slot_id is not None
                else "any networking slot"
            )
            out.warning(
                f"{pid} is not at the event during {where} (see arrives and departs), "
                f"{UNUSED_RULE} there",
                "networking_rules",
                _row_of(rule, i),
                column,
                pid,
            )
