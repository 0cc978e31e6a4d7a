"""New peers: a histogram of how many distinct people from other delegations each person met."""

from __future__ import annotations

import attrs
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convening import ActivityKind, Table
from convening.plotting import plot_new_peers
from tests.plotting.plans import png, two_day_plan


def _heights(ax: Axes) -> list[int]:
    return [round(p.get_height()) for p in ax.patches if isinstance(p, Rectangle)]


def test_histogram_counts_people_by_distinct_new_peers() -> None:
    plan = two_day_plan()
    ax = plot_new_peers(plan)
    # By hand: a3, c3, d3 and f1 met 4 (a3 and f1 sat together twice), c1, d1, a2 and
    # d2 met 6, the six others 5.
    assert _heights(ax) == [0, 0, 0, 0, 4, 6, 4]
    seated = {p for t in plan.tables if t.kind is ActivityKind.NETWORKING for p in t.members}
    assert sum(_heights(ax)) == len(seated) == 14
    assert ax.get_xlabel() == "Distinct new peers met at networking tables"
    assert ax.get_ylabel() == "People"
    assert "14 people" in ax.get_title(loc="left")
    assert png(ax).startswith(b"\x89PNG")


def test_own_delegation_is_not_new() -> None:
    event = two_day_plan().event
    tables = [
        Table("lunch", 1, ActivityKind.NETWORKING, ["a1", "a2", "b1"]),
        Table("lunch", 2, ActivityKind.NETWORKING, ["f1", "sp"]),
    ]
    ax = plot_new_peers(attrs.evolve(two_day_plan(event), tables=tables))
    # a1 and a2 met only b1; b1 met both; f1 and sp met each other.
    assert _heights(ax) == [0, 4, 1]


def test_no_networking_tables_draws_an_empty_histogram_on_given_axes() -> None:
    ax = Figure().add_subplot()
    assert plot_new_peers(attrs.evolve(two_day_plan(), tables=[]), ax=ax) is ax
    assert sum(_heights(ax)) == 0
    assert "no networking tables" in ax.get_title(loc="left")
