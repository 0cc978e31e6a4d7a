"""Explaining events that have no plan: planted conflicts, their rows, and checked relaxations.

Every planted event passes the counting checks (``EventBuilder.build`` would
raise otherwise) yet has no plan; the explanation must name the planted rows
and rules, and every relaxation it proposes must give an event that
:func:`convening.solve` plans and :func:`convening.validate` accepts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import convening
from convening import Event, EventBuilder, InfeasibleError, SolveOptions
from convening.explain import Explanation, explain_infeasibility, infeasible_error
from tests.factories import at

LIMIT = 20.0


def build(b: EventBuilder) -> Event:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def base(cities: int = 3, *, extra: Callable[[EventBuilder], None] | None = None) -> EventBuilder:
    """Delegations of three (rows 2..), no rooms, slots or sessions yet."""
    b = EventBuilder("Explain", "Albany, NY", "America/New_York")
    for c in range(cities):
        cid = f"c{c}"
        b.add_city(cid, f"City {c}", "NY")
        b.add_participant(f"{cid}-a", f"Official A{c}", city_id=cid, role="official")
        b.add_participant(f"{cid}-b", f"Official B{c}", city_id=cid, role="official")
        b.add_participant(f"{cid}-p", f"Partner {c}", city_id=cid, role="partner")
    if extra is not None:
        extra(b)
    return b


def plans(event: Event) -> bool:
    """Whether the solver plans ``event`` and the plan keeps every hard rule."""
    try:
        plan = convening.solve(event, SolveOptions(time_limit=10, seed=0))
    except InfeasibleError:
        return False
    return convening.validate(event, plan) == []


def explain(event: Event) -> Explanation:
    explanation = explain_infeasibility(event, time_limit=LIMIT)
    assert not explanation.feasible
    assert not explanation.cut_short
    return explanation


def assert_relaxations_plan(event: Event, explanation: Explanation) -> None:
    """Each relaxation of a lone conflict gives an event with a valid plan."""
    assert len(explanation.conflicts) == 1
    (conflict,) = explanation.conflicts
    assert conflict.relaxations, conflict.message
    for relaxation in conflict.relaxations:
        assert plans(relaxation.apply(event)), relaxation.text


# -- planted conflicts ---------------------------------------------------------------------------


def two_pinned_to_one_room() -> Event:
    """Sessions x0 and x1 are both pinned to room r1 in the one breakout slot."""
    b = base()
    b.add_room("r1", "Room 1", 12)
    b.add_room("r2", "Room 2", 12)
    b.add_room("r3", "Room 3", 12)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_session("x0", "Zero", slot_id="b1", room_id="r1")  # sessions row 2
    b.add_session("x1", "One", slot_id="b1", room_id="r1")  # sessions row 3
    b.add_session("x2", "Two")
    return build(b)


def test_two_sessions_pinned_to_one_room() -> None:
    event = two_pinned_to_one_room()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert conflict.rule == "pinned-room"
    assert {("sessions", 2), ("sessions", 3), ("rooms", 2)} <= set(conflict.rows)
    assert "x0" in conflict.message and "x1" in conflict.message and "r1" in conflict.message
    texts = explanation.relaxations
    assert any("unpin session x0 from room r1" in t for t in texts)
    assert any("unpin session x1 from room r1" in t for t in texts)
    assert_relaxations_plan(event, explanation)


def only_repeat_left() -> Event:
    """Step-free s1 can only attend A, offered twice, in both breakout slots.

    B and C are pinned to the room without step-free access, so in each slot the
    only accessible session is a run of A; attending it twice breaks the repeat rule.
    """

    def extra(b: EventBuilder) -> None:
        b.add_participant(
            "s1", "Step-free", role="speaker", accessible=True
        )  # participants row 11

    b = base(extra=extra)
    b.add_room("ra", "Accessible", 12)
    b.add_room("rs", "Stairs", 12, accessible=False)  # rooms row 3
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("A", "Twice", offered=2)  # sessions row 2
    b.add_session("B", "Up the stairs", room_id="rs")  # sessions row 3
    b.add_session("C", "Up the stairs again", room_id="rs")  # sessions row 4
    return build(b)


def test_repeat_is_the_only_way_left() -> None:
    event = only_repeat_left()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert "step-free-room" in conflict.rules
    assert "pinned-room" in conflict.rules
    assert {("participants", 11), ("sessions", 3), ("sessions", 4)} <= set(conflict.rows)
    assert "s1" in conflict.message and "step-free" in conflict.message
    # Never propose dropping someone's step-free need.
    assert not any("s1" in t for t in explanation.relaxations)
    assert any("unpin session B from room rs" in t for t in explanation.relaxations)
    assert_relaxations_plan(event, explanation)


def presenter_leaves_early() -> Event:
    """Presenter q1 presents A and B but leaves before the second breakout slot."""

    def extra(b: EventBuilder) -> None:
        b.add_participant("q1", "Presenter", role="speaker", departs=at(11.2))  # row 11

    b = base(extra=extra)
    b.add_room("r1", "Room 1", 12)
    b.add_room("r2", "Room 2", 12)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("A", "Pinned talk", presenters="q1", slot_id="b1")  # sessions row 2
    b.add_session("B", "Second talk", presenters="q1")  # sessions row 3
    b.add_session("C", "Open floor", offered=2)
    return build(b)


def test_presenter_absent_for_second_session() -> None:
    event = presenter_leaves_early()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert "presenter-absent" in conflict.rules and "not-present" in conflict.rules
    assert {("participants", 11), ("sessions", 2), ("sessions", 3)} <= set(conflict.rows)
    assert "q1" in conflict.message
    assert any("q1 departs at" in t for t in explanation.relaxations)
    assert_relaxations_plan(event, explanation)


def late_presenter_offered_twice() -> Event:
    """Presenter q1 arrives after the first breakout slot, but A (q1's) is offered twice."""

    def extra(b: EventBuilder) -> None:
        b.add_participant("q1", "Presenter", role="speaker", arrives=at(11.2))  # row 11

    b = base(extra=extra)
    b.add_room("r1", "Room 1", 12)
    b.add_room("r2", "Room 2", 12)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("A", "Twice", presenters="q1", offered=2)  # sessions row 2
    b.add_session("B", "Other", offered=2)
    return build(b)


def test_arrival_window_and_offered_count() -> None:
    event = late_presenter_offered_twice()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert {"session-offered", "not-present", "presenter-absent"} <= set(conflict.rules)
    assert {("participants", 11), ("sessions", 2)} <= set(conflict.rows)
    texts = explanation.relaxations
    assert any("offer session A once instead of 2" in t for t in texts)
    assert any("q1 arrives by" in t for t in texts)
    assert_relaxations_plan(event, explanation)


def step_free_sessions_pinned_away() -> Event:
    """Only one session can use the accessible room; step-free s1 needs it in both slots."""

    def extra(b: EventBuilder) -> None:
        b.add_participant("s1", "Step-free", role="speaker", accessible=True)  # row 11

    b = base(extra=extra)
    b.add_room("ra", "Accessible", 10)
    b.add_room("rs", "Stairs", 20, accessible=False)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("S1", "Open")  # sessions row 2
    b.add_session("S2", "Upstairs", room_id="rs")  # sessions row 3
    b.add_session("S3", "Upstairs too", room_id="rs")  # sessions row 4
    return build(b)


def test_pins_leave_no_step_free_session() -> None:
    event = step_free_sessions_pinned_away()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert "step-free-room" in conflict.rules
    assert {("participants", 11), ("sessions", 3), ("sessions", 4)} <= set(conflict.rows)
    texts = explanation.relaxations
    assert any("unpin session S2 from room rs" in t for t in texts)
    assert any("unpin session S3 from room rs" in t for t in texts)
    assert_relaxations_plan(event, explanation)


def capacities_too_small_together() -> Event:
    """Two breakout slots of 9 people and three sessions: one slot holds two of them.

    Any slot could hold A (30 seats) alone, so each slot passes the seat count.
    But the other slot then holds B and C (capacity 5 each), one of them in the
    3-seat room: 8 seats; and A with B or C leaves C or B alone, with 5 seats.
    """
    b = base()
    b.add_room("big", "Big", 30)
    b.add_room("small", "Small", 3)  # rooms row 3
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("A", "Open")
    b.add_session("B", "Capped", capacity=5)  # sessions row 3
    b.add_session("C", "Capped too", capacity=5)  # sessions row 4
    return build(b)


def test_capacity_too_small_only_in_combination() -> None:
    event = capacities_too_small_together()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert {"session-capacity", "room-capacity"} <= set(conflict.rules)
    assert {("sessions", 3), ("sessions", 4), ("rooms", 3)} <= set(conflict.rows)
    texts = explanation.relaxations
    # The slot with B and C needs 9 seats: 6 + 3, or 5 + 4.
    assert any("raise session B's capacity to 6" in t for t in texts)
    assert any("raise room small's capacity to 4" in t for t in texts)
    assert_relaxations_plan(event, explanation)


def bus_needed_twice() -> Event:
    """The van is the only step-free tour left for t1, but t2 needs its seats.

    walk1 is pinned to t1 and the bus to t2; in t2 the bus (8) and the walking w2
    (2) seat 10 of the 11 present, so the van must go to t2 and step-free s1 has
    no tour in t1. Unpinning walk1 or the bus alone does not help: t1 then lacks seats.
    """

    def extra(b: EventBuilder) -> None:
        b.add_participant("s1", "Step-free", role="speaker", accessible=True)  # row 11
        b.add_participant("s2", "Staff", role="speaker")

    b = base(extra=extra)
    b.add_slot("t1", at(13), at(15), "tour")
    b.add_slot("t2", at(15.5), at(17.5), "tour")
    b.add_tour("walk1", "Walk", 20, slot_id="t1", walking=True)  # tours row 2
    b.add_tour("bus", "Bus", 8, slot_id="t2")  # tours row 3
    b.add_tour("w2", "Short walk", 2, walking=True)  # tours row 4
    b.add_tour("van", "Van", 4)
    return build(b)


def test_tour_pin_and_capacities() -> None:
    event = bus_needed_twice()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert conflict.part == "tour"
    assert {"step-free-tour", "pinned-slot", "tour-capacity"} <= set(conflict.rules)
    assert {("participants", 11), ("tours", 2), ("tours", 3), ("tours", 4)} <= set(conflict.rows)
    texts = explanation.relaxations
    # t2 needs one more seat: the bus takes 9, or w2 takes 3, or either goes out twice.
    assert any("raise tour bus's capacity to 9 per departure" in t for t in texts)
    assert any("raise tour w2's capacity to 3 per departure" in t for t in texts)
    assert any("send tour bus out in 2 departures" in t for t in texts)
    assert not any("unpin" in t for t in texts)
    assert_relaxations_plan(event, explanation)


def networking_event(rules: Callable[[EventBuilder], None], cities: int = 4) -> Event:
    b = base(cities)
    b.add_room("hall", "Hall", 50)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_session("welcome", "Welcome", "plenary")
    b.add_slot("lunch", at(12), at(13), "networking")
    b.set_table_size("lunch", 4)
    rules(b)
    return build(b)


def test_together_chain_closed_by_an_apart_rule() -> None:
    # Each rule alone is fine (the checks see no problem); together they cannot all hold.
    event = networking_event(
        lambda b: (
            b.add_networking_rule("together", "c0-a", "c1-a"),  # row 2
            b.add_networking_rule("together", "c1-a", "c2-a"),  # row 3
            b.add_networking_rule("apart", "c0-a", "c2-a"),  # row 4
        )
    )
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert {"networking-together", "networking-apart"} <= set(conflict.rules)
    assert {("networking_rules", r) for r in (2, 3, 4)} <= set(conflict.rows)
    assert len(conflict.relaxations) == 3
    assert_relaxations_plan(event, explanation)


def test_two_hosts_kept_together() -> None:
    # Hosts sit one per table, so two hosts cannot also be kept at one table.
    event = networking_event(
        lambda b: (
            b.add_networking_rule("host", "c0-a"),  # row 2
            b.add_networking_rule("host", "c1-a"),  # row 3
            b.add_networking_rule("together", "c0-a", "c1-a"),  # row 4
        ),
        cities=4,
    )
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert "networking-host" in conflict.rules
    assert {("networking_rules", r) for r in (2, 3, 4)} <= set(conflict.rows)
    assert conflict.relaxations
    assert_relaxations_plan(event, explanation)


# -- several conflicts at once ------------------------------------------------------------------


def two_double_pins_and_a_rule() -> Event:
    """Two rooms double-booked by pins (in two slots) and a together chain closed by apart."""
    b = base()
    b.add_room("r1", "Room 1", 12)
    b.add_room("r2", "Room 2", 12)
    b.add_room("r3", "Room 3", 12)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_slot("lunch", at(12.5), at(13.5), "networking")
    b.set_table_size("lunch", 3)
    b.add_session("x0", "Zero", slot_id="b1", room_id="r1")  # sessions row 2
    b.add_session("x1", "One", slot_id="b1", room_id="r1")  # sessions row 3
    b.add_session("x2", "Two", slot_id="b2", room_id="r2")  # sessions row 4
    b.add_session("x3", "Three", slot_id="b2", room_id="r2")  # sessions row 5
    b.add_networking_rule("together", "c0-a", "c1-a")  # networking_rules row 2
    b.add_networking_rule("together", "c1-a", "c2-a")  # networking_rules row 3
    b.add_networking_rule("apart", "c2-a", "c0-a")  # networking_rules row 4
    return build(b)


def test_pairs_of_conflicts_are_each_explained() -> None:
    event = two_double_pins_and_a_rule()
    explanation = explain(event)
    assert len(explanation.conflicts) == 3
    rows = [set(c.rows) for c in explanation.conflicts]
    assert any({("sessions", 2), ("sessions", 3)} <= r for r in rows)
    assert any({("sessions", 4), ("sessions", 5)} <= r for r in rows)
    assert any(("networking_rules", 2) in r for r in rows)
    # No conflict mixes rows of another.
    for r in rows:
        assert not ({("sessions", 2), ("sessions", 4)} <= r)
    # Relaxing one conflict alone is not enough; one relaxation from each is.
    for conflict in explanation.conflicts:
        assert conflict.relaxations
        assert not plans(conflict.relaxations[0].apply(event))
    for choice in itertools.islice(
        itertools.product(*(c.relaxations for c in explanation.conflicts)), 4
    ):
        changed = event
        for relaxation in choice:
            changed = relaxation.apply(changed)
        assert plans(changed), [r.text for r in choice]


# -- wording and wiring -------------------------------------------------------------------------


def test_lines_and_text_name_the_conflict_and_the_fixes() -> None:
    explanation = explain(two_pinned_to_one_room())
    lines = explanation.lines()
    assert len(lines) == 1
    assert "sessions row 2" in lines[0] and "sessions row 3" in lines[0]
    assert "Any one of these would resolve it" in lines[0]
    text = str(explanation)
    assert text.startswith("No plan keeps every rule; 1 conflict found:")
    assert lines[0] in text


def test_same_event_and_seed_give_the_same_explanation() -> None:
    event = two_double_pins_and_a_rule()
    first = explain_infeasibility(event, time_limit=LIMIT, seed=3)
    again = explain_infeasibility(event, time_limit=LIMIT, seed=3)
    assert first.lines() == again.lines()


def test_infeasible_error_carries_the_explanation() -> None:
    error = infeasible_error(two_pinned_to_one_room(), time_limit=LIMIT)
    assert isinstance(error, InfeasibleError)
    assert error.reasons == error.explanation.lines()  # type: ignore[attr-defined]
    assert "x0" in str(error)


def test_the_solver_agrees_these_events_have_no_plan() -> None:
    for make in (only_repeat_left, capacities_too_small_together, bus_needed_twice):
        assert not plans(make())


# -- feasible events are never reported infeasible ---------------------------------------------


@pytest.mark.parametrize("name", ["peer_exchange", "new_orleans"])
def test_examples_are_feasible(name: str) -> None:
    explanation = explain_infeasibility(convening.load_example(name), time_limit=LIMIT)
    assert explanation.feasible
    assert explanation.conflicts == []
    assert "the event has a plan" in str(explanation)


@st.composite
def small_events(draw: st.DrawFn) -> Event:
    """Small events that pass the checks: rooms, slots, sessions and pins drawn at random."""
    b = base(cities=2)
    rooms = draw(st.integers(1, 3))
    for r in range(rooms):
        b.add_room(f"r{r}", f"Room {r}", draw(st.integers(2, 8)), accessible=draw(st.booleans()))
    slots = draw(st.integers(1, 3))
    for k in range(slots):
        b.add_slot(f"b{k}", at(9 + 1.5 * k), at(10 + 1.5 * k), "breakout")
    for s in range(draw(st.integers(1, 4))):
        slot = draw(st.one_of(st.none(), st.sampled_from([f"b{k}" for k in range(slots)])))
        room = draw(st.one_of(st.none(), st.sampled_from([f"r{r}" for r in range(rooms)])))
        offered = 1 if slot is not None else draw(st.integers(1, 2))
        capacity = draw(st.one_of(st.none(), st.integers(2, 6)))
        b.add_session(f"s{s}", f"Session {s}", slot_id=slot, room_id=room, offered=offered,
                      capacity=capacity)  # fmt: skip
    if draw(st.booleans()):
        b.add_participant("x", "Step-free", role="speaker", accessible=True)
    try:
        return build(b)
    except convening.EventError:
        reject()


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(small_events())
def test_explanation_agrees_with_the_solver(event: Event) -> None:
    explanation = explain_infeasibility(event, time_limit=LIMIT)
    if plans(event):
        assert explanation.feasible
    else:
        # These events are tiny, so the solver's answer is a proof: there is a conflict.
        assert not explanation.feasible and explanation.conflicts
        for conflict in explanation.conflicts:
            for relaxation in conflict.relaxations:
                changed = relaxation.apply(event)
                if len(explanation.conflicts) == 1:
                    assert plans(changed), relaxation.text


def test_solve_names_the_conflict_when_no_plan_exists() -> None:
    """solve() itself explains: the rule and the rows involved, proven."""
    from convening import EventBuilder, InfeasibleError, SolveOptions, solve

    b = EventBuilder("Impossible", "Albany, NY", "America/New_York")
    b.add_city("c1", "Albany", "NY")
    b.add_participant("p1", "Person", city_id="c1", role="official")
    b.add_room("r1", "Room", 5)
    b.add_slot("b1", dt.datetime(2027, 4, 20, 9), dt.datetime(2027, 4, 20, 10), "breakout")
    b.add_slot("b2", dt.datetime(2027, 4, 20, 11), dt.datetime(2027, 4, 20, 12), "breakout")
    b.add_session("only", "Only session", offered=2)  # p1 cannot attend it twice
    event = b.build()
    with pytest.raises(InfeasibleError) as info:
        solve(event, SolveOptions(time_limit=5))
    error = info.value
    assert error.proven
    assert error.explanation is not None and not error.explanation.feasible
    assert any("sessions row 2" in line for line in error.reasons)
    # Offering it once would leave the second slot empty: no single change is enough.
    assert "nobody attends session only" in str(error)
    assert "No single change" in str(error)


def presenter_on_a_call() -> Event:
    """Presenter q1 (a staff member who attends plenaries only) presents A, pinned to b1, and
    B, but is away in b2 for a call."""

    def extra(b: EventBuilder) -> None:
        b.add_participant("q1", "Presenter", role="staff", away="b2")  # row 11

    b = base(extra=extra)
    b.add_room("r1", "Room 1", 12)
    b.add_room("r2", "Room 2", 12)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("A", "Pinned talk", presenters="q1", slot_id="b1")  # sessions row 2
    b.add_session("B", "Second talk", presenters="q1")  # sessions row 3
    b.add_session("C", "Open floor", offered=2)
    return build(b)


def test_a_presenter_away_for_a_slot_is_named_with_the_away_column() -> None:
    event = presenter_on_a_call()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert {"presenter-absent", "not-present"} <= set(conflict.rules)
    assert {("participants", 11), ("sessions", 2), ("sessions", 3)} <= set(conflict.rows)
    assert "q1 (participants row 11, away) is away in slot b2" in conflict.message
    assert any("remove it from away" in t for t in explanation.relaxations)
    assert_relaxations_plan(event, explanation)


def leader_away_from_the_only_bus() -> Event:
    """The only step-free tour is the bus, whose leader (staff) is away in t1, the one tour
    slot where w1, who needs step-free access, is at the event."""

    def extra(b: EventBuilder) -> None:
        b.add_participant("g1", "Guide", role="staff", away="t1")  # row 11
        b.add_participant("w1", "Wheels", role="speaker", accessible=True, departs=at(17))

    b = base(extra=extra)
    b.add_slot("t1", at(14), at(16), "tour")
    b.add_slot("t2", at(9, day=1), at(11, day=1), "tour")
    b.add_tour("walk", "River walk", 20, walking=True)  # tours row 2
    b.add_tour("bus", "Bus", 20, leaders="g1")  # tours row 3
    b.add_tour("walk2", "Second walk", 20, walking=True, slot_id="t1")  # tours row 4
    return build(b)


def test_a_leader_away_keeps_their_tour_out_of_that_slot() -> None:
    event = leader_away_from_the_only_bus()
    # The bus can only run in t2, so w1 (step-free) has no tour in t1, unless g1 were there.
    explanation = explain(event)
    conflict = explanation.conflicts[0]
    assert ("tours", 3) in conflict.rows and ("participants", 11) in conflict.rows
    assert "g1 (participants row 11) leads tour bus (tours row 3, leaders)" in conflict.message
    assert any("g1 is at slot t1 after all" in t for t in explanation.relaxations)
