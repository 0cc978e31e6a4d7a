"""The greedy reference re-seats only the unranked places, keeping every hard rule."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import make_event
from unranked_greedy import reseat_unranked

from convening.metrics import agenda_metrics
from convening.model import SlotKind
from convening.plan import ActivityKind
from convening.solve import SolveOptions, solve
from convening.validate import validate

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")


def test_reseating_keeps_ranked_places_and_every_rule() -> None:
    event = make_event(8, 0, profile="realistic")
    plan = solve(event, SolveOptions(time_limit=2, method="greedy"))
    again = reseat_unranked(event, plan, seed=1)
    tables = {
        s.slot_id for s in event.slots if s.kind in (SlotKind.NETWORKING, SlotKind.ACTION_PLANNING)
    }
    assert [v for v in validate(event, again) if v.slot_id not in tables] == []

    def ranked(p):  # type: ignore[no-untyped-def]
        return {
            (pid, r.slot_id, r.activity_id)
            for r in p.runs
            if r.kind is ActivityKind.BREAKOUT
            for pid in r.attendees
            if event.ranks_of(pid).get(r.activity_id) is not None
            or pid in event.session_by_id[r.activity_id].presenters
        }

    assert ranked(again) == ranked(plan)
    before, after = agenda_metrics(event, plan), agenda_metrics(event, again)
    assert after["preference_score_points"] == before["preference_score_points"]
    assert after["unranked_attendances"] == before["unranked_attendances"] > 0
