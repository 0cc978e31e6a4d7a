"""A folder replaced whole: the swap, its fallback, and what a killed run leaves behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from convening import _folders
from convening._folders import (
    MANIFEST,
    OutputFolderError,
    folder_lock,
    read_manifest,
    replace_folder,
    verify_folder,
)


def _fill(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic exchange", "two renames"])
def test_a_folder_is_replaced_whole_and_lists_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(_folders, "_exchange", lambda a, b: False)
    target = tmp_path / "out"
    with replace_folder(target) as new:
        _fill(new, {"a.txt": "one", "sub/b.txt": "two"})
    assert read_manifest(target) is not None
    assert set(read_manifest(target) or {}) == {"a.txt", "sub/b.txt"}
    with replace_folder(target, force=True) as new:
        _fill(new, {"a.txt": "three"})
    assert (target / "a.txt").read_text() == "three"
    assert not (target / "sub" / "b.txt").exists()
    verify_folder(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_error_while_writing_leaves_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with replace_folder(target) as new:
        _fill(new, {"a.txt": "old"})
    with pytest.raises(KeyboardInterrupt), replace_folder(target, force=True) as new:
        _fill(new, {"a.txt": "new"})
        raise KeyboardInterrupt
    assert (target / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_run_killed_between_the_two_renames_is_repaired_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with replace_folder(target) as new:
        _fill(new, {"a.txt": "old"})
    # The state after `rename(target, old)` and before `rename(new, target)`.
    old = tmp_path / f".out.convening-old-{os.getpid()}-dead"
    target.rename(old)
    half = tmp_path / ".out.convening-new-1-dead"
    _fill(half, {"a.txt": "half"})
    with folder_lock(target):
        assert (target / "a.txt").read_text() == "old"
    verify_folder(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_update_keeps_the_other_files_and_refreshes_the_manifest(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with replace_folder(target) as new:
        _fill(new, {"a.txt": "a", "report.html": "r1"})
    (target / "mine.txt").write_text("planner's")
    with replace_folder(target, update=True, may_write=["report.html"]) as new:
        (new / "report.html").write_text("r2")
    assert (target / "report.html").read_text() == "r2"
    assert (target / "a.txt").read_text() == "a"
    assert (target / "mine.txt").read_text() == "planner's"
    assert set(read_manifest(target) or {}) == {"a.txt", "report.html"}
    verify_folder(target)


def test_a_damaged_manifest_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with replace_folder(target) as new:
        _fill(new, {"a.txt": "a"})
    (target / MANIFEST).write_text("[" * 100_000)
    with pytest.raises(OutputFolderError, match="damaged"):
        verify_folder(target)


def test_the_lock_is_reentrant_within_one_run(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with folder_lock(target), replace_folder(target) as new:
        _fill(new, {"a.txt": "a"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_link_to_a_folder_has_the_folder_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real"
    with replace_folder(real) as new:
        _fill(new, {"a.txt": "old"})
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with replace_folder(link, force=True) as new:
        _fill(new, {"a.txt": "new"})
    assert link.is_symlink()
    assert (link / "a.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_files_are_logged_under_the_names_they_will_have(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from convening._files import write_text_atomic

    target = tmp_path / "out"
    with caplog.at_level("INFO", logger="convening"), replace_folder(target) as new:
        write_text_atomic(new / "a.txt", "a")
    assert f"wrote {target / 'a.txt'}" in caplog.text
    assert ".convening-" not in caplog.text
