"""The networking mix: how often people of two cities shared a networking table."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from convening.plan import ActivityKind, Plan
from convening.plotting._common import new_axes, parent_figure

__all__ = ["plot_city_meetings"]

# Above this many cities the counts no longer fit in the cells.
_MAX_ANNOTATED = 24


def plot_city_meetings(plan: Plan, ax: Axes | None = None) -> Axes:
    """Draw a city-by-city heat map of shared networking tables.

    Cell (row A, column B) counts the networking tables, over every
    networking slot, at which someone of city A sat with someone of city B.
    The diagonal counts tables where two members of one delegation sat
    together, which a valid plan never does, so it stays 0. Cities are in the
    event's order. People outside every delegation are left out.

    Parameters
    ----------
    plan
        The plan.
    ax
        Axes to draw on; ``None`` makes a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; the heat map is its only image (``ax.images[0]``),
        whose array holds the counts.
    """
    event = plan.event
    cities = event.cities
    index = {c.city_id: i for i, c in enumerate(cities)}
    counts = np.zeros((len(cities), len(cities)), dtype=int)
    tables = [t for t in plan.tables if t.kind is ActivityKind.NETWORKING]
    for table in tables:
        seated: dict[int, int] = {}
        for pid in table.members:
            person = event.participant_by_id.get(pid)
            if person is not None and person.city_id in index:
                i = index[person.city_id]
                seated[i] = seated.get(i, 0) + 1
        for i, n in seated.items():
            if n > 1:
                counts[i, i] += 1
            for j in seated:
                if j != i:
                    counts[i, j] += 1

    size = min(14.0, max(4.0, 0.28 * len(cities) + 2.5))
    ax = new_axes(ax, size + 1.5, size)
    image = ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(1, int(counts.max(initial=0))))
    labels = [c.label for c in cities]
    fontsize = 8 if len(cities) <= _MAX_ANNOTATED else 6
    ax.set_xticks(range(len(cities)), labels, rotation=90, fontsize=fontsize)
    ax.set_yticks(range(len(cities)), labels, fontsize=fontsize)
    ax.set_xlabel("City")
    ax.set_ylabel("City")
    rounds = len({t.slot_id for t in tables})
    # Two lines, so that a small event's narrow figure does not cut the title off.
    ax.set_title(f"Times two cities shared a networking table\n({rounds} networking slots)")
    if len(cities) <= _MAX_ANNOTATED:
        top = max(1, int(counts.max(initial=0)))
        for i in range(len(cities)):
            for j in range(len(cities)):
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if counts[i, j] > top * 0.6 else "black",
                )
    parent_figure(ax).colorbar(image, ax=ax, label="Shared tables", shrink=0.8)
    return ax
