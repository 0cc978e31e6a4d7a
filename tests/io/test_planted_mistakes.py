"""The input mistakes planners really make: each is reported with sheet, Excel row, column and
value, alone and all together in one workbook, in one run."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from convening import DelegationShapeWarning, Problem
from convening.cli import main
from convening.io import read_event
from tests.io.books import DAY, FORMS, Rows, at, base_rows, problems_of, set_cell, write_book


class Planted(NamedTuple):
    name: str
    plant: Callable[[Rows], Any]
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    says: str
    severity: str = "error"

    def found_in(self, problems: list[Problem]) -> list[Problem]:
        return [
            p
            for p in problems
            if (p.sheet, p.row, p.column, p.value)
            == (self.sheet, self.row, self.column, self.value)
            and self.says in p.message
            and p.severity == self.severity
        ]


def cell(sheet: str, row: int, column: str, value: Any) -> Callable[[Rows], Any]:
    return lambda rows: set_cell(rows, sheet, row, column, value)


def add(sheet: str, item: dict[str, Any]) -> Callable[[Rows], Any]:
    return lambda rows: rows[sheet].append(item)


def both(*plants: Callable[[Rows], Any]) -> Callable[[Rows], Any]:
    def plant(rows: Rows) -> None:
        for p in plants:
            p(rows)

    return plant


TIME_SHAPE = "must be a date and time written YYYY-MM-DD HH:MM"

# Rows as in tests/io/books.py: participants 2-10, rooms hall/r1/r2 = 2-4, slots open=2, b1=3,
# b2=4, lunch=5, tour=6, ap=7, coffee=8; sessions welcome=2, x1..x3 = 3-5; tours walk=2, bus=3.
PLANTED = [
    Planted(
        "a time typed 14.45",
        cell("slots", 8, "end", "2027-04-20 10.30"),
        "slots",
        8,
        "end",
        "2027-04-20 10.30",
        TIME_SHAPE,
    ),
    Planted(
        "a time with AM/PM",
        cell("participants", 10, "arrives", "2027-04-20 8:00 AM"),
        "participants",
        10,
        "arrives",
        "2027-04-20 8:00 AM",
        "AM or PM",
    ),
    Planted(
        "a time with seconds",
        cell("participants", 9, "departs", "2027-04-20 18:00:00"),
        "participants",
        9,
        "departs",
        "2027-04-20 18:00:00",
        "seconds",
    ),
    Planted(
        "a time with a fraction of a second",
        cell("participants", 8, "departs", "2027-04-20 18:00:00.5"),
        "participants",
        8,
        "departs",
        "2027-04-20 18:00:00.5",
        TIME_SHAPE,
    ),
    Planted(
        "the plenary pinned to a small room",
        cell("rooms", 2, "capacity", 5),
        "sessions",
        2,
        "room_id",
        "hall",
        "pinned to room hall, which seats 5",
    ),
    Planted(
        "too few step-free tour seats, the tours named",
        cell("tours", 3, "walking", True),
        "slots",
        6,
        "slot_id",
        "tour",
        "every tour that can run here walks: walk (tours row 2), bus (tours row 3)",
    ),
    Planted(
        "a typo in an id",
        cell("sessions", 3, "presenters", "c2-pp"),
        "sessions",
        3,
        "presenters",
        "c2-pp",
        "no participant with this id in the participants sheet; did you mean 'c2-p'?",
    ),
    Planted(
        "a typo in a ranked item",
        cell("preferences", 2, "item_id", "x22"),
        "preferences",
        2,
        "item_id",
        "x22",
        "did you mean 'x2'?",
        "warning",
    ),
    Planted(
        "a session's capacity above its pinned room's",
        cell("sessions", 5, "capacity", 40),
        "sessions",
        5,
        "capacity",
        "40",
        "more than pinned room r1 seats (12)",
        "warning",
    ),
    Planted(
        "a seating rule for someone gone by then",
        both(
            cell("participants", 6, "departs", at(11.5)),
            add(
                "networking_rules", {"rule": "host", "participant_id": "c2-b", "slot_id": "lunch"}
            ),
        ),
        "networking_rules",
        4,
        "participant_id",
        "c2-b",
        "so this rule is dropped",
        "warning",
    ),
    Planted(
        "one person under two ids (same e-mail)",
        both(
            cell("participants", 2, "email", "ada@example.org"),
            cell("participants", 3, "email", " Ada@Example.org"),
        ),
        "participants",
        3,
        "email",
        "Ada@Example.org",
        "looks like the same person as c1-a (row 2)",
        "warning",
    ),
    Planted(
        "one person under two ids (same name and city)",
        add(
            "participants",
            {"participant_id": "c2-d", "name": " di", "city_id": "c2", "role": "official"},
        ),
        "participants",
        11,
        "name",
        "di",
        "looks like the same person as c2-a (row 5): the same name in the same city",
        "warning",
    ),
    Planted(
        "one tour-seat shortfall",
        both(cell("tours", 2, "capacity", 2), cell("tours", 3, "capacity", 2)),
        "slots",
        6,
        "slot_id",
        "tour",
        "the tours that can run in this slot take at most 4",
    ),
]

PLANTED.append(
    Planted(
        "a session pinned to a slot of another kind",
        cell("sessions", 4, "slot_id", "open"),
        "sessions",
        4,
        "slot_id",
        "open",
        "a breakout session pinned to a plenary slot",
    )
)

# Needs the event without its tour slot, which the step-free and tour-seat mistakes need.
NO_TOUR_SLOT = Planted(
    "tours but no tour slot",
    cell("slots", 6, "kind", "break"),
    "tours",
    2,
    "tour_id",
    "walk",
    "the event has no tour slot, so 2 tours on this sheet (rows 2, 3) never run",
    "warning",
)


def _all_problems(path: Path) -> list[Problem]:
    errors, warned = problems_of(path)
    return [*errors, *warned]


@FORMS
@pytest.mark.parametrize("planted", [*PLANTED, NO_TOUR_SLOT], ids=lambda p: p.name)
def test_each_mistake_alone_is_reported_where_it_is(
    tmp_path: Path, form: str, planted: Planted
) -> None:
    rows = base_rows()
    planted.plant(rows)
    problems = _all_problems(write_book(rows, tmp_path / "event", form))
    assert len(planted.found_in(problems)) == 1, "\n".join(map(str, problems))


@FORMS
def test_every_mistake_together_is_reported_in_one_run(tmp_path: Path, form: str) -> None:
    rows = base_rows()
    for planted in PLANTED:
        planted.plant(rows)
    problems = _all_problems(write_book(rows, tmp_path / "event", form))
    missing = [p.name for p in PLANTED if len(p.found_in(problems)) != 1]
    assert not missing, "\n".join(map(str, problems))


def test_the_command_reports_them_all_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = base_rows()
    for planted in PLANTED:
        planted.plant(rows)
    assert main(["check", str(write_book(rows, tmp_path / "event"))]) == 2
    err = capsys.readouterr().err
    for planted in PLANTED:
        if planted.severity == "error":
            assert f"{planted.sheet} row {planted.row}, column {planted.column}" in err


def test_a_tour_seat_shortfall_is_said_once(tmp_path: Path) -> None:
    rows = base_rows()
    set_cell(rows, "tours", 2, "capacity", 2)
    set_cell(rows, "tours", 3, "capacity", 2)
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    about_tour_seats = [p for p in errors if "tours" in p.message and " take " in p.message]
    assert len(about_tour_seats) == 1, "\n".join(map(str, errors))


def test_a_plenary_too_big_for_every_room_still_blames_the_slot(tmp_path: Path) -> None:
    rows = base_rows()
    for row in (2, 3, 4):
        set_cell(rows, "rooms", row, "capacity", 5)
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    assert any(
        (p.sheet, p.row, p.column) == ("slots", 2, "slot_id")
        and "the plenary rooms seat at most 5" in p.message
        for p in errors
    ), "\n".join(map(str, errors))


def test_excel_date_times_are_unaffected(tmp_path: Path) -> None:
    rows = base_rows()
    set_cell(rows, "participants", 10, "arrives", DAY.replace(hour=8, minute=45))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = read_event(write_book(rows, tmp_path / "event"))
    assert event.participant_by_id["st1"].arrives == DAY.replace(hour=8, minute=45)


def test_delegation_shape_warnings_filter_the_python_way(tmp_path: Path) -> None:
    rows = base_rows()
    rows["participants"] = [p for p in rows["participants"] if p["participant_id"] != "c2-p"]
    rows["sessions"][3]["presenters"] = "c1-a"
    path = write_book(rows, tmp_path / "event")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DelegationShapeWarning)
        event = read_event(path)
    assert any("usual shape" in str(p) for p in event.warnings)
    assert not any("usual shape" in str(w.message) for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_event(path)
    assert any(
        issubclass(w.category, DelegationShapeWarning) and "usual shape" in str(w.message)
        for w in caught
    )


@pytest.mark.parametrize(
    "planted",
    [p for p in PLANTED if p.severity == "error" and "time" not in p.name],
    ids=lambda p: p.name,
)
def test_a_mistake_alone_is_the_only_error(tmp_path: Path, planted: Planted) -> None:
    """Counting runs beside the other checks, but never reports a mistake's echo."""
    rows = base_rows()
    planted.plant(rows)
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    assert len(errors) == 1, "\n".join(map(str, errors))
