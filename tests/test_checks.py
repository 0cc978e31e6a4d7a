"""Checks of events built in code: each problem is found, located and worded for a planner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convening import EventBuilder, EventError, Problem
from convening.checks import is_valid_id
from convening.model import (
    Participant,
    Role,
    Session,
    SessionKind,
    Slot,
    SlotKind,
    Tour,
)
from tests.factories import at, small_builder

Mutation = Callable[[EventBuilder], object]


def problems_of(mutate: Mutation) -> list[Problem]:
    b = small_builder()
    mutate(b)
    with pytest.raises(EventError) as info:
        b.build()
    return info.value.problems


CASES: list[tuple[str, Mutation, str, int | None, str | None, str]] = [
    (
        "duplicate id",
        lambda b: b.add_room("r1", "Again", 5),
        "rooms",
        6,
        "room_id",
        "duplicate id",
    ),
    (
        "bad id characters",
        lambda b: b.add_room("room 9", "R", 5),
        "rooms",
        6,
        "room_id",
        "ids are letters",
    ),
    ("leading dot", lambda b: b.add_room(".r", "R", 5), "rooms", 6, "room_id", "ids are letters"),
    (
        "unknown city",
        lambda b: b.add_participant("z", "Z", city_id="atlantis"),
        "participants",
        15,
        "city_id",
        "no city",
    ),
    (
        "unknown presenter",
        lambda b: b.add_session("y", "Y", presenters="ghost"),
        "sessions",
        6,
        "presenters",
        "no participant",
    ),
    (
        "unknown slot pin",
        lambda b: b.add_session("y", "Y", slot_id="nope"),
        "sessions",
        6,
        "slot_id",
        "no slot",
    ),
    (
        "unknown room pin",
        lambda b: b.add_session("y", "Y", room_id="nope"),
        "sessions",
        6,
        "room_id",
        "no room",
    ),
    (
        "unknown preference participant",
        lambda b: b.add_preference("ghost", "x1", 1),
        "preferences",
        2,
        "participant_id",
        "no participant",
    ),
    (
        "bad time zone",
        lambda b: setattr(b, "timezone", "Mars/Olympus"),
        "event",
        None,
        "timezone",
        "IANA",
    ),
    (
        "end before start",
        lambda b: b.add_slot("bad", at(15), at(14), "break"),
        "slots",
        8,
        "end",
        "ends at or before",
    ),
    (
        "departs before arriving",
        lambda b: b.add_participant("z", "Z", role="staff", arrives=at(12), departs=at(9)),
        "participants",
        15,
        "departs",
        "departs at or before",
    ),
    (
        "overlapping slots of one kind",
        lambda b: b.add_slot("b2", at(11), at(12), "breakout"),
        "slots",
        8,
        "start",
        "overlaps breakout slot b1",
    ),
    (
        "zero capacity",
        lambda b: b.add_room("r9", "R", 0),
        "rooms",
        6,
        "capacity",
        "more than zero",
    ),
    (
        "negative tour capacity",
        lambda b: b.add_tour("t9", "T", -4, slot_id="tour"),
        "tours",
        4,
        "capacity",
        "more than zero",
    ),
    (
        "zero offered",
        lambda b: b.add_session("y", "Y", offered=0),
        "sessions",
        6,
        "offered",
        "more than zero",
    ),
    (
        "pin to a slot of the wrong kind",
        lambda b: b.add_session("y", "Y", slot_id="open"),
        "sessions",
        6,
        "slot_id",
        "breakout session pinned to a plenary slot",
    ),
    (
        "tour pinned to a non-tour slot",
        lambda b: b.add_tour("t9", "T", 5, slot_id="b1"),
        "tours",
        4,
        "slot_id",
        "tours run in tour slots",
    ),
    (
        "room too small for presenters",
        lambda b: (
            b.add_room("closet", "Closet", 1),
            b.add_session("y", "Y", presenters="c0-a;c1-a", room_id="closet"),
        ),
        "sessions",
        6,
        "room_id",
        "fewer than the session's 2 presenters",
    ),
    (
        "networking row for a non-networking slot",
        lambda b: b.set_table_size("b1", 6),
        "networking",
        3,
        "slot_id",
        "not a networking slot",
    ),
    (
        "duplicate table size",
        lambda b: b.set_table_size("lunch", 6),
        "networking",
        3,
        "slot_id",
        "already has a table size",
    ),
    (
        "together rule without a partner",
        lambda b: b.add_networking_rule("together", "c0-a"),
        "networking_rules",
        2,
        "other_id",
        "names two people",
    ),
    (
        "wrong type in code",
        lambda b: b.add_room("r9", "R", "ten"),
        "rooms",
        6,
        "capacity",
        "whole number",
    ),
    (
        "aware datetime",
        lambda b: b.add_slot(
            "s9", at(20).replace(tzinfo=dt.UTC), at(21).replace(tzinfo=dt.UTC), "break"
        ),
        "slots",
        8,
        "end",
        "wall-clock",
    ),
    (
        "unknown role",
        lambda b: b.add_participant("z", "Z", role="mayor"),
        "participants",
        15,
        "role",
        "one of official",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "sheet", "row", "column", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_each_problem_is_located(
    mutate: Mutation, sheet: str, row: int | None, column: str, words: str
) -> None:
    problems = problems_of(mutate)
    matching = [p for p in problems if words in p.message]
    assert matching, [str(p) for p in problems]
    problem = matching[0]
    assert (problem.sheet, problem.row, problem.column) == (sheet, row, column)
    assert str(problem).startswith(problem.location())


COUNTING: list[tuple[str, Mutation, str]] = [
    (
        "too few breakout seats",
        lambda b: [b.add_participant(f"extra{i}", "E", role="speaker") for i in range(130)],
        "143 people are present but its rooms and sessions seat at most 124",
    ),
    (
        "plenary room smaller than the audience",
        lambda b: [b.add_participant(f"extra{i}", "E", role="staff") for i in range(90)],
        "but the plenary rooms seat at most 100",
    ),
    (
        "not enough step-free tour seats",
        lambda b: [
            b.add_participant(f"acc{i}", "A", role="speaker", accessible=True) for i in range(31)
        ],
        "need step-free access but the tours that are not walking tours take at most 30",
    ),
    (
        "presenter pinned twice at once",
        lambda b: (
            b.add_room("r9", "R9", 20),
            b.add_session("y1", "Y1", presenters="c0-a", slot_id="b1"),
            b.add_session("y2", "Y2", presenters="c0-a", slot_id="b1"),
        ),
        "presenter c0-a also presents session y2",
    ),
    (
        "more runs than room-slots",
        lambda b: [b.add_session(f"y{i}", "Y") for i in range(2)],
        "breakout sessions need 5 runs",
    ),
    (
        "presenter absent at pinned slot",
        lambda b: (
            b.add_participant("late", "L", role="speaker", arrives=at(12)),
            b.add_session("y", "Y", presenters="late", slot_id="b1"),
        ),
        "presenter late is not at the event during pinned slot b1",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "words"), [c[1:] for c in COUNTING], ids=[c[0] for c in COUNTING]
)
def test_obvious_impossibilities_are_caught_before_solving(mutate: Mutation, words: str) -> None:
    messages = [p.message for p in problems_of(mutate)]
    assert any(words in m for m in messages), messages


def test_all_problems_come_at_once_without_cascades() -> None:
    def mutate(b: EventBuilder) -> None:
        b.add_room("r9", "R", "ten")  # ill-typed: dropped, but known
        b.add_session("y", "Y", room_id="r9")  # refers to the ill-typed room: not reported again
        b.add_room("r10", "R", -1)
        b.add_participant("z", "Z", city_id="atlantis")

    problems = problems_of(mutate)
    assert [(p.sheet, p.column) for p in problems] == [
        ("participants", "city_id"),
        ("rooms", "capacity"),
        ("rooms", "capacity"),
    ]


def test_warnings_for_odd_delegations_and_unknown_items_do_not_stop_planning() -> None:
    b = small_builder()
    b.add_participant("c0-x", "Fourth", city_id="c0", role="partner")
    b.add_preference("c1-a", "no-such-session", 1)
    with pytest.warns(UserWarning) as record:
        event = b.build()
    assert {p.sheet for p in event.warnings} == {"cities", "preferences"}
    assert any("delegation of 4" in str(w.message) for w in record)


def test_presenters_ranking_their_own_session_are_warned_about() -> None:
    b = small_builder()
    b.add_room("r9", "Room 9", 12)
    b.add_session("talk", "Talk", topic="housing", presenters="c0-a")
    b.add_preference("c0-b", "talk", 1)
    b.add_preference("c0-a", "talk", 2)
    with pytest.warns(UserWarning, match="presents this session"):
        event = b.build()
    assert [(p.sheet, p.row, p.column, p.value) for p in event.warnings] == [
        ("preferences", 3, "item_id", "talk")
    ]


def test_a_sound_event_has_no_problems() -> None:
    event = small_builder().build()
    assert event.warnings == ()


@given(st.text(min_size=1, max_size=12))
def test_ids_are_letters_digits_and_a_few_marks(text: str) -> None:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@+")
    assert is_valid_id(text) == (set(text) <= allowed and not text.startswith("."))


@settings(max_examples=40, deadline=None)
@given(
    people=st.integers(1, 40),
    rooms=st.lists(st.integers(1, 30), min_size=1, max_size=5),
    sessions=st.integers(1, 6),
)
def test_seat_counting_is_only_a_necessary_condition(
    people: int, rooms: list[int], sessions: int
) -> None:
    """The breakout seat check fires exactly when the seats cannot hold the people."""
    b = EventBuilder("E", "Here", "UTC")
    for i in range(people):
        b.add_participant(f"p{i}", "P", role="speaker")
    for i, cap in enumerate(rooms):
        b.add_room(f"r{i}", "R", cap)
    b.add_slot("s", at(9), at(10), "breakout")
    sessions = min(sessions, len(rooms))
    for i in range(sessions):
        b.add_session(f"x{i}", "X")
    seats = sum(sorted(rooms, reverse=True)[:sessions])
    if people <= seats:
        b.build()
    else:
        with pytest.raises(EventError, match="seat at most"):
            b.build()


@pytest.mark.parametrize("zone", ["America", "Europe/" + "x" * 300, "", "Mars/Base"])
def test_any_time_zone_name_is_a_problem_not_a_crash(zone: str) -> None:
    def mutate(b: EventBuilder) -> None:
        b.timezone = zone

    problems = problems_of(mutate)
    assert [p.sheet for p in problems] == ["event"]


def test_a_zero_capacity_room_is_reported_once() -> None:
    def mutate(b: EventBuilder) -> None:
        b.add_room("tiny", "Tiny", 0)
        b.add_session("y", "Y", presenters="c0-a;c1-a", room_id="tiny")

    assert [p.message for p in problems_of(mutate)] == ["must be more than zero"]


def test_an_event_needs_people_and_slots_whether_read_or_built() -> None:
    with pytest.raises(EventError) as info:
        EventBuilder("Empty", "Albany, NY", "America/New_York").build()
    assert [(p.sheet, p.message) for p in info.value.problems] == [
        ("participants", "the sheet has no rows; an event needs at least 1"),
        ("slots", "the sheet has no rows; an event needs at least 1"),
    ]


NETWORKING_RULES: list[tuple[str, Mutation, int, str]] = [
    (
        "together inside one delegation",
        lambda b: b.add_networking_rule("together", "c0-a", "c0-b"),
        2,
        "both in the c0 delegation",
    ),
    (
        "together and apart on one pair",
        lambda b: (
            b.add_networking_rule("together", "c0-a", "c1-a"),
            b.add_networking_rule("apart", "c1-a", "c0-a", slot_id="lunch"),
        ),
        3,
        "kept apart here but together in row 2",
    ),
    (
        "more hosts than tables",
        lambda b: (
            [b.add_networking_rule("host", f"c{c}-a") for c in range(4)]
            + [b.add_networking_rule("host", "f1")]
        ),
        6,
        "5 hosts are present in networking slot lunch but it has 4 tables",
    ),
    (
        "together group larger than a table",
        lambda b: (
            [b.add_networking_rule("together", f"c{c}-a", f"c{c + 1}-a") for c in range(3)]
            + [b.add_networking_rule("together", "c3-a", "f1")]
        ),
        5,
        "together rules join 5 people",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "row", "words"),
    [c[1:] for c in NETWORKING_RULES],
    ids=[c[0] for c in NETWORKING_RULES],
)
def test_impossible_networking_rules_are_input_errors(
    mutate: Mutation, row: int, words: str
) -> None:
    problems = [p for p in problems_of(mutate) if words in p.message]
    assert problems, [str(p) for p in problems_of(mutate)]
    assert (problems[0].sheet, problems[0].row) == ("networking_rules", row)


def test_times_the_clocks_skip_are_errors_and_times_they_repeat_are_warnings() -> None:
    spring = dt.datetime(2027, 3, 14, 2, 15)  # 02:00-03:00 does not exist in New York
    autumn = dt.datetime(2027, 11, 7, 1, 30)  # 01:00-02:00 happens twice

    def skipped(b: EventBuilder) -> None:
        b.add_slot("night", spring, spring + dt.timedelta(hours=1), "break")

    (problem,) = [p for p in problems_of(skipped) if "no such time" in p.message]
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "slots",
        8,
        "start",
        "2027-03-14 02:15",
    )

    b = small_builder()
    b.add_slot("late-night", autumn, autumn + dt.timedelta(hours=1), "break")
    with pytest.warns(UserWarning, match="happens twice"):
        event = b.build()
    assert [(p.sheet, p.column) for p in event.warnings] == [("slots", "start")]


SMALL = small_builder().build()


def problems_after(**changes: object) -> list[Problem]:
    """The problems of the small event with some of its sheets replaced."""
    with pytest.raises(EventError) as info:
        attrs.evolve(SMALL, **changes)
    return info.value.problems


TOUR2 = Slot("tour2", at(9, day=1), at(11, day=1), SlotKind.TOUR, row=8)
STAFF = [
    Participant(f"acc{i}", "A", None, Role.SPEAKER, accessible=True, row=15 + i) for i in range(13)
]


def test_a_tour_slot_with_an_empty_tours_sheet_says_so_at_the_slot_once() -> None:
    problems = problems_after(tours=(), participants=(*SMALL.participants, STAFF[0]))
    # Nobody can go on a tour: one problem at the slot, not one more for step-free access.
    assert [(p.sheet, p.row, p.column, p.value, p.message) for p in problems] == [
        (
            "slots",
            5,
            "kind",
            "tour",
            "tour slot tour has 14 people present but the tours sheet has no tours",
        )
    ]


def test_each_tour_slot_nobody_can_go_from_is_named() -> None:
    problems = problems_after(tours=(), slots=(*SMALL.slots, TOUR2))
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("slots", 5, "kind"),
        ("slots", 8, "kind"),
    ]
    assert problems[1].message.startswith("tour slot tour2 has 13 people present")


def test_a_tour_slot_whose_tours_are_pinned_elsewhere_says_so_at_the_slot() -> None:
    # The people of that slot are not also counted against the tours over all tour slots.
    (problem,) = problems_after(slots=(*SMALL.slots, TOUR2))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "slots",
        8,
        "kind",
        "tour",
    )
    assert problem.message == (
        "tour slot tour2 has 13 people present but every tour on the tours sheet is pinned "
        "to another tour slot"
    )


def test_tours_too_small_over_all_tour_slots_keep_the_capacity_message() -> None:
    bus = Tour("bus", "Bus tour", 20, row=2)
    (problem,) = problems_after(tours=(bus,), slots=(*SMALL.slots, TOUR2))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "tours",
        None,
        "capacity",
        "20",
    )
    assert "the tour slots hold 26 people in all but all tours together take 20" in (
        problem.message
    )


def hall_without_step_free_access(needing: int, **changes: object) -> list[Problem]:
    """Problems once the hall, where the welcome plenary is pinned, loses step-free access."""
    rooms = [attrs.evolve(r, accessible=False) if r.room_id == "hall" else r for r in SMALL.rooms]
    changes.setdefault("rooms", rooms)
    people = (*SMALL.participants, *STAFF[:needing])
    return problems_after(participants=people, **changes)


@pytest.mark.parametrize(
    ("needing", "words"),
    [
        (1, "1 person needing step-free access attends"),
        (2, "2 people needing step-free access attend"),
    ],
)
def test_a_plenary_pinned_to_a_room_without_step_free_access_names_the_pin(
    needing: int, words: str
) -> None:
    (problem,) = hall_without_step_free_access(needing)
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "sessions",
        2,
        "room_id",
        "hall",
    )
    assert problem.message == (
        f"{words} this plenary but room hall has no step-free access; pin a step-free room "
        "or leave room_id empty"
    )


def test_a_pin_is_named_when_the_other_plenaries_seat_too_few_needing_step_free_access() -> None:
    panel = Session("panel", "Panel", SessionKind.PLENARY, slot_id="open", capacity=12, row=6)
    (problem,) = hall_without_step_free_access(13, sessions=(*SMALL.sessions, panel))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "sessions",
        2,
        "room_id",
        "hall",
    )
    assert problem.message.startswith(
        "13 people needing step-free access are present in plenary slot open, where the other "
        "plenaries seat at most 12 of them, but room hall has no step-free access"
    )


def test_too_few_step_free_seats_whatever_the_pin_stay_at_the_slot() -> None:
    # The step-free rooms seat 2 x 6: freeing the pin would not seat 13 people.
    rooms = [
        attrs.evolve(r, accessible=False)
        if r.room_id == "hall"
        else attrs.evolve(r, capacity=6)
        if r.accessible
        else r
        for r in SMALL.rooms
    ]
    problems = hall_without_step_free_access(13, rooms=rooms)
    found = [(p.sheet, p.row, p.column, p.message) for p in problems]
    assert (
        "slots",
        2,
        "slot_id",
        "13 people need step-free access but accessible rooms seat at most 0, and at most 6 "
        "even with welcome (pinned to room hall) moved to step-free rooms",
    ) in found
    assert all(sheet != "sessions" for sheet, *_ in found), found


@pytest.mark.parametrize(("count", "words"), [(1, "1 person is"), (2, "2 people are")])
def test_counts_of_one_read_as_one(count: int, words: str) -> None:
    b = EventBuilder("E", "Here", "UTC")
    for i in range(count):
        b.add_participant(f"p{i}", "P", role="speaker")
    b.add_room("r", "R", 5)
    b.add_slot("s", at(9), at(10), "breakout")
    with pytest.raises(EventError) as info:
        b.build()
    (problem,) = info.value.problems
    assert problem.message.startswith(f"{words} present but no breakout session can run")


def test_sessions_with_no_slots_of_their_kind_say_so() -> None:
    b = EventBuilder("E", "Albany, NY", "America/New_York")
    b.add_participant("p1", "P", role="staff")
    b.add_room("r1", "R", 5)
    b.add_slot("lunch", at(12), at(13), "networking")
    b.add_session("x", "X", presenters="p1")
    with pytest.raises(EventError) as info:
        b.build()
    assert any(
        p.message == "offered 1 times but there are no breakout slots" for p in info.value.problems
    )


def test_people_present_for_no_slot_and_facilitators_with_a_city_are_warned_about() -> None:
    b = small_builder()
    b.add_participant("typo", "Typo", role="staff", arrives=at(9, day=5))
    b.add_participant("fac-city", "Coach?", city_id="c0", role="facilitator")
    with pytest.warns(UserWarning):
        event = b.build()
    found = {(p.row, p.column): p.message for p in event.warnings if p.sheet == "participants"}
    assert "present for no slot" in found[(15, "arrives")]
    assert "coaches nobody" in found[(16, "city_id")]


def test_working_staff_count_only_in_the_plenary_seats() -> None:
    # 130 staff attend plenaries (their default): the plenary is short of seats, but no
    # breakout or tour slot counts them.
    messages = [
        p.message
        for p in problems_of(
            lambda b: [b.add_participant(f"extra{i}", "E", role="staff") for i in range(130)]
        )
    ]
    assert any("the plenary rooms seat at most" in m for m in messages), messages
    assert not any("its rooms and sessions" in m or "tours" in m for m in messages), messages


def test_staff_who_attend_nothing_need_no_seat() -> None:
    b = small_builder()
    for i in range(130):
        b.add_participant(f"extra{i}", "E", role="staff", attends="none")
    event = b.build()
    assert all(len(event.present(s)) <= 13 for s in event.slots if s.kind.is_activity)


def test_more_facilitators_than_delegations_is_no_error() -> None:
    # Each table then has one or more coaches (the contract's rule for that case).
    b = small_builder()
    for i in range(4):
        b.add_participant(f"f{i + 2}", "F", role="facilitator")
    event = b.build()
    ap = event.slots_of("action_planning")[0]
    assert sum(p.is_coach for p in event.present(ap)) == 5
