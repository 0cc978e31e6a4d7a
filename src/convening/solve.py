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
time or a move count, so the same input, seed and workers give the same plan
on any machine, busy or not; ``metrics["deterministic"]`` is ``False`` only
when the wall clock stopped a stage (``SolveOptions.wall_limit``, or the
safety net far beyond the time limit, see :mod:`convening.options`). A greedy agenda (:mod:`convening.solvers.greedy`) warm-starts
every model and is the benchmarks' baseline (``method="greedy"``).

Networking and action-planning tables are seated last
(:func:`convening.solvers.tables.seat_tables`), knowing who already met in a
small breakout or on a tour.
"""

from __future__ import annotations

import logging
from typing import Any

import attrs

from convening.errors import InfeasibleError
from convening.metrics import agenda_metrics, table_metrics
from convening.model import Event
from convening.options import DEFAULT_WEIGHTS, SolveOptions
from convening.plan import Plan, Run, SolveStatus, Table
from convening.solvers.clock import Clock, Progress

__all__ = ["DEFAULT_WEIGHTS", "SolveOptions", "solve"]

logger = logging.getLogger(__name__)


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

    options = options or SolveOptions()
    clock = Clock(progress, wall_stop=options.wall_stop)
    inst = AgendaInstance(event)
    try:
        result, optimal, info = _plan_agenda(inst, options, clock)
        runs = build_runs(inst, result)
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
    plan = finish_plan(
        event,
        runs,
        tables,
        status,
        options,
        clock,
        method=info.get("method"),
        solver_gap=info.get("solver_gap"),
    )
    metrics = plan.metrics
    clock.report("done", float(metrics["preference_score_pct"]))
    logger.info(
        "agenda %s in %.1fs: preference score %.1f%%",
        status,
        metrics["solve_seconds"],
        metrics["preference_score_pct"],
    )
    return plan


def finish_plan(
    event: Event,
    runs: list[Run],
    tables: list[Table],
    status: SolveStatus,
    options: SolveOptions,
    clock: Clock,
    *,
    method: str | None,
    solver_gap: float | None = None,
    extra: dict[str, Any] | None = None,
) -> Plan:
    """The plan of ``runs`` and ``tables`` with its metrics: how a plan or re-plan ends.

    Parameters
    ----------
    event
        The event planned.
    runs, tables
        The agenda and the seating.
    status
        ``optimal`` or ``feasible``.
    options
        The options solved with (``deterministic``).
    clock
        The run's clock (``solve_seconds``, and whether the wall clock stopped a stage).
    method
        How the agenda was found (``metrics["method"]``).
    solver_gap
        The last CP-SAT stage's relative gap, when known.
    extra
        More metrics, after the agenda's and the tables' (e.g. a re-plan's moves).

    Returns
    -------
    Plan
        With ``metrics`` from :func:`convening.metrics.agenda_metrics` and
        :func:`convening.metrics.table_metrics`, ``extra``, then
        ``solve_seconds``, ``solver_gap``, ``method``, ``deterministic`` and ``status``.
    """
    metrics = agenda_metrics(event, runs)
    metrics.update(table_metrics(event, tables))
    metrics.update(extra or {})
    metrics.update(
        {
            "solve_seconds": round(clock.elapsed(), 3),
            "solver_gap": solver_gap,
            "method": method,
            "deterministic": options.deterministic and clock.deterministic,
            "status": str(status),
        }
    )
    return Plan(event, runs, tables, status, metrics)


def _plan_agenda(
    inst: Any, options: SolveOptions, clock: Clock
) -> tuple[Any, bool, dict[str, Any]]:
    """Where sessions and tours run and who attends: (result, proven optimal, solver info)."""
    from convening.solvers.greedy import solve_greedy
    from convening.solvers.ortools.agenda import solve_agenda

    if options.method == "greedy":
        result = solve_greedy(inst, options.seed, options.spread)
        if result is None:
            raise InfeasibleError("The greedy agenda got stuck; use another method or add seats.")
        return result, False, {"method": "greedy", "solver_gap": None}
    agenda_options = options
    if _has_tables(inst.event):
        # Tables get their share of the time limit, so the whole solve keeps to it.
        agenda_options = attrs.evolve(
            options, time_limit=options.time_limit * (1 - options.table_share)
        )
    return solve_agenda(inst, agenda_options, clock)


def _has_tables(event: Event) -> bool:
    return any(s.kind in ("networking", "action_planning") for s in event.slots)


def _seat_tables(
    event: Event, runs: list[Run], options: SolveOptions, clock: Clock
) -> list[Table]:
    from convening.solvers.tables import seat_tables

    if not _has_tables(event):
        return []
    clock.report("tables", None)
    return seat_tables(event, runs, options.table_options(), clock)
