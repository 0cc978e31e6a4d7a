"""The placement annealing: its incremental evaluation, its moves' rules, reproducibility."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import numpy as np
import pytest

from convening import Event, EventBuilder
from convening import parallel as chains
from convening.parallel import chain_seed
from convening.solvers import improve
from convening.solvers.clock import Clock
from convening.solvers.greedy import place_greedy
from convening.solvers.improve import PlacementSearch, improve_placement
from convening.solvers.instance import AgendaInstance
from tests.factories import at
from tests.solvers.agenda_events import build, medium_event


def _run_rules(inst: AgendaInstance, placement: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Hard rules about runs alone, checked from scratch."""
    problems = []
    cells: set[tuple[str, str]] = set()
    seats: dict[str, int] = {}
    busy: set[tuple[str, str]] = set()
    for sid, runs in placement.items():
        session = inst.event.session_by_id[sid]
        options = {(k, r): c for k, r, c in inst.info[sid].options}
        if len(runs) != session.offered:
            problems.append(f"{sid} runs {len(runs)} times")
        if len({k for k, _r in runs}) != len(runs):
            problems.append(f"{sid} twice in a slot")
        for k, r in runs:
            if (k, r) not in options:
                problems.append(f"{sid} may not run in {k}/{r}")
                continue
            if (k, r) in cells:
                problems.append(f"room {r} double-booked in {k}")
            cells.add((k, r))
            seats[k] = seats.get(k, 0) + options[(k, r)]
            for p in session.presenters:
                if (p, k) in busy:
                    problems.append(f"{p} presents twice in {k}")
                busy.add((p, k))
    for k, present in inst.present.items():
        if k in seats and seats[k] < len(present):
            problems.append(f"slot {k} lacks seats")
    return problems


def _allowed_moves(
    search: PlacementSearch, seed: int, tries: int
) -> Iterator[tuple[int, tuple[int, str]]]:
    """Random moves (run, target cell) that keep the run rules, from ``tries`` draws."""
    rng = random.Random(seed)
    for _ in range(tries):
        j = rng.choice(search.movable)
        target = rng.choice(search.option_list[search.run_session[j]])
        if search.allowed(j, target):
            yield j, target


def _search(seed: int) -> tuple[AgendaInstance, PlacementSearch]:
    inst = AgendaInstance(medium_event(seed))
    placement = place_greedy(inst)
    assert placement is not None
    return inst, PlacementSearch(inst, placement)


def test_incremental_value_matches_a_fresh_evaluation_after_random_moves() -> None:
    inst, search = _search(1)
    moved = 0
    for j, target in _allowed_moves(search, 7, 400):
        search.move(j, target)
        moved += 1
    assert moved > 50
    now = search.placement()
    assert _run_rules(inst, now) == []
    fresh = PlacementSearch(inst, now)
    assert search.value == pytest.approx(fresh.value)
    assert search.value == pytest.approx(search.total())
    # The points before penalties too (what progress reports).
    assert search.points == pytest.approx(fresh.points) == pytest.approx(search.total_points())


def test_a_move_and_its_reverse_restore_the_value() -> None:
    inst, search = _search(2)
    placement = search.placement()
    before = search.value
    for j, target in _allowed_moves(search, 3, 200):
        src = search.cell[j]
        delta = search.move(j, target)
        back = search.move(j, src)
        assert delta == pytest.approx(-back)
    assert search.value == pytest.approx(before)
    assert search.placement() == PlacementSearch(inst, placement).placement()


def _state(search: PlacementSearch) -> dict[str, object]:
    arrays = ("run_at", "busy", "avail", "mask", "slot_seats", "slot_sf", "cap", "load",
              "topic_count", "session_slots", "correction")  # fmt: skip
    state: dict[str, object] = {name: getattr(search, name).tolist() for name in arrays}
    state.update(cell=list(search.cell), occupant=dict(search.occupant), value=search.value)
    return state


def test_undo_restores_the_whole_state_and_agrees_with_the_reverse_move() -> None:
    inst, search = _search(4)
    twin = PlacementSearch(inst, search.placement())
    undone = 0
    for i, (j, target) in enumerate(_allowed_moves(search, 11, 300)):
        before = _state(search)
        delta = search.move(j, target, undoable=True)
        assert delta == pytest.approx(twin.move(j, target))
        if i % 3:  # keep a third of the moves, undo the rest
            search.undo()
            twin.move(j, before["cell"][j])  # type: ignore[index]
            assert _state(search) == before
            undone += 1
        assert search.value == pytest.approx(twin.value)
        assert search.points == pytest.approx(twin.points)
    assert undone > 50
    assert search.value == pytest.approx(search.total())
    assert search.points == pytest.approx(search.total_points())
    assert search.placement() == twin.placement()


def test_annealing_keeps_the_rules_never_worsens_and_is_reproducible() -> None:
    inst = AgendaInstance(medium_event(3))
    placement = place_greedy(inst)
    assert placement is not None
    start = PlacementSearch(inst, placement).value
    first, done = improve_placement(inst, placement, moves=3000, seed=5)
    second, _ = improve_placement(inst, placement, moves=3000, seed=5)
    assert done
    assert first == second
    assert _run_rules(inst, first) == []
    assert PlacementSearch(inst, first).value >= start


def test_a_session_offered_twice_counts_once_per_person() -> None:
    inst = AgendaInstance(medium_event(4))
    placement = place_greedy(inst)
    assert placement is not None
    search = PlacementSearch(inst, placement)
    # Per person, the value never exceeds their best scores over distinct sessions.
    points = search.value + search._overflow(__import__("numpy").arange(len(search.cell)))
    points += search.topic_penalty * float((search.topic_count - 1).clip(0).sum())
    best_possible = sum(
        sum(sorted(inst.scores.get(p.participant_id, {}).values(), reverse=True)[:4])
        for p in inst.people
    )
    assert points <= best_possible


def test_the_wall_stop_is_reported_and_recorded_on_the_clock() -> None:
    inst = AgendaInstance(medium_event(5))
    placement = place_greedy(inst)
    assert placement is not None
    clock = Clock(wall_stop=0.0)
    result, done = improve_placement(inst, placement, moves=10**7, seed=0, clock=clock)
    assert not done
    assert not clock.deterministic
    assert clock.cut == ["the placement search"]
    assert _run_rules(inst, result) == []


def test_a_person_needing_step_free_access_counts_only_step_free_rooms() -> None:
    from convening import EventBuilder
    from tests.factories import at
    from tests.solvers.agenda_events import build

    b = EventBuilder("Step-free", "Albany, NY", "America/New_York")
    b.add_participant("p1", "Needs step-free", role="speaker", accessible=True)
    b.add_participant("p2", "Walks", role="speaker")
    b.add_room("stairs", "Up the stairs", 2, accessible=False)
    b.add_room("lift", "By the lift", 2)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_session("A", "A")
    b.add_session("B", "B")
    for pid in ("p1", "p2"):
        b.add_preference(pid, "A", 1)
    inst = AgendaInstance(build(b))
    search = PlacementSearch(inst, {"A": [("b1", "stairs")], "B": [("b1", "lift")]})
    assert search.value == 8  # p2 only: p1 cannot reach A up the stairs
    j = search.cell.index((0, "stairs"))
    assert search.allowed(j, (0, "lift"))
    assert search.move(j, (0, "lift")) == 8  # A moves to the lift: p1 gains 8 points
    assert search.value == pytest.approx(search.total()) == 16


def test_undo_needs_an_undoable_move_and_undoes_it_once() -> None:
    _inst, search = _search(5)
    with pytest.raises(RuntimeError):
        search.undo()
    j, target = next(_allowed_moves(search, 1, 100))
    search.move(j, target, undoable=True)
    search.undo()
    with pytest.raises(RuntimeError):
        search.undo()


@pytest.mark.skipif(not chains._can_fork(), reason="chains fork only on Linux")
def test_parallel_chains_keep_the_best_chain_and_are_reproducible() -> None:
    inst = AgendaInstance(medium_event(3))
    placement = place_greedy(inst)
    assert placement is not None
    alone, _ = improve_placement(inst, placement, moves=3000, seed=5)
    both, done = improve_placement(inst, placement, moves=3000, seed=5, chains=3)
    again, _ = improve_placement(inst, placement, moves=3000, seed=5, chains=3)
    assert done
    assert both == again
    assert _run_rules(inst, both) == []
    values = [
        PlacementSearch(inst, improve_placement(inst, placement, moves=3000, seed=s)[0]).value
        for s in (5, chain_seed(5, 1), chain_seed(5, 2))
    ]
    assert PlacementSearch(inst, alone).value == values[0]
    assert PlacementSearch(inst, both).value == max(values)


@pytest.mark.parametrize("seed", range(4))
def test_permuting_whole_slots_matches_a_fresh_evaluation_and_reverses(seed: int) -> None:
    inst, search = _search(seed)
    start = _state(search)
    fits = search.slot_fits()
    tried = 0
    for order in itertools.permutations(range(len(search.breakout))):
        if not all(fits[i, o] for i, o in enumerate(order)):
            continue
        search.permute_slots(np.array(order))
        now = search.placement()
        assert _run_rules(inst, now) == []
        fresh = PlacementSearch(inst, now)
        assert search.value == pytest.approx(fresh.value)
        assert search.points == pytest.approx(fresh.points)
        for name in ("mask", "busy", "avail", "slot_seats", "slot_sf", "topic_count",
                     "session_slots", "correction"):  # fmt: skip
            assert getattr(search, name).tolist() == getattr(fresh, name).tolist(), name
        search.permute_slots(np.argsort(order))
        assert _state(search) == start
        tried += 1
    assert tried > 1


def _late_arrival_event(pin: str | None, slots: int = 2) -> Event:
    """``slots`` breakout slots; ``late`` misses the first and ranks A, which may be placed there.

    Sessions B, C, … fill the other slots (p0–p2 rank A then B).
    """
    b = EventBuilder("Late", "Albany, NY", "America/New_York")
    b.add_participant("late", "Late Person", role="speaker", arrives=at(9.75))
    for i in range(3):
        b.add_participant(f"p{i}", f"Person {i}", role="speaker")
    for r in ("r1", "r2"):
        b.add_room(r, r, 4)
    for k in range(slots):
        b.add_slot(f"b{k + 1}", at(9 + k), at(9.5 + k), "breakout")
    b.add_session("A", "Session A", slot_id=pin)
    for k in range(1, slots):
        b.add_session(chr(ord("A") + k), f"Session {chr(ord('A') + k)}")
    b.add_preference("late", "A", 1)
    for i in range(3):
        b.add_preference(f"p{i}", "A", 1)
        b.add_preference(f"p{i}", "B", 2)
    return build(b)


def test_reordering_slots_moves_a_wish_to_where_its_fan_is_present() -> None:
    inst = AgendaInstance(_late_arrival_event(pin=None))
    placement = {"A": [("b1", "r1")], "B": [("b2", "r1")]}
    search = PlacementSearch(inst, placement)
    before = search.value
    assert search.reorder_slots()
    assert search.value == before + 8  # the late arrival now gets their first choice
    assert search.placement() == {"A": [("b2", "r1")], "B": [("b1", "r1")]}
    assert search.value == pytest.approx(search.total())
    # Already in the best order: nothing to do.
    assert not search.reorder_slots()


def test_reordering_more_slots_than_are_enumerated_swaps_pairs() -> None:
    slots = improve._ORDER_ENUMERATE + 1
    inst = AgendaInstance(_late_arrival_event(pin=None, slots=slots))
    placement = {chr(ord("A") + k): [(f"b{k + 1}", "r1")] for k in range(slots)}
    search = PlacementSearch(inst, placement)
    before = search.value
    assert search.reorder_slots()
    assert search.value == before + 8
    assert search.placement()["A"] != [("b1", "r1")]
    assert _run_rules(inst, search.placement()) == []
    assert search.value == pytest.approx(search.total())


def test_reordering_slots_keeps_pins() -> None:
    inst = AgendaInstance(_late_arrival_event(pin="b1"))
    search = PlacementSearch(inst, {"A": [("b1", "r1")], "B": [("b2", "r1")]})
    assert not search.slot_fits()[0, 1]
    assert not search.reorder_slots()
    assert search.placement() == {"A": [("b1", "r1")], "B": [("b2", "r1")]}


def test_moves_after_reordering_slots_still_agree_with_a_fresh_evaluation() -> None:
    inst, search = _search(6)
    fits = search.slot_fits()
    order = next(
        np.array(o)
        for o in itertools.permutations(range(len(search.breakout)))
        if o != tuple(range(len(o))) and all(fits[i, x] for i, x in enumerate(o))
    )
    search.permute_slots(order)
    for i, (j, target) in enumerate(_allowed_moves(search, 5, 300)):
        search.move(j, target, undoable=True)
        if i % 3 == 0:
            search.undo()
    fresh = PlacementSearch(inst, search.placement())
    assert _run_rules(inst, search.placement()) == []
    assert search.value == pytest.approx(fresh.value) == pytest.approx(search.total())
    assert search.points == pytest.approx(fresh.points)


def _ballroom_event(fans: bool = False) -> Event:
    """36 people who ranked nothing, two breakout slots, a hall of 100 and seven rooms of 12.

    Eight sessions run once each, so a run's fair size is three times the mean
    of 72 places over 8 runs: 27 seats. With ``fans``, everyone ranks session A first.
    """
    b = EventBuilder("Ballroom", "Albany, NY", "America/New_York")
    for i in range(36):
        b.add_participant(f"p{i:02d}", f"Person {i}", role="speaker")
    b.add_room("hall", "Grand Ballroom", 100)
    for r in range(7):
        b.add_room(f"r{r}", f"Room {r}", 12)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(11), at(12), "breakout")
    for s in "ABCDEFGH":
        b.add_session(s, f"Session {s}")
    if fans:
        for i in range(36):
            b.add_preference(f"p{i:02d}", "A", 1)
    return build(b)


def _hall_alone() -> dict[str, list[tuple[str, str]]]:
    """b1 runs one session, in the hall; b2 the seven others, one per room."""
    crowded = {"A": [("b1", "hall")]}
    crowded |= {s: [("b2", f"r{i}")] for i, s in enumerate("BCDEFGH")}
    return crowded


def test_a_slot_that_can_seat_people_only_in_the_ballroom_costs_the_search() -> None:
    inst = AgendaInstance(_ballroom_event())
    # The hall seats all 36 people of b1, but they would all sit in one session nobody
    # chose while b2 runs seven rooms of 12.
    search = PlacementSearch(inst, _hall_alone())
    assert search.crowd_cap == 27
    # The hall offers 27 seats to people it was not chosen by: 9 short.
    assert search.value == -9 * improve.CROWD_POINTS
    # One run more in b1 seats everyone there without crowding the hall.
    j = search.cell.index((1, "r6"))
    assert search.allowed(j, (0, "r6"))
    assert search.move(j, (0, "r6")) == 9 * improve.CROWD_POINTS
    assert search.value == pytest.approx(search.total()) == 0
    # The search finds such a placement from the crowded one.
    placement, done = improve_placement(inst, _hall_alone(), moves=2000, seed=3)
    assert done and _run_rules(inst, placement) == []
    assert PlacementSearch(inst, placement).value == 0
    assert sum(1 for runs in placement.values() for k, _r in runs if k == "b1") >= 2


def test_a_popular_session_in_the_ballroom_is_not_crowding() -> None:
    inst = AgendaInstance(_ballroom_event(fans=True))
    search = PlacementSearch(inst, _hall_alone())
    # All 36 people ranked A: the hall is theirs, nobody sits there without choosing it.
    assert search.value == 36 * 8


def test_the_crowd_term_stays_exact_under_random_moves_and_undos() -> None:
    inst = AgendaInstance(_ballroom_event())
    search = PlacementSearch(inst, _hall_alone())
    rng = random.Random(2)
    for j, target in _allowed_moves(search, 4, 400):
        search.move(j, target, undoable=True)
        if rng.random() < 0.5:
            search.undo()
        fresh = PlacementSearch(inst, search.placement())
        assert search.value == pytest.approx(fresh.value)
        assert (search.fair_seats == fresh.fair_seats).all()
