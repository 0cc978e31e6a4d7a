"""Explaining an event with no plan when people take places by the ``attends`` written for them.

A staff member works the event and takes plenary places only, unless their
``attends`` says more. When a conflict exists only because such a person
takes a place (a bus that is a seat short once the staff member who rides
tours is counted, the last breakout seat), the explanation names the
participants row, the ``attends`` column and its value, and offers the
change that frees the place. Places taken by a role's default, or by an
``attends`` that writes the default out, are never blamed; neither are
``attends`` rows that play no part in the conflict.

Every planted event passes the counting checks (``EventBuilder.build``
raises otherwise), and every plan made here is checked with
:func:`convening.validate`.
"""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import convening
from convening import Event, EventBuilder, InfeasibleError, SolveOptions
from convening.explain import Change, Explanation, explain_infeasibility
from convening.solvers.ortools import explain as backend
from tests.factories import at

LIMIT = 20.0

#: Rows of the participants sheet the events below put their staff on.
DANA, ELI = 11, 12


def build(b: EventBuilder) -> Event:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def plan_of(event: Event) -> convening.Plan | None:
    """The solver's plan of ``event`` (checked by the validator), or ``None`` when it has none."""
    try:
        plan = convening.solve(event, SolveOptions(time_limit=10, seed=0))
    except InfeasibleError:
        return None
    assert convening.validate(event, plan) == []
    return plan


def explain(event: Event) -> Explanation:
    explanation = explain_infeasibility(event, time_limit=LIMIT)
    assert not explanation.feasible
    assert not explanation.cut_short
    return explanation


def assert_each_relaxation_plans(event: Event, explanation: Explanation) -> None:
    (conflict,) = explanation.conflicts
    assert conflict.relaxations, conflict.message
    for relaxation in conflict.relaxations:
        assert plan_of(relaxation.apply(event)) is not None, relaxation.text


def exchange(
    dana: str | None = None,
    eli: str | None = None,
    delegates: str | None = None,
    eli_away: str = "",
) -> EventBuilder:
    """Three delegations of three (participants rows 2-10), then staff dana (row 11) and
    eli (row 12) with the ``attends`` given; ``delegates`` is written for everyone else."""
    b = EventBuilder("Riverside exchange", "Albany, NY", "America/New_York")
    for c in range(3):
        cid = f"c{c}"
        b.add_city(cid, f"City {c}", "NY")
        b.add_participant(f"{cid}-a", f"Official A{c}", city_id=cid, attends=delegates)
        b.add_participant(f"{cid}-b", f"Official B{c}", city_id=cid, attends=delegates)
        b.add_participant(f"{cid}-p", f"Partner {c}", city_id=cid, role="partner",
                          attends=delegates)  # fmt: skip
    b.add_participant("dana", "Dana Staff", role="staff", attends=dana)
    b.add_participant("eli", "Eli Staff", role="staff", attends=eli, away=eli_away)
    return b


def buses(b: EventBuilder, riverside: int = 9, market: int = 6, garden: int = 5) -> Event:
    """Two tour slots; the three tours each run once, so one slot gets one tour, the other two.

    With the nine delegates alone, riverside (9) carries one slot and market and
    garden the other. Every extra rider in both slots breaks that split, and no
    other works, though each slot and the two together pass the seat counts.
    """
    b.add_slot("t1", at(14), at(16), "tour")
    b.add_slot("t2", at(9, day=1), at(11, day=1), "tour")
    b.add_tour("riverside", "Riverside", riverside)  # tours row 2
    b.add_tour("market", "Market walk", market, walking=True)  # tours row 3
    b.add_tour("garden", "Garden", garden)  # tours row 4
    return build(b)


def breakouts(b: EventBuilder) -> Event:
    """Two breakout slots, three sessions: one slot holds A alone, the other B and C.

    B and C take at most 5 each and one of them is in the 4-seat room: 9 seats,
    the nine delegates exactly.
    """
    b.add_room("big", "Big", 30)
    b.add_room("small", "Small", 4)  # rooms row 3
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_slot("b2", at(11.5), at(12.5), "breakout")
    b.add_session("A", "Open")
    b.add_session("B", "Capped", capacity=5)  # sessions row 3
    b.add_session("C", "Capped too", capacity=5)  # sessions row 4
    return build(b)


# -- the attends row is named when the conflict exists because of it -------------------------------


def test_the_bus_is_a_seat_short_once_the_staff_member_who_rides_tours_is_counted() -> None:
    assert plan_of(buses(exchange())) is not None  # staff take plenary places only: it plans
    event = buses(exchange(dana="plenary;tour"))
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert conflict.part == "tour"
    assert ("participants", DANA) in conflict.rows
    assert ("participants", ELI) not in conflict.rows  # eli's role default is no row to change
    assert "dana (participants row 11, attends: plenary;tour) takes a place in the tour slots" in (
        conflict.message
    )
    assert "eli" not in conflict.message
    assert {("tours", 2), ("tours", 3), ("tours", 4)} <= set(conflict.rows)
    assert (
        "dana takes no place in tour slots (attends plenary instead of plenary;tour, "
        "participants row 11)" in explanation.relaxations
    )
    assert any("raise tour riverside's capacity to 10" in t for t in explanation.relaxations)
    assert_each_relaxation_plans(event, explanation)


def test_the_solver_itself_names_the_attends_row() -> None:
    event = buses(exchange(dana="plenary;tour"))
    with pytest.raises(InfeasibleError) as info:
        convening.solve(event, SolveOptions(time_limit=10, seed=0))
    assert info.value.proven
    assert "dana (participants row 11, attends: plenary;tour)" in str(info.value)


def test_a_staff_member_set_to_attend_everything_fills_the_last_breakout_seat() -> None:
    assert plan_of(breakouts(exchange())) is not None
    event = breakouts(exchange(dana="all"))
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert conflict.part == "breakout"
    assert {("participants", DANA), ("rooms", 3), ("sessions", 3), ("sessions", 4)} <= set(
        conflict.rows
    )
    assert "dana (participants row 11, attends: all) takes a place in the breakout slots" in (
        conflict.message
    )
    # dana keeps every other kind of slot: only the breakouts are given up.
    assert (
        "dana takes no place in breakout slots (attends "
        "plenary;tour;networking;action_planning instead of all, participants row 11)"
        in explanation.relaxations
    )
    assert_each_relaxation_plans(event, explanation)


def test_everyone_who_rides_by_their_attends_is_named_and_one_of_them_is_enough() -> None:
    event = buses(exchange(dana="plenary;tour", eli="all"), riverside=10, market=6, garden=6)
    assert plan_of(buses(exchange(dana="plenary;tour"), 10, 6, 6)) is not None
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert {("participants", DANA), ("participants", ELI)} <= set(conflict.rows)
    assert (
        "dana (participants row 11, attends: plenary;tour) and eli (participants row 12, "
        "attends: all) take a place in the tour slots" in conflict.message
    )
    texts = explanation.relaxations
    assert any(t.startswith("dana takes no place in tour slots") for t in texts)
    assert any(t.startswith("eli takes no place in tour slots") for t in texts)
    assert not any(t.startswith("dana and eli") for t in texts)  # one of them is enough
    assert_each_relaxation_plans(event, explanation)


def test_when_one_is_not_enough_their_places_are_freed_together() -> None:
    # Eleven riders a slot where riverside (9) must share its slot: 9 + 6 or 9 + 7 ...
    event = buses(exchange(dana="plenary;tour", eli="all"), riverside=9, market=6, garden=7)
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert {("participants", DANA), ("participants", ELI)} <= set(conflict.rows)
    texts = explanation.relaxations
    assert not any(t.startswith(("dana takes", "eli takes")) for t in texts)
    together = [t for t in texts if t.startswith("dana and eli take no place in tour slots")]
    assert together == [
        "dana and eli take no place in tour slots (attends plenary instead of plenary;tour, "
        "participants row 11; attends plenary;breakout;networking;action_planning instead of "
        "all, participants row 12)"
    ]
    assert_each_relaxation_plans(event, explanation)


def test_a_tour_leader_who_also_takes_a_place_by_attends_is_named_and_still_leads() -> None:
    """dana leads riverside in t1; attending tours gives her a second seat, in t2, which the
    split of the other tours cannot spare."""
    b = exchange(dana="all")
    b.add_slot("t1", at(14), at(16), "tour")
    b.add_slot("t2", at(9, day=1), at(11, day=1), "tour")
    b.add_tour("riverside", "Riverside", 8, slot_id="t1", leaders="dana")
    b.add_tour("market", "Market walk", 3, walking=True)
    b.add_tour("garden", "Garden", 9)
    event = build(b)
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert "dana (participants row 11, attends: all) takes a place in the tour slots" in (
        conflict.message
    )
    (free,) = [t for t in explanation.relaxations if t.startswith("dana takes no place")]
    relaxed = next(r for r in conflict.relaxations if r.text == free).apply(event)
    plan = plan_of(relaxed)
    assert plan is not None
    # Freed from the other slot's seat, dana still leads riverside.
    (run,) = [r for r in plan.runs if r.activity_id == "riverside"]
    assert "dana" in run.attendees
    assert_each_relaxation_plans(event, explanation)


# -- the attends rows are not named when they play no part ------------------------------------------


def test_role_defaults_and_written_defaults_are_never_blamed() -> None:
    """A bus short for the delegates alone: the staff (default, and plenary written out) and
    delegates whose attends writes out their default are no part of it."""
    event = buses(exchange(dana="plenary", delegates="all"), riverside=8, market=6, garden=5)
    assert event.by_attends("tour") == ()
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert not [row for row in conflict.rows if row[0] == "participants"]
    assert "attends" not in conflict.message
    assert not any("takes no place" in t for t in explanation.relaxations)
    assert_each_relaxation_plans(event, explanation)


def test_a_staff_member_who_attends_everything_is_not_named_in_a_conflict_of_pins() -> None:
    """dana takes breakout and tour places by attends, but the breakout conflict is two
    sessions pinned to one room, with seats to spare; the tours plan."""
    b = exchange(dana="all")
    b.add_room("r1", "Room 1", 20)  # rooms row 2
    b.add_room("r2", "Room 2", 20)
    b.add_slot("b1", at(10), at(11), "breakout")
    b.add_session("x0", "Zero", slot_id="b1", room_id="r1")  # sessions row 2
    b.add_session("x1", "One", slot_id="b1", room_id="r1")  # sessions row 3
    b.add_slot("t1", at(14), at(16), "tour")
    b.add_tour("riverside", "Riverside", 20)
    event = build(b)
    assert {p.participant_id for p in event.by_attends("breakout")} == {"dana"}
    explanation = explain(event)
    (conflict,) = explanation.conflicts
    assert conflict.part == "breakout" and conflict.rule == "pinned-room"
    assert {("sessions", 2), ("sessions", 3), ("rooms", 2)} <= set(conflict.rows)
    assert not [row for row in conflict.rows if row[0] == "participants"]
    assert "dana" not in conflict.message and "attends" not in conflict.message
    assert not any("dana" in t for t in explanation.relaxations)
    assert_each_relaxation_plans(event, explanation)


def test_a_rider_by_attends_is_not_named_when_the_conflict_is_step_free_access() -> None:
    """w1 needs step-free access and is at the event for t1 only; the bus, the one tour that
    does not walk, cannot run in t1, as its leader eli is away then. dana rides tours by
    attends, with seats to spare."""
    b = exchange(dana="plenary;tour", eli_away="t1")
    b.add_participant("w1", "Wheels", role="speaker", accessible=True, departs=at(17))  # row 13
    b.add_slot("t1", at(14), at(16), "tour")
    b.add_slot("t2", at(9, day=1), at(11, day=1), "tour")
    b.add_tour("walk", "River walk", 20, walking=True)  # tours row 2
    b.add_tour("bus", "Bus", 20, leaders="eli")  # tours row 3
    b.add_tour("walk2", "Second walk", 20, walking=True, slot_id="t1")
    event = build(b)
    explanation = explain(event)
    conflict = explanation.conflicts[0]
    assert {("participants", 13), ("participants", ELI), ("tours", 3)} <= set(conflict.rows)
    assert "eli (participants row 12, away) is away in slot t1" in conflict.message
    assert ("participants", DANA) not in conflict.rows
    assert "dana" not in conflict.message and "attends" not in conflict.message
    assert not any("dana" in t for t in explanation.relaxations)


# -- the feasibility model ---------------------------------------------------------------------------


def test_one_guard_stands_for_everyone_who_rides_by_attends() -> None:
    """Dropping the guard frees every such place, and only those: the delegates still ride."""
    event = buses(exchange(dana="plenary;tour", eli="all"), riverside=9, market=6, garden=7)
    assert backend.check(event, "tour", time_limit=LIMIT) == "infeasible"
    assert backend.check(event, "tour", drop=[("attends", "tour")], time_limit=LIMIT) == "feasible"
    result = backend.find_conflicts(event, "tour", time_limit=LIMIT)
    (core,) = result.cores
    assert ("attends", "tour") in core.guards and core.minimal
    # The same bus short for the delegates alone has no attends guard to drop.
    short = buses(exchange(), riverside=8, market=6, garden=5)
    (core,) = backend.find_conflicts(short, "tour", time_limit=LIMIT).cores
    assert not [g for g in core.guards if g[0] == "attends"]


@st.composite
def tour_events(draw: st.DrawFn) -> Event:
    """Two delegations, two tour slots, a few small tours; staff who may ride by attends,
    lead a tour, or be away; perhaps someone who needs step-free access."""
    b = EventBuilder("Tours", "Albany, NY", "America/New_York")
    for c in range(2):
        b.add_city(f"c{c}", f"City {c}", "NY")
        for i in range(3):
            b.add_participant(f"c{c}-{i}", f"Delegate {c}{i}", city_id=f"c{c}")
    words = st.sampled_from([None, "plenary", "tour", "plenary;tour", "all", "none"])
    staff = draw(st.integers(1, 3))
    for s in range(staff):
        away = draw(st.sampled_from(["", "t1", "t2"]))
        b.add_participant(f"s{s}", f"Staff {s}", role="staff", attends=draw(words), away=away)
    if draw(st.booleans()):
        b.add_participant("w", "Wheels", role="speaker", accessible=True)
    b.add_slot("t1", at(14), at(16), "tour")
    b.add_slot("t2", at(9, day=1), at(11, day=1), "tour")
    for t in range(draw(st.integers(3, 4))):
        leaders = draw(st.sampled_from(["", *[f"s{s}" for s in range(staff)]]))
        slot = draw(st.sampled_from([None, None, "t1", "t2"]))
        if leaders and slot is None:
            # The solver counts a leader who takes no tour place in every slot their
            # unpinned tour may run (solvers/instance.py), so it may miss a plan there.
            slot = "t1"
        b.add_tour(f"tour{t}", f"Tour {t}", draw(st.integers(2, 6)), walking=draw(st.booleans()),
                   slot_id=slot, leaders=leaders)  # fmt: skip
    try:
        return build(b)
    except convening.EventError:
        reject()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(tour_events())
def test_the_explanation_agrees_with_the_solver_on_staff_who_ride_and_lead(event: Event) -> None:
    explanation = explain_infeasibility(event, time_limit=LIMIT)
    plan = plan_of(event)
    assert explanation.feasible == (plan is not None)
    riders = {p.participant_id for p in event.by_attends("tour")}
    for conflict in explanation.conflicts:
        named = set(re.findall(r"(\S+) \(participants row \d+, attends: ", conflict.message))
        # The riders by attends are named all together, or not at all.
        assert named in (set(), riders)
        if ("attends", "tour") in conflict.guards:
            assert named == riders
        if len(explanation.conflicts) == 1:
            for relaxation in conflict.relaxations:
                if any(unpins_a_led_tour(event, change) for change in relaxation.changes):
                    continue  # see tour_events
                assert plan_of(relaxation.apply(event)) is not None, relaxation.text


def unpins_a_led_tour(event: Event, change: Change) -> bool:
    return (
        change.sheet == "tours"
        and change.column == "slot_id"
        and bool(event.tour_by_id[change.key].leaders)
    )
