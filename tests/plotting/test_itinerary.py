"""Itineraries: one lane per person and day, one box per activity, in its slot's time."""

from __future__ import annotations

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convening.errors import ConveningError
from convening.plotting import plot_itinerary
from tests.plotting.plans import png, two_day_plan


def _boxes(ax: Axes) -> dict[str, Rectangle]:
    return {
        str(p.get_gid()): p
        for p in ax.patches
        if isinstance(p, Rectangle) and str(p.get_gid()).startswith("activity:")
    }


def test_a_person_gets_a_lane_per_day_and_a_box_per_activity() -> None:
    plan = two_day_plan()
    ax = plot_itinerary(plan, participant_id="a1")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Albany One · Tue 20 Apr",
        "Albany One · Wed 21 Apr",
    ]
    assert ax.get_xlabel() == "Time"
    assert ax.get_ylabel() == "Participant"
    rows = [r for r in plan.itinerary_rows() if r.participant_id == "a1"]
    assert len(ax.patches) == len(rows) == 7
    # Equity in practice (x4) runs on the second day, 09:00-10:00.
    box = _boxes(ax)["activity:a1:x4"]
    assert box.get_y() + box.get_height() / 2 == pytest.approx(1)
    assert 9 <= box.get_x() < box.get_x() + box.get_width() <= 10
    assert png(ax).startswith(b"\x89PNG")


def test_labels_name_the_activity_and_where_it_is() -> None:
    ax = plot_itinerary(two_day_plan(), participant_id="a1")
    texts = [t.get_text() for t in ax.texts]
    assert "Welcome\nMain hall" in texts
    # Titles that do not fit are shortened, the room kept on its own line.
    (equity,) = [t for t in texts if t.startswith("Equity")]
    title, room = equity.split("\n")
    assert room == "Room 2"
    assert "Equity in practice".startswith(title.rstrip("…"))
    assert "Riverfront walk" in texts  # a tour without a meeting point has no second line


def test_a_delegation_gets_a_lane_per_member_and_day() -> None:
    plan = two_day_plan()
    ax = plot_itinerary(plan, city_id="d")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        f"Delta {n} · {d}" for n in ("One", "Two", "Three") for d in ("Tue 20 Apr", "Wed 21 Apr")
    ]
    # d3 arrives at noon on the first day: no plenary, no first breakout.
    rows = [r for r in plan.itinerary_rows() if r.participant_id in {"d1", "d2", "d3"}]
    assert len(ax.patches) == len(rows) == 7 + 7 + 5
    assert "activity:d3:welcome" not in _boxes(ax)
    assert ax.get_title(loc="left") == "Itinerary of the Delta, NY delegation"


def test_legend_lists_the_kinds_of_activity_drawn() -> None:
    ax = plot_itinerary(two_day_plan(), participant_id="sp")
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "plenary",
        "breakout",
        "tour",
        "networking",
        "action planning",
    ]


def test_draws_on_given_axes() -> None:
    ax = Figure().add_subplot()
    plan = two_day_plan()
    assert plot_itinerary(plan, city_id="a", ax=ax) is ax
    # One box per activity of each delegation member.
    members = {p.participant_id for p in plan.event.participants if p.city_id == "a"}
    rows = [r for r in plan.itinerary_rows() if r.participant_id in members]
    assert len(ax.patches) == len(rows)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "exactly one"),
        ({"participant_id": "a1", "city_id": "a"}, "exactly one"),
        ({"participant_id": "zz"}, "no participant"),
        ({"city_id": "zz"}, "no city"),
    ],
)
def test_refuses_unclear_or_unknown_people(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(ConveningError, match=match):
        plot_itinerary(two_day_plan(), **kwargs)  # type: ignore[arg-type]
