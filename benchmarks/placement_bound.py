"""An upper bound on the benchmark preference score by column generation.

The compact bound (each person's best *k* ranks) ignores that sessions clash;
CP-SAT's and the LP's bounds on the placement stay there because breakout
slots are interchangeable. This script bounds the placement itself: a plan
chooses, for each breakout slot, the *set* of sessions running in it, and a
person present in a slot earns at most their best-ranked session of that set
(nothing if they present one of them). With

``f_k(S)`` = the sum over people present in slot ``k`` and presenting nothing
in ``S`` of their best score in ``S``,

every plan's ranked points are at most ``max Σ_k f_k(S_k)`` over partitions
of the sessions into the slots (a session offered twice in two slots). Rooms,
seats, step-free access and topics are relaxed, and a person may count a
session offered twice in both its slots, so this stays an upper bound. Its
linear relaxation over all sets (a set-partitioning master with one column per
slot and set) is solved by column generation: GLOP for the master, a greedy
add/drop search for new columns, and an exact facility-location MIP (SCIP) to
prove that no column is left, or to bound what is left (then the bound is the
master's value plus each slot's best reduced cost).

Run ``python benchmarks/placement_bound.py 50 [event seed]``; it prints the
bound as a share of the benchmark's capacity-free bound.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from ortools.linear_solver import pywraplp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_event

from convening.model import Event, SlotKind
from convening.solvers.greedy import solve_greedy
from convening.solvers.instance import AgendaInstance

Column = tuple[int, frozenset[int]]  # (slot index, session indices)


class SlotSets:
    """The slots, sessions and people of an event, and ``f_k(S)`` on them."""

    def __init__(self, event: Event) -> None:
        inst = AgendaInstance(event)
        self.inst = inst
        self.slots = [s.slot_id for s in inst.session_slots[SlotKind.BREAKOUT]]
        sessions = inst.sessions_of(SlotKind.BREAKOUT)
        self.sessions = [s.session_id for s in sessions]
        self.offered = np.array([s.offered for s in sessions])
        index = {sid: j for j, sid in enumerate(self.sessions)}
        people = [p.participant_id for p in inst.people]
        self.allowed = np.array(
            [[k in {kk for kk, _r, _c in inst.info[sid].options} for sid in self.sessions]
             for k in self.slots]
        )  # fmt: skip
        # values[k, p, s]: points person p earns from session s in slot k.
        self.values = np.zeros((len(self.slots), len(people), len(self.sessions)))
        self.presents = np.zeros((len(people), len(self.sessions)), dtype=bool)
        for i, pid in enumerate(people):
            for sid in inst.presents.get(pid, ()):
                if sid in index:
                    self.presents[i, index[sid]] = True
            for ki, k in enumerate(self.slots):
                if pid not in inst.present_sets[k]:
                    continue
                for sid, pts in inst.scores.get(pid, {}).items():
                    if sid in index and not inst.is_presenting(pid, sid):
                        self.values[ki, i, index[sid]] = pts
        self.presenters = [np.nonzero(self.presents[:, j])[0] for j in range(len(self.sessions))]
        self.score_bound = sum(inst.bound(pid, SlotKind.BREAKOUT) for pid in people)

    def value(self, k: int, members: frozenset[int] | set[int]) -> float:
        """``f_k(S)``."""
        if not members:
            return 0.0
        idx = np.fromiter(sorted(members), dtype=np.int64)
        best = self.values[k][:, idx].max(axis=1)
        return float(best[~self.presents[:, idx].any(axis=1)].sum())

    def shares_presenter(self, j: int, members: set[int]) -> bool:
        """Whether session ``j`` has a presenter who presents one of ``members``."""
        if not members or not len(self.presenters[j]):
            return False
        return bool(self.presents[np.ix_(self.presenters[j], sorted(members))].any())


def master(
    sets: SlotSets, columns: list[Column], values: dict[Column, float]
) -> tuple[float, np.ndarray, np.ndarray, list[float]]:
    """Solve the restricted master LP: value, slot duals, session duals, column weights."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    weights = [lp.NumVar(0, 1, "") for _ in columns]
    one_set = [lp.Constraint(1, 1) for _ in sets.slots]
    covered = [lp.Constraint(float(n), float(n)) for n in sets.offered]
    objective = lp.Objective()
    for (k, members), w in zip(columns, weights, strict=True):
        one_set[k].SetCoefficient(w, 1)
        for j in members:
            covered[j].SetCoefficient(w, 1)
        objective.SetCoefficient(w, values[(k, members)])
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the master LP has no optimal solution")
    return (
        objective.Value(),
        np.array([c.dual_value() for c in one_set]),
        np.array([c.dual_value() for c in covered]),
        [w.solution_value() for w in weights],
    )


def improve_column(
    sets: SlotSets, k: int, duals: np.ndarray, start: frozenset[int]
) -> tuple[frozenset[int], float]:
    """Best add/drop moves from ``start`` on ``f_k(S) − Σ duals``: a column and its value."""
    current = set(start)

    def gain(members: set[int]) -> float:
        return sets.value(k, members) - float(duals[sorted(members)].sum()) if members else 0.0

    value = gain(current)
    while True:
        best, best_value = None, value
        for j in np.nonzero(sets.allowed[k])[0].tolist():
            if j not in current and sets.shares_presenter(j, current):
                continue
            candidate = current ^ {j}
            v = gain(candidate)
            if v > best_value + 1e-9:
                best, best_value = candidate, v
        if best is None:
            return frozenset(current), value
        current, value = best, best_value


def exact_column(
    sets: SlotSets, k: int, duals: np.ndarray, seconds: float
) -> tuple[frozenset[int], float]:
    """The best column of slot ``k`` by MIP: its sessions and an upper bound on its value."""
    mip = pywraplp.Solver.CreateSolver("SCIP")
    mip.SetTimeLimit(int(seconds * 1000))
    chosen = {j: mip.BoolVar("") for j in np.nonzero(sets.allowed[k])[0].tolist()}
    for p in range(sets.presents.shape[0]):
        mine = [chosen[j] for j in np.nonzero(sets.presents[p])[0].tolist() if j in chosen]
        if len(mine) > 1:
            mip.Add(sum(mine) <= 1)
    objective = mip.Objective()
    values = sets.values[k]
    for p in range(values.shape[0]):
        ranked = [j for j in np.nonzero(values[p])[0].tolist() if j in chosen]
        if not ranked:
            continue
        attends = []
        for j in ranked:
            x = mip.NumVar(0, 1, "")
            mip.Add(x <= chosen[j])
            objective.SetCoefficient(x, float(values[p, j]))
            attends.append(x)
        blocks = [chosen[j] for j in np.nonzero(sets.presents[p])[0].tolist() if j in chosen]
        for b in blocks or [0]:
            mip.Add(sum(attends) + b <= 1)
    for j, y in chosen.items():
        objective.SetCoefficient(y, -float(duals[j]))
    objective.SetMaximization()
    mip.Solve()
    members = frozenset(j for j, y in chosen.items() if y.solution_value() > 0.5)
    return members, objective.BestBound()


def column_generation_bound(
    event: Event, mip_seconds: float = 120.0, log: bool = True
) -> tuple[float, float, float]:
    """Return (best plan value seen as a share, master LP share, upper bound share) in %."""
    sets = SlotSets(event)
    greedy = solve_greedy(sets.inst, 0)
    if greedy is None:
        raise RuntimeError("no greedy placement to start from")
    index = {sid: j for j, sid in enumerate(sets.sessions)}
    columns: list[Column] = []
    for k, slot_id in enumerate(sets.slots):
        members = frozenset(
            index[sid]
            for sid, runs in greedy.placement.items()
            if sid in index and any(kk == slot_id for kk, _r in runs)
        )
        columns.append((k, members))
    values = {c: sets.value(*c) for c in columns}
    start_value = sum(values.values())
    upper = float("inf")
    t0 = time.perf_counter()
    for rounds in range(10_000):
        lp_value, slot_duals, session_duals, weights = master(sets, columns, values)
        added = 0
        in_use = [c for c, w in zip(columns, weights, strict=True) if w > 1e-6]
        for k in range(len(sets.slots)):
            used = [members for kk, members in in_use if kk == k]
            starts = [frozenset(), *used[:3]]
            for start in starts:
                members, gain = improve_column(sets, k, session_duals, start)
                if (k, members) not in values and gain - slot_duals[k] > 1e-6:
                    values[(k, members)] = sets.value(k, members)
                    columns.append((k, members))
                    added += 1
        if not added:
            # No greedy column is left: price exactly, which also bounds the LP.
            reduced = 0.0
            for k in range(len(sets.slots)):
                members, bound = exact_column(sets, k, session_duals, mip_seconds)
                reduced += max(0.0, bound - slot_duals[k])
                column = (k, members)
                gain = sets.value(k, members) - float(session_duals[sorted(members)].sum())
                if column not in values and gain - slot_duals[k] > 1e-6:
                    values[column] = sets.value(k, members)
                    columns.append(column)
                    added += 1
            upper = min(upper, lp_value + reduced)
        if log:
            print(
                f"round {rounds}: master {100 * lp_value / sets.score_bound:.3f}%, "
                f"bound {100 * upper / sets.score_bound:.3f}%, {len(columns)} columns, "
                f"{time.perf_counter() - t0:.0f} s",
                flush=True,
            )
        if not added:
            break
    share = 100 / sets.score_bound
    return start_value * share, lp_value * share, upper * share


def main(argv: list[str]) -> None:
    cities = int(argv[0]) if argv else 50
    seed = int(argv[1]) if len(argv) > 1 else 0
    start, lp, upper = column_generation_bound(make_event(cities, seed))
    print(
        f"{cities} cities, event seed {seed}: greedy placement {start:.2f}% (relaxed), "
        f"master LP {lp:.2f}%, upper bound {upper:.2f}% of the capacity-free bound"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
