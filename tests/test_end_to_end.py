"""From a workbook to a plan's folder, through the command line and the API alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from convening import (
    EventBuilder,
    SolveOptions,
    load_example,
    read_plan,
    solve,
    validate,
    write_event,
)
from convening.cli import EXIT_INFEASIBLE, EXIT_OK, main

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

OPTIONS = ["--time-limit", "10", "--seed", "1", "--workers", "2"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def exchange_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "exchange"
    args = ["demo", "--example", "peer_exchange", "--out", str(out), "--csv", *OPTIONS]
    assert main(args) == EXIT_OK
    return out


def test_the_command_line_plan_keeps_every_rule(exchange_folder: Path) -> None:
    plan = read_plan(exchange_folder)
    assert validate(plan.event, plan) == []
    assert plan.tables, "networking and action-planning tables are part of the plan"


def test_the_api_returns_the_same_plan_as_the_command_line(exchange_folder: Path) -> None:
    written = read_plan(exchange_folder)
    plan = solve(load_example("peer_exchange"), SolveOptions(time_limit=10, seed=1, workers=2))
    assert plan.runs == written.runs
    assert plan.tables == written.tables


def test_planning_again_gives_byte_identical_files(exchange_folder: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    args = ["demo", "--example", "peer_exchange", "--out", str(again), "--csv", *OPTIONS]
    assert main(args) == EXIT_OK
    first, second = _tree(exchange_folder), _tree(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_plan_xlsx_has_the_contract_sheets_with_real_datetimes(exchange_folder: Path) -> None:
    book = openpyxl.load_workbook(exchange_folder / "plan.xlsx")
    assert {"agenda", "itineraries", "metrics"} <= set(book.sheetnames)
    itineraries = book["itineraries"]
    header = [c.value for c in itineraries[1]]
    assert header == [
        "participant_id",
        "slot_id",
        "start",
        "end",
        "activity_id",
        "kind",
        "title",
        "location",
        "table",
    ]
    start = itineraries.cell(row=2, column=3).value
    assert isinstance(start, dt.datetime)
    kinds = {row[5] for row in itineraries.iter_rows(min_row=2, values_only=True)}
    assert {"networking", "action_planning", "breakout", "tour"} <= kinds


def test_an_infeasible_event_exits_3_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = EventBuilder("Impossible", "Albany, NY", "America/New_York")
    b.add_city("c1", "Albany", "NY")
    b.add_participant("p1", "Person", city_id="c1", role="official")
    b.add_room("r1", "Room", 5)
    b.add_slot("b1", dt.datetime(2027, 4, 20, 9), dt.datetime(2027, 4, 20, 10), "breakout")
    b.add_slot("b2", dt.datetime(2027, 4, 20, 11), dt.datetime(2027, 4, 20, 12), "breakout")
    b.add_session("only", "Only session", offered=2)  # the one person cannot attend it twice
    path = write_event(b.build(), tmp_path / "event.xlsx")
    code = main(["plan", str(path), "--out", str(tmp_path / "out"), "--time-limit", "5"])
    assert code == EXIT_INFEASIBLE
    err = capsys.readouterr().err
    assert "No plan" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "plan.xlsx").exists()


def test_the_report_of_a_written_plan_is_the_report_written_with_it(
    exchange_folder: Path, tmp_path: Path
) -> None:
    again = tmp_path / "report.html"
    assert main(["report", str(exchange_folder), "--out", str(again)]) == EXIT_OK
    assert again.read_bytes() == (exchange_folder / "report.html").read_bytes()


def test_csv_views_on_request_use_excel_friendly_utf8_and_iso_times(exchange_folder: Path) -> None:
    agenda = exchange_folder / "csv" / "agenda.csv"
    raw = agenda.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig, so Excel reads accents
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.split(",")[:3] == ["slot_id", "start", "end"]
    dt.datetime.fromisoformat(first.split(",")[1])  # ISO times
