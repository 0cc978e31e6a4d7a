"""The agenda pipeline: sessions and tours into slots and rooms, people into them.

:func:`solve_agenda` runs the stages:

1. **Tours** (:mod:`.tours`): one exact CP-SAT model places tours in tour
   slots and seats riders on ranked tours, started from the greedy tours'
   slots with riders seated exactly by min-cost flow (the fallback when the
   model finds nothing in time, as at 1,700 cities); its answer is re-seated
   by the same flow when that earns more.
2. **Sessions**, either

   - *whole* (:mod:`.whole`, small events): one exact CP-SAT model of placement
     and assignment, proven optimal when time allows; or
   - *decomposed* (large events): **placement** from the greedy draft (CP-SAT
     placement (:mod:`.placement`) on expected demand only when greedy is
     stuck), improved by **simulated annealing** (:mod:`convening.solvers.improve`)
     on what people would actually get (one chain per worker, side by side,
     :mod:`convening.parallel`; the best placement wins), then **assignment** (:mod:`.assignment`)
     of people to runs by CP-SAT over ranked runs only, optionally
     (``options.lns_solves``) exact re-optimisation of placement and assignment
     two slots at a time (:mod:`.lns`), then **fallback seating** (:mod:`.flow`)
     by min-cost flow per slot, and last **lifting the worst-off**
     (:mod:`convening.solvers.fairness`): people with the lowest shares move
     into better runs where that costs the objective's points nothing.

The greedy baseline (:mod:`convening.solvers.greedy`) provides hints for every
CP-SAT model.

Determinism: every stage's budget follows from the time limit alone. CP-SAT
stops on deterministic time (scaled down for big models, which do less
deterministic work per second), the annealing and the tour search on move
counts calibrated to the time they are given on a quiet 2-core machine; the
wall clock stops a stage only at the run's wall stop
(:class:`~convening.solvers.clock.Clock`), which records it, and the solve then
reports the plan as not reproducible. Each model is split like PyJobShop's:
variables, one method per constraint family, objective terms.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from convening.errors import InfeasibleError
from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.fairness import lift_worst_off
from convening.solvers.greedy import assign_greedy, solve_greedy, tours_greedy
from convening.solvers.improve import improve_placement
from convening.solvers.instance import AgendaInstance, AgendaResult
from convening.solvers.ortools.assignment import AssignmentModel
from convening.solvers.ortools.common import Outcome
from convening.solvers.ortools.flow import Guide, SeatingError, fill_fallback
from convening.solvers.ortools.lns import improve_by_slots
from convening.solvers.ortools.placement import PlacementModel
from convening.solvers.ortools.tours import (
    TourModel,
    improve_tour_slots,
    seat_tours,
    seating_arcs,
)
from convening.solvers.ortools.whole import WholeModel, whole_size

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["search_moves", "solve_agenda"]

logger = logging.getLogger(__name__)

#: Share of the time limit for tours (small, exact) and, when decomposed, for placement.
_TOUR_SHARE = 0.1
#: Share of the time limit for moving tours between tour slots when CP-SAT proved nothing,
#: and the calibrated cost of one exact re-seating per flow arc on 2 cores (measured at 50
#: and 500 cities: about 1.3 ms and 115 ms a move).
_TOUR_SEARCH_SHARE = 0.05
_FLOW_ARC_SECONDS = 0.5e-6
_PLACEMENT_SHARE = 0.25
#: Share of the session budget for the placement annealing (decomposed).
_SEARCH_SHARE = 0.45
#: Share of the session budget for the assignment (decomposed); the rest is slack.
_ASSIGNMENT_SHARE = 0.4
#: Nominal seconds of one slot-neighbourhood solve (its deterministic budget follows).
_LNS_SOLVE_SECONDS = 1.0
#: Calibrated cost of one annealing move on 2 cores: fixed, per person re-scored and
#: per run (state saved for the undo); measured on the 50-, 500- and 1,700-city
#: benchmarks: about 100, 133 and 157 µs a move, and about 72 µs on small events,
#: so the fixed part carries 10 µs of margin.
_MOVE_SECONDS = 58e-6
_MOVE_SECONDS_PER_PERSON = 0.66e-6
_MOVE_SECONDS_PER_RUN = 0.032e-6


def _gap(outcome: Outcome) -> float | None:
    if not outcome.found:
        return None
    obj, bound = outcome.bound["objective"], outcome.bound["best_bound"]
    if outcome.status == "optimal":
        return 0.0
    return abs(bound - obj) / max(1.0, abs(bound))


def solve_agenda(
    inst: AgendaInstance, options: SolveOptions, clock: Clock
) -> tuple[AgendaResult, bool, dict[str, Any]]:
    """Solve the agenda; return the result, whether it is proven optimal, and solver facts.

    Raises
    ------
    InfeasibleError
        When a model proves no plan exists, or nothing was found in time.
    """
    info: dict[str, Any] = {}
    limit = options.time_limit
    greedy = solve_greedy(inst, options.seed, options.spread) if options.warm_start else None
    info["greedy_found"] = greedy is not None
    if greedy is not None:
        points = inst.points(greedy.attends)
        clock.report("greedy", inst.percent(points, SlotKind.BREAKOUT))

    # -- tours ----------------------------------------------------------------------------
    tour_slot: dict[str, str] = {}
    rides: dict[tuple[str, str], str] = {}
    tours_optimal = True
    if inst.tour_slots and inst.tours:
        tours = TourModel(inst, options)
        quick = (greedy.tour_slot, greedy.rides) if greedy is not None else None
        if quick is None:
            quick = tours_greedy(inst, options.seed)
        if quick is not None:
            # Seating on fixed tour slots is exact by min-cost flow and far better than
            # greedy's; CP-SAT starts from it and only has the tours' slots to improve.
            quick = (quick[0], _best_seating(inst, *quick))
            tours.hint(*quick)
        outcome, tour_slot, rides = tours.solve(limit * _TOUR_SHARE, clock)
        if outcome.found:
            rides = _best_seating(inst, tour_slot, rides)
        info["tours_status"] = outcome.status
        if outcome.status == "infeasible":
            raise InfeasibleError(
                "The tours cannot carry everyone present in the tour slots.",
                [
                    "Each tour runs once; add tours, departures or seats, "
                    "or unpin tours so they can move to another tour slot.",
                ],
            )
        if not outcome.found:
            if quick is None:
                raise InfeasibleError("No tour plan was found in time; raise the time limit.")
            logger.warning("tour model found nothing in time; keeping the greedy tours")
            tour_slot, rides = quick
        tours_optimal = outcome.status == "optimal"
        if not tours_optimal:
            seconds = limit * _TOUR_SEARCH_SHARE
            moves = int(seconds / (_FLOW_ARC_SECONDS * max(1, seating_arcs(inst, tour_slot))))
            tour_slot, rides, _completed = improve_tour_slots(
                inst, tour_slot, rides, moves=moves, seed=options.seed, clock=clock
            )
            info["tour_search_moves"] = moves
            clock.report("tours", inst.percent(inst.points(rides), SlotKind.TOUR))

    # Budgets follow from the time limit alone (never from the time left), so that the
    # deterministic limits, and so the plan, do not depend on the machine's speed.
    remaining = limit * (1 - _TOUR_SHARE) if inst.tour_slots and inst.tours else limit
    size = whole_size(inst)
    method = options.method
    if method == "auto":
        method = "whole" if size <= options.whole_limit else "decomposed"
    info["method"] = method
    if method == "whole":
        result, optimal = _whole(inst, options, clock, remaining, greedy, info)
    else:
        result, optimal = _decomposed(inst, options, clock, remaining, greedy, info)
    result.tour_slot, result.rides = tour_slot, rides
    return result, optimal and tours_optimal, info


def _best_seating(
    inst: AgendaInstance, tour_slot: dict[str, str], rides: dict[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """``rides``, or the exact seating on the same tour slots when it earns more points."""
    seated = seat_tours(inst, tour_slot)
    if seated is not None and inst.points(seated) > inst.points(rides):
        return seated
    return rides


def _whole(
    inst: AgendaInstance,
    options: SolveOptions,
    clock: Clock,
    budget: float,
    greedy: AgendaResult | None,
    info: dict[str, Any],
) -> tuple[AgendaResult, bool]:
    model = WholeModel(inst, options)
    if greedy is not None:
        model.hint_whole(greedy.placement, greedy.attends)
    outcome, placement, attends = model.solve_whole(budget, clock)
    info["sessions_status"] = outcome.status
    info["solver_gap"] = _gap(outcome)
    if outcome.status == "infeasible":
        raise InfeasibleError(
            "No agenda keeps every rule for the sessions.",
            [
                "Check that rooms and session capacities seat everyone present in each slot, "
                "that presenters are present when their sessions can run, and that pins agree.",
                "Add rooms, seats or slots, or remove pins.",
            ],
        )
    if not outcome.found:
        if greedy is not None:
            logger.warning("whole model found nothing in time; keeping the greedy agenda")
            return AgendaResult(greedy.placement, greedy.attends, {}, {}), False
        raise InfeasibleError("No agenda was found in time; raise the time limit.")
    return AgendaResult(placement, attends, {}, {}), outcome.status == "optimal"


def _decomposed(
    inst: AgendaInstance,
    options: SolveOptions,
    clock: Clock,
    budget: float,
    greedy: AgendaResult | None,
    info: dict[str, Any],
) -> tuple[AgendaResult, bool]:
    placement: dict[str, list[tuple[str, str]]] | None = None
    if greedy is not None:
        # The annealing below beats CP-SAT's demand proxy from the greedy draft, and
        # CP-SAT placement finds nothing at scale; it is kept for when greedy is stuck.
        placement = greedy.placement
        info["placement_status"] = "greedy"
    else:
        placement = _placement_cpsat(inst, options, clock, budget * _PLACEMENT_SHARE, info)
    moves = search_moves(inst, options, budget * _SEARCH_SHARE)
    if moves > 0:
        placement, completed = improve_placement(
            inst, placement, moves=moves, seed=options.seed, clock=clock,
            topic_penalty=options.weight("topic"), chains=options.workers,
            progress=lambda value: clock.report(
                "local search", inst.percent(value, SlotKind.BREAKOUT)
            ),
        )  # fmt: skip
        info["local_search_moves"] = moves
        info["local_search_completed"] = completed
    hint = assign_greedy(inst, placement, options.seed, options.spread)
    model = AssignmentModel(inst, placement, options)
    if hint is not None:
        model.hint(hint)
    outcome, attends, fallback = model.solve(budget * _ASSIGNMENT_SHARE, clock)
    del model
    if outcome.found and options.lns_solves > 0:
        placement, outcome, attends, fallback = _polish(
            inst, options, clock, budget, placement, outcome, attends, fallback, info
        )
    info["assignment_status"] = outcome.status
    info["solver_gap"] = _gap(outcome)
    if outcome.found:
        try:
            attends = fill_fallback(inst, placement, attends, fallback, Guide.of(inst, options))
            attends, info["fairness_moves"] = lift_worst_off(inst, placement, attends, options)
            return AgendaResult(placement, attends, {}, {}), False
        except SeatingError as err:
            logger.warning("%s; trying the greedy assignment", err)
    if hint is not None:
        return AgendaResult(placement, hint, {}, {}), False
    if greedy is not None:
        return AgendaResult(greedy.placement, greedy.attends, {}, {}), False
    if outcome.status == "infeasible":
        raise InfeasibleError(
            "People cannot be seated in the placed sessions.",
            [
                "Step-free seats or session capacities are too tight for the people present; "
                "add accessible rooms or seats, or raise session capacities.",
            ],
        )
    raise InfeasibleError("No assignment was found in time; raise the time limit.")


def _polish(
    inst: AgendaInstance,
    options: SolveOptions,
    clock: Clock,
    budget: float,
    placement: dict[str, list[tuple[str, str]]],
    outcome: Outcome,
    attends: dict[tuple[str, str], str],
    fallback: list[tuple[str, str]],
    info: dict[str, Any],
) -> tuple[
    dict[str, list[tuple[str, str]]], Outcome, dict[tuple[str, str], str], list[tuple[str, str]]
]:
    """Re-place a few slots at a time exactly, then re-assign on the better placement."""
    lns = improve_by_slots(
        inst, placement, attends, options, clock,
        solves=options.lns_solves, budget_per_solve=_LNS_SOLVE_SECONDS, size=2,
    )  # fmt: skip
    info["lns_solves"] = lns.solves
    info["lns_accepted"] = lns.accepted
    clock.report("lns", inst.percent(lns.points_after, SlotKind.BREAKOUT))
    if not lns.accepted:
        return placement, outcome, attends, fallback
    # The neighbourhoods weigh preference and topics only; the assignment restores
    # fairness and delegation spread, starting from what they found.
    model = AssignmentModel(inst, lns.placement, options)
    model.hint(lns.attends)
    again, new_attends, new_fallback = model.solve(budget * _ASSIGNMENT_SHARE / 2, clock)
    if not again.found:
        return placement, outcome, attends, fallback
    return lns.placement, again, new_attends, new_fallback


def search_moves(inst: AgendaInstance, options: SolveOptions, seconds: float) -> int:
    """Moves of the placement annealing: ``options.local_search_moves``, or calibrated.

    The calibrated count is what a 2-core machine does in ``seconds`` (a move
    costs more the more people rank the moved sessions), so it is a count,
    not a time, and the result is reproducible; the wall clock is only a cap.
    """
    if options.local_search_moves is not None:
        return max(0, options.local_search_moves)
    fans = sum(len(ranked) for ranked in inst.scores.values())
    runs = max(1, sum(s.offered for s in inst.sessions))
    touched = 2 * fans / runs  # people re-scored by a swap of two runs
    per_move = _MOVE_SECONDS + touched * _MOVE_SECONDS_PER_PERSON + runs * _MOVE_SECONDS_PER_RUN
    return int(seconds / per_move)


def _placement_cpsat(
    inst: AgendaInstance,
    options: SolveOptions,
    clock: Clock,
    budget: float,
    info: dict[str, Any],
) -> dict[str, list[tuple[str, str]]]:
    placement_model = PlacementModel(inst, options)
    outcome, placement = placement_model.solve(budget, clock)
    info["placement_status"] = outcome.status
    if outcome.found:
        return placement
    if outcome.status == "infeasible":
        raise InfeasibleError(
            "No placement of session runs into slots and rooms keeps every rule.",
            [
                "Each slot needs enough seats (and step-free seats) for everyone present; "
                "each session runs `offered` times, at most once per slot, "
                "where its presenters are present.",
                "Add rooms or slots, lower `offered`, or remove pins.",
            ],
        )
    raise InfeasibleError("No placement was found in time; raise the time limit.")
