"""Lift the worst-off people after the assignment, at no cost to the objective's points.

The assignment's CP-SAT model weighs the worst-off share among its terms, but
on big events it stops with a gap, and a few people can be left far below
everyone else: at 1,700 cities one person got 6 of their 33 points while their
first choice ran, full, in a slot where they sat in an unranked session. This
search looks at people from the lowest share of their fair bound (the
``worst_off_share_pct`` of :mod:`convening.metrics`) up, and moves each into
a better-ranked run of a breakout slot:

- into a free seat; or
- into a seat freed by *bumping* one attendee to the best other run of that
  slot with a free seat, or to the seat the lifted person leaves (a swap),
  when the bumped person loses no more points than the lifted one gains, and
  both end above the lifted person's old share.

Either way the objective's preference and delegation points do not fall
(a delegation pair in one run weighs ``delegation / preference`` points, as
in the assignment, so the preference total alone may give up that much to
split a pair under ``spread``; in lexicographic mode nothing is traded:
neither may fall), and the shares sorted from the lowest rise
lexicographically, so the search cannot cycle.
Every move keeps the hard rules: one activity per slot, seats, step-free
rooms for those who need them, and each session attended once. It is
deterministic: people are taken in (share, id) order and runs in a fixed order.
"""

from __future__ import annotations

import heapq
import logging
from typing import TYPE_CHECKING

import attrs

from convening.model import SlotKind
from convening.solvers.instance import AgendaInstance, Placement, presenting_in

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["lift_worst_off"]

logger = logging.getLogger(__name__)

Attends = dict[tuple[str, str], str]


class _Seating:
    """Who sits in which breakout run, and what each person earns."""

    def __init__(self, inst: AgendaInstance, placement: Placement, attends: Attends) -> None:
        self.inst = inst
        self.attends = dict(attends)
        self.slots = [s.slot_id for s in inst.session_slots[SlotKind.BREAKOUT]]
        slot_set = set(self.slots)
        presenting = presenting_in(inst, placement)
        self.free_seats: dict[tuple[str, str], int] = {}
        self.step_free: dict[tuple[str, str], bool] = {}
        self.runs_in: dict[str, list[str]] = {k: [] for k in self.slots}
        for sid, cells in sorted(placement.items()):
            seats = {(k, r): c for k, r, c in inst.info[sid].options}
            presenters = len(inst.event.session_by_id[sid].presenters)
            for k, r in cells:
                if k in slot_set:
                    self.free_seats[(sid, k)] = seats[(k, r)] - presenters
                    self.step_free[(sid, k)] = inst.room_accessible(r)
                    self.runs_in[k].append(sid)
        self.members: dict[tuple[str, str], list[str]] = {run: [] for run in self.free_seats}
        self.sessions_of: dict[str, set[str]] = {}
        for (pid, k), sid in sorted(self.attends.items()):
            if k in slot_set and (pid, k) not in presenting:
                self.free_seats[(sid, k)] -= 1
                self.members[(sid, k)].append(pid)
            self.sessions_of.setdefault(pid, set()).add(sid)
        self.fair = {
            p.participant_id: inst.fair_bound(p.participant_id, SlotKind.BREAKOUT)
            for p in inst.people
        }
        self.points = {
            pid: sum(inst.score(pid, self.attends.get((pid, k), "")) for k in self.slots)
            for pid in self.fair
        }
        self.free_slots = {
            pid: [k for k in self.slots if (pid, k) in self.attends and (pid, k) not in presenting]
            for pid in self.fair
        }
        self.city = {p.participant_id: p.city_id for p in inst.people}

    def share(self, pid: str, points: int | None = None) -> float:
        return (self.points[pid] if points is None else points) / self.fair[pid]

    def may_attend(self, pid: str, sid: str, k: str) -> bool:
        """Whether ``pid`` may sit in run ``(sid, k)`` instead of their run in ``k``."""
        if (sid, k) not in self.free_seats or self.attends[(pid, k)] == sid:
            return False
        if pid in self.inst.accessible and not self.step_free[(sid, k)]:
            return False
        # Each session once: only the run they leave may be of the same session.
        return sid not in self.sessions_of[pid]

    def pair_change(self, k: str, moves: list[tuple[str, str]]) -> int:
        """How many more delegation pairs share a run of ``k`` after ``moves`` (person, run)."""
        runs = {self.attends[(pid, k)] for pid, _sid in moves} | {sid for _pid, sid in moves}
        before = {sid: list(self.members[(sid, k)]) for sid in sorted(runs)}
        after = {sid: list(people) for sid, people in before.items()}
        for pid, sid in moves:
            after[self.attends[(pid, k)]].remove(pid)
            after[sid].append(pid)
        return sum(self._pairs(p) for p in after.values()) - sum(
            self._pairs(p) for p in before.values()
        )

    def _pairs(self, people: list[str]) -> int:
        count: dict[str, int] = {}
        for pid in people:
            city = self.city[pid]
            if city is not None:
                count[city] = count.get(city, 0) + 1
        return sum(n * (n - 1) // 2 for n in count.values())

    def move(self, pid: str, k: str, sid: str) -> None:
        old = self.attends[(pid, k)]
        self.free_seats[(old, k)] += 1
        self.members[(old, k)].remove(pid)
        self.free_seats[(sid, k)] -= 1
        self.members[(sid, k)].append(pid)
        self.attends[(pid, k)] = sid
        self.sessions_of[pid].discard(old)
        self.sessions_of[pid].add(sid)
        self.points[pid] += self.inst.score(pid, sid) - self.inst.score(pid, old)


def lift_worst_off(
    inst: AgendaInstance,
    placement: Placement,
    attends: Attends,
    options: SolveOptions,
    *,
    people: int = 200,
) -> tuple[Attends, int]:
    """Lift the worst-off people's shares; return the new attendance and the moves made.

    Parameters
    ----------
    inst
        The instance.
    placement
        Where sessions run (unchanged).
    attends
        ``(pid, slot_id) -> session_id`` for everyone present and not presenting,
        in every session slot (as the assignment and the fallback seating leave it).
    options
        The delegation mode and the weights of preference and delegation.
    people
        The search stops once this many people, taken from the lowest share up,
        could not be lifted, or after ten times as many moves.
    """
    seating = _Seating(inst, placement, attends)
    terms = _Terms.of(options)
    heap = [(seating.share(pid), pid) for pid, fair in seating.fair.items() if fair > 0]
    heapq.heapify(heap)
    failed = moves = 0
    while heap and failed < people and moves < 10 * people:
        share, pid = heapq.heappop(heap)
        if share != seating.share(pid):
            continue  # a stale entry: the person was moved since
        moved = _lift(seating, pid, terms)
        if not moved:
            failed += 1
        for who in moved:
            moves += 1
            heapq.heappush(heap, (seating.share(who), who))
    if moves:
        logger.info("fairness: %d moves lifted the worst-off", moves)
    return seating.attends, moves


@attrs.frozen
class _Terms:
    """How a move's preference points and delegation pairs are weighed.

    ``sign`` is +1 when a delegation pair in one run is welcome (``together``),
    -1 when it is not (``spread``), 0 when it does not matter. With weights,
    a pair is worth ``per_pair`` preference points. In lexicographic mode no
    trade is made: neither preference nor the delegation term may get worse.
    """

    sign: int
    per_pair: float
    strict: bool

    @classmethod
    def of(cls, options: SolveOptions) -> _Terms:
        sign = {"spread": -1, "together": 1}.get(options.spread, 0)
        pref = options.weight("preference")
        per_pair = options.weight("delegation") / pref if pref > 0 else 0.0
        return cls(sign, per_pair, bool(options.lexicographic) or pref <= 0)

    def accepts(self, gain: float, loss: float, pair_change: int) -> bool:
        """Whether a move is no worse: ``gain`` and ``loss`` in points, ``pair_change`` in pairs."""
        better = self.sign * pair_change
        if self.strict:
            return gain >= loss and better >= 0
        return gain - loss + self.per_pair * better >= 0


def _lift(seating: _Seating, pid: str, terms: _Terms) -> list[str]:
    """Move ``pid`` into one better run (bumping one person if need be); who moved."""
    inst = seating.inst
    old_share = seating.share(pid)
    candidates = []
    for k in seating.free_slots[pid]:
        now = inst.score(pid, seating.attends[(pid, k)])
        for sid in seating.runs_in[k]:
            gain = inst.score(pid, sid) - now
            if gain > 0 and seating.may_attend(pid, sid, k):
                candidates.append((-gain, k, sid))
    for minus_gain, k, sid in sorted(candidates):
        gain = -minus_gain
        if seating.free_seats[(sid, k)] > 0:
            if terms.accepts(gain, 0, seating.pair_change(k, [(pid, sid)])):
                seating.move(pid, k, sid)
                return [pid]
            continue
        bump = _best_bump(seating, pid, k, sid, gain, old_share, terms)
        if bump is not None:
            other, target = bump
            seating.move(pid, k, sid)
            seating.move(other, k, target)
            return [pid, other]
    return []


def _best_bump(
    seating: _Seating,
    pid: str,
    k: str,
    sid: str,
    gain: int,
    old_share: float,
    terms: _Terms,
) -> tuple[str, str] | None:
    """Whom to move out of full run ``(sid, k)``, and where, so that ``pid`` can take the seat.

    ``pid`` gains ``gain`` points. The bumped person goes to the best other run
    of ``k`` they may attend with a free seat, or to the seat ``pid`` leaves (a
    swap), when :meth:`_Terms.accepts` the two moves together (their points and
    the delegation pairs of the runs they touch) and they stay above
    ``old_share``; the one losing least is chosen (then the best-off).
    """
    inst = seating.inst
    left = seating.attends[(pid, k)]
    best: tuple[int, float, str, str] | None = None
    for other in sorted(seating.members[(sid, k)]):
        if other == pid or seating.fair.get(other, 0) <= 0:
            continue
        here = inst.score(other, sid)
        target, target_score = None, -1
        for t in seating.runs_in[k]:
            # A run with a free seat, or the seat pid leaves (a swap).
            if t == sid or (seating.free_seats[(t, k)] <= 0 and t != left):
                continue
            if not seating.may_attend(other, t, k):
                continue
            score = inst.score(other, t)
            if score > target_score:
                target, target_score = t, score
        if target is None:
            continue
        loss = here - target_score
        after = seating.share(other, seating.points[other] - loss)
        if after <= old_share:
            continue
        if not terms.accepts(gain, loss, seating.pair_change(k, [(pid, sid), (other, target)])):
            continue
        key = (loss, -after, other, target)
        if best is None or key < best:
            best = key
    return None if best is None else (best[2], best[3])
