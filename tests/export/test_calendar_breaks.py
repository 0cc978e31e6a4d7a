"""Named breaks and meals in calendars, and a working staff member's calendar."""

from __future__ import annotations

from convening.export.calendars import event_calendar, participant_calendar
from convening.solve import SolveOptions, solve
from convening.validate import validate
from tests.solvers.test_places import staffed_event


def _events(calendar: object) -> list[tuple[str, str]]:
    return [
        (str(v.get("SUMMARY")), str(v.get("LOCATION", "")))
        for v in calendar.walk("VEVENT")  # type: ignore[attr-defined]
    ]


def test_breaks_and_meals_are_in_every_calendar_with_their_titles_and_places() -> None:
    event = staffed_event()
    plan = solve(event, SolveOptions(time_limit=5, method="greedy"))
    assert validate(event, plan) == []
    whole = _events(event_calendar(plan))
    assert ("Registration and breakfast", "Hall") in whole
    assert ("Dinner at the Public Market", "Public Market, 1 Main St") in whole
    # The networking slot carries its slot's title.
    assert any(summary == "Lunch" for summary, _ in whole)
    # A working staff member's day: the plenary they attend and the breaks, nothing else.
    staff = sorted(s for s, _ in _events(participant_calendar(plan, "st1")))
    assert staff == ["Dinner at the Public Market", "Registration and breakfast", "Welcome"]
    delegate = _events(participant_calendar(plan, "c0-o0"))
    assert ("Dinner at the Public Market", "Public Market, 1 Main St") in delegate
    # Their own table event carries the slot's title too, then the table.
    lunch = [loc for s, loc in delegate if s.startswith("Lunch, table ")]
    assert lunch and lunch[0].startswith("Hall, Table ")


def test_a_coach_calendar_names_every_table_of_the_group_with_its_city() -> None:
    from tests.test_validate import sample_plan

    plan = sample_plan()
    (coaching,) = [
        v for v in participant_calendar(plan, "f1").walk("VEVENT") if "coaching" in v["SUMMARY"]
    ]
    assert str(coaching["SUMMARY"]) == "Action planning: coaching tables 1, 3"
    assert str(coaching["DESCRIPTION"]).splitlines() == [
        "You are coaching tables 1, 3.",
        "Table 1: Albany, NY",
        "Table 3: Utica, NY",
    ]
    # The delegates see their coach.
    (table,) = [
        v
        for v in participant_calendar(plan, "cc-1").walk("VEVENT")
        if v["SUMMARY"].startswith("Action planning")
    ]
    assert "Coach: Fran Coach" in str(table["DESCRIPTION"])
