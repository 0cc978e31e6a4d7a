"""A person's or a delegation's itinerary as day strips."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from convening.dates import short_day_label
from convening.errors import ConveningError
from convening.plan import ActivityKind, ItineraryRow, Plan
from convening.plotting._common import (
    FIGURE_WIDTH,
    KIND_COLOURS,
    KIND_LABELS,
    axes_width_inches,
    chars_that_fit,
    event_days,
    hour_ticks,
    hours,
    new_axes,
    shorten,
    text_colour,
)

__all__ = ["plot_itinerary"]

_FONT = 7.0
_BOX = 0.8
_GAP = 0.03
_PLOT_SHARE = 0.78


def plot_itinerary(
    plan: Plan,
    participant_id: str | None = None,
    city_id: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one person's or one delegation's itinerary: time across, a lane per person and day.

    Each activity is a box coloured by its kind (plenary, breakout, tour,
    networking, action planning) and labelled with its title and, space
    permitting, where it is. Gaps are breaks or time away.

    Parameters
    ----------
    plan
        The plan.
    participant_id
        The person to draw (give this or ``city_id``).
    city_id
        The delegation to draw, one lane per member.
    ax
        Axes to draw on; ``None`` makes a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ConveningError
        When neither or both of ``participant_id`` and ``city_id`` are given, or
        the id is unknown.
    """
    event = plan.event
    if (participant_id is None) == (city_id is None):
        raise ConveningError("give exactly one of participant_id and city_id")
    if participant_id is not None:
        if participant_id not in event.participant_by_id:
            raise ConveningError(f"there is no participant {participant_id!r}")
        people = [participant_id]
        title = f"Itinerary of {event.participant_by_id[participant_id].name}"
    else:
        assert city_id is not None
        if city_id not in event.delegation_by_city:
            raise ConveningError(f"there is no city {city_id!r}")
        people = [p.participant_id for p in event.delegation_by_city[city_id].members]
        title = f"Itinerary of the {event.city_by_id[city_id].label} delegation"

    wanted = set(people)
    rows = [r for r in plan.itinerary_rows() if r.participant_id in wanted]
    days = event_days(plan, (r.start for r in rows)) or event_days(plan)[:1]
    several = len(days) > 1
    lanes = [(pid, d) for pid in people for d in days]
    row = {lane: i for i, lane in enumerate(lanes)}

    ax = new_axes(ax, FIGURE_WIDTH, 0.45 * max(len(lanes), 1) + 1.4)
    start = min((hours(r.start, r.start.date()) for r in rows), default=9.0)
    end = max((hours(r.end, r.start.date()) for r in rows), default=17.0)
    hour_ticks(ax, start - 0.25, end + 0.25)
    ax.set_ylim(max(len(lanes), 1) - 0.5, -0.5)
    labels = []
    for pid, d in lanes:
        name = event.participant_by_id[pid].name
        labels.append(f"{name} · {short_day_label(d)}" if several else name)
    ax.set_yticks(range(len(lanes)), [shorten(label, 32) for label in labels])
    ax.set_xlabel("Time")
    ax.set_ylabel("Participant" if several or len(people) == 1 else "Delegation member")
    ax.set_title(title if several else f"{title}, {short_day_label(days[0])}", loc="left")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)

    per_hour = axes_width_inches(ax, _PLOT_SHARE) / max(end - start + 0.5, 1.0)
    kinds: list[ActivityKind] = []
    for item in rows:
        _draw_row(ax, item, row[(item.participant_id, item.start.date())], per_hour)
        if item.kind not in kinds:
            kinds.append(item.kind)
    handles = [
        Patch(facecolor=KIND_COLOURS[k], label=KIND_LABELS[k]) for k in KIND_COLOURS if k in kinds
    ]
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=_FONT + 1,
            frameon=False,
        )
    return ax


def _draw_row(ax: Axes, item: ItineraryRow, y: int, per_hour: float) -> None:
    day = item.start.date()
    x0, x1 = hours(item.start, day) + _GAP, hours(item.end, day) - _GAP
    colour = KIND_COLOURS[item.kind]
    ax.add_patch(
        Rectangle(
            (x0, y - _BOX / 2),
            x1 - x0,
            _BOX,
            facecolor=colour,
            edgecolor="white",
            linewidth=0.8,
            gid=f"activity:{item.participant_id}:{item.activity_id}",
        )
    )
    fits = chars_that_fit(per_hour * (x1 - x0), _FONT)
    text = shorten(item.title, fits)
    if item.location and item.location.lower() not in item.title.lower():
        text += "\n" + shorten(item.location, fits)
    ax.text(
        (x0 + x1) / 2,
        y,
        text,
        ha="center",
        va="center",
        fontsize=_FONT,
        color=text_colour(colour),
        clip_on=True,
    )
