"""The agenda solver: known optima, hard rules on varied events, determinism, infeasibility."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convening import EventBuilder, InfeasibleError, SolveStatus
from convening.model import SlotKind
from convening.plan import ActivityKind
from convening.solve import SolveOptions, solve
from convening.solvers.instance import AgendaInstance
from tests.factories import at, small_builder
from tests.solvers.agenda_events import (
    agenda_violations,
    build,
    capacity_event,
    medium_event,
    two_slot_event,
)

FAST = SolveOptions(time_limit=10, workers=2)


def where(plan, pid):  # type: ignore[no-untyped-def]
    """slot_id -> (activity_id, room_id) for one person."""
    return {r.slot_id: (r.activity_id, r.room_id) for r in plan.runs if pid in r.attendees}


def test_two_slot_event_reaches_the_bound_and_proves_it() -> None:
    event = two_slot_event()
    plan = solve(event, FAST)
    assert agenda_violations(event, plan) == []
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.metrics["preference_score_pct"] == 100.0
    slot_of = {r.activity_id: r.slot_id for r in plan.runs}
    assert slot_of["A"] != slot_of["B"]
    assert slot_of["C"] != slot_of["D"]


def test_capacity_trade_off_puts_the_popular_session_in_the_big_room() -> None:
    event = capacity_event()
    plan = solve(event, FAST)
    assert agenda_violations(event, plan) == []
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.metrics["preference_score_points"] == 23
    assert {r.activity_id: r.room_id for r in plan.runs} == {"A": "big", "B": "small"}


def test_decomposed_solver_also_reaches_the_two_slot_optimum() -> None:
    event = two_slot_event()
    plan = solve(event, SolveOptions(time_limit=10, method="decomposed"))
    assert agenda_violations(event, plan) == []
    assert plan.metrics["preference_score_pct"] == 100.0
    # The decomposition proves nothing about the whole, so it never claims optimality.
    assert plan.status is SolveStatus.FEASIBLE


@pytest.mark.parametrize("method", ["whole", "decomposed", "greedy"])
def test_peer_exchange_keeps_every_rule(method: str) -> None:
    b = small_builder(cities=4, breakout_rooms=3)
    b.add_slot("b2", at(9, day=1), at(10, day=1), "breakout")
    b.add_session("twice", "Offered twice", presenters="c0-a", offered=2, topic="housing")
    b.add_session("pinned", "Pinned", slot_id="b2", room_id="r2")
    for i, p in enumerate(["c0-b", "c1-a", "c1-b", "c2-p"]):
        for rank, item in enumerate(["twice", "pinned", f"x{i % 3}", "bus"], 1):
            b.add_preference(p, item, rank)
    event = build(b)
    plan = solve(event, SolveOptions(time_limit=10, method=method))
    assert agenda_violations(event, plan) == []
    runs = {(r.activity_id, r.slot_id): r for r in plan.runs}
    assert runs[("pinned", "b2")].room_id == "r2"
    twice = [r for r in plan.runs if r.activity_id == "twice"]
    assert len(twice) == 2 and all("c0-a" in r.attendees for r in twice)


def test_step_free_needs_and_late_arrivals_are_respected() -> None:
    b = EventBuilder("Access", "Albany, NY", "America/New_York")
    b.add_participant("walker", "Walker", role="speaker")
    b.add_participant("wheels", "Wheels", role="speaker", accessible=True)
    b.add_participant("late", "Late", role="speaker", arrives=at(12))
    b.add_room("stairs", "Upstairs", 3, accessible=False)
    b.add_room("ground", "Ground floor", 3)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(13), at(14), "breakout")
    b.add_slot("t1", at(15), at(17), "tour")
    b.add_session("up", "Upstairs talk")
    b.add_session("down", "Ground talk")
    b.add_session("later", "Afternoon talk")
    b.add_tour("walk", "Walking tour", 3, walking=True)
    b.add_tour("bus", "Bus tour", 2)
    # Pinned upstairs, everyone's favourite; the person needing step-free access must not go.
    b.add_session("star", "Star talk", slot_id="b1", room_id="stairs")
    for pid in ("walker", "wheels", "late"):
        b.add_preference(pid, "star", 1)
        b.add_preference(pid, "walk", 1)
    event = build(b)
    plan = solve(event, FAST)
    assert agenda_violations(event, plan) == []
    assert where(plan, "wheels")["b1"][1] == "ground"
    assert where(plan, "wheels")["t1"][0] == "bus"
    assert "b1" not in where(plan, "late")
    assert where(plan, "walker")["b1"][0] == "star"


def test_infeasible_event_raises_with_advice() -> None:
    # One session offered twice is the only thing to attend in both slots, and
    # nobody may attend a session twice: no plan exists, though every count checks out.
    b = EventBuilder("Impossible", "Albany, NY", "America/New_York")
    b.add_participant("p1", "Person", role="speaker")
    b.add_room("r1", "Room", 5)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(11), at(12), "breakout")
    b.add_session("only", "Only session", offered=2)
    event = build(b)
    with pytest.raises(InfeasibleError, match=r"rooms|seats|slots"):
        solve(event, FAST)


def test_same_seed_and_workers_give_the_same_plan() -> None:
    b = small_builder(cities=6, breakout_rooms=3)
    b.add_slot("b2", at(9, day=1), at(10, day=1), "breakout")
    b.add_slot("b3", at(10.5, day=1), at(11.5, day=1), "breakout")
    for s in range(3, 7):
        b.add_session(f"x{s}", f"Breakout {s}", topic=["housing", "finance", "data"][s % 3])
    for c in range(6):
        for j, suffix in enumerate("abp"):
            for rank in range(1, 6):
                b.add_preference(f"c{c}-{suffix}", f"x{(c + j + 2 * rank) % 7}", rank)
    event = build(b)
    options = SolveOptions(time_limit=10, seed=3, workers=2, method="decomposed")
    first = solve(event, options)
    second = solve(event, options)
    assert agenda_violations(event, first) == []
    assert first.metrics["deterministic"] is True
    assert first.runs == second.runs


def test_decomposed_solver_on_a_medium_event_is_valid_reproducible_and_beats_greedy() -> None:
    event = medium_event(0)
    # A move count well inside the budget, so a busy machine does not reach the wall-clock cap.
    options = SolveOptions(time_limit=6, method="decomposed", local_search_moves=8000)
    first = solve(event, options)
    second = solve(event, options)
    assert agenda_violations(event, first) == []
    assert first.metrics["deterministic"] is True
    assert first.runs == second.runs
    greedy = solve(event, SolveOptions(method="greedy"))
    assert first.metrics["preference_score_points"] >= greedy.metrics["preference_score_points"]


def test_one_worker_still_proves_the_assignment_optimal() -> None:
    # One CP-SAT worker alone runs a single strategy; this event's assignment then stops
    # about 8% short of its bound. The interleaved portfolio proves it in a fraction of a second.
    event = medium_event(1)
    options = SolveOptions(time_limit=6, workers=1, method="decomposed", local_search_moves=2000)
    plan = solve(event, options)
    assert agenda_violations(event, plan) == []
    assert plan.metrics["solver_gap"] == 0.0


def test_fair_bound_leaves_out_the_slots_a_presenter_presents() -> None:
    inst = AgendaInstance(medium_event(0))
    # p00 presents s00 (once) and is present for all four breakout slots.
    ranked = sorted(
        (v for s, v in inst.scores["p00"].items() if s != "s00"),
        reverse=True,
    )
    assert inst.fair_bound("p00", SlotKind.BREAKOUT) == sum(ranked[:3])
    assert inst.fair_bound("p02", SlotKind.BREAKOUT) == inst.bound("p02", SlotKind.BREAKOUT)


def test_progress_reports_phases() -> None:
    seen: list[str] = []
    solve(two_slot_event(), FAST, progress=lambda phase, t, score: seen.append(phase))
    assert seen[0] == "greedy" and seen[-1] == "done"
    assert "whole" in seen


def test_progress_scores_are_percentages_and_the_search_reports_as_it_goes() -> None:
    event = medium_event(2)
    seen: list[tuple[str, float, float | None]] = []
    options = SolveOptions(time_limit=6, method="decomposed", local_search_moves=8000)
    plan = solve(event, options, progress=lambda phase, t, score: seen.append((phase, t, score)))
    assert agenda_violations(event, plan) == []
    phases = [phase for phase, _t, _s in seen]
    assert phases[0] == "greedy" and phases[-1] == "done"
    # Percentages of the bound, never a solver's internal objective.
    assert all(s is None or 0.0 <= s <= 100.0 for _p, _t, s in seen)
    assert seen[-1][2] == plan.metrics["preference_score_pct"]
    assert [t for _p, t, _s in seen] == sorted(t for _p, t, _s in seen)
    # The annealing reports every 2,048 moves, not only when it ends.
    assert phases.count("local search") >= 4
    assert "assignment" in phases


@pytest.mark.parametrize("method", ["decomposed", "whole"])
def test_with_no_wishes_at_all_every_score_reads_100(method: str) -> None:
    b = EventBuilder("No wishes", "Albany, NY", "America/New_York")
    for i in range(6):
        b.add_participant(f"p{i}", f"P{i}", role="speaker")
    for r in range(3):
        b.add_room(f"r{r}", f"R{r}", 4)
    for k in range(2):
        b.add_slot(f"b{k}", at(9 + 2 * k), at(10 + 2 * k), "breakout")
    for s in range(4):
        b.add_session(f"s{s}", f"S{s}")
    event = build(b)
    seen: list[float | None] = []
    options = SolveOptions(time_limit=2, method=method, local_search_moves=3000)
    plan = solve(event, options, progress=lambda phase, t, score: seen.append(score))
    assert agenda_violations(event, plan) == []
    assert {s for s in seen if s is not None} == {100.0}


def test_options_reject_unknown_terms_and_modes() -> None:
    with pytest.raises(ValueError, match="spread"):
        SolveOptions(spread="sideways")
    with pytest.raises(ValueError, match="unknown objective"):
        SolveOptions(weights={"happiness": 1.0})
    with pytest.raises(ValueError, match="time_limit"):
        SolveOptions(time_limit=0)


def test_lexicographic_preference_first_keeps_the_optimum() -> None:
    event = capacity_event()
    plan = solve(event, SolveOptions(time_limit=10, lexicographic=("preference", "fairness")))
    assert agenda_violations(event, plan) == []
    assert plan.metrics["preference_score_points"] == 23


def test_together_mode_keeps_a_delegation_in_one_session_when_it_costs_nothing() -> None:
    b = small_builder(cities=2, breakout_rooms=3)
    event = build(b)
    together = solve(event, SolveOptions(time_limit=10, spread="together"))
    spread = solve(event, SolveOptions(time_limit=10, spread="spread"))
    assert together.metrics["delegation_spread_pct"] == 0.0
    assert spread.metrics["delegation_spread_pct"] == 100.0


@st.composite
def small_events(draw):  # type: ignore[no-untyped-def]
    n_people = draw(st.integers(2, 8))
    n_slots = draw(st.integers(1, 3))
    n_rooms = draw(st.integers(2, 3))
    n_sessions = draw(st.integers(n_slots + 1, n_slots * n_rooms))
    b = EventBuilder("Random", "Albany, NY", "America/New_York")
    for i in range(n_people):
        late = draw(st.booleans()) and i > 0
        b.add_participant(
            f"p{i}",
            f"P{i}",
            role="speaker",
            accessible=draw(st.booleans()),
            arrives=at(9.5) if late else None,
        )
    b.add_room("ground", "Ground", n_people)
    for r in range(1, n_rooms):
        b.add_room(
            f"r{r}", f"Room {r}", draw(st.integers(1, n_people)), accessible=draw(st.booleans())
        )
    for k in range(n_slots):
        b.add_slot(f"b{k}", at(9 + 2 * k), at(10 + 2 * k), "breakout")
    b.add_slot("t0", at(16), at(18), "tour")
    b.add_tour("bus", "Bus", n_people)
    b.add_tour("walk", "Walk", draw(st.integers(1, n_people)), walking=True)
    for s in range(n_sessions):
        presenters = [f"p{s}"] if s == 0 else []
        b.add_session(
            f"s{s}", f"S{s}", presenters=presenters, topic=draw(st.sampled_from(["a", "b", None]))
        )
    for i in range(n_people):
        ranked = draw(st.permutations([f"s{s}" for s in range(n_sessions)]))
        for rank, sid in enumerate(ranked[: draw(st.integers(0, n_sessions))], 1):
            b.add_preference(f"p{i}", sid, rank)
        b.add_preference(f"p{i}", draw(st.sampled_from(["bus", "walk"])), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=small_events(), method=st.sampled_from(["whole", "decomposed"]))
def test_random_small_events_always_give_valid_plans(event, method) -> None:  # type: ignore[no-untyped-def]
    plan = solve(event, SolveOptions(time_limit=5, method=method))
    assert agenda_violations(event, plan) == []
    kinds = {r.kind for r in plan.runs}
    assert ActivityKind.BREAKOUT in kinds
