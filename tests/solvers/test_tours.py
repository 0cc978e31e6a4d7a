"""Tours: exact seating on fixed tour slots, and the tour stage's use of it."""

from __future__ import annotations

import itertools
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convening import Event, EventBuilder
from convening.model import SlotKind
from convening.solve import SolveOptions, solve
from convening.solvers.clock import Clock
from convening.solvers.greedy import tours_greedy
from convening.solvers.instance import AgendaInstance
from convening.solvers.ortools.agenda import solve_agenda
from convening.solvers.ortools.common import Outcome
from convening.solvers.ortools.tours import (
    TourModel,
    improve_tour_slots,
    seat_tours,
)
from convening.validate import validate
from tests.factories import at

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import make_event


@st.composite
def tour_slots(draw: st.DrawFn) -> Event:
    """One tour slot, a few tours of few seats, ranked at random; some people need step-free."""
    n_people = draw(st.integers(2, 6))
    n_tours = draw(st.integers(2, 4))
    b = EventBuilder("Tours", "Albany, NY", "America/New_York")
    accessible = [draw(st.booleans()) and i == 0 for i in range(n_people)]
    for i in range(n_people):
        b.add_participant(f"p{i}", f"P{i}", role="speaker", accessible=accessible[i])
    b.add_slot("t0", at(14), at(16), "tour")
    seats = 0
    for t in range(n_tours):
        walking = t > 0 and draw(st.booleans())
        cap = draw(st.integers(1, 3))
        seats += cap
        b.add_tour(f"t{t}", f"T{t}", cap, walking=walking)
    if seats < n_people:
        b.add_tour("extra", "Extra bus", n_people - seats)
    tours = [f"t{t}" for t in range(n_tours)]
    for i in range(n_people):
        ranked = draw(st.permutations(tours))
        for rank, tid in enumerate(ranked[: draw(st.integers(0, n_tours))], 1):
            b.add_preference(f"p{i}", tid, rank)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def _best_by_enumeration(inst: AgendaInstance, tour_slot: dict[str, str]) -> int:
    by_id = inst.event.tour_by_id
    people = list(inst.present["t0"])
    tours = sorted(t for t, k in tour_slot.items() if k == "t0")
    best = -1
    for choice in itertools.product(tours, repeat=len(people)):
        if any(choice.count(t) > by_id[t].seats for t in tours):
            continue
        if any(
            p in inst.accessible and by_id[t].walking for p, t in zip(people, choice, strict=True)
        ):
            continue
        best = max(best, sum(inst.score(p, t) for p, t in zip(people, choice, strict=True)))
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=tour_slots())
def test_seating_on_fixed_tour_slots_is_optimal(event: Event) -> None:
    inst = AgendaInstance(event)
    tour_slot = {t.tour_id: "t0" for t in event.tours}
    rides = seat_tours(inst, tour_slot)
    assert rides is not None
    assert sorted(p for p, _k in rides) == sorted(inst.present["t0"])
    by_id = event.tour_by_id
    for tid in tour_slot:
        assert sum(1 for t in rides.values() if t == tid) <= by_id[tid].seats
    assert not any(p in inst.accessible and by_id[t].walking for (p, _k), t in rides.items())
    assert inst.points(rides) == _best_by_enumeration(inst, tour_slot)


@pytest.mark.parametrize("found", [False, True])
def test_the_tour_stage_keeps_the_exact_seating_when_cp_sat_does_worse(
    monkeypatch: pytest.MonkeyPatch, found: bool
) -> None:
    event = make_event(20, seed=1)
    inst = AgendaInstance(event)
    greedy = tours_greedy(inst, 0)
    assert greedy is not None
    greedy_slots, greedy_rides = greedy

    def weak_solve(self: TourModel, budget: float, clock: Clock) -> tuple[Outcome, Any, Any]:
        status = "feasible" if found else "unknown"
        outcome = Outcome(status, None, {}, {"objective": 0.0, "best_bound": 0.0}, True, 0.0)
        return (
            outcome,
            (dict(greedy_slots) if found else {}),
            (dict(greedy_rides) if found else {}),
        )

    monkeypatch.setattr(TourModel, "solve", weak_solve)
    options = SolveOptions(time_limit=10, seed=0, local_search_moves=500)
    result, _optimal, info = solve_agenda(inst, options, Clock())
    seated = seat_tours(inst, greedy_slots)
    assert seated is not None
    assert info["tour_search_moves"] > 0
    # The exact seating of the greedy tours' slots, then moves that never lose points.
    assert inst.points(result.rides) >= inst.points(seated)
    assert inst.points(seated) > inst.points(greedy_rides)
    assert result.rides == seat_tours(inst, result.tour_slot)
    for tid, k in result.tour_slot.items():
        assert k in inst.tour_options(event.tour_by_id[tid])


def test_moving_tours_between_slots_never_loses_points_and_is_reproducible() -> None:
    event = make_event(60, seed=2)
    inst = AgendaInstance(event)
    greedy = tours_greedy(inst, 0)
    assert greedy is not None
    start = seat_tours(inst, greedy[0])
    assert start is not None
    first = improve_tour_slots(inst, greedy[0], start, moves=60, seed=4)
    second = improve_tour_slots(inst, greedy[0], start, moves=60, seed=4)
    assert first == second
    tour_slot, rides, completed = first
    assert completed
    assert inst.points(rides) > inst.points(start)
    assert rides == seat_tours(inst, tour_slot)
    for tour in event.tours:
        assert tour_slot[tour.tour_id] in inst.tour_options(tour)  # pins kept


def test_planned_tours_earn_at_least_the_exact_seating_of_the_greedy_tour_slots() -> None:
    event = make_event(20, seed=1)
    inst = AgendaInstance(event)
    greedy = tours_greedy(inst, 0)
    assert greedy is not None
    greedy_slots, greedy_rides = greedy
    seated = seat_tours(inst, greedy_slots)
    assert seated is not None
    assert inst.points(seated) > inst.points(greedy_rides)
    plan = solve(event, SolveOptions(time_limit=10, seed=0, local_search_moves=2000))
    assert validate(event, plan) == []
    tour_slots_ids = {s.slot_id for s in event.slots_of(SlotKind.TOUR)}
    ridden = sum(
        inst.score(pid, run.activity_id)
        for run in plan.runs
        if run.slot_id in tour_slots_ids
        for pid in run.attendees
    )
    assert ridden >= inst.points(seated)
