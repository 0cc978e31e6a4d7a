"""One case per input problem: each changes one cell of a valid workbook and expects
exactly the problem a planner needs, naming the sheet, the Excel row, the column and
the value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from convening import Problem
from tests.io.books import FORMS, Rows, as_tables, at, base_rows, problems_of, set_cell, write_book


@attrs.frozen
class Expected:
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    says: str  # a fragment of the message
    severity: str = "error"

    def matches(self, p: Problem) -> bool:
        return (p.sheet, p.row, p.column, p.value, p.severity) == (
            self.sheet,
            self.row,
            self.column,
            self.value,
            self.severity,
        ) and self.says in p.message


def cell(sheet: str, row: int, column: str, value: Any) -> Callable[[Rows], Any]:
    return lambda rows: set_cell(rows, sheet, row, column, value)


def cells(*changes: Callable[[Rows], Any]) -> Callable[[Rows], Any]:
    def mutate(rows: Rows) -> Rows:
        for change in changes:
            change(rows)
        return rows

    return mutate


def without_sheet(name: str) -> Callable[[Rows], Any]:
    def mutate(rows: Rows) -> Rows:
        del rows[name]
        return rows

    return mutate


def without_column(sheet: str, column: str) -> Callable[[Rows], Any]:
    return lambda rows: as_tables(rows, drop_columns={sheet: column})


E = Expected
CASES: list[tuple[str, Callable[[Rows], Any], Expected]] = [
    ("missing sheet", without_sheet("rooms"), E("rooms", None, None, None, "sheet is missing")),
    ("missing event sheet", without_sheet("event"), E("event", None, None, None, "missing")),
    (
        "missing column",
        without_column("rooms", "capacity"),
        E("rooms", 1, "capacity", None, "required column capacity is missing"),
    ),
    (
        "duplicate id",
        cell("participants", 10, "participant_id", "f1"),
        E("participants", 10, "participant_id", "f1", "duplicate id (first used in row 8)"),
    ),
    (
        "unknown city of a participant",
        cell("participants", 2, "city_id", "nowhere"),
        E("participants", 2, "city_id", "nowhere", "no city with this id"),
    ),
    (
        "unknown presenter",
        cell("sessions", 3, "presenters", "ghost"),
        E("sessions", 3, "presenters", "ghost", "no participant with this id"),
    ),
    (
        "pin to an unknown slot",
        cell("sessions", 5, "slot_id", "b9"),
        E("sessions", 5, "slot_id", "b9", "no slot with this id"),
    ),
    (
        "pin to an unknown room",
        cell("sessions", 5, "room_id", "r9"),
        E("sessions", 5, "room_id", "r9", "no room with this id"),
    ),
    (
        "preference of an unknown participant",
        cell("preferences", 2, "participant_id", "ghost"),
        E("preferences", 2, "participant_id", "ghost", "no participant with this id"),
    ),
    (
        "preference for an item that does not exist",
        cell("preferences", 2, "item_id", "nope"),
        E("preferences", 2, "item_id", "nope", "does not exist", "warning"),
    ),
    (
        "id with a space",
        cell("rooms", 4, "room_id", "r 2"),
        E("rooms", 4, "room_id", "r 2", "ids are letters, digits"),
    ),
    (
        "id starting with a dot",
        cell("rooms", 4, "room_id", ".r2"),
        E("rooms", 4, "room_id", ".r2", "do not start with '.'"),
    ),
    (
        "bad time zone",
        cell("event", 4, "value", "Mars/Olympus"),
        E("event", 4, "value", "Mars/Olympus", "not an IANA time zone"),
    ),
    (
        "time zone that is a folder of zones",
        cell("event", 4, "value", "America"),
        E("event", 4, "value", "America", "not an IANA time zone"),
    ),
    (
        "required event value empty",
        cell("event", 2, "value", None),
        E("event", 2, "value", None, "the event's name is required"),
    ),
    (
        "end before start",
        cell("slots", 3, "end", at(10)),
        E("slots", 3, "end", "2027-04-20 10:00", "ends at or before its start"),
    ),
    (
        "zero room capacity",
        cell("rooms", 4, "capacity", 0),
        E("rooms", 4, "capacity", "0", "must be more than zero"),
    ),
    (
        "negative tour capacity",
        cell("tours", 2, "capacity", -5),
        E("tours", 2, "capacity", "-5", "must be more than zero"),
    ),
    (
        "pin to a slot of the wrong kind",
        cell("sessions", 5, "slot_id", "open"),
        E("sessions", 5, "slot_id", "open", "a breakout session pinned to a plenary slot"),
    ),
    (
        "pinned room smaller than the presenters",
        cell("rooms", 3, "capacity", 1),
        E("sessions", 5, "room_id", "r1", "fewer than the session's 2 presenters"),
    ),
    (
        "networking row for a slot that is not a networking slot",
        cell("networking", 2, "slot_id", "b1"),
        E("networking", 2, "slot_id", "b1", "not a networking slot"),
    ),
    (
        "text in a number column",
        cell("rooms", 2, "capacity", "lots"),
        E("rooms", 2, "capacity", "lots", "must be a whole number"),
    ),
    (
        "fraction in a whole-number column",
        cell("tours", 2, "capacity", 12.5),
        E("tours", 2, "capacity", "12.5", "must be a whole number"),
    ),
    (
        "fraction as text in a whole-number column",
        cell("sessions", 4, "offered", "2.5"),
        E("sessions", 4, "offered", "2.5", "must be a whole number"),
    ),
    (
        "text in a decimal column",
        cell("cities", 3, "latitude", "north"),
        E("cities", 3, "latitude", "north", "must be a number"),
    ),
    (
        "unparseable datetime",
        cell("slots", 2, "start", "tomorrow 9am"),
        E("slots", 2, "start", "tomorrow 9am", "must be a date and time"),
    ),
    (
        "datetime with a UTC offset",
        cell("participants", 10, "arrives", "2027-04-20T08:00+02:00"),
        E("participants", 10, "arrives", "2027-04-20T08:00+02:00", "without a time zone"),
    ),
    (
        "date without a time",
        cell("slots", 2, "end", "2027-04-20"),
        E("slots", 2, "end", "2027-04-20", "needs a time as well as a date"),
    ),
    (
        "not a boolean",
        cell("rooms", 3, "accessible", "maybe"),
        E("rooms", 3, "accessible", "maybe", "must be true or false"),
    ),
    (
        "unknown role",
        cell("participants", 3, "role", "mayor"),
        E("participants", 3, "role", "mayor", "must be one of official, partner"),
    ),
    (
        "required cell empty",
        cell("cities", 2, "name", "  "),
        E("cities", 2, "name", "  ", "a value is required"),
    ),
    (
        "fewer breakout seats than people present",
        # The staff member (row 10) attends breakouts too, so 9 take a place.
        cells(cell("sessions", 4, "offered", 1), cell("participants", 10, "attends", "all")),
        E(
            "slots",
            4,
            "slot_id",
            "b2",
            "9 people are present but its rooms and sessions seat at most 8",
        ),
    ),
    (
        "plenary room smaller than the audience",
        cell("rooms", 2, "capacity", 5),
        E("sessions", 2, "room_id", "hall", "pinned to room hall, which seats 5"),
    ),
    (
        "not enough step-free tour seats",
        cell("tours", 3, "walking", True),
        E("slots", 6, "slot_id", "tour", "1 person needs step-free access"),
    ),
    (
        "presenter needed in two pinned sessions at once",
        cell("sessions", 3, "slot_id", "b1"),
        E(
            "sessions",
            3,
            "presenters",
            "c1-a",
            "also presents session x3 (row 5) at the same time",
        ),
    ),
    (
        "odd delegation shape",
        cell("participants", 4, "role", "official"),
        E("cities", 2, "city_id", "c1", "delegation of 3 (3 official)", "warning"),
    ),
    (
        "unknown kind in attends",
        cell("participants", 10, "attends", "plenary;dinner"),
        E("participants", 10, "attends", "dinner", "not a kind of slot a person attends"),
    ),
    (
        "none with kinds in attends",
        cell("participants", 9, "attends", "none;plenary"),
        E("participants", 9, "attends", "none;plenary", "none stands alone"),
    ),
    (
        "unknown slot in away",
        cell("participants", 2, "away", "b9"),
        E("participants", 2, "away", "b9", "no slot with this id"),
    ),
    (
        "a session id in away",
        cell("participants", 3, "away", "x2"),
        E("participants", 3, "away", "x2", "this is a session, not a slot"),
    ),
    (
        "unknown tour leader",
        cell("tours", 3, "leaders", "nobody"),
        E("tours", 3, "leaders", "nobody", "no participant with this id"),
    ),
    (
        "a leader leads two tours in one slot",
        cells(
            cell("tours", 2, "leaders", "st1"),
            cell("tours", 3, "slot_id", "tour"),
            cell("tours", 3, "leaders", "st1"),
        ),
        E("tours", 3, "leaders", "st1", "also leads tour walk (row 2) in tour slot tour"),
    ),
    (
        "a leader away when the tour runs",
        cells(cell("tours", 2, "leaders", "st1"), cell("participants", 10, "away", "tour")),
        E("tours", 2, "leaders", "st1", "is away (participants row 10, away)"),
    ),
    (
        "a leader gone when the tour runs",
        cells(cell("tours", 2, "leaders", "st1"), cell("participants", 10, "departs", at(13))),
        E("tours", 2, "leaders", "st1", "is not at the event during tour slot tour"),
    ),
    (
        "a step-free leader of a walking tour",
        cell("tours", 2, "leaders", "c2-p"),
        E("tours", 2, "leaders", "c2-p", "needs step-free access but this is a walking tour"),
    ),
    (
        "a presenter away when the pinned session runs",
        cell("participants", 2, "away", "b1"),
        E("sessions", 5, "presenters", "c1-a", "is away (participants row 2, away)"),
    ),
    (
        "away in every slot of an attended kind",
        cell("participants", 3, "away", "b1;b2"),
        E("participants", 3, "away", "b1;b2", "away in every breakout slot", "warning"),
    ),
]

OVERLAP = (
    "overlapping slots of one kind",
    cell("slots", 4, "start", at(11)),
    E("slots", 4, "start", "2027-04-20 11:00", "overlaps breakout slot b1 (row 3)"),
)


def _check(tmp_path: Path, form: str, mutate: Callable[[Rows], Any], expected: Expected) -> None:
    path = write_book(mutate(base_rows()), tmp_path / "event", form)
    errors, warnings = problems_of(path)
    if expected.severity == "error":
        # Exactly the one problem: a changed cell never cascades into others.
        assert len(errors) == 1, "\n".join(map(str, errors))
        assert expected.matches(errors[0]), str(errors[0])
    else:
        assert errors == []
        assert any(expected.matches(w) for w in warnings), "\n".join(map(str, warnings))
    shown = str(next(p for p in [*errors, *warnings] if expected.matches(p)))
    assert expected.sheet in shown
    if expected.row is not None:
        assert f"row {expected.row}" in shown
    if expected.column is not None:
        assert f"column {expected.column}" in shown
    if expected.value is not None:
        assert repr(expected.value) in shown


@FORMS
@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_reported_where_it_is(
    tmp_path: Path, form: str, case: str, mutate: Callable[[Rows], Any], expected: Expected
) -> None:
    _check(tmp_path, form, mutate, expected)


def test_overlapping_slots_name_the_start_cell(tmp_path: Path) -> None:
    _check(tmp_path, "xlsx", OVERLAP[1], OVERLAP[2])


def test_overlapping_slots_are_reported_at_the_later_slot(tmp_path: Path) -> None:
    path = write_book(OVERLAP[1](base_rows()), tmp_path / "event")
    errors, _ = problems_of(path)
    assert [(p.sheet, p.row, p.column) for p in errors] == [("slots", 4, "start")]
    assert OVERLAP[2].says in errors[0].message


def test_the_base_workbook_is_valid(tmp_path: Path) -> None:
    assert problems_of(write_book(base_rows(), tmp_path / "event")) == ([], [])


@FORMS
def test_many_problems_are_reported_together(tmp_path: Path, form: str) -> None:
    rows = base_rows()
    for sheet, row, column, value in [
        ("rooms", 2, "capacity", "lots"),
        ("slots", 2, "start", "soon"),
        ("participants", 3, "role", "mayor"),
        ("sessions", 5, "room_id", "r9"),
        ("event", 4, "value", "Mars/Olympus"),
        ("rooms", 4, "room_id", "r 2"),
    ]:
        set_cell(rows, sheet, row, column, value)
    errors, _ = problems_of(write_book(rows, tmp_path / "event", form))
    assert [(p.sheet, p.row, p.column) for p in errors] == [
        ("event", 4, "value"),
        ("participants", 3, "role"),
        ("rooms", 2, "capacity"),
        ("rooms", 4, "room_id"),
        ("sessions", 5, "room_id"),
        ("slots", 2, "start"),
    ]


def test_rows_left_out_do_not_cascade(tmp_path: Path) -> None:
    # City c2 cannot be read (bad population): its three participants still name it, the
    # hall cannot be read either, and the plenary pinned to it is not reported again, nor
    # does the missing hall make the plenary slot look too small.
    rows = base_rows()
    set_cell(rows, "cities", 3, "population", "many")
    set_cell(rows, "rooms", 2, "capacity", "big")
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    assert [(p.sheet, p.row, p.column, p.value) for p in errors] == [
        ("cities", 3, "population", "many"),
        ("rooms", 2, "capacity", "big"),
    ]


def test_problems_are_capped_per_sheet(tmp_path: Path) -> None:
    rows = base_rows()
    rows["preferences"] = [
        {"participant_id": "c1-a", "item_id": "x2", "rank": "first"} for _ in range(250)
    ]
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    assert len(errors) == 101
    summary = [p for p in errors if p.row is None]
    assert len(summary) == 1
    assert "150 more problems" in summary[0].message
