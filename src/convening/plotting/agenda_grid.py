"""The agenda of a day as a grid of rooms by time."""

from __future__ import annotations

import datetime as dt

from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from convening.dates import day_label
from convening.errors import ConveningError
from convening.model import SlotKind
from convening.plan import Plan, Run
from convening.plotting._common import (
    FIGURE_WIDTH,
    NO_TOPIC_LABEL,
    axes_width_inches,
    chars_that_fit,
    darker,
    event_days,
    hour_ticks,
    hours,
    root_figure,
    run_capacity,
    run_topic,
    shorten,
    text_colour,
    topic_colours,
    topic_labels,
)

__all__ = ["plot_agenda_grid"]

_LANE_HEIGHT = 0.42  # inches per room in a figure the library makes
_BOX = 0.8  # share of a lane a box fills
_GAP = 0.03  # hours left free at each end of a box
_FONT = 7.0
# Share of the axes' width left for the boxes once the legend sits at its right.
_PLOT_SHARE = 0.72

_SLOT_NAMES = {
    SlotKind.BREAK: "break",
    SlotKind.NETWORKING: "networking",
    SlotKind.ACTION_PLANNING: "action planning",
    SlotKind.PLENARY: "plenary",
    SlotKind.BREAKOUT: "breakout",
    SlotKind.TOUR: "tours",
}


def plot_agenda_grid(plan: Plan, day: dt.date | None = None, ax: Axes | None = None) -> Figure:
    """Draw the agenda as rooms by time, one grid per day.

    Each run of a session or tour is a box in its room's lane (tours get a
    lane each, after the rooms), coloured by topic, labelled with its title
    (shortened to fit) and ``attendees/capacity``; a darker bar at the foot of
    the box shows how full it is, and a red edge marks a run over capacity.
    Slots without runs (breaks, networking, action planning) are shaded
    across the grid and named.

    Parameters
    ----------
    plan
        The plan to draw.
    day
        The day to draw; ``None`` draws every day of the event, one grid
        below the other.
    ax
        Axes to draw one day on (``day`` is then required unless the event
        lasts one day); ``None`` makes a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    ConveningError
        When ``day`` is not a day of the event, or ``ax`` is given for several days.
    """
    days = event_days(plan)
    if day is not None:
        if day not in days:
            known = ", ".join(d.isoformat() for d in days) or "none"
            raise ConveningError(f"{day.isoformat()} is not a day of the event (days: {known})")
        days = [day]
    if ax is not None:
        if len(days) != 1:
            raise ConveningError("pass day= to draw one day of a several-day event on one axes")
        _draw_day(plan, days[0], ax)
        return root_figure(ax)
    lanes = [len(_lanes(plan, d)) for d in days] or [1]
    fig = Figure(
        figsize=(FIGURE_WIDTH, sum(_LANE_HEIGHT * n + 1.3 for n in lanes)),
        layout="constrained",
    )
    if not days:
        empty = fig.add_subplot()
        empty.set_axis_off()
        empty.text(0.5, 0.5, "The event has no slots.", ha="center", va="center")
        return fig
    axes = fig.subplots(len(days), 1, squeeze=False, height_ratios=[n + 2 for n in lanes])
    for grid, d in zip(axes[:, 0], days, strict=True):
        _draw_day(plan, d, grid)
    return fig


def _day_runs(plan: Plan, day: dt.date) -> list[Run]:
    slots = plan.event.slot_by_id
    return [r for r in plan.runs if slots[r.slot_id].start.date() == day]


def _lanes(plan: Plan, day: dt.date) -> list[tuple[str, str]]:
    """``(key, label)`` of each lane: every room, then each tour run that day."""
    event = plan.event
    lanes = [(f"room:{r.room_id}", r.name) for r in event.rooms]
    runs = _day_runs(plan, day)
    # A plan under repair may name a room the event lacks: it still gets a lane.
    unknown = sorted({r.room_id for r in runs if r.room_id and r.room_id not in event.room_by_id})
    lanes += [(f"room:{room_id}", room_id) for room_id in unknown]
    tours = {r.activity_id for r in runs if r.room_id is None}
    lanes += [(f"tour:{t.tour_id}", f"Tour: {t.title}") for t in event.tours if t.tour_id in tours]
    return lanes


def _lane_key(run: Run) -> str:
    return f"room:{run.room_id}" if run.room_id is not None else f"tour:{run.activity_id}"


def _draw_day(plan: Plan, day: dt.date, ax: Axes) -> None:
    event = plan.event
    colours = topic_colours(event)
    names = topic_labels(event)
    lanes = _lanes(plan, day)
    row = {key: i for i, (key, _) in enumerate(lanes)}
    runs = _day_runs(plan, day)
    day_slots = sorted(
        (s for s in event.slots if s.start.date() == day), key=lambda s: (s.start, s.slot_id)
    )
    start = min((hours(s.start, day) for s in day_slots), default=9.0)
    end = max((hours(s.end, day) for s in day_slots), default=17.0)
    hour_ticks(ax, start - 0.25, end + 0.25)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_yticks(range(len(lanes)), [shorten(label, 28) for _, label in lanes])
    ax.set_xlabel("Time")
    ax.set_ylabel("Room")
    ax.set_title(day_label(day), loc="left")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)

    per_hour = axes_width_inches(ax, _PLOT_SHARE) / max(end - start + 0.5, 1.0)
    used = {r.slot_id for r in runs}
    shade: list[list[tuple[float, float]]] = []
    for slot in day_slots:
        if slot.slot_id in used:
            continue
        x0, x1 = hours(slot.start, day), hours(slot.end, day)
        shade.append([(x0, -0.5), (x1, -0.5), (x1, len(lanes) - 0.5), (x0, len(lanes) - 0.5)])
        label = _slot_label(plan, slot.slot_id, slot.kind)
        ax.text(
            (x0 + x1) / 2,
            (len(lanes) - 1) / 2,
            shorten(label, chars_that_fit(per_hour * (x1 - x0) * len(lanes), _FONT) or 1),
            rotation=90 if per_hour * (x1 - x0) < 1.2 else 0,
            ha="center",
            va="center",
            fontsize=_FONT,
            color="#555555",
            clip_on=True,
        )
    if shade:
        ax.add_collection(
            PolyCollection(
                shade, facecolors="#f0f0f0", edgecolors="none", zorder=0, gid="idle-slots"
            ),
            autolim=False,
        )

    bars: list[list[tuple[float, float]]] = []
    bar_colours = []
    shown: list[str | None] = []
    for run in sorted(runs, key=lambda r: (event.slot_by_id[r.slot_id].start, _lane_key(r))):
        slot = event.slot_by_id[run.slot_id]
        x0, x1 = hours(slot.start, day) + _GAP, hours(slot.end, day) - _GAP
        y = row[_lane_key(run)]
        topic = run_topic(event, run)
        if topic not in shown:
            shown.append(topic)
        colour = colours.get(topic, colours[None])
        capacity = run_capacity(event, run)
        count = len(run.attendees)
        over = capacity is not None and count > capacity
        ax.add_patch(
            Rectangle(
                (x0, y - _BOX / 2),
                x1 - x0,
                _BOX,
                facecolor=colour,
                edgecolor="#d62728" if over else "white",
                linewidth=1.5 if over else 0.8,
                gid=f"run:{run.activity_id}:{run.slot_id}",
            )
        )
        if capacity:
            fill = min(1.0, count / capacity)
            top = y + _BOX / 2
            right = x0 + fill * (x1 - x0)
            bars.append([(x0, top), (right, top), (right, top - 0.16), (x0, top - 0.16)])
            bar_colours.append(darker(colour))
        title = plan.title_of(run)
        fits = chars_that_fit(per_hour * (x1 - x0), _FONT)
        seats = f"{count}/{capacity}" if capacity else str(count)
        ax.text(
            (x0 + x1) / 2,
            y - 0.04,
            f"{shorten(title, fits)}\n{shorten(seats, fits)}",
            ha="center",
            va="center",
            fontsize=_FONT,
            color=text_colour(colour),
            clip_on=True,
            gid=f"label:{run.activity_id}:{run.slot_id}",
        )
    if bars:
        ax.add_collection(
            PolyCollection(bars, facecolors=bar_colours, edgecolors="none", gid="fill"),
            autolim=False,
        )
    ordered = sorted(shown, key=lambda t: (t is None, t or ""))
    handles = [
        Patch(
            facecolor=colours.get(t, colours[None]),
            label=names.get(t, t) if t is not None else NO_TOPIC_LABEL,
        )
        for t in ordered
    ]
    if handles:
        ax.legend(
            handles=handles,
            title="Topic",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=_FONT + 1,
            title_fontsize=_FONT + 1,
            frameon=False,
        )


def _slot_label(plan: Plan, slot_id: str, kind: SlotKind | str) -> str:
    name = plan.event.slot_by_id[slot_id].title or _SLOT_NAMES.get(SlotKind(kind), str(kind))
    tables = plan.tables_in(slot_id)
    if tables:
        return f"{name} ({len(tables)} tables)"
    return name
