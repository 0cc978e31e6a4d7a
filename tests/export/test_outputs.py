"""One call writes every output, and never mixes two plans' files in one folder."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

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


#: SHA-256 of each text file written for the hand-made sample plan. Writing got faster
#: (calendars without building icalendar components, the report beside the other files);
#: these pins say it wrote the same bytes. The workbooks and the report's PNG figures are
#: left out: their bytes belong to xlsxwriter and matplotlib versions, not to this code.
PINNED = {
    "agenda.html": "014193480ee1971f532286467370f6d67099719a4663f06cc80e4d49dd89eee3",
    "calendars/delegations/ca.ics": "c62a089410356bb7fe3ba11cdcda0a437b61516d390369492ce40c9ecb753a14",
    "calendars/delegations/cb.ics": "aa17d5834ce5a8f25f4cff7be1c56b5c7d978fe976164099ad0812aa515485a6",
    "calendars/delegations/cc.ics": "9e9efae5bf10949a79c9b71e7e93efbd2865707995342cc761d1a0a484b1322e",
    "calendars/event.ics": "fd6058b6a7fe083ed75c2e74a921dab3a753f0bf690ac73bbad7907802bd1261",
    "calendars/participants/ca-1.ics": "6baf1627223ff421fd51c8001a424581ab065d1ccc2efe443c490473ef688d6b",
    "calendars/participants/ca-2.ics": "6375f8cb6def3910f88a9712edee99d58799bececd41b249e3d964c451b65097",
    "calendars/participants/ca-p.ics": "2c7bf6c2a3b6ae072c73a0f21f688e8c93694c4b38fa0d4c2c7ab487e9c04bc1",
    "calendars/participants/cb-1.ics": "eb5a1474d2ee54a465bba2c72436ded772ac3744789e243110bf4c4c7be27b85",
    "calendars/participants/cb-2.ics": "a456ff76444b9cb5baead2d65fc10d9c7341a326cde69d5d52b6406520530cc0",
    "calendars/participants/cb-p.ics": "c994df91066d3a1794d19748536a1441736c2097b93e63af09b01c5edebd1c69",
    "calendars/participants/cc-1.ics": "d76bfae935e7f9a252174467a0194e2d187e2d063612f37e3552e66c2700e748",
    "calendars/participants/cc-2.ics": "a65af54a2805ea4092e37fdc207de031aa364dcdea4df4aada3b1d980e15b8fd",
    "calendars/participants/cc-p.ics": "68ba7d5cf8e0915568d5d2a08491ed71a35be976fb136e7aba544632c3e589b8",
    "calendars/participants/f1.ics": "4cae0559b1aea58aa19b574e831121d396925fb253e732cbd18a180d0ff2a613",
    "calendars/participants/f2.ics": "1f619c70c63a03646887d292fec7c51aee321a6c526e19359ec6cb80ba8611ec",
    "calendars/participants/s1.ics": "3b693a02fd79cb8946463cf667d62e4ad35e3ce7802e2d6058ac04ac67817e66",
    "calendars/participants/sp1.ics": "38521365f874caddf57ea7c49baee9ce855f8d268281a9913591eac313d27157",
    "calendars/rooms/hall.ics": "6ccf9fb37165a341f04d505108f20f61153be73c30b736b8712f666cef8785e7",
    "calendars/rooms/r1.ics": "574ac5377e050f8349c3364bd9939cdf3c62f88a0d44e28e60f519fba04a6e4a",
    "calendars/rooms/r2.ics": "ca2e1cd9403093a82271ed6a277bea4bc6dc1d0a9aa91745242150ba78b9b360",
    "calendars/rooms/r3.ics": "e83704f116eea7c21b52ce027002ebffa66b7e4435e9c3026de668df2e889801",
    "plan.json": "ee57439e56356100681416663dfc5ec34fe89baf37f3532c7607fbabc5108892",
}


def test_the_sample_plans_files_keep_their_bytes(tmp_path: Path) -> None:
    write_outputs(sample_plan(), tmp_path / "out")
    tree = _tree(tmp_path / "out")
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in tree.items()}
    assert {name: digests.get(name) for name in PINNED} == PINNED
    # The workbooks and the report depend on xlsxwriter's and matplotlib's versions, and the
    # manifest holds their digests.
    assert set(tree) - set(PINNED) == {"event.xlsx", "plan.xlsx", "report.html", "manifest.json"}


def test_a_large_plans_report_is_drawn_beside_the_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convening import parallel as chains
    from convening.export import outputs

    parts: list[int] = []
    run_chains = chains.run_chains

    def counted(chain: Any, count: int, deadline: float) -> Any:
        parts.append(count)
        return run_chains(chain, count, deadline)

    monkeypatch.setattr(chains, "run_chains", counted)
    plan = sample_plan()
    write_outputs(plan, tmp_path / "one")
    monkeypatch.setattr(outputs, "PARALLEL_REPORT_PARTICIPANTS", 1)
    written = write_outputs(plan, tmp_path / "two")
    assert parts == [1, 3]
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert written == sorted(p for p in (tmp_path / "two").rglob("*") if p.is_file())
