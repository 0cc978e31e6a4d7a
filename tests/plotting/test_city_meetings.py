"""City meetings: the heat map counts the networking tables two cities shared."""

from __future__ import annotations

import attrs
import numpy as np
from matplotlib.figure import Figure

from convening import ActivityKind, Table
from convening.plotting import plot_city_meetings
from tests.plotting.plans import png, two_day_plan

LABELS = ["Albany, NY", "Buffalo, NY", "Cohoes, NY", "Delta, NY"]


def test_counts_match_the_tables_counted_by_hand() -> None:
    ax = plot_city_meetings(two_day_plan())
    # Lunch: tables 1 and 2 seat all four cities, table 3 a+b, table 4 c+d.
    # Second lunch: a+b+c, a+b+d, a+c+d, b+c+d (facilitator and speaker left out).
    expected = [
        [0, 5, 4, 4],
        [5, 0, 4, 4],
        [4, 4, 0, 5],
        [4, 4, 5, 0],
    ]
    (image,) = ax.images
    assert np.asarray(image.get_array()).tolist() == expected
    # The counts are written in the cells, row by row.
    assert [t.get_text() for t in ax.texts] == [str(v) for row in expected for v in row]
    assert png(ax).startswith(b"\x89PNG")


def test_ticks_are_the_cities_in_event_order() -> None:
    ax = plot_city_meetings(two_day_plan())
    assert [t.get_text() for t in ax.get_xticklabels()] == LABELS
    assert [t.get_text() for t in ax.get_yticklabels()] == LABELS
    assert ax.get_xlabel() == "City"
    assert ax.get_ylabel() == "City"


def test_diagonal_counts_tables_where_a_delegation_sat_together() -> None:
    plan = two_day_plan()
    broken = Table("lunch", 9, ActivityKind.NETWORKING, ["a1", "a2", "b1"])
    ax = plot_city_meetings(attrs.evolve(plan, tables=[*plan.tables, broken]))
    counts = np.asarray(ax.images[0].get_array())
    assert counts[0, 0] == 1
    assert counts[0, 1] == counts[1, 0] == 6
    assert counts[1, 1] == 0


def test_no_networking_tables_gives_zeros_and_draws_on_given_axes() -> None:
    ax = Figure().add_subplot()
    plan = attrs.evolve(two_day_plan(), tables=[])
    assert plot_city_meetings(plan, ax=ax) is ax
    assert np.asarray(ax.images[0].get_array()).sum() == 0
