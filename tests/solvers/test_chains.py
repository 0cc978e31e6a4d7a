"""Independent search chains side by side: same results wherever a chain runs."""

from __future__ import annotations

import logging
import os
import time

import pytest

from convening.solvers import chains
from convening.solvers.chains import chain_seed, run_chains

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

    with caplog.at_level(logging.WARNING, logger="convening.solvers.chains"):
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
    with caplog.at_level(logging.WARNING, logger="convening.solvers.chains"):
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
