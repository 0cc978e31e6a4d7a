"""What the reader tells a planner about workbooks that Excel and other tools make in good
faith: dates without a time, formulas without a saved value, a title row above the header,
and optional sheets left empty."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from convening import ConveningWarning, EventError, Problem
from convening.io import EXAMPLES, load_example, read_event, write_event, write_template
from tests.io.books import (
    FORMS,
    Rows,
    as_tables,
    base_rows,
    problems_of,
    read_quietly,
    write_book,
)


def located(problems: list[Problem]) -> list[tuple[Any, ...]]:
    return [(p.sheet, p.row, p.column, p.value, p.severity) for p in problems]


def restyle(path: Path, sheet: str, cell: str, value: Any, number_format: str) -> Path:
    """Put ``value`` with ``number_format`` into one cell, as a planner would in Excel."""
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book[sheet][cell].number_format = number_format
    book.save(path)
    return path


def with_formula(path: Path, sheet: str, cell: str, formula: str) -> Path:
    """Put a formula into one cell and save without its value, as tools other than Excel do."""
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = formula
    book.save(path)
    return path


# -- a date without a time ---------------------------------------------------------------------


# participants row 10 (st1) arrives in column J, slots row 2 (open) starts in column B.
@pytest.mark.parametrize(
    "number_format", ["yyyy-mm-dd", "m/d/yy", "d-mmm-yy", '[$-409]d mmmm yyyy "(no hour)"']
)
def test_a_date_without_a_time_is_read_as_midnight_with_a_warning(
    tmp_path: Path, number_format: str
) -> None:
    path = write_book(base_rows(), tmp_path / "event")
    restyle(path, "participants", "J10", dt.datetime(2027, 4, 20), number_format)
    with pytest.warns(ConveningWarning, match=r"participants row 10, column arrives"):
        event = read_event(path)
    assert event.participant_by_id["st1"].arrives == dt.datetime(2027, 4, 20, 0, 0)
    (warning,) = [p for p in event.warnings if p.sheet == "participants"]
    assert located([warning]) == [("participants", 10, "arrives", "2027-04-20", "warning")]
    assert "date with no time (read as 00:00)" in warning.message
    assert "give the time too, e.g. 2027-04-20 09:00" in warning.message


def test_a_date_only_slot_start_is_named_beside_the_error_it_causes(tmp_path: Path) -> None:
    path = write_book(base_rows(), tmp_path / "event")
    restyle(path, "slots", "C3", dt.datetime(2027, 4, 20), "yyyy-mm-dd")  # b1 ends at 00:00
    errors, found = problems_of(path)
    assert ("slots", 3) in [(p.sheet, p.row) for p in errors]
    assert ("slots", 3, "end", "2027-04-20", "warning") in located(found)


@pytest.mark.parametrize("number_format", ["yyyy-mm-dd hh:mm", "h:mm AM/PM", "mm/dd/yy\\ h:mm"])
def test_midnight_in_a_time_format_is_not_warned_about(tmp_path: Path, number_format: str) -> None:
    path = write_book(base_rows(), tmp_path / "event")
    restyle(path, "participants", "J10", dt.datetime(2027, 4, 20), number_format)
    _, found = problems_of(path)
    assert [p for p in found if p.sheet == "participants"] == []


def test_a_date_in_a_text_column_is_not_warned_about_as_a_time(tmp_path: Path) -> None:
    path = write_book(base_rows(), tmp_path / "event")
    restyle(path, "participants", "F2", dt.datetime(2027, 4, 20), "yyyy-mm-dd")  # organization
    event = read_quietly(path)
    assert event.participant_by_id["c1-a"].organization == "2027-04-20 00:00"
    assert [p for p in event.warnings if p.sheet == "participants"] == []


# -- a formula without a saved value -----------------------------------------------------------


def test_a_formula_without_a_value_in_a_required_column_is_an_error(tmp_path: Path) -> None:
    path = with_formula(write_book(base_rows(), tmp_path / "event"), "rooms", "C3", "=6*2")
    errors, _ = problems_of(path)
    assert located(errors) == [("rooms", 3, "capacity", "=6*2", "error")]
    assert "formula with no saved value" in errors[0].message
    assert "open and save the workbook in Excel" in errors[0].message


def test_a_formula_without_a_value_in_an_optional_column_is_a_warning(tmp_path: Path) -> None:
    path = with_formula(write_book(base_rows(), tmp_path / "event"), "cities", "E3", "=69000+1")
    with pytest.warns(ConveningWarning, match="cities row 3, column population"):
        event = read_event(path)
    assert event.city_by_id["c2"].population is None
    assert ("cities", 3, "population", "=69000+1", "warning") in located(list(event.warnings))


def test_a_formula_whose_saved_result_is_empty_text_is_not_flagged(tmp_path: Path) -> None:
    # Excel saves =IFERROR(...,"") that came out empty as a string cell with an empty value.
    path = with_formula(
        write_book(base_rows(), tmp_path / "event"), "cities", "E3", '=IF(1=1,"",1)'
    )
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    cell = re.compile(rb'<c r="E3"([^>]*)>(<f>IF\(1=1,"",1\)</f>)(<v\s*/>|<v>\s*</v>)?</c>')
    patched = {
        name: cell.sub(rb'<c r="E3"\1 t="str">\2<v></v></c>', data) for name, data in parts.items()
    }
    assert patched != parts
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in patched.items():
            archive.writestr(name, data)
    event = read_quietly(path)
    assert event.city_by_id["c2"].population is None
    assert [p for p in event.warnings if p.sheet == "cities"] == []


def test_a_formula_without_a_value_on_the_event_sheet(tmp_path: Path) -> None:
    path = with_formula(write_book(base_rows(), tmp_path / "event"), "event", "B2", '="Peer"')
    errors, _ = problems_of(path)
    assert located(errors) == [("event", 2, "value", '="Peer"', "error")]
    assert "formula with no saved value" in errors[0].message


def test_formulas_with_saved_values_are_read_without_a_second_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = as_tables(base_rows())
    path = tmp_path / "event.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, rows in tables.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(
                        r, c, value, book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
                    )
                elif value is not None:
                    sheet.write(r, c, value)
    book.worksheets()[3].write_formula(2, 2, "=6*2", None, 12)  # rooms C3, saved value 12
    book.close()
    opened: list[bool] = []
    load = openpyxl.load_workbook

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(kwargs.get("data_only", False))
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    event = read_quietly(path)
    assert event.room_by_id["r1"].capacity == 12
    assert opened == [True]


# -- a title row above the header --------------------------------------------------------------


def titled(rows: Rows, sheet: str, *above: list[Any]) -> dict[str, list[list[Any]]]:
    tables = as_tables(rows)
    tables[sheet] = [*above, *tables[sheet]]
    return tables


@FORMS
def test_a_title_row_above_the_header_is_named(tmp_path: Path, form: str) -> None:
    tables = titled(base_rows(), "rooms", ["Rooms for the exchange"])
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    rooms = [p for p in errors if p.sheet == "rooms"]
    title = [p for p in rooms if p.column is None]
    assert located(title) == [("rooms", 1, None, "Rooms for the exchange", "error")]
    assert title[0].message == (
        "row 1 reads 'Rooms for the exchange'; the first row must be the header "
        "(found the header in row 2)"
    )
    missing = sorted(p.column for p in rooms if "is missing" in p.message)
    assert missing == ["capacity", "name", "room_id"]


@FORMS
def test_a_title_row_is_named_when_the_header_is_a_few_rows_down(
    tmp_path: Path, form: str
) -> None:
    tables = titled(base_rows(), "slots", ["Programme", "", "draft 3"], [], ["by day"])
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    (title,) = [p for p in errors if p.sheet == "slots" and p.column is None]
    assert (title.row, title.value) == (1, "Programme draft 3")
    assert title.message.endswith("(found the header in row 4)")


@FORMS
def test_a_title_row_without_a_header_below_asks_for_the_column_names(
    tmp_path: Path, form: str
) -> None:
    tables = as_tables(base_rows())
    tables["rooms"] = [["Rooms for the exchange"], *tables["rooms"][1:]]
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    rooms = [p for p in errors if p.sheet == "rooms"]
    assert sorted((p.row, p.column) for p in rooms) == [
        (1, "capacity"),
        (1, "name"),
        (1, "room_id"),
    ]
    for problem in rooms:
        assert problem.message.startswith(f"the required column {problem.column} is missing")
        assert problem.message.endswith(
            "row 1 reads 'Rooms for the exchange'; the first row must be the column names"
        )


@FORMS
def test_a_header_with_a_misspelt_column_is_not_called_a_title(tmp_path: Path, form: str) -> None:
    tables = as_tables(base_rows())
    tables["rooms"][0][tables["rooms"][0].index("capacity")] = "seats"
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    assert [(p.sheet, p.row, p.column, p.message) for p in errors] == [
        ("rooms", 1, "capacity", "the required column capacity is missing from the header row")
    ]


def test_a_title_row_above_the_event_sheet_header(tmp_path: Path) -> None:
    tables = titled(base_rows(), "event", ["About the event"])
    errors, _ = problems_of(write_book(tables, tmp_path / "event"))
    titles = [p for p in errors if p.sheet == "event" and p.column is None]
    assert located(titles) == [("event", 1, None, "About the event", "error")]
    assert "(found the header in row 2)" in titles[0].message


# -- empty optional sheets ---------------------------------------------------------------------


def without_tour_slots() -> Rows:
    rows = base_rows()
    rows["slots"] = [s for s in rows["slots"] if s["kind"] != "tour"]
    rows["preferences"] = [p for p in rows["preferences"] if p["item_id"] != "walk"]
    return rows


@FORMS
def test_an_empty_tours_sheet_without_tour_slots_reads_like_no_tours_sheet(
    tmp_path: Path, form: str
) -> None:
    tables = as_tables(without_tour_slots())
    tables["tours"] = []
    empty = read_quietly(write_book(tables, tmp_path / "empty", form))
    del tables["tours"]
    absent = read_quietly(write_book(tables, tmp_path / "absent", form))
    assert empty.tours == () and empty == absent
    assert [str(p) for p in empty.warnings] == [str(p) for p in absent.warnings]


@FORMS
@pytest.mark.parametrize("sheet", ["preferences", "networking", "networking_rules"])
def test_other_empty_optional_sheets_read_like_missing_ones(
    tmp_path: Path, form: str, sheet: str
) -> None:
    tables = as_tables(base_rows())
    tables[sheet] = []
    event = read_quietly(write_book(tables, tmp_path / "event", form))
    assert getattr(event, sheet) == ()


@FORMS
def test_an_empty_tours_sheet_with_tour_slots_says_there_are_no_tours(
    tmp_path: Path, form: str
) -> None:
    tables = as_tables(base_rows())
    tables["tours"] = []
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    assert [(p.sheet, p.row) for p in errors if "the tours sheet has no tours" in p.message] == [
        ("slots", 6)
    ]
    assert not any("sheet is empty" in p.message for p in errors)


@FORMS
def test_an_empty_required_sheet_stays_an_error(tmp_path: Path, form: str) -> None:
    tables = as_tables(base_rows())
    tables["rooms"] = []
    errors, _ = problems_of(write_book(tables, tmp_path / "event", form))
    assert [(p.sheet, p.row, p.column) for p in errors] == [("rooms", None, None)]
    assert errors[0].message.startswith("the sheet is empty")
    assert "room_id, name, capacity" in errors[0].message


# -- no new warnings for ordinary workbooks ----------------------------------------------------


def test_the_template_reads_without_warnings(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        event = read_event(path)
    assert event.warnings == ()


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_written_as_workbooks_read_with_only_their_own_warnings(
    tmp_path: Path, name: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            event = load_example(name)
        except EventError:
            pytest.skip(f"the {name} example does not read yet")
    again = read_quietly(write_event(event, tmp_path / f"{name}.xlsx"))
    assert again == event
    assert [str(p) for p in again.warnings] == [str(p) for p in event.warnings]


def test_warnings_about_the_file_itself_are_kept_with_the_event(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    cities = (folder / "cities.csv").read_text(encoding="utf-8-sig").replace("Gary", "Gáry")
    (folder / "cities.csv").write_bytes(cities.encode("cp1252"))
    event = read_quietly(folder)
    (warning,) = [p for p in event.warnings if p.sheet == "cities"]
    assert "cities.csv is not UTF-8 text" in warning.message and not warning.is_error
