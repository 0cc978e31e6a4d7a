"""Events for the table tests: only networking, action-planning and break slots."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence

from convening import Event, EventBuilder
from convening.errors import ConveningWarning

DAY = dt.datetime(2027, 4, 20)
TOPICS = ("housing", "transit", "workforce", "climate", "finance")


def at(hour: float, day: int = 0) -> dt.datetime:
    """A time on the ``day``-th day of the event."""
    return DAY + dt.timedelta(days=day, minutes=round(hour * 60))


def convening_builder(
    cities: int,
    *,
    per_city: int = 3,
    rounds: int = 3,
    table_size: int = 6,
    facilitators: int = 0,
    staff: int = 0,
    action_planning: int = 0,
) -> EventBuilder:
    """Delegations of ``per_city`` (two officials, then partners), ``rounds`` networking meals."""
    b = EventBuilder("Peer exchange", "Albany, NY", "America/New_York", venue="Hall")
    for c in range(cities):
        cid = f"c{c:03d}"
        b.add_city(cid, f"City {c}", "NY", topics=[TOPICS[c % len(TOPICS)]])
        for k in range(per_city):
            role = "official" if k < 2 else "partner"
            topic = TOPICS[(c + k) % len(TOPICS)]
            b.add_participant(
                f"{cid}-{k}", f"Person {c}.{k}", city_id=cid, role=role, topics=[topic]
            )
    for f in range(facilitators):
        b.add_participant(
            f"fac{f}", f"Facilitator {f}", role="facilitator", topics=[TOPICS[f % len(TOPICS)]]
        )
    for s in range(staff):
        b.add_participant(f"staff{s}", f"Staff {s}", role="speaker")
    for r in range(rounds):
        sid = f"n{r + 1}"
        b.add_slot(sid, at(12 + 0.01 * r, r), at(13, r), "networking")
        b.set_table_size(sid, table_size)
    for a in range(action_planning):
        b.add_slot(f"ap{a + 1}", at(15, a), at(16, a), "action_planning")
    b.add_slot("coffee", at(10), at(10.5), "break")
    return b


def golfer_event(groups: int, size: int, rounds: int) -> Event:
    """A social golfer instance as an event: one-person cities, networking slots only."""
    b = EventBuilder("Golfers", "Albany, NY", "America/New_York")
    for i in range(groups * size):
        b.add_city(f"g{i:03d}", f"Golfer {i}")
        b.add_participant(f"p{i:03d}", f"Golfer {i}", city_id=f"g{i:03d}")
    for r in range(rounds):
        b.add_slot(f"r{r + 1}", at(9, r), at(10, r), "networking")
        b.set_table_size(f"r{r + 1}", size)
    return build(b)


def build(b: EventBuilder) -> Event:
    """Build, ignoring the warnings about unusual delegations."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConveningWarning)
        return b.build()


def meetings(tables: Sequence[object]) -> dict[tuple[str, str], int]:
    """How often each pair of people shared a networking table."""
    out: dict[tuple[str, str], int] = {}
    for table in tables:
        if table.kind != "networking":  # type: ignore[attr-defined]
            continue
        members = table.members  # type: ignore[attr-defined]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                out[(a, b)] = out.get((a, b), 0) + 1
    return out


def repeats(tables: Sequence[object]) -> int:
    """Meetings beyond the first, over all pairs."""
    return sum(n - 1 for n in meetings(tables).values())
