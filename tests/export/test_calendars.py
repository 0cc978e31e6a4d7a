"""Calendars that Google Calendar, Outlook and Apple Calendar import as meant.

Each file is read back by three independent parsers (icalendar, vobject with
validation, ics) which must agree with the plan on every event's UTC time,
across the US switch to daylight saving time (Sunday 14 March 2027).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from convening import EventBuilder
from convening.export.calendars import (
    CalendarExportError,
    caldav_objects,
    delegation_calendar,
    event_calendar,
    participant_calendar,
    room_calendar,
    write_calendars,
)
from convening.export.vtimezone import vtimezone
from convening.model import unchecked_event
from convening.plan import Plan, Run, Table

vobject = pytest.importorskip("vobject")
ics = pytest.importorskip("ics")
tz = pytest.importorskip("dateutil.tz")

ZONE = "America/New_York"
SAT = dt.datetime(2027, 3, 13)  # the day before the US switch to daylight saving time
MON = dt.datetime(2027, 3, 15)
LONG_TITLE = " ".join(
    ["Überlegungen zur Stadtentwicklung — 東京とニューオーリンズの事例から学ぶ住宅政策 🏘️"] * 3
)
TRICKY_TITLE = "Land banks, vacancy; and\nreuse: a \\ primer"
CITIES = ("c0", "c1")


def at(day: dt.datetime, hour: float) -> dt.datetime:
    return day + dt.timedelta(minutes=round(hour * 60))


def make_plan(
    *,
    x1_room: str = "r1",
    close_start: float = 9,
    walkers: tuple[str, ...] = ("c0-a", "c1-a"),
    leavers: tuple[str, ...] = (),
    name: str = "Spring convening",
) -> Plan:
    """A two-city convening from Saturday to Monday, with one run of every kind.

    The keyword arguments make the changes the tests re-export: a breakout
    moved to another room, a plenary moved later, people moved off a tour,
    people who no longer come.
    """
    b = EventBuilder(name, "Albany, NY", ZONE, venue="Hall, 1 Main St")
    people: list[str] = []
    for c, cid in enumerate(CITIES):
        b.add_city(cid, f"City {c}", "NY")
        for suffix, role in (("a", "official"), ("b", "official"), ("p", "partner")):
            pid = f"{cid}-{suffix}"
            if pid not in leavers:
                b.add_participant(pid, f"Person {pid.upper()}", city_id=cid, role=role)
                people.append(pid)
    b.add_participant("f1", "Fay Coach", role="facilitator")
    people.append("f1")
    b.add_room("hall", "Main hall", 100)
    for r in range(3):
        b.add_room(f"r{r}", f"Room {r}", 12)
    b.add_slot("open", at(SAT, 9), at(SAT, 10), "plenary")
    b.add_slot("b1", at(SAT, 10.5), at(SAT, 11.5), "breakout")
    b.add_slot("lunch", at(SAT, 12), at(SAT, 13), "networking")
    b.add_slot("tour", at(SAT, 13.5), at(SAT, 16), "tour")
    b.add_slot("ap", at(SAT, 16.5), at(SAT, 17.5), "action_planning")
    # Runs through the switch: 23:00 EST to 04:00 EDT, five hours on the clock, four real.
    b.add_slot("night", at(SAT, 23), at(SAT, 28), "breakout")
    b.add_slot("close", at(MON, close_start), at(MON, close_start + 1), "plenary")
    b.add_session(
        "welcome", TRICKY_TITLE, "plenary", description="Doors open at 8:30, coffee; tea"
    )
    b.add_session("x0", LONG_TITLE, presenters=["c0-a"])
    b.add_session("x1", "Financing", description="Bring numbers.")
    b.add_session("late", "Late-night lab")
    b.add_session("bye", "Closing", "plenary")
    b.add_tour("walk", "Riverfront walk", 10, slot_id="tour", walking=True, meeting_point="Dock 5")
    b.add_tour("bus", "Bus tour", 30, slot_id="tour", meeting_point="Front steps")
    b.set_table_size("lunch", 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = b.build()
    present = set(people)

    def only(ids: tuple[str, ...] | list[str]) -> list[str]:
        return [p for p in ids if p in present]

    x0 = only(["c0-a", "c1-a", "f1"])
    runs = [
        Run("welcome", "plenary", "open", "hall", people),
        Run("x0", "breakout", "b1", "r0", x0),
        Run("x1", "breakout", "b1", x1_room, [p for p in people if p not in x0]),
        Run("walk", "tour", "tour", None, only(walkers)),
        Run("bus", "tour", "tour", None, [p for p in people if p not in walkers]),
        Run("late", "breakout", "night", "r2", people),
        Run("bye", "plenary", "close", "hall", people),
    ]
    seating = [["c0-a", "c1-b", "f1"], ["c0-b", "c1-a"], ["c0-p", "c1-p"]]
    tables = [
        Table("lunch", n + 1, "networking", only(seats), topic="housing" if n == 0 else None)
        for n, seats in enumerate(seating)
        if only(seats)
    ]
    tables += [
        Table(
            "ap",
            1,
            "action_planning",
            only(["c0-a", "c0-b", "c0-p"]),
            city_id="c0",
            coaches=["f1"],
        ),
        Table("ap", 2, "action_planning", only(["c1-a", "c1-b", "c1-p"]), city_id="c1"),
    ]
    return Plan(event, runs, tables)


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=ZoneInfo(ZONE)).astimezone(dt.UTC)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.ics"))
    }


def vevents(data: bytes | str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def three_parsers(text: str) -> tuple[dict[str, tuple[dt.datetime, dt.datetime]], ...]:
    """UID -> (UTC start, UTC end) as each parser reads the file."""
    by_icalendar = {
        str(e["UID"]): (e.start.astimezone(dt.UTC), e.end.astimezone(dt.UTC))
        for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
    }
    card = vobject.readOne(text, validate=True)
    by_vobject = {
        v.uid.value: (v.dtstart.value.astimezone(dt.UTC), v.dtend.value.astimezone(dt.UTC))
        for v in getattr(card, "vevent_list", [])
    }
    by_ics = {
        e.uid: (e.begin.datetime.astimezone(dt.UTC), e.end.datetime.astimezone(dt.UTC))
        for e in ics.Calendar(text).events
    }
    return by_icalendar, by_vobject, by_ics


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan()


@pytest.fixture(scope="module")
def exported(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    write_calendars(plan, out)
    return out


# -- what is written where ------------------------------------------------------------------


def test_writes_one_calendar_per_participant_room_and_delegation(
    plan: Plan, exported: Path
) -> None:
    event = plan.event
    expected = {"calendars/event.ics"}
    expected |= {f"calendars/participants/{p.participant_id}.ics" for p in event.participants}
    expected |= {f"calendars/rooms/{r.room_id}.ics" for r in event.rooms}
    expected |= {f"calendars/delegations/{c.city_id}.ics" for c in event.cities}
    assert set(files(exported)) == expected
    assert not [p for p in exported.rglob("*") if p.name.endswith(".tmp")]


def test_write_calendars_returns_the_files_it_wrote(plan: Plan, tmp_path: Path) -> None:
    written = write_calendars(plan, tmp_path)
    assert written == sorted(tmp_path.rglob("*.ics"))


# -- parsers agree with the plan, across the DST switch -------------------------------------


def test_three_parsers_read_the_same_utc_times_as_the_plan(plan: Plan, exported: Path) -> None:
    slots = plan.event.slot_by_id
    expected_times = {(utc(s.start), utc(s.end)) for s in slots.values()}
    for path in sorted(exported.rglob("*.ics")):
        text = path.read_text(encoding="utf-8")
        by_icalendar, by_vobject, by_ics = three_parsers(text)
        assert by_icalendar == by_vobject == by_ics, path
        assert set(by_icalendar.values()) <= expected_times, path


def test_event_times_on_both_sides_of_the_switch(plan: Plan, exported: Path) -> None:
    text = (exported / "calendars/event.ics").read_text(encoding="utf-8")
    for times in three_parsers(text):
        spans = sorted(times.values())
        # Saturday 9:00-10:00 is EST (UTC-5); Monday 9:00-10:00 is EDT (UTC-4).
        assert spans[0] == (
            dt.datetime(2027, 3, 13, 14, tzinfo=dt.UTC),
            dt.datetime(2027, 3, 13, 15, tzinfo=dt.UTC),
        )
        assert spans[-1] == (
            dt.datetime(2027, 3, 15, 13, tzinfo=dt.UTC),
            dt.datetime(2027, 3, 15, 14, tzinfo=dt.UTC),
        )
        # The night slot, 23:00 EST to 04:00 EDT, is four hours long.
        assert (
            dt.datetime(2027, 3, 14, 4, tzinfo=dt.UTC),
            dt.datetime(2027, 3, 14, 8, tzinfo=dt.UTC),
        ) in spans


def test_the_files_own_vtimezone_gives_the_right_times(exported: Path) -> None:
    """With a TZID no parser knows, times come from the VTIMEZONE rules alone."""
    text = (exported / "calendars/event.ics").read_text(encoding="utf-8")
    assert f"TZID={ZONE}:" in text
    renamed = text.replace(ZONE, "Convening/Private")
    by_icalendar, by_vobject, _ = three_parsers(text)
    renamed_icalendar, renamed_vobject, _ = three_parsers(renamed)
    assert renamed_icalendar == by_icalendar
    assert renamed_vobject == by_vobject


@pytest.mark.parametrize(
    ("zone", "year"),
    [
        ("America/New_York", 2027),
        ("America/Chicago", 2026),
        ("America/Phoenix", 2027),
        ("Europe/Berlin", 2027),
        ("Europe/Dublin", 2028),
        ("Australia/Sydney", 2027),
        ("America/Santiago", 2027),
        ("Asia/Kolkata", 2027),
        ("Pacific/Chatham", 2027),
        ("Africa/Casablanca", 2027),
        ("UTC", 2027),
    ],
)
def test_vtimezone_agrees_with_zoneinfo_all_year(zone: str, year: int) -> None:
    component = vtimezone(zone, [year])
    parsed = tz.tzical(io.StringIO(component.to_ical().decode())).get(zone)
    ref = ZoneInfo(zone)
    moment = dt.datetime(year, 1, 1)
    while moment.year == year:
        early = moment.replace(tzinfo=ref).utcoffset()
        late = moment.replace(tzinfo=ref, fold=1).utcoffset()
        if early == late:  # skip the wall-clock hours that a switch repeats or skips
            assert moment.replace(tzinfo=parsed).utcoffset() == early, moment
        moment += dt.timedelta(minutes=30)


def test_vtimezone_is_written_as_yearly_rules(exported: Path) -> None:
    for path in sorted(exported.rglob("*.ics")):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        (zone,) = cal.walk("VTIMEZONE")
        assert zone["TZID"] == ZONE
        observances = {c.name: c for c in zone.subcomponents}
        assert set(observances) == {"STANDARD", "DAYLIGHT"}
        for observance in observances.values():
            assert "RRULE" in observance and "RDATE" not in observance
        assert b"RDATE" not in path.read_bytes()


def test_a_zone_without_dst_has_one_standard_observance() -> None:
    (standard,) = vtimezone("America/Phoenix", [2027]).subcomponents
    assert standard.name == "STANDARD"
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == dt.timedelta(hours=-7)


# -- what clients need ----------------------------------------------------------------------


def test_published_not_invitations(exported: Path) -> None:
    for path in sorted(exported.rglob("*.ics")):
        data = path.read_bytes()
        cal = icalendar.Calendar.from_ical(data)
        assert cal["METHOD"] == "PUBLISH"
        assert cal["VERSION"] == "2.0"
        assert cal["PRODID"]
        assert cal["NAME"] == cal["X-WR-CALNAME"] and cal["X-WR-CALNAME"]
        assert cal["X-WR-TIMEZONE"] == ZONE
        assert b"ORGANIZER" not in data and b"ATTENDEE" not in data


def test_times_are_zoned_or_utc_never_floating(exported: Path) -> None:
    for path in sorted(exported.rglob("*.ics")):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S):
            for line in block.split("\r\n"):
                if line.startswith(("DTSTART", "DTEND")):
                    assert line.startswith((f"DTSTART;TZID={ZONE}:", f"DTEND;TZID={ZONE}:"))
                if line.startswith(("DTSTAMP", "LAST-MODIFIED")):
                    assert line.endswith("Z") and ";" not in line.split(":")[0]


def test_crlf_and_folding_keep_utf8_intact(exported: Path) -> None:
    for path in sorted(exported.rglob("*.ics")):
        data = path.read_bytes()
        assert data.endswith(b"\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"")
        for line in data.split(b"\r\n"):
            assert len(line) <= 75, (path, line)
            line.decode("utf-8")  # a fold never splits a character
    data = (exported / "calendars/event.ics").read_bytes()
    assert max(len(line) for line in data.split(b"\r\n")) > 60  # the long title was folded
    text = data.decode("utf-8")
    card = vobject.readOne(text, validate=True)
    assert LONG_TITLE in {v.summary.value for v in card.vevent_list}
    assert LONG_TITLE in {str(e["SUMMARY"]) for e in vevents(data).values()}
    assert LONG_TITLE in {e.name for e in ics.Calendar(text).events}


def test_text_is_escaped(exported: Path) -> None:
    data = (exported / "calendars/event.ics").read_bytes()
    text = data.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Land banks\\, vacancy\\; and\\nreuse: a \\\\ primer" in unfolded
    assert TRICKY_TITLE in {str(e["SUMMARY"]) for e in vevents(data).values()}
    assert TRICKY_TITLE in {v.summary.value for v in vobject.readOne(text).vevent_list}
    assert TRICKY_TITLE in {e.name for e in ics.Calendar(text).events}


def test_same_plan_gives_the_same_bytes(tmp_path: Path) -> None:
    write_calendars(make_plan(), tmp_path / "one")
    write_calendars(make_plan(), tmp_path / "two")
    assert files(tmp_path / "one") == files(tmp_path / "two")
    # Re-exported against itself, an unchanged plan is unchanged to the byte.
    write_calendars(make_plan(), tmp_path / "three", previous_dir=tmp_path / "one")
    assert files(tmp_path / "three") == files(tmp_path / "one")


def test_stamp_is_fixed_not_the_clock(plan: Plan) -> None:
    stamp = dt.datetime(2027, 1, 5, 12, 30, tzinfo=dt.UTC)
    for e in event_calendar(plan, stamp=stamp).walk("VEVENT"):
        assert e["DTSTAMP"].dt == stamp
        assert e["LAST-MODIFIED"].dt == stamp
    default = {e["DTSTAMP"].dt for e in event_calendar(plan).walk("VEVENT")}
    assert len(default) == 1 and default.pop() <= utc(min(s.start for s in plan.event.slots))
    with pytest.raises(CalendarExportError):
        event_calendar(plan, stamp=dt.datetime(2027, 1, 5))


def test_caldav_objects_hold_one_event_each_and_no_method(plan: Plan) -> None:
    cal = participant_calendar(plan, "c0-a")
    objects = caldav_objects(cal)
    assert [uid for uid, _ in objects] == [str(e["UID"]) for e in cal.walk("VEVENT")]
    for uid, data in objects:
        one = icalendar.Calendar.from_ical(data)
        assert "METHOD" not in one
        assert [str(e["UID"]) for e in one.walk("VEVENT")] == [uid]
        assert len(one.walk("VTIMEZONE")) == 1
        vobject.readOne(data.decode("utf-8"), validate=True)


# -- content --------------------------------------------------------------------------------


def test_event_calendar_has_each_run_and_each_table_slot(plan: Plan) -> None:
    events = list(event_calendar(plan).walk("VEVENT"))
    table_slots = {t.slot_id for t in plan.tables}
    assert len(events) == len(plan.runs) + len(table_slots)
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Networking" in summaries and "Action planning" in summaries


def test_participant_calendar_follows_the_itinerary(plan: Plan) -> None:
    for person in plan.event.participants:
        pid = person.participant_id
        rows = [r for r in plan.itinerary_rows() if r.participant_id == pid]
        events = sorted(participant_calendar(plan, pid).walk("VEVENT"), key=lambda e: e.start)
        assert [(str(e["SUMMARY"]), e.start.replace(tzinfo=None)) for e in events] == [
            (r.title, r.start) for r in rows
        ]
        for row, e in zip(rows, events, strict=True):
            assert row.location in str(e.get("LOCATION", ""))
            if row.table is not None:
                assert f"Table {row.table}" in str(e["LOCATION"])
                assert f"Table {row.table}" in str(e["DESCRIPTION"])
    walker = {str(e["SUMMARY"]): e for e in participant_calendar(plan, "c0-a").walk("VEVENT")}
    assert walker["Riverfront walk"]["LOCATION"] == "Dock 5"
    assert "Meeting point: Dock 5" in walker["Riverfront walk"]["DESCRIPTION"]
    assert "You are presenting." in walker[LONG_TITLE]["DESCRIPTION"]
    lunch = walker["Networking, table 1 (housing)"]
    assert (
        "Person C1-B (City 1, NY)" in lunch["DESCRIPTION"] and "Fay Coach" in lunch["DESCRIPTION"]
    )


def test_room_calendar_has_only_that_rooms_runs(plan: Plan) -> None:
    for room in plan.event.rooms:
        runs = [r for r in plan.runs if r.room_id == room.room_id]
        events = list(room_calendar(plan, room.room_id).walk("VEVENT"))
        assert sorted(str(e["SUMMARY"]) for e in events) == sorted(plan.title_of(r) for r in runs)
        for e in events:
            assert room.name in str(e["LOCATION"])


def test_delegation_calendar_names_members_once_per_activity(plan: Plan) -> None:
    cal = delegation_calendar(plan, "c0")
    events = list(cal.walk("VEVENT"))
    tours = [e for e in events if str(e["SUMMARY"]) in {"Riverfront walk", "Bus tour"}]
    # c0-a walks, c0-b and c0-p ride: two tour events, each naming its riders.
    assert len(tours) == 2
    by_title = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in tours}
    assert "Person C0-A" in by_title["Riverfront walk"]
    assert "Person C0-B" in by_title["Bus tour"] and "Person C0-P" in by_title["Bus tour"]
    (lunch,) = [e for e in events if str(e["SUMMARY"]) == "Networking"]
    for pid, table in (("C0-A", 1), ("C0-B", 2), ("C0-P", 3)):
        assert f"Person {pid}: table {table}" in str(lunch["DESCRIPTION"])
    welcome = [e for e in events if str(e["SUMMARY"]) == TRICKY_TITLE]
    assert len(welcome) == 1  # one event for the three of them


# -- UIDs, SEQUENCE and cancellations across exports ----------------------------------------


def test_uids_are_stable_and_distinct(tmp_path: Path) -> None:
    write_calendars(make_plan(), tmp_path / "one")
    write_calendars(make_plan(x1_room="r2"), tmp_path / "two")
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert set(vevents(one["calendars/event.ics"])) == set(vevents(two["calendars/event.ics"]))
    every_uid: list[str] = []
    for data in one.values():
        every_uid += list(vevents(data))
    assert len(every_uid) == len(set(every_uid))  # no UID shared between calendars
    renamed = event_calendar(make_plan(name="Autumn convening"))
    assert not set(vevents(renamed.to_ical())) & set(vevents(one["calendars/event.ics"]))


def by_summary(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in vevents(data).values()}


def test_sequence_rises_only_for_changed_events(tmp_path: Path) -> None:
    write_calendars(make_plan(), tmp_path / "one")
    write_calendars(make_plan(x1_room="r2", close_start=9.5), tmp_path / "two", tmp_path / "one")
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    before, after = by_summary(one["calendars/event.ics"]), by_summary(two["calendars/event.ics"])
    assert set(before) == set(after)
    changed = {"Financing", "Closing"}
    for title in before:
        old, new = before[title], after[title]
        assert old["UID"] == new["UID"]
        if title in changed:
            assert new["SEQUENCE"] == old["SEQUENCE"] + 1, title
            assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
        else:
            assert new["SEQUENCE"] == old["SEQUENCE"], title
            assert new["LAST-MODIFIED"].dt == old["LAST-MODIFIED"].dt
    assert "Room 2" in after["Financing"]["LOCATION"]
    # A person in Financing sees the same in their own calendar.
    mine = by_summary(two["calendars/participants/c0-b.ics"])
    assert mine["Financing"]["SEQUENCE"] == 1
    assert mine["Bus tour"]["SEQUENCE"] == 0
    # Room 1 lost the breakout: cancelled there; room 2 gained it.
    lost = by_summary(two["calendars/rooms/r1.ics"])["Financing"]
    assert lost["STATUS"] == "CANCELLED" and lost["SEQUENCE"] == 1
    gained = by_summary(two["calendars/rooms/r2.ics"])["Financing"]
    assert gained["STATUS"] == "CONFIRMED" and gained["SEQUENCE"] == 0
    # Nothing changed in room 0's calendar: not a byte.
    assert one["calendars/rooms/r0.ics"] == two["calendars/rooms/r0.ics"]


def test_removed_items_are_cancelled_and_stay_cancelled(tmp_path: Path) -> None:
    write_calendars(make_plan(), tmp_path / "one")
    later = make_plan(walkers=("c1-a",), leavers=("c1-p",))
    write_calendars(later, tmp_path / "two", tmp_path / "one")
    write_calendars(later, tmp_path / "three", tmp_path / "two")
    two, three = files(tmp_path / "two"), files(tmp_path / "three")
    mine = by_summary(two["calendars/participants/c0-a.ics"])
    assert mine["Riverfront walk"]["STATUS"] == "CANCELLED"
    assert mine["Riverfront walk"]["SEQUENCE"] == 1
    assert mine["Bus tour"]["STATUS"] == "CONFIRMED"
    # Whoever left gets a calendar that cancels everything they had.
    gone = vevents(two["calendars/participants/c1-p.ics"])
    assert gone and all(e["STATUS"] == "CANCELLED" for e in gone.values())
    assert all(e["SEQUENCE"] == 1 for e in gone.values())
    # A third export keeps the cancellations, unchanged, for apps that skipped one.
    assert three == two
    for path, data in two.items():
        for parsed in three_parsers(data.decode("utf-8")):
            assert len(parsed) == len(vevents(data)), path


def test_written_files_are_the_calendars_the_functions_give(tmp_path: Path) -> None:
    """Files are written without building icalendar components, to the same bytes."""
    plan = make_plan()
    write_calendars(plan, tmp_path / "one")
    # A re-export after a change: SEQUENCE, LAST-MODIFIED and cancellations too.
    later = make_plan(x1_room="r2", walkers=("c1-a",), leavers=("c1-p",))
    write_calendars(later, tmp_path / "two", tmp_path / "one")
    for folder, current, previous in (("one", plan, None), ("two", later, tmp_path / "one")):
        written = files(tmp_path / folder)
        event = current.event

        def earlier(rel: str, previous: Path | None = previous) -> Path | None:
            return None if previous is None else previous / "calendars" / rel

        expected = {"calendars/event.ics": event_calendar(current, earlier("event.ics"))}
        for p in event.participants:
            rel = f"participants/{p.participant_id}.ics"
            expected[f"calendars/{rel}"] = participant_calendar(
                current, p.participant_id, earlier(rel)
            )
        for r in event.rooms:
            rel = f"rooms/{r.room_id}.ics"
            expected[f"calendars/{rel}"] = room_calendar(current, r.room_id, earlier(rel))
        for c in event.cities:
            rel = f"delegations/{c.city_id}.ics"
            expected[f"calendars/{rel}"] = delegation_calendar(current, c.city_id, earlier(rel))
        for rel, calendar in expected.items():
            assert written[rel] == calendar.to_ical(), rel
        # Only the calendar of the person who left is not one of the functions'.
        assert set(written) - set(expected) == (
            set() if previous is None else {"calendars/participants/c1-p.ics"}
        )


def test_a_cancelled_item_that_comes_back_rises_again(tmp_path: Path) -> None:
    write_calendars(make_plan(), tmp_path / "one")
    write_calendars(make_plan(walkers=("c1-a",)), tmp_path / "two", tmp_path / "one")
    write_calendars(make_plan(), tmp_path / "three", tmp_path / "two")
    walk = by_summary(files(tmp_path / "three")["calendars/participants/c0-a.ics"])
    assert walk["Riverfront walk"]["STATUS"] == "CONFIRMED"
    assert walk["Riverfront walk"]["SEQUENCE"] == 2


def test_previous_can_be_given_as_a_calendar(plan: Plan) -> None:
    first = participant_calendar(plan, "c0-b")
    moved = make_plan(x1_room="r2")
    second = participant_calendar(moved, "c0-b", previous=first)
    assert by_summary(second.to_ical())["Financing"]["SEQUENCE"] == 1
    assert by_summary(second.to_ical())["Bus tour"]["SEQUENCE"] == 0


def test_an_earlier_export_of_another_event_is_not_carried_forward(tmp_path: Path) -> None:
    write_calendars(make_plan(name="Autumn convening"), tmp_path / "other")
    write_calendars(make_plan(), tmp_path / "one")
    write_calendars(make_plan(), tmp_path / "two", tmp_path / "other")
    assert files(tmp_path / "two") == files(tmp_path / "one")  # nothing cancelled, no bump
    # Nor is another person's calendar.
    theirs = participant_calendar(make_plan(), "c1-b")
    mine = participant_calendar(make_plan(), "c0-a", previous=theirs)
    assert mine.to_ical() == participant_calendar(make_plan(), "c0-a").to_ical()


def test_an_unreadable_earlier_calendar_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "old" / "calendars" / "event.ics"
    bad.parent.mkdir(parents=True)
    bad.write_text("this is not a calendar")
    with pytest.raises(CalendarExportError, match=r"event\.ics"):
        write_calendars(make_plan(), tmp_path / "new", tmp_path / "old")


# -- safety ---------------------------------------------------------------------------------


def test_ids_that_are_not_safe_file_names_are_refused(plan: Plan, tmp_path: Path) -> None:
    event = plan.event
    fields = {a: getattr(event, a) for a in ("name", "host_city", "timezone", "venue")}
    evil = unchecked_event(
        **fields,
        participants=[*event.participants[:1], attr_evolve(event.participants[1], "../../evil")],
        rooms=event.rooms,
        slots=event.slots,
        cities=event.cities,
    )
    with pytest.raises(CalendarExportError):
        write_calendars(Plan(evil, []), tmp_path / "out")
    assert not list(tmp_path.rglob("evil*"))


def attr_evolve(person: object, pid: str) -> object:
    import attrs

    return attrs.evolve(person, participant_id=pid)  # type: ignore[misc]


def test_a_folder_that_leads_outside_is_refused(plan: Plan, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out" / "calendars").mkdir(parents=True)
    (tmp_path / "out" / "calendars" / "rooms").symlink_to(outside)
    with pytest.raises(CalendarExportError):
        write_calendars(plan, tmp_path / "out")
    assert not list(outside.iterdir())


def test_an_unknown_id_is_a_library_error() -> None:
    from convening.errors import ConveningError
    from convening.export import delegation_calendar, participant_calendar, room_calendar
    from tests.test_validate import sample_plan

    plan = sample_plan()
    for make, noun in (
        (participant_calendar, "participant"),
        (room_calendar, "room"),
        (delegation_calendar, "city"),
    ):
        with pytest.raises(ConveningError, match=f"no {noun} 'nobody'"):
            make(plan, "nobody")
