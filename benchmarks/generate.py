"""A seeded generator of realistic peer convenings for the agenda benchmarks.

``make_event(cities, seed)`` builds a two-to-three-day convening with
:class:`convening.EventBuilder`: delegations of three (two officials and one
partner), facilitators as coaches, a ballroom for plenaries and breakout
rooms of mixed sizes (some without step-free access), plenary, breakout,
tour, networking, action-planning and break slots, breakout sessions (some
offered twice, some pinned, presenters presenting up to twice), tours (some
walking, some pinned, buses with several departures), late arrivals and early
departures, people needing step-free access, and for everyone eight ranked
breakout sessions and three ranked tours drawn toward their topics and toward
popular sessions (never a session they present). Every tour slot has a bus
tour of its own. Bigger events get more breakout slots and rooms.

Profiles (``make_event(cities, seed, profile=...)``):

``"ranked"`` (default)
    Everyone ranks eight breakout sessions and three tours, as above.
``"realistic"``
    As at real events: the same event, but 15–25% of the people (drawn per
    event) never answer the survey, and the others rank their first 3–6
    breakout sessions and 0–3 tours. The draws come from a second random
    stream, so the two profiles of one seed share cities, rooms, slots and
    sessions, and differ only in the answers.

``make_event(cities, seed, staffed=True)`` adds realistic staffing (the
events without it are unchanged): facilitators about one per seven
delegations who coach groups of tables, staff who work the event (they attend
the plenaries), a staff member leading one tour of each tour slot, a few
presenters away for one breakout slot, and named breaks (registration, coffee,
an off-site dinner).

``extend`` (a callable given the builder and the random stream, called last)
is where more of a real event goes.

Run ``python benchmarks/generate.py 50 [SEED [PROFILE]]`` to print a summary of one event.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import warnings
from collections.abc import Callable

from convening import Event, EventBuilder

TOPICS = (
    "vacant property reuse",
    "workforce development",
    "housing affordability",
    "downtown revitalization",
    "small business growth",
    "climate resilience",
    "public health",
    "broadband access",
    "youth opportunity",
    "transit and mobility",
    "land banks",
    "community safety",
)

FIRST = ("Ada", "Ben", "Cora", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena")
LAST = ("Lee", "Moss", "Nunez", "Okafor", "Park", "Quinn", "Reyes", "Shah", "Tran", "Vogel")


def _scale(cities: int) -> dict[str, int]:
    """Sizes that grow with the event."""
    people = 3 * cities + max(3, cities // 5)
    breakout_slots = 3 if cities <= 6 else 6 if cities <= 100 else 8
    # Seats per breakout slot ~ 1.35 × people, spread over rooms of 15–90 seats.
    mean_room = 12 if cities <= 6 else 26 if cities <= 100 else 45
    rooms = max(3, math.ceil(1.35 * people / mean_room))
    return {
        "people": people,
        "breakout_slots": breakout_slots,
        "rooms": rooms,
        "mean_room": mean_room,
        "tour_slots": 1 if cities <= 6 else 2,
    }


#: Profiles of :func:`make_event`.
PROFILES = ("ranked", "realistic")
#: Realistic profile: share of people who never answer, and how many items respondents rank.
NO_ANSWER = (0.15, 0.25)
RANKED_SESSIONS = (3, 6)
RANKED_TOURS = (0, 3)


def make_event(
    cities: int,
    seed: int = 0,
    profile: str = "ranked",
    extend: Callable[[EventBuilder, random.Random], None] | None = None,
    *,
    staffed: bool = False,
) -> Event:
    """A realistic convening of ``cities`` delegations (same seed and profile, same event).

    ``staffed`` adds staff, tour leaders, presenters away for a slot and named
    breaks, with facilitators about one per seven delegations.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    rng = random.Random(seed * 1_000_003 + cities)
    # The realistic answers come from a stream of their own, so the ranked event's draws
    # (and so its figures) stay as they were.
    answers = random.Random(seed * 1_000_003 + cities + 7_919)
    no_answer = answers.uniform(*NO_ANSWER)
    size = _scale(cities)
    b = EventBuilder(
        f"Peer convening ({cities} cities, seed {seed})",
        host_city="New Orleans, LA",
        timezone="America/Chicago",
        venue="Convention Center",
    )
    day0 = dt.datetime(2026, 4, 14)

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return day0 + dt.timedelta(days=day, hours=hour, minutes=minute)

    # -- slots: a plausible programme, more breakout slots for bigger events ------------
    breakout_times = [
        (0, 10, 45), (0, 13, 30), (1, 10, 45), (1, 13, 30), (1, 15, 15),
        (2, 9, 0), (0, 15, 15), (2, 10, 45),
    ][: size["breakout_slots"]]  # fmt: skip
    slots: list[tuple[str, dt.datetime, dt.datetime]] = []
    slots.append(("plenary", at(0, 9), at(0, 10, 30)))
    slots.append(("plenary", at(1, 9), at(1, 10, 30)))
    slots.append(("break", at(0, 10, 30), at(0, 10, 45)))
    for day, h, m in breakout_times:
        start = at(day, h, m)
        slots.append(("breakout", start, start + dt.timedelta(minutes=75)))
    slots.append(("networking", at(0, 12), at(0, 13, 15)))
    slots.append(("networking", at(1, 12), at(1, 13, 15)))
    tour_times = [(0, 17, 0), (1, 17, 0)][: size["tour_slots"]]
    if size["breakout_slots"] <= 6:
        # Small events tour in the afternoon instead of a third breakout.
        tour_times = (
            [(0, 15, 15), (1, 15, 15)][: size["tour_slots"]] if cities > 6 else [(0, 15, 15)]
        )
    for day, h, m in tour_times:
        slots.append(("tour", at(day, h, m), at(day, h + 2, m)))
    slots.append(("action_planning", at(1, 8), at(1, 8, 50)))
    slots.append(("action_planning", at(2, 12), at(2, 13)))
    if cities > 6:
        slots.append(("plenary", at(2, 13, 15), at(2, 14, 30)))
    named: dict[tuple[str, dt.datetime], tuple[str, str | None]] = {}
    if staffed:
        slots.append(("break", at(0, 8), at(0, 9)))
        slots.append(("break", at(1, 19), at(1, 21)))
        named = {
            ("break", at(0, 8)): ("Registration and breakfast", None),
            ("break", at(0, 10, 30)): ("Coffee", None),
            ("break", at(1, 19)): ("Dinner on the riverfront", "Riverfront Pavilion, 1 Canal St"),
        }
    slots.sort(key=lambda s: (s[1], s[0]))
    slot_ids: dict[str, list[str]] = {}
    for i, (kind, start, end) in enumerate(slots, 1):
        sid = f"s{i:02d}"
        title, location = named.get((kind, start), (None, None))
        b.add_slot(sid, start, end, kind, title=title, location=location)
        slot_ids.setdefault(kind, []).append(sid)
    first_start = min(s[1] for s in slots)
    last_end = max(s[2] for s in slots)

    # -- cities and people --------------------------------------------------------------
    people: list[tuple[str, tuple[str, ...]]] = []
    restricted: set[str] = set()  # late arrivals and early departures do not present
    for c in range(cities):
        cid = f"c{c:04d}"
        topics = tuple(rng.sample(TOPICS, 3))
        b.add_city(
            cid, f"City {c}", "ST", topics=list(topics), population=rng.randint(30, 900) * 1000
        )
        for j, role in enumerate(("official", "official", "partner")):
            pid = f"{cid}-{j}"
            arrives = departs = None
            roll = rng.random()
            if roll < 0.05:
                arrives = at(0, 13)  # misses the morning of day one
            elif roll < 0.10:
                departs = at(1, 17)  # leaves before the last day
            mine = tuple(rng.sample(topics, 2))
            b.add_participant(
                pid,
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                city_id=cid,
                role=role,
                topics=list(mine),
                accessible=rng.random() < 0.03,
                arrives=arrives,
                departs=departs,
            )
            people.append((pid, mine))
            if arrives or departs:
                restricted.add(pid)
    coaches = max(1, round(cities / 7)) if staffed else size["people"] - 3 * cities
    for f in range(coaches):
        pid = f"f{f:04d}"
        mine = tuple(rng.sample(TOPICS, 2))
        b.add_participant(pid, f"Facilitator {f}", role="facilitator", topics=list(mine))
        people.append((pid, mine))

    staff = [f"st{i:03d}" for i in range(max(2, cities // 10))] if staffed else []
    for i, pid in enumerate(staff):
        b.add_participant(pid, f"Staff {i}", role="staff")

    # -- rooms ----------------------------------------------------------------------------
    n = len(people) + len(staff)
    b.add_room("ballroom", "Grand Ballroom", capacity=n + 20)
    for r in range(size["rooms"]):
        cap = max(8, int(rng.lognormvariate(math.log(size["mean_room"]), 0.45)))
        b.add_room(f"r{r:03d}", f"Room {r + 1}", cap, accessible=rng.random() > 0.2)

    # -- sessions ---------------------------------------------------------------------------
    for i, sid in enumerate(slot_ids["plenary"]):
        b.add_session(
            f"plenary-{i + 1}", f"Plenary {i + 1}", "plenary", slot_id=sid, room_id="ballroom"
        )
    room_slots = size["breakout_slots"] * size["rooms"]
    runs_wanted = int(0.8 * room_slots) if cities > 6 else 2 * size["breakout_slots"]
    twice = max(1, runs_wanted // 8)
    count = runs_wanted - twice
    presenter_pool = [pid for pid, _ in people if pid not in restricted]
    rng.shuffle(presenter_pool)
    presented: dict[str, int] = {}
    popularity: dict[str, float] = {}
    by_topic: dict[str, list[str]] = {}
    presenters_of: dict[str, tuple[str, ...]] = {}
    for i in range(count):
        sid = f"b{i:04d}"
        topic = TOPICS[i % len(TOPICS)] if i < len(TOPICS) else rng.choice(TOPICS)
        presenters = []
        for _ in range(rng.choice((1, 1, 2))):
            for _try in range(20):
                pid = rng.choice(presenter_pool)
                if presented.get(pid, 0) < 2 and pid not in presenters:
                    presenters.append(pid)
                    presented[pid] = presented.get(pid, 0) + 1
                    break
        offered = 2 if i < twice else 1
        pin_slot = None
        if cities > 6 and offered == 1 and rng.random() < 0.04:
            pin_slot = rng.choice(slot_ids["breakout"])
        presenters_of[sid] = tuple(presenters)
        b.add_session(
            sid,
            f"{topic.title()} {i}",
            "breakout",
            topic=topic,
            presenters=presenters,
            slot_id=pin_slot,
            offered=offered,
        )
        popularity[sid] = rng.lognormvariate(0, 0.6) * (1.6 if offered == 2 else 1.0)
        by_topic.setdefault(topic, []).append(sid)
    # A presenter pinned in a slot must be there; keep pins consistent with arrivals.
    sessions = list(popularity)

    # -- tours ------------------------------------------------------------------------------
    tour_ids = []
    for k, sid in enumerate(slot_ids["tour"]):
        seats = 0
        batch: list[dict[str, object]] = []
        while seats < 1.25 * n:
            cap = rng.choice((12, 20, 25, 40, 50)) if cities > 6 else rng.choice((8, 10))
            dep = 1 if cities <= 6 else rng.choice((1, 1, 2, 3))
            walking = rng.random() < 0.3
            pinned = sid if rng.random() < 0.5 else None
            batch.append({"capacity": cap, "slot_id": pinned, "walking": walking,
                          "topic": rng.choice(TOPICS), "departures": dep})  # fmt: skip
            seats += cap * dep
        # Every tour slot has a bus tour of its own for people needing step-free access.
        if not any(t["slot_id"] == sid and not t["walking"] for t in batch):
            batch[0].update(slot_id=sid, walking=False)
        if staff:
            # A staff member leads the slot's own bus tour (and takes a seat on it).
            bus = next(t for t in batch if t["slot_id"] == sid and not t["walking"])
            bus["leaders"] = [staff[k % len(staff)]]
        for t, spec in enumerate(batch):
            tid = f"t{k}{t:02d}"
            b.add_tour(tid, f"Tour {k}-{t}", meeting_point="Main lobby", **spec)  # type: ignore[arg-type]
            tour_ids.append(tid)

    # -- preferences ------------------------------------------------------------------------
    presents: dict[str, set[str]] = {}
    for sid, names in presenters_of.items():
        for pid in names:
            presents.setdefault(pid, set()).add(sid)
    for pid, mine in people:
        weights = [
            popularity[s] * (4.0 if any(s in by_topic.get(t, ()) for t in mine) else 1.0)
            for s in sessions
        ]
        chosen: list[str] = []
        # Nobody ranks a session they present (they cannot attend it as a participant).
        own = presents.get(pid, set())
        pool = [(s, w) for s, w in zip(sessions, weights, strict=True) if s not in own]
        wanted = min(8, len(pool))
        while len(chosen) < wanted:
            total = sum(w for _, w in pool)
            x = rng.random() * total
            for idx, (s, w) in enumerate(pool):
                x -= w
                if x <= 0:
                    chosen.append(s)
                    pool.pop(idx)
                    break
            else:
                chosen.append(pool.pop()[0])
        tours = rng.sample(tour_ids, min(3, len(tour_ids)))
        if profile == "realistic":
            if answers.random() < no_answer:
                continue
            chosen = chosen[: answers.randint(*RANKED_SESSIONS)]
            tours = tours[: answers.randint(*RANKED_TOURS)]
        for rank, s in enumerate(chosen, 1):
            b.add_preference(pid, s, rank)
        for rank, tid in enumerate(tours, 1):
            b.add_preference(pid, tid, rank)
    del first_start, last_end
    if extend is not None:
        extend(b, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = b.build()
        if staffed:
            event = _step_away(event, random.Random(seed * 7 + cities), presenters_of)
        return event


def _step_away(
    event: Event, rng: random.Random, presenters_of: dict[str, tuple[str, ...]]
) -> Event:
    """A few presenters of unpinned sessions are away for one breakout slot (a call)."""
    import attrs

    pinned = {s.session_id for s in event.sessions if s.slot_id is not None}
    talks: dict[str, list[str]] = {}
    for sid, names in presenters_of.items():
        for pid in names:
            talks.setdefault(pid, []).append(sid)
    free = sorted(
        pid for pid, sids in talks.items() if len(sids) == 1 and not pinned.intersection(sids)
    )
    breakouts = [s.slot_id for s in event.slots_of("breakout")]
    away = {pid: rng.choice(breakouts) for pid in rng.sample(free, min(3, len(free)))}
    people = tuple(
        attrs.evolve(p, away=(away[p.participant_id],)) if p.participant_id in away else p
        for p in event.participants
    )
    return attrs.evolve(event, participants=people)


def peer_exchange() -> Event:
    """The 4-city peer exchange of the benchmark table (about 15 people)."""
    return make_event(4, seed=0)


if __name__ == "__main__":
    cities = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    event = make_event(
        cities,
        seed=int(sys.argv[2]) if len(sys.argv) > 2 else 0,
        profile=sys.argv[3] if len(sys.argv) > 3 else "ranked",
    )
    print(
        f"{event.name}: {len(event.participants)} people, {len(event.rooms)} rooms, "
        f"{len(event.slots)} slots, {len(event.sessions)} sessions "
        f"({sum(s.offered for s in event.sessions)} runs), {len(event.tours)} tours, "
        f"{len(event.preferences)} preferences"
    )
