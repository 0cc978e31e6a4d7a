"""One call writes every output, and never mixes two plans' files in one folder."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

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
    "plan.json": "7ff579f86549594ab875b1df5ac84296cd62670153fa5af2e5fb8cf63c5dc4fb",
}


def test_the_sample_plans_files_keep_their_bytes(tmp_path: Path) -> None:
    write_outputs(sample_plan(), tmp_path / "out")
    tree = _tree(tmp_path / "out")
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in tree.items()}
    assert {name: digests.get(name) for name in PINNED} == PINNED
    assert set(tree) - set(PINNED) == {"event.xlsx", "plan.xlsx", "report.html"}


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
