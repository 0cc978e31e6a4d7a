"""One CP-SAT model for placement and assignment together, for small events.

It extends :class:`~.placement.PlacementModel` (same ``y[s, k, r]`` and run
constraints, every room considered) with ``x[p, s, k]`` for every person,
every session of the slot's kind and every slot they are present for, so it is
exact: ``optimal`` means proven best for the weighted (or lexicographic)
objective. It grows as people × sessions × slots, which is why large events
use the decomposition instead (:mod:`.placement` then :mod:`.assignment`).

Objective terms: ``preference``, ``fairness``, ``delegation`` (as in
:mod:`.assignment`, over every attendance, ranked or not), ``topic``,
``room_fit`` (minus empty seats), ``interest`` (unranked places in a session
on the person's or their city's topics, as in :mod:`.flow`) and ``balance``
(minus, per breakout slot, the most people in one run who did not rank it).
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.instance import topic_pairs
from convening.solvers.ortools.common import CpSat, Outcome, optimize, placement_of
from convening.solvers.ortools.placement import PlacementModel

if TYPE_CHECKING:
    from convening.options import SolveOptions
    from convening.solvers.instance import AgendaInstance

__all__ = ["WholeModel", "whole_size"]


def whole_size(inst: AgendaInstance) -> int:
    """How many person-session-slot variables the whole model would have."""
    total = 0
    for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
        sessions = len(inst.sessions_of(kind))
        for slot in inst.session_slots[kind]:
            total += sessions * len(inst.present[slot.slot_id])
    return total


class WholeModel(PlacementModel):
    """Placement and assignment in one exact model."""

    def __init__(self, inst: AgendaInstance, options: SolveOptions) -> None:
        super().__init__(inst, options)

    def _options_of(self, sid: str) -> list[tuple[str, str, int]]:
        return list(self.inst.info[sid].options)

    # -- variables (people) -------------------------------------------------------------------

    def _people(self) -> None:
        m = self.model
        inst = self.inst
        self.x: dict[tuple[str, str, str], cp_model.IntVar] = {}
        for (sid, k), run in sorted(self.run.items(), key=lambda x: x[0]):
            for pid in inst.present[k]:
                v = m.new_bool_var(f"x[{pid},{sid},{k}]")
                self.x[(pid, sid, k)] = v
                if inst.is_presenting(pid, sid):
                    m.add(v == run)
                else:
                    m.add(v <= run)
                if pid in inst.accessible:
                    step_free = [
                        y for (s, kk, r), y in self._cells(sid, k) if inst.room_accessible(r)
                    ]
                    m.add(v <= sum(step_free))

    def _cells(self, sid: str, k: str) -> list[tuple[tuple[str, str, str], cp_model.IntVar]]:
        return self._cells_of.get((sid, k), [])

    # -- constraint families (people) -----------------------------------------------------------

    def _one_activity(self) -> None:
        """Everyone present has exactly one session per plenary or breakout slot."""
        mine: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (pid, _sid, k), v in self.x.items():
            mine.setdefault((pid, k), []).append(v)
        inst = self.inst
        for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
            for slot in inst.session_slots[kind]:
                for pid in inst.present[slot.slot_id]:
                    self.model.add_exactly_one(mine.get((pid, slot.slot_id), []))

    def _at_most_once(self) -> None:
        """Nobody attends a session twice unless presenting it."""
        mine: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (pid, sid, _k), v in self.x.items():
            if not self.inst.is_presenting(pid, sid):
                mine.setdefault((pid, sid), []).append(v)
        for vs in mine.values():
            if len(vs) > 1:
                self.model.add_at_most_one(vs)

    def _run_seats(self) -> None:
        """Attendance, presenters included, fits the room and the session's capacity."""
        by_run: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (_pid, sid, k), v in self.x.items():
            by_run.setdefault((sid, k), []).append(v)
        for key, vs in by_run.items():
            cells = self._cells(*key)
            self.model.add(sum(vs) <= sum(self.seats[c] * y for c, y in cells))

    # -- objective ------------------------------------------------------------------------------

    def _objective(self) -> None:
        self._cells_of: dict[
            tuple[str, str], list[tuple[tuple[str, str, str], cp_model.IntVar]]
        ] = {}
        for key, y in self.y.items():
            self._cells_of.setdefault((key[0], key[1]), []).append((key, y))
        self._people()
        self._one_activity()
        self._at_most_once()
        self._run_seats()
        m = self.model
        inst = self.inst
        preference = sum(inst.score(p, s) * v for (p, s, _k), v in self.x.items())
        worst = m.new_int_var(0, 1000, "worst_share")
        by_person: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
        for (p, s, _k), v in self.x.items():
            pts = inst.score(p, s)
            if pts:
                by_person.setdefault(p, []).append((pts, v))
        for person in inst.people:
            pid = person.participant_id
            # Slots where a person presents cannot earn points: the fair bound leaves them out.
            bound = inst.fair_bound(pid, SlotKind.BREAKOUT) + inst.fair_bound(
                pid, SlotKind.PLENARY
            )
            if bound > 0:
                m.add(1000 * sum(c * v for c, v in by_person.get(pid, [])) >= bound * worst)
        topic = []
        for a, b in topic_pairs(inst):
            topic.extend(self._both(a, b, "topic"))
        empty = sum(self.seats[key] * y for key, y in self.y.items()) - sum(self.x.values())
        # People who did not rank a session go where its topic is theirs or their city's.
        interest = [
            inst.likes[(p, s)] * v
            for (p, s, _k), v in self.x.items()
            if (p, s) in inst.likes and not inst.score(p, s) and not inst.is_presenting(p, s)
        ]
        self.terms = {
            "preference": preference,
            "fairness": worst,
            "delegation": self._delegation(),
            "topic": -sum(topic),
            "room_fit": -empty,
            "interest": sum(interest) if interest else 0,
            "balance": self._balance(),
        }
        self.scale = {"fairness": max(1, len(inst.people)) / 100.0}

    def _balance(self) -> cp_model.LinearExpr:
        """Minus, per breakout slot, the most people in one run who did not rank it."""
        inst = self.inst
        unranked: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (p, s, k), v in self.x.items():
            if not inst.score(p, s) and not inst.is_presenting(p, s):
                unranked.setdefault((s, k), []).append(v)
        peaks = []
        for slot in inst.session_slots[SlotKind.BREAKOUT]:
            k = slot.slot_id
            runs = [vs for (_s, kk), vs in sorted(unranked.items()) if kk == k]
            if len(runs) < 2:
                continue
            peak = self.model.new_int_var(0, len(inst.present[k]), f"peak[{k}]")
            for vs in runs:
                self.model.add(peak >= sum(vs))
            peaks.append(peak)
        return -sum(peaks) if peaks else 0  # type: ignore[return-value]

    def _delegation(self) -> cp_model.LinearExpr:
        mode = self.options.spread
        if mode == "indifferent":
            return 0  # type: ignore[return-value]
        breakout = {s.slot_id for s in self.inst.session_slots[SlotKind.BREAKOUT]}
        pairs = []
        for d in self.inst.event.delegations:
            ids = [p.participant_id for p in d.members]
            for a, b in combinations(ids, 2):
                for sid, k in self.run:
                    if k not in breakout:
                        continue
                    va, vb = self.x.get((a, sid, k)), self.x.get((b, sid, k))
                    if va is None or vb is None:
                        continue
                    same = self.model.new_bool_var(f"same[{a},{b},{sid},{k}]")
                    if mode == "spread":
                        self.model.add(same >= va + vb - 1)
                    else:
                        self.model.add(same <= va)
                        self.model.add(same <= vb)
                    pairs.append(same)
        if not pairs:
            return 0  # type: ignore[return-value]
        return -sum(pairs) if mode == "spread" else sum(pairs)  # type: ignore[return-value]

    # -- solving --------------------------------------------------------------------------------

    def solve_whole(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[str, list[tuple[str, str]]], dict[tuple[str, str], str]]:
        """Solve; return the outcome, the placement and who attends what (non-presenters)."""
        outcome = optimize(
            self.model,
            self.terms,
            CpSat.of(self.options),
            budget,
            clock,
            "whole",
            scale=self.scale,
            hint_vars=[*self.y.values(), *self.x.values()],
            score=("preference", lambda points: self.inst.percent(points, SlotKind.BREAKOUT)),
        )
        attends = {
            (pid, k): sid
            for pid, sid, k in outcome.chosen(self.x)
            if not self.inst.is_presenting(pid, sid)
        }
        placement = placement_of(self.inst.sessions, outcome.chosen(self.y))
        return outcome, placement, dict(sorted(attends.items()))

    def hint_whole(
        self, placement: dict[str, list[tuple[str, str]]], attends: dict[tuple[str, str], str]
    ) -> None:
        """Start from a known plan (e.g. greedy's)."""
        self.hint(placement)
        presenting = {
            (pid, k): sid for sid, runs in placement.items() for k, _r in runs
            for pid in self.inst.event.session_by_id[sid].presenters
        }  # fmt: skip
        for (pid, sid, k), v in self.x.items():
            self.model.add_hint(v, attends.get((pid, k), presenting.get((pid, k))) == sid)
