"""Stage 2: assign people to the placed session runs with CP-SAT.

Only a person's *ranked* runs get a variable ``x[p, s, k]``; everything else a
person might attend is folded into one fallback Boolean ``u[p, k]`` per slot
("some run I did not rank"). The model keeps:

- exactly one of ``x[p, ·, k]``, ``u[p, k]`` for every person present and not presenting;
- each session at most once per person across slots;
- run seats: presenters + ranked attendees ≤ seats;
- step-free seats left in accessible rooms ≥ people needing them who fall back.

Total seats already cover everyone present (placement guarantees it), so the
fallback people always fit somewhere; :mod:`.flow` then seats them exactly,
slot by slot, with a min-cost flow.

Objective terms: ``preference`` (points of ranked runs attended), ``fairness``
(the worst-off person's share of their bound, in per-mille), ``delegation``
(minus, for ``spread``, or plus, for ``together``, the delegation pairs in one
breakout run).
"""

from __future__ import annotations

import logging
from itertools import combinations
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.instance import AgendaInstance, Placement, presenting_in
from convening.solvers.ortools.common import CpSat, Outcome, optimize

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["AssignmentModel"]

logger = logging.getLogger(__name__)

#: Up to this many variables the deterministic budget is used in full; bigger models do
#: less deterministic work per second, so their budget shrinks in proportion.
_DET_VARIABLES = 20000


class AssignmentModel:
    """The assignment CP-SAT model for a fixed placement.

    Parameters
    ----------
    inst
        The instance.
    placement
        Where sessions run.
    options
        Weights and spread mode.
    """

    def __init__(self, inst: AgendaInstance, placement: Placement, options: SolveOptions) -> None:
        self.inst = inst
        self.placement = placement
        self.options = options
        self.model = cp_model.CpModel()
        self.presenting = presenting_in(inst, placement)
        self._runs()
        self._variables()
        self._one_activity()
        self._at_most_once()
        self._run_seats()
        self._step_free_fallback()
        self._objective()

    def _runs(self) -> None:
        inst = self.inst
        self.seats: dict[tuple[str, str], int] = {}
        self.room: dict[tuple[str, str], str] = {}
        for sid, runs in sorted(self.placement.items()):
            options = {(k, r): c for k, r, c in inst.info[sid].options}
            for k, r in runs:
                self.seats[(sid, k)] = options[(k, r)]
                self.room[(sid, k)] = r
        self.fixed: dict[tuple[str, str], int] = {}
        for (_pid, k), sid in self.presenting.items():
            self.fixed[(sid, k)] = self.fixed.get((sid, k), 0) + 1
        self.slots = [
            s.slot_id
            for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT)
            for s in inst.session_slots[kind]
        ]

    # -- variables ----------------------------------------------------------------------------

    def _variables(self) -> None:
        m = self.model
        inst = self.inst
        self.x: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.u: dict[tuple[str, str], cp_model.IntVar] = {}
        runs_at: dict[str, set[str]] = {}
        for sid, k in self.seats:
            runs_at.setdefault(sid, set()).add(k)
        for k in self.slots:
            for pid in inst.present[k]:
                if (pid, k) in self.presenting:
                    continue
                self.u[(pid, k)] = m.new_bool_var(f"u[{pid},{k}]")
                for sid, _pts in inst.scores.get(pid, {}).items():
                    if k not in runs_at.get(sid, ()) or inst.is_presenting(pid, sid):
                        continue
                    if pid in inst.accessible and not inst.room_accessible(self.room[(sid, k)]):
                        continue
                    self.x[(pid, sid, k)] = m.new_bool_var(f"x[{pid},{sid},{k}]")
        self.x_of: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = {}
        self.x_of_run: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = {}
        self.x_of_session: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (pid, sid, k), v in self.x.items():
            self.x_of.setdefault((pid, k), []).append((sid, v))
            self.x_of_run.setdefault((sid, k), []).append((pid, v))
            self.x_of_session.setdefault((pid, sid), []).append(v)

    # -- constraint families --------------------------------------------------------------------

    def _one_activity(self) -> None:
        """Everyone present and not presenting has exactly one activity per slot."""
        for (pid, k), u in self.u.items():
            self.model.add_exactly_one([u, *(v for _sid, v in self.x_of.get((pid, k), []))])

    def _at_most_once(self) -> None:
        """Nobody attends a session twice."""
        for vs in self.x_of_session.values():
            if len(vs) > 1:
                self.model.add_at_most_one(vs)

    def _run_seats(self) -> None:
        """Presenters and ranked attendees fit the run's seats."""
        for key, seats in self.seats.items():
            vs = [v for _pid, v in self.x_of_run.get(key, [])]
            free = seats - self.fixed.get(key, 0)
            if len(vs) > free:
                self.model.add(sum(vs) <= free)

    def _step_free_fallback(self) -> None:
        """People needing step-free access who fall back find seats left in accessible rooms."""
        inst = self.inst
        for k in self.slots:
            needing = [
                self.u[(p, k)]
                for p in inst.present[k]
                if p in inst.accessible and (p, k) in self.u
            ]
            if not needing:
                continue
            left = []
            for (sid, kk), seats in self.seats.items():
                if kk == k and inst.room_accessible(self.room[(sid, k)]):
                    vs = [v for _p, v in self.x_of_run.get((sid, k), [])]
                    left.append(seats - self.fixed.get((sid, k), 0) - sum(vs))
            self.model.add(sum(needing) <= sum(left))

    # -- objective ------------------------------------------------------------------------------

    def _objective(self) -> None:
        m = self.model
        inst = self.inst
        preference = sum(inst.score(pid, sid) * v for (pid, sid, _k), v in self.x.items())
        # Fairness: worst-off share of the bound, in per-mille.
        worst = m.new_int_var(0, 1000, "worst_share")
        by_person: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
        for (pid, sid, _k), v in self.x.items():
            by_person.setdefault(pid, []).append((inst.score(pid, sid), v))
        # The share is of what the placement leaves reachable (each ranked session that runs
        # in a slot the person is free for, best k for their k free slots), so that nobody
        # whose wishes all run while they are away pins the worst share at zero.
        reachable_of: dict[str, dict[str, int]] = {}
        for q, sid, _k in self.x:
            reachable_of.setdefault(q, {})[sid] = inst.score(q, sid)
        for p in inst.people:
            pid = p.participant_id
            reachable = reachable_of.get(pid, {})
            free = sum(1 for k in self.slots if (pid, k) in self.u)
            bound = sum(sorted(reachable.values(), reverse=True)[:free])
            if bound <= 0:
                continue
            got = sum(c * v for c, v in by_person.get(pid, []))
            m.add(1000 * got >= bound * worst)
        delegation = self._delegation_term()
        self.worst = worst
        self.terms = {"preference": preference, "fairness": worst, "delegation": delegation}
        # Fairness weight is per person: one per-mille of the worst share ~ n/1000 points × weight.
        self.scale = {"fairness": max(1, len(inst.people)) / 100.0}

    def _delegation_term(self) -> cp_model.LinearExpr:
        mode = self.options.spread
        if mode == "indifferent":
            return 0  # type: ignore[return-value]
        inst = self.inst
        breakout = {s.slot_id for s in inst.session_slots[SlotKind.BREAKOUT]}
        pairs = []
        mine: dict[str, list[tuple[str, str, cp_model.IntVar]]] = {}
        for (pid, sid, k), v in self.x.items():
            if k in breakout:
                mine.setdefault(pid, []).append((sid, k, v))
        for d in inst.event.delegations:
            ids = [p.participant_id for p in d.members]
            for a, b in combinations(ids, 2):
                for sid, k, va in mine.get(a, []):
                    vb = self.x.get((b, sid, k))
                    if vb is None:
                        continue
                    same = self.model.new_bool_var(f"same[{a},{b},{sid},{k}]")
                    if mode == "spread":
                        self.model.add(same >= va + vb - 1)
                    else:
                        self.model.add(same <= va)
                        self.model.add(same <= vb)
                    pairs.append(same)
        return (-sum(pairs) if mode == "spread" else sum(pairs)) if pairs else 0  # type: ignore[return-value]

    # -- solving --------------------------------------------------------------------------------

    def hint(self, attends: dict[tuple[str, str], str]) -> None:
        """Start from a known assignment (e.g. greedy's on this placement)."""
        for (pid, sid, k), v in self.x.items():
            self.model.add_hint(v, attends.get((pid, k)) == sid)
        for (pid, k), u in self.u.items():
            self.model.add_hint(u, (pid, attends.get((pid, k), ""), k) not in self.x)

    def solve(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[tuple[str, str], str], list[tuple[str, str]]]:
        """Solve; return the outcome, the ranked runs attended and who falls back where."""
        outcome = optimize(
            self.model,
            self.terms,
            CpSat.of(self.options),
            budget,
            clock,
            "assignment",
            scale=self.scale,
            hint_vars=[*self.x.values(), *self.u.values()],
            det_scale=min(1.0, _DET_VARIABLES / max(1, len(self.x) + len(self.u))),
            score=("preference", lambda points: self.inst.percent(points, SlotKind.BREAKOUT)),
        )
        attends = {(pid, k): sid for pid, sid, k in outcome.chosen(self.x)}
        return outcome, attends, sorted(outcome.chosen(self.u))
