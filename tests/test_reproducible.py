"""The same event, seed and workers give the same plan in any process, on any machine load.

Python randomises the hashes of strings per process, so an iteration over a
set of ids can change order from one run to the next; a plan that depended on
it would differ between two runs that are otherwise identical. Each run here
is a process of its own with another hash seed, and solves a generated event
through every stage (tours, the decomposed agenda with its annealing chains
side by side, networking and action-planning tables).

Load is the other half: every stage stops on deterministic work, never on the
wall clock, so the plans must agree however busy the machine is (the check
under load is ``benchmarks/busy_check.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SOLVE = """
import warnings
warnings.simplefilter("ignore")
from benchmarks.generate import make_event
from convening import SolveOptions, solve, validate

event = make_event(12, seed=3)
plan = solve(event, SolveOptions(time_limit=6, seed=2, method="decomposed", workers=2))
assert validate(event, plan) == [], validate(event, plan)
print(plan.metrics["deterministic"])
print(plan.metrics["preference_score_pct"])
print(sorted(map(repr, plan.runs)))
print([repr(t) for t in plan.tables])
"""


def _solve(hash_seed: int) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(
        [sys.executable, "-c", _SOLVE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_two_processes_with_other_hash_seeds_give_the_same_plan() -> None:
    first, second = _solve(1), _solve(2)
    assert first[0] == "True", "the wall clock stopped a stage"
    assert first == second
