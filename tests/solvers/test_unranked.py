"""People who ranked little or nothing get good places, in every method.

The events are small and their right placement is known: delegations spread
over the slot's sessions, each member in a session on their own topics, else
their city's, and nobody's run filled with people who did not choose it while
others stay empty.
"""

from __future__ import annotations

import attrs
import pytest

from convening import EventBuilder, solve
from convening.model import Participant
from convening.options import ReplanOptions, SolveOptions
from convening.plan import ActivityKind, Plan
from convening.replan import replan
from tests.factories import at
from tests.solvers.agenda_events import (
    UNRANKED_PLACES,
    add_unranked_delegation,
    agenda_violations,
    build,
    unranked_delegation_event,
)

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

METHODS = ["whole", "decomposed", "greedy"]


def options(method: str, **kwargs: object) -> SolveOptions:
    return SolveOptions(time_limit=5, workers=2, method=method, **kwargs)  # type: ignore[arg-type]


def session_of(plan: Plan, pid: str, slot_id: str = "b1") -> str:
    return next(
        r.activity_id
        for r in plan.runs
        if r.slot_id == slot_id and r.kind is ActivityKind.BREAKOUT and pid in r.attendees
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_delegation_that_ranked_nothing_goes_to_its_topics_spread_out(method: str) -> None:
    event = unranked_delegation_event()
    plan = solve(event, options(method))
    assert agenda_violations(event, plan) == []
    assert {m: session_of(plan, f"c0-{m}") for m in UNRANKED_PLACES} == UNRANKED_PLACES
    assert plan.metrics["delegation_spread_pct"] == 100.0
    assert plan.metrics["unranked_topic_match_pct"] == 100.0


@pytest.mark.parametrize("method", METHODS)
def test_several_delegations_fill_the_small_rooms_before_the_ballroom_takes_them_all(
    method: str,
) -> None:
    # Four delegations, small rooms of five: the topics ask for four per session,
    # which fits; nobody needs the ballroom's space.
    event = unranked_delegation_event(cities=4, big=40, small=5)
    plan = solve(event, options(method))
    assert agenda_violations(event, plan) == []
    for c in range(4):
        assert {m: session_of(plan, f"c{c}-{m}") for m in UNRANKED_PLACES} == UNRANKED_PLACES
    assert plan.metrics["delegation_spread_pct"] == 100.0
    assert plan.metrics["unranked_in_one_run_max_pct"] == round(100 * 4 / 12, 2)


def twelve_guests_three_sessions(b: EventBuilder, small_rooms: int) -> None:
    """Twelve guests who ranked nothing, one breakout slot, sessions X, Y and Z, a ballroom
    and two small rooms of ``small_rooms`` seats."""
    for i in range(12):
        b.add_participant(f"s{i:02d}", f"Guest {i}", role="speaker")
    b.add_room("ballroom", "Ballroom", 60)
    b.add_room("s1", "Small 1", small_rooms)
    b.add_room("s2", "Small 2", small_rooms)
    b.add_slot("b1", at(9), at(10), "breakout")
    for sid in ("x", "y", "z"):
        b.add_session(sid, sid.upper())


@pytest.mark.parametrize("method", METHODS)
def test_people_without_topics_or_delegation_spread_evenly_over_the_runs(method: str) -> None:
    b = EventBuilder("Balance", "Albany, NY", "America/New_York")
    twelve_guests_three_sessions(b, small_rooms=8)
    event = build(b)
    plan = solve(event, options(method))
    assert agenda_violations(event, plan) == []
    assert sorted(len(r.attendees) for r in plan.runs) == [4, 4, 4]
    assert plan.metrics["unranked_in_one_run_max_pct"] == round(100 * 4 / 12, 2)


@pytest.mark.parametrize("method", ["whole", "decomposed"])
def test_people_who_ranked_nothing_spread_evenly_whatever_each_runs_fans(method: str) -> None:
    # Eight fans of X sit in X; the twelve who ranked nothing go four to each run, not
    # six to Y and Z each because X already holds its fans (the greedy baseline seats
    # them by the fewest people, fans included, and is left as the baseline).
    b = EventBuilder("Fans", "Albany, NY", "America/New_York")
    twelve_guests_three_sessions(b, small_rooms=16)
    for i in range(8):
        b.add_participant(f"f{i}", f"Fan {i}", role="speaker")
        b.add_preference(f"f{i}", "x", 1)
    event = build(b)
    plan = solve(event, options(method))
    assert agenda_violations(event, plan) == []
    assert all(session_of(plan, f"f{i}") == "x" for i in range(8))
    unranked = {r.activity_id: sum(p.startswith("s") for p in r.attendees) for r in plan.runs}
    assert sorted(unranked.values()) == [4, 4, 4]
    assert plan.metrics["unranked_in_one_run_max_pct"] == round(100 * 4 / 12, 2)


@pytest.mark.parametrize("method", METHODS)
def test_two_members_who_ranked_one_session_first_sit_in_it_together(method: str) -> None:
    event = unranked_delegation_event()
    b = EventBuilder("Ranked", "Albany, NY", "America/New_York")
    add_unranked_delegation(b, "c0")
    for room in event.rooms:
        b.add_room(room.room_id, room.name, room.capacity)
    b.add_slot("b1", at(9), at(10), "breakout")
    for s in event.sessions:
        b.add_session(s.session_id, s.title, topic=s.topic)
    b.add_preference("c0-a", "parks", 1)
    b.add_preference("c0-b", "parks", 1)
    event = build(b)
    plan = solve(event, options(method))
    assert agenda_violations(event, plan) == []
    assert session_of(plan, "c0-a") == session_of(plan, "c0-b") == "parks"
    # The partner, unranked, still goes away from them to the city's topic.
    assert session_of(plan, "c0-p") == "housing"
    assert plan.metrics["preference_score_points"] == 16


def test_spread_weight_and_together_act_on_people_who_ranked_nothing() -> None:
    event = unranked_delegation_event()
    for method in ("whole", "decomposed", "greedy"):
        plan = solve(event, options(method, spread="together"))
        assert agenda_violations(event, plan) == []
        assert len({session_of(plan, f"c0-{m}") for m in UNRANKED_PLACES}) == 1, method


def test_a_late_delegation_that_ranked_nothing_is_replanned_onto_its_topics() -> None:
    event = unranked_delegation_event(cities=2)
    plan = solve(event, options("decomposed"))
    late = attrs.evolve(event.cities[0], city_id="late", name="Late")
    people = [
        Participant("late-a", "Late A", city_id="late", topics="transit"),
        Participant("late-b", "Late B", city_id="late", topics="parks"),
        Participant("late-p", "Late P", city_id="late", role="partner"),
    ]
    changed = attrs.evolve(
        event, cities=[*event.cities, late], participants=[*event.participants, *people]
    )
    result = replan(changed, plan, ReplanOptions(solve=options("auto")))
    assert agenda_violations(changed, result.plan) == []
    assert {m: session_of(result.plan, f"late-{m}") for m in UNRANKED_PLACES} == UNRANKED_PLACES
    assert result.plan.metrics["delegation_spread_pct"] == 100.0
