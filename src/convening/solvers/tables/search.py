"""Tabu search on seat swaps, with incremental evaluation of every swap of a person.

The cost of a seating is a sum over pairs of people and over tables:

* every pair of people costs ``repeat`` for each meeting beyond the first
  and ``third_meeting * (c - 1)`` more for the ``c``-th (so repeats are
  spread, which keeps the number of distinct peers high);
* a pair seated together in a round costs ``elsewhere`` per time they met
  in a small session or on a tour, earns ``topic`` when their topics
  overlap, and costs :data:`HARD` when they belong to one delegation (empty
  seats count as one delegation) or must sit apart; a ``together`` pair earns
  :data:`HARD`;
* in each round, categories of people (officials, partners, facilitators,
  hosts) are spread evenly over tables: each person more than the fair
  share at a table, or missing below it, costs the category's weight.

For every round the search keeps ``D[r][x, t]``: what person ``x`` would
pay for the company at table ``t``. A swap's change of cost then takes a few
look-ups, and all the swaps of one person are evaluated at once with numpy.
A swap in one round changes meeting counts, so the marginal cost of the
affected pairs is updated in the other rounds too (a handful of entries).

Moves: a person from a costly seat (a repeat or a broken rule first) swaps
with anyone at another table of the same round; the best swap that is not
tabu (undoing a recent move) is made, even when it makes things worse; after
a long stall the search jumps with random swaps. Stops at a proven optimum
(cost at its floor), after ``patience`` iterations without a better seating,
at ``max_iterations`` or when its budget of work is spent.

Work, not time: the budget is in seconds of *calibrated work* (swaps
evaluated and seats scanned, each at its measured cost on a quiet 2-core
machine: :data:`SWAP_SECONDS`, :data:`SCAN_SECONDS`), counted as the search
goes, so the same seed gives the same seating on any machine, busy or not.
The wall clock stops the search only at the run's wall stop (a safety net),
and the result then says it did not complete.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

import attrs
import numpy as np
from numpy.typing import NDArray

from convening.solvers.clock import Clock
from convening.solvers.tables.problem import EMPTY_SEAT, SeatingProblem

__all__ = ["HARD", "SCAN_SECONDS", "SWAP_SECONDS", "SearchResult", "TableSearch", "Weights"]

logger = logging.getLogger(__name__)

#: Weight of a hard rule: larger than any sum of soft weights.
HARD = 1.0e6
#: Calibrated cost of evaluating every swap of one person (numpy over one round), and of
#: scanning one person's seat in one round for costly seats; fitted on golfer and convening
#: instances of 15 to 1,500 people (within 30% on each).
SWAP_SECONDS = 85e-6
SCAN_SECONDS = 0.24e-6


@attrs.frozen
class Weights:
    """Weights of the seating objective (see the module text)."""

    repeat: float = 100.0
    third_meeting: float = 10.0
    elsewhere: float = 3.0
    topic: float = 1.0
    role_mix: float = 5.0
    facilitator: float = 20.0


@attrs.define(eq=False)
class SearchResult:
    """A seating: per round, the table of every seat (``-1``: not in that round)."""

    seating: list[NDArray[np.int64]]
    cost: float
    iterations: int
    seconds: float
    optimal: bool
    #: Seconds of calibrated work the search did (what its budget counts).
    work: float = 0.0
    #: Whether the search stopped on its own terms, not on the wall clock.
    completed: bool = True


def _spread_penalty(count: NDArray[np.int64], low: int, high: int) -> NDArray[np.int64]:
    return np.maximum(low - count, 0) + np.maximum(count - high, 0)


class TableSearch:
    """Seats a :class:`SeatingProblem`: greedy or given start, then tabu search.

    Parameters
    ----------
    problem
        The instance.
    weights
        The objective's weights.
    seed
        Seed of every random choice.
    """

    def __init__(self, problem: SeatingProblem, weights: Weights, seed: int = 0) -> None:
        self.problem = problem
        self.w = weights
        self.rng = np.random.default_rng(seed)
        n_people = problem.n_people
        n = problem.n_seats
        self.n = n
        self.real = np.arange(n) < n_people
        delegation = np.concatenate(
            [problem.delegation, np.full(n - n_people, EMPTY_SEAT, dtype=np.int64)]
        )
        # Pair weights that hold in every round.
        static = np.where(delegation[:, None] == delegation[None, :], HARD, 0.0)
        topics = np.zeros((n, problem.topics.shape[1]), dtype=np.float64)
        topics[:n_people] = problem.topics
        shared = (topics @ topics.T) > 0
        self.has_rewards = bool(weights.topic > 0 and shared[:n_people, :n_people].any())
        static -= weights.topic * shared
        for (a, b), times in problem.met_elsewhere.items():
            static[a, b] += weights.elsewhere * times
            static[b, a] += weights.elsewhere * times
        np.fill_diagonal(static, 0.0)
        self.static = static

        self.rounds = problem.rounds
        self.seats: list[NDArray[np.int64]] = []
        self.movable: list[NDArray[np.bool_]] = []
        self.extra: list[dict[int, list[tuple[int, float]]]] = []
        self.categories: list[tuple[NDArray[np.bool_], NDArray[np.float64], list[tuple[int, int]]]]
        self.categories = []
        self.floor = 0.0
        for rnd in problem.rounds:
            seats = np.concatenate(
                [rnd.present, np.arange(n_people, n_people + rnd.n_empty, dtype=np.int64)]
            )
            self.seats.append(seats)
            movable = np.zeros(n, dtype=bool)
            movable[seats] = True
            for person in rnd.pins:
                movable[person] = False
            self.movable.append(movable)
            extra: dict[int, list[tuple[int, float]]] = defaultdict(list)
            for a, b in rnd.apart:
                extra[a].append((b, HARD))
                extra[b].append((a, HARD))
            for a, b in rnd.together:
                extra[a].append((b, -HARD))
                extra[b].append((a, -HARD))
                self.floor -= HARD
            self.extra.append(dict(extra))
            # Categories spread evenly over the tables of this round.
            columns = []
            weights_of = []
            for j in range(problem.roles.shape[1]):
                columns.append(problem.roles[:, j])
                weights_of.append(weights.role_mix)
            columns.append(problem.facilitator)
            weights_of.append(weights.facilitator)
            host = np.zeros(n_people, dtype=bool)
            host[rnd.hosts] = True
            columns.append(host)
            weights_of.append(HARD)
            member = np.zeros((n, len(columns)), dtype=bool)
            member[:n_people] = np.stack(columns, axis=1) if columns else member[:n_people]
            present = np.zeros(n, dtype=bool)
            present[seats] = True
            member &= present[:, None]
            # Categories nobody belongs to in this round cost nothing: leave them out.
            used: list[bool] = np.asarray(member.any(axis=0)).tolist()
            member = member[:, np.array(used, dtype=bool)]
            weights_of = [wt for wt, u in zip(weights_of, used, strict=True) if u]
            bounds = []
            for j in range(member.shape[1]):
                total = int(member[:, j].sum())
                t = max(rnd.n_tables, 1)
                bounds.append((total // t, -(-total // t)))
            self.categories.append((member, np.array(weights_of), bounds))

        self.table: list[NDArray[np.int64]] = []
        self.members: list[list[list[int]]] = []
        self.count = np.zeros((n, n), dtype=np.int64)
        self.D: list[NDArray[np.float64]] = []
        self.cat_count: list[NDArray[np.int64]] = []
        self.cost = 0.0

    # -- weights ------------------------------------------------------------------------------

    def _marginal(self, other: NDArray[np.int64]) -> NDArray[np.float64]:
        """Cost of one more meeting for pairs who met ``other`` times in other rounds."""
        return self.w.repeat * (other >= 1) + self.w.third_meeting * np.maximum(other - 1, 0)

    def _weights_of(self, r: int, p: int, seated: bool = True) -> NDArray[np.float64]:
        """What ``p`` pays to share a table with each seat in round ``r``."""
        w = self.static[p].copy()
        if self.real[p]:
            other = self.count[p]
            if seated:
                table = self.table[r]
                other = other - ((table == table[p]) & (table >= 0))
            w += self._marginal(other) * self.real
        for q, value in self.extra[r].get(p, ()):
            w[q] += value
        w[p] = 0.0
        return w

    # -- start --------------------------------------------------------------------------------

    def start(self, seating: list[NDArray[np.int64]] | None = None) -> None:
        """Set the first seating: given (a construction) or greedy round by round."""
        n = self.n
        self.count[:] = 0
        self.table = []
        for r in range(len(self.rounds)):
            if seating is not None:
                table = np.full(n, -1, dtype=np.int64)
                table[: len(seating[r])] = seating[r]
                mask = np.zeros(n, dtype=bool)
                mask[self.seats[r]] = True
                table[~mask] = -1
            else:
                table = self._greedy(r)
            self.table.append(table)
            self._count_round(r, +1)
        self._rebuild()

    def _count_round(self, r: int, sign: int) -> None:
        table = self.table[r]
        for t in range(self.rounds[r].n_tables):
            people = np.flatnonzero((table == t) & self.real)
            self.count[np.ix_(people, people)] += sign
            self.count[people, people] -= sign

    def _greedy(self, r: int) -> NDArray[np.int64]:
        rnd = self.rounds[r]
        n, tables, capacity = self.n, rnd.n_tables, rnd.capacity
        table = np.full(n, -1, dtype=np.int64)
        if tables == 0:
            return table
        free = np.full(tables, capacity, dtype=np.int64)
        cost = np.zeros((n, tables))
        member, cat_w, bounds = self.categories[r]
        cat_count = np.zeros((member.shape[1], tables), dtype=np.int64)

        def place(p: int, t: int) -> None:
            table[p] = t
            free[t] -= 1
            cost[:, t] += self._weights_of(r, p, seated=False)
            cat_count[:, t] += member[p]

        for p, t in sorted(rnd.pins.items()):
            place(p, t)
        empty = [int(s) for s in self.seats[r] if not self.real[s]]
        for s in empty:
            place(s, int(np.argmax(free - 0.5 * (cost[s] > 0))))
        people = [int(p) for p in rnd.present if int(p) not in rnd.pins]
        delegation = self.problem.delegation
        sizes: dict[int, int] = defaultdict(int)
        for p in people:
            sizes[int(delegation[p])] += 1
        hosts = set(rnd.hosts)
        noise = self.rng.random(len(people))
        order = sorted(
            range(len(people)),
            key=lambda i: (
                people[i] not in hosts,
                -sizes[int(delegation[people[i]])],
                int(delegation[people[i]]),
                noise[i],
            ),
        )
        for i in order:
            p = people[i]
            score = cost[p].copy()
            # Fill categories evenly as we go (hosts first, then roles, facilitators).
            for j in np.flatnonzero(member[p]):
                score += cat_w[j] * (cat_count[j] >= bounds[j][1])
            score += self.rng.random(tables) * 1e-6
            score[free <= 0] = np.inf
            place(p, int(np.argmin(score)))
        return table

    def _rebuild(self) -> None:
        """Recompute ``D``, member lists, category counts and the cost from scratch."""
        n = self.n
        self.D = []
        self.members = []
        self.cat_count = []
        # Meeting counts are sparse: each person meets a few dozen people at most.
        xs, ys = np.nonzero(self.count)
        keep = self.real[xs] & self.real[ys]
        xs, ys = xs[keep], ys[keep]
        counts = self.count[xs, ys]
        w = self.w
        cost = (
            float(
                (w.repeat * (counts - 1) + w.third_meeting * (counts - 1) * (counts - 2) / 2).sum()
            )
            / 2
        )
        for r, rnd in enumerate(self.rounds):
            table = self.table[r]
            seated = np.flatnonzero(table >= 0)
            onehot = np.zeros((n, rnd.n_tables))
            onehot[seated, table[seated]] = 1.0
            d = self.static @ onehot
            for p, pairs in self.extra[r].items():
                for q, value in pairs:
                    if table[q] >= 0:
                        d[p, table[q]] += value
            # What is known so far is the static part of this round's cost.
            cost += float(d[seated, table[seated]].sum()) / 2
            ty = table[ys]
            on = ty >= 0
            same = (table[xs] == ty) & on
            other = counts - same
            np.add.at(d, (xs[on], ty[on]), self._marginal(other[on]))
            self.D.append(d)
            order = np.argsort(table[seated], kind="stable")
            groups = np.split(
                seated[order], np.cumsum(np.bincount(table[seated], minlength=rnd.n_tables))[:-1]
            )
            self.members.append([g.tolist() for g in groups])
            member, cat_w, bounds = self.categories[r]
            cc = (member.T.astype(np.int64) @ onehot).astype(np.int64)
            self.cat_count.append(cc)
            for j, (low, high) in enumerate(bounds):
                cost += float(cat_w[j] * _spread_penalty(cc[j], low, high).sum())
        self.cost = cost

    # -- moves --------------------------------------------------------------------------------

    def _swap_deltas(
        self, r: int, p: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
        """Every swap of ``p`` in round ``r``: partners, cost changes, partners' tables."""
        table = self.table[r]
        a = int(table[p])
        seats = self.seats[r]
        tq = table[seats]
        keep = (tq != a) & self.movable[r][seats]
        seats, tq = seats[keep], tq[keep]
        d = self.D[r]
        wp = self._weights_of(r, p)
        delta = d[p, tq] - d[p, a] + d[seats, a] - d[seats, tq] - 2.0 * wp[seats]
        member, cat_w, bounds = self.categories[r]
        if member.shape[1]:
            cc = self.cat_count[r]
            mp = member[p]
            mq = member[seats]
            for j in np.flatnonzero(mp | mq.any(axis=0)):
                low, high = bounds[j]
                counts = cc[j]
                add = _spread_penalty(counts + 1, low, high) - _spread_penalty(counts, low, high)
                rem = _spread_penalty(counts - 1, low, high) - _spread_penalty(counts, low, high)
                qin = mq[:, j]
                if mp[j]:
                    delta += cat_w[j] * np.where(qin, 0, rem[a] + add[tq])
                else:
                    delta += cat_w[j] * np.where(qin, rem[tq] + add[a], 0)
        return seats, delta, tq

    def _swap(self, r: int, p: int, q: int) -> None:
        table = self.table[r]
        a, b = int(table[p]), int(table[q])
        wp = self._weights_of(r, p)
        wq = self._weights_of(r, q)
        d = self.D[r]
        d[:, a] += wq - wp
        d[:, b] += wp - wq
        changes: list[tuple[int, int, int]] = []
        for y in self.members[r][a]:
            if y != p:
                changes.append((p, y, -1))
                changes.append((q, y, +1))
        for y in self.members[r][b]:
            if y != q:
                changes.append((q, y, -1))
                changes.append((p, y, +1))
        table[p], table[q] = b, a
        self.members[r][a].remove(p)
        self.members[r][a].append(q)
        self.members[r][b].remove(q)
        self.members[r][b].append(p)
        member = self.categories[r][0]
        cc = self.cat_count[r]
        cc[:, a] += member[q].astype(np.int64) - member[p]
        cc[:, b] += member[p].astype(np.int64) - member[q]
        w = self.w
        for x, y, step in changes:
            if not (self.real[x] and self.real[y]):
                continue
            old = int(self.count[x, y])
            new = old + step
            self.count[x, y] = new
            self.count[y, x] = new
            for r2, other in enumerate(self.table):
                if r2 == r:
                    continue
                tx, ty = int(other[x]), int(other[y])
                if tx < 0 or ty < 0:
                    continue
                same = int(tx == ty)
                o_old, o_new = old - same, new - same
                before = w.repeat * (o_old >= 1) + w.third_meeting * max(o_old - 1, 0)
                after = w.repeat * (o_new >= 1) + w.third_meeting * max(o_new - 1, 0)
                if after != before:
                    self.D[r2][x, ty] += after - before
                    self.D[r2][y, tx] += after - before

    # -- search -------------------------------------------------------------------------------

    def run(
        self,
        *,
        budget: float = 10.0,
        max_iterations: int = 1_000_000,
        patience: int = 2_000,
        polish: int = 300,
        candidates: int = 24,
        tenure: tuple[int, int] = (10, 30),
        clock: Clock | None = None,
    ) -> SearchResult:
        """Improve the current seating; return the best one found.

        Once no repeat and no broken rule is left, only ``polish`` more
        iterations (of a few candidates each) go to the soft terms. The
        search stops when it has done ``budget`` seconds of calibrated work
        (see the module text); ``clock``'s wall stop is a safety net only.
        """
        began = time.perf_counter()
        work = 0.0
        completed = True
        best_cost = self.cost
        best = [t.copy() for t in self.table]
        rounds = [r for r, rnd in enumerate(self.rounds) if rnd.n_tables > 1]
        tabu = [np.zeros((self.n, max(rnd.n_tables, 1)), dtype=np.int64) for rnd in self.rounds]
        threshold = 0.5 * self.w.repeat if self.w.repeat > 0 else HARD / 2
        since_best = 0
        stall = max(200, patience // 4)
        iteration = 0
        optimal = self._at_floor(best_cost)
        polished = 0
        scan = SCAN_SECONDS * self.n * len(rounds)
        while rounds and not optimal and iteration < max_iterations and since_best < patience:
            if work >= budget:
                break
            if iteration % 16 == 0 and clock is not None and clock.over():
                completed = False
                break
            iteration += 1
            picks, clean = self._pick(rounds, candidates, threshold)
            work += scan + SWAP_SECONDS * len(picks)
            if clean:
                polished += 1
                if polished > polish:
                    break
            move = None
            move_delta = np.inf
            for r, p in picks:
                seats, delta, tq = self._swap_deltas(r, p)
                if len(seats) == 0:
                    continue
                a = int(self.table[r][p])
                forbidden = (tabu[r][p, tq] > iteration) | (tabu[r][seats, a] > iteration)
                allowed = ~forbidden | (self.cost + delta < best_cost - 1e-9)
                if not allowed.any():
                    continue
                masked = np.where(allowed, delta, np.inf)
                low = masked.min()
                if low < move_delta:
                    ties = np.flatnonzero(masked <= low + 1e-9)
                    k = int(ties[self.rng.integers(len(ties))])
                    move = (r, p, int(seats[k]))
                    move_delta = float(low)
            if move is None:
                since_best += 1
                continue
            r, p, q = move
            a, b = int(self.table[r][p]), int(self.table[r][q])
            self._swap(r, p, q)
            self.cost += move_delta
            span = int(self.rng.integers(tenure[0], tenure[1] + 1))
            tabu[r][p, a] = iteration + span
            tabu[r][q, b] = iteration + span
            if self.cost < best_cost - 1e-9:
                best_cost = self.cost
                best = [t.copy() for t in self.table]
                since_best = 0
                optimal = self._at_floor(best_cost)
            else:
                since_best += 1
                if since_best % stall == 0:
                    self._kick(rounds)
        seconds = time.perf_counter() - began
        self.table = best
        self.count[:] = 0
        for r in range(len(self.rounds)):
            self._count_round(r, +1)
        self._rebuild()
        logger.debug(
            "table search: cost %.1f after %d iterations (%.2f s of work) in %.2fs",
            self.cost,
            iteration,
            work,
            seconds,
        )
        return SearchResult(best, self.cost, iteration, seconds, optimal, work, completed)

    def _at_floor(self, cost: float) -> bool:
        return not self.has_rewards and cost <= self.floor + 1e-6

    def _pick(
        self, rounds: list[int], k: int, threshold: float
    ) -> tuple[list[tuple[int, int]], bool]:
        """People in costly seats (``k`` at most, at random), else a few at random.

        The flag tells that no seat is costly: only soft terms are left to improve.
        """
        costly: list[tuple[int, int]] = []
        for r in rounds:
            seats = self.seats[r][self.movable[r][self.seats[r]]]
            if len(seats) == 0:
                continue
            score = self.D[r][seats, self.table[r][seats]]
            hot = seats[score > threshold]
            costly.extend((r, int(p)) for p in hot)
        if costly:
            if len(costly) <= k:
                return costly, False
            chosen = self.rng.choice(len(costly), size=k, replace=False)
            return [costly[int(i)] for i in sorted(chosen)], False
        # Nothing broken: try to improve the soft terms around a few random people.
        picks = []
        for _ in range(min(k, 4)):
            r = rounds[int(self.rng.integers(len(rounds)))]
            seats = self.seats[r][self.movable[r][self.seats[r]]]
            if len(seats):
                picks.append((r, int(seats[self.rng.integers(len(seats))])))
        return picks, True

    def _kick(self, rounds: list[int]) -> None:
        """A few random swaps to leave a stalled region."""
        for _ in range(max(2, len(rounds))):
            r = rounds[int(self.rng.integers(len(rounds)))]
            seats = self.seats[r][self.movable[r][self.seats[r]]]
            if len(seats) < 2:
                continue
            p, q = (int(x) for x in self.rng.choice(seats, size=2, replace=False))
            if self.table[r][p] == self.table[r][q]:
                continue
            seats_p, delta, _ = self._swap_deltas(r, p)
            k = np.flatnonzero(seats_p == q)
            if len(k) == 0:
                continue
            self._swap(r, p, q)
            self.cost += float(delta[k[0]])
