"""iCalendar text of the calendars' events, byte for byte as icalendar writes it, only faster.

Writing a plan's calendars builds tens of thousands of VEVENTs (one per
activity of each person, delegation and room). Building each as an
:class:`icalendar.Event` and serialising it costs about a millisecond, most of
the time spent writing a large plan. This module writes the same content
lines directly: text values are escaped and folded as icalendar does it
(:rfc:`5545` TEXT escaping; lines folded before 75 octets, never inside a
UTF-8 character or right after a backslash), and the few values that are not
plain text (date-times, which carry a TZID parameter or a ``Z``) are
serialised by icalendar itself, once per distinct value, as is the
VTIMEZONE, once per zone and years. The calendar's NAME and X-WR-CALNAME are
written unescaped, as icalendar writes properties it has no type for.

``tests/export/test_ics.py`` holds the output to icalendar's on varied text,
and the calendar tests compare whole files with
:meth:`icalendar.Calendar.to_ical` of the same calendar.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from icalendar import Component

from convening.export.vtimezone import vtimezone

__all__ = [
    "calendar_bytes",
    "datetime_line",
    "escape",
    "fold",
    "text_line",
    "vevent_bytes",
    "vtimezone_bytes",
]

_CRLF = "\r\n"
#: A line is folded before it reaches this many octets (a continuation's leading space aside).
_LIMIT = 75


def escape(text: str) -> str:
    r"""``text`` as an iCalendar TEXT value: ``\``, ``;``, ``,`` and line breaks escaped."""
    # The order of the replacements is icalendar's (a literal ``\N`` is a line break).
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: str) -> str:
    """Fold a content line: no line longer than 74 octets, a continuation starts with a space.

    A fold never splits a UTF-8 character, and never falls right after a
    backslash or caret (the escape characters of TEXT values and of
    parameters), which some readers misread.
    """
    if line.isascii():
        if len(line) < _LIMIT:
            return line
        return _fold_ascii(line)
    return _fold_unicode(line)


def _fold_ascii(line: str) -> str:
    parts: list[str] = []
    start, full = 0, _LIMIT - 1
    while len(line) - start > full:
        if line[start + full - 1] in "\\^":
            parts.append(line[start : start + full - 1])
            start += full - 1
        else:
            parts.append(line[start : start + full])
            start += full
    parts.append(line[start:])
    return "\r\n ".join(parts)


def _fold_unicode(line: str) -> str:
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width >= _LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], len(carried.encode("utf-8"))
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


@functools.lru_cache(maxsize=16384)
def text_line(name: str, value: str) -> str:
    """The folded content line of a TEXT property (no parameters), without its line break.

    Titles, places and descriptions repeat across calendars, so lines are kept.
    """
    return _text_line(name, value)


def _text_line(name: str, value: str) -> str:
    return fold(f"{name}:{_bom_free(escape(value))}")


def _raw_line(name: str, value: str) -> str:
    # icalendar writes NAME and X-WR-CALNAME as values of unknown type: not escaped.
    if "\n" in value:
        raise ValueError(f"{name} cannot hold a line break: {value!r}")
    return fold(f"{name}:{_bom_free(value)}")


def _bom_free(value: str) -> str:
    # icalendar reads its own bytes back as UTF-8 with signature, dropping a leading BOM.
    return value[1:] if value.startswith("\ufeff") else value


@functools.lru_cache(maxsize=4096)
def datetime_line(name: str, wall: dt.datetime, zone: dt.tzinfo | None) -> str:
    """The content line of a date-time property, as icalendar writes it.

    ``wall`` is the naive wall-clock time in ``zone``: times in a zone carry
    ``TZID``, times in UTC end in ``Z``. (The key is the wall-clock time and the
    zone because aware times compare by instant: 09:00 in Chicago equals 10:00
    in New York.)
    """
    component = Component()
    component.add(name, wall.replace(tzinfo=zone))
    return component.to_ical().decode("utf-8").split(_CRLF)[1]


def _utc_line(name: str, moment: dt.datetime) -> str:
    return datetime_line(name, moment.replace(tzinfo=None), moment.tzinfo)


def vevent_bytes(
    *,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    zone: dt.tzinfo,
    stamp: dt.datetime,
    summary: str,
    location: str | None,
    description: str | None,
    categories: Iterable[str],
    sequence: int,
    last_modified: dt.datetime,
    status: str,
    transparency: str,
) -> str:
    """One VEVENT with the properties :func:`convening.export.calendars` gives each event.

    ``start`` and ``end`` are naive wall-clock times in ``zone``; ``stamp`` and
    ``last_modified`` are aware (in UTC). The order of the properties is
    icalendar's: its canonical VEVENT properties first, then the others
    alphabetically.
    """
    lines = [
        "BEGIN:VEVENT",
        text_line("SUMMARY", summary),
        datetime_line("DTSTART", start, zone),
        datetime_line("DTEND", end, zone),
        _utc_line("DTSTAMP", stamp),
        _text_line("UID", uid),
        f"SEQUENCE:{int(sequence)}",
    ]
    cats = list(categories)
    if cats:
        lines.append(fold("CATEGORIES:" + _bom_free(",".join(escape(c) for c in cats))))
    if description is not None:
        lines.append(text_line("DESCRIPTION", description))
    lines.append(_utc_line("LAST-MODIFIED", last_modified))
    if location is not None:
        lines.append(text_line("LOCATION", location))
    lines.append(text_line("STATUS", status))
    lines.append(text_line("TRANSP", transparency))
    lines.append("END:VEVENT\r\n")
    return _CRLF.join(lines)


@functools.lru_cache(maxsize=16)
def vtimezone_bytes(tzid: str, years: tuple[int, ...]) -> bytes:
    """The serialised :func:`~convening.export.vtimezone.vtimezone`, made once per zone and years."""
    return vtimezone(tzid, years).to_ical()


def calendar_bytes(
    *,
    prodid: str,
    method: str,
    name: str,
    uid: str,
    tzid: str,
    years: tuple[int, ...],
    vevents: Iterable[str],
) -> bytes:
    """A whole calendar file, as :meth:`icalendar.Calendar.new` and ``to_ical`` write it.

    Parameters
    ----------
    prodid, method, name, uid
        As for :meth:`icalendar.Calendar.new`; the name is written as NAME
        and X-WR-CALNAME.
    tzid
        The time zone: X-WR-TIMEZONE, and the VTIMEZONE (made for ``years``).
    years
        The years the events fall in.
    vevents
        The events from :func:`vevent_bytes`.
    """
    head = _CRLF.join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            text_line("PRODID", prodid),
            text_line("METHOD", method),
            _raw_line("NAME", name),
            _raw_line("X-WR-CALNAME", name),
            _text_line("UID", uid),
            text_line("X-WR-TIMEZONE", tzid),
            "",
        ]
    )
    return b"".join(
        (
            head.encode("utf-8"),
            vtimezone_bytes(tzid, years),
            "".join(vevents).encode("utf-8"),
            b"END:VCALENDAR\r\n",
        )
    )
