"""An empty or missing sheet is reported once, by the one check that owns it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from convening import EventError, read_event


def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "event"
    shutil.copytree(Path(str(resources.files("convening") / "data" / "peer_exchange")), folder)
    return folder


def messages(folder: Path) -> list[str]:
    with pytest.raises(EventError) as info:
        read_event(folder)
    return [str(p) for p in info.value.problems]


def test_a_sheet_with_only_its_header_is_reported_once(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    header = (folder / "slots.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "slots.csv").write_text(header + "\n", encoding="utf-8")
    found = [m for m in messages(folder) if m.startswith("slots")]
    assert found == ["slots: the sheet has no rows; an event needs at least 1"]


def test_a_missing_sheet_is_not_also_called_empty(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "participants.csv").unlink()
    found = [m for m in messages(folder) if m.startswith("participants")]
    assert len(found) == 1 and "missing" in found[0]
