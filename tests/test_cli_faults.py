"""Killed at any moment, a run leaves its output folder holding the old plan or the new one, whole.

Runs are killed (SIGKILL: no clean-up code runs) at seeded random moments: the
writer itself many times (cheap, in a forked child), and the command line
during ``plan --force``, ``replan`` and ``report``, all at once to keep the
suite fast. Afterwards the folder must be byte for byte the old plan, or a
whole plan matching its manifest, and the next run must not be blocked.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from convening import read_plan, validate, write_event
from convening._folders import MANIFEST, folder_lock, read_manifest, verify_folder
from convening.cli import EXIT_OK, main
from convening.export import check_output_folder, write_outputs
from convening.io import load_example
from tests.test_validate import sample_plan

pytestmark = [
    pytest.mark.filterwarnings("ignore::convening.ConveningWarning"),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX"),
]

SEED = 19
FAST = ["--time-limit", "1", "--workers", "1"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _assert_old_or_whole_new(folder: Path, old: dict[str, bytes]) -> str:
    """``"old"`` or ``"new"``; fails on anything in between."""
    files = _tree(folder)
    if files == old:
        return "old"
    manifest = read_manifest(folder)
    assert manifest is not None, "the folder changed but holds no manifest"
    assert set(files) == set(manifest) | {MANIFEST}, "files the manifest does not list"
    verify_folder(folder)
    plan = read_plan(folder)
    assert validate(plan.event, plan) == []
    return "new"


def _assert_next_run_not_blocked(folder: Path) -> None:
    with folder_lock(folder):  # removes what the killed run left beside the folder
        check_output_folder(folder, force=True)
    left = [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]
    assert left == []


def test_the_writer_killed_at_random_moments_leaves_old_or_new(tmp_path: Path) -> None:
    plan = sample_plan()
    template = tmp_path / "template"
    write_outputs(plan, template)
    # The new plan differs from the old one (another metric), so the two can be told apart.
    changed = type(plan)(plan.event, plan.runs, plan.tables, plan.status, {"run": 2})
    started = time.perf_counter()
    write_outputs(changed, tmp_path / "timing")
    span = time.perf_counter() - started
    old = _tree(template)
    rng = random.Random(SEED)
    seen = set()
    for i in range(5):
        folder = tmp_path / f"out{i}"
        shutil.copytree(template, folder)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                write_outputs(changed, folder, force=True)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, span * 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        seen.add(_assert_old_or_whole_new(folder, old))
        _assert_next_run_not_blocked(folder)
    assert seen  # each moment gave one of the two


def _kill_during(
    args: list[str], folder: Path, marker: str | None, delay: float, result: dict[str, str]
) -> None:
    """Run the command line, kill it ``delay`` seconds after ``marker`` is logged (or start)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "convening.cli", "-v", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    if marker is not None:
        for line in process.stderr:
            if marker in line:
                break
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    _, rest = process.communicate()
    # Killed, or done before the kill came: never failed.
    result[str(folder)] = "" if process.returncode in (-signal.SIGKILL, 0) else rest


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A plan of the small example, and the same event as a workbook."""
    root = tmp_path_factory.mktemp("faults")
    first = root / "first"
    assert main(["demo", "--example", "peer_exchange", "--out", str(first), *FAST]) == EXIT_OK
    return first, write_event(load_example("peer_exchange"), root / "event.xlsx")


def test_the_command_line_killed_at_random_moments_leaves_old_or_new(
    plans: tuple[Path, Path], tmp_path: Path
) -> None:
    first, event = plans
    old = _tree(first)
    rng = random.Random(SEED)
    jobs: list[tuple[list[str], Path, str | None, float]] = []
    for i in range(1):
        folder = tmp_path / f"plan{i}"
        # Killed while the new plan's files are being written (the first is logged).
        args = ["plan", str(event), "--out", str(folder), "--force", "--seed", "3", *FAST]
        jobs.append((args, folder, "wrote", rng.uniform(0, 0.6)))
        folder = tmp_path / f"replan{i}"
        args = ["replan", str(event), "--previous", str(first), "--out", str(folder)]
        jobs.append(([*args, "--force", *FAST], folder, "wrote", rng.uniform(0, 0.6)))
        folder = tmp_path / f"report{i}"
        jobs.append((["report", str(folder)], folder, "read", rng.uniform(0, 1.0)))
    for _, folder, _, _ in jobs:
        shutil.copytree(first, folder)
    result: dict[str, str] = {}
    threads = [threading.Thread(target=_kill_during, args=(*job, result)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(result) == len(jobs)
    assert [m for m in result.values() if m] == []
    for _, folder, _, _ in jobs:
        _assert_old_or_whole_new(folder, old)
        _assert_next_run_not_blocked(folder)


def test_ctrl_c_exits_130_with_one_line_and_leaves_the_folder_whole(
    plans: tuple[Path, Path], tmp_path: Path
) -> None:
    first, event = plans
    folder = tmp_path / "out"
    shutil.copytree(first, folder)
    old = _tree(folder)
    args = ["plan", str(event), "--out", str(folder), "--force", "--time-limit", "30"]
    process = subprocess.Popen(
        [sys.executable, "-m", "convening.cli", "-v", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines = []
    for line in process.stderr:  # interrupted while solving
        lines.append(line)
        if "read " in line:
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1] == "Interrupted; nothing was written."
    assert _tree(folder) == old
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
