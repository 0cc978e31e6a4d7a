"""Preference outcome: each person's share of their best possible breakout score."""

from __future__ import annotations

import attrs
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convening.metrics import agenda_metrics
from convening.plotting import plot_preference_outcome, worst_off
from tests.plotting.plans import png, two_day_plan


def _heights(ax: Axes) -> list[int]:
    return [round(p.get_height()) for p in ax.patches if isinstance(p, Rectangle)]


def test_histogram_counts_everyone_who_ranked_a_breakout() -> None:
    ax = plot_preference_outcome(two_day_plan())
    # Shares by hand (see two_day_plan): c3 46.67 %, b3 66.67 %, four at 86.67 %, five at 100 %.
    assert _heights(ax) == [0, 0, 0, 0, 1, 0, 1, 0, 4, 5]
    assert sum(_heights(ax)) == 11  # twelve delegation members, less a3 who ranked nothing
    assert ax.get_xlabel() == "Share of best possible breakout preference score (%)"
    assert ax.get_ylabel() == "People"
    assert png(ax).startswith(b"\x89PNG")


def test_worst_off_people_are_listed_on_the_picture() -> None:
    ax = plot_preference_outcome(two_day_plan(), worst=2)
    (box,) = [t for t in ax.texts if t.get_gid() == "worst-off"]
    assert box.get_text() == (
        "Worst off:\nCohoes Three (Cohoes, NY): 47 %\nBuffalo Three (Buffalo, NY): 67 %"
    )
    assert not [t for t in plot_preference_outcome(two_day_plan(), worst=0).texts]


def test_worst_off_table() -> None:
    table = worst_off(two_day_plan(), n=3)
    assert list(table["participant_id"]) == ["c3", "b3", "a1"]
    assert list(table["points"]) == [7, 10, 13]
    assert list(table["best_possible"]) == [15, 15, 15]
    assert list(table["share_pct"]) == pytest.approx([46.67, 66.67, 86.67])
    assert table.loc[0, "city"] == "Cohoes, NY"
    assert table.loc[0, "attended"] == "Data for action (unranked); Budgets (rank 2)"


def test_worst_off_agrees_with_the_metrics() -> None:
    plan = two_day_plan()
    everyone = worst_off(plan, n=100)
    metrics = agenda_metrics(plan.event, plan)
    assert everyone["share_pct"].min() == pytest.approx(metrics["worst_off_share_pct"])
    assert everyone["points"].sum() == metrics["preference_score_points"]
    assert everyone["best_possible"].sum() == metrics["preference_score_bound"]


def test_a_late_arrival_is_measured_on_the_slots_they_attend() -> None:
    table = worst_off(two_day_plan(), n=100).set_index("participant_id")
    # d3 is present for one breakout slot only: their best possible is their first choice.
    assert table.loc["d3", "best_possible"] == 8
    assert table.loc["d3", "share_pct"] == 100.0


def test_nobody_ranked_anything() -> None:
    plan = two_day_plan()
    plan = attrs.evolve(plan, event=attrs.evolve(plan.event, preferences=()))
    ax = Figure().add_subplot()
    assert plot_preference_outcome(plan, ax=ax) is ax
    assert sum(_heights(ax)) == 0
    assert "nobody ranked" in ax.get_title(loc="left")
    assert worst_off(plan).empty
    assert list(worst_off(plan).columns)[:2] == ["participant_id", "name"]
