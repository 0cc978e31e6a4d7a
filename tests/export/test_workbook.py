"""plan.xlsx read back with openpyxl: sheets, headers, real datetimes, safe text, same bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from convening.export import write_plan_workbook
from convening.export.workbook import DATETIME_FORMAT
from convening.views import AGENDA_COLUMNS, ITINERARY_COLUMNS, METRICS_COLUMNS, plan_frames
from tests.export.plans import RISKY, risky_plan
from tests.test_validate import sample_plan

SHEETS = [
    "agenda",
    "itineraries",
    "metrics",
    "by_room",
    "tours",
    "networking",
    "action_planning",
    "delegations",
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = write_plan_workbook(sample_plan(), tmp_path_factory.mktemp("out") / "plan.xlsx")
    return openpyxl.load_workbook(path)


def header(sheet: object) -> list[str]:
    return [c.value for c in next(sheet.iter_rows(max_row=1))]  # type: ignore[attr-defined]


def test_the_workbook_has_the_contracts_sheets_and_columns(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS
    assert header(book["agenda"]) == list(AGENDA_COLUMNS)
    assert header(book["itineraries"]) == list(ITINERARY_COLUMNS)
    # The contract's columns first; then each figure in the planner's words.
    assert header(book["metrics"]) == [*METRICS_COLUMNS, "group", "label", "meaning"]


def test_every_sheet_holds_its_view(book: openpyxl.Workbook) -> None:
    frames = plan_frames(sample_plan())
    for name, frame in frames.items():
        sheet = book[name]
        assert header(sheet) == [str(c) for c in frame.columns], name
        assert sheet.max_row == len(frame) + 1, name
    agenda = list(book["agenda"].iter_rows(min_row=2, values_only=True))
    first = frames["agenda"].iloc[0]
    assert agenda[0] == (
        first["slot_id"],
        first["start"].to_pydatetime(),
        first["end"].to_pydatetime(),
        first["activity_id"],
        first["kind"],
        first["title"],
        first["room_id"],
        first["attendees"],
        "Main hall",
    )
    tours = [row for row in agenda if row[4] == "tour"]
    assert tours and all(row[6] is None for row in tours)  # no room: an empty cell
    tables = [row[8] for row in book["itineraries"].iter_rows(min_row=2, values_only=True)]
    # Table numbers are numbers; a coach of several tables gets them as text, e.g. "1;3".
    assert {type(t) for t in tables} == {int, str, type(None)}
    assert all(all(n.isdigit() for n in t.split(";")) for t in tables if isinstance(t, str))


def test_times_are_real_datetimes_with_a_date_time_format(book: openpyxl.Workbook) -> None:
    for name in ("agenda", "itineraries", "tours", "networking", "action_planning"):
        sheet = book[name]
        columns = [i for i, h in enumerate(header(sheet)) if h in ("start", "end")]
        assert columns, name
        for row in sheet.iter_rows(min_row=2, max_row=min(6, sheet.max_row)):
            for i in columns:
                cell = row[i]
                assert isinstance(cell.value, dt.datetime), (name, cell.coordinate)
                assert cell.is_date
                assert cell.number_format == DATETIME_FORMAT
    assert book["agenda"]["B2"].value == dt.datetime(2027, 4, 20, 9, 0)


def test_the_time_zone_is_named_without_changing_the_column_names(
    book: openpyxl.Workbook,
) -> None:
    agenda = book["agenda"]
    assert agenda["B1"].value == "start"
    assert agenda["B1"].comment is not None
    assert "America/New_York" in agenda["B1"].comment.text
    assert agenda["A1"].comment is None
    metrics = {r[0]: r[1] for r in book["metrics"].iter_rows(min_row=2, values_only=True)}
    assert metrics["timezone"] == "America/New_York"
    assert metrics["objective"] == 12


def test_sheets_have_a_frozen_header_a_filter_and_fitted_widths(
    book: openpyxl.Workbook,
) -> None:
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
    agenda = book["agenda"]
    title = agenda.column_dimensions["F"].width
    longest = max(len(str(c.value)) for c in agenda["F"])
    assert longest < title <= 61
    assert agenda.column_dimensions["B"].width >= len("2027-04-20 09:00")


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = write_plan_workbook(risky_plan(), tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    # Excel's escape for a carriage return, which openpyxl leaves as is.
                    texts.add(cell.value.replace("_x000D_", "\r"))
    assert set(RISKY) <= texts
    assert {"=1+2", "=Room", "=topic", "=Event", "=cmd", "-1 loss"} <= texts
    names = [row[5] for row in book["networking"].iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://x","y")' in names
    metrics = {r[0]: r[1] for r in book["metrics"].iter_rows(min_row=2, values_only=True)}
    assert metrics["score"] == -1.5 and metrics["proven"] is True


def test_the_same_plan_gives_the_same_bytes(tmp_path: Path) -> None:
    a = write_plan_workbook(sample_plan(), tmp_path / "a.xlsx")
    b = write_plan_workbook(sample_plan(), tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    # The creation date comes from the event, not from the clock.
    created = openpyxl.load_workbook(a).properties.created
    assert created == dt.datetime(2027, 4, 20, 9, 0)


def test_a_different_plan_gives_different_bytes(tmp_path: Path) -> None:
    a = write_plan_workbook(sample_plan(), tmp_path / "a.xlsx")
    b = write_plan_workbook(risky_plan(), tmp_path / "b.xlsx")
    assert a.read_bytes() != b.read_bytes()


def test_writing_replaces_a_file_whole_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"an earlier plan")
    assert write_plan_workbook(sample_plan(), path) == path
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_a_failed_write_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"an earlier plan")

    def broken_close(self: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("xlsxwriter.Workbook.close", broken_close)
    with pytest.raises(OSError, match="disk full"):
        write_plan_workbook(sample_plan(), path)
    assert path.read_bytes() == b"an earlier plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]
