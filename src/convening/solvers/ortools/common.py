"""Running a CP-SAT model: parameters, progress, objective terms, lexicographic solving.

Every model in this package exposes its objective as named *terms* (integer
linear expressions to maximise). :func:`optimize` combines them either as a
weighted sum (weights from :class:`~convening.solve.SolveOptions`) or
lexicographically (maximise the first, keep it, maximise the next, …).

Determinism: CP-SAT with several workers and a wall-clock limit is not
reproducible. With ``options.deterministic`` (the default) each call uses
``interleave_search`` (workers run in deterministic batches; with one worker,
CP-SAT's portfolio shares one thread) and stops on
``max_deterministic_time``; the wall-clock limit stays as a safety net only,
and when it is the one that stops the search the outcome is flagged as not
reproducible (``Outcome.deterministic``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from convening.model import Session
    from convening.solve import SolveOptions

__all__ = ["Clock", "Outcome", "optimize", "placement_of"]

logger = logging.getLogger(__name__)

#: Integer coefficient units per unit of weight.
WEIGHT_SCALE = 100

Progress = Callable[[str, float, float | None], None]
K = TypeVar("K")


class Clock:
    """Elapsed time since the solve started, the progress callback and the hard deadline.

    ``deadline`` (seconds since the start, optional) is the wall-clock safety
    net: when set, a stage's deterministic budget may overrun its nominal
    share of the time (slow or busy machine) but never the deadline, so the
    result stays reproducible unless the deadline itself stops a stage.
    """

    def __init__(self, progress: Progress | None = None, deadline: float | None = None) -> None:
        self.start = time.perf_counter()
        self.progress = progress
        self.deadline = deadline

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.start

    def wall_cap(self, budget: float, slack: float = 3.0) -> float:
        """Wall-clock cap for a stage of nominal ``budget`` seconds (a safety net only)."""
        if self.deadline is None:
            return budget
        left = self.deadline - self.elapsed()
        return max(min(budget, left), min(budget * slack, left), 0.05)

    def report(self, phase: str, score: float | None) -> None:
        """Tell the caller how far we are."""
        if self.progress is not None:
            self.progress(phase, self.elapsed(), score)


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
    solver: cp_model.CpSolver,
    options: SolveOptions,
    budget: float,
    workers: int | None = None,
    wall_cap: float | None = None,
    det_scale: float = 1.0,
) -> None:
    p = solver.parameters
    w = options.workers if workers is None else workers
    p.num_workers = max(1, w)
    p.random_seed = options.seed
    # CP-SAT's own Ctrl-C handler would end the search quietly (the plan then written as if
    # complete) and leave Ctrl-C unhandled afterwards; Python's raises KeyboardInterrupt.
    p.catch_sigint_signal = False
    p.max_time_in_seconds = max(0.05, budget if wall_cap is None else wall_cap)
    if options.deterministic or p.num_workers == 1:
        # Interleaving runs CP-SAT's whole portfolio (LNS included) in deterministic batches;
        # on one worker it is that portfolio on one thread, where CP-SAT alone would run a
        # single search strategy (3 points worse on the 50-city benchmark's assignment).
        p.interleave_search = True
        # Small batches stop close to the deterministic limit (the default overshoots it).
        p.interleave_batch_size = p.num_workers
    if options.deterministic:
        p.max_deterministic_time = max(0.05, budget * options.deterministic_ratio * det_scale)
    p.log_search_progress = options.log
    p.log_to_stdout = False
    if options.log:
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
    options: SolveOptions,
    budget: float,
    clock: Clock,
    phase: str,
    scale: Mapping[str, float] | None = None,
    hint_vars: Sequence[Any] = (),
    det_scale: float = 1.0,
    score: Score | None = None,
) -> Outcome:
    """Maximise ``terms`` (weighted, or in ``options.lexicographic`` order).

    Parameters
    ----------
    model
        The model, constraints added.
    terms
        Objective terms by name (integer linear expressions, larger is better).
    options
        Weights, order, seed, workers.
    budget
        Seconds for this call.
    clock
        Reports progress as ``(phase, elapsed, score)`` at every solution found.
    phase
        Name shown in progress reports.
    scale
        Multiplier per term before weighting (e.g. per-person fairness units).
    hint_vars
        Variables whose values are carried as hints from one lexicographic level to the next.
    det_scale
        Multiplier of the deterministic budget: big models do less deterministic
        work per second, so callers scale it down to stop on it before the wall clock.
    score
        The term progress reports as the score, and how its value reads in
        percent (e.g. preference points as a share of the bound); ``None``: no score.
    """
    scale = scale or {}
    order = [t for t in options.lexicographic if t in terms] if options.lexicographic else []
    t0 = time.perf_counter()
    if not order:
        coeffs = {
            name: round(options.weight(name) * scale.get(name, 1.0) * WEIGHT_SCALE)
            for name in terms
        }
        expr = sum(c * terms[name] for name, c in sorted(coeffs.items()) if c)
        model.maximize(expr)
        return _run(model, terms, options, budget, clock, phase, score, t0, det_scale)
    # Lexicographic: each level gets an equal share of the budget; earlier levels are kept.
    outcome: Outcome | None = None
    all_optimal = True
    for i, name in enumerate(order):
        remaining = budget - (time.perf_counter() - t0)
        share = remaining / (len(order) - i)
        model.clear_objective()
        model.maximize(terms[name])
        outcome = _run(
            model, terms, options, share, clock, f"{phase}:{name}", score, t0, det_scale
        )
        if not outcome.found:
            return outcome
        all_optimal &= outcome.status == "optimal"
        model.add(terms[name] >= outcome.values[name])
        solver = outcome.solver
        assert solver is not None
        model.clear_hints()
        for v in hint_vars:
            model.add_hint(v, solver.value(v))
    assert outcome is not None
    outcome.status = "optimal" if all_optimal else "feasible"
    return outcome


def _run(
    model: cp_model.CpModel,
    terms: Mapping[str, Any],
    options: SolveOptions,
    budget: float,
    clock: Clock,
    phase: str,
    score: Score | None,
    t0: float,
    det_scale: float = 1.0,
) -> Outcome:
    solver = cp_model.CpSolver()
    _params(
        solver,
        options,
        budget,
        wall_cap=clock.wall_cap(budget) if options.deterministic else None,
        det_scale=det_scale,
    )
    started = time.perf_counter()
    watched = None if score is None else (terms[score[0]], score[1])
    status = solver.solve(model, _Callback(clock, phase, watched))
    wall = time.perf_counter() - started
    name = _STATUS.get(status, "unknown")
    if name == "invalid":
        raise RuntimeError(f"CP-SAT model invalid: {model.validate()}")
    # The run is reproducible unless the wall clock, not deterministic time, stopped it.
    stopped_by_wall = name == "feasible" and wall >= solver.parameters.max_time_in_seconds * 0.98
    stopped_by_wall |= name == "unknown" and wall >= solver.parameters.max_time_in_seconds * 0.98
    deterministic = options.deterministic and not stopped_by_wall
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
        solver.deterministic_time if hasattr(solver, "deterministic_time") else -1.0,
        bound.get("objective"),
        bound.get("best_bound"),
    )
    clock.report(phase, score[1](values[score[0]]) if score is not None and values else None)
    del t0
    return Outcome(name, solver, values, bound, deterministic, wall)
