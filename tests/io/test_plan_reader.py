"""A plan's folder reads back to an equal plan."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from convening import ConveningError, SolveStatus, read_plan, write_event, write_outputs
from convening._folders import MANIFEST, OutputFolderError
from convening.cli import EXIT_INPUT, main
from tests.test_validate import sample_plan


def test_a_written_plan_reads_back_equal(tmp_path: Path) -> None:
    plan = sample_plan()
    write_outputs(plan, tmp_path / "out")
    again = read_plan(tmp_path / "out")
    assert again.event == plan.event
    assert again.runs == plan.runs
    assert again.tables == plan.tables
    assert again.status == plan.status
    assert dict(again.metrics) == {k: v for k, v in plan.metrics.items()}


def test_a_folder_without_a_plan_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConveningError, match=r"event\.xlsx is missing") as err:
        read_plan(tmp_path)
    # In Python's words: the command line says its own (tests/test_cli.py).
    assert "convening.write_outputs(plan, folder)" in str(err.value)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("written") / "out"
    write_outputs(sample_plan(), out)
    return out


def _plan_folder(tmp_path: Path, written: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(written, out)
    return out


def _write_data(folder: Path, text: str) -> None:
    """Replace plan.json as a hand or another tool would, the manifest gone with it."""
    (folder / "plan.json").write_text(text)
    (folder / MANIFEST).unlink()


def test_a_folder_that_no_longer_matches_its_manifest_is_refused(
    tmp_path: Path, written: Path
) -> None:
    out = _plan_folder(tmp_path, written)
    (out / "calendars" / "event.ics").unlink()  # half deleted
    with pytest.raises(OutputFolderError, match=r"1 missing \(calendars/event\.ics\)"):
        read_plan(out)
    out = _plan_folder(tmp_path / "again", written)
    (out / "plan.json").write_text((out / "plan.json").read_text().replace("bo1", "bo2", 1))
    with pytest.raises(OutputFolderError, match=r"changed since written \(plan\.json\)"):
        read_plan(out)


def _edit(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], str]:
    def damage(folder: Path) -> str:
        data = json.loads((folder / "plan.json").read_text())
        change(data)
        return json.dumps(data)

    return damage


DAMAGES: dict[str, tuple[Callable[[Path], str], str]] = {
    "not json": (lambda _: "{ not json", "damaged"),
    "deeply nested": (lambda _: "[" * 200_000 + "]" * 200_000, "nests too deeply"),
    "another event's name": (
        _edit(lambda d: d.update(event="Some other event")),
        "not 'Peer exchange'",
    ),
    "another event's ids": (
        _edit(lambda d: d.update(fingerprint="0" * 16)),
        "another event of the same name",
    ),
    "no runs": (
        lambda _: json.dumps({"format": "convening-plan/1", "event": "Peer exchange"}),
        "runs are not a list",
    ),
    "unknown session": (
        _edit(lambda d: d["runs"][1].update(activity_id="nope")),
        "run 2: session 'nope' is not in the event",
    ),
    "unknown slot": (_edit(lambda d: d["runs"][0].update(slot_id="s99")), "slot 's99'"),
    "unknown room": (_edit(lambda d: d["runs"][0].update(room_id="attic")), "room 'attic'"),
    "unknown attendee": (
        _edit(lambda d: d["runs"][0]["attendees"].append("ghost")),
        "participant 'ghost'",
    ),
    "attendees not a list": (
        _edit(lambda d: d["runs"][0].update(attendees=7)),
        "attendees is not a list",
    ),
    "table number as text": (
        _edit(lambda d: d["tables"][0].update(number="3")),
        "number '3' is not a table number",
    ),
    "unknown city": (
        _edit(lambda d: d["tables"][-1].update(city_id="atlantis")),
        "city 'atlantis'",
    ),
    "unknown status": (_edit(lambda d: d.update(status="great")), "status 'great'"),
    "metrics not a table": (_edit(lambda d: d.update(metrics=[1])), "metrics"),
}


@pytest.mark.parametrize("name", DAMAGES)
def test_damaged_or_foreign_plan_data_is_a_clear_error(
    tmp_path: Path, written: Path, name: str
) -> None:
    out = _plan_folder(tmp_path, written)
    damage, words = DAMAGES[name]
    _write_data(out, damage(out))
    with pytest.raises(ConveningError, match=re.escape(words)) as caught:
        read_plan(out)
    assert "plan.json" in str(caught.value)


def test_report_and_replan_refuse_a_damaged_plan_without_a_traceback(
    tmp_path: Path, written: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _plan_folder(tmp_path, written)
    _write_data(out, DAMAGES["unknown session"][0](out))
    event = write_event(sample_plan().event, tmp_path / "event.xlsx")
    assert main(["report", str(out)]) == EXIT_INPUT
    args = ["replan", str(event), "--previous", str(out), "--out", str(tmp_path / "v2")]
    assert main(args) == EXIT_INPUT
    printed = " ".join(capsys.readouterr().err.split())
    assert printed.count("session 'nope' is not in the event") == 2
    assert "Traceback" not in printed
    assert not (tmp_path / "v2").exists()


def test_problems_in_the_previous_plans_workbook_are_said_to_be_there(
    tmp_path: Path, written: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _plan_folder(tmp_path, written)
    book = openpyxl.load_workbook(out / "event.xlsx")
    book["rooms"]["C2"] = "many"  # capacity
    book.save(out / "event.xlsx")
    (out / MANIFEST).unlink()
    event = write_event(sample_plan().event, tmp_path / "event.xlsx")
    args = ["replan", str(event), "--previous", str(out), "--out", str(tmp_path / "v2")]
    assert main(args) == EXIT_INPUT
    printed = " ".join(capsys.readouterr().err.split())
    assert f"The earlier plan in {out} has problems in its event.xlsx, 1 problem" in printed
    assert "rooms row 2, column capacity" in printed
    assert "must be fixed before planning" not in printed


@pytest.mark.parametrize("status", ["infeasible", "no_solution"])
def test_a_plan_is_never_infeasible_or_without_solution(
    tmp_path: Path, written: Path, status: str
) -> None:
    # Those outcomes raise InfeasibleError and give no plan, so plan data that claims one
    # was not written by convening.
    out = _plan_folder(tmp_path, written)
    data = json.loads((out / "plan.json").read_text())
    assert data["status"] in {s.value for s in SolveStatus}
    data["status"] = status
    _write_data(out, json.dumps(data))
    with pytest.raises(ConveningError, match=f"status '{status}'"):
        read_plan(out)
