"""Views of a plan: the contract's columns, one row per thing, a fixed order."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convening import Plan, SolveStatus
from convening.views import (
    AGENDA_COLUMNS,
    ITINERARY_COLUMNS,
    METRICS_COLUMNS,
    action_planning_frame,
    agenda_frame,
    by_room_frame,
    delegations_frame,
    itineraries_frame,
    metrics_frame,
    networking_frame,
    plan_frames,
    slot_label,
    tours_frame,
)
from tests.test_validate import sample_event, sample_plan

PLAN = sample_plan()
EVENT = PLAN.event


def test_agenda_has_one_row_per_run_in_time_order() -> None:
    frame = agenda_frame(PLAN)
    assert tuple(frame.columns) == AGENDA_COLUMNS
    assert frame["start"].is_monotonic_increasing
    assert pd.api.types.is_datetime64_any_dtype(frame["start"])
    # Breaks, networking and action planning have a row of their own, named by the slot.
    others = frame[frame["kind"].isin(["break", "networking", "action_planning"])]
    assert list(others["activity_id"]) == ["coffee", "lunch", "ap"]
    assert list(others["title"]) == ["Break", "Networking", "Action planning"]
    assert list(others["attendees"]) == [13, 13, 12]  # cc-p has left before ap
    agenda = frame[~frame.index.isin(others.index)]
    assert len(agenda) == len(PLAN.runs)
    assert list(agenda[agenda["slot_id"] == "bo1"]["location"]) == ["Room 3", "Room 2", "Room 1"]
    by_run = {(r.activity_id, r.slot_id): len(r.attendees) for r in PLAN.runs}
    for row in agenda.itertuples():
        assert by_run[(row.activity_id, row.slot_id)] == row.attendees
        slot = EVENT.slot_by_id[row.slot_id]
        assert (row.start, row.end) == (slot.start, slot.end)
    tours = agenda[agenda["kind"] == "tour"]
    assert sorted(tours["activity_id"]) == ["bus", "van", "walk"]
    assert tours["room_id"].isna().all()
    assert agenda[agenda["kind"] != "tour"]["room_id"].notna().all()
    bo1 = agenda[agenda["slot_id"] == "bo1"]
    assert list(bo1["activity_id"]) == ["x1", "x2", "x3"]
    assert list(bo1["title"]) == ["Land banks", "Housing trust funds", "Data for action"]


def test_itineraries_have_one_row_per_person_per_activity() -> None:
    frame = itineraries_frame(PLAN)
    assert tuple(frame.columns) == ITINERARY_COLUMNS
    seats = sum(len(r.attendees) for r in PLAN.runs) + sum(len(t.members) for t in PLAN.tables)
    coaching = len({(c, t.slot_id) for t in PLAN.tables for c in t.coaches})
    assert len(frame) == seats + coaching  # a coach's group of tables is one row
    coach = frame[(frame["participant_id"] == "f1") & (frame["slot_id"] == "ap")]
    assert list(coach["table"]) == ["1;3"]
    assert list(coach["title"]) == ["Action planning: coaching tables 1, 3"]
    tables = frame[frame["kind"].isin(["networking", "action_planning"])]
    assert tables["table"].notna().all()
    assert frame[~frame.index.isin(tables.index)]["table"].isna().all()
    mine = frame[frame["participant_id"] == "cb-p"]
    assert list(mine["slot_id"]) == ["open", "bo1", "bo2", "lunch", "tour", "ap"]
    assert list(mine["activity_id"]) == ["welcome", "x3", "x4", "lunch-t02", "bus", "ap-t02"]
    assert list(mine["location"])[:3] == ["Main hall", "Room 1", "Main hall"]
    # Participants in the order of the participants sheet.
    order = list(dict.fromkeys(frame["participant_id"]))
    assert order == [p.participant_id for p in EVENT.participants]


def test_metrics_read_in_the_planners_words_grouped_fairness_first() -> None:
    plan = Plan(
        EVENT,
        runs=PLAN.runs,
        metrics={
            "solver_gap": 0.0,
            "room_fill_pct": 50.0,
            "preference_score_pct": 80.0,
            "worst_off_share_pct": 40.0,
            "new_figure": 3,
        },
    )
    frame = metrics_frame(plan)
    assert list(frame["metric"])[4:] == [
        "worst_off_share_pct",
        "preference_score_pct",
        "room_fill_pct",
        "solver_gap",
        "new_figure",
    ]
    assert list(frame["group"])[4:] == ["fairness", "preferences", "rooms", "solver", "other"]
    row = frame[frame["metric"] == "worst_off_share_pct"].iloc[0]
    assert row["label"] == "Worst-off person's share (%)"
    assert row["meaning"].startswith("The lowest share any one person got")


def test_metrics_name_the_event_and_zone_then_keep_the_solvers_order() -> None:
    plan = Plan(
        EVENT,
        runs=PLAN.runs,
        status=SolveStatus.OPTIMAL,
        metrics={
            "z_last": 1,
            "status": "ignored",
            "share": np.float64(0.25),
            "when": dt.date(2027, 1, 2),
        },
    )
    frame = metrics_frame(plan)
    assert tuple(frame.columns) == (*METRICS_COLUMNS, "group", "label", "meaning")
    assert list(frame["metric"]) == [
        "event",
        "host_city",
        "timezone",
        "status",
        "z_last",
        "share",
        "when",
    ]
    # Figures without a label keep their own name and no meaning.
    assert list(frame["label"])[3:] == ["Plan status", "z_last", "share", "when"]
    assert set(frame["group"][4:]) == {"other"} and set(frame["meaning"][4:]) == {""}
    values = dict(zip(frame["metric"], frame["value"], strict=True))
    assert values["timezone"] == "America/New_York"
    assert values["status"] == "optimal"
    assert type(values["share"]) is float
    assert values["when"] == "2027-01-02"


def test_by_room_shows_each_rooms_sessions_slot_by_slot() -> None:
    frame = by_room_frame(PLAN)
    slots = ["open", "bo1", "bo2"]
    assert list(frame.columns) == ["room_id", "room"] + [
        slot_label(EVENT.slot_by_id[s]) for s in slots
    ]
    grid = frame.set_index("room_id")
    assert grid.loc["r2", slot_label(EVENT.slot_by_id["bo1"])] == "Housing trust funds"
    assert grid.loc["r2", slot_label(EVENT.slot_by_id["bo2"])] == "Housing trust funds"
    assert pd.isna(grid.loc["r1", slot_label(EVENT.slot_by_id["bo2"])])
    assert grid.loc["hall", slot_label(EVENT.slot_by_id["open"])] == "Welcome"


def test_slot_labels_do_not_depend_on_the_locale() -> None:
    assert slot_label(EVENT.slot_by_id["bo1"]) == "bo1 Tue 20 Apr 10:30"


def test_tour_rosters_list_every_rider_with_their_city() -> None:
    frame = tours_frame(PLAN)
    assert len(frame) == sum(len(r.attendees) for r in PLAN.runs if r.kind == "tour")
    van = frame[frame["tour_id"] == "van"]
    assert list(van["participant_id"]) == ["f2", "sp1"]
    assert van["city"].isna().all()
    rider = frame[frame["participant_id"] == "ca-p"].iloc[0]
    assert (rider["tour_id"], rider["city"], rider["step_free"]) == ("bus", "Albany, NY", True)


def test_seating_charts_show_tables_topics_and_coaches() -> None:
    lunch = networking_frame(PLAN)
    # One row per person seated at a networking table.
    assert len(lunch) == sum(len(t.members) for t in PLAN.tables if t.kind == "networking")
    assert list(lunch["table"]) == sorted(lunch["table"])
    assert set(lunch[lunch["table"] == 1]["topic"]) == {"housing"}
    ap = action_planning_frame(PLAN)
    # One row per table: whose it is and who coaches it.
    assert list(ap["table"]) == [1, 2, 3, 4]
    assert list(ap["city_id"].fillna("")) == ["ca", "cb", "cc", ""]
    assert list(ap["coach_ids"].fillna("")) == ["f1", "f2", "f1", ""]
    assert list(ap["coaches"].fillna("")) == ["Fran Coach", "Gil Coach", "Fran Coach", ""]
    assert list(ap["delegation"])[-1] == "support"
    assert "cc-p" not in ap["members"].iloc[2].split(";")  # gone home


def test_delegations_show_where_each_member_goes() -> None:
    frame = delegations_frame(PLAN)
    assert list(frame["participant_id"]) == [
        p.participant_id for d in EVENT.delegations for p in d.members
    ]
    row = frame.set_index("participant_id").loc["ca-p"]
    assert row[slot_label(EVENT.slot_by_id["bo1"])] == "Housing trust funds (Room 2)"
    assert row[slot_label(EVENT.slot_by_id["tour"])] == "Neighbourhood bus"
    assert row[slot_label(EVENT.slot_by_id["ap"])] == "Action planning: Albany, NY"
    gone = frame.set_index("participant_id").loc["cc-p"]
    assert pd.isna(gone[slot_label(EVENT.slot_by_id["ap"])])
    assert not any("coffee" in c for c in frame.columns)


def test_an_empty_plan_gives_empty_frames_with_the_same_columns() -> None:
    event = sample_event()
    empty = plan_frames(Plan(event, runs=[]))
    full = plan_frames(sample_plan(event))
    assert list(empty) == list(full)
    for name in full:
        assert list(empty[name].columns) == list(full[name].columns), name
    # Only the breaks, which are on the programme whatever the plan.
    assert list(empty["agenda"]["kind"]) == ["break"] and len(empty["itineraries"]) == 0
    assert pd.api.types.is_datetime64_any_dtype(empty["itineraries"]["start"])
    assert empty["delegations"].iloc[:, 5:].isna().all().all()


@given(st.randoms(use_true_random=False))
@settings(max_examples=15, deadline=None)
def test_the_order_of_runs_and_tables_does_not_change_any_view(rnd: random.Random) -> None:
    runs, tables = list(PLAN.runs), list(PLAN.tables)
    rnd.shuffle(runs)
    rnd.shuffle(tables)
    shuffled = plan_frames(Plan(EVENT, runs=runs, tables=tables, metrics=PLAN.metrics))
    for name, frame in plan_frames(PLAN).items():
        pd.testing.assert_frame_equal(shuffled[name], frame, obj=name)


@pytest.mark.parametrize("name", ["agenda", "itineraries", "tours", "networking"])
def test_views_have_no_index_surprises(name: str) -> None:
    frame = plan_frames(PLAN)[name]
    assert list(frame.index) == list(range(len(frame)))
