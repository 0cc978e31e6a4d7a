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
of the sessions into the slots (a session offered twice in two slots). A
session offered twice is attended once, so a column also says which session
each person is *credited* with in its slot (at most one; their best, unless
a price steers them elsewhere), and a person is credited with a session
offered twice in at most one slot. Rooms, seats, step-free access and topics
are relaxed, so this stays an upper bound. Its linear relaxation over all
columns (a set-partitioning master with one column per slot) is solved by
column generation: GLOP for the master, a greedy add/drop search for new
columns, and an exact facility-location MIP (SCIP) to prove that no column is
left, or to bound what is left (then the bound is the dual objective plus each
slot's best reduced cost: a Lagrangian bound, valid at any round).

Run ``python benchmarks/placement_bound.py 50 [event seed] [seconds] [profile]``
(``profile`` of :func:`generate.make_event`, default ``ranked``); it
prints the bound as a share of the benchmark's capacity-free bound (after
``seconds`` it stops generating columns and prices exactly once more).
"""

from __future__ import annotations

import json
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

#: (slot index, session indices, (person, session offered twice) credits)
Column = tuple[int, frozenset[int], frozenset[tuple[int, int]]]
#: Where ``main`` appends its bounds (``run_agenda.py`` shows them beside the seed spread).
BOUNDS = Path(__file__).resolve().parent / "agenda_bounds.jsonl"


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
        # (person, session offered twice) pairs worth something: "credited at most once" rows.
        self.doubles = [j for j, n in enumerate(self.offered.tolist()) if n > 1]
        ranked = self.values.max(axis=0) > 0
        self.pairs = [(p, j) for j in self.doubles for p in np.nonzero(ranked[:, j])[0].tolist()]

    def column(
        self, k: int, members: frozenset[int], prices: np.ndarray
    ) -> tuple[Column, float, float]:
        """Slot ``k``'s column for ``members`` under ``prices``: it, its points, its priced gain.

        Each person is credited with the member worth most after ``prices`` (per
        person and session; non-zero only on sessions offered twice), or with
        nothing when none is worth more than 0, or when they present a member.
        """
        if not members:
            return (k, members, frozenset()), 0.0, 0.0
        idx = np.fromiter(sorted(members), dtype=np.int64)
        priced = self.values[k][:, idx] - prices[:, idx]
        best = priced.argmax(axis=1)
        rows = np.arange(len(best))
        take = (priced[rows, best] > 1e-9) & ~self.presents[:, idx].any(axis=1)
        chosen = idx[best]
        points = float(self.values[k][rows, chosen][take].sum())
        gain = float(priced[rows, best][take].sum())
        doubles = set(self.doubles)
        credits = frozenset(
            (p, int(chosen[p])) for p in np.nonzero(take)[0].tolist() if int(chosen[p]) in doubles
        )
        return (k, members, credits), points, gain

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
        return bool(self.presents[np.ix_(self.presenters[j], np.array(sorted(members)))].any())


def master(
    sets: SlotSets, columns: list[Column], values: dict[Column, float]
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, list[float]]:
    """Solve the restricted master LP.

    Returns its value, the slot duals, the session duals, the prices (duals of
    "credited at most once", per person and session, never negative) and the
    column weights.
    """
    lp = pywraplp.Solver.CreateSolver("GLOP")
    weights = [lp.NumVar(0, 1, "") for _ in columns]
    one_set = [lp.Constraint(1, 1) for _ in sets.slots]
    covered = [lp.Constraint(float(n), float(n)) for n in sets.offered]
    once = {pair: lp.Constraint(-lp.infinity(), 1) for pair in sets.pairs}
    objective = lp.Objective()
    for column, w in zip(columns, weights, strict=True):
        k, members, credits = column
        one_set[k].SetCoefficient(w, 1)
        for j in members:
            covered[j].SetCoefficient(w, 1)
        for pair in credits:
            once[pair].SetCoefficient(w, 1)
        objective.SetCoefficient(w, values[column])
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the master LP has no optimal solution")
    prices = np.zeros(sets.values.shape[1:])
    for (p, j), row in once.items():
        prices[p, j] = max(0.0, row.dual_value())
    return (
        objective.Value(),
        np.array([c.dual_value() for c in one_set]),
        np.array([c.dual_value() for c in covered]),
        prices,
        [w.solution_value() for w in weights],
    )


def improve_column(
    sets: SlotSets, k: int, duals: np.ndarray, prices: np.ndarray, start: frozenset[int]
) -> tuple[frozenset[int], float]:
    """Best add/drop moves from ``start`` on the priced gain ``− Σ duals``: members, value."""
    current = set(start)

    def gain(members: set[int]) -> float:
        if not members:
            return 0.0
        return sets.column(k, frozenset(members), prices)[2] - float(duals[sorted(members)].sum())

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
    sets: SlotSets, k: int, duals: np.ndarray, prices: np.ndarray, seconds: float
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
    values = sets.values[k] - prices
    for p in range(values.shape[0]):
        ranked = [j for j in np.nonzero(values[p] > 1e-9)[0].tolist() if j in chosen]
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
    event: Event, mip_seconds: float = 120.0, log: bool = True, max_seconds: float | None = None
) -> tuple[float, float, float]:
    """Return (best plan value seen as a share, master LP share, upper bound share) in %.

    With ``max_seconds``, column generation stops after that long (then prices
    every slot exactly once more, so the bound stays valid).
    """
    sets = SlotSets(event)
    greedy = solve_greedy(sets.inst, 0)
    if greedy is None:
        raise RuntimeError("no greedy placement to start from")
    index = {sid: j for j, sid in enumerate(sets.sessions)}
    values: dict[Column, float] = {}
    columns: list[Column] = []

    def add(column: Column, points: float) -> bool:
        if column in values:
            return False
        values[column] = points
        columns.append(column)
        return True

    # The greedy plan's columns credit each session offered twice once per person (in the
    # first of its slots that person takes it in), so the first master is feasible.
    taken = np.zeros(sets.values.shape[1:])
    for k, slot_id in enumerate(sets.slots):
        members = frozenset(
            index[sid]
            for sid, runs in greedy.placement.items()
            if sid in index and any(kk == slot_id for kk, _r in runs)
        )
        column, points, _gain = sets.column(k, members, taken)
        add(column, points)
        for p, j in column[2]:
            taken[p, j] = np.inf
    start_value = sum(values.values())
    upper = float("inf")
    t0 = time.perf_counter()
    for rounds in range(10_000):
        lp_value, slot_duals, session_duals, prices, weights = master(sets, columns, values)
        # The dual objective: the Lagrangian bound is this plus each slot's best reduced cost.
        dual_value = (
            float(slot_duals.sum())
            + float(session_duals @ sets.offered)
            + sum(float(prices[p, j]) for p, j in sets.pairs)
        )
        added = 0
        in_use = [c for c, w in zip(columns, weights, strict=True) if w > 1e-6]
        for k in range(len(sets.slots)):
            used = [members for kk, members, _c in in_use if kk == k]
            for start in [frozenset(), *used[:3]]:
                members, gain = improve_column(sets, k, session_duals, prices, start)
                if gain - slot_duals[k] > 1e-6:
                    added += add(*sets.column(k, members, prices)[:2])
        out_of_time = max_seconds is not None and time.perf_counter() - t0 > max_seconds
        if not added or out_of_time:
            # No greedy column is left (or time is up): price exactly, which also bounds the LP.
            reduced = 0.0
            for k in range(len(sets.slots)):
                members, bound = exact_column(sets, k, session_duals, prices, mip_seconds)
                reduced += max(0.0, bound - slot_duals[k])
                column, points, gain = sets.column(k, members, prices)
                if gain - float(session_duals[sorted(members)].sum()) - slot_duals[k] > 1e-6:
                    added += add(column, points)
            upper = min(upper, dual_value + reduced)
        if log:
            print(
                f"round {rounds}: master {100 * lp_value / sets.score_bound:.3f}%, "
                f"bound {100 * upper / sets.score_bound:.3f}%, {len(columns)} columns, "
                f"{time.perf_counter() - t0:.0f} s",
                flush=True,
            )
        if not added or out_of_time:
            break
    share = 100 / sets.score_bound
    return start_value * share, lp_value * share, float(upper) * share


def main(argv: list[str]) -> None:
    cities = int(argv[0]) if argv else 50
    seed = int(argv[1]) if len(argv) > 1 else 0
    max_seconds = float(argv[2]) if len(argv) > 2 and argv[2] != "-" else None
    profile = argv[3] if len(argv) > 3 else "ranked"
    t0 = time.perf_counter()
    start, lp, upper = column_generation_bound(
        make_event(cities, seed, profile=profile), max_seconds=max_seconds
    )
    print(
        f"{cities} cities ({profile}), event seed {seed}: starting columns (greedy) {start:.2f}%, "
        f"master LP {lp:.2f}%, upper bound {upper:.2f}% of the capacity-free bound"
    )
    row = {
        "cities": cities,
        "event_seed": seed,
        "profile": profile,
        "bound_pct": round(upper, 2),
        "lp_pct": round(lp, 2),
        "seconds": round(time.perf_counter() - t0),
        "max_seconds": max_seconds,
    }
    with BOUNDS.open("a") as f:
        f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
