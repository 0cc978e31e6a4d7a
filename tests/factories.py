"""Small events built in code, shared by tests that need a plannable event."""

from __future__ import annotations

import datetime as dt

import attrs

from convening import EventBuilder
from convening.model import Event

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


# -- planted re-plan events: the first plan pins every breakout, so where each run was is known

CITIES = 6


def people(b: EventBuilder, cities: range) -> None:
    for c in cities:
        cid = f"c{c}"
        b.add_city(cid, f"City {c}", "MI")
        for suffix, role in (("a", "official"), ("b", "official"), ("p", "partner")):
            pid = f"{cid}-{suffix}"
            b.add_participant(
                pid, f"Person {pid}", city_id=cid, role=role, email=f"{pid}@example.org"
            )


def harbor() -> Event:
    """Two breakout slots on two days; the Harbor and Dock rooms are used, three are free.

    ``s1`` (presented by ``spk1``) and ``s2`` run on Tuesday, ``s3`` (presented by
    ``spk2``) and ``s4`` on Wednesday, in Harbor and Dock; Lake, Library and the hall
    are free at both times.
    """
    b = EventBuilder("Harbor convening", "Duluth, MN", "America/Chicago", venue="Port hall")
    people(b, range(CITIES))
    b.add_participant("spk1", "Speaker One", role="speaker", email="spk1@example.org")
    b.add_participant("spk2", "Speaker Two", role="speaker", email="spk2@example.org")
    b.add_room("hall", "Hall", 60)
    b.add_room("harbor", "Harbor Room", 24)
    b.add_room("dock", "Dock Room", 24)
    b.add_room("lake", "Lake", 45)
    b.add_room("library", "Library", 20)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("tue", at(13.25), at(14.25), "breakout")
    b.add_slot("wed", at(11, day=1), at(12, day=1), "breakout")
    b.add_session("welcome", "Welcome", "plenary", slot_id="open", room_id="hall")
    b.add_session("s1", "Ports", presenters="spk1", slot_id="tue", room_id="harbor")
    b.add_session("s2", "Parks", slot_id="tue", room_id="dock")
    b.add_session("s3", "Housing", presenters="spk2", slot_id="wed", room_id="harbor")
    b.add_session("s4", "Transit", slot_id="wed", room_id="dock")
    for c in range(CITIES):
        for i, suffix in enumerate("abp"):
            pid = f"c{c}-{suffix}"
            first, second = ("s1", "s3") if (c + i) % 2 else ("s2", "s4")
            b.add_preference(pid, first, 1)
            b.add_preference(pid, second, 2)
    return b.build()


def crowded() -> Event:
    """Every room is taken on Tuesday: losing one moves one run to Wednesday.

    Tuesday: ``s1`` (presented by ``spk1``, at most 4 people) in A, ``s2`` (at most 4) in
    B, ``s5`` and ``s6`` (at most 10 each) in C and D; Wednesday: ``s3`` (presented by
    ``spk2``) in C, ``s4`` in D, with A and B free. The welcome plenary is in A. The 23
    people on Tuesday fill ``s1`` and ``s2`` and leave at least 5 in ``s5`` and ``s6``,
    and any run but one of them leaving Tuesday still leaves seats for everyone.
    """
    b = EventBuilder("Crowded convening", "Duluth, MN", "America/Chicago", venue="Port hall")
    people(b, range(7))
    b.add_participant("spk1", "Speaker One", role="speaker", email="spk1@example.org")
    b.add_participant("spk2", "Speaker Two", role="speaker", email="spk2@example.org")
    for r in "abcd":
        b.add_room(r, f"Room {r.upper()}", 30)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("tue", at(13.25), at(14.25), "breakout")
    b.add_slot("wed", at(11, day=1), at(12, day=1), "breakout")
    b.add_session("welcome", "Welcome", "plenary", slot_id="open", room_id="a")
    b.add_session("s1", "Ports", presenters="spk1", slot_id="tue", room_id="a", capacity=4)
    b.add_session("s2", "Parks", slot_id="tue", room_id="b", capacity=4)
    b.add_session("s5", "Schools", slot_id="tue", room_id="c", capacity=10)
    b.add_session("s6", "Water", slot_id="tue", room_id="d", capacity=10)
    b.add_session("s3", "Housing", presenters="spk2", slot_id="wed", room_id="c")
    b.add_session("s4", "Transit", slot_id="wed", room_id="d")
    for c in range(7):
        for suffix in "abp":
            for rank, sid in enumerate(("s1", "s2", "s5", "s3"), start=1):
                b.add_preference(f"c{c}-{suffix}", sid, rank)
    return b.build()


def swapped() -> Event:
    """Losing the Harbor Room on Tuesday needs a swap: only the Lake can take ``s1``.

    Tuesday: ``s1`` (presented by ``spk1``, at least 13 people) in Harbor (40 seats),
    ``s2`` (at most 8) in the Lake (35), the Nook (12) free. Wednesday: ``s3``
    (presented by ``spk2``) in the Lake, ``s4`` (at most 8) in the Nook. Without Harbor,
    ``s1`` keeps its people only in the Lake, and ``s2`` fits the Nook.
    """
    b = EventBuilder("Swap convening", "Duluth, MN", "America/Chicago", venue="Port hall")
    people(b, range(7))
    b.add_participant("spk1", "Speaker One", role="speaker", email="spk1@example.org")
    b.add_participant("spk2", "Speaker Two", role="speaker", email="spk2@example.org")
    b.add_room("harbor", "Harbor Room", 40)
    b.add_room("lake", "Lake", 35)
    b.add_room("nook", "Nook", 12)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("tue", at(13.25), at(14.25), "breakout")
    b.add_slot("wed", at(11, day=1), at(12, day=1), "breakout")
    b.add_session("welcome", "Welcome", "plenary", slot_id="open", room_id="lake")
    b.add_session("s1", "Ports", presenters="spk1", slot_id="tue", room_id="harbor")
    b.add_session("s2", "Parks", slot_id="tue", room_id="lake", capacity=8)
    b.add_session("s3", "Housing", presenters="spk2", slot_id="wed", room_id="lake")
    b.add_session("s4", "Transit", slot_id="wed", room_id="nook", capacity=8)
    for c in range(7):
        for i, suffix in enumerate("abp"):
            first, second = ("s2", "s4") if (c + i) % 3 == 0 else ("s1", "s3")
            b.add_preference(f"c{c}-{suffix}", first, 1)
            b.add_preference(f"c{c}-{suffix}", second, 2)
    return b.build()


def unpinned(event: Event) -> Event:
    """The event with its breakouts free to go anywhere (the re-plan chooses)."""
    sessions = [
        attrs.evolve(s, slot_id=None, room_id=None) if s.kind == "breakout" else s
        for s in event.sessions
    ]
    return attrs.evolve(event, sessions=sessions)


def presenter_late(event: Event) -> Event:
    """``spk1`` now arrives on Wednesday morning: away for the plenary and Tuesday's slot."""
    people = [
        attrs.evolve(p, arrives=at(8, day=1)) if p.participant_id == "spk1" else p
        for p in event.participants
    ]
    return attrs.evolve(event, participants=people)
