"""Reading workbooks and CSV folders: both forms, Excel's ways with cells, and files
that are not what they should be."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path

import pytest

from convening import (
    ConveningError,
    ConveningWarning,
    DelegationShapeWarning,
    EventError,
    Role,
    SlotKind,
)
from convening.io import EXAMPLES, load_example, read_event, write_event
from tests.io.books import (
    FORMS,
    as_tables,
    base_rows,
    problems_of,
    read_quietly,
    set_cell,
    write_book,
)

DATA = Path(__file__).resolve().parents[2] / "src" / "convening" / "data"


def test_workbook_and_csv_folder_read_to_the_same_event(tmp_path: Path) -> None:
    from_xlsx = read_quietly(write_book(base_rows(), tmp_path / "event", "xlsx"))
    from_csv = read_quietly(write_book(base_rows(), tmp_path / "event", "csv"))
    assert from_xlsx == from_csv
    assert [p.row for p in from_xlsx.participants] == [p.row for p in from_csv.participants]
    assert [p.row for p in from_xlsx.participants] == list(range(2, 11))
    staff = from_csv.participant_by_id["st1"]
    assert staff.role is Role.STAFF
    assert staff.arrives == dt.datetime(2027, 4, 20, 8, 0)
    assert from_csv.session_by_id["x3"].presenters == ("c1-a", "c2-p")
    assert from_csv.room_by_id["r2"].accessible is False
    assert from_csv.room_by_id["hall"].accessible is True  # the default
    assert from_csv.tour_by_id["bus"].departures == 1  # the default
    assert from_csv.city_by_id["c2"].latitude == pytest.approx(41.6)
    assert from_csv.venue == "Empire Hall"


@FORMS
def test_write_event_then_read_gives_an_equal_event(tmp_path: Path, form: str) -> None:
    event = read_quietly(write_book(base_rows(), tmp_path / "first", form))
    target = tmp_path / ("again.xlsx" if form == "xlsx" else "again")
    assert read_quietly(write_event(event, target)) == event


@FORMS
def test_written_files_are_byte_identical(tmp_path: Path, form: str) -> None:
    event = read_quietly(write_book(base_rows(), tmp_path / "first", form))
    suffix = ".xlsx" if form == "xlsx" else ""
    one = write_event(event, tmp_path / f"one{suffix}")
    two = write_event(event, tmp_path / f"two{suffix}")
    files_one = sorted(one.glob("*.csv")) if form == "csv" else [one]
    files_two = sorted(two.glob("*.csv")) if form == "csv" else [two]
    assert [f.read_bytes() for f in files_one] == [f.read_bytes() for f in files_two]


@pytest.mark.parametrize("name", EXAMPLES)
def test_built_in_examples_load(name: str) -> None:
    if not (DATA / name / "participants.csv").exists():
        pytest.skip(f"the {name} example data is not written yet")
    event = read_quietly(DATA / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load_example(name)
    assert loaded == event
    assert loaded.slots_of(SlotKind.BREAKOUT)


def test_an_unknown_example_is_a_convening_error() -> None:
    with pytest.raises(ConveningError, match="new_orleans"):
        load_example("atlantis")


# -- Excel's ways with cells ------------------------------------------------------------------


def test_numbers_where_ids_and_text_belong_read_as_excel_shows_them(tmp_path: Path) -> None:
    rows = base_rows()
    set_cell(rows, "participants", 9, "participant_id", 101)  # spk, presenter of welcome
    set_cell(rows, "sessions", 2, "presenters", 101.0)
    set_cell(rows, "cities", 2, "name", 1999)
    event = read_quietly(write_book(rows, tmp_path / "event"))
    assert "101" in event.participant_by_id
    assert event.session_by_id["welcome"].presenters == ("101",)
    assert event.city_by_id["c1"].name == "1999"


@pytest.mark.parametrize(
    ("cell", "value"),
    [(12, 12), (12.0, 12), ("12", 12), ("12.0", 12), (" 12 ", 12), ("1.2e1", 12)],
)
def test_whole_numbers_are_read_in_their_usual_spellings(
    tmp_path: Path, cell: object, value: int
) -> None:
    rows = set_cell(base_rows(), "rooms", 3, "capacity", cell)
    assert read_quietly(write_book(rows, tmp_path / "event")).room_by_id["r1"].capacity == value


@pytest.mark.parametrize(
    ("cell", "value"),
    [(True, True), (False, False), ("yes", True), ("N", False), ("TRUE", True), (1, True)],
)
def test_booleans_are_read_in_their_usual_spellings(
    tmp_path: Path, cell: object, value: bool
) -> None:
    rows = set_cell(base_rows(), "rooms", 4, "accessible", cell)
    assert read_quietly(write_book(rows, tmp_path / "event")).room_by_id["r2"].accessible is value


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2027, 4, 20, 8, 0),
        "2027-04-20T08:00",
        "2027-04-20 08:00",
        "2027-04-20 8:00",
    ],
)
def test_datetimes_are_read_from_excel_and_iso_text(tmp_path: Path, cell: object) -> None:
    rows = set_cell(base_rows(), "participants", 10, "arrives", cell)
    event = read_quietly(write_book(rows, tmp_path / "event"))
    assert event.participant_by_id["st1"].arrives == dt.datetime(2027, 4, 20, 8, 0)


def test_enum_words_ignore_case_and_spacing(tmp_path: Path) -> None:
    rows = base_rows()
    set_cell(rows, "slots", 7, "kind", " Action Planning ")
    set_cell(rows, "participants", 2, "role", "OFFICIAL")
    event = read_quietly(write_book(rows, tmp_path / "event"))
    assert event.slot_by_id["ap"].kind is SlotKind.ACTION_PLANNING


def test_headers_ignore_case_blanks_order_and_extra_columns(tmp_path: Path) -> None:
    tables = as_tables(base_rows())
    header, *body = tables["participants"]
    order = list(reversed(range(len(header))))
    tables["participants"] = [
        [f"  {header[i].upper()} " for i in order] + ["Notes"],
        *[[row[i] for i in order] + ["call first"] for row in body],
    ]
    expected = read_quietly(write_book(base_rows(), tmp_path / "plain"))
    assert read_quietly(write_book(tables, tmp_path / "shuffled")) == expected


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path: Path) -> None:
    tables = as_tables(base_rows())
    header, *body = tables["rooms"]
    width = len(header)
    tables["rooms"] = [header, [None] * width, body[0], ["  "] * width, *body[1:]]
    set_row = tables["rooms"][5]
    set_row[header.index("capacity")] = "lots"  # the last room, now Excel row 6
    errors, _ = problems_of(write_book(tables, tmp_path / "event"))
    assert [(p.sheet, p.row, p.column, p.value) for p in errors] == [
        ("rooms", 6, "capacity", "lots")
    ]


def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    rooms = folder / "rooms.csv"
    rooms.write_text(
        "room_id;name;capacity;accessible\nhall;Main hall;100;\nr1;Room 1;12;yes\n"
        "r2;Room 2;12;no\n",
        encoding="utf-8",
    )
    assert read_quietly(folder).room_by_id["r2"].accessible is False


def test_the_readme_and_other_sheets_are_ignored(tmp_path: Path) -> None:
    tables = {"README": [["anything"], ["at all"]], **as_tables(base_rows()), "notes": [[1]]}
    expected = read_quietly(write_book(base_rows(), tmp_path / "plain"))
    assert read_quietly(write_book(tables, tmp_path / "extra")) == expected


@FORMS
def test_optional_sheets_may_be_missing(tmp_path: Path, form: str) -> None:
    rows = base_rows()
    for name in ("preferences", "networking", "networking_rules"):
        del rows[name]
    event = read_quietly(write_book(rows, tmp_path / "event", form))
    assert event.preferences == event.networking == event.networking_rules == ()


def test_unknown_event_key_is_a_warning_and_a_repeated_key_an_error(tmp_path: Path) -> None:
    rows = base_rows()
    rows["event"].append({"key": "colour", "value": "blue"})  # row 6
    with pytest.warns(ConveningWarning, match="event row 6, column key: unknown key"):
        read_event(write_book(rows, tmp_path / "one"))
    rows["event"].append({"key": "Name", "value": "Again"})  # row 7
    errors, _ = problems_of(write_book(rows, tmp_path / "two"))
    assert [(p.sheet, p.row, p.column, p.value) for p in errors] == [("event", 7, "key", "Name")]
    assert "first in row 2" in errors[0].message


def test_a_missing_event_key_names_the_key(tmp_path: Path) -> None:
    rows = base_rows()
    del rows["event"][2]  # timezone
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    assert [(p.sheet, p.column) for p in errors] == [("event", "key")]
    assert "timezone" in errors[0].message


def test_delegation_warnings_are_issued(tmp_path: Path) -> None:
    rows = set_cell(base_rows(), "participants", 4, "role", "official")
    with pytest.warns(DelegationShapeWarning, match="cities row 2"):
        read_event(write_book(rows, tmp_path / "event"))


# -- files that are not what they should be ---------------------------------------------------


def _one_problem(path: Path) -> str:
    with pytest.raises(EventError) as caught:
        read_quietly(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_a_path_that_does_not_exist(tmp_path: Path) -> None:
    assert "no file or folder" in _one_problem(tmp_path / "nothing.xlsx")


def test_an_empty_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "event.xlsx"
    path.write_bytes(b"")
    assert "empty" in _one_problem(path)


def test_an_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "event.xlsx"
    path.write_text("city_id,name\nc1,Flint\n")
    assert "not an Excel .xlsx workbook" in _one_problem(path)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "event.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "cannot be opened as an Excel workbook" in _one_problem(path)


def test_a_single_csv_file_asks_for_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "cities.csv"
    path.write_text("city_id,name,state\n")
    assert "folder" in _one_problem(path)


def test_a_folder_without_csv_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi")
    assert "has no CSV files" in _one_problem(tmp_path)


def test_an_empty_csv_file_is_an_empty_sheet(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    (folder / "rooms.csv").write_bytes(b"")
    errors, _ = problems_of(folder)
    assert [(p.sheet, p.row) for p in errors] == [("rooms", None)]
    assert "the sheet is empty" in errors[0].message


def test_a_sheet_with_only_a_header(tmp_path: Path) -> None:
    rows = base_rows()
    rows["participants"] = []
    tables = as_tables(rows)
    tables["participants"] = [["participant_id", "name", "city_id", "role"]]
    errors, _ = problems_of(write_book(tables, tmp_path / "event"))
    assert ("participants", None) in [(p.sheet, p.row) for p in errors]
    assert any("has no rows" in p.message for p in errors)


def test_cp1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    cities = (folder / "cities.csv").read_text(encoding="utf-8-sig").replace("Gary", "Gáry")
    (folder / "cities.csv").write_bytes(cities.encode("cp1252"))
    with pytest.warns(UserWarning, match=r"cities\.csv is not UTF-8 text; it was read as"):
        event = read_event(folder)
    assert event.city_by_id["c2"].name == "Gáry"


def test_csv_in_no_known_encoding_names_the_file(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    (folder / "rooms.csv").write_bytes(b"room_id,name,capacity\nhall,Main \x81\x8d,100\n")
    errors, _ = problems_of(folder)
    assert [(p.sheet, p.row) for p in errors] == [("rooms", None)]
    assert "rooms.csv is not UTF-8 text" in errors[0].message


def test_utf16_csv_is_read(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    text = (folder / "cities.csv").read_text(encoding="utf-8-sig")
    (folder / "cities.csv").write_bytes(text.encode("utf-16"))
    assert read_quietly(folder).city_by_id["c2"].name == "Gary"


def test_a_binary_file_named_csv(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    write_book(base_rows(), tmp_path / "book", "xlsx")
    (folder / "rooms.csv").write_bytes((tmp_path / "book.xlsx").read_bytes())
    errors, _ = problems_of(folder)
    assert [(p.sheet, p.row) for p in errors] == [("rooms", None)]
    assert "not a text CSV file" in errors[0].message


@FORMS
def test_a_hundred_thousand_blank_rows_are_skipped(tmp_path: Path, form: str) -> None:
    tables = as_tables(base_rows())
    width = len(tables["participants"][0])
    blank = [None] * (width - 1) + ["  "]
    tables["participants"] += [blank] * 100_000
    tables["participants"].append(tables["participants"][1][:])  # a duplicate at the end
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    assert [(p.sheet, p.row, p.column) for p in errors] == [
        ("participants", 100_011, "participant_id")
    ]


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_the_columns_of_who_takes_a_place_are_read(tmp_path: Path, form: str) -> None:
    rows = base_rows()
    set_cell(rows, "participants", 10, "attends", "Plenary; networking")
    set_cell(rows, "participants", 9, "away", "b1;b2")
    set_cell(rows, "slots", 8, "title", "Coffee and pastries")
    set_cell(rows, "slots", 8, "location", "Terrace")
    set_cell(rows, "tours", 3, "leaders", "st1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = read_event(write_book(rows, tmp_path / "event", form))
    people = event.participant_by_id
    assert people["st1"].attends == ("plenary", "networking")  # words as the contract spells them
    assert people["st1"].attended_kinds == {SlotKind.PLENARY, SlotKind.NETWORKING}
    assert people["spk"].away == ("b1", "b2")
    coffee = event.slot_by_id["coffee"]
    assert (coffee.title, coffee.location) == ("Coffee and pastries", "Terrace")
    assert event.tour_by_id["bus"].leaders == ("st1",)
    # Written back and read again, nothing is lost.
    target = tmp_path / ("again.xlsx" if form == "xlsx" else "again")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert read_event(write_event(event, target)) == event


def test_a_workbook_without_the_new_columns_takes_the_defaults(tmp_path: Path) -> None:
    event = read_event(write_book(base_rows(), tmp_path / "event"))
    staff = event.participant_by_id["st1"]
    assert staff.attends is None and staff.away == ()
    assert staff.attended_kinds == {SlotKind.PLENARY}  # staff work the event
    assert event.participant_by_id["c1-a"].attended_kinds == set(SlotKind) - {SlotKind.BREAK}
    assert all(s.title is None for s in event.slots) and all(not t.leaders for t in event.tours)
