"""Stage 1: place session runs into (slot, room) with CP-SAT, guided by expected demand.

No person is in this model. ``y[s, k, r]`` says session ``s`` runs in slot
``k`` in room ``r``. The hard rules that concern runs alone are constraints
(offered, pins, one session per room and slot, presenters in one place, seats
and step-free seats for everyone present). The objective estimates what the
people will get once assigned:

``preference``
    Served demand: each run is worth the points of the people present who
    want it, up to the seats it has, minus the points lost when two sessions
    wanted by the same people run in one slot (pair weights from
    :func:`~convening.solvers.instance.clash_weights`, strongest pairs only).
``topic``
    Minus the number of same-topic session pairs in one slot.
``room_fit``
    Minus the expected empty seats (small sessions are not lost in a ballroom).

To keep the model small at scale, a session without a room pin only considers
the rooms whose size best fits its expected audience (``options.rooms_per_session``),
always including some step-free rooms.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.instance import AgendaInstance, clash_weights, demand, topic_pairs
from convening.solvers.ortools.common import CpSat, Outcome, optimize, placement_of

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["PlacementModel"]

logger = logging.getLogger(__name__)

#: Pair clash variables kept at most (strongest first).
_MAX_PAIRS = 4000
#: Served-demand points are kept to one decimal in integer coefficients.
_POINT_UNITS = 10


class PlacementModel:
    """The placement CP-SAT model.

    Parameters
    ----------
    inst
        The instance.
    options
        Solver options (weights, rooms per session).
    """

    def __init__(self, inst: AgendaInstance, options: SolveOptions) -> None:
        self.inst = inst
        self.options = options
        self.model = cp_model.CpModel()
        self.demand = demand(inst)
        self._variables()
        self._offered()
        self._room_once()
        self._one_run_per_slot()
        self._presenters()
        self._seats()
        self._objective()

    # -- variables ----------------------------------------------------------------------------

    def _options_of(self, sid: str) -> list[tuple[str, str, int]]:
        """The (slot, room, seats) a session may use, trimmed to well-fitting rooms."""
        inst = self.inst
        session = inst.event.session_by_id[sid]
        options = list(inst.info[sid].options)
        if session.room_id is not None or not options:
            return options
        heads = max(
            (self.demand.get((sid, k), (0.0, 0.0))[0] for k, _r, _c in options), default=0.0
        )
        per_run = heads / max(1, session.offered) + len(session.presenters)
        rooms: dict[str, int] = {}
        for _k, r, c in options:
            rooms[r] = c
        # Best fit: the smallest rooms that seat the expected audience, then the biggest below it.
        fit = sorted(rooms, key=lambda r: (rooms[r] < per_run, abs(rooms[r] - per_run), r))
        keep = set(fit[: self.options.rooms_per_session])
        step_free = [r for r in fit if self.inst.room_accessible(r)]
        keep.update(step_free[: max(2, self.options.rooms_per_session // 3)])
        return [o for o in options if o[1] in keep]

    def _variables(self) -> None:
        m = self.model
        self.y: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.seats: dict[tuple[str, str, str], int] = {}
        self.run: dict[tuple[str, str], cp_model.LinearExpr] = {}
        by_run: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for s in self.inst.sessions:
            sid = s.session_id
            for k, r, c in self._options_of(sid):
                v = m.new_bool_var(f"y[{sid},{k},{r}]")
                self.y[(sid, k, r)] = v
                self.seats[(sid, k, r)] = c
                by_run.setdefault((sid, k), []).append(v)
        self.slots_of_session: dict[str, list[str]] = {}
        self.y_of_session: dict[str, list[cp_model.IntVar]] = {}
        for key, vs in by_run.items():
            self.run[key] = sum(vs)  # type: ignore[assignment]
            self.slots_of_session.setdefault(key[0], []).append(key[1])
            self.y_of_session.setdefault(key[0], []).extend(vs)
        self.runs_of_slot: dict[str, list[tuple[str, str]]] = {}
        for sid, k in by_run:
            self.runs_of_slot.setdefault(k, []).append((sid, k))

    # -- constraint families --------------------------------------------------------------------

    def _offered(self) -> None:
        """Each session runs exactly ``offered`` times."""
        for s in self.inst.sessions:
            vs = self.y_of_session.get(s.session_id, [])
            self.model.add(sum(vs) == s.offered)

    def _room_once(self) -> None:
        """A room holds one session per slot."""
        cells: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (_sid, k, r), v in self.y.items():
            cells.setdefault((k, r), []).append(v)
        for vs in cells.values():
            if len(vs) > 1:
                self.model.add_at_most_one(vs)

    def _one_run_per_slot(self) -> None:
        """A session runs at most once in a slot (its presenters cannot be in two rooms)."""
        for expr in self.run.values():
            self.model.add(expr <= 1)

    def _presenters(self) -> None:
        """A presenter presents at most one run per slot."""
        for _pid, sids in sorted(self.inst.presents.items()):
            if len(sids) < 2:
                continue
            by_slot: dict[str, list[cp_model.LinearExpr]] = {}
            for sid in sids:
                for k in self.slots_of_session.get(sid, []):
                    by_slot.setdefault(k, []).append(self.run[(sid, k)])
            for exprs in by_slot.values():
                if len(exprs) > 1:
                    self.model.add(sum(exprs) <= 1)

    def _seats(self) -> None:
        """Every slot seats everyone present, and everyone present who needs step-free access."""
        inst = self.inst
        cells_of: dict[str, list[tuple[tuple[str, str, str], cp_model.IntVar]]] = {}
        for key, v in self.y.items():
            cells_of.setdefault(key[1], []).append((key, v))
        for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
            for slot in inst.session_slots[kind]:
                k = slot.slot_id
                present = inst.present[k]
                if not present:
                    continue
                cells = cells_of.get(k, [])
                self.model.add(sum(self.seats[key] * v for key, v in cells) >= len(present))
                need = sum(1 for p in present if p in inst.accessible)
                if need:
                    self.model.add(
                        sum(
                            self.seats[key] * v for key, v in cells if inst.room_accessible(key[2])
                        )
                        >= need
                    )

    # -- objective ------------------------------------------------------------------------------

    def _objective(self) -> None:
        m = self.model
        inst = self.inst
        served = []
        waste = []
        for (sid, k, r), v in self.y.items():
            session = inst.event.session_by_id[sid]
            heads, pts = self.demand.get((sid, k), (0.0, 0.0))
            per_run = heads / max(1, session.offered)
            room_for = self.seats[(sid, k, r)] - len(session.presenters)
            filled = min(per_run, room_for)
            per_head = pts / heads if heads else 0.0
            served.append(round(_POINT_UNITS * filled * per_head) * v)
            waste.append(round(max(0.0, room_for - per_run)) * v)
        lost = []
        pairs = clash_weights(inst)
        strongest = sorted(pairs.items(), key=lambda x: (-x[1], x[0]))[:_MAX_PAIRS]
        for (a, b), w in strongest:
            coeff = round(_POINT_UNITS * w)
            if coeff <= 0:
                continue
            for expr in self._both(a, b, "clash"):
                lost.append(coeff * expr)
        topic_clashes = []
        for a, b in topic_pairs(inst):
            topic_clashes.extend(self._both(a, b, "topic"))
        self.terms = {
            "preference": sum(served) - sum(lost),
            "topic": -sum(topic_clashes),
            "room_fit": -sum(waste),
        }
        self.scale = {"preference": 1.0 / _POINT_UNITS}
        del m

    def _both(self, a: str, b: str, name: str) -> list[cp_model.IntVar]:
        """Booleans that are 1 when sessions ``a`` and ``b`` run in the same slot."""
        out = []
        for k in self.slots_of_session.get(a, []):
            if (b, k) not in self.run:
                continue
            ra = self.run[(a, k)]
            both = self.model.new_bool_var(f"{name}[{a},{b},{k}]")
            self.model.add(both >= ra + self.run[(b, k)] - 1)
            out.append(both)
        return out

    # -- solving --------------------------------------------------------------------------------

    def hint(self, placement: dict[str, list[tuple[str, str]]]) -> None:
        """Start from a known placement (e.g. greedy's)."""
        chosen = {(sid, k, r) for sid, runs in placement.items() for k, r in runs}
        for key, v in self.y.items():
            self.model.add_hint(v, key in chosen)

    def solve(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[str, list[tuple[str, str]]]]:
        """Solve; return the outcome and the placement found (empty if none)."""
        outcome = optimize(
            self.model,
            self.terms,
            CpSat.of(self.options),
            budget,
            clock,
            "placement",
            scale=self.scale,
            hint_vars=list(self.y.values()),
        )
        return outcome, placement_of(self.inst.sessions, outcome.chosen(self.y))
