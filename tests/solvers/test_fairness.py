"""Lifting the worst-off after the assignment: bumps, swaps, and what must never get worse."""

from __future__ import annotations

import random

import pytest

from convening import EventBuilder
from convening.model import Event, SlotKind
from convening.options import SolveOptions
from convening.solvers.fairness import lift_worst_off
from convening.solvers.greedy import solve_greedy
from convening.solvers.instance import AgendaInstance, presenting_in
from tests.factories import at
from tests.solvers.agenda_events import build, medium_event

OPTIONS = SolveOptions()


def one_slot_event(
    ranks: dict[str, dict[str, int]],
    rooms: dict[str, tuple[int, bool]],
    delegation: tuple[str, ...] = (),
) -> Event:
    """One breakout slot, a session per room (session ``X`` in room ``rX``), given ranks.

    People whose id starts with ``a`` need step-free access; those in ``delegation``
    are officials of one city, the others staff.
    """
    b = EventBuilder("Lift", "Albany, NY", "America/New_York")
    if delegation:
        b.add_city("c1", "One", "NY")
    for pid in ranks:
        city, role = ("c1", "official") if pid in delegation else (None, "speaker")
        b.add_participant(
            pid, pid.upper(), city_id=city, role=role, accessible=pid.startswith("a")
        )
    for sid, (seats, step_free) in rooms.items():
        b.add_room(f"r{sid}", f"Room {sid}", seats, accessible=step_free)
        b.add_session(sid, f"Session {sid}")
    b.add_slot("b1", at(9), at(10), "breakout")
    for pid, mine in ranks.items():
        for sid, rank in mine.items():
            b.add_preference(pid, sid, rank)
    return build(b)


def lift(
    event: Event, attends: dict[str, str], options: SolveOptions = OPTIONS
) -> tuple[dict[str, str], int]:
    inst = AgendaInstance(event)
    placement = {s.session_id: [("b1", f"r{s.session_id}")] for s in event.sessions}
    result, moves = lift_worst_off(
        inst, placement, {(pid, "b1"): sid for pid, sid in attends.items()}, options
    )
    return {pid: sid for (pid, _k), sid in result.items()}, moves


def test_the_worst_off_takes_a_seat_freed_by_bumping_someone_to_their_next_choice() -> None:
    # p wants only A; q, in A, likes B almost as much, and B has a free seat.
    event = one_slot_event(
        {"p": {"A": 1}, "q": {"A": 1, "B": 2}}, {"A": (1, True), "B": (1, True), "C": (2, True)}
    )
    after, moves = lift(event, {"p": "C", "q": "A"})
    assert after == {"p": "A", "q": "B"}
    assert moves == 2


def test_with_no_free_seat_the_worst_off_swaps_seats() -> None:
    event = one_slot_event(
        {"p": {"A": 1}, "q": {"A": 1, "B": 2}}, {"A": (1, True), "B": (1, True)}
    )
    after, _moves = lift(event, {"p": "B", "q": "A"})
    assert after == {"p": "A", "q": "B"}


def test_nobody_is_pushed_down_to_where_the_lifted_person_was() -> None:
    # Swapping would only trade places: q would drop to nothing, as p has now.
    event = one_slot_event({"p": {"A": 1}, "q": {"A": 1}}, {"A": (1, True), "B": (1, True)})
    assert lift(event, {"p": "B", "q": "A"}) == ({"p": "B", "q": "A"}, 0)


def test_a_person_needing_step_free_access_is_never_lifted_into_a_stepped_room() -> None:
    event = one_slot_event({"ap": {"A": 1}, "q": {"B": 1}}, {"A": (2, False), "B": (2, True)})
    assert lift(event, {"ap": "B", "q": "B"}) == ({"ap": "B", "q": "B"}, 0)
    event = one_slot_event({"p": {"A": 1}, "q": {"B": 1}}, {"A": (2, False), "B": (2, True)})
    assert lift(event, {"p": "B", "q": "B"}) == ({"p": "A", "q": "B"}, 1)


@pytest.mark.parametrize(
    ("spread", "lexicographic", "moves"),
    [("spread", (), 1), ("spread", ("preference", "delegation"), 0), ("together", (), 1)],
)
def test_joining_a_delegation_mate_is_weighed_and_never_traded_in_lexicographic_mode(
    spread: str, lexicographic: tuple[str, ...], moves: int
) -> None:
    # p sits in B with nothing; A, p's only wish, has a free seat next to p's delegation mate.
    event = one_slot_event(
        {"p": {"A": 1}, "m": {"A": 1}, "x": {"B": 1}},
        {"A": (2, True), "B": (2, True)},
        delegation=("p", "m"),
    )
    options = SolveOptions(spread=spread, lexicographic=lexicographic)
    after, made = lift(event, {"p": "B", "m": "A", "x": "B"}, options)
    assert made == moves
    assert after["p"] == ("A" if moves else "B")


def test_swapping_two_members_of_one_delegation_makes_no_pair() -> None:
    # p (in L) ranks S 8th; o (in S) ranks S 1st and L 3rd. Swapping costs a point of
    # preference, and p and o never share a run, so no delegation pair makes up for it.
    event = one_slot_event(
        {"p": {"S": 8}, "o": {"S": 1, "L": 3}}, {"S": (1, True), "L": (1, True)}, ("p", "o")
    )
    for spread in ("together", "spread", "indifferent"):
        seating = {"p": "L", "o": "S"}
        assert lift(event, seating, SolveOptions(spread=spread)) == (seating, 0)


def _check(inst: AgendaInstance, placement, attends) -> None:  # type: ignore[no-untyped-def]
    """Seats, step-free rooms and each session once, from scratch."""
    presenting = presenting_in(inst, placement)
    room = {(sid, k): r for sid, cells in placement.items() for k, r in cells}
    seats = {(sid, k, r): c for sid in placement for k, r, c in inst.info[sid].options}
    count: dict[tuple[str, str], int] = {}
    seen: set[tuple[str, str]] = set()
    for (pid, k), sid in attends.items():
        if (pid, k) in presenting:
            continue
        count[(sid, k)] = count.get((sid, k), 0) + 1
        assert (pid, sid) not in seen, f"{pid} attends {sid} twice"
        seen.add((pid, sid))
        if pid in inst.accessible:
            assert inst.room_accessible(room[(sid, k)])
    for run, n in count.items():
        presenters = len(inst.event.session_by_id[run[0]].presenters)
        assert n + presenters <= seats[(*run, room[run])], run


def random_seating(inst: AgendaInstance, placement, seed: int):  # type: ignore[no-untyped-def]
    """Everyone free in a breakout slot in a random run that keeps the rules."""
    rng = random.Random(seed)
    presenting = presenting_in(inst, placement)
    attends: dict[tuple[str, str], str] = {}
    attended: dict[str, set[str]] = {}
    for slot in inst.session_slots[SlotKind.BREAKOUT]:
        k = slot.slot_id
        free: dict[str, int] = {}
        for sid, cells in placement.items():
            for kk, r in cells:
                if kk == k:
                    seats = {(a, b): c for a, b, c in inst.info[sid].options}[(k, r)]
                    free[sid] = seats - len(inst.event.session_by_id[sid].presenters)
        people = [p for p in inst.present[k] if (p, k) not in presenting]
        rng.shuffle(people)
        # Step-free needs first, so the step-free seats go to them.
        for pid in sorted(people, key=lambda p: p not in inst.accessible):
            room = {sid: r for sid, cells in placement.items() for kk, r in cells if kk == k}
            options = [
                sid
                for sid in sorted(free)
                if free[sid] > 0
                and sid not in attended.get(pid, set())
                and (pid not in inst.accessible or inst.room_accessible(room[sid]))
            ]
            sid = rng.choice(options)
            free[sid] -= 1
            attends[(pid, k)] = sid
            attended.setdefault(pid, set()).add(sid)
    return attends


@pytest.mark.parametrize("seed", range(6))
def test_lifting_keeps_the_rules_and_never_lowers_the_total_or_the_worst_share(seed: int) -> None:
    inst = AgendaInstance(medium_event(seed))
    greedy = solve_greedy(inst, seed)
    assert greedy is not None
    placement = greedy.placement
    before = random_seating(inst, placement, seed)
    _check(inst, placement, before)
    after, moves = lift_worst_off(inst, placement, before, OPTIONS)
    assert moves > 0
    assert set(after) == set(before)
    _check(inst, placement, after)
    slots = [s.slot_id for s in inst.session_slots[SlotKind.BREAKOUT]]

    def points(attends, pid):  # type: ignore[no-untyped-def]
        return sum(inst.score(pid, attends.get((pid, k), "")) for k in slots)

    people = [p.participant_id for p in inst.people]
    fair = {pid: inst.fair_bound(pid, SlotKind.BREAKOUT) for pid in people}
    shares = {
        name: sorted(points(a, pid) / fair[pid] for pid in people if fair[pid])
        for name, a in (("before", before), ("after", after))
    }
    # No delegations here, so the preference total cannot fall; the shares sorted from
    # the lowest rise lexicographically (the worst share first of all).
    assert sum(points(after, pid) for pid in people) >= sum(points(before, pid) for pid in people)
    assert shares["after"] >= shares["before"]
    assert shares["after"][0] >= shares["before"][0]
    assert moves == 0 or shares["after"] > shares["before"]
