"""Independent search chains side by side: same results wherever a chain runs."""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from convening import parallel as chains
from convening.parallel import chain_seed, run_chains
from convening.solvers.greedy import place_greedy
from convening.solvers.improve import improve_placement
from convening.solvers.instance import AgendaInstance
from tests.solvers.agenda_events import medium_event

forks = pytest.mark.skipif(not chains._can_fork(), reason="chains fork only on Linux")


def _work(index: int) -> tuple[int, int]:
    """A deterministic result that depends on the chain alone."""
    return index, sum(i * i for i in range(1000 * (index + 1))) % 9973


@forks
def test_results_come_back_in_chain_order_and_equal_a_run_one_by_one() -> None:
    deadline = time.perf_counter() + 30
    assert run_chains(_work, 4, deadline) == [_work(i) for i in range(4)]
    assert run_chains(_work, 1, deadline) == [_work(0)]


@forks
def test_the_first_chain_runs_here_and_the_others_in_processes_of_their_own() -> None:
    pids = run_chains(lambda index: os.getpid(), 3, time.perf_counter() + 30)
    assert pids[0] == os.getpid()
    assert len({pids[0], pids[1], pids[2]}) == 3


@forks
def test_a_chain_failing_in_its_process_runs_here_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    here = os.getpid()

    def fragile(index: int) -> tuple[int, int]:
        if os.getpid() != here:
            raise MemoryError("no room in the child")
        return _work(index)

    with caplog.at_level(logging.WARNING, logger="convening.parallel"):
        results = run_chains(fragile, 3, time.perf_counter() + 30)
    assert results == [_work(i) for i in range(3)]
    assert sum("failed" in r.getMessage() for r in caplog.records) == 2


@forks
def test_a_child_missing_the_deadline_is_stopped_and_its_chain_run_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(chains, "_GRACE", 0.2)
    here = os.getpid()

    def stuck_in_child(index: int) -> tuple[int, int]:
        if os.getpid() != here:
            time.sleep(60)
        return _work(index)

    start = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="convening.parallel"):
        results = run_chains(stuck_in_child, 2, start)
    assert results == [_work(0), _work(1)]
    assert time.perf_counter() - start < 30
    assert any("did not answer" in r.getMessage() for r in caplog.records)


def test_without_fork_only_the_first_chain_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chains, "_can_fork", lambda: False)
    assert run_chains(_work, 3, time.perf_counter() + 30) == [_work(0)]


def test_chain_seeds_keep_the_first_and_differ_after() -> None:
    assert chain_seed(7, 0) == 7
    seeds = {chain_seed(seed, index) for seed in range(5) for index in range(1, 5)}
    assert len(seeds) == 20
    assert not seeds & set(range(5))


@forks
@pytest.mark.parametrize("cap", [math.inf, 1e9])
def test_an_unbounded_or_huge_deadline_still_runs_the_chains(cap: float) -> None:
    assert run_chains(_work, 2, time.perf_counter() + cap) == [_work(0), _work(1)]


def _search_in_worker() -> tuple[dict[str, list[tuple[str, str]]], bool]:
    inst = AgendaInstance(medium_event(3))
    placement = place_greedy(inst)
    assert placement is not None
    return improve_placement(inst, placement, moves=2000, seed=4, chains=2)


@forks
def test_inside_a_daemonic_worker_every_chain_runs_there_with_the_same_result() -> None:
    here = _search_in_worker()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_search_in_worker) == here


@forks
def test_many_searches_leave_no_processes_or_descriptors_behind() -> None:
    inst = AgendaInstance(medium_event(3))
    placement = place_greedy(inst)
    assert placement is not None
    improve_placement(inst, placement, moves=200, seed=1, chains=2)
    descriptors = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        improve_placement(inst, placement, moves=200, seed=1, chains=3)
    assert len(os.listdir("/proc/self/fd")) == descriptors
    assert multiprocessing.active_children() == []


_LONG_CHAINS = r"""
import os, time
from convening.parallel import run_chains
def chain(index):
    if index == 0:
        print(os.getpid(), flush=True)
    time.sleep(20)
    return index
run_chains(chain, 2, time.perf_counter() + 30)
"""


def _running_children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` and that are not zombies, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@forks
def test_children_die_with_a_killed_parent() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _LONG_CHAINS], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    children = _running_children(pid)
    assert children
    os.kill(pid, signal.SIGKILL)  # as the OOM killer or a job's timeout would
    parent.wait()
    parent.stdout.close()
    give_up = time.perf_counter() + 5
    while any(_alive(c) for c in children) and time.perf_counter() < give_up:
        time.sleep(0.05)
    alive = [c for c in children if _alive(c)]
    for c in alive:
        os.kill(c, signal.SIGKILL)
    assert alive == []
