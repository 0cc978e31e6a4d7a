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
    "agenda.html": "c5701c9a8c97a999149ece745b5c1b1adcda5a24a0eb569d8851d54784783a71",
    "calendars/delegations/ca.ics": "c62a089410356bb7fe3ba11cdcda0a437b61516d390369492ce40c9ecb753a14",
    "calendars/delegations/cb.ics": "aa17d5834ce5a8f25f4cff7be1c56b5c7d978fe976164099ad0812aa515485a6",
    "calendars/delegations/cc.ics": "7d0d12d4c5154ae151ef0046af7d2d82022443bb10e6a9ac0076c7cb1859713f",
    "calendars/event.ics": "df5b0979da40cb88a29f28a9251db5d42ec86f78a6d75af91f7ae0f8c4ba7dfc",
    "calendars/participants/ca-1.ics": "1f83cd5b8dc34fdf07fe2873afb34d0da7afc7f77df3b867c635a9dfbc662b10",
    "calendars/participants/ca-2.ics": "910fdfa406de9bfbb5515b6d9931223fcd31a4c306118eba8fb90ac0b3d0d423",
    "calendars/participants/ca-p.ics": "772978f7df8e1dfd3b658e188cf857f373e7e20349e52d9b5ce1d152496a8166",
    "calendars/participants/cb-1.ics": "fcafda5b162468319ae0e4cf1a9f08d007260b7355d4dec61284425159183bdf",
    "calendars/participants/cb-2.ics": "6f9357ce9430f0652fb6c438e9e02bba13036bfc4128eef44a1d107940c7810d",
    "calendars/participants/cb-p.ics": "36a42c6282783c5bf33ceb76291648287b3a9b7ed7beff0a6c9b4323144a472a",
    "calendars/participants/cc-1.ics": "9e481b3851898277292e5cfeaf9f3e20f747f21f46e6a8f53d2f4274b3240698",
    "calendars/participants/cc-2.ics": "ef9f424ce2dfa1c0c9de6980a992217befd734d87ec9c5c4b370e4209ca75647",
    "calendars/participants/cc-p.ics": "b01b3f02cae6e555510fc7c1fb8760a958f2969b63e52ee5f8e0d0f9299bfb71",
    "calendars/participants/f1.ics": "9fce261112507f1c70733472450308f3b8e7efcf652e2d4930781e790e62ff85",
    "calendars/participants/f2.ics": "e4068064f72629ce5383bda5cd7dadd54bdc2a2c1005d88fcc55d2fc12667d84",
    "calendars/participants/s1.ics": "339641e6fbd3e29b3063eaa6649729e0ba60671bbf5c8a361680d9e62aa0cd7e",
    "calendars/participants/sp1.ics": "6297943605329bfb9d2913f13032f82d59206ccf3cfcf7b7bfeb0826d60ea93b",
    "calendars/rooms/hall.ics": "6ccf9fb37165a341f04d505108f20f61153be73c30b736b8712f666cef8785e7",
    "calendars/rooms/r1.ics": "574ac5377e050f8349c3364bd9939cdf3c62f88a0d44e28e60f519fba04a6e4a",
    "calendars/rooms/r2.ics": "ca2e1cd9403093a82271ed6a277bea4bc6dc1d0a9aa91745242150ba78b9b360",
    "calendars/rooms/r3.ics": "e83704f116eea7c21b52ce027002ebffa66b7e4435e9c3026de668df2e889801",
    "plan.json": "94264119aac8728dddee0cb4c9c68527d57942de9978bb7a2ba15f8fa66a1f89",
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
