"""Networking and action-planning tables, checked with the plan validator."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from convening import Event, EventError, InfeasibleError, Plan, SlotKind, Table
from convening.solvers.tables import TableOptions, seat_tables
from convening.solvers.tables.constructions import design
from convening.solvers.tables.networking import build_problem
from convening.solvers.tables.problem import golfer_problem
from convening.solvers.tables.problem import repeats as compact_repeats
from convening.solvers.tables.search import TableSearch, Weights
from convening.validate import validate

from .events import at, build, convening_builder, golfer_event, meetings, repeats


def assert_valid(event: Event, tables: list[Table]) -> None:
    violations = validate(event, Plan(event, runs=(), tables=tables))
    assert violations == [], "\n".join(map(str, violations))


def networking(tables: list[Table], slot_id: str | None = None) -> list[Table]:
    return [t for t in tables if t.kind == "networking" and slot_id in (None, t.slot_id)]


def table_of(tables: list[Table], pid: str, slot_id: str) -> int:
    (number,) = [t.number for t in tables if t.slot_id == slot_id and pid in t.members]
    return number


def test_convening_size_has_no_repeat_and_mixes_cities() -> None:
    event = build(convening_builder(50, rounds=6, table_size=6))
    tables = seat_tables(event)
    assert_valid(event, tables)
    assert repeats(tables) == 0
    for table in networking(tables):
        cities = [pid.split("-")[0] for pid in table.members]
        assert len(set(cities)) == len(cities)
        assert table.topic is not None


def test_kirkman_schoolgirls_have_no_repeat() -> None:
    event = golfer_event(5, 3, 7)
    tables = seat_tables(event)
    assert_valid(event, tables)
    assert repeats(tables) == 0
    assert len(meetings(tables)) == 15 * 14 // 2  # everyone meets everyone exactly once


@pytest.mark.parametrize(("people", "size", "rounds"), [(15, 3, 7), (32, 4, 9), (27, 3, 13)])
def test_constructions_are_resolvable_without_repeats(people: int, size: int, rounds: int) -> None:
    found = design(people, size, rounds)
    assert found is not None and len(found) == rounds
    for groups in found:
        assert sorted(Counter(groups.tolist()).values()) == [size] * (people // size)
    assert compact_repeats(golfer_problem(people // size, size, rounds), found) == 0


def test_unequal_tables_and_late_arrivals() -> None:
    b = convening_builder(9, rounds=3, table_size=5)  # 27 people: 6 tables of 4 or 5
    b.add_participant("late", "Late arrival", role="speaker", arrives=at(12.5, 1))
    b.add_participant("early", "Early leaver", role="speaker", departs=at(14, 0))
    event = build(b)
    tables = seat_tables(event)
    assert_valid(event, tables)
    seated = {
        t.slot_id: {p for x in networking(tables, t.slot_id) for p in x.members} for t in tables
    }
    assert "late" not in seated["n2"] and "late" in seated["n3"]
    assert "early" in seated["n1"] and "early" not in seated["n2"]
    assert len(networking(tables, "n1")) == math.ceil(28 / 5)


def test_large_delegation_needs_more_tables() -> None:
    b = convening_builder(3, per_city=5, rounds=2, table_size=8)  # 15 people, delegations of 5
    event = build(b)
    tables = seat_tables(event)
    assert_valid(event, tables)
    assert len(networking(tables, "n1")) == 5


def test_rules_and_pins_hold() -> None:
    b = convening_builder(8, rounds=3, table_size=4, staff=2)
    b.add_networking_rule("together", "c000-0", "c001-1")
    b.add_networking_rule("apart", "c002-0", "c003-0")
    b.add_networking_rule("together", "c004-2", "c005-2", slot_id="n2")
    b.add_networking_rule("host", "staff0")
    b.add_networking_rule("host", "staff1")
    event = build(b)
    pins = {("c006-1", "n1"): 3, ("c007-0", "n3"): 1}
    tables = seat_tables(event, options=TableOptions(pins=pins))
    assert_valid(event, tables)
    for slot in ("n1", "n2", "n3"):
        assert table_of(tables, "c000-0", slot) == table_of(tables, "c001-1", slot)
        assert table_of(tables, "c002-0", slot) != table_of(tables, "c003-0", slot)
        assert table_of(tables, "staff0", slot) != table_of(tables, "staff1", slot)
    assert table_of(tables, "c004-2", "n2") == table_of(tables, "c005-2", "n2")
    assert table_of(tables, "c006-1", "n1") == 3
    assert table_of(tables, "c007-0", "n3") == 1


def test_every_table_gets_a_host_when_there_are_enough() -> None:
    b = convening_builder(6, rounds=2, table_size=6, staff=3)  # 21 people, 4 tables
    for s in range(3):
        b.add_networking_rule("host", f"staff{s}")
    b.add_participant("host4", "Host", role="speaker")
    b.add_networking_rule("host", "host4")
    event = build(b)
    tables = seat_tables(event)
    assert_valid(event, tables)
    hosts = {"staff0", "staff1", "staff2", "host4"}
    for table in networking(tables):
        assert len(hosts & set(table.members)) == 1


def test_together_chain_closed_by_apart_is_explained() -> None:
    b = convening_builder(4, rounds=1, table_size=4)
    b.add_networking_rule("together", "c000-0", "c001-0")
    last = b.add_networking_rule("together", "c001-0", "c002-0")
    apart = b.add_networking_rule("apart", "c002-0", "c000-0")
    event = build(b)
    with pytest.raises(InfeasibleError) as info:
        seat_tables(event)
    assert info.value.proven
    text = str(info.value)
    assert f"row {apart.row}" in text and "c000-0" in text and "c002-0" in text
    assert last.row is not None


def test_together_within_a_delegation_is_an_input_error() -> None:
    b = convening_builder(4, rounds=1, table_size=4)
    rule = b.add_networking_rule("together", "c002-0", "c002-1")
    with pytest.raises(EventError) as info:
        build(b)
    (problem,) = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == (
        "networking_rules",
        rule.row,
        "other_id",
    )


def test_people_met_elsewhere_sit_apart() -> None:
    from convening.plan import Run

    event = build(convening_builder(12, rounds=1, table_size=6))
    # Half the room shared a small breakout; with six tables of six they can all sit apart.
    runs = [
        Run(f"x{i}", "breakout", "b1", "r1", [f"c{c:03d}-0" for c in range(i, 12, 6)])
        for i in range(6)
    ]
    groups = [set(r.attendees) for r in runs]
    tables = seat_tables(event, runs=runs)
    assert_valid(event, tables)
    for table in networking(tables):
        for group in groups:
            assert len(group & set(table.members)) <= 1


def test_same_seed_same_tables() -> None:
    event = build(convening_builder(10, rounds=4, table_size=5, facilitators=2, action_planning=2))
    options = TableOptions(seed=7, time_limit=60)
    assert seat_tables(event, options=options) == seat_tables(event, options=options)


def test_search_reaches_zero_repeats_from_greedy() -> None:
    # No construction: the tabu search has to find a schoolgirl solution itself.
    problem = golfer_problem(5, 3, 6)
    search = TableSearch(problem, Weights(), seed=1)
    search.start()
    result = search.run(budget=20)
    assert compact_repeats(problem, result.seating) == 0


def test_compact_problem_matches_event() -> None:
    b = convening_builder(5, rounds=2, table_size=4)
    b.add_participant("late", "Late", role="speaker", arrives=at(9, 1))
    event = build(b)
    problem, ids = build_problem(event, event.slots_of(SlotKind.NETWORKING))
    assert [len(r.present) for r in problem.rounds] == [15, 16]
    assert [r.n_tables for r in problem.rounds] == [4, 4]
    assert [r.n_empty for r in problem.rounds] == [1, 0]
    assert len(np.unique(problem.delegation)) == 6
    assert ids[-1] == "late"


# -- action planning -------------------------------------------------------------------------


def test_action_planning_delegations_coaches_and_support() -> None:
    event = build(convening_builder(3, rounds=0, facilitators=3, staff=2, action_planning=3))
    tables = seat_tables(event)
    assert_valid(event, tables)
    for slot in ("ap1", "ap2", "ap3"):
        mine = [t for t in tables if t.slot_id == slot]
        assert [t.city_id for t in mine] == ["c000", "c001", "c002", None]
        assert sorted(c for t in mine for c in t.coaches) == ["fac0", "fac1", "fac2"]
        assert set(mine[-1].members) == {"staff0", "staff1"}
    # Coaches go by topic (fac0 and city c000 work on housing, see events.TOPICS) and
    # a city keeps its coach from one slot to the next.
    coach = {(t.slot_id, t.city_id): t.coach for t in tables if t.coach}
    for slot in ("ap1", "ap2", "ap3"):
        assert [coach[(slot, c)] for c in ("c000", "c001", "c002")] == ["fac0", "fac1", "fac2"]


def coaches_of(tables: list[Table], slot_id: str) -> dict[str | None, tuple[str, ...]]:
    return {t.city_id: t.coaches for t in tables if t.slot_id == slot_id and t.city_id}


@pytest.mark.parametrize(
    ("cities", "facilitators", "groups"),
    [
        (4, 2, [2, 2]),  # two groups of two tables
        (7, 3, [2, 2, 3]),  # sizes differ by at most one
        (35, 5, [7, 7, 7, 7, 7]),  # a facilitator per seven delegations
        (3, 3, [1, 1, 1]),
        (2, 5, [1, 1, 1, 1, 1]),  # more facilitators than tables: 3 and 2 coaches
    ],
)
def test_every_delegation_table_is_coached_in_balanced_groups(
    cities: int, facilitators: int, groups: list[int]
) -> None:
    event = build(
        convening_builder(cities, rounds=0, facilitators=facilitators, action_planning=2)
    )
    tables = seat_tables(event)
    assert_valid(event, tables)
    for slot in ("ap1", "ap2"):
        mine = coaches_of(tables, slot)
        assert all(mine.values()), mine  # every delegation table has a coach
        per_coach = Counter(c for cs in mine.values() for c in cs)
        assert sorted(per_coach.values()) == groups
        per_table = sorted(len(cs) for cs in mine.values())
        assert per_table[-1] - per_table[0] <= 1
    # A delegation keeps its coaches from one slot to the next.
    assert coaches_of(tables, "ap1") == coaches_of(tables, "ap2")


def test_a_delegation_keeps_its_coach_when_that_coach_is_there() -> None:
    b = convening_builder(6, rounds=0, facilitators=2, action_planning=2)
    b.add_participant("late", "Late Coach", role="facilitator", arrives=at(14, 1))
    event = build(b)
    tables = seat_tables(event)
    assert_valid(event, tables)
    first, second = coaches_of(tables, "ap1"), coaches_of(tables, "ap2")
    # Groups of three, then of two: the late coach takes one city from each group,
    # and every other city keeps the coach it had.
    assert Counter(c for cs in first.values() for c in cs) == {"fac0": 3, "fac1": 3}
    assert Counter(c for cs in second.values() for c in cs) == {"fac0": 2, "fac1": 2, "late": 2}
    assert sum(first[c] == second[c] for c in first) == 4


def test_coach_rotation_moves_coaches_between_cities() -> None:
    event = build(convening_builder(4, rounds=0, facilitators=2, action_planning=4))
    for rotation in (False, True):
        tables = seat_tables(event, options=TableOptions(coach_rotation=rotation))
        assert_valid(event, tables)
        pairs = Counter((c, t.city_id) for t in tables for c in t.coaches)
        if rotation:
            # Four slots, two coaches of two tables each: every coach meets every city twice.
            assert set(pairs.values()) == {2} and len(pairs) == 8
        else:
            assert set(pairs.values()) == {4} and len(pairs) == 4
