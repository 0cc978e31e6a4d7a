"""How many new people each person met at networking tables."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from convening.plan import ActivityKind, Plan
from convening.plotting._common import new_axes

__all__ = ["plot_new_peers"]


def plot_new_peers(plan: Plan, ax: Axes | None = None) -> Axes:
    """Draw a histogram of the distinct new peers each person met at networking tables.

    A person's new peers are the distinct people they sat with at networking
    tables, over every networking slot, leaving out their own delegation
    (whom they know already). Everyone seated at one networking table or more
    is counted once; meeting someone twice counts once.

    Parameters
    ----------
    plan
        The plan.
    ax
        Axes to draw on; ``None`` makes a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per number of peers, from 0 to the most
        anyone met, its height the number of people.
    """
    peers = _new_peers(plan)
    ax = new_axes(ax, 7.0, 4.0)
    top = max(peers.values(), default=0)
    counts = [0] * (top + 1)
    for n in peers.values():
        counts[n] += 1
    ax.bar(range(top + 1), counts, width=0.8, color="#1f77b4")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Distinct new peers met at networking tables")
    ax.set_ylabel("People")
    if peers:
        mean = sum(peers.values()) / len(peers)
        ax.axvline(mean, color="#d62728", linestyle="--", linewidth=1)
        ax.set_title(
            f"New peers per person ({len(peers)} people, mean {mean:.1f}, fewest {min(peers.values())})",
            loc="left",
        )
    else:
        ax.set_title("New peers per person (no networking tables in this plan)", loc="left")
    return ax


def _new_peers(plan: Plan) -> dict[str, int]:
    """Distinct people met outside one's delegation, for everyone seated at networking."""
    event = plan.event
    city = {p.participant_id: p.city_id for p in event.participants}
    met: dict[str, set[str]] = {}
    for table in plan.tables:
        if table.kind is not ActivityKind.NETWORKING:
            continue
        for pid in table.members:
            mine = met.setdefault(pid, set())
            for other in table.members:
                own = city.get(pid) is not None and city.get(other) == city.get(pid)
                if other != pid and not own:
                    mine.add(other)
    order = {p.participant_id: i for i, p in enumerate(event.participants)}
    return {pid: len(met[pid]) for pid in sorted(met, key=lambda p: (order.get(p, len(order)), p))}
