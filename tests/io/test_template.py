"""The blank template: the contract's sheets and headers, a README, and example rows
that read back as a valid event."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl

from convening.io import read_event, write_template
from convening.io.schema import SHEETS


def test_template_has_the_contract_sheets_and_headers(tmp_path: Path) -> None:
    path = write_template(tmp_path / "event.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", *(s.name for s in SHEETS)]
    for sheet in SHEETS:
        worksheet = book[sheet.name]
        header = [c.value for c in worksheet[1]]
        assert header == [c.name for c in sheet.columns]
        assert all(c.font.b for c in worksheet[1])
        assert worksheet.freeze_panes == "A2"
        assert worksheet.max_row >= 2, f"{sheet.name} has no example row"


def test_readme_explains_every_column_and_key(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "event.xlsx"))
    rows = list(book["README"].iter_rows(values_only=True))
    assert rows[0] == ("sheet", "column", "required", "type", "allowed values", "meaning")
    explained = {(r[0], r[1]): r for r in rows[1:]}
    for sheet in SHEETS:
        for column in sheet.columns:
            row = explained[(sheet.name, column.name)]
            assert row[2] == ("yes" if column.required else "no")
            assert row[3] == column.type.words
            assert row[5] == column.meaning and column.meaning
            for choice in column.choices:
                assert choice in row[4]
        for key in sheet.keys:
            assert explained[(sheet.name, f"key {key.name}")][5] == key.meaning


def test_readme_points_at_the_survey_import(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "event.xlsx"))
    about_preferences = [
        r[5] for r in book["README"].iter_rows(values_only=True) if r[0] == "preferences"
    ]
    assert any("convening import-survey" in (text or "") for text in about_preferences)


def test_template_reads_back_as_a_valid_event_without_warnings(tmp_path: Path) -> None:
    path = write_template(tmp_path / "event.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        event = read_event(path)
    assert event.warnings == ()
    assert event.delegations[0].is_usual_shape
    assert event.networking and event.networking_rules and event.preferences


def test_template_is_byte_identical_each_time(tmp_path: Path) -> None:
    one = write_template(tmp_path / "one.xlsx").read_bytes()
    assert write_template(tmp_path / "two.xlsx").read_bytes() == one


def test_template_path_gets_the_xlsx_suffix(tmp_path: Path) -> None:
    assert write_template(tmp_path / "my-event").name == "my-event.xlsx"
    assert write_template(tmp_path) == tmp_path / "event.xlsx"
