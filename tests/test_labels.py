"""Every figure of a plan has a label and one sentence of meaning in the one shared table."""

from __future__ import annotations

import attrs
import pytest

from convening import load_example, solve, validate
from convening.labels import GROUPS, METRIC_LABELS, MetricLabel, label_of, labelled
from convening.replan import ReplanOptions, replan
from convening.solve import SolveOptions
from convening.views import metrics_frame

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

FAST = SolveOptions(time_limit=5, seed=1, workers=2)


def test_every_metric_a_plan_or_a_replan_produces_has_a_label() -> None:
    event = load_example("peer_exchange")
    plan = solve(event, FAST)
    assert validate(event, plan) == []
    # A late change: the studio floods and an annex stands in.
    annex = attrs.evolve(event.room_by_id["library"], room_id="annex", name="Annex", capacity=20)
    changed = attrs.evolve(
        event, rooms=[r for r in event.rooms if r.room_id != "studio"] + [annex]
    )
    again = replan(changed, plan, ReplanOptions(solve=FAST)).plan
    assert validate(changed, again) == []
    produced = set(plan.metrics) | set(again.metrics)
    produced |= set(metrics_frame(plan)["metric"]) | set(metrics_frame(again)["metric"])
    assert "tour_score_pct" in produced and "people_moved" in produced
    labelled_keys = {m.key for m in METRIC_LABELS}
    assert sorted(produced - labelled_keys) == []
    # Nothing produced lands in the catch-all group, and the workbook has every meaning.
    frame = metrics_frame(again)
    assert "other" not in set(frame["group"])
    assert all(frame["meaning"].str.len() > 0)


def test_the_table_is_well_formed() -> None:
    keys = [m.key for m in METRIC_LABELS]
    assert len(keys) == len(set(keys)), "one line per metric"
    labels = [m.label for m in METRIC_LABELS]
    assert len(labels) == len(set(labels)), "no two figures read alike"
    for m in METRIC_LABELS:
        assert m.group in GROUPS and m.group != "other"
        assert m.label and m.label[0].isupper()
        # One sentence: a capital or a figure first, one full stop, at the end.
        assert m.meaning.endswith(".") and m.meaning.count(". ") == 0, m.key
    with pytest.raises(ValueError, match="unknown metric group"):
        MetricLabel("x", "colours", "X", "A figure.")


def test_order_groups_first_then_the_table_then_the_solvers_own() -> None:
    found = labelled([("zeta", 1), ("solver_gap", 0.0), ("alpha", 2), ("worst_off_share_pct", 5)])
    assert [label.key for label, _ in found] == [
        "worst_off_share_pct",
        "solver_gap",
        "zeta",
        "alpha",
    ]
    assert label_of("zeta") == MetricLabel("zeta", "other", "zeta", "")
