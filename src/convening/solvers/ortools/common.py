"""Running a CP-SAT model: parameters, progress, objective terms, lexicographic solving.

Every model in this package exposes its objective as named *terms* (integer
linear expressions to maximise). :func:`optimize` combines them either as a
weighted sum or lexicographically (maximise the first, keep it, maximise the
next, …), as its :class:`CpSat` settings say; it is the one loop every model
uses.

Determinism: CP-SAT with several workers and a wall-clock limit is not
reproducible. With ``CpSat.deterministic`` (the default) each call uses
``interleave_search`` (workers run in deterministic batches; with one worker,
CP-SAT's portfolio shares one thread) and stops on
``max_deterministic_time``; the wall clock stops it only at the run's wall
stop (:class:`~convening.solvers.clock.Clock`), and a call it stops is
recorded there and flagged (``Outcome.deterministic``). Lexicographic levels
get fixed shares of the budget, never what the wall clock left over.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from ortools.sat.python import cp_model

from convening.solvers.clock import Clock

if TYPE_CHECKING:
    from convening.model import Session
    from convening.options import SolveOptions

__all__ = ["CpSat", "Outcome", "optimize", "placement_of"]

logger = logging.getLogger(__name__)

#: Integer coefficient units per unit of weight.
WEIGHT_SCALE = 100

K = TypeVar("K")


def _weights(value: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(value))


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class CpSat:
    """What a CP-SAT call takes from the options: how to search and how terms combine.

    Parameters
    ----------
    seed, workers, log, deterministic, deterministic_ratio
        As in :class:`~convening.options.SolveOptions`.
    weights
        Weight per objective term (terms not named weigh nothing).
    lexicographic
        Term names in priority order; empty: the weighted sum.
    first_share
        Share of the budget for the first lexicographic level (``None``: an
        equal share for every level).
    """

    seed: int = 0
    workers: int = 2
    log: bool = False
    deterministic: bool = True
    deterministic_ratio: float = 0.25
    weights: Mapping[str, float] = attrs.field(factory=dict, converter=_weights)
    lexicographic: tuple[str, ...] = attrs.field(default=(), converter=_names)
    first_share: float | None = None

    @classmethod
    def of(cls, options: SolveOptions, **changes: Any) -> CpSat:
        """The CP-SAT settings of ``options``, with ``changes``."""
        settings = cls(
            seed=options.seed,
            workers=options.workers,
            log=options.log,
            deterministic=options.deterministic,
            deterministic_ratio=options.deterministic_ratio,
            weights=options.weights,
            lexicographic=options.lexicographic,
        )
        return attrs.evolve(settings, **changes)

    def weight(self, term: str) -> float:
        """The weight of one objective term."""
        return float(self.weights.get(term, 0.0))


#: What progress reports as the score: an objective term's name and its value in percent.
Score = tuple[str, Callable[[float], float]]


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, clock: Clock, phase: str, score: tuple[Any, Callable[[float], float]] | None
    ) -> None:
        super().__init__()
        self.clock = clock
        self.phase = phase
        self.score = score  # (the term's expression, its value in percent)

    def on_solution_callback(self) -> None:
        if self.score is None:
            self.clock.report(self.phase, None)
            return
        term, percent = self.score
        self.clock.report(self.phase, percent(float(self.value(term))))


@attrs.define
class Outcome:
    """What one :func:`optimize` call found."""

    status: str  # "optimal" | "feasible" | "infeasible" | "unknown"
    solver: cp_model.CpSolver | None
    values: dict[str, int]
    bound: dict[str, float]
    deterministic: bool
    wall_time: float

    @property
    def found(self) -> bool:
        """Whether a solution is available."""
        return self.status in ("optimal", "feasible")

    def chosen(self, variables: Mapping[K, cp_model.IntVar]) -> list[K]:
        """The keys of the Boolean ``variables`` set in the solution (none if nothing was found)."""
        if not self.found:
            return []
        assert self.solver is not None
        solver = self.solver
        return [key for key, v in variables.items() if solver.boolean_value(v)]


def placement_of(
    sessions: Iterable[Session], cells: Iterable[tuple[str, str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """A placement (session id -> sorted ``(slot, room)`` runs) from chosen ``(session, slot, room)`` cells."""
    placement: dict[str, list[tuple[str, str]]] = {s.session_id: [] for s in sessions}
    for sid, k, r in cells:
        placement[sid].append((k, r))
    return {sid: sorted(runs) for sid, runs in sorted(placement.items())}


def _params(
    solver: cp_model.CpSolver, cp: CpSat, budget: float, clock: Clock, det_scale: float
) -> None:
    p = solver.parameters
    p.num_workers = max(1, cp.workers)
    p.random_seed = cp.seed
    # CP-SAT's own Ctrl-C handler would end the search quietly (the plan then written as if
    # complete) and leave Ctrl-C unhandled afterwards; Python's raises KeyboardInterrupt.
    p.catch_sigint_signal = False
    if cp.deterministic or p.num_workers == 1:
        # Interleaving runs CP-SAT's whole portfolio (LNS included) in deterministic batches;
        # on one worker it is that portfolio on one thread, where CP-SAT alone would run a
        # single search strategy (3 points worse on the 50-city benchmark's assignment).
        p.interleave_search = True
        # Small batches stop close to the deterministic limit (the default overshoots it).
        p.interleave_batch_size = p.num_workers
    if cp.deterministic:
        p.max_deterministic_time = max(0.05, budget * cp.deterministic_ratio * det_scale)
        # The wall clock stops the search only at the run's wall stop (a safety net).
        left = clock.left()
        if math.isfinite(left):
            p.max_time_in_seconds = max(0.05, left)
    else:
        p.max_time_in_seconds = max(0.05, min(budget, clock.left()))
    p.log_search_progress = cp.log
    p.log_to_stdout = False
    if cp.log:
        solver.log_callback = lambda line: logger.info("cp-sat: %s", line)


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


def optimize(
    model: cp_model.CpModel,
    terms: Mapping[str, Any],
    cp: CpSat,
    budget: float,
    clock: Clock,
    phase: str,
    scale: Mapping[str, float] | None = None,
    hint_vars: Sequence[Any] = (),
    det_scale: float = 1.0,
    score: Score | None = None,
) -> Outcome:
    """Maximise ``terms``: weighted, or in ``cp.lexicographic`` order.

    Parameters
    ----------
    model
        The model, constraints added.
    terms
        Objective terms by name (integer linear expressions, larger is better;
        a plain integer is a constant term, skipped as a lexicographic level).
    cp
        Weights or order, seed, workers, determinism.
    budget
        Seconds for this call (turned into deterministic time).
    clock
        Reports progress as ``(phase, elapsed, score)`` at every solution
        found, and holds the run's wall stop.
    phase
        Name shown in progress reports.
    scale
        Multiplier per term before weighting (e.g. per-person fairness units).
    hint_vars
        Variables whose values are carried as hints from one lexicographic level to the next.
    det_scale
        Multiplier of the deterministic budget: big models do less deterministic
        work per second, so callers scale it down to finish in about ``budget``.
    score
        The term progress reports as the score, and how its value reads in
        percent (e.g. preference points as a share of the bound); ``None``: no score.
    """
    scale = scale or {}
    if not cp.lexicographic:
        coeffs = {
            name: round(cp.weight(name) * scale.get(name, 1.0) * WEIGHT_SCALE) for name in terms
        }
        expr = sum(c * terms[name] for name, c in sorted(coeffs.items()) if c)
        model.maximize(expr)
        return _run(model, terms, cp, budget, clock, phase, score, det_scale)
    order = [t for t in cp.lexicographic if t in terms and not isinstance(terms[t], int)]
    if not order:  # every level is constant: any solution will do
        model.clear_objective()
        return _run(model, terms, cp, budget, clock, phase, score, det_scale)
    # Each level's share follows from the budget alone (never from the time the levels
    # before took), so the plan does not depend on the machine's speed.
    first = budget / len(order) if cp.first_share is None else budget * cp.first_share
    shares = [first] + [(budget - first) / max(1, len(order) - 1)] * (len(order) - 1)
    outcome: Outcome | None = None
    all_optimal = steady = True
    for name, share in zip(order, shares, strict=True):
        model.clear_objective()
        model.maximize(terms[name])
        found = _run(model, terms, cp, share, clock, f"{phase}:{name}", score, det_scale)
        if not found.found:
            if outcome is None:
                return found
            break
        outcome = found
        all_optimal &= found.status == "optimal"
        steady &= found.deterministic
        model.add(terms[name] >= found.values[name])
        solver = found.solver
        assert solver is not None
        model.clear_hints()
        for v in hint_vars:
            model.add_hint(v, solver.value(v))
    assert outcome is not None
    outcome.status = "optimal" if all_optimal else "feasible"
    outcome.deterministic = steady
    return outcome


def _run(
    model: cp_model.CpModel,
    terms: Mapping[str, Any],
    cp: CpSat,
    budget: float,
    clock: Clock,
    phase: str,
    score: Score | None,
    det_scale: float = 1.0,
) -> Outcome:
    solver = cp_model.CpSolver()
    _params(solver, cp, budget, clock, det_scale)
    watched = None if score is None else (terms[score[0]], score[1])
    status = solver.solve(model, _Callback(clock, phase, watched))
    wall = solver.wall_time
    name = _STATUS.get(status, "unknown")
    if name == "invalid":
        raise RuntimeError(f"CP-SAT model invalid: {model.validate()}")
    # The call is reproducible unless the wall clock, not deterministic time, stopped it.
    limit = solver.parameters.max_time_in_seconds
    stopped_by_wall = name in ("feasible", "unknown") and wall >= limit * 0.98
    if stopped_by_wall and cp.deterministic:
        clock.stopped(phase)
    deterministic = cp.deterministic and not stopped_by_wall
    values: dict[str, int] = {}
    bound: dict[str, float] = {}
    if name in ("optimal", "feasible"):
        values = {n: int(solver.value(e)) for n, e in terms.items()}
        bound = {"objective": solver.objective_value, "best_bound": solver.best_objective_bound}
    logger.info(
        "%s: %s in %.2fs (deterministic time %.2f), objective %s, bound %s",
        phase,
        name,
        wall,
        solver.deterministic_time,
        bound.get("objective"),
        bound.get("best_bound"),
    )
    clock.report(phase, score[1](values[score[0]]) if score is not None and values else None)
    return Outcome(name, solver, values, bound, deterministic, wall)
