"""The command line when things go wrong around it: full disks, closed pipes, floods of warnings."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from convening._folders import verify_folder
from convening.cli import EXIT_INPUT, EXIT_OK, main
from tests.io.books import base_rows, write_book
from tests.test_validate import sample_plan

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_full_disk_names_the_target_file_and_leaves_the_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import write_outputs
    from convening.export import report

    folder = tmp_path / "plan"
    write_outputs(sample_plan(), folder)
    before = _tree(folder)

    def full(path: Any, text: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(report, "write_text_atomic", full)
    assert main(["report", str(folder)]) == EXIT_INPUT
    printed = " ".join(capsys.readouterr().err.split())
    assert f"No space left on device: {folder / 'report.html'}" in printed
    assert ".convening-" not in printed
    assert _tree(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_an_unwritable_out_is_found_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    args = ["demo", "--example", "peer_exchange", "--out", str(blocker / "plan")]
    assert main(args) == EXIT_INPUT
    printed = capsys.readouterr()
    assert "Planned" not in printed.out
    assert str(blocker) in " ".join(printed.err.split())


def test_warnings_are_summarised_like_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = base_rows()
    rows["preferences"] += [
        {"participant_id": "c1-a", "item_id": f"gone-{i}", "rank": i + 2} for i in range(500)
    ]
    assert main(["check", str(write_book(rows, tmp_path / "event"))]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    items = [line for line in lines if line.startswith("  - ")]
    assert len(items) <= 25
    assert any("more warnings in sheet preferences" in line for line in items)


def test_a_closed_pipe_does_not_stop_the_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    args = ["demo", "--example", "peer_exchange", "--out", str(out), "--time-limit", "1"]
    # As `convening demo ... | head -0`: the reader has gone before the first line.
    read_end, write_end = os.pipe()
    os.close(read_end)
    process = subprocess.run(
        [sys.executable, "-m", "convening.cli", *args],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    os.close(write_end)
    assert process.returncode == EXIT_OK, process.stderr
    assert "Traceback" not in process.stderr
    verify_folder(out)
    assert (out / "plan.json").is_file()


def test_template_refuses_to_overwrite_a_filled_in_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = write_book(base_rows(), tmp_path / "event")
    before = filled.read_bytes()
    assert main(["template", str(filled)]) == EXIT_INPUT
    assert "--force" in capsys.readouterr().err
    assert filled.read_bytes() == before
    assert main(["template", str(filled), "--force"]) == EXIT_OK
    assert filled.read_bytes() != before


def test_report_out_refuses_an_existing_file_and_a_plans_own_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import write_outputs

    folder = tmp_path / "plan"
    write_outputs(sample_plan(), folder)
    workbook = (folder / "plan.xlsx").read_bytes()
    for target in ("plan.xlsx", "plan.json"):
        assert main(["report", str(folder), "--out", str(folder / target), "--force"]) == 2
    assert (folder / "plan.xlsx").read_bytes() == workbook
    mine = tmp_path / "mine.html"
    mine.write_text("my notes")
    assert main(["report", str(folder), "--out", str(mine)]) == EXIT_INPUT
    assert mine.read_text() == "my notes"
    assert main(["report", str(folder), "--out", str(mine), "--force"]) == EXIT_OK
    assert "<html" in mine.read_text().lower()
    # The default target is the folder's own report, replaced with the folder.
    assert main(["report", str(folder)]) == EXIT_OK
    verify_folder(folder)
    assert "exists" in capsys.readouterr().err


def test_a_second_run_into_the_same_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening._folders import folder_lock

    folder = tmp_path / "plan"
    event = write_book(base_rows(), tmp_path / "event")
    # Another process holds the lock (a child, so that the lock is not this process's own).
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from convening._folders import folder_lock\n"
            "with folder_lock(sys.argv[1]):\n print('held', flush=True); time.sleep(60)",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        assert main(["plan", str(event), "--out", str(folder)]) == EXIT_INPUT
        assert "another convening run is writing to" in capsys.readouterr().err
    finally:
        child.kill()
        child.wait()
    with folder_lock(folder):  # free again once the other run has gone, even killed
        pass


def test_python_warnings_are_summarised_too(tmp_path: Path) -> None:
    import warnings

    from convening.io import read_event

    rows = base_rows()
    rows["preferences"] += [
        {"participant_id": "c1-a", "item_id": f"gone-{i}", "rank": i + 2} for i in range(500)
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        event = read_event(write_book(rows, tmp_path / "event"))
    assert len(event.warnings) >= 500  # every one kept
    assert len(caught) <= 25
    assert "more warnings in sheet preferences" in str(caught[-1].message)


def test_planning_a_workbook_kept_in_the_output_folder_never_replaces_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import write_outputs

    folder = tmp_path / "plan"
    write_outputs(sample_plan(), folder)
    mine = folder / "event.xlsx"  # the planner's own workbook, kept with the plan
    before = mine.read_bytes()
    assert main(["plan", str(mine), "--out", str(folder), "--force"]) == EXIT_INPUT
    assert "inside the output folder" in " ".join(capsys.readouterr().err.split())
    assert mine.read_bytes() == before
