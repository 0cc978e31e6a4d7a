"""Improve a placement by simulated annealing on what people would actually get.

CP-SAT and the greedy draft place runs on proxies (expected demand, pairwise
clash weights), which miss how a person's whole set of wishes falls across
slots. This search scores a placement the way people experience it:

``value``
    For every person and every slot they are free for (present, not
    presenting), the points of their best-ranked session running in that
    slot; a session offered several times counts once (the person attends it
    where it is worth most, and takes their next best in the other slots).
    Ranks are distinct, so per person and slot the ranked sessions running
    there form a bit mask of scores (bit ``v`` for a ``v``-point session) and
    the best is its highest bit. For a person needing step-free access, a
    session counts only when its room is step-free (they cannot attend it
    otherwise), so a room change within a slot can change the value too.
``overflow``
    Minus :data:`OVERFLOW_POINTS` for each person beyond a run's free seats
    among those whose best session in that slot it is (they will be seated in
    something worth less).
``topic``
    Minus ``topic_penalty`` for each extra same-topic session in one slot
    (two on one topic in one slot = 1, as in :mod:`convening.metrics`).
``crowd``
    Minus ``crowd_points`` for each person of a breakout slot who can only be
    seated in a run nobody there asked for beyond a fair size. A run offers its
    seats up to :data:`CROWD_SHARE` times the mean people per breakout run, or
    more when that many people's best session in the slot it is; people present
    beyond what the slot's runs offer so will fill a big room (the ballroom)
    with people who did not choose its session, while the other rooms of the
    slot are full. People who ranked nothing have no ``value`` here, so this is
    where the search weighs their seats.

Moves put a run in another (slot, room) cell, swapping with the run there if
any, keeping every run rule (pins, presenters in one place, one run of a
session per slot, seats and step-free seats for everyone present). A move
touches only the people who ranked or present a moved session, and is
evaluated with a few vectorised NumPy operations on them, so a move costs tens
of microseconds; a rejected move (most of them) is undone by restoring the
state saved before it, not by scoring the reverse move. Moves are drawn from a seeded generator and the search stops
after a fixed number of moves, so it is reproducible; the wall-clock cap is a
safety net only (hitting it is reported).

Moving one run at a time, the search never swaps two slots' whole programmes,
yet slots differ in who is present (late arrivals, early departures). After
each annealing cycle, whole breakout slots trade places when people gain
(:meth:`PlacementSearch.reorder_slots`).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import numpy as np

from convening.model import SlotKind
from convening.parallel import chain_seed, run_chains
from convening.solvers.clock import Clock
from convening.solvers.instance import AgendaInstance

__all__ = ["CROWD_POINTS", "OVERFLOW_POINTS", "PlacementSearch", "improve_placement"]

logger = logging.getLogger(__name__)

#: Points lost per person picking a run beyond its free seats.
OVERFLOW_POINTS = 4.0
#: Points lost per person a breakout slot can seat only in an oversized run (``crowd``).
CROWD_POINTS = 1.0
#: A run counts at most this many times the mean people per breakout run as seats for
#: people it was not chosen by (``crowd``).
CROWD_SHARE = 3.0
#: Simulated-annealing temperatures (points) at the first and last move.
_T_START, _T_END = 6.0, 0.1
#: Moves per annealing cycle (longer searches reheat from the best placement).
_CYCLE_MOVES = 20000
#: Moves between progress reports (a few tenths of a second).
_REPORT_MOVES = 2048
#: Slot orders scored exactly after a cycle (the best by a quick additive estimate).
_ORDER_CANDIDATES = 24
#: Up to this many breakout slots, every order is estimated; beyond, pairwise swaps.
_ORDER_ENUMERATE = 8

_NONE = np.zeros(0, dtype=np.int64)

# Highest set bit of a 9-bit score mask (bit v = a v-point session): the best score there.
_HIGH = np.zeros(1 << 9, dtype=np.int16)
for _m in range(1, 1 << 9):
    _HIGH[_m] = _m.bit_length() - 1


class PlacementSearch:
    """The annealing state: a placement and its incremental evaluation.

    Parameters
    ----------
    inst
        The instance.
    placement
        A placement keeping every run rule.
    topic_penalty
        Points lost per extra same-topic session in one slot.
    overflow_points
        Points lost per person beyond a run's free seats.
    crowd_points
        Points lost per person a breakout slot can seat only in an oversized
        run (see ``crowd`` in the module docstring).
    """

    def __init__(
        self,
        inst: AgendaInstance,
        placement: dict[str, list[tuple[str, str]]],
        topic_penalty: float = 20.0,
        overflow_points: float = OVERFLOW_POINTS,
        crowd_points: float = CROWD_POINTS,
    ) -> None:
        self.inst = inst
        self.topic_penalty = topic_penalty
        self.overflow_points = overflow_points
        self.crowd_points = crowd_points
        self.slots = [
            s.slot_id
            for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT)
            for s in inst.session_slots[kind]
        ]
        self.kidx = {k: i for i, k in enumerate(self.slots)}
        self.sessions = [s.session_id for s in inst.sessions]
        self.sidx = {s: i for i, s in enumerate(self.sessions)}
        self.people = [person.participant_id for person in inst.people]
        pidx = {pid: i for i, pid in enumerate(self.people)}
        n_p, n_k, n_s = len(self.people), len(self.slots), len(self.sessions)
        by_id = inst.event.session_by_id
        self.presenter_ids = [
            tuple(pidx[pid] for pid in by_id[sid].presenters) for sid in self.sessions
        ]
        self.presenters = [np.array(ids, dtype=np.int64) for ids in self.presenter_ids]
        self.n_presenters = [len(ids) for ids in self.presenter_ids]
        # Cells a session may use: (slot index, room) -> seats.
        self.options: list[dict[tuple[int, str], int]] = []
        self.option_list: list[list[tuple[int, str]]] = []
        for sid in self.sessions:
            opts = {(self.kidx[k], r): c for k, r, c in inst.info[sid].options}
            self.options.append(opts)
            self.option_list.append(sorted(opts))
        self.step_free = {r.room_id: r.accessible for r in inst.event.rooms}
        # -- people ------------------------------------------------------------------------------
        self.present = np.zeros((n_p, n_k), dtype=bool)
        for slot_id, i in self.kidx.items():
            for pid in inst.present[slot_id]:
                self.present[pidx[pid], i] = True
        # Person, score -> session (n_s, a sentinel row of run_at, when none).
        self.rank_session = np.full((n_p, 9), n_s, dtype=np.int64)
        fans: list[list[int]] = [[] for _ in range(n_s)]
        bits: list[list[int]] = [[] for _ in range(n_s)]
        for p, pid in enumerate(self.people):
            for sid, pts in inst.scores.get(pid, {}).items():
                found = self.sidx.get(sid)
                if found is None or inst.is_presenting(pid, sid) or not 0 < pts < 9:
                    continue
                self.rank_session[p, pts] = found
                fans[found].append(p)
                bits[found].append(pts)
        self.fans = [np.array(f, dtype=np.int64) for f in fans]
        self.fan_bits = [np.left_shift(1, np.array(b, dtype=np.int64)) for b in bits]
        # People needing step-free access only count a session held in a step-free room.
        needs = np.array([pid in inst.accessible for pid in self.people], dtype=bool)
        self.fan_bits_stepped = [
            np.where(needs[self.fans[s]], 0, self.fan_bits[s]) for s in range(n_s)
        ]
        self.has_step_free_fans = [bool(needs[self.fans[s]].any()) for s in range(n_s)]
        # People touched when a session moves: its fans and its presenters.
        self.touched = [
            np.unique(np.concatenate([self.fans[s], self.presenters[s]])) for s in range(n_s)
        ]
        # -- runs ----------------------------------------------------------------------------------
        self.run_session: list[int] = []
        self.cell: list[tuple[int, str]] = []
        for sid in self.sessions:
            for slot_id, room_id in sorted(placement.get(sid, [])):
                self.run_session.append(self.sidx[sid])
                self.cell.append((self.kidx[slot_id], room_id))
        n_r = len(self.cell)
        self.occupant = {c: j for j, c in enumerate(self.cell)}
        self.run_at = np.full((n_s + 1, n_k), -1, dtype=np.int64)
        self.cap = np.zeros(n_r, dtype=np.int64)
        self.slot_seats = np.zeros(n_k, dtype=np.int64)
        self.slot_sf = np.zeros(n_k, dtype=np.int64)
        self.busy = np.zeros((n_p, n_k), dtype=np.int64)  # runs presented per person and slot
        self.mask = np.zeros((n_p, n_k), dtype=np.int64)
        for j, (k, r) in enumerate(self.cell):
            s = self.run_session[j]
            self.run_at[s, k] = j
            seats = self.options[s][(k, r)]
            self.cap[j] = seats - self.n_presenters[s]
            self.slot_seats[k] += seats
            if self.step_free[r]:
                self.slot_sf[k] += seats
            self.busy[self.presenters[s], k] += 1
            self.mask[self.fans[s], k] |= self._bits(s, r)
        self.avail = self.present & (self.busy == 0)
        self.need = np.array([len(inst.present[k]) for k in self.slots], dtype=np.int64)
        self.need_sf = np.array(
            [sum(1 for p in inst.present[k] if p in inst.accessible) for k in self.slots],
            dtype=np.int64,
        )
        self.movable = [j for j in range(n_r) if len(self.option_list[self.run_session[j]]) > 1]
        # -- sessions offered more than once: attended once ------------------------------------
        multi = [s for s in range(n_s) if len(placement.get(self.sessions[s], [])) > 1]
        self.max_runs = max((len(placement[self.sessions[s]]) for s in multi), default=0)
        pair_person: list[int] = []
        pair_session: list[int] = []
        pair_score: list[int] = []
        pairs_of: list[list[int]] = [[] for _ in range(n_s)]
        for s in multi:
            for p, b in zip(self.fans[s].tolist(), self.fan_bits[s].tolist(), strict=True):
                pair_person.append(p)
                pair_session.append(s)
                pair_score.append(b.bit_length() - 1)
        self.pair_person = np.array(pair_person, dtype=np.int64)
        self.pair_session = np.array(pair_session, dtype=np.int64)
        self.pair_score = np.array(pair_score, dtype=np.int64)
        # Pairs to re-evaluate when a session moves: those of its touched people.
        by_person: dict[int, list[int]] = {}
        for i, p in enumerate(pair_person):
            by_person.setdefault(p, []).append(i)
        for s in range(n_s):
            pairs_of[s] = sorted(i for p in self.touched[s].tolist() for i in by_person.get(p, []))
        self.pairs_of = [np.array(v, dtype=np.int64) for v in pairs_of]
        self.session_slots = np.full((n_s, max(1, self.max_runs)), -1, dtype=np.int64)
        slots_of: dict[int, list[int]] = {}
        for j, (k, _r) in enumerate(self.cell):
            slots_of.setdefault(self.run_session[j], []).append(k)
        for s in multi:
            ks = sorted(slots_of[s])
            self.session_slots[s, : len(ks)] = ks
        # -- topics --------------------------------------------------------------------------------
        topics: dict[str, int] = {}
        self.topic: list[int] = []
        for sid in self.sessions:
            name = by_id[sid].topic
            self.topic.append(topics.setdefault(name.strip().lower(), len(topics)) if name else -1)
        self.topic_count = np.zeros((n_k, max(1, len(topics))), dtype=np.int64)
        for j, (k, _r) in enumerate(self.cell):
            t = self.topic[self.run_session[j]]
            if t >= 0:
                self.topic_count[k, t] += 1
        #: Indices of the breakout slots (whole slots may trade places, see :meth:`reorder_slots`).
        self.breakout = np.array(
            [self.kidx[s.slot_id] for s in inst.session_slots[SlotKind.BREAKOUT]], dtype=np.int64
        )
        # -- crowding: seats a breakout slot offers people its runs were not chosen by --------
        self.crowded = np.zeros(n_k, dtype=bool)
        self.crowded[self.breakout] = True
        breakout_runs = sum(1 for k, _r in self.cell if self.crowded[k])
        mean = float(self.need[self.breakout].sum()) / max(1, breakout_runs)
        self.crowd_cap = max(1, math.ceil(CROWD_SHARE * mean))
        self.n_pres = np.array([self.n_presenters[s] for s in self.run_session], dtype=np.int64)
        self.fair_seats = np.zeros(n_k, dtype=np.int64)
        # -- evaluation --------------------------------------------------------------------------
        self.load = np.zeros(n_r, dtype=np.int64)
        self.correction = np.zeros(len(self.pair_person), dtype=np.int64)
        #: Capacity-free points of the placement (``value`` before its penalties).
        self.points = 0.0
        self.value = 0.0
        self._rescore()
        self._undo: tuple[Any, ...] | None = None

    def _rescore(self) -> None:
        """Loads, corrections, points and value from scratch."""
        self.load[:] = 0
        seen, runs = self._look(
            np.arange(len(self.people), dtype=np.int64), np.arange(len(self.slots), dtype=np.int64)
        )
        np.add.at(self.load, runs, 1)
        every = np.arange(len(self.cell), dtype=np.int64)
        self.fair_seats[:] = 0
        slot_of = np.array([k for k, _r in self.cell], dtype=np.int64)
        np.add.at(self.fair_seats, slot_of, self._offers(every))
        self.correction = self._corrections(np.arange(len(self.pair_person), dtype=np.int64))
        self.points = seen - float(self.correction.sum())
        self.value = self.points - self._penalties()

    # -- evaluation pieces ----------------------------------------------------------------------

    def _look(self, people: np.ndarray, ks: np.ndarray) -> tuple[float, np.ndarray]:
        """Points of ``people`` in slots ``ks`` and the run each would pick there (-1: none)."""
        rows = people[:, None]
        free = self.avail[rows, ks]
        best = np.where(free, _HIGH[self.mask[rows, ks]], 0)
        runs = self.run_at[self.rank_session[rows, best], ks]
        return float(best.sum()), runs[runs >= 0]

    def _corrections(self, pairs: np.ndarray) -> np.ndarray:
        """Points counted twice for a session offered several times, per (person, session) pair."""
        if len(pairs) == 0:
            return np.zeros(0, dtype=np.int64)
        p = self.pair_person[pairs]
        v = self.pair_score[pairs]
        ks = self.session_slots[self.pair_session[pairs]]  # (n, max_runs), -1 padded
        valid = ks >= 0
        kk = np.maximum(ks, 0)
        masks = self.mask[p[:, None], kk]
        best = valid & self.avail[p[:, None], kk] & (_HIGH[masks] == v[:, None])
        gaps = np.where(best, v[:, None] - _HIGH[masks & ~(1 << v)[:, None]], 0)
        return gaps.sum(axis=1) - gaps.max(axis=1)

    def _bits(self, s: int, room: str) -> np.ndarray:
        """Score bits session ``s`` gives its fans when held in ``room``."""
        return self.fan_bits[s] if self.step_free[room] else self.fan_bits_stepped[s]

    def _overflow(self, runs: np.ndarray) -> float:
        return self.overflow_points * float(np.maximum(0, self.load[runs] - self.cap[runs]).sum())

    def _offers(self, runs: np.ndarray) -> np.ndarray:
        """Seats runs offer under ``crowd``: up to the fair size, or as many as choose them."""
        seats = self.cap[runs] + self.n_pres[runs]
        wanted = self.load[runs] + self.n_pres[runs]
        return np.minimum(seats, np.maximum(self.crowd_cap, wanted))

    def _crowd(self, ks: Iterable[int]) -> float:
        """The ``crowd`` penalty of slots ``ks``."""
        short = sum(max(0, int(self.need[k] - self.fair_seats[k])) for k in ks if self.crowded[k])
        return self.crowd_points * short

    def _topic_extra(self, k: int, t: int) -> int:
        return max(0, int(self.topic_count[k, t]) - 1)

    def total_points(self) -> float:
        """:attr:`points`, recomputed from scratch."""
        value, _runs = self._look(
            np.arange(len(self.people), dtype=np.int64), np.arange(len(self.slots), dtype=np.int64)
        )
        return value - float(self.correction.sum())

    def _penalties(self) -> float:
        """Overflow and topic penalties of the whole placement."""
        overflow = self._overflow(np.arange(len(self.cell), dtype=np.int64))
        topics = self.topic_penalty * float(np.maximum(0, self.topic_count - 1).sum())
        return overflow + topics + self._crowd(range(len(self.slots)))

    def total(self) -> float:
        """The search's objective, recomputed from scratch."""
        return self.total_points() - self._penalties()

    # -- moves ----------------------------------------------------------------------------------

    def allowed(self, j: int, target: tuple[int, str]) -> bool:
        """Whether moving run ``j`` to ``target`` (swapping with its occupant) keeps the rules."""
        s = self.run_session[j]
        src = self.cell[j]
        if target == src or target not in self.options[s]:
            return False
        other = self.occupant.get(target)
        t = self.run_session[other] if other is not None else -1
        if other is not None and (t == s or src not in self.options[t]):
            return False
        k1, k2 = src[0], target[0]
        if k1 != k2:
            if self.run_at[s, k2] >= 0 or (t >= 0 and self.run_at[t, k1] >= 0):
                return False
            # Presenters cannot be in two places (unless they present both swapped runs).
            pa = self.presenter_ids[s]
            pb = self.presenter_ids[t] if t >= 0 else ()
            busy = self.busy
            if any(busy[p, k2] - (p in pb) > 0 for p in pa):
                return False
            if any(busy[p, k1] - (p in pa) > 0 for p in pb):
                return False
        ca_old, ca_new = self.options[s][src], self.options[s][target]
        cb_old = self.options[t][target] if t >= 0 else 0
        cb_new = self.options[t][src] if t >= 0 else 0
        sf1, sf2 = self.step_free[src[1]], self.step_free[target[1]]
        d1 = cb_new - ca_old
        d2 = ca_new - cb_old
        d1_sf = (cb_new - ca_old) if sf1 else 0
        d2_sf = (ca_new - cb_old) if sf2 else 0
        if k1 == k2:
            d1 = d2 = d1 + d2
            d1_sf = d2_sf = d1_sf + d2_sf
        if self.slot_seats[k1] + d1 < self.need[k1] or self.slot_seats[k2] + d2 < self.need[k2]:
            return False
        return not (
            self.slot_sf[k1] + d1_sf < self.need_sf[k1]
            or self.slot_sf[k2] + d2_sf < self.need_sf[k2]
        )

    def _place(self, j: int, new: tuple[int, str]) -> None:
        """Move run ``j`` to cell ``new`` (bookkeeping of masks, presenters, seats, topics)."""
        s = self.run_session[j]
        old = self.cell[j]
        seats_old, seats_new = self.options[s][old], self.options[s][new]
        self.slot_seats[old[0]] -= seats_old
        self.slot_seats[new[0]] += seats_new
        if self.step_free[old[1]]:
            self.slot_sf[old[0]] -= seats_old
        if self.step_free[new[1]]:
            self.slot_sf[new[0]] += seats_new
        self.cap[j] = seats_new - self.n_presenters[s]
        self.cell[j] = new
        if old[0] == new[0] and self._reaches_differently(s, old, new):
            self.mask[self.fans[s], old[0]] &= ~self._bits(s, old[1])
            self.mask[self.fans[s], new[0]] |= self._bits(s, new[1])
        if old[0] != new[0]:
            self.run_at[s, old[0]] = -1
            self.run_at[s, new[0]] = j
            pres = self.presenters[s]
            if len(pres):
                self.busy[pres, old[0]] -= 1
                self.busy[pres, new[0]] += 1
                for k in (old[0], new[0]):
                    self.avail[pres, k] = self.present[pres, k] & (self.busy[pres, k] == 0)
            self.mask[self.fans[s], old[0]] &= ~self._bits(s, old[1])
            self.mask[self.fans[s], new[0]] |= self._bits(s, new[1])
            t = self.topic[s]
            if t >= 0:
                self.topic_count[old[0], t] -= 1
                self.topic_count[new[0], t] += 1
            row = self.session_slots[s]
            if self.max_runs and row[0] >= 0:
                ks = sorted([new[0] if x == old[0] else x for x in row.tolist() if x >= 0])
                row[: len(ks)] = ks

    def move(self, j: int, target: tuple[int, str], *, undoable: bool = False) -> float:
        """Move run ``j`` to ``target`` (swapping with its occupant); return the value change.

        The caller checks :meth:`allowed` first. With ``undoable``, the state the
        move changes is saved first, so that :meth:`undo` can restore it for a
        fraction of the cost of the reverse move (most annealing moves are rejected).
        """
        src = self.cell[j]
        other = self.occupant.get(target)
        k1, k2 = src[0], target[0]
        moved = [j] if other is None else [j, other]
        same_reach = other is None or not self._reaches_differently(
            self.run_session[other], target, src
        )
        same_reach &= not self._reaches_differently(self.run_session[j], src, target)
        if k1 == k2 and same_reach:
            if undoable:
                self._save(j, other, src, target, _NONE, _NONE)
            runs = np.array(moved, dtype=np.int64)
            before = self._overflow(runs) + self._crowd((k1,))
            offered = int(self._offers(runs).sum())
            self._place(j, target)
            if other is not None:
                self._place(other, src)
            self._occupy(j, other, src, target)
            self.fair_seats[k1] += int(self._offers(runs).sum()) - offered
            delta = before - self._overflow(runs) - self._crowd((k1,))
            self.value += delta
            return delta
        sessions = [self.run_session[x] for x in moved]
        people = (
            self.touched[sessions[0]]
            if len(sessions) == 1
            else np.union1d(self.touched[sessions[0]], self.touched[sessions[1]])
        )
        pairs = (
            self.pairs_of[sessions[0]]
            if len(sessions) == 1
            else np.union1d(self.pairs_of[sessions[0]], self.pairs_of[sessions[1]])
        )
        if undoable:
            self._save(j, other, src, target, people, pairs)
        topics = {(k, self.topic[s]) for s in sessions for k in (k1, k2) if self.topic[s] >= 0}
        topic_before = sum(self._topic_extra(k, t) for k, t in topics)
        ks = np.array([k1] if k1 == k2 else [k1, k2], dtype=np.int64)
        points_before, old_runs = self._look(people, ks)
        corr_before = self.correction[pairs]
        crowd_before = self._crowd(ks.tolist())
        self._place(j, target)
        if other is not None:
            self._place(other, src)
        self._occupy(j, other, src, target)
        points_after, new_runs = self._look(people, ks)
        runs = np.unique(np.concatenate([old_runs, new_runs, np.array(moved, dtype=np.int64)]))
        # Loads before the move: undo the change on the touched runs only.
        loads_before = self.load[runs].copy()
        np.add.at(self.load, old_runs, -1)
        np.add.at(self.load, new_runs, 1)
        over_after = self._overflow(runs)
        offers_after = self._offers(runs)
        loads_after = self.load[runs]
        self.load[runs] = loads_before
        # Capacity before the move: moved runs had the other cell's seats.
        caps_after = self.cap[runs].copy()
        self._restore_caps(moved, src, target)
        over_before = self._overflow(runs)
        offers_before = self._offers(runs)
        self.cap[runs] = caps_after
        self.load[runs] = loads_after
        # Seats offered under ``crowd``, by slot: moved runs changed slot.
        slots_after = np.array([self.cell[r][0] for r in runs.tolist()], dtype=np.int64)
        slots_before = slots_after.copy()
        slots_before[runs == j] = k1
        if other is not None:
            slots_before[runs == other] = k2
        np.add.at(self.fair_seats, slots_before, -offers_before)
        np.add.at(self.fair_seats, slots_after, offers_after)
        crowd_after = self._crowd(ks.tolist())
        corr_after = self._corrections(pairs)
        self.correction[pairs] = corr_after
        topic_after = sum(self._topic_extra(k, t) for k, t in topics)
        gained = (points_after - points_before) - float(corr_after.sum() - corr_before.sum())
        delta = (
            gained
            - (over_after - over_before)
            - self.topic_penalty * (topic_after - topic_before)
            - (crowd_after - crowd_before)
        )
        self.points += gained
        self.value += delta
        return delta

    def _save(
        self,
        j: int,
        other: int | None,
        src: tuple[int, str],
        target: tuple[int, str],
        people: np.ndarray,
        pairs: np.ndarray,
    ) -> None:
        """Save what moving run ``j`` from ``src`` to ``target`` can change, for :meth:`undo`."""
        sessions = [self.run_session[j]] + ([] if other is None else [self.run_session[other]])
        presenters = np.unique(np.concatenate([self.presenters[s] for s in sessions]))
        self._undo = (
            j,
            other,
            src,
            target,
            [self.run_at[s].copy() for s in sessions],
            presenters,
            self.busy[presenters].copy(),
            self.avail[presenters].copy(),
            people,
            self.mask[people].copy(),
            self.slot_seats.copy(),
            self.slot_sf.copy(),
            self.cap.copy(),
            self.load.copy(),
            self.fair_seats.copy(),
            self.topic_count.copy(),
            [self.session_slots[s].copy() for s in sessions],
            pairs,
            self.correction[pairs].copy(),
            self.value,
            self.points,
        )

    def undo(self) -> None:
        """Restore the state before the last ``move(..., undoable=True)``."""
        if self._undo is None:
            raise RuntimeError("undo() needs a move(..., undoable=True) before it")
        (j, other, src, target, run_at, presenters, busy, avail, people, mask, seats,
         seats_sf, cap, load, fair_seats, topics, session_slots, pairs, correction, value,
         points) = self._undo  # fmt: skip
        self._undo = None
        sessions = [self.run_session[j]] + ([] if other is None else [self.run_session[other]])
        self.cell[j] = src
        if other is None:
            del self.occupant[target]
        else:
            self.cell[other] = target
            self.occupant[target] = other
        self.occupant[src] = j
        for s, row, slots in zip(sessions, run_at, session_slots, strict=True):
            self.run_at[s] = row
            self.session_slots[s] = slots
        self.busy[presenters] = busy
        self.avail[presenters] = avail
        self.mask[people] = mask
        self.slot_seats, self.slot_sf, self.cap, self.load = seats, seats_sf, cap, load
        self.fair_seats = fair_seats
        self.topic_count = topics
        self.correction[pairs] = correction
        self.value = value
        self.points = points

    def _reaches_differently(self, s: int, a: tuple[int, str], b: tuple[int, str]) -> bool:
        """Whether moving session ``s`` from cell ``a`` to ``b`` changes which fans it reaches."""
        return self.has_step_free_fans[s] and self.step_free[a[1]] != self.step_free[b[1]]

    def _restore_caps(
        self, moved: list[int], src: tuple[int, str], target: tuple[int, str]
    ) -> None:
        s = self.run_session[moved[0]]
        self.cap[moved[0]] = self.options[s][src] - self.n_presenters[s]
        if len(moved) > 1:
            t = self.run_session[moved[1]]
            self.cap[moved[1]] = self.options[t][target] - self.n_presenters[t]

    def _occupy(
        self, j: int, other: int | None, src: tuple[int, str], target: tuple[int, str]
    ) -> None:
        self.occupant[target] = j
        if other is None:
            del self.occupant[src]
        else:
            self.occupant[src] = other

    # -- whole slots ----------------------------------------------------------------------------

    def slot_fits(self) -> np.ndarray:
        """``fits[a, b]``: the runs now in breakout slot ``a`` may all move to slot ``b``.

        Each keeps its room, which must be an option there (pins, presenters
        present), and their seats must hold everyone present in ``b``
        (step-free seats everyone needing them).
        """
        b = self.breakout
        fits = (self.slot_seats[b][:, None] >= self.need[b][None, :]) & (
            self.slot_sf[b][:, None] >= self.need_sf[b][None, :]
        )
        where = {int(k): i for i, k in enumerate(b.tolist())}
        for j, (k, room) in enumerate(self.cell):
            a = where.get(k)
            if a is None:
                continue
            options = self.options[self.run_session[j]]
            for i, target in enumerate(b.tolist()):
                if fits[a, i] and (target, room) not in options:
                    fits[a, i] = False
        return fits

    def permute_slots(self, order: np.ndarray) -> None:
        """Move the runs of breakout slot ``breakout[i]`` to ``breakout[order[i]]``, rooms kept.

        The caller checks :meth:`slot_fits`; the evaluation is redone from scratch.
        """
        perm = np.arange(len(self.slots), dtype=np.int64)
        perm[self.breakout] = self.breakout[order]
        inv = np.argsort(perm)
        self.cell = [(int(perm[k]), r) for k, r in self.cell]
        self.occupant = {c: j for j, c in enumerate(self.cell)}
        self.run_at = self.run_at[:, inv]
        self.busy = self.busy[:, inv]
        self.mask = self.mask[:, inv]
        self.avail = self.present & (self.busy == 0)
        self.slot_seats = self.slot_seats[inv]
        self.slot_sf = self.slot_sf[inv]
        self.topic_count = self.topic_count[inv]
        if self.max_runs:
            rows = self.session_slots
            filled = rows >= 0
            moved = np.where(filled, perm[np.maximum(rows, 0)], len(self.slots))
            moved.sort(axis=1)
            self.session_slots = np.where(moved < len(self.slots), moved, -1)
        self._undo = None
        self._rescore()

    def reorder_slots(self) -> bool:
        """Let whole breakout slots trade places where people gain; whether any did.

        A run-by-run search cannot swap two slots' programmes, yet slots differ
        in who is present (late arrivals, early departures), so an order can be
        worth more than another. Orders are estimated additively (each person's
        best session per slot, without the once-only rule for sessions offered
        twice, seats and topics); the best few are scored exactly and the best of
        them is kept when it beats the current order.
        """
        n = len(self.breakout)
        if n < 2:
            return False
        fits = self.slot_fits()
        b = self.breakout
        best = np.where(self.busy[:, b] == 0, _HIGH[self.mask[:, b]], 0).astype(np.int64)
        estimate = best.T @ self.present[:, b].astype(np.int64)  # [content slot, target slot]
        rows = np.arange(n)
        if n <= _ORDER_ENUMERATE:
            orders = _orders(n)
            ok = fits[rows, orders].all(axis=1)
            # Slots with the same people present are interchangeable: one order per pattern.
            _, group = np.unique(self.present[:, b], axis=1, return_inverse=True)
            _, first = np.unique(
                np.where(
                    ok[:, None], group.reshape(-1)[orders], -1 - np.arange(len(orders))[:, None]
                ),
                axis=0,
                return_index=True,
            )
            first = first[ok[first]]
            scores = estimate[rows, orders[first]].sum(axis=1)
            ranked = first[np.lexsort((first, -scores))][:_ORDER_CANDIDATES]
            candidates = [orders[i] for i in ranked.tolist()]
        else:
            candidates = [_swap_climb(estimate, fits)]
        identity = rows
        start = self.value
        best_value, best_order = start, identity
        for order in candidates:
            if (order == identity).all():
                continue
            self.permute_slots(order)
            if self.value > best_value + 1e-9:
                best_value, best_order = self.value, order
            self.permute_slots(np.argsort(order))
        if best_value > start + 1e-9:
            self.permute_slots(best_order)
            return True
        return False

    def placement(self) -> dict[str, list[tuple[str, str]]]:
        """The current placement: session_id -> sorted [(slot_id, room_id)]."""
        out: dict[str, list[tuple[str, str]]] = {sid: [] for sid in self.sessions}
        for j, (k, r) in enumerate(self.cell):
            out[self.sessions[self.run_session[j]]].append((self.slots[k], r))
        return {sid: sorted(v) for sid, v in sorted(out.items())}


@attrs.frozen
class Chain:
    """One placement search's outcome.

    Attributes
    ----------
    index
        The chain (0 ran in the calling process).
    placement
        The best placement the chain saw: session_id -> [(slot_id, room_id)].
    before, value
        The search value of the starting and of the best placement.
    points
        The best placement's capacity-free points.
    accepted
        Moves accepted.
    completed
        Whether the chain ran to its move count (``False``: the wall clock stopped it).
    """

    index: int
    placement: dict[str, list[tuple[str, str]]]
    before: float
    value: float
    points: float
    accepted: int
    completed: bool


@functools.cache
def _orders(n: int) -> np.ndarray:
    """Every order of ``n`` slots, one per row (``order[i]``: where slot ``i`` goes)."""
    return np.array(list(itertools.permutations(range(n))), dtype=np.int64)


def _swap_climb(estimate: np.ndarray, fits: np.ndarray) -> np.ndarray:
    """An order improved by the best pairwise swap of two slots' places while one gains."""
    n = len(estimate)
    order = np.arange(n)
    while True:
        best_gain, best_pair = 0, None
        for a in range(n):
            for c in range(a + 1, n):
                pa, pc = order[a], order[c]
                if not (fits[a, pc] and fits[c, pa]):
                    continue
                gain = estimate[a, pc] + estimate[c, pa] - estimate[a, pa] - estimate[c, pc]
                if gain > best_gain:
                    best_gain, best_pair = gain, (a, c)
        if best_pair is None:
            return order
        a, c = best_pair
        order[a], order[c] = order[c], order[a]


def improve_placement(
    inst: AgendaInstance,
    placement: dict[str, list[tuple[str, str]]],
    *,
    moves: int,
    seed: int = 0,
    clock: Clock | None = None,
    topic_penalty: float = 20.0,
    progress: Callable[[float], None] | None = None,
    chains: int = 1,
) -> tuple[dict[str, list[tuple[str, str]]], bool]:
    """Improve ``placement`` by ``moves`` simulated-annealing moves, in ``chains`` chains.

    The annealing converges in some :data:`_CYCLE_MOVES` moves; a longer search
    is split into cycles, each reheated from the best placement so far. Good
    placements differ more from one run to another than a longer run improves
    one, so ``chains`` independent searches of ``moves`` moves each (the first
    with ``seed``, the others with seeds derived from it) run side by side, one
    in this process and the others in forked processes (:mod:`convening.parallel`),
    and the best placement wins (ties to the lower chain). A chain that cannot
    run in a process of its own runs here after the first, so the result never
    depends on where a chain ran, only the time does; off Linux only the first
    chain runs.
    ``progress``, if given, is called with the capacity-free points of the first
    chain's best placement so far (:attr:`PlacementSearch.points`) every
    :data:`_REPORT_MOVES` moves, and with the winner's at the end.
    Returns the best placement seen and whether every chain ran to its move
    count (``False``: the ``clock``'s wall stop stopped one, so it may not be
    reproducible; the clock records it).
    """
    if moves <= 0:
        return placement, True
    start = time.perf_counter()
    clock = clock or Clock()

    def chain(index: int) -> Chain:
        # Only the first chain runs in this process for sure, so only it reports.
        report = progress if index == 0 else None
        return _search(inst, placement, moves, index, seed, clock, topic_penalty, report)

    results = run_chains(chain, max(1, chains), start + clock.left())
    if not all(c.completed for c in results):
        clock.stopped("the placement search")
    best = max(results, key=lambda c: (c.value, -c.index))
    if progress is not None:
        progress(best.points)
    logger.info(
        "placement search: %d chain(s) of %d moves, %d accepted, %.2fs, value %.0f -> %.0f"
        " (chain %d)",
        len(results),
        moves,
        sum(c.accepted for c in results),
        time.perf_counter() - start,
        results[0].before,
        best.value,
        best.index,
    )
    return best.placement, all(c.completed for c in results)


def _search(
    inst: AgendaInstance,
    placement: dict[str, list[tuple[str, str]]],
    moves: int,
    index: int,
    seed: int,
    clock: Clock,
    topic_penalty: float,
    progress: Callable[[float], None] | None,
) -> Chain:
    """Chain ``index``: reheated annealing cycles from ``placement``, keeping the best."""
    search = PlacementSearch(inst, placement, topic_penalty)
    rng = random.Random(chain_seed(seed, index))
    before = best_value = search.value
    best_points = search.points
    best = placement
    cycles = max(1, moves // _CYCLE_MOVES) if search.movable else 0
    accepted = 0
    completed = True
    for c in range(cycles):
        n = moves // cycles + (1 if c < moves % cycles else 0)
        report = None if progress is None else _best_of(best_value, best_points, progress)
        value, points, cells, got, completed = _anneal(search, rng, n, clock, report)
        accepted += got
        if value > best_value + 1e-9:
            search.cell = cells
            best_value, best_points, best = value, points, search.placement()
        if not completed:
            break
        # The next cycle starts from the best placement, its slots in their best order.
        search = PlacementSearch(inst, best, topic_penalty)
        if search.reorder_slots():
            best_value, best_points, best = search.value, search.points, search.placement()
    return Chain(index, best, before, best_value, best_points, accepted, completed)


def _best_of(
    value: float, points: float, progress: Callable[[float], None]
) -> Callable[[float, float], None]:
    """``progress`` of the points of the better of the best so far and a cycle's best."""
    return lambda v, p: progress(p if v > value + 1e-9 else points)


def _anneal(
    search: PlacementSearch,
    rng: random.Random,
    moves: int,
    clock: Clock,
    report: Callable[[float, float], None] | None = None,
) -> tuple[float, float, list[tuple[int, str]], int, bool]:
    """One annealing cycle; returns the best value, its points and cells, moves accepted,
    completion. ``report`` is called with the best value and its points now and then."""
    runs = search.movable
    value = best_value = search.value
    best_points = search.points
    best_cells = list(search.cell)
    accepted = 0
    ratio = _T_END / _T_START
    for i in range(moves):
        if i % 512 == 0:
            if clock.over():
                return best_value, best_points, best_cells, accepted, False
            if report is not None and i % _REPORT_MOVES == 0 and i:
                report(best_value, best_points)
        j = runs[rng.randrange(len(runs))]
        options = search.option_list[search.run_session[j]]
        target = options[rng.randrange(len(options))]
        if not search.allowed(j, target):
            continue
        delta = search.move(j, target, undoable=True)
        temperature = _T_START * ratio ** (i / moves)
        if delta >= 0 or rng.random() < math.exp(delta / temperature):
            accepted += 1
            value += delta
            if value > best_value + 1e-9:
                best_value, best_points, best_cells = value, search.points, list(search.cell)
        else:
            search.undo()
    return best_value, best_points, best_cells, accepted, True
