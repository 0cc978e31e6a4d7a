"""How well each person's breakout preferences were met, and who fared worst."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from convening.model import SlotKind
from convening.plan import ActivityKind, Plan
from convening.plotting._common import new_axes
from convening.scoring import Outcome, outcomes

__all__ = ["plot_preference_outcome", "worst_off"]

_COLUMNS = ["participant_id", "name", "city", "points", "best_possible", "share_pct", "attended"]


def plot_preference_outcome(plan: Plan, ax: Axes | None = None, worst: int = 5) -> Axes:
    """Draw a histogram of each person's share of their best possible breakout score.

    A breakout session a person ranked ``r`` is worth ``9 − r`` points for
    ranks 1–8. A person's share is the points of the sessions they attend
    (not counting sessions they present) over their fair bound: the sum of
    their best ``k`` ranks among sessions they do not present, ``k`` the
    breakout slots they are present for and not presenting in
    (:func:`convening.scoring.fair_bound`, as ``worst_off_share_pct``).
    People who ranked no breakout session are left out. The ``worst`` people with the lowest shares are listed in the
    corner (see :func:`worst_off`).

    Parameters
    ----------
    plan
        The plan.
    ax
        Axes to draw on; ``None`` makes a new figure.
    worst
        How many of the worst-off people to list (0: none).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: ten bars of 10 percentage points (100 % falls in the
        last), their heights the number of people.
    """
    outcomes = _outcomes(plan)
    shares = [o.share_pct for o in outcomes]
    ax = new_axes(ax, 7.0, 4.0)
    ax.hist(shares, bins=list(range(0, 101, 10)), color="#1f77b4", edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of best possible breakout preference score (%)")
    ax.set_ylabel("People")
    if shares:
        mean = sum(shares) / len(shares)
        ax.set_title(
            f"Preference outcome ({len(shares)} people, mean {mean:.1f} %, lowest {min(shares):.1f} %)",
            loc="left",
        )
    else:
        ax.set_title("Preference outcome (nobody ranked a breakout session)", loc="left")
    table = worst_off(plan, worst) if worst > 0 else None
    if table is not None and len(table):
        lines = ["Worst off:"]
        for name, city, share in zip(
            table["name"], table["city"], table["share_pct"], strict=True
        ):
            who = f"{name} ({city})" if city else str(name)
            lines.append(f"{who}: {share:.0f} %")
        ax.text(
            0.02,
            0.97,
            "\n".join(lines),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=7,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#bbbbbb"},
            gid="worst-off",
        )
    return ax


def worst_off(plan: Plan, n: int = 10) -> pd.DataFrame:
    """The ``n`` people whose breakout preferences were met least.

    Parameters
    ----------
    plan
        The plan.
    n
        How many people (fewer when fewer ranked a breakout session).

    Returns
    -------
    pandas.DataFrame
        Columns ``participant_id``, ``name``, ``city`` (the delegation's
        label, empty for people outside one), ``points``, ``best_possible`` (the fair bound),
        ``share_pct`` and ``attended`` (each breakout attended with its rank,
        e.g. ``"Land banks (rank 2); Financing (unranked)"``); lowest share
        first, ties in the order of the participants sheet.
    """
    event = plan.event
    order = {p.participant_id: i for i, p in enumerate(event.participants)}
    ranked = sorted(_outcomes(plan), key=lambda o: (o.share_pct, order[o.participant_id]))
    rows = []
    for o in ranked[: max(0, n)]:
        person = event.participant_by_id[o.participant_id]
        city_id = person.city_id
        city = event.city_by_id[city_id].label if city_id is not None else ""
        attended = "; ".join(
            f"{event.session_by_id[sid].title} ({f'rank {r}' if r is not None else 'unranked'})"
            for sid, r in o.attended
        )
        rows.append(
            (o.participant_id, person.name, city, o.points, o.fair_bound, o.share_pct, attended)
        )
    return pd.DataFrame(rows, columns=_COLUMNS)


def _outcomes(plan: Plan) -> list[Outcome]:
    """Each person's breakout outcome, for people whose fair bound is above 0.

    The shares are those of :mod:`convening.scoring`, so the lowest here is
    the plan's ``worst_off_share_pct``.
    """
    event = plan.event
    slot_order = {s.slot_id: i for i, s in enumerate(event.slots_of(SlotKind.BREAKOUT))}
    runs = sorted(
        (r for r in plan.runs if r.kind is ActivityKind.BREAKOUT),
        key=lambda r: (slot_order.get(r.slot_id, len(slot_order)), r.activity_id),
    )
    return [o for o in outcomes(event, runs) if o.fair_bound > 0]
