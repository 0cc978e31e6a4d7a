"""The agenda grid: one lane per room (and tour), one box per run, coloured by topic."""

from __future__ import annotations

import datetime as dt
import io

import attrs
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from convening import ActivityKind, Run
from convening.errors import ConveningError
from convening.plotting import plot_agenda_grid
from tests.plotting.plans import LONG_TITLE, two_day_plan

DAY1 = dt.date(2027, 4, 20)
DAY2 = dt.date(2027, 4, 21)


def _boxes(ax: Axes) -> dict[str, Rectangle]:
    out = {}
    for patch in ax.patches:
        gid = patch.get_gid()
        if gid and gid.startswith("run:") and isinstance(patch, Rectangle):
            out[gid] = patch
    return out


def _label(ax: Axes, gid: str) -> Text:
    (text,) = [t for t in ax.texts if t.get_gid() == gid]
    return text


def test_whole_event_renders_a_grid_per_day_to_png() -> None:
    fig = plot_agenda_grid(two_day_plan())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "Tuesday 20 April 2027",
        "Wednesday 21 April 2027",
    ]


def test_lanes_are_rooms_then_tours_and_each_run_is_one_box() -> None:
    plan = two_day_plan()
    first, second = plot_agenda_grid(plan).axes
    assert [t.get_text() for t in first.get_yticklabels()] == [
        "Main hall",
        "Room 1",
        "Room 2",
        "Tour: Riverfront walk",
        "Tour: Bus tour",
    ]
    assert [t.get_text() for t in second.get_yticklabels()] == ["Main hall", "Room 1", "Room 2"]
    assert first.get_xlabel() == "Time"
    assert first.get_ylabel() == "Room"
    day1_runs = [r for r in plan.runs if r.slot_id in {"open", "bo1", "tour"}]
    assert len(first.patches) == len(_boxes(first)) == len(day1_runs) == 6
    assert len(second.patches) == len(_boxes(second)) == 3
    # The box sits in its room's lane and spans its slot (10:30-11:30, less a small gap).
    box = _boxes(first)["run:x2:bo1"]
    assert box.get_y() + box.get_height() / 2 == pytest.approx(2)
    assert 10.5 <= box.get_x() < box.get_x() + box.get_width() <= 11.5
    assert box.get_width() > 0.9


def test_legend_lists_the_topics_drawn_and_colours_stay_with_the_topic() -> None:
    first, second = plot_agenda_grid(two_day_plan()).axes
    legend = first.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "data",
        "finance",
        "housing",
        "(no topic)",
    ]
    second_legend = second.get_legend()
    assert second_legend is not None
    assert [t.get_text() for t in second_legend.get_texts()] == ["equity", "finance", "housing"]
    day1, day2 = _boxes(first), _boxes(second)
    # Same session on two days; "finance" and "Finance " are one topic.
    assert day1["run:x1:bo1"].get_facecolor() == day2["run:x1:bo2"].get_facecolor()
    assert day1["run:x2:bo1"].get_facecolor() == day2["run:x5:bo2"].get_facecolor()
    assert day1["run:x1:bo1"].get_facecolor() == day1["run:walk:tour"].get_facecolor()
    assert day1["run:x1:bo1"].get_facecolor() != day1["run:x2:bo1"].get_facecolor()


def test_fill_is_shown_as_text_and_as_a_bar_in_proportion() -> None:
    (ax,) = plot_agenda_grid(two_day_plan(), day=DAY1).axes
    assert _label(ax, "label:x1:bo1").get_text().endswith("\n5/6")
    assert _label(ax, "label:welcome:open").get_text() == "Welcome\n13/40"
    assert _label(ax, "label:bus:tour").get_text().endswith("\n7/10")
    (bars,) = [c for c in ax.collections if c.get_gid() == "fill"]
    assert isinstance(bars, PolyCollection)
    boxes = _boxes(ax)
    width = {round(b.get_x(), 6): b.get_width() for b in boxes.values()}
    shares = sorted(
        round(
            (p[:, 0].max() - p[:, 0].min()) / width[round(p[0, 0], 6)],
            4,
        )
        for p in (np.asarray(path.vertices) for path in bars.get_paths())
    )
    assert shares == sorted(round(x, 4) for x in (13 / 40, 5 / 6, 4 / 6, 4 / 40, 7 / 10, 7 / 10))


def test_long_titles_are_shortened_to_fit_their_box() -> None:
    fig = plot_agenda_grid(two_day_plan(), day=DAY1)
    (ax,) = fig.axes
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    label = _label(ax, "label:x1:bo1")
    title = label.get_text().split("\n")[0]
    assert title.endswith("…")
    assert LONG_TITLE.startswith(title[:-1])
    box = _boxes(ax)["run:x1:bo1"]
    assert label.get_window_extent(renderer).width <= box.get_window_extent(renderer).width


def test_slots_without_runs_are_shaded_and_named() -> None:
    (ax,) = plot_agenda_grid(two_day_plan(), day=DAY2).axes
    texts = {t.get_text() for t in ax.texts if t.get_gid() is None}
    assert "networking (4 tables)" in texts
    assert "action planning (5 tables)" in texts
    (shade,) = [c for c in ax.collections if c.get_gid() == "idle-slots"]
    assert len(shade.get_paths()) == 2


def test_a_run_over_capacity_gets_a_red_edge() -> None:
    plan = two_day_plan()
    crowded = Run(
        "x1", ActivityKind.BREAKOUT, "bo1", "r1", ["a1", "b1", "c1", "d1", "f1", "a2", "b2"]
    )
    plan = attrs.evolve(
        plan,
        runs=[crowded if r.slot_id == "bo1" and r.activity_id == "x1" else r for r in plan.runs],
    )
    (ax,) = plot_agenda_grid(plan, day=DAY1).axes
    boxes = _boxes(ax)
    assert boxes["run:x1:bo1"].get_edgecolor()[:3] == pytest.approx(
        (0.839, 0.153, 0.157), abs=0.01
    )
    assert boxes["run:x2:bo1"].get_edgecolor()[:3] == (1.0, 1.0, 1.0)
    assert _label(ax, "label:x1:bo1").get_text().endswith("\n7/6")


def test_draws_one_day_on_given_axes() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_agenda_grid(two_day_plan(), day=DAY2, ax=ax) is fig
    assert fig.axes == [ax]
    assert len(_boxes(ax)) == 3


def test_refuses_unknown_day_and_several_days_on_one_axes() -> None:
    plan = two_day_plan()
    with pytest.raises(ConveningError, match="2027-04-22"):
        plot_agenda_grid(plan, day=dt.date(2027, 4, 22))
    with pytest.raises(ConveningError, match="day="):
        plot_agenda_grid(plan, ax=Figure().add_subplot())


def test_a_room_the_event_lacks_still_gets_a_lane() -> None:
    plan = two_day_plan()
    moved = [attrs.evolve(r, room_id="attic") if r.activity_id == "x4" else r for r in plan.runs]
    (ax,) = plot_agenda_grid(attrs.evolve(plan, runs=moved), day=DAY2).axes
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "attic"
    assert _label(ax, "label:x4:bo2").get_text() == "Equity in practice\n4"
