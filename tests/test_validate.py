"""The validator: a hand-written valid plan passes, and each broken rule is reported by its code.

:func:`sample_event` and :func:`sample_plan` are also used by the view and export tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convening import ActivityKind, Event, EventBuilder, Plan, Run, Table
from convening.errors import ConveningError
from convening.validate import (
    RULES,
    PlanError,
    Violation,
    check_plan,
    validate,
)

DAY = dt.datetime(2027, 4, 20)

BREAKOUT = ActivityKind.BREAKOUT
PLENARY = ActivityKind.PLENARY
TOUR = ActivityKind.TOUR
NETWORKING = ActivityKind.NETWORKING
ACTION = ActivityKind.ACTION_PLANNING


def at(hour: float) -> dt.datetime:
    return DAY + dt.timedelta(minutes=round(hour * 60))


def sample_event() -> Event:
    """Three delegations, two coaches, a staff member and a speaker; one slot of every kind.

    ``ca-p`` needs step-free access; ``cc-p`` leaves before action planning.
    """
    b = EventBuilder("Peer exchange", "Albany, NY", "America/New_York", venue="Hall")
    for c, name in (("ca", "Albany"), ("cb", "Buffalo"), ("cc", "Utica")):
        b.add_city(c, name, "NY", topics=["housing"])
        b.add_participant(f"{c}-1", f"{name} Official One", city_id=c, role="official")
        b.add_participant(f"{c}-2", f"{name} Official Two", city_id=c, role="official")
        b.add_participant(
            f"{c}-p",
            f"{name} Partner",
            city_id=c,
            role="partner",
            accessible=c == "ca",
            departs=at(16) if c == "cc" else None,
        )
    b.add_participant("f1", "Fran Coach", role="facilitator")
    b.add_participant("f2", "Gil Coach", role="facilitator")
    # A staff member who attends everything (staff attend plenaries alone by default).
    b.add_participant("s1", "Sam Staff", role="staff", attends="all")
    b.add_participant("sp1", "Pat Speaker", role="speaker")
    b.add_room("hall", "Main hall", 50)
    b.add_room("r1", "Room 1", 6, accessible=False)
    b.add_room("r2", "Room 2", 6)
    b.add_room("r3", "Room 3", 6)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("coffee", at(10), at(10.5), "break")
    b.add_slot("bo1", at(10.5), at(11.5), "breakout")
    b.add_slot("bo2", at(11.5), at(12.5), "breakout")
    b.add_slot("lunch", at(12.5), at(13.5), "networking")
    b.add_slot("tour", at(13.5), at(16), "tour")
    b.add_slot("ap", at(16.5), at(17.5), "action_planning")
    b.add_session("welcome", "Welcome", "plenary", slot_id="open", room_id="hall")
    b.add_session("x1", "Land banks", presenters=["sp1"], capacity=5)
    b.add_session("x2", "Housing trust funds", offered=2, room_id="r2")
    b.add_session("x3", "Data for action", slot_id="bo1")
    b.add_session("x4", "Financing", topic="finance")
    b.add_tour("walk", "Riverfront walk", 5, walking=True, meeting_point="Lobby")
    b.add_tour("bus", "Neighbourhood bus", 5, departures=2)
    b.add_tour("van", "Land bank van", 4, slot_id="tour")
    b.set_table_size("lunch", 4)
    return b.build()


def sample_plan(event: Event | None = None) -> Plan:
    """A plan of :func:`sample_event` that keeps every rule, written by hand."""
    event = event or sample_event()
    everyone = [p.participant_id for p in event.participants]
    runs = [
        Run("welcome", PLENARY, "open", "hall", everyone),
        Run("x1", BREAKOUT, "bo1", "r3", ["sp1", "ca-1", "cb-1", "cc-1", "f1"]),
        Run("x2", BREAKOUT, "bo1", "r2", ["ca-2", "cb-2", "cc-2", "f2", "ca-p"]),
        Run("x3", BREAKOUT, "bo1", "r1", ["cb-p", "cc-p", "s1"]),
        Run("x2", BREAKOUT, "bo2", "r2", ["ca-1", "cb-1", "cc-1", "f1"]),
        Run(
            "x4",
            BREAKOUT,
            "bo2",
            "hall",
            ["ca-2", "cb-2", "cc-2", "f2", "s1", "sp1", "cb-p", "cc-p", "ca-p"],
        ),
        Run("walk", TOUR, "tour", None, ["ca-1", "cb-1", "cc-1", "f1", "s1"]),
        Run("bus", TOUR, "tour", None, ["ca-2", "cb-2", "cc-2", "ca-p", "cb-p", "cc-p"]),
        Run("van", TOUR, "tour", None, ["f2", "sp1"]),
    ]
    tables = [
        Table("lunch", 1, NETWORKING, ["ca-1", "cb-2", "cc-p", "f1"], topic="housing"),
        Table("lunch", 2, NETWORKING, ["ca-2", "cb-p", "f2"]),
        Table("lunch", 3, NETWORKING, ["ca-p", "cb-1", "cc-1"]),
        Table("lunch", 4, NETWORKING, ["cc-2", "s1", "sp1"]),
        # Two facilitators, three delegation tables: groups of two tables and one.
        Table("ap", 1, ACTION, ["ca-1", "ca-2", "ca-p"], city_id="ca", coaches=["f1"]),
        Table("ap", 2, ACTION, ["cb-1", "cb-2", "cb-p"], city_id="cb", coaches=["f2"]),
        Table("ap", 3, ACTION, ["cc-1", "cc-2"], city_id="cc", coaches=["f1"]),
        Table("ap", 4, ACTION, ["s1", "sp1"]),
    ]
    return Plan(event, runs=runs, tables=tables, metrics={"objective": 12, "gap": 0.0})


# -- editing a plan ---------------------------------------------------------------------------


def _run_matches(run: Run, activity_id: str, slot_id: str | None) -> bool:
    return run.activity_id == activity_id and (slot_id is None or run.slot_id == slot_id)


def edit_run(
    plan: Plan, activity_id: str, slot_id: str | None = None, /, **changes: object
) -> Plan:
    """``plan`` with one run changed (``attendees`` may be a function of the old ones)."""
    runs = []
    hits = 0
    for run in plan.runs:
        if _run_matches(run, activity_id, slot_id):
            hits += 1
            if callable(changes.get("attendees")):
                fn = changes["attendees"]
                run = attrs.evolve(run, **{**changes, "attendees": fn(run.attendees)})  # type: ignore[operator]
            else:
                run = attrs.evolve(run, **changes)  # type: ignore[arg-type]
        runs.append(run)
    assert hits == 1, (activity_id, slot_id)
    return Plan(plan.event, runs=runs, tables=plan.tables, metrics=plan.metrics)


def edit_table(plan: Plan, slot_id: str, number: int, /, **changes: object) -> Plan:
    """``plan`` with one table changed (``members`` may be a function of the old ones)."""
    tables = []
    hits = 0
    for table in plan.tables:
        if table.slot_id == slot_id and table.number == number:
            hits += 1
            if callable(changes.get("members")):
                fn = changes["members"]
                table = attrs.evolve(table, **{**changes, "members": fn(table.members)})  # type: ignore[operator]
            else:
                table = attrs.evolve(table, **changes)  # type: ignore[arg-type]
        tables.append(table)
    assert hits == 1, (slot_id, number)
    return Plan(plan.event, runs=plan.runs, tables=tables, metrics=plan.metrics)


def add(plan: Plan, *items: Run | Table) -> Plan:
    runs = [*plan.runs, *(i for i in items if isinstance(i, Run))]
    tables = [*plan.tables, *(i for i in items if isinstance(i, Table))]
    return Plan(plan.event, runs=runs, tables=tables)


def drop_run(plan: Plan, activity_id: str, slot_id: str) -> Plan:
    runs = [r for r in plan.runs if not _run_matches(r, activity_id, slot_id)]
    assert len(runs) == len(plan.runs) - 1
    return Plan(plan.event, runs=runs, tables=plan.tables)


def swap_runs(plan: Plan, a: tuple[str, str], b: tuple[str, str]) -> Plan:
    """Swap the sessions of two runs, each keeping its slot, room and attendees."""
    runs = [
        attrs.evolve(r, activity_id=b[0])
        if (r.activity_id, r.slot_id) == a
        else attrs.evolve(r, activity_id=a[0])
        if (r.activity_id, r.slot_id) == b
        else r
        for r in plan.runs
    ]
    return Plan(plan.event, runs=runs, tables=plan.tables)


def without(*pids: str) -> Callable[[Iterable[str]], list[str]]:
    return lambda xs: [x for x in xs if x not in pids]


def plus(*pids: str) -> Callable[[Iterable[str]], list[str]]:
    return lambda xs: [*xs, *pids]


def swap(a: str, b: str) -> Callable[[Iterable[str]], list[str]]:
    return lambda xs: [b if x == a else a if x == b else x for x in xs]


def move(plan: Plan, pid: str, slot_id: str, to: str) -> Plan:
    """Move ``pid`` from its run in ``slot_id`` to run ``to`` in the same slot."""
    (src,) = [r for r in plan.runs if r.slot_id == slot_id and pid in r.attendees]
    plan = edit_run(plan, src.activity_id, slot_id, attendees=without(pid))
    return edit_run(plan, to, slot_id, attendees=plus(pid))


# -- the valid plan ---------------------------------------------------------------------------


def codes(plan: Plan) -> set[str]:
    return {v.rule for v in validate(plan.event, plan)}


def test_the_hand_written_plan_keeps_every_rule() -> None:
    plan = sample_plan()
    assert validate(plan.event, plan) == []
    check_plan(plan.event, plan)


def test_a_plan_with_nothing_in_it_is_reported_for_everyone_and_everything() -> None:
    event = sample_event()
    found = validate(event, Plan(event, runs=[]))
    assert {v.rule for v in found} == {
        "one-activity-per-slot",
        "session-offered",
        "tour-runs",
        "networking-table-count",
        "delegation-table",
    }
    missing = {(v.participant_id, v.slot_id) for v in found if v.rule == "one-activity-per-slot"}
    expected = {
        (p.participant_id, s.slot_id)
        for s in event.slots
        if s.kind.is_activity
        for p in event.present(s)
    }
    assert missing == expected
    assert ("cc-p", "ap") not in missing  # gone home by then


# Each mutation breaks one rule (sometimes a second one necessarily follows).
MUTATIONS: list[tuple[str, Callable[[Plan], Plan], set[str]]] = [
    (
        "table in a slot that does not exist",
        lambda p: add(p, Table("nowhere", 1, NETWORKING, [])),
        {"unknown-slot"},
    ),
    (
        "session in a room that does not exist",
        lambda p: edit_run(p, "x4", "bo2", room_id="attic"),
        {"unknown-room"},
    ),
    (
        "run of a session that does not exist",
        lambda p: add(p, Run("ghost", BREAKOUT, "bo1", "hall", [])),
        {"unknown-session"},
    ),
    (
        "run of a tour that does not exist",
        lambda p: add(p, Run("ghost", TOUR, "tour", None, [])),
        {"unknown-tour"},
    ),
    (
        "someone who is not a participant",
        lambda p: edit_run(p, "x4", "bo2", attendees=plus("stranger")),
        {"unknown-participant"},
    ),
    (
        "action-planning table of a city that does not exist",
        lambda p: edit_table(p, "ap", 4, city_id="atlantis"),
        {"unknown-city"},
    ),
    (
        "networking table in the action-planning slot",
        lambda p: add(p, Table("ap", 5, NETWORKING, [])),
        {"slot-kind"},
    ),
    (
        "tour run in a breakout slot",
        lambda p: add(p, Run("bus", TOUR, "bo1", None, [])),
        {"slot-kind", "tour-runs"},
    ),
    (
        "run of kind networking",
        lambda p: add(p, Run("x4", NETWORKING, "lunch", None, [])),
        {"slot-kind"},
    ),
    (
        "breakout session run as a plenary",
        lambda p: edit_run(p, "x4", "bo2", kind=PLENARY),
        {"run-kind", "slot-kind"},
    ),
    (
        "tour with a room",
        lambda p: edit_run(p, "bus", room_id="hall"),
        {"run-room"},
    ),
    (
        "session without a room",
        lambda p: edit_run(p, "x4", room_id=None),
        {"run-room"},
    ),
    (
        "someone seated during a break",
        lambda p: add(p, Table("coffee", 1, NETWORKING, ["s1"])),
        {"break-slot", "slot-kind"},
    ),
    (
        "someone scheduled after leaving",
        lambda p: edit_table(p, "ap", 3, members=plus("cc-p")),
        {"not-present"},
    ),
    (
        "someone left out of a breakout",
        lambda p: edit_run(p, "x4", "bo2", attendees=without("s1")),
        {"one-activity-per-slot"},
    ),
    (
        "someone in two breakouts at once",
        lambda p: edit_run(p, "x2", "bo2", attendees=plus("s1")),
        {"one-activity-per-slot"},
    ),
    (
        "someone at two networking tables",
        lambda p: edit_table(p, "lunch", 2, members=plus("cc-1")),
        {"one-activity-per-slot"},
    ),
    (
        "session offered twice runs once",
        lambda p: edit_run(
            drop_run(p, "x2", "bo2"), "x4", "bo2", attendees=plus("ca-1", "cb-1", "cc-1", "f1")
        ),
        {"session-offered"},
    ),
    (
        "session offered once runs twice",
        lambda p: add(p, Run("x4", BREAKOUT, "bo1", "hall", [])),
        {"session-offered"},
    ),
    (
        "session pinned to a slot runs in another",
        lambda p: swap_runs(p, ("x3", "bo1"), ("x4", "bo2")),
        {"pinned-slot"},
    ),
    (
        "session pinned to a room runs in another",
        lambda p: edit_run(edit_run(p, "x1", "bo1", room_id="r2"), "x2", "bo1", room_id="r3"),
        {"pinned-room"},
    ),
    (
        "two sessions in one room",
        lambda p: edit_run(p, "x3", "bo1", room_id="r2"),
        {"room-double-booked"},
    ),
    (
        "more attendees than the room seats",
        lambda p: edit_run(p, "x4", "bo2", room_id="r3"),
        {"room-capacity"},
    ),
    (
        "more attendees than the session takes",
        lambda p: move(p, "s1", "bo1", "x1"),
        {"session-capacity"},
    ),
    (
        "presenter not at their session",
        lambda p: move(p, "sp1", "bo1", "x3"),
        {"presenter-absent"},
    ),
    (
        "someone attends the same session twice",
        lambda p: move(p, "ca-2", "bo2", "x2"),
        {"repeat-session"},
    ),
    (
        "tour does not run",
        lambda p: edit_run(drop_run(p, "van", "tour"), "bus", attendees=plus("f2", "sp1")),
        {"tour-runs"},
    ),
    (
        "tour takes more riders than its capacity",
        lambda p: edit_run(
            edit_run(p, "walk", attendees=without("ca-1", "cb-1", "cc-1")),
            "van",
            attendees=plus("ca-1", "cb-1", "cc-1"),
        ),
        {"tour-capacity"},
    ),
    (
        "step-free person on a walking tour",
        lambda p: edit_run(
            edit_run(p, "walk", attendees=swap("ca-1", "ca-p")),
            "bus",
            attendees=swap("ca-p", "ca-1"),
        ),
        {"step-free-tour"},
    ),
    (
        "step-free person in a room that is not accessible",
        lambda p: edit_run(
            edit_run(p, "x2", "bo1", attendees=swap("ca-p", "cb-p")),
            "x3",
            "bo1",
            attendees=swap("cb-p", "ca-p"),
        ),
        {"step-free-room"},
    ),
    (
        "networking tables numbered with a gap",
        lambda p: edit_table(p, "lunch", 4, number=5),
        {"table-numbers"},
    ),
    (
        "action-planning tables numbered twice",
        lambda p: edit_table(p, "ap", 4, number=3),
        {"table-numbers"},
    ),
    (
        "more networking tables than needed",
        lambda p: Plan(
            p.event,
            runs=p.runs,
            tables=[t for t in p.tables if t.kind is ACTION]
            + [
                Table("lunch", 1, NETWORKING, ["ca-1", "cb-2", "cc-p"]),
                Table("lunch", 2, NETWORKING, ["ca-2", "cb-p", "f1"]),
                Table("lunch", 3, NETWORKING, ["ca-p", "cb-1", "cc-1"]),
                Table("lunch", 4, NETWORKING, ["cc-2", "s1"]),
                Table("lunch", 5, NETWORKING, ["f2", "sp1"]),
            ],
        ),
        {"networking-table-count"},
    ),
    (
        "networking table larger than the table size",
        lambda p: Plan(
            p.event,
            runs=p.runs,
            tables=[t for t in p.tables if t.kind is ACTION]
            + [
                Table("lunch", 1, NETWORKING, ["ca-1", "cb-2", "cc-p", "f1", "s1"]),
                Table("lunch", 2, NETWORKING, ["ca-2", "cb-p", "f2", "sp1"]),
                Table("lunch", 3, NETWORKING, ["ca-p", "cb-1", "cc-1", "cc-2"]),
            ],
        ),
        {"networking-table-size", "networking-table-count", "delegation-apart"},
    ),
    (
        "networking tables of 4, 4, 3 and 2",
        lambda p: edit_table(
            edit_table(p, "lunch", 3, members=without("cc-1")), "lunch", 2, members=plus("cc-1")
        ),
        {"networking-balance"},
    ),
    (
        "two of one delegation at a networking table",
        lambda p: edit_table(
            edit_table(p, "lunch", 1, members=swap("cb-2", "ca-2")),
            "lunch",
            2,
            members=swap("ca-2", "cb-2"),
        ),
        {"delegation-apart"},
    ),
    (
        "delegation member at the support table",
        lambda p: edit_table(
            edit_table(p, "ap", 3, members=without("cc-2")), "ap", 4, members=plus("cc-2")
        ),
        {"delegation-table"},
    ),
    (
        "staff member at a delegation's table",
        lambda p: edit_table(
            edit_table(p, "ap", 4, members=without("s1")), "ap", 1, members=plus("s1")
        ),
        {"delegation-table"},
    ),
    (
        "delegation split over two tables",
        lambda p: add(
            edit_table(p, "ap", 3, members=without("cc-2")),
            Table("ap", 5, ACTION, ["cc-2"], city_id="cc", coaches=["f2"]),
        ),
        {"delegation-table"},
    ),
    (
        "facilitator at the support table",
        lambda p: edit_table(
            edit_table(p, "ap", 2, coaches=[]), "ap", 4, members=plus("f2"), coaches=[]
        ),
        {"coach", "coach-groups"},
    ),
    (
        "facilitator seated at a delegation's table instead of coaching",
        lambda p: edit_table(p, "ap", 2, members=plus("f2"), coaches=[]),
        {"delegation-table", "coach", "coach-groups"},
    ),
    (
        "delegate named coach",
        lambda p: edit_table(p, "ap", 3, coaches=["cc-1"]),
        {"coach", "coach-groups", "one-activity-per-slot"},
    ),
    (
        "a delegation table without a coach",
        lambda p: edit_table(p, "ap", 3, coaches=[]),
        {"coach-groups"},
    ),
    (
        "two coaches at one table while another has none",
        lambda p: edit_table(edit_table(p, "ap", 3, coaches=[]), "ap", 2, coaches=["f1", "f2"]),
        {"coach-groups"},
    ),
    (
        "unbalanced coaching groups",
        lambda p: edit_table(p, "ap", 2, coaches=["f1"]),
        {"coach", "coach-groups", "one-activity-per-slot"},
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [(m, e) for _, m, e in MUTATIONS], ids=[n for n, _, _ in MUTATIONS]
)
def test_each_broken_rule_is_reported_by_its_code(
    mutate: Callable[[Plan], Plan], expected: set[str]
) -> None:
    plan = mutate(sample_plan())
    found = validate(plan.event, plan)
    assert {v.rule for v in found} == expected, [str(v) for v in found]
    with pytest.raises(PlanError) as info:
        check_plan(plan.event, plan)
    assert info.value.violations == found
    assert isinstance(info.value, ConveningError)


#: Rules tested below with events of their own (networking_rules).
RULES_TESTED_APART = {
    "networking-together",
    "networking-apart",
    "networking-host",
    "no-place",  # test_places_follow_attends_and_away
    "leader-absent",  # test_a_tour_leader_rides_their_tour
}


def test_every_rule_has_a_mutation_that_breaks_it() -> None:
    covered = set().union(*(e for _, _, e in MUTATIONS))
    assert covered | RULES_TESTED_APART == set(RULES)


def test_violations_name_the_slot_person_and_activity() -> None:
    plan = move(sample_plan(), "sp1", "bo1", "x3")
    (v,) = validate(plan.event, plan)
    assert v == Violation(
        "presenter-absent",
        "sp1 presents session x1 but is not in its run in slot bo1",
        "bo1",
        "sp1",
        "x1",
    )
    assert str(v).startswith("[presenter-absent] sp1 presents")


def test_plan_error_lists_the_first_violations_and_counts_the_rest() -> None:
    event = sample_event()
    found = validate(event, Plan(event, runs=[]))
    assert len(found) > PlanError.shown
    text = str(PlanError(found))
    assert text.startswith(f"the plan breaks {len(found)} rules:")
    assert f"and {len(found) - PlanError.shown} more" in text
    assert str(found[0]) in text


def test_presenters_may_attend_their_own_session_every_time_it_runs() -> None:
    b = EventBuilder("E", "Albany, NY", "America/New_York")
    b.add_participant("pr", "Presenter", role="speaker")
    b.add_participant("s", "Staff", role="speaker")
    b.add_room("r", "Room", 5)
    b.add_room("q", "Other room", 5)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(10), at(11), "breakout")
    b.add_session("x", "Twice", presenters=["pr"], offered=2)
    b.add_session("y", "Once")
    b.add_session("z", "Once more")
    event = b.build()
    plan = Plan(
        event,
        runs=[
            Run("x", BREAKOUT, "b1", "r", ["pr", "s"]),
            Run("x", BREAKOUT, "b2", "r", ["pr"]),
            Run("y", BREAKOUT, "b2", None, ["s"]),
        ],
    )
    # y has no room and z never runs; the presenter attending x twice is fine.
    assert {v.rule for v in validate(event, plan)} == {"run-room", "session-offered"}


# -- networking table counts ------------------------------------------------------------------


def networking_event(delegation: int, others: int, table_size: int) -> Event:
    b = EventBuilder("E", "Albany, NY", "America/New_York")
    b.add_city("big", "Big", "NY")
    for i in range(delegation):
        b.add_participant(f"d{i}", f"Delegate {i}", city_id="big")
    for i in range(others):
        b.add_participant(f"o{i}", f"Other {i}", role="speaker")
    b.add_slot("lunch", at(12), at(13), "networking")
    b.set_table_size("lunch", table_size)
    with pytest.warns(UserWarning):  # an unusual delegation
        return b.build()


def deal(event: Event, tables: int) -> Plan:
    """Seat everyone round-robin, so delegations are spread and sizes even."""
    seats: list[list[str]] = [[] for _ in range(tables)]
    for i, p in enumerate(event.participants):
        seats[i % tables].append(p.participant_id)
    return Plan(
        event,
        runs=[],
        tables=[Table("lunch", n + 1, NETWORKING, m) for n, m in enumerate(seats)],
    )


def test_a_large_delegation_needs_one_table_per_member() -> None:
    event = networking_event(delegation=5, others=2, table_size=8)
    assert event.networking_tables("lunch") == 5
    assert validate(event, deal(event, 5)) == []
    assert codes(deal(event, 1)) == {"networking-table-count", "delegation-apart"}
    assert codes(deal(event, 6)) == {"networking-table-count"}


def test_otherwise_the_fewest_tables_that_seat_everyone() -> None:
    event = networking_event(delegation=2, others=15, table_size=8)
    assert event.networking_tables("lunch") == 3
    assert validate(event, deal(event, 3)) == []
    assert codes(deal(event, 4)) == {"networking-table-count"}


# -- properties -------------------------------------------------------------------------------

ACTIVITY_SLOTS = ["open", "bo1", "bo2", "lunch", "tour", "ap"]
EVENT = sample_event()
PLAN = sample_plan(EVENT)


def drop_from_slot(plan: Plan, pid: str, slot_id: str) -> Plan:
    runs = [
        attrs.evolve(r, attendees=without(pid)(r.attendees)) if r.slot_id == slot_id else r
        for r in plan.runs
    ]
    tables = [
        attrs.evolve(t, members=without(pid)(t.members), coaches=without(pid)(t.coaches))
        if t.slot_id == slot_id
        else t
        for t in plan.tables
    ]
    return Plan(plan.event, runs=runs, tables=tables)


@given(st.sampled_from(ACTIVITY_SLOTS), st.data())
@settings(max_examples=60, deadline=None)
def test_dropping_anyone_present_from_a_slot_is_always_reported(
    slot_id: str, data: st.DataObject
) -> None:
    present = [p.participant_id for p in EVENT.present(slot_id)]
    pid = data.draw(st.sampled_from(present))
    found = validate(EVENT, drop_from_slot(PLAN, pid, slot_id))
    assert (
        Violation(
            "one-activity-per-slot",
            f"{pid} is present but has nothing in slot {slot_id}",
            slot_id,
            pid,
        )
        in found
    )


@given(st.sampled_from(ACTIVITY_SLOTS), st.data())
@settings(max_examples=60, deadline=None)
def test_a_second_activity_in_a_slot_is_always_reported(slot_id: str, data: st.DataObject) -> None:
    present = [p.participant_id for p in EVENT.present(slot_id)]
    pid = data.draw(st.sampled_from(present))
    others = [
        item
        for item in [*PLAN.runs, *PLAN.tables]
        if item.slot_id == slot_id
        and pid not in (item.attendees if isinstance(item, Run) else item.members)
    ]
    if not others:  # the plenary: everyone is already there
        return
    item = data.draw(st.sampled_from(others))
    if isinstance(item, Run):
        plan = edit_run(PLAN, item.activity_id, slot_id, attendees=plus(pid))
    else:
        plan = edit_table(PLAN, slot_id, item.number, members=plus(pid))
    rules = [(v.rule, v.participant_id, v.slot_id) for v in validate(EVENT, plan)]
    assert ("one-activity-per-slot", pid, slot_id) in rules


@given(st.sampled_from(["lunch"]), st.data())
@settings(max_examples=80, deadline=None)
def test_swapping_two_people_between_networking_tables_breaks_only_delegation_seating(
    slot_id: str, data: st.DataObject
) -> None:
    tables = PLAN.tables_in(slot_id)
    a, b = data.draw(st.lists(st.sampled_from(tables), min_size=2, max_size=2, unique=True))
    pa = data.draw(st.sampled_from(a.members))
    pb = data.draw(st.sampled_from(b.members))
    plan = edit_table(PLAN, slot_id, a.number, members=swap(pa, pb))
    plan = edit_table(plan, slot_id, b.number, members=swap(pb, pa))
    people = EVENT.participant_by_id

    def shares(table: Table) -> bool:
        cities = [people[m].city_id for m in table.members if people[m].city_id]
        return len(cities) != len(set(cities))

    expected = {"delegation-apart"} if any(shares(t) for t in plan.tables_in(slot_id)) else set()
    assert codes(plan) == expected


@given(st.sampled_from(["bo1", "bo2"]), st.data())
@settings(max_examples=80, deadline=None)
def test_moving_someone_to_another_breakout_breaks_only_rules_about_that_run(
    slot_id: str, data: st.DataObject
) -> None:
    runs = PLAN.runs_in(slot_id)
    src, dst = data.draw(st.lists(st.sampled_from(runs), min_size=2, max_size=2, unique=True))
    pid = data.draw(st.sampled_from(src.attendees))
    plan = move(PLAN, pid, slot_id, dst.activity_id)
    found = validate(EVENT, plan)
    assert {v.rule for v in found} <= {
        "room-capacity",
        "session-capacity",
        "presenter-absent",
        "repeat-session",
        "step-free-room",
    }
    assert all(v.slot_id in (slot_id, None) for v in found)
    person = EVENT.participant_by_id[pid]
    if person.accessible and dst.room_id == "r1":
        assert any(v.rule == "step-free-room" for v in found)
    if pid == "sp1" and src.activity_id == "x1":
        assert any(v.rule == "presenter-absent" for v in found)


@given(st.randoms(use_true_random=False))
@settings(max_examples=20, deadline=None)
def test_the_order_of_runs_and_tables_does_not_change_the_report(rnd: random.Random) -> None:
    broken = edit_table(move(PLAN, "ca-p", "bo1", "x3"), "lunch", 4, number=7)
    runs, tables = list(broken.runs), list(broken.tables)
    rnd.shuffle(runs)
    rnd.shuffle(tables)
    shuffled = Plan(EVENT, runs=runs, tables=tables)
    assert validate(EVENT, shuffled) == validate(EVENT, broken) != []


# -- scale ------------------------------------------------------------------------------------


def large_event_and_plan(cities: int = 1800) -> tuple[Event, Plan]:
    """5,400 people over 20 slots, seated by arithmetic so the plan is valid by construction."""
    b = EventBuilder("Large", "Albany, NY", "America/New_York")
    for c in range(cities):
        b.add_city(f"c{c}", f"City {c}", "NY")
        for m, role in enumerate(("official", "official", "partner")):
            b.add_participant(f"c{c}-{m}", f"Person {c}-{m}", city_id=f"c{c}", role=role)
    b.add_room("hall", "Hall", 3 * cities)
    for j in range(60):
        b.add_room(f"r{j}", f"Room {j}", 100)
    kinds = ["plenary", "breakout", "breakout", "networking", "tour", "action_planning"] * 3
    kinds += ["breakout", "plenary"]
    for i, kind in enumerate(kinds):
        sid = f"s{i:02d}"
        b.add_slot(sid, at(i), at(i + 0.9), kind)
        if kind == "plenary":
            b.add_session(f"{sid}-p", "Plenary", "plenary", slot_id=sid, room_id="hall")
        elif kind == "breakout":
            for j in range(60):
                b.add_session(f"{sid}-x{j}", f"Breakout {j}", slot_id=sid)
        elif kind == "tour":
            for j in range(30):
                b.add_tour(f"{sid}-t{j}", f"Tour {j}", 100, departures=2, slot_id=sid)
    event = b.build()
    everyone = [p.participant_id for p in event.participants]
    runs: list[Run] = []
    tables: list[Table] = []
    for slot in event.slots:
        sid = slot.slot_id
        if slot.kind == "plenary":
            runs.append(Run(f"{sid}-p", PLENARY, sid, "hall", everyone))
        elif slot.kind == "breakout":
            runs += [
                Run(f"{sid}-x{j}", BREAKOUT, sid, f"r{j}", everyone[j::60]) for j in range(60)
            ]
        elif slot.kind == "tour":
            runs += [Run(f"{sid}-t{j}", TOUR, sid, None, everyone[j::30]) for j in range(30)]
        elif slot.kind == "networking":
            n = len(everyone) // 8
            tables += [Table(sid, t + 1, NETWORKING, everyone[t::n]) for t in range(n)]
        else:
            tables += [
                Table(sid, n + 1, ACTION, [m.participant_id for m in d.members], city_id=d.city_id)
                for n, d in enumerate(event.delegations)
            ]
    return event, Plan(event, runs=runs, tables=tables)


def test_a_plan_for_5400_people_is_checked_in_full() -> None:
    event, plan = large_event_and_plan()
    assert len(event.participants) == 5400 and len(event.slots) == 20
    assert validate(event, plan) == []
    broken = drop_from_slot(plan, "c900-2", "s03")
    assert codes(broken) == {"one-activity-per-slot"}


# -- robustness -------------------------------------------------------------------------------

_SLOT_IDS = [s.slot_id for s in EVENT.slots] + ["nowhere"]
_PEOPLE = [p.participant_id for p in EVENT.participants] + ["stranger"]
_ACTIVITIES = [s.session_id for s in EVENT.sessions] + [t.tour_id for t in EVENT.tours] + ["ghost"]
_ROOMS = [r.room_id for r in EVENT.rooms] + ["attic", None]

junk_runs = st.builds(
    Run,
    activity_id=st.sampled_from(_ACTIVITIES),
    kind=st.sampled_from(list(ActivityKind)),
    slot_id=st.sampled_from(_SLOT_IDS),
    room_id=st.sampled_from(_ROOMS),
    attendees=st.lists(st.sampled_from(_PEOPLE), max_size=6),
)
junk_tables = st.builds(
    Table,
    slot_id=st.sampled_from(_SLOT_IDS),
    number=st.integers(-1, 6),
    kind=st.sampled_from(list(ActivityKind)),
    members=st.lists(st.sampled_from(_PEOPLE), max_size=6),
    city_id=st.sampled_from([None, "ca", "cb", "cc", "atlantis"]),
    coaches=st.lists(st.sampled_from(["f1", "f2", "ca-1", "stranger"]), max_size=2),
)


@given(st.lists(junk_runs, max_size=8), st.lists(junk_tables, max_size=8))
@settings(max_examples=150, deadline=None)
def test_any_plan_at_all_is_reported_never_crashes(runs: list[Run], tables: list[Table]) -> None:
    plan = Plan(EVENT, runs=[*PLAN.runs, *runs], tables=[*PLAN.tables, *tables])
    found = validate(EVENT, plan)
    assert all(v.rule in RULES for v in found)
    assert found == sorted(set(found), key=found.index)  # no repeats
    if runs or tables:
        # Every added run is one run too many; every added seat, a second activity.
        # Only empty tables can go unreported (an empty support table harms no one).
        assert found or (not runs and all(not t.members and not t.coaches for t in tables))


# -- networking rules -------------------------------------------------------------------------


def rules_event() -> Event:
    """Eight people at two tables of four, with one rule of each kind."""
    b = EventBuilder("E", "Albany, NY", "America/New_York")
    for i in range(8):
        b.add_participant(f"o{i}", f"Other {i}", role="speaker")
    b.add_slot("lunch", at(12), at(13), "networking")
    b.set_table_size("lunch", 4)
    b.add_networking_rule("together", "o0", "o1")
    b.add_networking_rule("apart", "o2", "o3")
    b.add_networking_rule("host", "o4")
    b.add_networking_rule("host", "o5", slot_id="lunch")
    return b.build()


def seated(event: Event, first: list[str], second: list[str]) -> Plan:
    tables = [Table("lunch", 1, NETWORKING, first), Table("lunch", 2, NETWORKING, second)]
    return Plan(event, runs=[], tables=tables)


def test_a_seating_that_keeps_every_networking_rule_passes() -> None:
    event = rules_event()
    assert validate(event, seated(event, ["o0", "o1", "o2", "o4"], ["o3", "o5", "o6", "o7"])) == []


@pytest.mark.parametrize(
    ("first", "second", "rule", "words"),
    [
        (["o0", "o2", "o6", "o4"], ["o1", "o3", "o5", "o7"], "networking-together", "row 2"),
        (["o0", "o1", "o2", "o3"], ["o4", "o5", "o6", "o7"], "networking-apart", "row 3"),
        (["o0", "o1", "o4", "o5"], ["o2", "o3", "o6", "o7"][::-1], "networking-host", "share"),
    ],
    ids=["together pair apart", "apart pair together", "two hosts at one table"],
)
def test_networking_rules_are_hard_rules(
    first: list[str], second: list[str], rule: str, words: str
) -> None:
    event = rules_event()
    found = validate(event, seated(event, first, second))
    assert rule in {v.rule for v in found}
    assert any(words in v.message for v in found if v.rule == rule)


def test_as_many_hosts_as_tables_means_a_host_at_every_table() -> None:
    event = rules_event()
    found = validate(event, seated(event, ["o0", "o1", "o2", "o6"], ["o3", "o4", "o5", "o7"]))
    messages = [v.message for v in found if v.rule == "networking-host"]
    assert any("table 1 in lunch has no host" in m for m in messages), messages


# -- who takes a place ------------------------------------------------------------------------


def _changed_people(**changes: dict[str, object]) -> Event:
    """:func:`sample_event` with some participants changed (by id)."""
    event = sample_event()
    people = tuple(
        attrs.evolve(p, **changes.get(p.participant_id.replace("-", "_"), {}))
        for p in event.participants
    )
    return attrs.evolve(event, participants=people)


@pytest.mark.parametrize(
    ("changes", "rule", "who", "slot"),
    [
        # Working staff (attends plenary) hold no breakout, tour or table place.
        ({"s1": {"attends": None}}, "no-place", "s1", "bo1"),
        ({"s1": {"attends": ("plenary", "breakout")}}, "no-place", "s1", "tour"),
        ({"s1": {"attends": ("plenary", "breakout", "tour")}}, "no-place", "s1", "lunch"),
        # A person away for a slot is scheduled in none of it.
        ({"cb_p": {"away": ("bo2",)}}, "not-present", "cb-p", "bo2"),
    ],
)
def test_places_follow_attends_and_away(
    changes: dict[str, dict[str, object]], rule: str, who: str, slot: str
) -> None:
    event = _changed_people(**changes)
    found = validate(event, sample_plan(event))
    assert any(v.rule == rule and v.participant_id == who and v.slot_id == slot for v in found), (
        found
    )


def test_a_presenter_who_attends_no_breakouts_is_in_their_own_session_only() -> None:
    event = _changed_people(sp1={"attends": ("plenary", "tour", "networking", "action_planning")})
    plan = sample_plan(event)
    # sp1 presents x1 in bo1 (allowed) but attends x4 in bo2 (not).
    found = {(v.rule, v.slot_id) for v in validate(event, plan) if v.participant_id == "sp1"}
    assert found == {("no-place", "bo2")}


def test_a_tour_leader_rides_their_tour() -> None:
    event = sample_event()
    tours = tuple(
        attrs.evolve(t, leaders=("f2",)) if t.tour_id == "walk" else t for t in event.tours
    )
    event = attrs.evolve(event, tours=tours)
    found = validate(event, sample_plan(event))
    assert [(v.rule, v.participant_id, v.activity_id) for v in found] == [
        ("leader-absent", "f2", "walk")
    ]
