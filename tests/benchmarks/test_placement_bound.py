"""The column-generation bound is an upper bound on what plans score, and below the naive one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import make_event
from placement_bound import column_generation_bound

from convening import EventBuilder
from convening.solve import SolveOptions, solve
from tests.factories import at
from tests.solvers.agenda_events import build


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


def test_a_session_offered_twice_counts_once_per_person() -> None:
    # A runs in both slots, B and C in one each; everyone ranks A, B, C. Counting A in
    # both slots would bound each person at 8 + 8 = 16 points, above their 8 + 7 = 15.
    b = EventBuilder("Offered twice", "Albany, NY", "America/New_York")
    for i in range(3):
        b.add_participant(f"p{i}", f"Person {i}", role="speaker")
    b.add_room("r1", "Room 1", 4)
    b.add_room("r2", "Room 2", 4)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(10.5), at(11.5), "breakout")
    b.add_session("A", "Session A", offered=2)
    b.add_session("B", "Session B")
    b.add_session("C", "Session C")
    for i in range(3):
        for rank, sid in enumerate("ABC", 1):
            b.add_preference(f"p{i}", sid, rank)
    event = build(b)
    _start, lp, upper = column_generation_bound(event, mip_seconds=5, log=False)
    plan = solve(event, SolveOptions(time_limit=5, seed=0))
    assert plan.metrics["preference_score_pct"] == 100.0
    assert lp == pytest.approx(100.0)
    assert upper == pytest.approx(100.0)
