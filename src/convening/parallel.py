"""Independent searches side by side: the first here, the others in forked processes.

A seeded search is reproducible wherever it runs, so running several with
different seeds and keeping the best is a deterministic use of a machine's
other cores: :func:`run_chains` runs chain 0 in this process (it may report
progress) and chains 1, 2, … in child processes forked for the purpose, and
returns every chain's result in chain order. Forking shares the instance
without copying or pickling it; only the results travel back, pickled.

Chains run side by side on Linux only: Windows has no ``fork``, and on macOS
system frameworks are not fork-safe (and ``spawn`` would re-run the caller's
script in each child). There only the first chain runs, so a plan depends on
the platform as well as on the seed and worker count. Where a child cannot be
started (inside a daemonic process) or dies, its chain runs in this process
after the others, so the results are the same and only the wall time grows. A
child that has not answered by the deadline is stopped and its chain run here
against the same deadline, so a search with a wall-clock cap keeps its cap.
Children never log: a fork can copy a handler's lock while another thread
(a progress display) holds it. A child dies with its parent (the kernel's
parent-death signal), so a killed solve leaves no search running behind it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

__all__ = ["chain_seed", "run_chains"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds past the deadline to wait for a child's answer (pickling, exit).
_GRACE = 2.0
#: Longest single wait for a child (``poll`` takes at most about 24 days).
_MAX_WAIT = 86_400.0
#: Linux ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def chain_seed(seed: int, index: int) -> int:
    """The seed of chain ``index``: ``seed`` itself for the first, distinct ones after."""
    if index == 0:
        return seed
    return (seed * 1_000_003 + 7_919 * index) % (2**31 - 1)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies (or now, if it has)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _child(
    chain: Callable[[int], Any], index: int, conn: Connection, receive: Connection, parent: int
) -> None:
    receive.close()  # the parent's end: with it closed here, a dead parent means a broken pipe
    _die_with(parent)
    try:
        conn.send(("ok", chain(index)))
    except BaseException as err:  # report anything, then exit: the parent decides
        with contextlib.suppress(OSError):
            conn.send(("error", repr(err)))
    finally:
        conn.close()


def _trim() -> None:
    """Give the heap's free pages back to the system (glibc), so children do not map them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _fork(chain: Callable[[int], Any], count: int) -> list[tuple[int, BaseProcess, Connection]]:
    children: list[tuple[int, BaseProcess, Connection]] = []
    if count <= 1:
        return children
    # Earlier stages (CP-SAT models above all) leave freed memory resident in this
    # process; each child would count it again in its own resident memory.
    _trim()
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    for index in range(1, count):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(chain, index, send, receive, parent), daemon=True
        )
        try:
            process.start()
        except (OSError, AssertionError, ValueError) as err:
            # e.g. "daemonic processes are not allowed to have children"
            logger.debug("chain %d runs in this process: %s", index, err)
            receive.close()
            send.close()
            break
        send.close()
        children.append((index, process, receive))
    return children


def _answer(conn: Connection, deadline: float) -> Any | None:
    """The child's result, or ``None`` if it failed or missed the deadline."""
    try:
        if conn.poll(min(_MAX_WAIT, max(0.0, deadline + _GRACE - time.perf_counter()))):
            status, result = conn.recv()
            if status == "ok":
                return result
            logger.warning("a parallel search chain failed (%s); running it here", result)
            return None
    except (EOFError, OSError):
        pass
    logger.warning("a parallel search chain did not answer; running it here")
    return None


def run_chains(chain: Callable[[int], T], count: int, deadline: float) -> list[T]:
    """Run ``chain(0)``, …, ``chain(count - 1)`` side by side; their results in order.

    Returns one result per chain run: ``count`` of them, or one where
    processes cannot be forked.

    Parameters
    ----------
    chain
        Runs one chain from its index; it must depend on nothing else that
        differs between processes, and its result must pickle.
    count
        Chains to run (1 runs just ``chain(0)``, here); only the first where
        processes cannot be forked (see the module's notes).
    deadline
        :func:`time.perf_counter` time by which every chain stops on its own
        (its wall-clock cap); children are not waited for much longer.
    """
    if not _can_fork():
        count = 1
    children = _fork(chain, count)
    results: dict[int, T] = {}
    try:
        results[0] = chain(0)
        for index, _process, conn in children:
            got = _answer(conn, deadline)
            if got is not None:
                results[index] = got
    finally:
        for _index, process, conn in children:
            conn.close()
            if process.is_alive():
                process.terminate()
            process.join()
    for index in range(1, count):
        if index not in results:
            results[index] = chain(index)
    return [results[index] for index in range(count)]
