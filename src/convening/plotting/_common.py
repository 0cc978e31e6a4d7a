"""Pieces shared by the plotting modules: axes, colours, labels and times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure, SubFigure

from convening.model import Event
from convening.plan import ActivityKind, Plan, Run

#: Colour of runs without a topic.
NO_TOPIC_COLOUR = "#c7c7c7"
NO_TOPIC_LABEL = "(no topic)"

# Colour-blind-friendlier qualitative colours (matplotlib's tab10 then tab20's light half).
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#7f7f7f",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
)

#: One colour per kind of activity (itineraries).
KIND_COLOURS: dict[ActivityKind, str] = {
    ActivityKind.PLENARY: "#7f7f7f",
    ActivityKind.BREAKOUT: "#1f77b4",
    ActivityKind.TOUR: "#2ca02c",
    ActivityKind.NETWORKING: "#ff7f0e",
    ActivityKind.ACTION_PLANNING: "#9467bd",
}

KIND_LABELS: dict[ActivityKind, str] = {
    ActivityKind.PLENARY: "plenary",
    ActivityKind.BREAKOUT: "breakout",
    ActivityKind.TOUR: "tour",
    ActivityKind.NETWORKING: "networking",
    ActivityKind.ACTION_PLANNING: "action planning",
}

#: Width of a figure made by the library, in inches.
FIGURE_WIDTH = 12.0


def new_axes(ax: Axes | None, width: float, height: float) -> Axes:
    """``ax``, or the single axes of a new figure of the given size."""
    if ax is not None:
        return ax
    # A bare Figure (not pyplot) so that nothing is registered with pyplot's state.
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig.add_subplot()


def root_figure(ax: Axes) -> Figure:
    """The top-level figure an axes is drawn in."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    return fig


def parent_figure(ax: Axes) -> Figure | SubFigure:
    """The figure or subfigure holding ``ax`` (where a colour bar goes)."""
    fig = ax.get_figure(root=False)
    assert fig is not None
    return fig


def topic_key(topic: str | None) -> str | None:
    """Topics compare without case or surrounding spaces (as the metrics do)."""
    if topic is None or not topic.strip():
        return None
    return topic.strip().lower()


def topic_colours(event: Event) -> dict[str | None, str]:
    """A colour per topic key of the event's sessions and tours, the same in every picture."""
    keys = {topic_key(s.topic) for s in event.sessions} | {topic_key(t.topic) for t in event.tours}
    named = sorted(k for k in keys if k is not None)
    out: dict[str | None, str] = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(named)}
    out[None] = NO_TOPIC_COLOUR
    return out


def topic_labels(event: Event) -> dict[str, str]:
    """The first spelling of each topic key, for legends."""
    out: dict[str, str] = {}
    for topic in [s.topic for s in event.sessions] + [t.topic for t in event.tours]:
        key = topic_key(topic)
        if key is not None and topic is not None:
            out.setdefault(key, topic.strip())
    return out


def run_topic(event: Event, run: Run) -> str | None:
    """The topic key of a run's session or tour."""
    if run.kind is ActivityKind.TOUR:
        return topic_key(event.tour_by_id[run.activity_id].topic)
    return topic_key(event.session_by_id[run.activity_id].topic)


def run_capacity(event: Event, run: Run) -> int | None:
    """The most people a run can hold: room and session capacity, or a tour's seats."""
    if run.kind is ActivityKind.TOUR:
        return event.tour_by_id[run.activity_id].seats
    if run.room_id is None or run.room_id not in event.room_by_id:
        return None
    seats = event.room_by_id[run.room_id].capacity
    session = event.session_by_id[run.activity_id]
    return min(seats, session.capacity) if session.capacity is not None else seats


def darker(colour: str, factor: float = 0.6) -> tuple[float, float, float, float]:
    """``colour`` darkened towards black."""
    r, g, b, a = to_rgba(colour)
    return (r * factor, g * factor, b * factor, a)


def text_colour(colour: str | tuple[float, float, float, float]) -> str:
    """Black or white, whichever reads better on ``colour``."""
    r, g, b, _ = to_rgba(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def shorten(text: str, chars: int) -> str:
    """``text`` cut to at most ``chars`` characters, ending in an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    if chars <= 1:
        return "…" if chars == 1 else ""
    return text[: chars - 1].rstrip() + "…"


def chars_that_fit(width_inches: float, fontsize: float) -> int:
    """Roughly how many characters of ``fontsize`` points fit in ``width_inches``."""
    # An average character of a sans-serif font is about 0.55 em wide.
    return max(0, int(width_inches * 72 / (0.55 * fontsize)))


def axes_width_inches(ax: Axes, share: float = 1.0) -> float:
    """The width of ``ax`` in inches, before any layout engine moves it."""
    fig = root_figure(ax)
    return float(fig.get_figwidth() * ax.get_position().width * share)


def hours(moment: dt.datetime, day: dt.date) -> float:
    """Hours from midnight at the start of ``day`` to ``moment``."""
    midnight = dt.datetime.combine(day, dt.time())
    return (moment - midnight).total_seconds() / 3600.0


def hour_ticks(ax: Axes, start: float, end: float) -> None:
    """Put the x axis from ``start`` to ``end`` hours, ticked on the hour as ``09:00``."""
    ax.set_xlim(start, end)
    first, last = int(start) + (start > int(start)), int(end)
    ticks = list(range(first, last + 1))
    ax.set_xticks(ticks, [f"{t % 24:02d}:00" for t in ticks])


def person_label(event: Event, participant_id: str) -> str:
    """A person's name, with their city when they belong to a delegation."""
    person = event.participant_by_id.get(participant_id)
    if person is None:
        return participant_id
    if person.city_id is not None and person.city_id in event.city_by_id:
        return f"{person.name} ({event.city_by_id[person.city_id].label})"
    return f"{person.name} ({person.role})"


def event_days(plan: Plan, items: Iterable[dt.datetime] | None = None) -> list[dt.date]:
    """The days of the event's slots (or of ``items``), in order."""
    moments = items if items is not None else (s.start for s in plan.event.slots)
    return sorted({m.date() for m in moments})
