"""Planted changes with known minimal answers: each re-plan changes exactly what it must.

The first plan pins every breakout to its slot and room, so where each run was is known;
the changed event drops the pins (the re-plan may use any slot and room) and makes one
change. Each test asserts the exact counts in the summary and in ``changes.xlsx``, and
checks every plan with the validator.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
import pytest

from convening import (
    InfeasibleError,
    Participant,
    Preference,
    SolveOptions,
    solve,
    validate,
)
from convening.changes import ChangeReason, ChangeReport
from convening.export.changes import write_changes
from convening.model import Event
from convening.plan import Plan
from convening.replan import Replan, ReplanOptions, replan
from tests.factories import crowded, harbor, presenter_late, swapped, unpinned

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

FAST = SolveOptions(time_limit=5, seed=1, workers=2)


@pytest.fixture(scope="module")
def harbor_plan() -> tuple[Event, Plan]:
    event = harbor()
    plan = solve(event, FAST)
    assert validate(event, plan) == []
    return unpinned(event), plan


@pytest.fixture(scope="module")
def crowded_plan() -> tuple[Event, Plan]:
    event = crowded()
    plan = solve(event, FAST)
    assert validate(event, plan) == []
    # The two small runs are full, so moving either disturbs as many people.
    assert len(attendees(plan, "s1", "tue")) == len(attendees(plan, "s2", "tue")) == 4
    return unpinned(event), plan


def attendees(plan: Plan, item: str, slot_id: str) -> set[str]:
    return {pid for r in plan.runs_in(slot_id) if r.activity_id == item for pid in r.attendees}


def room_of(plan: Plan, item: str, slot_id: str) -> str | None:
    return next(r.room_id for r in plan.runs_in(slot_id) if r.activity_id == item)


def run(event: Event, previous: Plan, **kwargs: object) -> Replan:
    result = replan(event, previous, ReplanOptions(solve=FAST, **kwargs))  # type: ignore[arg-type]
    assert validate(result.plan.event, result.plan) == []
    return result


def without_room(event: Event, room_id: str) -> Event:
    return attrs.evolve(event, rooms=[r for r in event.rooms if r.room_id != room_id])


def summary(
    changes: ChangeReport,
    *,
    retimed: int,
    presenters: str = "",
    rehoused: int,
    moved: int,
    new: int = 0,
    left: int = 0,
) -> str:
    runs = "run" if retimed == 1 else "runs"
    who = f" (presenters {presenters})" if presenters else ""
    calendars = len(changes.notify)
    return (
        f"{retimed} session {runs} changed time{who}, {rehoused} changed room only; "
        f"{moved} people changed session or tour, 0 re-seated at tables, {new} new, "
        f"{left} left; {calendars} {'calendar' if calendars == 1 else 'calendars'} changed"
    )


def workbook(result: Replan, previous: Plan, tmp_path: Path) -> dict[str, list[dict[str, object]]]:
    """The sheets of ``changes.xlsx`` as rows of dicts."""
    path = write_changes(
        result.changes, tmp_path / "changes.xlsx", result.plan.event, previous.event
    )
    book = openpyxl.load_workbook(path)
    sheets = {}
    for name in ("people", "sessions", "notify"):
        rows = list(book[name].iter_rows(values_only=True))
        sheets[name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return sheets


def statuses(sheets: dict[str, list[dict[str, object]]]) -> dict[object, int]:
    out: dict[object, int] = {}
    for row in sheets["notify"]:
        out[row["status"]] = out.get(row["status"], 0) + 1
    return out


# -- a lost room ------------------------------------------------------------------------------------


@pytest.mark.parametrize("freeze", ["none", "slots"])
def test_a_lost_room_with_free_rooms_at_the_same_times_changes_rooms_not_times(
    harbor_plan: tuple[Event, Plan], tmp_path: Path, freeze: str
) -> None:
    event, plan = harbor_plan
    result = run(without_room(event, "harbor"), plan, freeze=freeze)
    changes = result.changes
    in_harbor = attendees(plan, "s1", "tue") | attendees(plan, "s3", "wed")
    assert changes.runs_retimed == ()
    assert {(s.activity_id, s.after_slot) for s in changes.runs_rehoused} == {
        ("s1", "tue"),
        ("s3", "wed"),
    }
    assert all(s.reason is ChangeReason.ROOM_GONE for s in changes.runs_rehoused)
    assert changes.moved == () and dict(changes.forced) == {}
    assert set(changes.room_changed) == in_harbor
    assert set(changes.notify) == in_harbor
    assert changes.summary() == summary(changes, retimed=0, rehoused=2, moved=0)
    for item, k in (("s1", "tue"), ("s3", "wed")):
        assert attendees(result.plan, item, k) == attendees(plan, item, k)
        assert room_of(result.plan, item, k) != "harbor"
    sheets = workbook(result, plan, tmp_path)
    assert [row["change"] for row in sheets["sessions"]] == ["room", "room"]
    assert statuses(sheets) == {"room changed": len(in_harbor)}
    assert not any(row["moved"] for row in sheets["people"])
    assert result.plan.metrics["runs_moved_in_time"] == 0
    assert result.plan.metrics["runs_moved_in_room"] == 2
    assert result.plan.metrics["people_moved"] == 0


def test_a_lost_room_whose_run_needs_a_bigger_room_swaps_rooms_at_the_same_time(
    tmp_path: Path,
) -> None:
    event = swapped()
    plan = solve(event, FAST)
    assert validate(event, plan) == []
    big = attendees(plan, "s1", "tue")
    small = attendees(plan, "s2", "tue")
    assert len(big) > 12 >= len(small)  # only the Lake can take s1; the Nook can take s2
    result = run(without_room(unpinned(event), "harbor"), plan)
    changes = result.changes
    assert changes.runs_retimed == ()
    assert {(s.activity_id, s.after_slot) for s in changes.runs_rehoused} == {
        ("s1", "tue"),
        ("s2", "tue"),
    }
    assert room_of(result.plan, "s1", "tue") == "lake"
    assert room_of(result.plan, "s2", "tue") == "nook"
    assert changes.moved == ()
    assert set(changes.room_changed) == big | small
    assert changes.summary() == summary(changes, retimed=0, rehoused=2, moved=0)
    for item, k in (("s1", "tue"), ("s2", "tue"), ("s3", "wed"), ("s4", "wed")):
        assert attendees(result.plan, item, k) == attendees(plan, item, k)
    sheets = workbook(result, plan, tmp_path)
    assert sorted(row["change"] for row in sheets["sessions"]) == ["room", "room"]


def test_a_lost_room_without_a_free_room_moves_the_fewest_runs_presenters_last(
    crowded_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = crowded_plan
    result = run(without_room(event, "c"), plan)
    changes = result.changes
    # On Tuesday one run must leave: s1 and s2 hold as many people, and s1 has a presenter.
    assert [(s.activity_id, s.before_slot, s.after_slot) for s in changes.runs_retimed] == [
        ("s2", "tue", "wed")
    ]
    assert changes.presenters_retimed == ()
    # s5 takes s2's room on Tuesday; s3 another room on Wednesday.
    assert {(s.activity_id, s.after_slot) for s in changes.runs_rehoused} == {
        ("s5", "tue"),
        ("s3", "wed"),
    }
    assert room_of(result.plan, "s1", "tue") == "a"
    assert room_of(result.plan, "s6", "tue") == "d"
    moved = attendees(plan, "s2", "tue")
    assert set(changes.moved) == moved
    rehoused = (attendees(plan, "s5", "tue") | attendees(plan, "s3", "wed")) - moved
    assert set(changes.room_changed) == rehoused
    assert changes.summary() == summary(changes, retimed=1, rehoused=2, moved=4)
    sheets = workbook(result, plan, tmp_path)
    assert [row["change"] for row in sheets["sessions"]] == ["time", "room", "room"]
    assert statuses(sheets) == {"moved": 4, "room changed": len(rehoused)}


def test_freeze_slots_names_the_runs_that_cannot_keep_their_slot(
    crowded_plan: tuple[Event, Plan],
) -> None:
    event, plan = crowded_plan
    with pytest.raises(InfeasibleError, match="s5 in slot tue") as err:
        run(without_room(event, "c"), plan, freeze="slots")
    message = str(err.value)
    assert "s3" not in message.splitlines()[0], "s3 can keep Wednesday in a free room"
    assert "room free in slot tue" in message
    assert "freeze less" in message
    # With a room for it, the same change keeps every slot.
    extra = attrs.evolve(event.room_by_id["a"], room_id="e", name="Room E")
    result = run(attrs.evolve(without_room(event, "c"), rooms=[*event.rooms, extra]), plan)
    assert result.changes.runs_retimed == ()


def test_freeze_slots_says_when_presenters_are_away(harbor_plan: tuple[Event, Plan]) -> None:
    event, plan = harbor_plan
    with pytest.raises(InfeasibleError, match="s1 in slot tue") as err:
        run(presenter_late(event), plan, freeze="slots")
    assert "spk1" in str(err.value)


# -- a shrunk room ----------------------------------------------------------------------------------


def test_a_shrunk_room_sends_its_runs_to_bigger_free_rooms_at_the_same_times(
    harbor_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = harbor_plan
    rooms = [attrs.evolve(r, capacity=5) if r.room_id == "harbor" else r for r in event.rooms]
    assert len(attendees(plan, "s1", "tue")) > 5 and len(attendees(plan, "s3", "wed")) > 5
    result = run(attrs.evolve(event, rooms=rooms), plan)
    changes = result.changes
    assert changes.runs_retimed == ()
    assert {(s.activity_id, s.after_slot) for s in changes.runs_rehoused} == {
        ("s1", "tue"),
        ("s3", "wed"),
    }
    assert all(s.reason is ChangeReason.CAPACITY_REDUCED for s in changes.runs_rehoused)
    in_harbor = attendees(plan, "s1", "tue") | attendees(plan, "s3", "wed")
    assert changes.moved == ()
    assert set(changes.room_changed) == in_harbor
    assert changes.summary() == summary(changes, retimed=0, rehoused=2, moved=0)
    sheets = workbook(result, plan, tmp_path)
    assert [row["change"] for row in sheets["sessions"]] == ["room", "room"]
    assert statuses(sheets) == {"room changed": len(in_harbor)}


# -- a presenter away -------------------------------------------------------------------------------


def test_a_presenter_away_for_one_slot_moves_only_their_session(
    harbor_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = harbor_plan
    result = run(presenter_late(event), plan)
    changes = result.changes
    assert [(s.activity_id, s.before_slot, s.after_slot) for s in changes.runs_retimed] == [
        ("s1", "tue", "wed")
    ]
    assert changes.runs_retimed[0].reason is ChangeReason.PRESENTERS_CHANGED
    assert changes.runs_rehoused == ()
    assert changes.presenters_retimed == ("spk1",)
    # Tuesday's audience of s1 changes session; spk1 now presents on Wednesday.
    audience = attendees(plan, "s1", "tue")
    assert set(changes.moved) == audience
    assert set(changes.forced) == audience
    for item in ("s2", "s3", "s4"):
        for k in ("tue", "wed"):
            if attendees(plan, item, k):
                assert room_of(result.plan, item, k) == room_of(plan, item, k)
    assert changes.summary() == summary(
        changes, retimed=1, presenters="spk1", rehoused=0, moved=len(audience)
    )
    sheets = workbook(result, plan, tmp_path)
    assert [(row["change"], row["presenters"]) for row in sheets["sessions"]] == [("time", "spk1")]
    assert statuses(sheets) == {"moved": len(audience)}


# -- a cancelled session ----------------------------------------------------------------------------


def test_a_cancelled_session_moves_only_its_audience(
    harbor_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = harbor_plan
    changed = attrs.evolve(
        event,
        sessions=[s for s in event.sessions if s.session_id != "s4"],
        preferences=[x for x in event.preferences if x.item_id != "s4"],
    )
    result = run(changed, plan)
    changes = result.changes
    audience = attendees(plan, "s4", "wed")
    assert set(changes.moved) == audience == set(changes.forced)
    assert changes.runs_retimed == () and changes.runs_rehoused == ()
    assert [(s.activity_id, s.change) for s in changes.sessions] == [("s4", "removed")]
    assert changes.summary() == summary(changes, retimed=0, rehoused=0, moved=len(audience))
    sheets = workbook(result, plan, tmp_path)
    assert [row["change"] for row in sheets["sessions"]] == ["removed"]
    assert statuses(sheets) == {"moved": len(audience)}
    assert all(row["reason"] == "session cancelled" for row in sheets["people"])


# -- late registrations and people who left ---------------------------------------------------------


def test_late_registrations_move_nobody(harbor_plan: tuple[Event, Plan], tmp_path: Path) -> None:
    event, plan = harbor_plan
    city = attrs.evolve(event.cities[0], city_id="late", name="Late City")
    late = [
        Participant(f"late-{i}", f"Late {i}", city_id="late", role=role)
        for i, role in enumerate(("official", "official", "partner"))
    ]
    changed = attrs.evolve(
        event,
        cities=[*event.cities, city],
        participants=[*event.participants, *late],
        preferences=[*event.preferences, Preference("late-0", "s1", 1)],
    )
    result = run(changed, plan)
    changes = result.changes
    assert changes.moved == () and changes.room_changed == ()
    assert changes.sessions == ()
    assert changes.added == ("late-0", "late-1", "late-2")
    assert changes.summary() == summary(changes, retimed=0, rehoused=0, moved=0, new=3)
    sheets = workbook(result, plan, tmp_path)
    assert sheets["sessions"] == []
    assert statuses(sheets) == {"new": 3}


def test_people_who_left_keep_their_email_on_the_notify_sheet(
    harbor_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = harbor_plan
    changed = attrs.evolve(
        event,
        participants=[p for p in event.participants if p.participant_id != "c0-a"],
        preferences=[x for x in event.preferences if x.participant_id != "c0-a"],
    )
    result = run(changed, plan)
    changes = result.changes
    assert changes.left == ("c0-a",) and changes.moved == ()
    sheets = workbook(result, plan, tmp_path)
    (row,) = [r for r in sheets["notify"] if r["participant_id"] == "c0-a"]
    assert row["status"] == "left"
    assert row["email"] == "c0-a@example.org"
    assert row["city_id"] == "c0"
    assert row["slots"] == "open; tue; wed"


def test_updated_rows_name_the_slots_concerned(
    harbor_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = harbor_plan
    # A new description for s3: its audience's calendars change on Wednesday only.
    sessions = [
        attrs.evolve(s, description="Now with a site visit.") if s.session_id == "s3" else s
        for s in event.sessions
    ]
    result = run(attrs.evolve(event, sessions=sessions), plan)
    changes = result.changes
    audience = attendees(plan, "s3", "wed")
    assert changes.moved == () and changes.sessions == ()
    assert set(changes.notify) == audience
    sheets = workbook(result, plan, tmp_path)
    assert {r["status"] for r in sheets["notify"]} == {"updated"}
    assert {r["slots"] for r in sheets["notify"]} == {"wed"}


def test_the_workbook_dates_stay_reproducible(
    harbor_plan: tuple[Event, Plan], tmp_path: Path
) -> None:
    event, plan = harbor_plan
    changed = without_room(event, "harbor")
    first = run(changed, plan)
    second = run(changed, plan)
    a = write_changes(first.changes, tmp_path / "a.xlsx", first.plan.event, plan.event)
    b = write_changes(second.changes, tmp_path / "b.xlsx", second.plan.event, plan.event)
    assert a.read_bytes() == b.read_bytes()
    assert first.plan.runs == second.plan.runs


def test_the_bound_counts_people_a_slot_cannot_keep_for_want_of_room(
    crowded_plan: tuple[Event, Plan],
) -> None:
    from convening.solvers.instance import AgendaInstance
    from convening.solvers.ortools.replan import PreviousAgenda, capacity_losses

    event, plan = crowded_plan
    previous = PreviousAgenda.from_runs(plan.runs)
    # Wednesday's free rooms take s3 when room c is lost; Tuesday's four runs have three
    # rooms, so the smallest run's people cannot all stay.
    losses = capacity_losses(AgendaInstance(without_room(event, "c")), previous)
    tuesday = sorted(len(attendees(plan, sid, "tue")) for sid in ("s1", "s2", "s5", "s6"))
    assert losses == {"tue": tuesday[0]}
    result = run(without_room(event, "c"), plan)
    assert result.changes.people_moved >= max(losses.values())
    # Nothing is lost when a room no run needs goes.
    assert capacity_losses(AgendaInstance(event), previous) == {}


def test_a_lost_rooms_run_with_someone_needing_step_free_access_goes_to_a_step_free_room(
    harbor_plan: tuple[Event, Plan],
) -> None:
    event, plan = harbor_plan
    needs = sorted(attendees(plan, "s1", "tue") - {"spk1"})[0]
    # The hall, the biggest free room on Tuesday, now has steps (the welcome moves to the
    # Lake), and one of s1's people now needs step-free access.
    changed = attrs.evolve(
        without_room(event, "harbor"),
        rooms=[
            attrs.evolve(r, accessible=r.room_id != "hall")
            for r in event.rooms
            if r.room_id != "harbor"
        ],
        participants=[
            attrs.evolve(p, accessible=True) if p.participant_id == needs else p
            for p in event.participants
        ],
        sessions=[
            attrs.evolve(s, room_id="lake") if s.session_id == "welcome" else s
            for s in event.sessions
        ],
    )
    result = run(changed, plan)
    changes = result.changes
    assert changes.moved == () and changes.runs_retimed == ()
    room = room_of(result.plan, "s1", "tue")
    assert room is not None and changed.room_by_id[room].accessible
    assert attendees(result.plan, "s1", "tue") == attendees(plan, "s1", "tue")
