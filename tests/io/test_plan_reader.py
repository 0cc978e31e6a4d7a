"""A plan's folder reads back to an equal plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convening import ConveningError, SolveStatus, read_plan, write_outputs
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
    with pytest.raises(ConveningError, match=r"event\.xlsx is missing"):
        read_plan(tmp_path)


def test_damaged_or_foreign_plan_data_is_an_error(tmp_path: Path) -> None:
    write_outputs(sample_plan(), tmp_path / "out")
    data_path = tmp_path / "out" / "plan.json"
    data = json.loads(data_path.read_text())
    data["event"] = "Some other event"
    data_path.write_text(json.dumps(data))
    with pytest.raises(ConveningError, match="not"):
        read_plan(tmp_path / "out")
    data_path.write_text("{ not json")
    with pytest.raises(ConveningError, match="damaged"):
        read_plan(tmp_path / "out")
    data_path.write_text(json.dumps({"format": "convening-plan/1", "event": "Peer exchange"}))
    with pytest.raises(ConveningError, match="damaged"):
        read_plan(tmp_path / "out")


@pytest.mark.parametrize("status", ["infeasible", "no_solution"])
def test_a_plan_is_never_infeasible_or_without_solution(tmp_path: Path, status: str) -> None:
    # Those outcomes raise InfeasibleError and give no plan, so plan data that claims one
    # was not written by convening.
    write_outputs(sample_plan(), tmp_path / "out")
    data_path = tmp_path / "out" / "plan.json"
    data = json.loads(data_path.read_text())
    assert data["status"] in {s.value for s in SolveStatus}
    data["status"] = status
    data_path.write_text(json.dumps(data))
    with pytest.raises(ConveningError, match="damaged"):
        read_plan(tmp_path / "out")
