"""Values that pass a glance but would crash a plan later are input problems, found by `check`.

Each case is a workbook a planner could type (a line break from Alt+Enter, a
capacity of 4e18, a date in the year 9999, an id Windows cannot make a file
of, an Excel error value, a cell longer than Excel keeps) and each must be
reported with its sheet, Excel row, column and value before any solving.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from convening.cli import EXIT_INPUT, main
from convening.io import reader
from tests.io.books import base_rows, problems_of, set_cell, write_book

HUGE = 4 * 10**18

CASES: list[tuple[str, int, str, Any, str, str]] = [
    # sheet, row, column, value, words in the message, form
    ("participants", 2, "name", "Ada\nLovelace", "line break", "xlsx"),
    ("rooms", 3, "name", "Room\r\n1", "line break", "xlsx"),
    ("cities", 2, "name", "Fl\nint", "line break", "csv"),
    ("event", 2, "name", "Peer\nexchange", "line break", "xlsx"),
    ("rooms", 2, "capacity", HUGE, "at most 100,000", "xlsx"),
    ("tours", 3, "departures", HUGE, "at most 100,000", "csv"),
    ("sessions", 4, "offered", 10**9, "at most 100,000", "csv"),
    ("preferences", 2, "rank", HUGE, "at most 100,000", "csv"),
    ("networking", 2, "table_size", HUGE, "at most 100,000", "csv"),
    ("slots", 2, "start", "9999-04-20 09:00", "between the years", "csv"),
    ("slots", 2, "end", "9999-04-20 10:00", "between the years", "csv"),
    ("participants", 10, "arrives", "0001-04-20 08:00", "between the years", "csv"),
    ("participants", 2, "participant_id", "p" * 240, "at most 100 characters", "xlsx"),
    ("rooms", 3, "room_id", "CON", "Windows reserves", "xlsx"),
    ("rooms", 3, "room_id", "nul.room", "Windows reserves", "xlsx"),
    ("participants", 3, "participant_id", "C1-A", "differs only in case", "xlsx"),
    ("cities", 2, "name", "#N/A", "Excel error value", "xlsx"),
    ("sessions", 3, "title", "#REF!", "Excel error value", "csv"),
    ("tours", 2, "title", "x" * 40_000, "at most 32,767", "csv"),
    ("sessions", 5, "description", "y" * 32_768, "at most 32,767", "csv"),
    ("participants", 2, "organization", "Acme\x07", "control character", "csv"),
]


def _case_id(case: tuple[str, int, str, Any, str, str]) -> str:
    return f"{case[0]}-{case[2]}-{case[4]}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_a_hostile_value_is_an_input_problem_with_its_cell(
    case: tuple[str, int, str, Any, str, str], tmp_path: Path
) -> None:
    sheet, row, column, value, words, form = case
    rows = base_rows()
    if sheet == "event":
        rows = set_cell(rows, sheet, row, "value", value)
    else:
        rows = set_cell(rows, sheet, row, column, value)
    # Keep the rest of the event sound so that only the hostile cell is reported.
    if column == "participant_id" and row == 2:
        rows = _rename_everywhere(rows, "c1-a", value)
    path = write_book(rows, tmp_path / "event", form)
    errors, _ = problems_of(path)
    found = [p for p in errors if words in p.message]
    assert found, errors
    problem = found[0]
    assert (problem.sheet, problem.row) == (sheet, row)
    assert problem.column == ("value" if sheet == "event" else column)
    assert problem.value is not None


def _rename_everywhere(rows: dict[str, list[dict[str, Any]]], old: str, new: str) -> Any:
    for items in rows.values():
        for item in items:
            for key, cell in item.items():
                if isinstance(cell, str) and old in cell.split(";"):
                    item[key] = ";".join(new if p == old else p for p in cell.split(";"))
    return rows


def test_titles_and_descriptions_may_run_over_several_lines(tmp_path: Path) -> None:
    rows = set_cell(base_rows(), "sessions", 5, "description", "Open data\nand maps")
    rows = set_cell(rows, "sessions", 3, "title", "Land\nbanks")
    errors, _ = problems_of(write_book(rows, tmp_path / "event"))
    assert errors == []


def test_the_limits_themselves_are_accepted(tmp_path: Path) -> None:
    rows = set_cell(base_rows(), "rooms", 2, "capacity", 100_000)
    rows = set_cell(rows, "participants", 10, "participant_id", "p" * 100)
    rows = set_cell(rows, "tours", 3, "title", "t" * 32_767)
    rows = set_cell(rows, "slots", 8, "start", dt.datetime(2027, 4, 20, 10))
    errors, _ = problems_of(write_book(rows, tmp_path / "event", "csv"))
    assert errors == []


def test_check_reports_them_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = set_cell(base_rows(), "participants", 4, "name", "Cy\nPartner")
    rows = set_cell(rows, "rooms", 2, "capacity", HUGE)
    path = write_book(rows, tmp_path / "event")
    assert main(["check", str(path)]) == EXIT_INPUT
    printed = capsys.readouterr().err
    assert "participants row 4, column name" in printed
    assert "rooms row 2, column capacity" in printed
    assert "Traceback" not in printed


# -- files that are damaged, hostile or ambiguous ---------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 4 * 2**20)
    path = write_book(base_rows(), tmp_path / "event")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (8 * 2**20))  # 8 kB packed
    assert path.stat().st_size < 100_000
    errors, _ = problems_of(path)
    assert len(errors) == 1
    assert "would unpack to 8 MB" in errors[0].message


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_sheet_with_more_rows_than_any_event_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    monkeypatch.setattr(reader, "MAX_ROWS", 30)
    rows = base_rows()
    rows["preferences"] += [
        {"participant_id": "c1-a", "item_id": "x2", "rank": 2} for _ in range(40)
    ]
    errors, _ = problems_of(write_book(rows, tmp_path / "event", form))
    assert [(p.sheet, p.row) for p in errors] == [("preferences", 31)]
    assert "more than 30 rows" in errors[0].message


def test_a_password_protected_workbook_gets_advice_about_the_password(tmp_path: Path) -> None:
    # An encrypted Office file is a compound file holding an EncryptionInfo stream.
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
    path = tmp_path / "event.xlsx"
    path.write_bytes(head + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1000)
    errors, _ = problems_of(path)
    assert "protected with a password" in errors[0].message
    assert "save it as an Excel Workbook" not in errors[0].message


CSV_DAMAGE = [
    # what is written into rooms.csv (header + 3 rows), the row reported, words
    (b'room_id,name,capacity\nhall,Main hall,100\nr1,"Room 1,12\nr2,Room 2,12\n', 3, "quote"),
    (b"room_id,name,capacity\nhall,Main hall,100\nr1,Room 1,12\nr2,Ro\0om 2,12\n", 4, "NUL"),
]


@pytest.mark.parametrize(("content", "row", "words"), CSV_DAMAGE, ids=["quote", "nul"])
def test_a_damaged_csv_file_is_reported_at_its_row(
    tmp_path: Path, content: bytes, row: int, words: str
) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    (folder / "rooms.csv").write_bytes(content)
    errors, _ = problems_of(folder)
    found = [p for p in errors if words in p.message]
    assert [(p.sheet, p.row) for p in found] == [("rooms", row)]


def test_two_files_for_one_sheet_are_an_error_not_a_silent_choice(tmp_path: Path) -> None:
    folder = write_book(base_rows(), tmp_path / "event", "csv")
    shutil.copy(folder / "cities.csv", folder / "Cities.csv")
    errors, _ = problems_of(folder)
    assert any(
        p.sheet == "cities" and "'Cities'" in p.message and "'cities'" in p.message for p in errors
    )
