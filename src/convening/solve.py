"""Plan the agenda of an event: sessions into slots and rooms, people into sessions and tours.

>>> plan = solve(event, SolveOptions(time_limit=30, seed=1))   # doctest: +SKIP
>>> plan.status, plan.metrics["preference_score_pct"]          # doctest: +SKIP

How it works (details in :mod:`convening.solvers.ortools`): tours are solved
exactly by one CP-SAT model plus min-cost flow; sessions by one exact CP-SAT
model for small events (proven optimal when time allows), or, for larger
events, by a greedy placement of session runs improved by seeded simulated
annealing (:mod:`convening.solvers.improve`) on what people would actually
get, then CP-SAT assignment of people over their ranked runs, then
min-cost-flow seating of everyone else. Every stage stops on deterministic
time or a move count, so the same input, seed and workers give the same plan;
``metrics["deterministic"]`` is ``False`` only when the wall clock (a safety
net) stopped a stage. A greedy agenda (:mod:`convening.solvers.greedy`) warm-starts
every model and is the benchmarks' baseline (``method="greedy"``).

Networking and action-planning tables are seated last
(:func:`convening.solvers.tables.seat_tables`), knowing who already met in a
small breakout or on a tour.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from convening._validators import check_seed
from convening.errors import ConveningError, InfeasibleError
from convening.metrics import agenda_metrics, table_metrics
from convening.model import Event
from convening.plan import Plan, Run, SolveStatus, Table
from convening.solvers.tables import TableOptions

__all__ = ["DEFAULT_WEIGHTS", "SolveOptions", "solve"]

logger = logging.getLogger(__name__)

#: Default objective weights (see :class:`SolveOptions`).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "preference": 1.0,
        "fairness": 1.0,
        "delegation": 0.5,
        "topic": 20.0,
        "room_fit": 0.02,
        "tours": 1.0,
    }
)

#: Share of the agenda's time limit where the wall clock stops a stage (a safety net).
_DEADLINE_SHARE = 0.97

_SPREAD = ("spread", "together", "indifferent")
_METHODS = ("auto", "whole", "decomposed", "greedy")


def _check_spread(_inst: Any, _attr: Any, value: str) -> None:
    if value not in _SPREAD:
        raise ConveningError(f"spread must be one of {', '.join(_SPREAD)}, not {value!r}")


def _check_method(_inst: Any, _attr: Any, value: str) -> None:
    if value not in _METHODS:
        raise ConveningError(f"method must be one of {', '.join(_METHODS)}, not {value!r}")


def _check_positive(_inst: Any, attr: Any, value: float) -> None:
    if not value > 0:
        raise ConveningError(f"{attr.name} must be positive, not {value!r}")


def _check_time_limit(inst: Any, attr: Any, value: float) -> None:
    _check_positive(inst, attr, value)
    if not math.isfinite(value):
        raise ConveningError("time_limit must be a finite number of seconds")


def _check_share(_inst: Any, attr: Any, value: float) -> None:
    if not 0 < value < 1:
        raise ConveningError(f"{attr.name} must be between 0 and 1, not {value!r}")


def _weights(value: Mapping[str, float] | None) -> Mapping[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    if value:
        unknown = set(value) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ConveningError(f"unknown objective terms: {', '.join(sorted(unknown))}")
        merged.update(value)
    return MappingProxyType(merged)


@attrs.frozen
class SolveOptions:
    """How to solve.

    Parameters
    ----------
    time_limit
        Seconds for the whole solve (always finite; default 60).
    seed
        Random seed for CP-SAT and the greedy draft.
    workers
        CP-SAT worker threads, and independent annealing chains run side by
        side (each in a process of its own, on Linux; the best placement wins)
        (default 2). More than the machine's cores slows the solve down.
    spread
        Delegations in breakouts: ``"spread"`` (members in different sessions
        of a slot where preferences allow), ``"together"`` or ``"indifferent"``.
    weights
        Objective weights by term, merged over :data:`DEFAULT_WEIGHTS`:

        ``preference``: per point (a session ranked ``r`` is worth ``9 − r`` points);
        ``fairness``: per percentage point of the worst-off person's share of
        their bound, per 10 people (so 1.0 trades a point of the worst share
        against 0.1 point for each person); ``delegation``: per delegation pair
        in one breakout run (penalty for ``spread``, bonus for ``together``);
        ``topic``: per pair of same-topic sessions in one slot; ``room_fit``:
        per empty seat; ``tours``: per tour point (tours are solved separately,
        so this only matters in lexicographic mode).
    lexicographic
        If given, term names in priority order: the first is maximised, kept,
        then the next, and so on (each level gets an equal share of the time);
        terms not named are ignored. Empty (default): the weighted sum.
    log
        Log CP-SAT's search progress through :mod:`logging` (logger
        ``convening.solvers.ortools.common``, level INFO).
    method
        ``"auto"`` (whole model for small events, else decomposed), ``"whole"``,
        ``"decomposed"`` or ``"greedy"`` (the baseline, no CP-SAT for sessions).
    whole_limit
        ``auto`` uses the whole model when people × sessions × slots is at most this.
    rooms_per_session
        Placement considers this many best-fitting rooms per session (pins aside).
    deterministic
        Stop CP-SAT on deterministic time with interleaved workers so that the
        same input, seed and workers give the same plan (default ``True``).
    deterministic_ratio
        Deterministic-time budget per wall-clock second of budget.
    warm_start
        Start CP-SAT from the greedy agenda.
    local_search_moves
        Moves of the placement annealing (:mod:`convening.solvers.improve`);
        0 turns it off; ``None`` (default) calibrates the count to the time
        limit. A move count, not a time, so results are reproducible.
    lns_solves
        Exact re-optimisations of a few slots at a time after the assignment
        (:mod:`convening.solvers.ortools.lns`, decomposed method only); each
        stops on deterministic time. 0 (default) turns them off: on the
        benchmarks the annealing gains more in the same time.
    tables
        How networking and action-planning tables are seated
        (:class:`~convening.solvers.tables.TableOptions`); by default with
        this ``seed`` and ``table_share`` of the time limit.
    table_share
        The share of ``time_limit`` kept for seating tables (0 to 1).
    """

    time_limit: float = attrs.field(default=60.0, validator=_check_time_limit)
    seed: int = attrs.field(default=0, validator=check_seed)
    workers: int = attrs.field(default=2, validator=_check_positive)
    spread: str = attrs.field(default="spread", validator=_check_spread)
    weights: Mapping[str, float] = attrs.field(default=None, converter=_weights)
    lexicographic: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    log: bool = False
    method: str = attrs.field(default="auto", validator=_check_method)
    whole_limit: int = 6000
    rooms_per_session: int = 12
    deterministic: bool = True
    deterministic_ratio: float = 0.25
    warm_start: bool = True
    local_search_moves: int | None = None
    lns_solves: int = 0
    tables: TableOptions | None = None
    table_share: float = attrs.field(default=0.2, validator=_check_share)

    @lexicographic.validator
    def _check_lexicographic(self, _attr: Any, value: tuple[str, ...]) -> None:
        unknown = set(value) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ConveningError(f"unknown objective terms: {', '.join(sorted(unknown))}")

    def weight(self, term: str) -> float:
        """The weight of one objective term."""
        return float(self.weights.get(term, 0.0))


Progress = Callable[[str, float, float | None], None]


def solve(
    event: Event, options: SolveOptions | None = None, *, progress: Progress | None = None
) -> Plan:
    """Plan the agenda: where sessions and tours run, and who attends which.

    Parameters
    ----------
    event
        A checked event.
    options
        See :class:`SolveOptions` (defaults: 60 s, seed 0, 2 workers, spread).
    progress
        Called as ``progress(phase, elapsed_seconds, best_score)`` as the
        solver advances (phases: ``greedy`` when it finds a draft, ``tours``,
        then ``whole``, or ``placement``, ``local search`` and ``assignment``,
        then ``tables``; finally ``done``). ``best_score`` is the preference
        score of the phase's best plan so far, in percent of the capacity-free
        bound as in the metrics: in ``tours`` the tour score, in ``local
        search`` what the best placement so far would give if rooms had no size
        (so it can read above the assignment that follows), and ``None`` where
        a phase has no score.

    Returns
    -------
    Plan
        ``runs`` for every session and tour run; ``tables`` for every
        networking and action-planning slot; ``status``
        ``optimal`` (proven, for the objective) or ``feasible``; ``metrics``
        from :func:`convening.metrics.agenda_metrics` plus ``solve_seconds``,
        ``solver_gap`` (relative gap of the last CP-SAT stage, when known),
        ``method`` and ``deterministic``.

    Raises
    ------
    InfeasibleError
        When no plan keeps every rule, or none was found in time (the message
        says which and what to do next).
    """
    from convening.solvers.instance import AgendaInstance, build_runs
    from convening.solvers.ortools import Clock

    options = options or SolveOptions()
    clock = Clock(progress)
    inst = AgendaInstance(event)
    try:
        result, optimal, info = _plan_agenda(inst, options, clock)
        runs: list[Run] = build_runs(inst, result)  # type: ignore[assignment]
        tables = _seat_tables(event, runs, options, clock)
    except InfeasibleError as error:
        if error.explanation is not None or (error.proven and error.reasons):
            raise
        # Say which rules clash, in the planner's words, or that none do.
        from convening.explain import explain_failure

        clock.report("explaining", None)
        raise explain_failure(
            event, error, time_limit=max(5.0, options.time_limit / 2), seed=options.seed
        ) from None
    status = SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE
    metrics = agenda_metrics(event, runs)
    metrics.update(table_metrics(event, tables))
    metrics.update(
        {
            "solve_seconds": round(clock.elapsed(), 3),
            "solver_gap": info.get("solver_gap"),
            "method": info.get("method"),
            "deterministic": info.get("deterministic", True),
            "status": str(status),
        }
    )
    clock.report("done", float(metrics["preference_score_pct"]))
    logger.info(
        "agenda %s in %.1fs: preference score %.1f%%",
        status,
        metrics["solve_seconds"],
        metrics["preference_score_pct"],
    )
    return Plan(event, runs, tables, status, metrics)


def _plan_agenda(inst: Any, options: SolveOptions, clock: Any) -> tuple[Any, bool, dict[str, Any]]:
    """Where sessions and tours run and who attends: (result, proven optimal, solver info)."""
    from convening.solvers.greedy import solve_greedy
    from convening.solvers.ortools import solve_agenda

    if options.method == "greedy":
        result = solve_greedy(inst, options.seed)
        if result is None:
            raise InfeasibleError("The greedy agenda got stuck; use another method or add seats.")
        return result, False, {"method": "greedy", "deterministic": True, "solver_gap": None}
    agenda_options = options
    if _has_tables(inst.event):
        # Tables get their share of the time limit, so the whole solve keeps to it.
        agenda_options = attrs.evolve(
            options, time_limit=options.time_limit * (1 - options.table_share)
        )
    # The wall clock is a safety net at the agenda's share of the limit; stages stop on
    # deterministic time and move counts well before it on a normal machine.
    clock.deadline = _DEADLINE_SHARE * agenda_options.time_limit
    result, optimal, info = solve_agenda(inst, agenda_options, clock)
    return result, optimal, info


def _has_tables(event: Event) -> bool:
    return any(s.kind in ("networking", "action_planning") for s in event.slots)


def _seat_tables(event: Event, runs: list[Run], options: SolveOptions, clock: Any) -> list[Table]:
    from convening.solvers.tables import seat_tables

    if not _has_tables(event):
        return []
    table_options = options.tables or TableOptions(
        seed=options.seed, time_limit=max(1.0, options.time_limit * options.table_share)
    )
    clock.report("tables", None)
    return seat_tables(event, runs, table_options)
