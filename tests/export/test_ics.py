"""The fast iCalendar writer gives icalendar's bytes, whatever the text."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline

from convening.export import _ics
from convening.export.vtimezone import vtimezone

SETTINGS = settings(max_examples=300, deadline=None)

#: Characters that escaping, folding and UTF-8 make special, and some plain ones.
TRICKY = "aZ09 ,;:\\^\n\r\t\"'é—東🏘️\ufeff\u00a0N"
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=200) | st.text(max_size=200)
ZONES = ("America/Chicago", "Europe/Berlin", "Asia/Kolkata", "UTC", "Etc/GMT+5")
STAMP = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)


def icalendar_vevent(**fields: object) -> bytes:
    """The same VEVENT built and written by icalendar, as the calendars module did."""
    vevent = icalendar.Event.new(
        uid=fields["uid"],
        stamp=fields["stamp"],
        start=fields["start"],
        end=fields["end"],
        summary=fields["summary"],
        location=fields["location"],
        description=fields["description"],
        categories=fields["categories"],
        sequence=fields["sequence"],
        last_modified=fields["last_modified"],
    )
    vevent.add("STATUS", fields["status"])
    vevent.add("TRANSP", fields["transparency"])
    return bytes(vevent.to_ical())


@SETTINGS
@given(
    summary=texts,
    location=st.none() | texts.filter(bool),
    description=st.none() | texts.filter(bool),
    category=texts,
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 22),
    sequence=st.integers(0, 12),
)
def test_a_vevent_has_icalendars_bytes(
    summary: str,
    location: str | None,
    description: str | None,
    category: str,
    zone: str,
    hour: int,
    sequence: int,
) -> None:
    tz = ZoneInfo(zone)
    fields: dict[str, object] = {
        "uid": "7d3c1a52-8d5e-5a84-9a0c-3f1e2b6c4d10",
        "stamp": STAMP,
        "start": dt.datetime(2027, 3, 14, hour, 30, tzinfo=tz),
        "end": dt.datetime(2027, 3, 14, hour + 1, 15, tzinfo=tz),
        "summary": summary,
        "location": location,
        "description": description,
        "categories": [category] if category else (),
        "sequence": sequence,
        "last_modified": STAMP + dt.timedelta(seconds=sequence),
        "status": "CANCELLED" if sequence % 2 else "CONFIRMED",
        "transparency": "TRANSPARENT" if sequence % 2 else "OPAQUE",
    }
    ours = _ics.vevent_bytes(
        **{
            **fields,
            "start": fields["start"].replace(tzinfo=None),
            "end": fields["end"].replace(tzinfo=None),
        },  # type: ignore[union-attr]
        zone=tz,
    )
    assert ours.encode("utf-8") == icalendar_vevent(**fields)


@SETTINGS
@given(line=texts.map(lambda t: "DESCRIPTION:" + _ics.escape(t)))
def test_folding_is_icalendars(line: str) -> None:
    expected = Contentline(line).to_ical().decode("utf-8")
    assert _ics.fold(line) == expected
    for part in _ics.fold(line).split("\r\n"):
        assert len(part.encode("utf-8")) <= 75


def test_a_fold_never_falls_right_after_a_backslash() -> None:
    # 73 characters, then an escaped comma: the backslash would end the first line.
    line = "DESCRIPTION:" + "x" * 61 + "\\,y" + "z" * 80
    folded = _ics.fold(line)
    assert all(not part.endswith("\\") for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert folded == Contentline(line).to_ical().decode("utf-8")


@settings(max_examples=60, deadline=None)
@given(name=texts.filter(lambda t: "\n" not in t), zone=st.sampled_from(ZONES))
def test_a_whole_calendar_is_icalendars(name: str, zone: str) -> None:
    tz = ZoneInfo(zone)
    start, end = dt.datetime(2027, 3, 13, 9), dt.datetime(2027, 3, 13, 10)
    fields: dict[str, object] = {
        "uid": "one",
        "stamp": STAMP,
        "start": start.replace(tzinfo=tz),
        "end": end.replace(tzinfo=tz),
        "summary": "Opening",
        "location": None,
        "description": None,
        "categories": ["Plenary"],
        "sequence": 0,
        "last_modified": STAMP,
        "status": "CONFIRMED",
        "transparency": "OPAQUE",
    }
    vevent = _ics.vevent_bytes(**{**fields, "start": start, "end": end}, zone=tz)  # type: ignore[arg-type]
    ours = _ics.calendar_bytes(
        prodid="-//test//EN",
        method="PUBLISH",
        name=name,
        uid="calendar-uid",
        tzid=zone,
        years=(2027,),
        vevents=[vevent],
    )
    whole = icalendar.Calendar.new(
        prodid="-//test//EN",
        method="PUBLISH",
        name=name,
        uid="calendar-uid",
        subcomponents=[
            vtimezone(zone, [2027]),
            icalendar.Event.from_ical(icalendar_vevent(**fields)),
        ],
    )
    whole.add("X-WR-TIMEZONE", zone)
    assert ours == whole.to_ical()
