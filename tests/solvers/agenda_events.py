"""Small agenda events with known answers, and a check of a plan's agenda part."""

from __future__ import annotations

import warnings

from convening import Event, EventBuilder
from convening.plan import Plan
from convening.validate import validate
from tests.factories import at

#: Rules about networking and action-planning tables, which the agenda solver leaves empty.
_TABLE_RULES = {
    "table-numbers",
    "networking-table-count",
    "networking-table-size",
    "networking-balance",
    "delegation-apart",
    "delegation-table",
    "coach",
}


def agenda_violations(event: Event, plan: Plan) -> list[str]:
    """Every hard rule the plan breaks (the solver seats tables too, so nothing is left out)."""
    return [str(v) for v in validate(event, plan)]


def build(b: EventBuilder) -> Event:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def two_slot_event() -> Event:
    """Four people, two breakout slots, two rooms of two seats, four sessions.

    p1 and p2 rank A then B; p3 and p4 rank C then D. Only A and B in different
    slots (and C and D) give everyone both wishes: 4 × (8 + 7) = 60 points, the bound.
    """
    b = EventBuilder("Known optimum", "Albany, NY", "America/New_York")
    b.add_city("c1", "One", "NY")
    for i in range(1, 5):
        b.add_participant(f"p{i}", f"Person {i}", city_id="c1" if i <= 3 else None,
                          role="official" if i <= 2 else "partner" if i == 3 else "speaker")  # fmt: skip
    b.add_room("r1", "Room 1", 2)
    b.add_room("r2", "Room 2", 2)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(10.5), at(11.5), "breakout")
    for sid in "ABCD":
        b.add_session(sid, f"Session {sid}")
    wishes = {"p1": ("A", "B"), "p2": ("A", "B"), "p3": ("C", "D"), "p4": ("C", "D")}
    for pid, (first, second) in wishes.items():
        b.add_preference(pid, first, 1)
        b.add_preference(pid, second, 2)
    return build(b)


def capacity_event() -> Event:
    """Three people in one slot all want A (rank 1) then B (rank 2).

    Rooms seat 2 and 1: the best is A in the big room, 8 + 8 + 7 = 23 points of 24.
    """
    b = EventBuilder("Capacity", "Albany, NY", "America/New_York")
    for i in range(1, 4):
        b.add_participant(f"p{i}", f"Person {i}", role="speaker")
        b.add_preference(f"p{i}", "A", 1)
        b.add_preference(f"p{i}", "B", 2)
    b.add_room("big", "Big", 2)
    b.add_room("small", "Small", 1)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_session("A", "A")
    b.add_session("B", "B")
    return build(b)


def medium_event(seed: int = 0) -> Event:
    """A random mid-size event: 30 people, 4 breakout slots, 5 rooms, 14 sessions.

    Some sessions are offered twice, have presenters, topics or a step-free
    presenter; a few people arrive late or need step-free rooms.
    """
    import random

    rng = random.Random(seed)
    b = EventBuilder("Medium", "Albany, NY", "America/New_York")
    people = [f"p{i:02d}" for i in range(30)]
    for i, pid in enumerate(people):
        b.add_participant(
            pid,
            f"Person {i}",
            role="speaker",
            accessible=i % 11 == 3,
            arrives=at(11) if i % 9 == 4 else None,
        )
    for r in range(5):
        b.add_room(f"r{r}", f"Room {r}", rng.choice((6, 8, 10, 14)), accessible=r != 1)
    for k in range(4):
        b.add_slot(f"b{k}", at(9 + 2 * k), at(10 + 2 * k), "breakout")
    sessions = [f"s{i:02d}" for i in range(14)]
    for i, sid in enumerate(sessions):
        presenters = [people[i]] if i % 3 == 0 else []
        b.add_session(
            sid,
            f"Session {i}",
            presenters=presenters,
            topic=["housing", "finance", "data", None][i % 4],
            offered=2 if i in (1, 5) else 1,
        )
    for pid in people:
        for rank, sid in enumerate(rng.sample(sessions, 6), 1):
            b.add_preference(pid, sid, rank)
    return build(b)


def unranked_delegation_event(cities: int = 1, big: int = 40, small: int = 6) -> Event:
    """Delegations of three who answered no survey, one breakout slot, three topics.

    Each city's topic is housing; its first official named transit, the second
    parks, the partner nothing. Sessions on housing, transit and parks run in
    one big room and two small ones. The right places: official A in transit,
    official B in parks, the partner in housing (by the city's topic), which
    also spreads every delegation over the three sessions.
    """
    b = EventBuilder("Unranked", "Albany, NY", "America/New_York")
    for c in range(cities):
        add_unranked_delegation(b, f"c{c}")
    b.add_room("ballroom", "Ballroom", big)
    b.add_room("s1", "Small 1", small)
    b.add_room("s2", "Small 2", small)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_session("housing", "Housing", topic="Housing")
    b.add_session("transit", "Transit", topic="transit")
    b.add_session("parks", "Parks", topic="parks")
    return build(b)


def add_unranked_delegation(b: EventBuilder, cid: str) -> None:
    """A delegation of three as in :func:`unranked_delegation_event`."""
    b.add_city(cid, f"City {cid}", "NY", topics="housing")
    b.add_participant(f"{cid}-a", "Official A", city_id=cid, topics="transit")
    b.add_participant(f"{cid}-b", "Official B", city_id=cid, topics="parks")
    b.add_participant(f"{cid}-p", "Partner", city_id=cid, role="partner")


#: Where each member of an :func:`unranked_delegation_event` delegation belongs.
UNRANKED_PLACES = {"a": "transit", "b": "parks", "p": "housing"}
