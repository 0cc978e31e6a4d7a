"""Large-neighbourhood search: re-place and re-assign a few slots at once, exactly.

The annealing (:mod:`convening.solvers.improve`) moves one or two runs at a
time and scores a placement by each person's best session per slot, which
misjudges what an assignment under seat limits can actually give. This search
instead frees every run in a few slots ``S`` of one kind (their sessions may
move to any slot of ``S`` and any room there) and solves one exact CP-SAT
model of placement and assignment for those slots, with everything else fixed:

``z[s, k, r]``
    Session ``s`` (one with a run in ``S``) runs in slot ``k ∈ S``, room ``r``.
``x[p, s, k]``
    Person ``p`` attends ranked session ``s`` in slot ``k ∈ S``; only sessions
    ``p`` ranked, does not present and does not attend in a slot outside
    ``S`` get one (a session is attended once).
``u[p, k]``
    Person ``p`` attends something they did not rank in slot ``k``.

Constraints: each freed session keeps its number of runs in ``S``, at most one
per slot; a room holds one run per slot; a presenter presents at most one run
per slot and attends nothing there; everyone present and not presenting
attends exactly one run (ranked, or ``u``); ranked attendees fit the run's
seats after presenters; people needing step-free access attend ranked runs in
step-free rooms; every slot seats everyone present, and step-free seats cover
those who need them. People who fall back (``u``) are seated later by
:mod:`.flow` like in the decomposition.

Objective terms (weighted by :class:`~convening.options.SolveOptions`):
``preference`` (points attended in ``S``) and ``topic`` (minus same-topic
session pairs in one slot of ``S``). The incumbent is the model's hint, so a
solve never returns worse; a neighbourhood is accepted when strictly better.

Determinism: the neighbourhoods follow a seeded schedule of slot subsets, every
solve stops on deterministic time, and the search stops after a fixed number
of solves or a full round without improvement; the wall clock is a safety net
only (the run's wall stop), and recorded when it stops something.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

import attrs
from ortools.sat.python import cp_model

from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.instance import AgendaInstance, topic_pairs
from convening.solvers.ortools.common import CpSat, Outcome, optimize

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["LnsResult", "SlotNeighbourhood", "improve_by_slots", "slot_subsets"]

logger = logging.getLogger(__name__)

Placement = dict[str, list[tuple[str, str]]]
Attends = dict[tuple[str, str], str]


class SlotNeighbourhood:
    """The exact placement-and-assignment model of the slots ``S``, the rest fixed.

    Parameters
    ----------
    inst
        The instance.
    placement
        The incumbent placement (keeps every run rule).
    attends
        The incumbent's ranked attendance ``(pid, slot_id) -> session_id``
        (unranked attendance may be included; it is ignored).
    slots
        The slots ``S`` to free (of one kind).
    options
        Weights, seed and workers.
    """

    def __init__(
        self,
        inst: AgendaInstance,
        placement: Placement,
        attends: Attends,
        slots: Sequence[str],
        options: SolveOptions,
    ) -> None:
        self.inst = inst
        self.options = options
        self.slots = list(slots)
        inside = set(self.slots)
        self.model = cp_model.CpModel()
        # Sessions with a run in S, and how many of their runs are there.
        self.free: dict[str, int] = {}
        for sid, runs in sorted(placement.items()):
            n = sum(1 for k, _r in runs if k in inside)
            if n:
                self.free[sid] = n
        self.incumbent_cells = {
            (sid, k, r) for sid in self.free for k, r in placement[sid] if k in inside
        }
        # What people attend outside S (a ranked session is attended once).
        self.seen: dict[str, set[str]] = {}
        for (pid, k), sid in attends.items():
            if k not in inside:
                self.seen.setdefault(pid, set()).add(sid)
        self.incumbent_attends = {
            key: sid
            for key, sid in attends.items()
            if key[1] in inside and inst.score(key[0], sid) > 0
        }
        self._variables()
        self._runs()
        self._rooms()
        self._presenters()
        self._people()
        self._seats()
        self._objective()

    # -- variables ----------------------------------------------------------------------------

    def _variables(self) -> None:
        m = self.model
        inst = self.inst
        inside = set(self.slots)
        self.z: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.seats: dict[tuple[str, str, str], int] = {}
        self.cells_of: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = {}
        for sid in self.free:
            for k, r, c in inst.info[sid].options:
                if k not in inside:
                    continue
                v = m.new_bool_var(f"z[{sid},{k},{r}]")
                self.z[(sid, k, r)] = v
                self.seats[(sid, k, r)] = c
                self.cells_of.setdefault((sid, k), []).append((r, v))
        self.run: dict[tuple[str, str], cp_model.LinearExpr] = {
            key: cp_model.LinearExpr.sum([v for _r, v in cells])
            for key, cells in self.cells_of.items()
        }

    # -- constraint families --------------------------------------------------------------------

    def _runs(self) -> None:
        """A freed session keeps its runs in S, at most one per slot."""
        for sid, n in self.free.items():
            keys = [(sid, k) for k in self.slots if (sid, k) in self.run]
            self.model.add(sum(self.run[key] for key in keys) == n)
            for key in keys:
                self.model.add(self.run[key] <= 1)

    def _rooms(self) -> None:
        """A room holds one run per slot."""
        by_cell: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (_sid, k, r), v in self.z.items():
            by_cell.setdefault((k, r), []).append(v)
        for vs in by_cell.values():
            if len(vs) > 1:
                self.model.add_at_most_one(vs)

    def _presenters(self) -> None:
        """A presenter presents at most one run per slot; ``busy[p, k]`` says they present."""
        inst = self.inst
        self.busy: dict[tuple[str, str], cp_model.LinearExpr] = {}
        for pid, sids in sorted(inst.presents.items()):
            mine = [sid for sid in sids if sid in self.free]
            for k in self.slots:
                exprs = [self.run[(sid, k)] for sid in mine if (sid, k) in self.run]
                if not exprs:
                    continue
                if len(exprs) > 1:
                    self.model.add(sum(exprs) <= 1)
                self.busy[(pid, k)] = cp_model.LinearExpr.sum(exprs)

    def _people(self) -> None:
        """Everyone present and not presenting attends one run; ranked runs have seats."""
        m = self.model
        inst = self.inst
        self.x: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.u: dict[tuple[str, str], cp_model.IntVar] = {}
        for k in self.slots:
            for pid in inst.present[k]:
                u = m.new_bool_var(f"u[{pid},{k}]")
                self.u[(pid, k)] = u
                mine = [u]
                seen = self.seen.get(pid, set())
                for sid in inst.scores.get(pid, {}):
                    if (sid, k) not in self.run or sid in seen or inst.is_presenting(pid, sid):
                        continue
                    v = m.new_bool_var(f"x[{pid},{sid},{k}]")
                    self.x[(pid, sid, k)] = v
                    m.add(v <= self.run[(sid, k)])
                    if pid in inst.accessible:
                        step_free = [
                            y for r, y in self.cells_of[(sid, k)] if inst.room_accessible(r)
                        ]
                        m.add(v <= sum(step_free))
                    mine.append(v)
                busy = self.busy.get((pid, k))
                m.add(cp_model.LinearExpr.sum([*mine, *([busy] if busy is not None else [])]) == 1)
        by_session: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        by_run: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (pid, sid, k), v in self.x.items():
            by_session.setdefault((pid, sid), []).append(v)
            by_run.setdefault((sid, k), []).append(v)
        for vs in by_session.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        for (sid, k), vs in sorted(by_run.items()):
            presenters = len(inst.event.session_by_id[sid].presenters)
            room_for = sum(
                (self.seats[(sid, k, r)] - presenters) * y for r, y in self.cells_of[(sid, k)]
            )
            m.add(sum(vs) <= room_for)

    def _seats(self) -> None:
        """Every slot of S seats everyone present, and step-free seats cover those who need them."""
        inst = self.inst
        for k in self.slots:
            cells = [(key, v) for key, v in self.z.items() if key[1] == k]
            present = inst.present[k]
            self.model.add(sum(self.seats[key] * v for key, v in cells) >= len(present))
            need = sum(1 for p in present if p in inst.accessible)
            if need:
                step_free = [(key, v) for key, v in cells if inst.room_accessible(key[2])]
                self.model.add(sum(self.seats[key] * v for key, v in step_free) >= need)

    # -- objective ------------------------------------------------------------------------------

    def _objective(self) -> None:
        inst = self.inst
        preference = sum(inst.score(pid, sid) * v for (pid, sid, _k), v in self.x.items())
        clashes = []
        for a, b in topic_pairs(inst):
            if a not in self.free or b not in self.free:
                continue
            for k in self.slots:
                if (a, k) in self.run and (b, k) in self.run:
                    both = self.model.new_bool_var(f"topic[{a},{b},{k}]")
                    self.model.add(both >= self.run[(a, k)] + self.run[(b, k)] - 1)
                    clashes.append(both)
        self.terms: dict[str, Any] = {"preference": preference, "topic": -sum(clashes)}

    def incumbent_value(self) -> float:
        """The weighted objective of the incumbent on S (what a solve must beat)."""
        points = sum(self.inst.score(p, s) for (p, _k), s in self.incumbent_attends.items())
        clashes = 0
        for a, b in topic_pairs(self.inst):
            ka = {k for s, k, _r in self.incumbent_cells if s == a}
            kb = {k for s, k, _r in self.incumbent_cells if s == b}
            clashes += len(ka & kb)
        return self.options.weight("preference") * points - self.options.weight("topic") * clashes

    def value(self, values: dict[str, int]) -> float:
        """The weighted objective of a solution's term values."""
        return (
            self.options.weight("preference") * values["preference"]
            + self.options.weight("topic") * values["topic"]
        )

    def hint(self) -> None:
        """Start from the incumbent."""
        busy = {
            (pid, k)
            for sid, k, _r in self.incumbent_cells
            for pid in self.inst.event.session_by_id[sid].presenters
        }
        for key, v in self.z.items():
            self.model.add_hint(v, key in self.incumbent_cells)
        for (pid, sid, k), v in self.x.items():
            self.model.add_hint(v, self.incumbent_attends.get((pid, k)) == sid)
        for (pid, k), u in self.u.items():
            attended = (pid, self.incumbent_attends.get((pid, k), ""), k) in self.x
            self.model.add_hint(u, not attended and (pid, k) not in busy)

    def solve(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[str, list[tuple[str, str]]], dict[tuple[str, str], str]]:
        """Solve; return the outcome, the runs of freed sessions in S and ranked attendance in S."""
        outcome = optimize(
            self.model,
            self.terms,
            CpSat.of(self.options),
            budget,
            clock,
            "lns",
            hint_vars=[*self.z.values(), *self.x.values(), *self.u.values()],
        )
        runs: dict[str, list[tuple[str, str]]] = {sid: [] for sid in self.free}
        for sid, k, r in outcome.chosen(self.z):
            runs[sid].append((k, r))
        attends = {(pid, k): sid for pid, sid, k in outcome.chosen(self.x)}
        return outcome, runs, attends


def slot_subsets(slots: Sequence[str], size: int, seed: int) -> list[tuple[str, ...]]:
    """Every ``size``-subset of ``slots`` once, in a seeded order."""
    subsets = list(combinations(slots, min(size, len(slots))))
    random.Random(seed).shuffle(subsets)
    return subsets


@attrs.define
class LnsResult:
    """What :func:`improve_by_slots` did."""

    placement: Placement
    attends: Attends
    solves: int
    accepted: int
    points_before: int
    points_after: int
    deterministic: bool


def improve_by_slots(
    inst: AgendaInstance,
    placement: Placement,
    attends: Attends,
    options: SolveOptions,
    clock: Clock,
    *,
    solves: int,
    budget_per_solve: float,
    size: int = 3,
) -> LnsResult:
    """Improve a placement and its ranked attendance, a few slots at a time.

    Parameters
    ----------
    inst
        The instance.
    placement
        A placement keeping every run rule.
    attends
        Its ranked attendance (a feasible one, e.g. from the assignment model).
    options
        Weights, seed and workers.
    clock
        Progress and the run's wall stop (a safety net; hitting it is recorded there).
    solves
        At most this many neighbourhood solves (a count, so the result is reproducible).
    budget_per_solve
        Nominal seconds per solve (its deterministic budget follows from it).
    size
        Slots freed per neighbourhood.

    Returns
    -------
    LnsResult
        The best placement and ranked attendance, never worse than the input's.
    """
    placement = {sid: sorted(runs) for sid, runs in sorted(placement.items())}
    attends = {key: sid for key, sid in sorted(attends.items()) if inst.score(key[0], sid) > 0}
    before = inst.points(attends)
    result = LnsResult(placement, attends, 0, 0, before, before, True)
    slots = [s.slot_id for s in inst.session_slots[SlotKind.BREAKOUT]]
    if solves <= 0 or len(slots) < 2:
        return result
    start = clock.elapsed()
    schedule = slot_subsets(slots, size, options.seed)
    idle = 0  # solves since the last improvement
    i = 0
    while result.solves < solves and idle < len(schedule):
        if clock.over():
            clock.stopped("the slot neighbourhoods")
            result.deterministic = False
            break
        subset = schedule[i % len(schedule)]
        i += 1
        hood = SlotNeighbourhood(inst, result.placement, result.attends, subset, options)
        hood.hint()
        old = hood.incumbent_value()
        outcome, runs, new_attends = hood.solve(budget_per_solve, clock)
        result.solves += 1
        result.deterministic &= outcome.deterministic
        if not outcome.found or hood.value(outcome.values) <= old + 1e-9:
            idle += 1
            continue
        idle = 0
        result.accepted += 1
        inside = set(subset)
        new_placement = dict(result.placement)
        for sid, cells in runs.items():
            kept = [(k, r) for k, r in result.placement[sid] if k not in inside]
            new_placement[sid] = sorted(kept + cells)
        kept_attends = {key: s for key, s in result.attends.items() if key[1] not in inside}
        kept_attends.update(new_attends)
        result.placement = new_placement
        result.attends = dict(sorted(kept_attends.items()))
    result.points_after = inst.points(result.attends)
    logger.info(
        "slot LNS: %d solves, %d accepted, ranked points %d -> %d, %.2fs",
        result.solves,
        result.accepted,
        result.points_before,
        result.points_after,
        clock.elapsed() - start,
    )
    return result
