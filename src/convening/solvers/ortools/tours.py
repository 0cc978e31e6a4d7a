"""Tours: choose each tour's slot and seat riders, exactly.

``y[t, k]``: tour ``t`` runs in tour slot ``k`` (exactly one, the pinned one
if pinned). ``x[p, t, k]``: a person rides a tour they ranked. ``u[p, k]``:
they ride some tour they did not rank. Because a tour runs once, slots do not
interact through riders, so the per-slot fallback is a plain transportation
problem whose feasibility is exactly two counting conditions (seats for
everyone; non-walking seats for people needing step-free access), both in
the model. The fallback riders are then seated by min-cost flow
(:func:`~convening.solvers.ortools.flow.seat_slot`). The model is therefore
exact: an ``optimal`` status is a proof.

Objective terms: ``tours`` (points of ranked tours ridden).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.instance import AgendaInstance
from convening.solvers.ortools.common import CpSat, Outcome, optimize
from convening.solvers.ortools.flow import SeatingError, seat_slot

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["TourModel", "improve_tour_slots", "seat_tours", "seating_arcs"]


def seat_tours(
    inst: AgendaInstance, tour_slot: dict[str, str]
) -> dict[tuple[str, str], str] | None:
    """Seat everyone present in each tour slot on the tours placed there, best first.

    With the tours' slots fixed, seating is one transportation problem per slot
    (a tour runs once, so slots do not interact), solved exactly by min-cost
    flow: the most points of ranked tours, people needing step-free access on
    tours that are not walking tours. ``None`` when some slot cannot seat everyone.
    """
    by_id = inst.event.tour_by_id

    def allowed(pid: str, tid: str) -> bool:
        return not (pid in inst.accessible and by_id[tid].walking)

    rides: dict[tuple[str, str], str] = {}
    for slot in inst.tour_slots:
        k = slot.slot_id
        here = [tid for tid, kk in sorted(tour_slot.items()) if kk == k]
        leaders = inst.leader_rides(k, here)
        if leaders is None:
            return None
        leaders = {pid: tid for pid, tid in leaders.items() if pid in inst.present_sets[k]}
        taken = {tid: sum(1 for t in leaders.values() if t == tid) for tid in here}
        runs = [(tid, by_id[tid].seats - taken[tid]) for tid in here]
        if any(seats < 0 for _tid, seats in runs):
            return None
        people = [pid for pid in inst.present[k] if pid not in leaders]
        got = seat_slot(inst, k, people, runs, allowed)
        if got is None:
            return None
        rides.update(((pid, k), tid) for pid, tid in leaders.items())
        rides.update(((pid, k), tid) for pid, tid in got.items())
    return dict(sorted(rides.items()))


def seating_arcs(inst: AgendaInstance, tour_slot: dict[str, str]) -> int:
    """Arcs of the seating flows of a tour plan (what one :func:`seat_tours` costs)."""
    per_slot: dict[str, int] = {}
    for k in tour_slot.values():
        per_slot[k] = per_slot.get(k, 0) + 1
    return sum(len(inst.present[k]) * n for k, n in per_slot.items())


def improve_tour_slots(
    inst: AgendaInstance,
    tour_slot: dict[str, str],
    rides: dict[tuple[str, str], str],
    *,
    moves: int,
    seed: int = 0,
    clock: Clock | None = None,
) -> tuple[dict[str, str], dict[tuple[str, str], str], bool]:
    """Move tours that are free to move to another tour slot while riders gain.

    Each move puts one unpinned tour in another of its slots, or swaps two
    tours' slots, and is scored by seating everyone exactly again
    (:func:`seat_tours`); it is kept when the points of ranked tours do not
    drop. Moves are drawn from a seeded generator and counted, so the result
    is reproducible; the ``clock``'s wall stop is a safety net only. Returns
    the tour slots, the rides and whether the search ran to its move count.
    """
    movable = sorted(t.tour_id for t in inst.tours if len(inst.tour_options(t)) > 1)
    if moves <= 0 or not movable or not tour_slot:
        return tour_slot, rides, True
    options = {tid: inst.tour_options(inst.event.tour_by_id[tid]) for tid in movable}
    rng = random.Random(seed)
    best = inst.points(rides)
    for _ in range(moves):
        if clock is not None and clock.over():
            clock.stopped("the tour-slot search")
            return tour_slot, rides, False
        tid = movable[rng.randrange(len(movable))]
        targets = [k for k in options[tid] if k != tour_slot[tid]]
        if not targets:
            continue
        k = targets[rng.randrange(len(targets))]
        candidate = dict(tour_slot)
        candidate[tid] = k
        partners = [t for t in movable if tour_slot[t] == k and tour_slot[tid] in options[t]]
        if partners and rng.random() < 0.5:
            candidate[partners[rng.randrange(len(partners))]] = tour_slot[tid]
        seated = seat_tours(inst, candidate)
        if seated is None:
            continue
        points = inst.points(seated)
        if points >= best:
            tour_slot, rides, best = candidate, seated, points
    return tour_slot, rides, True


class TourModel:
    """The tour CP-SAT model.

    Parameters
    ----------
    inst
        The instance.
    options
        Seed, workers, weights.
    """

    def __init__(self, inst: AgendaInstance, options: SolveOptions) -> None:
        self.inst = inst
        self.options = options
        self.model = cp_model.CpModel()
        self._variables()
        self._runs_once()
        self._one_activity()
        self._seats()
        self._fallback_fits()
        self._leaders()
        self.terms = {
            "tours": sum(inst.score(p, t) * v for (p, t, _k), v in self.x.items()),
        }

    def _variables(self) -> None:
        inst = self.inst
        m = self.model
        self.y: dict[tuple[str, str], cp_model.IntVar] = {}
        for tour in inst.tours:
            for k in inst.tour_options(tour):
                self.y[(tour.tour_id, k)] = m.new_bool_var(f"y[{tour.tour_id},{k}]")
        self.x: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.u: dict[tuple[str, str], cp_model.IntVar] = {}
        by_id = inst.event.tour_by_id
        for slot in inst.tour_slots:
            k = slot.slot_id
            for pid in inst.present[k]:
                self.u[(pid, k)] = m.new_bool_var(f"u[{pid},{k}]")
                for tid in inst.scores.get(pid, {}):
                    if tid not in by_id or (tid, k) not in self.y:
                        continue
                    if pid in inst.accessible and by_id[tid].walking:
                        continue
                    v = m.new_bool_var(f"x[{pid},{tid},{k}]")
                    m.add_implication(v, self.y[(tid, k)])
                    self.x[(pid, tid, k)] = v
                for tid in inst.leads.get(pid, ()):
                    if (tid, k) in self.y and (pid, tid, k) not in self.x:
                        v = m.new_bool_var(f"x[{pid},{tid},{k}]")
                        m.add_implication(v, self.y[(tid, k)])
                        self.x[(pid, tid, k)] = v

    def _runs_once(self) -> None:
        """Every tour runs once, in one tour slot."""
        for tour in self.inst.tours:
            vs = [v for (t, _k), v in self.y.items() if t == tour.tour_id]
            if vs:
                self.model.add_exactly_one(vs)

    def _one_activity(self) -> None:
        """Everyone present in a tour slot is on exactly one tour."""
        mine: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (pid, _t, k), v in self.x.items():
            mine.setdefault((pid, k), []).append(v)
        for key, u in self.u.items():
            self.model.add_exactly_one([u, *mine.get(key, [])])

    def _seats(self) -> None:
        """Riders of a tour never exceed capacity × departures."""
        riders: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (_p, t, k), v in self.x.items():
            riders.setdefault((t, k), []).append(v)
        self.riders = riders
        for (t, k), y in self.y.items():
            vs = riders.get((t, k), [])
            seats = self.inst.event.tour_by_id[t].seats
            if len(vs) > seats:
                self.model.add(sum(vs) <= seats * y)

    def _leaders(self) -> None:
        """Leaders ride their tour wherever it runs; tours sharing a leader never share a slot."""
        m = self.model
        for pid, tids in sorted(self.inst.leads.items()):
            for tid in tids:
                for (t, k), y in self.y.items():
                    if t == tid and (pid, tid, k) in self.x:
                        m.add(self.x[(pid, tid, k)] == y)
            for slot in self.inst.tour_slots:
                ys = [self.y[(t, slot.slot_id)] for t in tids if (t, slot.slot_id) in self.y]
                if len(ys) > 1:
                    m.add_at_most_one(ys)

    def _fallback_fits(self) -> None:
        """The tours in a slot seat everyone, and step-free riders in non-walking tours."""
        inst = self.inst
        by_id = inst.event.tour_by_id
        for slot in inst.tour_slots:
            k = slot.slot_id
            present = inst.present[k]
            if not present:
                continue
            cells = [(t, y) for (t, kk), y in self.y.items() if kk == k]
            self.model.add(sum(by_id[t].seats * y for t, y in cells) >= len(present))
            needing = [self.u[(p, k)] for p in present if p in inst.accessible]
            if needing:
                left = [
                    by_id[t].seats * y - sum(self.riders.get((t, k), []))
                    for t, y in cells
                    if not by_id[t].walking
                ]
                self.model.add(sum(needing) <= sum(left))

    def hint(self, tour_slot: dict[str, str], rides: dict[tuple[str, str], str]) -> None:
        """Start from a known tour plan."""
        for (t, k), y in self.y.items():
            self.model.add_hint(y, tour_slot.get(t) == k)
        for (p, t, k), v in self.x.items():
            self.model.add_hint(v, rides.get((p, k)) == t)
        for (p, k), u in self.u.items():
            self.model.add_hint(u, (p, rides.get((p, k), ""), k) not in self.x)

    def solve(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[str, str], dict[tuple[str, str], str]]:
        """Solve; return the outcome, each tour's slot and every rider's tour."""
        outcome = optimize(
            self.model, self.terms, CpSat.of(self.options), budget, clock, "tours",
            score=("tours", lambda points: self.inst.percent(points, SlotKind.TOUR)),
        )  # fmt: skip
        if not outcome.found:
            return outcome, {}, {}
        inst = self.inst
        tour_slot = dict(sorted(outcome.chosen(self.y)))
        rides = {(p, k): t for p, t, k in outcome.chosen(self.x)}
        unranked = outcome.chosen(self.u)
        by_id = inst.event.tour_by_id
        for slot in inst.tour_slots:
            k = slot.slot_id
            waiting = sorted(p for p, kk in unranked if kk == k)
            load: dict[str, int] = {}
            for (_p, kk), t in rides.items():
                if kk == k:
                    load[t] = load.get(t, 0) + 1
            runs = [(t, by_id[t].seats - load.get(t, 0)) for t, kk in tour_slot.items() if kk == k]

            def allowed(pid: str, tid: str) -> bool:
                return not (pid in inst.accessible and by_id[tid].walking)

            got = seat_slot(inst, k, waiting, runs, allowed)
            if got is None:  # the model's counting conditions make this impossible
                raise SeatingError(f"cannot seat every rider in tour slot {k}")
            for pid, tid in got.items():
                rides[(pid, k)] = tid
        return outcome, tour_slot, dict(sorted(rides.items()))
