"""A quick greedy reference for where people who did not rank a session sit.

:func:`reseat_unranked` takes a plan, lifts out every breakout place its
holder did not rank, and seats those people again one at a time, in a seeded
order: each takes, among the runs of the slot with a free seat they may join
(step-free room if they need it, a session they do not attend in another
slot), the one with the fewest members of their delegation, then on one of
their own topics, then on one of their city's, then with the fewest people.
Placement and ranked places are the plan's own, so the unranked metrics of the
two plans compare the seating of the unranked alone.
"""

from __future__ import annotations

import random
from collections import Counter

import attrs

from convening.model import Event, SlotKind
from convening.plan import ActivityKind, Plan
from convening.scoring import interests, rank_points

__all__ = ["reseat_unranked"]


def reseat_unranked(event: Event, plan: Plan, seed: int = 0) -> Plan:
    """``plan`` with its unranked breakout places re-seated greedily (see the module docstring)."""
    rng = random.Random(seed)
    runs = list(plan.runs)
    breakout = {s.slot_id for s in event.slots_of(SlotKind.BREAKOUT)}
    people: dict[int, list[str]] = {}
    waiting: dict[str, list[str]] = {}
    for i, run in enumerate(runs):
        if run.kind is not ActivityKind.BREAKOUT or run.slot_id not in breakout:
            continue
        presenters = event.session_by_id[run.activity_id].presenters
        keep = []
        for pid in run.attendees:
            ranked = rank_points(event.ranks_of(pid).get(run.activity_id)) > 0
            if pid in presenters or ranked:
                keep.append(pid)
            else:
                waiting.setdefault(run.slot_id, []).append(pid)
        people[i] = keep
    seen: dict[str, set[str]] = {}
    for i, keep in people.items():
        for pid in keep:
            seen.setdefault(pid, set()).add(runs[i].activity_id)
    for slot in event.slots_of(SlotKind.BREAKOUT):
        here = [i for i in people if runs[i].slot_id == slot.slot_id]
        # What each run offers, and its delegations, counted once and kept up to date
        # (a slot of a 1,700-city event seats thousands among a hundred runs).
        seats, step_free, topic, cities = {}, {}, {}, {}
        for i in here:
            run = runs[i]
            session = event.session_by_id[run.activity_id]
            room = event.room_by_id[run.room_id or ""]
            seats[i] = min(room.capacity, session.capacity or room.capacity)
            step_free[i] = room.accessible
            topic[i] = (session.topic or "").strip().casefold()
            cities[i] = Counter(event.participant_by_id[q].city_id for q in people[i])
        order = sorted(waiting.get(slot.slot_id, []))
        rng.shuffle(order)
        # People needing step-free access choose first, while accessible seats are left.
        order.sort(key=lambda pid: not event.participant_by_id[pid].accessible)
        for pid in order:
            person = event.participant_by_id[pid]
            own, home = interests(event, pid)
            mine = seen.get(pid, ())
            options = []
            for i in here:
                if len(people[i]) >= seats[i] or runs[i].activity_id in mine:
                    continue
                if person.accessible and not step_free[i]:
                    continue
                mates = cities[i][person.city_id] if person.city_id is not None else 0
                options.append(
                    (mates, topic[i] not in own, topic[i] not in home, len(people[i]), i)
                )
            if not options:
                raise RuntimeError(f"no free seat for {pid} in slot {slot.slot_id}")
            best = min(options)[-1]
            people[best].append(pid)
            cities[best][person.city_id] += 1
            seen.setdefault(pid, set()).add(runs[best].activity_id)
    for i, keep in people.items():
        runs[i] = attrs.evolve(runs[i], attendees=keep)
    return attrs.evolve(plan, runs=tuple(runs))
