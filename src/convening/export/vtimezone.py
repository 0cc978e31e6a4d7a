"""VTIMEZONE definitions in the yearly-rule form every calendar app reads.

A VTIMEZONE can list each change of offset as RDATE values or state it as a
yearly rule (RRULE). Outlook ignores RDATE lists and then shows every event
at the wrong hour for part of the year, so this module writes rules only:
for the years an export covers it looks up when the zone changes offset
(from :mod:`zoneinfo`), and expresses each change as "the n-th (or last)
weekday of a month at a wall-clock time", e.g. ``FREQ=YEARLY;BYMONTH=3;BYDAY=2SU``.
A zone without daylight saving time gets a single STANDARD observance.

A zone whose changes follow no such rule over those years (a few countries
move their clocks by decree or by the lunar calendar) gets one observance per
change, each with its own DTSTART and no repetition, which is still a valid
definition without RDATE.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import attrs
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from convening.errors import ConveningError

__all__ = ["Transition", "transitions", "vtimezone"]

logger = logging.getLogger(__name__)

_UTC = dt.UTC
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@attrs.frozen
class Transition:
    """One change of a zone's UTC offset.

    Parameters
    ----------
    at
        The instant of the change, in UTC.
    local
        The wall-clock time of the change, read in the offset before it (what
        a VTIMEZONE's DTSTART states).
    offset_from, offset_to
        The UTC offsets before and after.
    name
        The abbreviation in force after the change, e.g. ``"EDT"``.
    """

    at: dt.datetime
    local: dt.datetime
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str


def transitions(zone: ZoneInfo, year: int) -> list[Transition]:
    """Every change of offset of ``zone`` during ``year`` (UTC), in time order.

    Parameters
    ----------
    zone
        The time zone.
    year
        The calendar year.

    Returns
    -------
    list of Transition
    """
    # zoneinfo keeps its transition table private; sampling every six hours
    # and bisecting finds each change to the second, and no zone changes
    # offset twice within six hours.
    step = dt.timedelta(hours=6)
    moment = dt.datetime(year, 1, 1, tzinfo=_UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=_UTC)
    found: list[Transition] = []
    before = _offset(zone, moment)
    while moment < end:
        nxt = min(moment + step, end)
        after = _offset(zone, nxt)
        if after != before or _name(zone, nxt) != _name(zone, moment):
            at = _bisect(zone, moment, nxt)
            if at < end and _offset(zone, at) != _offset(zone, at - dt.timedelta(seconds=1)):
                off_from = _offset(zone, at - dt.timedelta(seconds=1))
                found.append(
                    Transition(
                        at=at,
                        local=(at + off_from).replace(tzinfo=None),
                        offset_from=off_from,
                        offset_to=_offset(zone, at),
                        name=_name(zone, at),
                    )
                )
        moment, before = nxt, after
    return found


def vtimezone(tzid: str, years: Iterable[int]) -> Timezone:
    """A VTIMEZONE for ``tzid`` in rule form, correct for every year in ``years``.

    Parameters
    ----------
    tzid
        An IANA time zone name, e.g. ``"America/Chicago"``.
    years
        The years the calendar's times fall in (at least one).

    Returns
    -------
    icalendar.Timezone
        With ``TZID`` and STANDARD (and DAYLIGHT) observances; no RDATE.
    """
    zone = ZoneInfo(tzid)
    wanted = sorted(set(years))
    if not wanted:
        raise ConveningError("vtimezone needs at least one year")
    # Observances start in the year before the first one wanted, so every
    # time in the wanted years comes after an onset of each observance.
    span = list(range(wanted[0] - 1, wanted[-1] + 2))
    by_year = {year: list(_transitions(tzid, year)) for year in span}
    tz = Timezone()
    tz.add("TZID", tzid)
    changes = [t for year in span for t in by_year[year]]
    if not changes:
        tz.add_component(_fixed(zone, wanted[0] - 1))
        return tz
    rules = _yearly_rules(by_year, span)
    if rules is None:
        logger.info("%s changes offset irregularly; writing each change on its own", tzid)
        # A fixed observance first, so times before the first change are defined.
        first = changes[0]
        tz.add_component(
            _observance(
                TimezoneStandard,
                dt.datetime(span[0], 1, 1),
                first.offset_from,
                first.offset_from,
                _name(zone, first.at - dt.timedelta(seconds=1)),
            )
        )
        for change in changes:
            kind = TimezoneDaylight if change.offset_to > change.offset_from else TimezoneStandard
            tz.add_component(
                _observance(kind, change.local, change.offset_from, change.offset_to, change.name)
            )
        return tz
    for first, rule in rules:
        kind = TimezoneDaylight if first.offset_to > first.offset_from else TimezoneStandard
        component = _observance(kind, first.local, first.offset_from, first.offset_to, first.name)
        component.add("RRULE", rule)
        tz.add_component(component)
    return tz


@functools.lru_cache(maxsize=64)
def _transitions(tzid: str, year: int) -> tuple[Transition, ...]:
    # Every calendar of an export needs the same few years of one zone.
    return tuple(transitions(ZoneInfo(tzid), year))


def _yearly_rules(
    by_year: dict[int, list[Transition]], span: list[int]
) -> list[tuple[Transition, vRecur]] | None:
    """One yearly rule per change, if the changes of every year in ``span`` follow them."""
    counts = {len(by_year[year]) for year in span}
    if counts != {2}:
        return None
    out: list[tuple[Transition, vRecur]] = []
    for index in range(2):
        series = [by_year[year][index] for year in span]
        first = series[0]
        same_shape = all(
            t.offset_from == first.offset_from
            and t.offset_to == first.offset_to
            and t.name == first.name
            and t.local.time() == first.local.time()
            and t.local.month == first.local.month
            and t.local.weekday() == first.local.weekday()
            for t in series
        )
        if not same_shape:
            return None
        ordinal = _common_ordinal([t.local.date() for t in series])
        if ordinal is None:
            return None
        day = f"{ordinal}{_WEEKDAYS[first.local.weekday()]}"
        out.append((first, vRecur({"FREQ": "YEARLY", "BYMONTH": first.local.month, "BYDAY": day})))
    return out


def _common_ordinal(dates: list[dt.date]) -> int | None:
    """The n (1-4, or -1 for the last) such that each date is the n-th of its weekday in its month."""
    candidates: list[int] = [1, 2, 3, 4, -1]
    for day in dates:
        last = calendar.monthrange(day.year, day.month)[1]
        nth = (day.day - 1) // 7 + 1
        is_last = day.day + 7 > last
        candidates = [n for n in candidates if n == nth or (n == -1 and is_last)]
    return candidates[0] if candidates else None


def _fixed(zone: ZoneInfo, year: int) -> TimezoneStandard | TimezoneDaylight:
    moment = dt.datetime(year, 1, 1, tzinfo=_UTC)
    offset = _offset(zone, moment)
    return _observance(
        TimezoneStandard, dt.datetime(year, 1, 1), offset, offset, _name(zone, moment)
    )


def _observance(
    kind: type[TimezoneStandard] | type[TimezoneDaylight],
    start: dt.datetime,
    offset_from: dt.timedelta,
    offset_to: dt.timedelta,
    name: str,
) -> TimezoneStandard | TimezoneDaylight:
    component = kind()
    component.add("DTSTART", start)
    component.add("TZOFFSETFROM", offset_from)
    component.add("TZOFFSETTO", offset_to)
    if name:
        component.add("TZNAME", name)
    return component


def _offset(zone: ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _name(zone: ZoneInfo, moment: dt.datetime) -> str:
    return moment.astimezone(zone).tzname() or ""


def _bisect(zone: ZoneInfo, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    """The first second in ``(low, high]`` with ``high``'s offset and name."""
    target = (_offset(zone, high), _name(zone, high))
    while high - low > dt.timedelta(seconds=1):
        mid = low + (high - low) / 2
        mid = mid.replace(microsecond=0)
        if mid <= low:
            mid = low + dt.timedelta(seconds=1)
        if (_offset(zone, mid), _name(zone, mid)) == target:
            high = mid
        else:
            low = mid
    return high
