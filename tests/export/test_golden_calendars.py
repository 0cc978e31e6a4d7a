"""Golden calendars: a delegate's day with named breaks and an off-site dinner, and a coach's day.

The event is typed by hand and so is its plan (checked by :func:`convening.validate`),
so these files pin the calendar writer, not the solver. Each test writes the calendars
with :func:`convening.export.write_calendars` and compares the person's ``.ics`` file
byte for byte with the stored one in ``tests/export/golden/``; a mismatch shows a
unified diff. The files hold nothing of the machine that wrote them: DTSTAMP comes
from the plan, UIDs are :func:`uuid.uuid5` of the event and the item.

When a change to the calendars is meant, write the stored files again and review
the diff before committing it::

    CONVENING_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/export/test_golden_calendars.py
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from convening import ActivityKind, Event, EventBuilder, Plan, Run, Table, validate
from convening.export import write_calendars

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CONVENING_UPDATE_GOLDEN") == "1"

DAY = dt.datetime(2027, 6, 9)
CITIES = (("alb", "Albany"), ("tro", "Troy"), ("uti", "Utica"), ("ith", "Ithaca"))


def at(hour: float) -> dt.datetime:
    return DAY + dt.timedelta(minutes=round(hour * 60))


def riverside_event() -> Event:
    """Four delegations of three and two facilitators; a day with registration, coffee and
    lunch breaks, and a networking dinner off site."""
    b = EventBuilder(
        "Riverside Peer Exchange", "Troy, NY", "America/New_York", venue="Hudson Hall, 12 River St"
    )
    for cid, name in CITIES:
        b.add_city(cid, name, "NY", topics="vacant property reuse")
        b.add_participant(f"{cid}-1", f"{name} Official One", city_id=cid, role="official")
        b.add_participant(f"{cid}-2", f"{name} Official Two", city_id=cid, role="official")
        b.add_participant(f"{cid}-p", f"{name} Partner", city_id=cid, role="partner")
    b.add_participant("f1", "Fran Coach", role="facilitator")
    b.add_participant("f2", "Gil Coach", role="facilitator")
    b.add_room("hall", "Main hall", 40)
    b.add_room("r1", "River room", 10)
    b.add_room("r2", "Garden room", 10)
    b.add_slot("reg", at(8), at(9), "break", title="Registration and coffee")
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("bo1", at(10.25), at(11.5), "breakout")
    b.add_slot("coffee", at(11.5), at(11.75), "break", title="Coffee")
    b.add_slot("lunch", at(12), at(13), "break", title="Lunch")
    b.add_slot("tour", at(13.5), at(15.5), "tour")
    b.add_slot("ap", at(15.75), at(17), "action_planning")
    b.add_slot(
        "dinner",
        at(18.5),
        at(20.5),
        "networking",
        title="Dinner at the Public Market",
        location="Public Market, 1 Main St",
    )
    b.add_session("welcome", "Welcome", "plenary", room_id="hall")
    b.add_session("x1", "Land banks that work", description="Three land banks, three models.")
    b.add_session("x2", "Vacant lots to gardens")
    b.add_tour("riverside", "Riverside walk", 20, walking=True, meeting_point="River St entrance")
    b.set_table_size("dinner", 5)
    return b.build()


def riverside_plan() -> Plan:
    """The plan, typed by hand: f1 coaches tables 1 and 3, f2 tables 2 and 4."""
    event = riverside_event()
    everyone = [p.participant_id for p in event.participants]
    runs = [
        Run("welcome", ActivityKind.PLENARY, "open", "hall", everyone),
        Run("x1", ActivityKind.BREAKOUT, "bo1", "r1",
            ["alb-1", "tro-1", "uti-1", "ith-1", "alb-p", "tro-p", "f1"]),
        Run("x2", ActivityKind.BREAKOUT, "bo1", "r2",
            ["alb-2", "tro-2", "uti-2", "ith-2", "uti-p", "ith-p", "f2"]),
        Run("riverside", ActivityKind.TOUR, "tour", None, everyone),
    ]  # fmt: skip
    dinner = ActivityKind.NETWORKING
    action = ActivityKind.ACTION_PLANNING
    tables = [
        Table("dinner", 1, dinner, ["alb-1", "tro-2", "uti-p", "ith-1", "f1"]),
        Table("dinner", 2, dinner, ["alb-2", "tro-p", "uti-1", "ith-2", "f2"]),
        Table("dinner", 3, dinner, ["alb-p", "tro-1", "uti-2", "ith-p"]),
        *(
            Table("ap", n, action, [f"{cid}-1", f"{cid}-2", f"{cid}-p"], city_id=cid,
                  coaches=["f1" if n % 2 else "f2"])
            for n, (cid, _name) in enumerate(CITIES, 1)
        ),
    ]  # fmt: skip
    plan = Plan(event, runs=runs, tables=tables)
    assert validate(event, plan) == []
    return plan


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The calendars folder of the plan, written once (under another time zone than the
    event's, which must not show in the files)."""
    out = tmp_path_factory.mktemp("riverside")
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    _tzset()
    try:
        write_calendars(riverside_plan(), out)
    finally:
        if zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = zone
        _tzset()
    yield out / "calendars"


def _tzset() -> None:
    if hasattr(time, "tzset"):  # not on Windows
        time.tzset()


def assert_matches_golden(data: bytes, name: str) -> None:
    """``data`` is the stored file ``name`` byte for byte (or, when updating, becomes it)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing; write it with CONVENING_UPDATE_GOLDEN=1"
    stored = path.read_bytes()
    if data != stored:
        diff = difflib.unified_diff(
            stored.decode("utf-8").splitlines(),
            data.decode("utf-8").splitlines(),
            f"golden/{name}",
            "written",
            lineterm="",
        )
        pytest.fail(
            f"the calendar differs from golden/{name}; if the change is meant, write it again "
            "with CONVENING_UPDATE_GOLDEN=1 and review the diff:\n" + "\n".join(diff),
            pytrace=False,
        )


def events_of(data: bytes) -> list[tuple[str, str, str]]:
    """(start, SUMMARY, LOCATION) of every VEVENT, as a calendar app reads the file."""
    calendar = Calendar.from_ical(data)
    assert [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    return sorted(
        (
            f"{v.decoded('DTSTART'):%H:%M}",
            str(v["SUMMARY"]),
            str(v.get("LOCATION", "")),
        )
        for v in calendar.walk("VEVENT")
    )


def test_a_delegates_day_with_named_breaks_and_an_off_site_dinner(written: Path) -> None:
    data = (written / "participants" / "alb-1.ics").read_bytes()
    assert_matches_golden(data, "alb-1.ics")
    venue = "Hudson Hall, 12 River St"
    assert events_of(data) == [
        ("08:00", "Registration and coffee", venue),
        ("09:00", "Welcome", f"{venue}, Main hall"),
        ("10:15", "Land banks that work", f"{venue}, River room"),
        ("11:30", "Coffee", venue),
        ("12:00", "Lunch", venue),
        ("13:30", "Riverside walk", "River St entrance"),
        ("15:45", "Action planning: Albany, NY", f"{venue}, Table 1"),
        # The dinner is off site: its place, then the table.
        ("18:30", "Dinner at the Public Market, table 1", "Public Market, 1 Main St, Table 1"),
    ]


def test_a_coachs_day_names_the_group_of_tables_and_their_cities(written: Path) -> None:
    data = (written / "participants" / "f1.ics").read_bytes()
    assert_matches_golden(data, "f1.ics")
    calendar = Calendar.from_ical(data)
    assert len(calendar.walk("VEVENT")) == 8
    (coaching,) = [v for v in calendar.walk("VEVENT") if "coaching" in str(v["SUMMARY"])]
    assert str(coaching["SUMMARY"]) == "Action planning: coaching tables 1, 3"
    assert str(coaching["DESCRIPTION"]).splitlines() == [
        "You are coaching tables 1, 3.",
        "Table 1: Albany, NY",
        "Table 3: Utica, NY",
    ]
    summaries = [s for _t, s, _l in events_of(data)]
    assert {"Registration and coffee", "Coffee", "Lunch"} <= set(summaries)


def test_the_golden_files_hold_nothing_of_the_machine(written: Path) -> None:
    for name in ("alb-1.ics", "f1.ics"):
        stored = (GOLDEN / name).read_bytes()
        text = stored.decode("utf-8")
        assert str(written.parent) not in text and str(Path.home()) not in text
        calendar = Calendar.from_ical(stored)
        # Every stamp is the plan's: midnight UTC of the event's first day.
        stamps = {v.decoded("DTSTAMP") for v in calendar.walk("VEVENT")}
        assert stamps == {dt.datetime(2027, 6, 9, tzinfo=dt.UTC)}
        assert stored.count(b"\r\n") == len(text.splitlines())  # CRLF throughout
