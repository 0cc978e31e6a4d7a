"""A two-day plan written by hand for the plotting and report tests.

Four delegations of three (``a``, ``b``, ``c``, ``d``; Delta's three are all
officials, which the event warns about), a facilitator ``f1`` and a speaker
``sp``. ``d3`` arrives at noon on the first day, so misses the opening and the
first breakout. Day 1: plenary, breakout ``bo1``, networking lunch, tours.
Day 2: breakout ``bo2``, networking lunch, action planning.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from convening import ActivityKind, Event, EventBuilder, Plan, Run, Table

DAY = dt.datetime(2027, 4, 20)
CITIES = ("a", "b", "c", "d")
CITY_NAMES = {"a": "Albany", "b": "Buffalo", "c": "Cohoes", "d": "Delta"}
LONG_TITLE = "Land banks and the long road from vacant lots to community gardens and homes"

BREAKOUT = ActivityKind.BREAKOUT
NETWORKING = ActivityKind.NETWORKING


def at(hour: float, day: int = 0) -> dt.datetime:
    """A time on the ``day``-th day of the event."""
    return DAY + dt.timedelta(days=day, minutes=round(hour * 60))


def two_day_event(name: str = "Two-day exchange") -> Event:
    """The event of :func:`two_day_plan`."""
    b = EventBuilder(name, "Albany, NY", "America/New_York", venue="Hall")
    for c in CITIES:
        b.add_city(c, CITY_NAMES[c], "NY")
        b.add_participant(f"{c}1", f"{CITY_NAMES[c]} One", city_id=c, role="official")
        b.add_participant(f"{c}2", f"{CITY_NAMES[c]} Two", city_id=c, role="official")
        b.add_participant(
            f"{c}3",
            f"{CITY_NAMES[c]} Three",
            city_id=c,
            role="official" if c == "d" else "partner",
            arrives=at(12) if c == "d" else None,
        )
    b.add_participant("f1", "Fran Coach", role="facilitator")
    b.add_participant("sp", "Pat Speaker", role="speaker")
    b.add_room("hall", "Main hall", 40)
    b.add_room("r1", "Room 1", 6)
    b.add_room("r2", "Room 2", 6)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("coffee", at(10), at(10.5), "break")
    b.add_slot("bo1", at(10.5), at(11.5), "breakout")
    b.add_slot("lunch", at(12), at(13), "networking")
    b.add_slot("tour", at(13.5), at(16), "tour")
    b.add_slot("bo2", at(9, 1), at(10, 1), "breakout")
    b.add_slot("lunch2", at(12, 1), at(13, 1), "networking")
    b.add_slot("ap", at(14, 1), at(15, 1), "action_planning")
    b.add_session("welcome", "Welcome", "plenary", slot_id="open", room_id="hall")
    b.add_session("x1", LONG_TITLE, topic="housing", offered=2)
    b.add_session("x2", "Financing", topic="finance")
    b.add_session("x3", "Data for action", topic="data", presenters=["sp"])
    b.add_session("x4", "Equity in practice", topic="equity")
    b.add_session("x5", "Budgets", topic="Finance ")
    b.add_tour("walk", "Riverfront walk", 10, walking=True, topic="housing")
    b.add_tour("bus", "Bus tour", 10)
    b.set_table_size("lunch", 4)
    b.set_table_size("lunch2", 4)
    for c in CITIES:
        for i in (1, 2, 3):
            pid = f"{c}{i}"
            if pid == "a3":
                continue  # ranks nothing: left out of the preference outcome
            if pid == "c3":
                b.add_preference(pid, "x4", 1)
                b.add_preference(pid, "x5", 2)
                continue
            for rank, sid in enumerate(("x1", "x2", "x3", "x4", "x5"), start=1):
                b.add_preference(pid, sid, rank)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def two_day_plan(event: Event | None = None) -> Plan:
    """A plan of :func:`two_day_event` that keeps every rule.

    Preference shares (9 − rank over the best two ranks, 15 points): a1, b1,
    c1, d1 get x1 + x4 = 13 (86.67 %); a2, b2, c2, d2 get x2 + x1 = 15 (100 %);
    b3 gets x3 + x5 = 10 (66.67 %); c3 gets x3 (unranked) + x5 (rank 2) = 7
    (46.67 %); d3 is present for one breakout only and gets x1 = 8 of 8 (100 %).
    """
    event = event or two_day_event()
    everyone = [p.participant_id for p in event.participants]
    runs = [
        Run("welcome", ActivityKind.PLENARY, "open", "hall", [p for p in everyone if p != "d3"]),
        Run("x1", BREAKOUT, "bo1", "r1", ["a1", "b1", "c1", "d1", "f1"]),
        Run("x2", BREAKOUT, "bo1", "r2", ["a2", "b2", "c2", "d2"]),
        Run("x3", BREAKOUT, "bo1", "hall", ["sp", "a3", "b3", "c3"]),
        Run("walk", ActivityKind.TOUR, "tour", None, ["a1", "a2", "a3", "b1", "b2", "b3", "f1"]),
        Run("bus", ActivityKind.TOUR, "tour", None, ["c1", "c2", "c3", "d1", "d2", "d3", "sp"]),
        Run("x1", BREAKOUT, "bo2", "r1", ["a2", "b2", "c2", "d2", "d3"]),
        Run("x4", BREAKOUT, "bo2", "r2", ["a1", "b1", "c1", "d1"]),
        Run("x5", BREAKOUT, "bo2", "hall", ["a3", "b3", "c3", "f1", "sp"]),
    ]
    tables = [
        Table("lunch", 1, NETWORKING, ["a1", "b1", "c1", "d1"], topic="housing"),
        Table("lunch", 2, NETWORKING, ["a2", "b2", "c2", "d2"]),
        Table("lunch", 3, NETWORKING, ["a3", "b3", "f1"]),
        Table("lunch", 4, NETWORKING, ["c3", "d3", "sp"]),
        Table("lunch2", 1, NETWORKING, ["a1", "b2", "c3"]),
        Table("lunch2", 2, NETWORKING, ["a2", "b3", "d1", "sp"]),
        Table("lunch2", 3, NETWORKING, ["a3", "c1", "d2", "f1"]),
        Table("lunch2", 4, NETWORKING, ["b1", "c2", "d3"]),
    ]
    for n, c in enumerate(CITIES, start=1):
        members = [f"{c}1", f"{c}2", f"{c}3"]
        tables.append(
            Table(
                "ap",
                n,
                ActivityKind.ACTION_PLANNING,
                members,
                city_id=c,
                coaches=["f1"] if c == "a" else [],
            )
        )
    tables.append(Table("ap", 5, ActivityKind.ACTION_PLANNING, ["sp"]))
    return Plan(
        event,
        runs=runs,
        tables=tables,
        metrics={"preference_score_pct": 87.5, "<b>odd</b>": "x < y", "solve_seconds": 1.25},
    )


def png(ax: Axes) -> bytes:
    """The figure holding ``ax`` rendered as PNG."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
