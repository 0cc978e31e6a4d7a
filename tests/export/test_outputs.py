"""One call writes every output, and never mixes two plans' files in one folder."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from convening import Plan, read_plan
from convening._folders import read_manifest
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
    plan = sample_plan()
    write_outputs(plan, out)
    with pytest.raises(OutputFolderError, match="force=True"):
        write_outputs(plan, out)
    # A calendar of someone who has since left, written by the earlier plan, goes.
    event = plan.event
    busy = {pid for s in event.sessions for pid in s.presenters}
    leaver = next(p.participant_id for p in event.participants if p.participant_id not in busy)
    fewer = attrs.evolve(
        event,
        participants=[p for p in event.participants if p.participant_id != leaver],
        preferences=[p for p in event.preferences if p.participant_id != leaver],
        networking_rules=[],
    )
    gone = out / "calendars" / "participants" / f"{leaver}.ics"
    assert gone.exists()
    again = Plan(
        fewer,
        [
            attrs.evolve(r, attendees=[a for a in r.attendees if a in fewer.participant_by_id])
            for r in plan.runs
        ],
        [
            attrs.evolve(t, members=[m for m in t.members if m in fewer.participant_by_id])
            for t in plan.tables
        ],
    )
    write_outputs(again, out, force=True)
    assert not gone.exists()
    assert read_plan(out).runs == again.runs


def test_a_planners_own_files_are_kept_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(sample_plan(), out)
    (out / "notes.docx").write_text("mine")
    (out / "calendars" / "how-to-import.txt").write_text("mine too")
    write_outputs(sample_plan(), out, force=True)
    assert (out / "notes.docx").read_text() == "mine"
    assert (out / "calendars" / "how-to-import.txt").read_text() == "mine too"
    assert "notes.docx" not in read_manifest(out)  # still the planner's, not the project's
    read_plan(out)


@pytest.mark.parametrize(
    "name",
    [
        "plan.xlsx",  # changed by hand since written
        "calendars/participants/someone-else.ics",  # put there by hand
        "csv/cities.csv",  # an input CSV folder kept as OUT/csv
        "manifest.json",
    ],
)
def test_refuses_to_replace_a_file_it_did_not_write(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    write_outputs(sample_plan(), out)
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("the planner's")
    with pytest.raises(OutputFolderError, match=name.split("/")[-1].replace(".", r"\.")):
        write_outputs(sample_plan(), out, force=True, csv=True)
    assert path.read_text() == "the planner's"


def test_a_folder_without_manifest_is_refused_not_emptied(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.xlsx").write_text("not ours")
    with pytest.raises(OutputFolderError, match=r"plan\.xlsx"):
        write_outputs(sample_plan(), out, force=True)
    assert (out / "plan.xlsx").read_text() == "not ours"


def test_never_writes_over_the_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(sample_plan(), out)
    before = _tree(out)
    for given in (out / "event.xlsx", out / "csv", out):
        with pytest.raises(OutputFolderError, match="inside the output folder"):
            write_outputs(sample_plan(), out, force=True, protect=[given])
    assert _tree(out) == before


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    target.write_text("x")
    with pytest.raises(OutputFolderError, match="is a file"):
        write_outputs(sample_plan(), target)


def test_csv_views_on_request(tmp_path: Path) -> None:
    written = write_outputs(sample_plan(), tmp_path / "out", csv=True)
    assert any(p.parent.name == "csv" and p.suffix == ".csv" for p in written)
