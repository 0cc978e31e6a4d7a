"""One call writes every output, and never mixes two plans' files in one folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from convening.export import OutputFolderError, write_outputs
from tests.test_validate import sample_plan


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_writes_workbook_calendars_and_agenda(tmp_path: Path) -> None:
    plan = sample_plan()
    written = write_outputs(plan, tmp_path / "out")
    names = {str(p.relative_to(tmp_path / "out")) for p in written}
    assert {"plan.xlsx", "agenda.html", "report.html", "calendars/event.ics"} <= names
    people = {p.participant_id for p in plan.event.participants}
    assert {f"calendars/participants/{pid}.ics" for pid in people} <= names
    assert names == set(_tree(tmp_path / "out"))


def test_same_plan_gives_byte_identical_files(tmp_path: Path) -> None:
    plan = sample_plan()
    write_outputs(plan, tmp_path / "a")
    write_outputs(plan, tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_refuses_a_folder_with_an_earlier_plan_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(sample_plan(), out)
    stale = out / "calendars" / "participants" / "someone-gone.ics"
    stale.write_text("old")
    with pytest.raises(OutputFolderError, match="force=True"):
        write_outputs(sample_plan(), out)
    write_outputs(sample_plan(), out, force=True)
    assert not stale.exists()
    assert (out / "plan.xlsx").exists()


def test_never_deletes_files_that_are_not_a_plans(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.docx").write_text("mine")
    with pytest.raises(OutputFolderError, match=r"notes\.docx"):
        write_outputs(sample_plan(), out, force=True)
    assert (out / "notes.docx").read_text() == "mine"


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    target.write_text("x")
    with pytest.raises(OutputFolderError, match="is a file"):
        write_outputs(sample_plan(), target)


def test_csv_views_on_request(tmp_path: Path) -> None:
    written = write_outputs(sample_plan(), tmp_path / "out", csv=True)
    assert any(p.parent.name == "csv" and p.suffix == ".csv" for p in written)
