"""Improve a placement by local search on what people would actually get.

CP-SAT places runs on a proxy (pairwise clash weights), which misses how a
person's whole set of wishes falls across slots. This local search scores a
placement the way people experience it: each person takes their ranked
sessions best first into free slots (a greedy capacity-free assignment);
runs that more people pick than they seat lose the points of the overflow;
same-topic sessions in one slot cost ``topic_penalty``.

Moves swap the (slot, room) cells of two runs, or move a run to an empty cell,
keeping every run rule (pins, presenters, seats and step-free seats per slot).
Only people who ranked a moved session are re-scored, so a move costs
microseconds. Moves are drawn from a seeded generator and the search stops
after a fixed number of moves (or the wall-clock cap, whichever comes first),
so it is reproducible unless the cap is hit.
"""

from __future__ import annotations

import logging
import math
import random
import time

from convening.model import SlotKind
from convening.solvers.instance import AgendaInstance, topic_pairs

__all__ = ["improve_placement"]

logger = logging.getLogger(__name__)


class _Search:
    def __init__(
        self,
        inst: AgendaInstance,
        placement: dict[str, list[tuple[str, str]]],
        topic_penalty: float,
    ) -> None:
        self.inst = inst
        self.topic_penalty = topic_penalty
        self.sessions = {s.session_id: s for s in inst.sessions}
        self.options = {
            sid: {(k, r): c for k, r, c in info.options} for sid, info in inst.info.items()
        }
        self.cell: dict[tuple[str, int], tuple[str, str]] = {}
        self.occupant: dict[tuple[str, str], tuple[str, int]] = {}
        for sid, runs in placement.items():
            for i, (k, r) in enumerate(runs):
                self.cell[(sid, i)] = (k, r)
                self.occupant[(k, r)] = (sid, i)
        self.kind_slots = {
            kind: [s.slot_id for s in inst.session_slots[kind]]
            for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT)
        }
        self.need = {k: len(v) for k, v in inst.present.items()}
        self.need_sf = {
            k: sum(1 for p in v if p in inst.accessible) for k, v in inst.present.items()
        }
        self.seats_in: dict[str, int] = {}
        self.sf_in: dict[str, int] = {}
        for (sid, _i), (k, r) in self.cell.items():
            c = self.options[sid][(k, r)]
            self.seats_in[k] = self.seats_in.get(k, 0) + c
            if inst.room_accessible(r):
                self.sf_in[k] = self.sf_in.get(k, 0) + c
        self.busy: dict[tuple[str, str], int] = {}
        for (sid, _i), (k, _r) in self.cell.items():
            for p in self.sessions[sid].presenters:
                self.busy[(p, k)] = self.busy.get((p, k), 0) + 1
        topics: dict[str, list[str]] = {}
        for a, b in topic_pairs(inst):
            topics.setdefault(a, []).append(b)
            topics.setdefault(b, []).append(a)
        self.topics = topics
        # People's wishes: ranked sessions best first, with their present slots.
        self.wishes: dict[str, list[tuple[int, str]]] = {}
        self.fans: dict[str, list[str]] = {}
        self.present_slots: dict[str, frozenset[str]] = {}
        for person in inst.people:
            pid = person.participant_id
            mine = [
                (pts, sid)
                for sid, pts in inst.scores.get(pid, {}).items()
                if sid in self.sessions and not inst.is_presenting(pid, sid)
            ]
            mine.sort(key=lambda x: (-x[0], x[1]))
            self.wishes[pid] = mine
            for _pts, sid in mine:
                self.fans.setdefault(sid, []).append(pid)
            busy_slots = {k for (pp, k) in self.busy if pp == pid}
            self.present_slots[pid] = frozenset(
                k for kind in self.kind_slots.values() for k in kind
                if pid in inst.present_sets[k] and k not in busy_slots
            )  # fmt: skip
        self.runs_of: dict[str, list[str]] = {}
        self.room_at: dict[tuple[str, str], str] = {}
        self._rebuild_runs_of()
        self.choice: dict[str, list[tuple[str, str, int]]] = {}
        self.value: dict[str, int] = {}
        self.load: dict[tuple[str, str], int] = {}
        for pid in self.wishes:
            self._score_person(pid)

    def _rebuild_runs_of(self, sids: list[str] | None = None) -> None:
        for sid in sids if sids is not None else list(self.sessions):
            for k in self.runs_of.get(sid, ()):
                self.room_at.pop((sid, k), None)
            for i in range(self.sessions[sid].offered):
                if (sid, i) in self.cell:
                    k, r = self.cell[(sid, i)]
                    self.room_at[(sid, k)] = r
            self.runs_of[sid] = sorted(
                self.cell[(sid, i)][0]
                for i in range(self.sessions[sid].offered)
                if (sid, i) in self.cell
            )

    def _score_person(self, pid: str) -> None:
        free = set(self.present_slots[pid])
        picks: list[tuple[str, str, int]] = []
        total = 0
        for pts, sid in self.wishes[pid]:
            for k in self.runs_of.get(sid, ()):
                if k in free:
                    free.discard(k)
                    picks.append((sid, k, pts))
                    total += pts
                    break
        self.choice[pid] = picks
        self.value[pid] = total
        for sid, k, _pts in picks:
            self.load[(sid, k)] = self.load.get((sid, k), 0) + 1

    def _unscore_person(self, pid: str) -> None:
        for sid, k, _pts in self.choice[pid]:
            self.load[(sid, k)] -= 1

    def _free(self, sid: str, k: str) -> int:
        r = self.room_at.get((sid, k))
        if r is None:
            return 10**9
        return self.options[sid][(k, r)] - len(self.sessions[sid].presenters)

    def overflow(self, sid: str, k: str) -> float:
        """Points lost where more people pick a run than it seats (about 4 points each)."""
        return 4.0 * max(0, self.load.get((sid, k), 0) - self._free(sid, k))

    def _cells_of(self, sid: str) -> list[tuple[tuple[str, int], tuple[str, str]]]:
        return [
            ((sid, i), self.cell[(sid, i)])
            for i in range(self.sessions[sid].offered)
            if (sid, i) in self.cell
        ]

    def topic_cost(self, sid: str) -> float:
        slots = set(self.runs_of.get(sid, ()))
        return self.topic_penalty * sum(
            1 for o in self.topics.get(sid, ()) if slots & set(self.runs_of.get(o, ()))
        )

    def local_value(self, sids: list[str], people: list[str], runs: set[tuple[str, str]]) -> float:
        return (
            sum(self.value[p] for p in people)
            - sum(self.overflow(s, k) for s, k in runs)
            - sum(self.topic_cost(s) for s in sids)
        )

    def try_move(self, run: tuple[str, int], target: tuple[str, str]) -> float | None:
        """Apply the move if it keeps the rules; return the value change (None: not allowed)."""
        sid_a = run[0]
        src = self.cell[run]
        if target == src or target not in self.options[sid_a]:
            return None
        other = self.occupant.get(target)
        if other is not None and src not in self.options[other[0]]:
            return None
        k1, r1 = src
        k2, r2 = target
        sa = self.sessions[sid_a]
        if k2 != k1 and k2 in self.runs_of[sid_a]:
            return None
        if other is not None:
            sb = self.sessions[other[0]]
            if other[0] == sid_a:
                return None
            if k2 != k1 and k1 in self.runs_of[other[0]]:
                return None
        else:
            sb = None
        if k1 != k2:
            for p in sa.presenters:
                if (
                    self.busy.get((p, k2), 0) - (1 if sb is not None and p in sb.presenters else 0)
                    > 0
                ):
                    return None
            if sb is not None:
                for p in sb.presenters:
                    if self.busy.get((p, k1), 0) - (1 if p in sa.presenters else 0) > 0:
                        return None
        # Seats per slot.
        ca_old, ca_new = self.options[sid_a][src], self.options[sid_a][target]
        cb_old = self.options[sb.session_id][target] if sb is not None else 0
        cb_new = self.options[sb.session_id][src] if sb is not None else 0
        delta_seats = {k1: -ca_old + cb_new, k2: ca_new - cb_old}
        if k1 == k2:
            delta_seats = {k1: -ca_old + cb_new + ca_new - cb_old}
        acc = self.inst.room_accessible
        delta_sf: dict[str, int] = {}
        delta_sf[k1] = (
            delta_sf.get(k1, 0) - (ca_old if acc(r1) else 0) + (cb_new if acc(r1) else 0)
        )
        delta_sf[k2] = (
            delta_sf.get(k2, 0) + (ca_new if acc(r2) else 0) - (cb_old if acc(r2) else 0)
        )
        for k, d in delta_seats.items():
            if d < 0 and self.seats_in.get(k, 0) + d < self.need.get(k, 0):
                return None
        for k, d in delta_sf.items():
            if d < 0 and self.sf_in.get(k, 0) + d < self.need_sf.get(k, 0):
                return None
        sids = [sid_a] + ([sb.session_id] if sb is not None else [])
        touched = set(sids)
        for s in sids:
            touched.update(self.topics.get(s, ()))
        topic_sids = sorted(touched)
        people = sorted({p for s in sids for p in self.fans.get(s, ())})
        runs_before = {(s, k) for p in people for s, k, _ in self.choice[p]}
        for s in sids:
            runs_before |= {(s, k1), (s, k2)}
        value_before = sum(self.value[p] for p in people)
        over_before = sum(self.overflow(s, k) for s, k in runs_before)
        topic_before = sum(self.topic_cost(s) for s in topic_sids)
        old_choice = {p: self.choice[p] for p in people}
        old_value = {p: self.value[p] for p in people}
        self._apply(run, other, src, target, delta_seats, delta_sf)
        for p in people:
            self._unscore_person(p)
        picked: dict[tuple[str, str], int] = {}
        for p in people:
            self._score_person(p)
            for s, k, _ in self.choice[p]:
                picked[(s, k)] = picked.get((s, k), 0) + 1
        new_runs = set(picked) - runs_before
        for s, k in new_runs:
            # Untouched by the move except for the newly arrived pickers.
            free = self._free(s, k)
            over_before += 4.0 * max(0, self.load.get((s, k), 0) - picked[(s, k)] - free)
        value_after = sum(self.value[p] for p in people)
        over_after = sum(self.overflow(s, k) for s, k in runs_before | new_runs)
        topic_after = sum(self.topic_cost(s) for s in topic_sids)
        self._undo = (
            run,
            other,
            src,
            target,
            delta_seats,
            delta_sf,
            people,
            old_choice,
            old_value,
        )
        return (
            (value_after - value_before)
            - (over_after - over_before)
            - (topic_after - topic_before)
        )

    def _apply(self, run, other, src, target, delta_seats, delta_sf) -> None:  # type: ignore[no-untyped-def]
        self.cell[run] = target
        self.occupant[target] = run
        if other is not None:
            self.cell[other] = src
            self.occupant[src] = other
        else:
            del self.occupant[src]
        for k, d in delta_seats.items():
            self.seats_in[k] = self.seats_in.get(k, 0) + d
        for k, d in delta_sf.items():
            self.sf_in[k] = self.sf_in.get(k, 0) + d
        k1, k2 = src[0], target[0]
        if k1 != k2:
            for p in self.sessions[run[0]].presenters:
                self.busy[(p, k1)] -= 1
                self.busy[(p, k2)] = self.busy.get((p, k2), 0) + 1
            if other is not None:
                for p in self.sessions[other[0]].presenters:
                    self.busy[(p, k2)] -= 1
                    self.busy[(p, k1)] = self.busy.get((p, k1), 0) + 1
        self._rebuild_runs_of([run[0]] + ([other[0]] if other is not None else []))

    def undo(self) -> None:
        run, other, src, target, delta_seats, delta_sf, people, old_choice, old_value = self._undo
        for p in people:
            self._unscore_person(p)
        neg = {k: -d for k, d in delta_seats.items()}
        neg_sf = {k: -d for k, d in delta_sf.items()}
        if other is not None:
            self._apply(run, other, target, src, neg, neg_sf)
        else:
            self.cell[run] = src
            self.occupant[src] = run
            del self.occupant[target]
            for k, d in neg.items():
                self.seats_in[k] = self.seats_in.get(k, 0) + d
            for k, d in neg_sf.items():
                self.sf_in[k] = self.sf_in.get(k, 0) + d
            k1, k2 = src[0], target[0]
            if k1 != k2:
                for p in self.sessions[run[0]].presenters:
                    self.busy[(p, k2)] -= 1
                    self.busy[(p, k1)] = self.busy.get((p, k1), 0) + 1
            self._rebuild_runs_of([run[0]])
        for p in people:
            self.choice[p] = old_choice[p]
            self.value[p] = old_value[p]
            for sid, k, _pts in old_choice[p]:
                self.load[(sid, k)] = self.load.get((sid, k), 0) + 1

    def placement(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {sid: [] for sid in self.sessions}
        for (sid, _i), cell in self.cell.items():
            out[sid].append(cell)
        return {sid: sorted(v) for sid, v in sorted(out.items())}

    def total(self) -> float:
        runs = {(sid, k) for (sid, _i), (k, _r) in self.cell.items()}
        return (
            sum(self.value.values())
            - sum(self.overflow(s, k) for s, k in runs)
            - sum(self.topic_cost(s) for s in self.sessions) / 2
        )


def improve_placement(
    inst: AgendaInstance,
    placement: dict[str, list[tuple[str, str]]],
    *,
    moves: int,
    seed: int = 0,
    time_cap: float = 60.0,
    topic_penalty: float = 20.0,
) -> tuple[dict[str, list[tuple[str, str]]], bool]:
    """Improve ``placement`` by up to ``moves`` local-search moves (fewer once it stalls).

    Returns the improved placement and whether the search ran to its move
    count (``False``: the wall-clock cap stopped it, so it may not be reproducible).
    """
    search = _Search(inst, placement, topic_penalty)
    rng = random.Random(seed)
    runs = sorted(search.cell)
    if not runs:
        return placement, True
    start = time.perf_counter()
    before = search.total()
    accepted = 0
    completed = True
    # Simulated annealing: the temperature falls geometrically from t0 to t1 points.
    t0, t1 = 0.5, 0.01
    value = before
    best_value, best = before, search.placement()
    # Stop once no move has improved for a while: a count, so it is reproducible.
    stall = max(2000, 30 * len(runs))
    last_gain = 0
    for i in range(moves):
        if i - last_gain > stall:
            break
        if i % 256 == 0 and time.perf_counter() - start > time_cap:
            completed = False
            break
        temperature = t0 * (t1 / t0) ** (i / moves)
        run = runs[rng.randrange(len(runs))]
        options = list(search.options[run[0]])
        target = options[rng.randrange(len(options))]
        delta = search.try_move(run, target)
        if delta is None:
            continue
        if delta >= 0 or rng.random() < math.exp(delta / temperature):
            accepted += 1
            value += delta
            if value > best_value + 1e-9:
                last_gain = i
                best_value, best = value, search.placement()
        else:
            search.undo()
    final = best
    after = search.total()
    logger.info(
        "local search: %d moves accepted in %.2fs, proxy %.0f -> %.0f",
        accepted,
        time.perf_counter() - start,
        before,
        after,
    )
    return final, completed
