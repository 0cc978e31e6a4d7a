"""Small events built in code, shared by tests that need a plannable event."""

from __future__ import annotations

import datetime as dt

from convening import EventBuilder

DAY = dt.datetime(2027, 4, 20)


def at(hour: float, day: int = 0) -> dt.datetime:
    """A time on the ``day``-th day of the event."""
    return DAY + dt.timedelta(days=day, minutes=round(hour * 60))


def small_builder(cities: int = 4, breakout_rooms: int = 3) -> EventBuilder:
    """A plannable peer exchange: ``cities`` delegations of three, one of each slot kind."""
    b = EventBuilder("Peer exchange", "Albany, NY", "America/New_York", venue="Hall")
    for c in range(cities):
        cid = f"c{c}"
        b.add_city(cid, f"City {c}", "NY", topics=["housing", "finance"][c % 2])
        b.add_participant(f"{cid}-a", f"Official A{c}", city_id=cid, role="official")
        b.add_participant(f"{cid}-b", f"Official B{c}", city_id=cid, role="official")
        b.add_participant(f"{cid}-p", f"Partner {c}", city_id=cid, role="partner")
    b.add_participant("f1", "Facilitator", role="facilitator", topics="housing")
    b.add_room("hall", "Main hall", 100)
    for r in range(breakout_rooms):
        b.add_room(f"r{r}", f"Room {r}", 12, accessible=r != 0)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("b1", at(10.5), at(11.5), "breakout")
    b.add_slot("lunch", at(12), at(13), "networking")
    b.add_slot("tour", at(13.5), at(16), "tour")
    b.add_slot("ap", at(16.5), at(17.5), "action_planning")
    b.add_slot("coffee", at(10), at(10.5), "break")
    b.add_session("welcome", "Welcome", "plenary", slot_id="open", room_id="hall")
    for s in range(breakout_rooms):
        b.add_session(f"x{s}", f"Breakout {s}", topic=["housing", "finance", "data"][s % 3])
    b.add_tour("walk", "Riverfront walk", 30, slot_id="tour", walking=True)
    b.add_tour("bus", "Bus tour", 30, slot_id="tour")
    b.set_table_size("lunch", 4)
    return b
