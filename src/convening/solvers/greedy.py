"""A greedy agenda: the baseline every solver result is compared with, and a warm start.

Placement puts pinned runs first, then the other session runs one at a time,
most wanted first, in the free (slot, room) that serves the most expected
demand, avoids sessions the same people want and sessions on the same topic,
and still leaves every slot enough seats for the people present.

Assignment is a snake draft: people (in a seeded random order) take turns
picking their best-ranked session still open in a slot where they are free,
the order reversing each round so nobody always picks last; afterwards
everyone still free in a slot takes a run they may join away from their
delegation (or with it, for ``together``), on their own or their city's
topics, with the fewest people (the greedy reference for unranked places). Tours run
the same way, one pick per tour slot.

Greedy can fail (a slot left without enough seats for the people still free);
it then returns ``None`` and the caller carries on without it.
"""

from __future__ import annotations

import logging
import random

from convening.model import SlotKind
from convening.solvers.instance import (
    AgendaInstance,
    AgendaResult,
    Placement,
    clash_weights,
    demand,
    presenting_in,
    topic_pairs,
)

__all__ = ["assign_greedy", "place_greedy", "solve_greedy", "tours_greedy"]

logger = logging.getLogger(__name__)

#: Points lost per seat a slot still lacks; placement covers every slot first.
_SEAT_NEED_WEIGHT = 100.0
#: Points lost for two sessions on one topic in one slot.
_TOPIC_WEIGHT = 50.0


def place_greedy(inst: AgendaInstance) -> dict[str, list[tuple[str, str]]] | None:
    """Place every session run into a (slot, room); ``None`` if greedy gets stuck."""
    dem = demand(inst)
    clash = clash_weights(inst)
    topics: dict[str, set[str]] = {}
    for a, b in topic_pairs(inst):
        topics.setdefault(a, set()).add(b)
        topics.setdefault(b, set()).add(a)
    used: set[tuple[str, str]] = set()
    in_slot: dict[str, list[str]] = {}
    seats: dict[str, int] = {}
    step_free_seats: dict[str, int] = {}
    placement: dict[str, list[tuple[str, str]]] = {s.session_id: [] for s in inst.sessions}
    busy: set[tuple[str, str]] = set()  # (presenter, slot)
    need = {k: len(v) for k, v in inst.present.items()}
    need_step_free = {
        k: sum(1 for p in v if p in inst.accessible) for k, v in inst.present.items()
    }

    total_heads: dict[str, float] = {}
    for (s, _k), v in dem.items():
        total_heads[s] = total_heads.get(s, 0.0) + v[0]

    def heads(sid: str) -> float:
        return total_heads.get(sid, 0.0)

    # Constrained sessions first (pins, few options), then the most wanted.
    order = sorted(
        inst.sessions,
        key=lambda s: (len(inst.info[s.session_id].options), -heads(s.session_id), s.session_id),
    )
    for session in order:
        sid = session.session_id
        for _ in range(session.offered):
            best: tuple[float, str, str, int] | None = None
            # What running here costs the people who want it and its topic: per slot, not room.
            lost_in: dict[str, float] = {}
            for slot_id in {k for k, _r, _c in inst.info[sid].options}:
                others = in_slot.get(slot_id, [])
                lost = sum(clash.get((min(sid, o), max(sid, o)), 0.0) for o in others)
                lost += _TOPIC_WEIGHT * sum(1 for o in others if o in topics.get(sid, ()))
                lost_in[slot_id] = lost
            for slot_id, room_id, cap in inst.info[sid].options:
                if (slot_id, room_id) in used or any(k == slot_id for k, _ in placement[sid]):
                    continue
                if any((p, slot_id) in busy for p in session.presenters):
                    continue
                h, pts = dem.get((sid, slot_id), (0.0, 0.0))
                per_head = pts / h if h else 0.0
                served = min(h / session.offered, cap - len(session.presenters)) * per_head
                lost = lost_in[slot_id]
                gap = max(0, need[slot_id] - seats.get(slot_id, 0))
                covered = min(gap, cap) * _SEAT_NEED_WEIGHT
                if inst.room_accessible(room_id):
                    gap_sf = max(0, need_step_free[slot_id] - step_free_seats.get(slot_id, 0))
                    covered += min(gap_sf, cap) * _SEAT_NEED_WEIGHT
                waste = max(0.0, cap - h / session.offered) * 0.01
                value = served - lost + covered - waste
                if best is None or value > best[0]:
                    best = (value, slot_id, room_id, cap)
            if best is None:
                logger.debug("greedy placement: no room left for %s", sid)
                return None
            _, slot_id, room_id, cap = best
            used.add((slot_id, room_id))
            placement[sid].append((slot_id, room_id))
            in_slot.setdefault(slot_id, []).append(sid)
            seats[slot_id] = seats.get(slot_id, 0) + cap
            if inst.room_accessible(room_id):
                step_free_seats[slot_id] = step_free_seats.get(slot_id, 0) + cap
            for p in session.presenters:
                busy.add((p, slot_id))
    for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
        for slot in inst.session_slots[kind]:
            k = slot.slot_id
            if seats.get(k, 0) < need[k] or step_free_seats.get(k, 0) < need_step_free[k]:
                logger.debug("greedy placement: slot %s lacks seats", k)
                return None
    return {sid: sorted(runs) for sid, runs in sorted(placement.items())}


def assign_greedy(
    inst: AgendaInstance, placement: Placement, seed: int = 0, spread: str = "spread"
) -> dict[tuple[str, str], str] | None:
    """Assign people to session runs by snake draft; ``None`` if someone cannot be seated.

    People left without a ranked run go, in order of concern, where their
    delegation is not (``spread``; where it is for ``"together"``), to a session
    on their own or their city's topics, then to the run with the fewest people.
    """
    rng = random.Random(seed)
    runs: dict[str, list[tuple[str, str, int]]] = {}  # slot -> [(sid, room, seats)]
    for sid in sorted(placement):
        for slot_id, room_id in placement[sid]:
            cap = next(c for k, r, c in inst.info[sid].options if k == slot_id and r == room_id)
            runs.setdefault(slot_id, []).append((sid, room_id, cap))
    presenting = presenting_in(inst, placement)
    load: dict[tuple[str, str], int] = {}
    for (_pid, slot_id), sid in presenting.items():
        load[(sid, slot_id)] = load.get((sid, slot_id), 0) + 1
    cap_of = {(sid, k): c for k, rs in runs.items() for sid, _r, c in rs}
    room_of = {(sid, k): r for k, rs in runs.items() for sid, r, _c in rs}
    attends: dict[tuple[str, str], str] = {}
    seen: dict[str, set[str]] = {p.participant_id: set() for p in inst.people}
    free: dict[str, list[str]] = {}
    city = {p.participant_id: p.city_id for p in inst.people}
    for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
        for slot in inst.session_slots[kind]:
            for pid in inst.present[slot.slot_id]:
                if (pid, slot.slot_id) not in presenting:
                    free.setdefault(pid, []).append(slot.slot_id)

    def may_join(pid: str, sid: str, k: str) -> bool:
        if (sid, k) not in cap_of or load.get((sid, k), 0) >= cap_of[(sid, k)]:
            return False
        if sid in seen[pid] or inst.is_presenting(pid, sid):
            return False
        return pid not in inst.accessible or inst.room_accessible(room_of[(sid, k)])

    def take(pid: str, sid: str, k: str) -> None:
        attends[(pid, k)] = sid
        seen[pid].add(sid)
        load[(sid, k)] = load.get((sid, k), 0) + 1
        free[pid].remove(k)

    order = sorted(free)
    rng.shuffle(order)
    runs_of: dict[str, list[str]] = {}
    for sid, rs in placement.items():
        runs_of[sid] = [k for k, _r in rs]
    wishes = {
        pid: sorted(inst.scores.get(pid, {}).items(), key=lambda x: (-x[1], x[0])) for pid in order
    }
    rounds = max((len(v) for v in free.values()), default=0)
    for r in range(rounds):
        for pid in order if r % 2 == 0 else reversed(order):
            if not free[pid]:
                continue
            for sid, _pts in wishes[pid]:
                ks = [k for k in runs_of.get(sid, []) if k in free[pid] and may_join(pid, sid, k)]
                if ks:
                    # The emptiest run, so a second run relieves the first.
                    k = min(ks, key=lambda k: (load.get((sid, k), 0) / cap_of[(sid, k)], k))
                    take(pid, sid, k)
                    break
    # Who the draft seated, by slot: seating a slot's rest adds only to that slot, so its
    # delegations are counted from this once, not from every seat of the event per slot.
    seated: dict[str, list[tuple[str, str]]] = {}
    for (q, kk), sid in [*attends.items(), *presenting.items()]:
        seated.setdefault(kk, []).append((q, sid))
    # Whoever is still free takes the emptiest run they may join; step-free needs first.
    for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
        for slot in inst.session_slots[kind]:
            k = slot.slot_id
            waiting = [pid for pid in inst.present[k] if k in free.get(pid, [])]
            waiting.sort(key=lambda pid: (pid not in inst.accessible, pid))
            # Delegations count in breakouts only, as in the metric.
            sign = {"spread": 1, "together": -1}.get(spread, 0)
            sign = sign if kind is SlotKind.BREAKOUT else 0
            mates: dict[tuple[str, str], int] = {}
            for q, sid in seated.get(k, ()):
                theirs = city.get(q)
                if theirs is not None:
                    mates[(theirs, sid)] = mates.get((theirs, sid), 0) + 1
            for pid in waiting:
                options = [sid for sid, _r, _c in runs.get(k, []) if may_join(pid, sid, k)]
                if not options:
                    return None
                home = city.get(pid)
                # Delegation, then topics, then the run with fewest people, then fill.
                ranked = [
                    (
                        sign * mates.get((home or "", s), 0),
                        -inst.likes.get((pid, s), 0),
                        load.get((s, k), 0),
                        load.get((s, k), 0) / cap_of[(s, k)],
                        s,
                    )
                    for s in options
                ]
                sid = min(ranked)[-1]
                take(pid, sid, k)
                if home is not None:
                    mates[(home, sid)] = mates.get((home, sid), 0) + 1
    return dict(sorted(attends.items()))


def tours_greedy(
    inst: AgendaInstance, seed: int = 0
) -> tuple[dict[str, str], dict[tuple[str, str], str]] | None:
    """Place tours in tour slots and seat riders greedily; ``None`` if stuck."""
    rng = random.Random(seed)
    if not inst.tour_slots:
        return {}, {}
    need = {s.slot_id: len(inst.present[s.slot_id]) for s in inst.tour_slots}
    seats = dict.fromkeys(need, 0)
    wanted: dict[tuple[str, str], float] = {}
    for p in inst.people:
        for tid, pts in inst.scores.get(p.participant_id, {}).items():
            if tid in inst.event.tour_by_id:
                for k in inst.slots_present(p.participant_id, SlotKind.TOUR):
                    wanted[(tid, k)] = wanted.get((tid, k), 0.0) + pts
    tour_slot: dict[str, str] = {}
    order = sorted(inst.tours, key=lambda t: (len(inst.tour_options(t)), -t.seats, t.tour_id))
    for tour in order:
        co_led = inst.co_led(tour.tour_id)
        options = [
            k for k in inst.tour_options(tour) if not any(tour_slot.get(t) == k for t in co_led)
        ]
        if not options:
            return None
        k = max(
            options,
            key=lambda k: (max(0, need[k] - seats[k]), wanted.get((tour.tour_id, k), 0.0), k),
        )
        tour_slot[tour.tour_id] = k
        seats[k] += tour.seats
    load = dict.fromkeys(tour_slot, 0)
    rides: dict[tuple[str, str], str] = {}
    tours_in: dict[str, list[str]] = {}
    for tid, k in sorted(tour_slot.items()):
        tours_in.setdefault(k, []).append(tid)
    by_id = inst.event.tour_by_id

    def ok(pid: str, tid: str) -> bool:
        tour = by_id[tid]
        return load[tid] < tour.seats and not (pid in inst.accessible and tour.walking)

    for slot in inst.tour_slots:
        k = slot.slot_id
        leaders = inst.leader_rides(k, tours_in.get(k, [])) or {}
        for pid, tid in sorted(leaders.items()):
            if pid in inst.present_sets[k]:
                rides[(pid, k)] = tid
                load[tid] += 1
        people = [pid for pid in inst.present[k] if (pid, k) not in rides]
        rng.shuffle(people)
        people.sort(key=lambda pid: pid not in inst.accessible)  # step-free needs first
        left = []
        for pid in people:
            mine = sorted(
                (
                    (pts, tid)
                    for tid, pts in inst.scores.get(pid, {}).items()
                    if tid in by_id and tour_slot.get(tid) == k
                ),
                key=lambda x: (-x[0], x[1]),
            )
            choice = next((tid for _pts, tid in mine if ok(pid, tid)), None)
            if choice is None:
                left.append(pid)
            else:
                rides[(pid, k)] = choice
                load[choice] += 1
        for pid in left:
            options = [tid for tid in tours_in.get(k, []) if ok(pid, tid)]
            if not options:
                return None
            tid = min(options, key=lambda t: (load[t] / by_id[t].seats, t))
            rides[(pid, k)] = tid
            load[tid] += 1
    return tour_slot, dict(sorted(rides.items()))


def solve_greedy(
    inst: AgendaInstance, seed: int = 0, spread: str = "spread"
) -> AgendaResult | None:
    """The whole greedy agenda, or ``None`` if any stage gets stuck.

    ``spread`` places people without a ranked run as in :func:`assign_greedy`.
    """
    placement = place_greedy(inst)
    if placement is None:
        return None
    attends = assign_greedy(inst, placement, seed, spread)
    if attends is None:
        return None
    tours = tours_greedy(inst, seed)
    if tours is None:
        return None
    return AgendaResult(placement, attends, tours[0], tours[1])
