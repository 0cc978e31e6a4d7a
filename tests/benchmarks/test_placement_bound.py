"""The column-generation bound is an upper bound on what plans score, and below the naive one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import make_event
from placement_bound import column_generation_bound

from convening.solve import SolveOptions, solve


@pytest.mark.parametrize(("cities", "seed"), [(4, 0), (8, 1)])
def test_plans_score_at_most_the_bound_and_the_bound_is_at_most_100(
    cities: int, seed: int
) -> None:
    event = make_event(cities, seed)
    _start, lp, upper = column_generation_bound(event, mip_seconds=20, log=False)
    plan = solve(event, SolveOptions(time_limit=5, seed=0))
    m = plan.metrics
    # Points, not the rounded percentage: on small events the bound can be tight.
    assert 100 * m["preference_score_points"] / m["preference_score_bound"] <= upper + 1e-6
    assert lp <= upper + 1e-6
    assert upper <= 100 + 1e-6
