"""Re-planning after a change: few people moved, exactly the forced ones, every rule kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import attrs
import icalendar
import pytest

from convening import (
    Event,
    EventBuilder,
    InfeasibleError,
    Participant,
    Plan,
    Preference,
    SolveOptions,
    load_example,
    solve,
    validate,
    write_outputs,
)
from convening.changes import ChangeReason, diff_plans
from convening.errors import ConveningError
from convening.replan import Replan, ReplanOptions, replan
from tests.factories import small_builder

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

FAST = SolveOptions(time_limit=5, seed=1, workers=2)


def options(**kwargs: object) -> ReplanOptions:
    return ReplanOptions(solve=FAST, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def exchange() -> tuple[Event, Plan]:
    event = load_example("peer_exchange")
    return event, solve(event, FAST)


@pytest.fixture(scope="module")
def small() -> tuple[Event, Plan]:
    event = small_builder(cities=4).build()
    return event, solve(event, FAST)


def without(event: Event, gone: Iterable[str]) -> Event:
    """The event after the people ``gone`` cancelled."""
    gone = set(gone)
    return attrs.evolve(
        event,
        participants=[p for p in event.participants if p.participant_id not in gone],
        preferences=[x for x in event.preferences if x.participant_id not in gone],
        networking_rules=[
            r
            for r in event.networking_rules
            if r.participant_id not in gone and r.other_id not in gone
        ],
        sessions=[
            attrs.evolve(s, presenters=[p for p in s.presenters if p not in gone])
            for s in event.sessions
        ],
        tours=[
            attrs.evolve(t, leaders=[p for p in t.leaders if p not in gone]) for t in event.tours
        ],
    )


def studio_lost(event: Event) -> Event:
    """The event after the studio flooded; an annex of 20 seats stands in."""
    annex = attrs.evolve(event.room_by_id["library"], room_id="annex", name="Annex", capacity=20)
    return attrs.evolve(event, rooms=[r for r in event.rooms if r.room_id != "studio"] + [annex])


def places(plan: Plan) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(person, slot) -> (session or tour, room), for every run attendee."""
    return {
        (pid, run.slot_id): (run.activity_id, run.room_id)
        for run in plan.runs
        for pid in run.attendees
    }


def check(result: Replan) -> None:
    assert validate(result.plan.event, result.plan) == []


def presenters(event: Event) -> set[str]:
    return {p for s in event.sessions for p in s.presenters}


# -- cancellations ------------------------------------------------------------------------------


def test_a_cancellation_moves_nobody_else(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    # Someone who presents nothing, from a delegation of the usual three.
    big = {d.city_id for d in event.delegations if len(d.members) > 3}
    gone = next(
        p.participant_id
        for p in event.participants
        if p.participant_id not in presenters(event) and p.city_id and p.city_id not in big
    )
    result = replan(without(event, [gone]), plan, options())
    check(result)
    changes = result.changes
    assert changes.moved == ()
    assert changes.left == (gone,)
    before, after = places(plan), places(result.plan)
    assert {k: v for k, v in before.items() if k[0] != gone} == after
    # Only the networking tables of people who sat with them may change.
    for row in changes.people:
        assert row.participant_id == gone or row.reason is ChangeReason.RESEATED
    assert gone in changes.notify
    assert result.plan.metrics["people_moved"] == 0


def test_a_cancellation_that_shrinks_the_tables_reseats_only_some(
    exchange: tuple[Event, Plan],
) -> None:
    event, plan = exchange
    gone = [p.participant_id for p in event.participants[-2:]]
    result = replan(without(event, gone), plan, options())
    check(result)
    assert result.changes.moved == ()
    present = [p for p in result.plan.event.participants]
    # Most people keep their table in every networking slot.
    assert len(result.changes.reseated) < len(present) / 2


# -- rooms and capacities ---------------------------------------------------------------------------


def test_a_room_lost_moves_its_sessions_to_free_rooms_at_the_same_times(
    exchange: tuple[Event, Plan],
) -> None:
    event, plan = exchange
    lost = "studio"
    in_room = {(pid, r.slot_id) for r in plan.runs if r.room_id == lost for pid in r.attendees}
    assert in_room, "the example uses the room that is lost"
    changed = studio_lost(event)
    result = replan(changed, plan, options())
    check(result)
    before, after = places(plan), places(result.plan)
    for key, place in before.items():
        if key not in in_room:
            assert after[key] == place, f"{key} moved though their room stayed"
        else:
            # Same session at the same time, in another room.
            assert after[key][0] == place[0] and after[key][1] != lost
    changes = result.changes
    assert changes.moved == () and dict(changes.forced) == {}
    assert set(changes.room_changed) == {pid for pid, _k in in_room}
    assert changes.runs_retimed == ()
    rehoused = {(s.activity_id, s.before_slot) for s in changes.runs_rehoused}
    assert rehoused == {(r.activity_id, r.slot_id) for r in plan.runs if r.room_id == lost}
    assert all(s.reason is ChangeReason.ROOM_GONE for s in changes.sessions)
    assert all(r.reason is ChangeReason.ROOM_CHANGED and not r.moved for r in changes.people)


def test_a_smaller_bus_moves_only_the_overflow(small: tuple[Event, Plan]) -> None:
    event, plan = small
    riders = {r.activity_id: set(r.attendees) for r in plan.runs if r.kind == "tour"}
    fullest = max(sorted(riders), key=lambda t: len(riders[t]))
    seats = len(riders[fullest]) - 2
    tours = [attrs.evolve(t, capacity=seats) if t.tour_id == fullest else t for t in event.tours]
    result = replan(attrs.evolve(event, tours=tours), plan, options())
    check(result)
    assert len(result.changes.moved) == 2
    assert set(result.changes.moved) <= riders[fullest]
    assert all(r.reason is ChangeReason.CAPACITY_REDUCED for r in result.changes.people)
    assert result.changes.sessions == ()


def test_a_smaller_room_sends_its_session_to_a_bigger_free_room_at_the_same_time(
    exchange: tuple[Event, Plan],
) -> None:
    event, plan = exchange
    run = max(
        (r for r in plan.runs if r.kind == "breakout"), key=lambda r: (len(r.attendees), r.slot_id)
    )
    room = event.room_by_id[run.room_id or ""]
    smaller = len(run.attendees) - 1
    busy = {r.room_id for r in plan.runs_in(run.slot_id)}
    assert any(r.capacity >= len(run.attendees) for r in event.rooms if r.room_id not in busy), (
        "a free room of the slot can take the run"
    )
    rooms = [attrs.evolve(r, capacity=smaller) if r == room else r for r in event.rooms]
    result = replan(attrs.evolve(event, rooms=rooms), plan, options())
    check(result)
    changes = result.changes
    # Another room at the same time moves nobody; the time stays.
    assert changes.moved == ()
    assert changes.runs_retimed == ()
    assert [(s.activity_id, s.before_slot) for s in changes.runs_rehoused] == [
        (run.activity_id, run.slot_id)
    ]
    assert set(changes.room_changed) == set(run.attendees)


# -- late registrations -----------------------------------------------------------------------------


def late_delegation(event: Event, city_id: str, arrives: dt.datetime | None = None) -> Event:
    """The event with one more delegation of three who registered late."""
    city = attrs.evolve(event.cities[0], city_id=city_id, name=f"Late {city_id}")
    people = [
        Participant(f"{city_id}-{i}", f"Late {i}", city_id=city_id, role=role, arrives=arrives)
        for i, role in enumerate(("official", "official", "partner"))
    ]
    wanted = [s.session_id for s in event.sessions if s.kind == "breakout"]
    prefs = [
        Preference(p.participant_id, sid, rank)
        for p in people
        for rank, sid in enumerate(wanted[:3], start=1)
    ]
    return attrs.evolve(
        event,
        cities=[*event.cities, city],
        participants=[*event.participants, *people],
        preferences=[*event.preferences, *prefs],
    )


def test_late_registrations_are_added_without_moving_anyone(small: tuple[Event, Plan]) -> None:
    event, plan = small
    changed = late_delegation(event, "late")
    result = replan(changed, plan, options())
    check(result)
    changes = result.changes
    assert changes.moved == ()
    assert set(changes.added) == {"late-0", "late-1", "late-2"}
    assert places(plan).items() <= places(result.plan).items()
    new_rows = [r for r in changes.people if r.participant_id.startswith("late-")]
    assert new_rows and all(r.reason is ChangeReason.PERSON_NEW for r in new_rows)


# -- freezing -----------------------------------------------------------------------------------------


def test_freeze_sessions_keeps_every_slot_and_room(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    run = max((r for r in plan.runs if r.kind == "breakout"), key=lambda r: len(r.attendees))
    rooms = [
        attrs.evolve(r, capacity=len(run.attendees) - 3) if r.room_id == run.room_id else r
        for r in event.rooms
    ]
    changed = attrs.evolve(event, rooms=rooms)
    result = replan(changed, plan, options(freeze="sessions"))
    check(result)
    cells = {(r.activity_id, r.slot_id, r.room_id) for r in plan.runs}
    assert {(r.activity_id, r.slot_id, r.room_id) for r in result.plan.runs} == cells
    assert result.changes.sessions == ()


def test_freeze_sessions_refuses_when_a_room_is_gone(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    changed = studio_lost(event)
    with pytest.raises(InfeasibleError, match="cannot keep their places"):
        replan(changed, plan, options(freeze="sessions"))


def test_freeze_all_before_keeps_past_slots_identical(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    day2 = min(s.start for s in event.slots if s.start.date() > event.slots[0].start.date())
    # Late arrivals on day two, and a day-two room that is smaller than booked.
    changed = late_delegation(event, "late", arrives=day2)
    future = [r for r in plan.runs if event.slot_by_id[r.slot_id].start >= day2 and r.room_id]
    run = max(future, key=lambda r: len(r.attendees))
    rooms = [
        attrs.evolve(r, capacity=max(len(run.attendees) - 2, 1)) if r.room_id == run.room_id else r
        for r in changed.rooms
    ]
    used_before = {r.room_id for r in plan.runs if event.slot_by_id[r.slot_id].start < day2}
    if run.room_id in used_before:
        # Only future runs may get smaller, else the past would break a rule.
        rooms = list(changed.rooms)
    changed = attrs.evolve(changed, rooms=rooms)
    result = replan(changed, plan, options(freeze_before=day2))
    check(result)
    past = {s.slot_id for s in event.slots if s.start < day2}
    assert [r for r in plan.runs if r.slot_id in past] == [
        r for r in result.plan.runs if r.slot_id in past
    ]
    assert [t for t in plan.tables if t.slot_id in past] == [
        t for t in result.plan.tables if t.slot_id in past
    ]
    assert all(row.slot_id not in past for row in result.changes.people)


def test_freeze_all_before_refuses_to_rewrite_the_past(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    first = min(event.slots_of("breakout"), key=lambda s: s.start)
    lost = next(r.room_id for r in plan.runs if r.slot_id == first.slot_id and r.room_id)
    after = first.end + dt.timedelta(minutes=1)
    annex = attrs.evolve(event.room_by_id[lost], room_id="annex", name="Annex")
    changed = attrs.evolve(event, rooms=[r for r in event.rooms if r.room_id != lost] + [annex])
    with pytest.raises(InfeasibleError, match="cannot keep their places"):
        replan(changed, plan, options(freeze_before=after))


# -- the cap on moves ---------------------------------------------------------------------------------


def cancelled(event: Event, session_id: str) -> Event:
    """The event after the session ``session_id`` was cancelled."""
    return attrs.evolve(
        event,
        sessions=[s for s in event.sessions if s.session_id != session_id],
        preferences=[x for x in event.preferences if x.item_id != session_id],
    )


def test_max_moves_raises_when_the_change_forces_more(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    run = next(r for r in plan.runs if r.kind == "breakout" and r.attendees)
    session = event.session_by_id[run.activity_id]
    # Its presenters too: they now attend another session.
    forced = {pid for r in plan.runs if r.activity_id == run.activity_id for pid in r.attendees}
    assert set(session.presenters) <= forced
    changed = cancelled(event, run.activity_id)
    with pytest.raises(InfeasibleError, match=f"At least {len(forced)} people must move") as err:
        replan(changed, plan, options(max_moves=len(forced) - 1))
    assert any(f"{run.activity_id} is cancelled" in reason for reason in err.value.reasons)
    assert err.value.proven
    result = replan(changed, plan, options(max_moves=len(forced)))
    check(result)
    assert set(result.changes.moved) == forced


def test_options_are_checked() -> None:
    with pytest.raises(ConveningError, match="freeze"):
        ReplanOptions(freeze="everything")
    with pytest.raises(ConveningError, match="max_moves"):
        ReplanOptions(max_moves=-1)


# -- calendars and determinism ------------------------------------------------------------------------


def vevents(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(v["UID"]): v for v in cal.walk("VEVENT")}


def test_calendars_update_in_place_for_exactly_the_people_notified(
    exchange: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = exchange
    gone = next(
        p.participant_id for p in event.participants if p.participant_id not in presenters(event)
    )
    changed = without(event, [gone])
    changed = studio_lost(changed)
    result = replan(changed, plan, options())
    check(result)
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    write_outputs(plan, v1)
    write_outputs(result.plan, v2, previous=v1)
    people1 = {p.stem: p.read_bytes() for p in (v1 / "calendars" / "participants").glob("*.ics")}
    people2 = {p.stem: p.read_bytes() for p in (v2 / "calendars" / "participants").glob("*.ics")}
    assert people1.keys() == people2.keys(), "a person who left keeps a calendar of cancellations"
    changed_files = {pid for pid in people1 if people1[pid] != people2[pid]}
    assert changed_files == set(result.changes.notify)
    # The studio's attendees keep their sessions and times, in other rooms: their
    # calendars update LOCATION with a higher SEQUENCE, nothing else.
    assert result.changes.moved == ()
    moved = result.changes.room_changed[0]
    before = vevents(v1 / "calendars" / "participants" / f"{moved}.ics")
    after = vevents(v2 / "calendars" / "participants" / f"{moved}.ics")
    assert before.keys() == after.keys(), "UIDs are kept"
    rows = [r for r in result.changes.people if r.participant_id == moved]
    moved_slots = {r.slot_id for r in rows}
    kind_at = {s.start: s.kind for s in event.slots if s.kind.is_activity}
    starts = {event.slot_by_id[k].start for k in moved_slots}
    new_room = {event.slot_by_id[r.slot_id].start for r in rows if r.after_room != r.before_room}
    assert new_room
    for uid, vevent in after.items():
        bumped = int(vevent.get("SEQUENCE", 0)) > int(before[uid].get("SEQUENCE", 0))
        start = vevent.decoded("DTSTART").replace(tzinfo=None)
        if start in new_room:
            assert bumped, "a room change gets a higher SEQUENCE"
            assert str(vevent["LOCATION"]) != str(before[uid]["LOCATION"])
            assert vevent.decoded("DTSTART") == before[uid].decoded("DTSTART")
            assert str(vevent["SUMMARY"]) == str(before[uid]["SUMMARY"])
        elif start in starts:
            assert bumped
        elif bumped:
            # Otherwise only a table whose companions changed (someone left it) is updated.
            assert kind_at[start] in ("networking", "action_planning")
    assert sum(
        int(v.get("SEQUENCE", 0)) > int(before[u].get("SEQUENCE", 0)) for u, v in after.items()
    ) < len(after), "unchanged events keep their SEQUENCE"
    for vevent in vevents(v2 / "calendars" / "participants" / f"{gone}.ics").values():
        assert str(vevent["STATUS"]) == "CANCELLED"


def test_replanning_is_deterministic(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    changed = studio_lost(event)
    first = replan(changed, plan, options())
    second = replan(changed, plan, options())
    assert first.plan.runs == second.plan.runs
    assert first.plan.tables == second.plan.tables
    assert first.changes == second.changes


def test_an_unchanged_event_changes_nothing(exchange: tuple[Event, Plan]) -> None:
    event, plan = exchange
    result = replan(event, plan, options())
    check(result)
    assert result.plan.runs == plan.runs
    assert result.plan.tables == plan.tables
    assert result.changes.people == ()
    assert result.changes.notify == ()


# -- tables ---------------------------------------------------------------------------------------


def test_a_delegation_cancelling_renumbers_one_action_planning_table_at_most(
    exchange: tuple[Event, Plan],
) -> None:
    event, plan = exchange
    first = event.delegations[0]
    gone = [p.participant_id for p in first.members]
    changed = attrs.evolve(
        without(event, gone), cities=[c for c in event.cities if c.city_id != first.city_id]
    )
    result = replan(changed, plan, options())
    check(result)
    assert result.changes.moved == ()
    renumbered = {
        (t.slot_id, t.city_id)
        for t in result.plan.tables
        if t.kind == "action_planning"
        for old in plan.tables
        if old.slot_id == t.slot_id and old.city_id == t.city_id and old.number != t.number
    }
    slots = {t.slot_id for t in result.plan.tables if t.kind == "action_planning"}
    assert len(renumbered) <= len(slots), "only the last table fills the gap, per slot"


def test_a_new_networking_slot_is_seated_and_nobody_moves(small: tuple[Event, Plan]) -> None:
    event, plan = small
    day = event.slot_by_id["lunch"].start
    dinner = attrs.evolve(
        event.slot_by_id["lunch"],
        slot_id="dinner",
        start=day.replace(hour=19),
        end=day.replace(hour=20),
    )
    changed = attrs.evolve(event, slots=[*event.slots, dinner])
    result = replan(changed, plan, options())
    check(result)
    assert result.changes.moved == ()
    assert result.plan.tables_in("dinner")
    new_rows = [r for r in result.changes.people if r.slot_id == "dinner"]
    assert new_rows and all(r.reason is ChangeReason.SLOT_ADDED for r in new_rows)
    kept = [t for t in plan.tables if t.slot_id == "lunch"]
    assert [t for t in result.plan.tables if t.slot_id == "lunch"] == kept


def test_a_plan_of_another_event_is_refused() -> None:
    import attrs

    from convening import ConveningError, SolveOptions, load_example, replan, solve

    exchange = load_example("peer_exchange")
    plan = solve(exchange, SolveOptions(time_limit=5))
    renamed = attrs.evolve(exchange, name="Another convening")
    with pytest.raises(ConveningError, match="previous plan is of the event"):
        replan(renamed, plan)


# -- whom to tell -----------------------------------------------------------------------------------


def tablemates(plan: Plan, pid: str) -> dict[str, set[str]]:
    """Who else sits at each of a person's tables, by slot (a coach is among the members)."""
    return {t.slot_id: set(t.members) - {pid} for t in plan.tables if pid in t.members}


def test_calendars_changed_only_by_tablemates_are_counted_apart(
    exchange: tuple[Event, Plan],
) -> None:
    event, plan = exchange
    gone = next(
        p.participant_id
        for p in event.participants
        if p.participant_id not in presenters(event) and p.city_id
    )
    result = replan(without(event, [gone]), plan, options())
    check(result)
    changes = result.changes
    with_rows = {row.participant_id for row in changes.people}
    unmoved = [pid for pid in changes.notify if pid not in with_rows]
    # Nothing but the seating changed, so whoever kept every place was told for their tablemates.
    assert unmoved, "the people who sat with the one who left"
    assert list(changes.tablemates_only) == unmoved
    for pid in unmoved:
        assert tablemates(plan, pid) != tablemates(result.plan, pid)
    had_gone = [pid for pid in unmoved if any(gone in m for m in tablemates(plan, pid).values())]
    assert had_gone
    assert f"({len(unmoved)} because tablemates changed)" in changes.summary()


def test_other_calendar_changes_are_not_put_down_to_tablemates(
    exchange: tuple[Event, Plan],
) -> None:
    event, plan = exchange
    session = next(
        s for s in event.sessions if any(r.activity_id == s.session_id for r in plan.runs)
    )
    described = attrs.evolve(session, description="Now with a case study from Detroit.")
    changed = attrs.evolve(
        event, sessions=[described if s is session else s for s in event.sessions]
    )
    new_plan = attrs.evolve(plan, event=changed)
    changes = diff_plans(plan, new_plan)
    attendees = {
        pid for r in plan.runs if r.activity_id == session.session_id for pid in r.attendees
    }
    assert set(changes.notify) == attendees
    assert changes.tablemates_only == ()
    assert "because tablemates changed" not in changes.summary()


def test_a_previous_plan_of_another_event_with_the_same_name_is_refused() -> None:
    from tests.test_validate import sample_plan

    previous = sample_plan()
    other = attrs.evolve(load_example("peer_exchange"), name=previous.event.name)
    with pytest.raises(ConveningError, match=r"only 0 of its 13 participants are in this event"):
        replan(other, previous, options())
    # The same event with a few people gone is a change, not another event.
    from convening.model import unchecked_event
    from convening.replan import _check_same_people

    def keeping(count: int) -> Event:
        fields = {a.name: getattr(previous.event, a.name) for a in attrs.fields(Event) if a.init}
        return unchecked_event(**{**fields, "participants": fields["participants"][:count]})

    _check_same_people(keeping(7), previous)
    with pytest.raises(ConveningError, match="only 6 of its 13"):
        _check_same_people(keeping(6), previous)


# -- who takes a place, and coaches ----------------------------------------------------------


def test_a_staff_member_who_stops_attending_tours_frees_a_seat() -> None:
    from tests.solvers.test_places import convening

    b = EventBuilder("Seats", "Albany, NY", "America/New_York")
    convening(b, cities=4)
    b.add_participant("st1", "Stan Staff", role="staff", attends="plenary;tour")
    b.add_tour("bus", "Bus", 13)  # 12 delegates and the staff member: full
    event = b.build()
    first = solve(event, FAST)
    assert "st1" in next(r for r in first.runs if r.activity_id == "bus").attendees
    # The staff member works the tour slot instead; the bus loses a seat, and still carries all.
    people = [attrs.evolve(p, attends=("plenary",)) if p.participant_id == "st1" else p
              for p in event.participants]  # fmt: skip
    v2 = attrs.evolve(
        event, participants=people, tours=[attrs.evolve(event.tours[0], capacity=12)]
    )
    result = replan(v2, first, options())
    assert validate(v2, result.plan) == []
    assert "st1" not in next(r for r in result.plan.runs if r.activity_id == "bus").attendees


def test_re_planning_keeps_each_delegation_s_coach(exchange: tuple[Event, Plan]) -> None:
    event, first = exchange
    coached = {(t.slot_id, t.city_id): t.coaches for t in first.tables if t.city_id}
    assert coached and all(coached.values())  # every delegation table has a coach
    # A delegate cancels: the tables are re-seated, and every delegation keeps its coach.
    gone = next(p.participant_id for p in event.participants if p.city_id == "flint-mi")
    result = replan(without(event, [gone]), first, options())
    assert validate(result.plan.event, result.plan) == []
    again = {(t.slot_id, t.city_id): t.coaches for t in result.plan.tables if t.city_id}
    assert again == coached


def test_a_tour_leader_stays_on_their_tour_through_a_re_plan(
    exchange: tuple[Event, Plan],
) -> None:
    event, first = exchange
    (tour,) = [t for t in event.tours if t.leaders]
    (leader,) = tour.leaders
    # The tour loses a departure: riders move, the leader rides on.
    v2 = attrs.evolve(
        event,
        tours=[
            attrs.evolve(t, departures=1, capacity=16) if t is tour else t for t in event.tours
        ],
    )
    result = replan(v2, first, options())
    assert validate(v2, result.plan) == []
    assert leader in next(r for r in result.plan.runs if r.activity_id == tour.tour_id).attendees
