"""Re-planning models: keep the previous agenda where the changed event allows it.

After an event changes (a participant cancels, a room is lost, a bus is
smaller, people register late) the planner needs a new plan that moves as
few people as possible. The agenda is re-planned in two CP-SAT stages, each
started from the previous plan as a hint:

1. **Placement** (:class:`ReplanPlacement`): sessions into (slot, room) and
   tours into tour slots, under every hard rule of the placement model.
   Lexicographically: the most people kept in their session (a previous run
   kept in its slot, in any room, keeps its attendees still there, up to its
   seats now), then the most runs kept in their slot (a presenter's run
   outweighs every other), then the most runs kept in their room, then the
   best expected preferences for runs that are new or must move. So a run
   whose room is lost takes another room of the same slot whenever one can
   take it. Frozen runs (``freeze sessions``, or slots already past) are
   fixed; ``freeze slots`` fixes every run's slot and leaves its room free.
2. **Assignment** (:class:`ReplanAssignment`): people into the placed runs.
   Each person present in a slot may stay in their previous run, go to a run
   they ranked, or fall back to "some other run", seated exactly afterwards
   by min-cost flow. The objective is lexicographic: first the fewest people
   moved (a person is moved when any of their sessions or tours changed; a
   new room for the same session keeps their time and is no move), then the
   fewest person-slots changed, then preference points.

Tables are re-seated by :mod:`convening.solvers.tables.reseat`, which uses
:func:`reseat_networking_slot` here (a min-cost flow that keeps everyone who
can keep their table and balances table sizes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from convening.errors import InfeasibleError
from convening.model import SlotKind
from convening.solvers.clock import Clock
from convening.solvers.instance import AgendaInstance, AgendaResult, demand, presenting_in
from convening.solvers.ortools.common import CpSat, Outcome, optimize, placement_of
from convening.solvers.ortools.flow import Guide, SeatingError, fill_fallback, seat_slot

if TYPE_CHECKING:
    from convening.options import SolveOptions
    from convening.plan import Run

__all__ = [
    "PreviousAgenda",
    "ReplanAssignment",
    "ReplanPlacement",
    "forced_movers",
    "replan_agenda",
    "reseat_networking_slot",
]

logger = logging.getLogger(__name__)

#: Share of the agenda budget for placement (the rest goes to the assignment).
_PLACEMENT_SHARE = 0.35
#: Share of each stage's budget for its first (moves) level.
_FIRST_LEVEL_SHARE = 0.6

#: (item_id, room_id or None): what a person does in a slot.
Activity = tuple[str, str | None]


@attrs.frozen
class PreviousAgenda:
    """The previous plan's agenda, by ids (which may no longer exist in the event).

    Parameters
    ----------
    cells
        ``session_id -> [(slot_id, room_id), ...]`` where each session ran.
    tour_slot
        ``tour_id -> slot_id``.
    activity
        ``(participant_id, slot_id) -> (item_id, room_id)`` for every run attendee.
    attendees
        ``(item_id, slot_id) -> participant ids`` of every run.
    """

    cells: Mapping[str, tuple[tuple[str, str], ...]]
    tour_slot: Mapping[str, str]
    activity: Mapping[tuple[str, str], Activity]
    attendees: Mapping[tuple[str, str], tuple[str, ...]]

    @classmethod
    def from_runs(cls, runs: Iterable[Run]) -> PreviousAgenda:
        """Read the previous plan's runs."""
        cells: dict[str, list[tuple[str, str]]] = {}
        tour_slot: dict[str, str] = {}
        activity: dict[tuple[str, str], Activity] = {}
        attendees: dict[tuple[str, str], tuple[str, ...]] = {}
        for run in sorted(runs, key=lambda r: (r.activity_id, r.slot_id, r.room_id or "")):
            if run.room_id is None:
                tour_slot[run.activity_id] = run.slot_id
            else:
                cells.setdefault(run.activity_id, []).append((run.slot_id, run.room_id))
            attendees[(run.activity_id, run.slot_id)] = tuple(run.attendees)
            for pid in run.attendees:
                activity[(pid, run.slot_id)] = (run.activity_id, run.room_id)
        return cls(
            {k: tuple(v) for k, v in sorted(cells.items())},
            dict(sorted(tour_slot.items())),
            dict(sorted(activity.items())),
            dict(sorted(attendees.items())),
        )


def still_there(inst: AgendaInstance, previous: PreviousAgenda, item: str, k: str) -> list[str]:
    """The people of a previous run (``item`` in slot ``k``) who are still present then."""
    here = inst.present_sets.get(k, frozenset())
    return [p for p in previous.attendees.get((item, k), ()) if p in here]


def _agenda_slots(inst: AgendaInstance) -> list[str]:
    return [
        s.slot_id
        for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT)
        for s in inst.session_slots[kind]
    ] + [s.slot_id for s in inst.tour_slots]


def _can_stay(inst: AgendaInstance, pid: str, item: str, k: str, room: str | None) -> bool:
    """Whether the event still allows ``pid`` to do ``item`` in ``k`` (room ``room``) at all."""
    event = inst.event
    if k not in inst.present_sets or pid not in inst.present_sets[k]:
        return False
    if room is None:
        tour = event.tour_by_id.get(item)
        if tour is None or k not in inst.tour_options(tour):
            return False
        return not (pid in inst.accessible and tour.walking)
    if item not in inst.info:
        return False
    # Any room in the same slot keeps the person's time: only the slot matters.
    return any(
        kk == k and not (pid in inst.accessible and not inst.room_accessible(r))
        for kk, r, _c in inst.info[item].options
    )


def forced_movers(inst: AgendaInstance, previous: PreviousAgenda) -> dict[str, list[str]]:
    """People who must move whatever the re-plan does, with why (a certain lower bound).

    A person is forced to move when, in a slot they attend both before and
    now, the event no longer allows their previous session or tour there in
    any room: it was cancelled, no room of that slot can take it, a pin or a
    presenter's times send it elsewhere, or the person now needs step-free
    access it lacks. A change of room alone moves nobody.
    """
    out: dict[str, list[str]] = {}
    event = inst.event
    for (pid, k), (item, room) in previous.activity.items():
        if pid not in event.participant_by_id or k not in inst.present_sets:
            continue
        if pid not in inst.present_sets[k]:
            continue
        if _can_stay(inst, pid, item, k, room):
            continue
        if item not in event.session_by_id and item not in event.tour_by_id:
            why = f"{item} is cancelled"
        elif room is not None and room not in event.room_by_id:
            why = f"room {room} is gone and no other room of the slot can take {item}"
        else:
            why = f"{item} can no longer run in slot {k}"
            if pid in inst.accessible:
                why += " (or lacks step-free access)"
        out.setdefault(pid, []).append(f"slot {k}: {why}")
    # Presenters of a run that must leave its slot present it at another time, where
    # they did something else before.
    for s in inst.sessions:
        sid = s.session_id
        slots = {k for k, _r, _c in inst.info[sid].options}
        kept = {k for k, _r in previous.cells.get(sid, ()) if k in slots}
        if sid not in previous.cells or len(kept) >= s.offered:
            continue
        elsewhere = sorted(slots - kept)
        for pid in s.presenters:
            before = [previous.activity.get((pid, k)) for k in elsewhere]
            if elsewhere and all(b is not None and b[0] != sid for b in before):
                out.setdefault(pid, []).append(
                    f"{sid} must move to another slot, where they did something else"
                )
    return dict(sorted(out.items()))


def displaced_runs(inst: AgendaInstance, previous: PreviousAgenda) -> list[tuple[str, str]]:
    """Previous session runs ``(session, slot)`` that cannot stay in their room now.

    The room is gone or too small for the people the run had, the session is
    pinned elsewhere, or its presenters are not there then.
    """
    out = []
    for sid, cells in previous.cells.items():
        if sid not in inst.info:
            continue
        options = {(k, r): c for k, r, c in inst.info[sid].options}
        for k, r in cells:
            if k not in inst.present_sets:
                continue
            people = len(still_there(inst, previous, sid, k))
            if (k, r) not in options or people > options[(k, r)]:
                out.append((sid, k))
    return sorted(out)


def slot_diagnosis(
    inst: AgendaInstance, previous: PreviousAgenda, runs: Iterable[tuple[str, str]]
) -> list[str]:
    """Why each run ``(session, slot)`` cannot keep its slot, and what would let it."""
    event = inst.event
    lines = []
    for sid, k in runs:
        session = event.session_by_id[sid]
        slot = event.slot_by_id[k]
        away = [p for p in session.presenters if not event.participant_by_id[p].is_present(slot)]
        if away:
            lines.append(
                f"{sid} in slot {k}: its presenter(s) {', '.join(away)} are not at the event "
                "then; it can keep the slot only if they are"
            )
            continue
        if session.slot_id is not None and session.slot_id != k:
            lines.append(f"{sid} in slot {k}: it is now pinned to slot {session.slot_id}")
            continue
        people = still_there(inst, previous, sid, k)
        rooms = [r for kk, r in previous.cells.get(sid, ()) if kk == k]
        step_free = any(p in inst.accessible for p in people)
        need = max(len(people), len(session.presenters))
        lines.append(
            f"{sid} in slot {k} (room {', '.join(rooms)}, {len(people)} people): it needs "
            f"a{' step-free' if step_free else ''} room free in slot {k}, of at least "
            f"{need} seats to keep all its people"
        )
    return lines


# -- stage 1: placement ---------------------------------------------------------------------------


class ReplanPlacement:
    """Sessions into (slot, room) and tours into slots, keeping previous runs where possible.

    Parameters
    ----------
    inst
        The changed event's instance.
    previous
        The previous agenda.
    options
        Seed, workers, time accounting.
    fixed
        ``(item_id, slot_id, room_id or None)`` runs that must stay (frozen).
    closed_slots
        Slots where nothing new may run (frozen slots).
    allowed
        ``allowed(session_id, slot_id, room_id)``: whether a session may move
        to a new place (its previous places are always allowed); ``None``: any.
    """

    def __init__(
        self,
        inst: AgendaInstance,
        previous: PreviousAgenda,
        options: SolveOptions,
        fixed: Iterable[tuple[str, str, str | None]] = (),
        closed_slots: Iterable[str] = (),
        allowed: Callable[[str, str, str], bool] | None = None,
        fixed_slots: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.inst = inst
        self.previous = previous
        self.options = options
        self.model = cp_model.CpModel()
        self.closed = frozenset(closed_slots)
        self.allowed = allowed
        self.fixed_slots = frozenset(fixed_slots)
        self._variables()
        self._sessions()
        self._tours()
        self._fix(sorted(fixed, key=lambda f: (f[0], f[1], f[2] or "")))
        self._fix_slots(sorted(self.fixed_slots))
        self._objective()

    def _variables(self) -> None:
        m = self.model
        inst = self.inst
        prev_cells = {(s, k, r) for s, cells in self.previous.cells.items() for k, r in cells}
        self.y: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.seats: dict[tuple[str, str, str], int] = {}
        for s in inst.sessions:
            sid = s.session_id
            for k, r, c in inst.info[sid].options:
                if (sid, k, r) not in prev_cells:
                    if k in self.closed:
                        continue
                    if (
                        (sid, k) not in self.fixed_slots
                        and self.allowed is not None
                        and not self.allowed(sid, k, r)
                    ):
                        continue
                self.y[(sid, k, r)] = m.new_bool_var(f"y[{sid},{k},{r}]")
                self.seats[(sid, k, r)] = c
        self.z: dict[tuple[str, str], cp_model.IntVar] = {}
        for tour in inst.tours:
            tid = tour.tour_id
            for k in inst.tour_options(tour):
                if k in self.closed and self.previous.tour_slot.get(tid) != k:
                    continue
                self.z[(tid, k)] = m.new_bool_var(f"z[{tid},{k}]")

    def _sessions(self) -> None:
        """The placement model's rules: offered, rooms once, presenters, seats for everyone."""
        m = self.model
        inst = self.inst
        by_session: dict[str, list[cp_model.IntVar]] = {}
        by_run: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        by_cell: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        by_slot: dict[str, list[tuple[int, bool, cp_model.IntVar]]] = {}
        #: (session, slot) -> [(room, variable)]: the places a run in that slot may take.
        self.rooms_of: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = {}
        for (sid, k, r), v in self.y.items():
            by_session.setdefault(sid, []).append(v)
            by_run.setdefault((sid, k), []).append(v)
            self.rooms_of.setdefault((sid, k), []).append((r, v))
            by_cell.setdefault((k, r), []).append(v)
            by_slot.setdefault(k, []).append((self.seats[(sid, k, r)], inst.room_accessible(r), v))
        for s in inst.sessions:
            m.add(sum(by_session.get(s.session_id, [])) == s.offered)
        for vs in by_cell.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        for vs in by_run.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        self.by_run = by_run
        for _pid, sids in sorted(inst.presents.items()):
            if len(sids) < 2:
                continue
            per_slot: dict[str, list[cp_model.IntVar]] = {}
            for (sid, k), vs in by_run.items():
                if sid in sids:
                    per_slot.setdefault(k, []).extend(vs)
            for vs in per_slot.values():
                if len(vs) > 1:
                    m.add(sum(vs) <= 1)
        for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
            for slot in inst.session_slots[kind]:
                k = slot.slot_id
                present = inst.present[k]
                if not present:
                    continue
                cells = by_slot.get(k, [])
                m.add(sum(c * v for c, _a, v in cells) >= len(present))
                need = sum(1 for p in present if p in inst.accessible)
                if need:
                    m.add(sum(c * v for c, a, v in cells if a) >= need)

    def _tours(self) -> None:
        """Each tour runs once; the tours of a slot seat everyone, step-free riders too."""
        m = self.model
        inst = self.inst
        by_id = inst.event.tour_by_id
        for tour in inst.tours:
            vs = [v for (t, _k), v in self.z.items() if t == tour.tour_id]
            m.add_exactly_one(vs)
        for slot in inst.tour_slots:
            k = slot.slot_id
            present = inst.present[k]
            if not present:
                continue
            cells = [(by_id[t], v) for (t, kk), v in self.z.items() if kk == k]
            m.add(sum(t.seats * v for t, v in cells) >= len(present))
            need = sum(1 for p in present if p in inst.accessible)
            if need:
                m.add(sum(t.seats * v for t, v in cells if not t.walking) >= need)

    def _fix(self, fixed: Sequence[tuple[str, str, str | None]]) -> None:
        reasons = []
        for item, k, room in fixed:
            v = self.z.get((item, k)) if room is None else self.y.get((item, k, room))
            if v is None:
                where = f"slot {k}" + (f", room {room}" if room else "")
                reasons.append(f"{item} cannot stay in {where} in the changed event")
                continue
            self.model.add(v == 1)
        if reasons:
            raise InfeasibleError(
                "Frozen sessions or tours cannot keep their places.",
                [*reasons, "Unfreeze them, or undo the change that displaces them."],
                proven=True,
            )

    def _fix_slots(self, fixed: Sequence[tuple[str, str]]) -> None:
        """Runs that keep their slot, in any room that can take them there."""
        unplaceable = [(sid, k) for sid, k in fixed if not self.by_run.get((sid, k))]
        if unplaceable:
            raise InfeasibleError(
                "Session runs cannot keep their slots: "
                + ", ".join(f"{sid} in slot {k}" for sid, k in unplaceable)
                + ".",
                [
                    *slot_diagnosis(self.inst, self.previous, unplaceable),
                    "Let them change slot (freeze less), or undo the change that displaces them.",
                ],
                proven=True,
            )
        for sid, k in fixed:
            self.model.add_exactly_one(self.by_run[(sid, k)])

    def _kept(self, item: str, k: str, seats: int, room: str | None = None) -> int:
        """People a previous run keeps in place if it stays (in ``room``): its attendees
        still there, those who need step-free access only in a step-free room."""
        inst = self.inst
        step_free = room is None or inst.room_accessible(room)
        people = [
            p
            for p in still_there(inst, self.previous, item, k)
            if step_free or p not in inst.accessible
        ]
        return min(len(people), seats)

    def _objective(self) -> None:
        """Levels, in the planner's order: people kept, runs kept in their slot, rooms kept.

        A run kept in its slot keeps its attendees' times even in another room,
        so people and slots count a run by its slot, whatever its room; a room
        change only counts on the third level. A run that changes slot costs
        more when it has presenters (they plan travel around it): one presenter's
        run outweighs every other run.
        """
        inst = self.inst
        people: list[Any] = []
        plain_slots: list[Any] = []
        presenter_slots: list[Any] = []
        rooms: list[Any] = []
        sessions = inst.event.session_by_id
        for sid, cells in self.previous.cells.items():
            if sid not in sessions:
                continue
            for k, r in cells:
                in_slot = self.rooms_of.get((sid, k), [])
                if not in_slot:
                    continue
                for rr, v in in_slot:
                    people.append(self._kept(sid, k, self.seats[(sid, k, rr)], rr) * v)
                    if rr == r:
                        rooms.append(v)
                target = presenter_slots if sessions[sid].presenters else plain_slots
                target.extend(v for _rr, v in in_slot)
        by_id = inst.event.tour_by_id
        for tid, k in self.previous.tour_slot.items():
            ride = self.z.get((tid, k))
            if ride is not None:
                people.append(self._kept(tid, k, by_id[tid].seats) * ride)
                plain_slots.append(ride)
        self.kept_people = sum(people)
        self.kept_slots = (len(plain_slots) + 1) * sum(presenter_slots) + sum(plain_slots)
        self.kept_rooms = sum(rooms)
        # For runs that are new or must move: serve the expected demand best.
        wanted = demand(inst)
        served = []
        for (sid, k, r), v in self.y.items():
            heads, pts = wanted.get((sid, k), (0.0, 0.0))
            session = inst.event.session_by_id[sid]
            per_run = heads / max(1, session.offered)
            room_for = self.seats[(sid, k, r)] - len(session.presenters)
            per_head = pts / heads if heads else 0.0
            served.append(round(min(per_run, room_for) * per_head) * v)
        self.served = sum(served)

    def repaired(self) -> set[tuple[str, str, str]]:
        """The previous session runs, those that lost their place moved to a free room of
        their own slot where one can take them (the re-plan's first choice).

        A run that lost its room (gone, too small now) gets the smallest free room
        of its slot that seats the people it had, step-free when one of them needs
        it, else the largest free room of its slot; a run no room of its slot can take is
        left out (the model places it). Runs are repaired biggest first, so the
        big rooms go to the runs that need them.
        """
        inst = self.inst
        kept: set[tuple[str, str, str]] = set()
        taken: set[tuple[str, str]] = set()
        lost: list[tuple[int, str, str, bool]] = []
        for sid, cells in self.previous.cells.items():
            for k, r in cells:
                people = still_there(inst, self.previous, sid, k)
                if (sid, k, r) in self.y and self.seats[(sid, k, r)] >= len(people):
                    kept.add((sid, k, r))
                    taken.add((k, r))
                elif (sid, k) in self.rooms_of:
                    step_free = any(p in inst.accessible for p in people)
                    lost.append((len(people), sid, k, step_free))
        for need, sid, k, step_free in sorted(lost, key=lambda x: (-x[0], x[1], x[2])):
            free = [
                (self.seats[(sid, k, r)], r)
                for r, _v in self.rooms_of[(sid, k)]
                if (k, r) not in taken and (not step_free or inst.room_accessible(r))
            ]
            if not free:
                continue
            fits = [f for f in free if f[0] >= need]
            _seats, room = min(fits) if fits else max(free)
            kept.add((sid, k, room))
            taken.add((k, room))
        return kept

    def hint(self) -> None:
        """Start from the previous agenda, repaired where the change displaced a run."""
        prev = self.repaired()
        for key, v in self.y.items():
            self.model.add_hint(v, key in prev)
        for (t, k), v in self.z.items():
            self.model.add_hint(v, self.previous.tour_slot.get(t) == k)

    def solve(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[str, list[tuple[str, str]]], dict[str, str]]:
        """Solve; return the outcome, the placement and each tour's slot."""
        outcome = optimize(
            self.model,
            {
                "people": self.kept_people,
                "slots": self.kept_slots,
                "rooms": self.kept_rooms,
                "served": self.served,
            },
            _levels(self.options, "people", "slots", "rooms", "served"),
            budget,
            clock,
            "replan placement",
            hint_vars=[*self.y.values(), *self.z.values()],
        )
        tour_slot = dict(sorted(outcome.chosen(self.z)))
        return outcome, placement_of(self.inst.sessions, outcome.chosen(self.y)), tour_slot


# -- stage 2: assignment --------------------------------------------------------------------------


class ReplanAssignment:
    """People into the placed runs: stay where you were, else a ranked run, else any.

    Parameters
    ----------
    inst
        The changed event's instance.
    previous
        The previous agenda.
    placement, tour_slot
        Where sessions and tours run now.
    options
        Seed, workers.
    frozen_slots
        Slots where everyone who can keep their previous activity must keep it.
    """

    def __init__(
        self,
        inst: AgendaInstance,
        previous: PreviousAgenda,
        placement: Mapping[str, list[tuple[str, str]]],
        tour_slot: Mapping[str, str],
        options: SolveOptions,
        frozen_slots: Iterable[str] = (),
    ) -> None:
        self.inst = inst
        self.previous = previous
        self.placement = placement
        self.tour_slot = tour_slot
        self.options = options
        self.frozen = frozenset(frozen_slots)
        self.model = cp_model.CpModel()
        self.presenting = presenting_in(inst, placement)
        # Tour leaders ride their own tour, as presenters are in their own session.
        for tid, k in sorted(tour_slot.items()):
            for pid in inst.event.tour_by_id[tid].leaders:
                if pid in inst.present_sets.get(k, ()):
                    self.presenting[(pid, k)] = tid
        self._runs()
        self._variables()
        self._constraints()
        self._objective()

    def _runs(self) -> None:
        inst = self.inst
        by_id = inst.event.tour_by_id
        #: (item, slot) -> (seats, room or None, step-free)
        self.runs: dict[tuple[str, str], tuple[int, str | None, bool]] = {}
        for sid, cells in sorted(self.placement.items()):
            options = {(k, r): c for k, r, c in inst.info[sid].options}
            for k, r in cells:
                self.runs[(sid, k)] = (options[(k, r)], r, inst.room_accessible(r))
        for tid, k in sorted(self.tour_slot.items()):
            tour = by_id[tid]
            self.runs[(tid, k)] = (tour.seats, None, not tour.walking)
        self.fixed: dict[tuple[str, str], int] = {}
        for (_pid, k), sid in self.presenting.items():
            self.fixed[(sid, k)] = self.fixed.get((sid, k), 0) + 1
        self.slots = _agenda_slots(inst)

    def _variables(self) -> None:
        m = self.model
        inst = self.inst
        runs_at: dict[str, list[str]] = {}
        for item, k in self.runs:
            runs_at.setdefault(k, []).append(item)
        self.x: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.u: dict[tuple[str, str], cp_model.IntVar] = {}
        #: (pid, slot) -> the variable that is 1 when the person keeps their previous place.
        self.stay: dict[tuple[str, str], cp_model.IntVar | None] = {}
        for k in self.slots:
            items = set(runs_at.get(k, []))
            for pid in inst.present[k]:
                if (pid, k) in self.presenting:
                    continue
                prev = self.previous.activity.get((pid, k))
                candidates = {i for i in inst.scores.get(pid, {}) if i in items}
                if prev is not None and prev[0] in items:
                    candidates.add(prev[0])
                self.u[(pid, k)] = m.new_bool_var(f"u[{pid},{k}]")
                for item in sorted(candidates):
                    if inst.is_presenting(pid, item):
                        continue
                    if pid in inst.accessible and not self.runs[(item, k)][2]:
                        continue
                    self.x[(pid, item, k)] = m.new_bool_var(f"x[{pid},{item},{k}]")
                if prev is not None:
                    # Another room in the same slot keeps the person's time: not a move.
                    same = prev[0] in items
                    self.stay[(pid, k)] = self.x.get((pid, prev[0], k)) if same else None
        self.x_of: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        self.x_of_run: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        self.x_of_session: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        sessions = inst.event.session_by_id
        for (pid, item, k), v in self.x.items():
            self.x_of.setdefault((pid, k), []).append(v)
            self.x_of_run.setdefault((item, k), []).append(v)
            if item in sessions:
                self.x_of_session.setdefault((pid, item), []).append(v)

    def _constraints(self) -> None:
        m = self.model
        inst = self.inst
        for key, u in self.u.items():
            m.add_exactly_one([u, *self.x_of.get(key, [])])
        for vs in self.x_of_session.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        for key, (seats, _room, _free) in self.runs.items():
            vs = self.x_of_run.get(key, [])
            free = seats - self.fixed.get(key, 0)
            if len(vs) > free:
                m.add(sum(vs) <= free)
        # The people who fall back find seats left, step-free ones in step-free places.
        for k in self.slots:
            waiting = [u for (p, kk), u in self.u.items() if kk == k]
            if not waiting:
                continue
            left = []
            step_free_left = []
            for (item, kk), (seats, _room, free) in self.runs.items():
                if kk != k:
                    continue
                rest = seats - self.fixed.get((item, k), 0) - sum(self.x_of_run.get((item, k), []))
                left.append(rest)
                if free:
                    step_free_left.append(rest)
            m.add(sum(waiting) <= sum(left))
            needing = [
                self.u[(p, k)]
                for p in inst.present[k]
                if p in inst.accessible and (p, k) in self.u
            ]
            if needing:
                m.add(sum(needing) <= sum(step_free_left))
        for (_pid, k), v in self.stay.items():
            if k in self.frozen and v is not None:
                m.add(v == 1)

    def _objective(self) -> None:
        m = self.model
        inst = self.inst
        people: dict[str, list[cp_model.IntVar | None]] = {}
        for (pid, _k), v in sorted(self.stay.items()):
            people.setdefault(pid, []).append(v)
        for (pid, k), sid in sorted(self.presenting.items()):
            prev = self.previous.activity.get((pid, k))
            if prev is not None and (prev[0] != sid or (sid, k) not in self.runs):
                people.setdefault(pid, []).append(None)
        self.moved: dict[str, cp_model.IntVar | int] = {}
        slot_moves: list[Any] = []
        for pid, stays in sorted(people.items()):
            if any(v is None for v in stays):
                self.moved[pid] = 1
            else:
                moved = m.new_bool_var(f"moved[{pid}]")
                for v in stays:
                    assert v is not None
                    m.add(moved >= 1 - v)
                self.moved[pid] = moved
            slot_moves.extend(1 - v if v is not None else 1 for v in stays)
        weight = max(1, len(self.slots)) + 1
        self.moves = weight * sum(self.moved.values()) + sum(slot_moves)
        self.preference = sum(inst.score(pid, item) * v for (pid, item, _k), v in self.x.items())

    def hint(self) -> None:
        """Start from the previous places."""
        for (pid, item, k), v in self.x.items():
            prev = self.previous.activity.get((pid, k))
            self.model.add_hint(v, prev is not None and prev[0] == item)
        for (pid, k), u in self.u.items():
            prev = self.previous.activity.get((pid, k))
            self.model.add_hint(u, prev is None or (pid, prev[0], k) not in self.x)
        for moved in self.moved.values():
            if not isinstance(moved, int):
                self.model.add_hint(moved, 0)

    def solve(
        self, budget: float, clock: Clock
    ) -> tuple[Outcome, dict[tuple[str, str], str], dict[tuple[str, str], str]]:
        """Solve; return the outcome, sessions attended and tours ridden, everyone seated.

        Raises
        ------
        InfeasibleError
            When nobody can be seated (the model is infeasible or found nothing in time).
        """
        variables = [*self.x.values(), *self.u.values()]
        variables += [v for v in self.moved.values() if not isinstance(v, int)]
        outcome = optimize(
            self.model,
            {"moves": -self.moves, "preference": self.preference},
            _levels(self.options, "moves", "preference"),
            budget,
            clock,
            "replan assignment",
            hint_vars=variables,
        )
        if not outcome.found:
            if outcome.status == "infeasible":
                raise InfeasibleError(
                    "People cannot be seated in the re-planned sessions and tours.",
                    [
                        "Seats (or step-free seats) are too few for the people present, "
                        "or frozen slots keep people where the changed event has no room.",
                    ],
                )
            raise InfeasibleError("No re-plan was found in time; raise the time limit.")
        sessions = self.inst.event.session_by_id
        attends: dict[tuple[str, str], str] = {}
        rides: dict[tuple[str, str], str] = {}
        for pid, item, k in outcome.chosen(self.x):
            (attends if item in sessions else rides)[(pid, k)] = item
        waiting = sorted(outcome.chosen(self.u))
        tour_slots = {s.slot_id for s in self.inst.tour_slots}
        session_waiting = [key for key in waiting if key[1] not in tour_slots]
        try:
            attends = fill_fallback(
                self.inst,
                self.placement,
                attends,
                session_waiting,
                Guide.of(self.inst, self.options),
            )
        except SeatingError as err:
            raise InfeasibleError(f"People cannot be seated: {err}.") from None
        rides = self._seat_riders(rides, [key for key in waiting if key[1] in tour_slots])
        tours = self.inst.event.tour_by_id
        rides.update({key: tid for key, tid in self.presenting.items() if tid in tours})
        return outcome, attends, dict(sorted(rides.items()))

    def _seat_riders(
        self, rides: dict[tuple[str, str], str], waiting: list[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        inst = self.inst
        by_id = inst.event.tour_by_id
        for slot in inst.tour_slots:
            k = slot.slot_id
            people = sorted(p for p, kk in waiting if kk == k)
            if not people:
                continue
            load: dict[str, int] = {}
            for (_p, kk), t in rides.items():
                if kk == k:
                    load[t] = load.get(t, 0) + 1
            runs = [
                (t, by_id[t].seats - load.get(t, 0))
                for t, kk in sorted(self.tour_slot.items())
                if kk == k
            ]

            def allowed(pid: str, tid: str) -> bool:
                return not (pid in inst.accessible and by_id[tid].walking)

            got = seat_slot(inst, k, people, runs, allowed)
            if got is None:
                raise InfeasibleError(f"The tours in slot {k} cannot carry everyone present.")
            for pid, tid in got.items():
                rides[(pid, k)] = tid
        return dict(sorted(rides.items()))


# -- solving ------------------------------------------------------------------------------------------


def _levels(options: SolveOptions, *names: str) -> CpSat:
    """CP-SAT settings that maximise ``names`` in turn, the first getting most of the time."""
    return CpSat.of(options, weights={}, lexicographic=names, first_share=_FIRST_LEVEL_SHARE)


def replan_agenda(
    inst: AgendaInstance,
    previous: PreviousAgenda,
    options: SolveOptions,
    clock: Clock,
    *,
    freeze_sessions: bool = False,
    freeze_slots: bool = False,
    frozen_slots: Iterable[str] = (),
    budget: float | None = None,
) -> tuple[AgendaResult, dict[str, Any]]:
    """Re-plan the agenda of the changed event from the previous one.

    Parameters
    ----------
    inst
        The changed event's instance.
    previous
        The previous plan's agenda.
    options
        Seed, workers, time limit.
    clock
        Progress and elapsed time.
    freeze_sessions
        Keep every previous session run and tour where it was.
    freeze_slots
        Keep every previous session run in its slot (any room that can take
        it there) and every tour in its slot.
    frozen_slots
        Slots already past: their runs stay, nothing new runs there, and
        everyone who can keep their place does.
    budget
        Seconds for the agenda (default ``options.time_limit``).

    Returns
    -------
    AgendaResult, dict
        The agenda and solver facts (``placement_status``, ``assignment_status``).

    Raises
    ------
    InfeasibleError
        When no agenda keeps every rule with the frozen parts kept.
    """
    budget = options.time_limit if budget is None else budget
    frozen = sorted(set(frozen_slots))
    event = inst.event
    fixed: list[tuple[str, str, str | None]] = []
    for sid, cells in previous.cells.items():
        if sid not in event.session_by_id:
            continue
        for k, r in cells:
            if k not in event.slot_by_id:
                continue
            if freeze_sessions or k in frozen:
                fixed.append((sid, k, r))
    fixed_slots: list[tuple[str, str]] = []
    keep_slot = freeze_sessions or freeze_slots
    for tid, k in previous.tour_slot.items():
        if tid in event.tour_by_id and k in event.slot_by_id and (keep_slot or k in frozen):
            fixed.append((tid, k, None))
    if freeze_slots and not freeze_sessions:
        fixed_slots = sorted(
            {
                (sid, k)
                for sid, cells in previous.cells.items()
                if sid in event.session_by_id
                for k, _r in cells
                if k in event.slot_by_id and k not in frozen
            }
        )
    info: dict[str, Any] = {}
    affected = _affected_sessions(inst, previous)
    hot = {k for sid in affected for k, _r in previous.cells.get(sid, ())}
    # A cancelled session's slots have fewer seats now: their runs may change rooms and
    # other runs may come in, when the seats left there are too few.
    hot |= {k for sid, cells in previous.cells.items() if sid not in inst.info for k, _r in cells}
    previous_slots = {(sid, k) for sid, cells in previous.cells.items() for k, _r in cells}
    displaced = set(displaced_runs(inst, previous))
    # Small models first, each step only when the one before falls short: the runs that
    # lost their room take free rooms of their own slots (a lost room changes rooms, not
    # times); then they may swap rooms with the runs of their slots in rooms big enough
    # for them; then the sessions the change touches may move anywhere; then the other
    # runs of their slots may change rooms too; then anything in those slots; then
    # everything.
    swaps = displaced | _swap_partners(inst, previous, displaced)
    tiers: list[tuple[str, Callable[[str, str, str], bool] | None]] = [
        ("free rooms of the same slots", lambda sid, k, _r: (sid, k) in displaced),
        ("room swaps in the same slots", lambda sid, k, _r: (sid, k) in swaps),
        ("touched sessions", lambda sid, k, _r: sid in affected or (sid, k) in swaps),
        (
            "touched sessions, rooms of their slots",
            lambda sid, k, _r: sid in affected or (k in hot and (sid, k) in previous_slots),
        ),
        ("touched slots", lambda sid, k, _r: sid in affected or k in hot),
        ("everything", None),
    ]
    # Each tier's share follows from the budget alone (never from the time the tiers
    # before took), so the re-plan does not depend on the machine's speed. The three small
    # models get a twentieth each; what a tier not needed leaves goes to the assignment.
    stage_budget = budget * _PLACEMENT_SHARE
    shares = [s * stage_budget for s in (0.05, 0.05, 0.05, 0.35, 0.3, 0.2)]
    least_retimed = _least_retimed(inst, previous)
    could_keep = _could_keep(inst, previous)
    spent = 0.0
    best: tuple[Outcome, dict[str, list[tuple[str, str]]], dict[str, str]] | None = None
    for i, (name, allowed) in enumerate(tiers):
        placement_model = ReplanPlacement(
            inst, previous, options, fixed, frozen, allowed, fixed_slots
        )
        placement_model.hint()
        share = max(0.5, shares[i])
        spent += share
        found = placement_model.solve(share, clock)
        logger.info("re-plan placement (%s): %s", name, found[0].status)
        if found[0].found and (best is None or _levels_of(found[0]) > _levels_of(best[0])):
            best = found
        if best is None or _retimed(previous, best[1], best[2]) > least_retimed:
            # A run that left its slot may keep it in a wider model (another run making room).
            continue
        # The small models fix every other run where it was: a wider one may keep more
        # people in place by swapping rooms, unless everyone who could stay already does.
        if i >= 3 or best[0].values.get("people", 0) >= could_keep:
            break
    outcome, placement, tour_slot = best if best is not None else found
    info["placement_status"] = outcome.status
    if not outcome.found:
        if outcome.status == "infeasible" and fixed_slots:
            runs = _short_slots(inst, previous, fixed_slots)
            raise InfeasibleError(
                "Session runs cannot all keep their slots: "
                + (", ".join(f"{sid} in slot {k}" for sid, k in runs) or "too few seats")
                + ".",
                [
                    *slot_diagnosis(inst, previous, runs),
                    "Each slot needs seats (and step-free seats) for everyone present.",
                    "Add or free a room in those slots, or let those runs change slot "
                    "(freeze less).",
                ],
                proven=True,
            )
        if outcome.status == "infeasible":
            raise InfeasibleError(
                "No agenda of the changed event keeps every rule"
                + (" with the frozen sessions and slots kept." if fixed else "."),
                [
                    "Each slot needs seats (and step-free seats) for everyone present, each "
                    "session runs `offered` times where its presenters are present, and each "
                    "tour slot's tours carry everyone present.",
                    "Add rooms, seats or slots, remove pins, or freeze less.",
                ],
                proven=True,
            )
        raise InfeasibleError("No re-planned agenda was found in time; raise the time limit.")
    left = max(0.5, budget - spent)
    model = ReplanAssignment(inst, previous, placement, tour_slot, options, frozen)
    model.hint()
    outcome, attends, rides = model.solve(left, clock)
    info["assignment_status"] = outcome.status
    info["optimal"] = info["placement_status"] == "optimal" and outcome.status == "optimal"
    return AgendaResult(placement, attends, tour_slot, rides), info


def _levels_of(outcome: Outcome) -> tuple[int, ...]:
    """A placement's objective levels, to compare two placements lexicographically."""
    return tuple(outcome.values.get(name, 0) for name in ("people", "slots", "rooms", "served"))


def _retimed(
    previous: PreviousAgenda,
    placement: Mapping[str, list[tuple[str, str]]],
    tour_slot: Mapping[str, str],
) -> int:
    """How many previous runs of sessions and tours that still exist left their slot."""
    count = 0
    for sid, cells in previous.cells.items():
        if sid in placement:
            now = {k for k, _r in placement[sid]}
            count += sum(1 for k, _r in cells if k not in now)
    for tid, k in previous.tour_slot.items():
        if tid in tour_slot and tour_slot[tid] != k:
            count += 1
    return count


def _swap_partners(
    inst: AgendaInstance, previous: PreviousAgenda, displaced: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Runs a displaced run may swap rooms with: in its slot, in a room bigger than any
    room left free there, when no free room seats the people it had (step-free rooms
    only, when one of them needs step-free access)."""
    held: dict[str, dict[str, str]] = {}
    for sid, cells in previous.cells.items():
        for k, r in cells:
            held.setdefault(k, {})[r] = sid
    out: set[tuple[str, str]] = set()
    for sid, k in displaced:
        people = still_there(inst, previous, sid, k)
        need = len(people)
        step_free = any(p in inst.accessible for p in people)
        options = [
            (r, c)
            for kk, r, c in inst.info[sid].options
            if kk == k and (not step_free or inst.room_accessible(r))
        ]
        free = max((c for r, c in options if r not in held.get(k, {})), default=0)
        if free >= need:
            continue
        for r, c in options:
            other = held.get(k, {}).get(r)
            if other is not None and other != sid and c > free:
                out.add((other, k))
    return out


def _least_retimed(inst: AgendaInstance, previous: PreviousAgenda) -> int:
    """Previous runs that must leave their slot whatever the re-plan does: no room of the
    slot can take them now (or their session runs fewer times, or their tour not then)."""
    count = 0
    for sid, cells in previous.cells.items():
        if sid not in inst.info:
            continue
        slots = {k for k, _r, _c in inst.info[sid].options}
        offered = inst.event.session_by_id[sid].offered
        count += len(cells) - min(offered, sum(1 for k, _r in cells if k in slots))
    for tid, k in previous.tour_slot.items():
        tour = inst.event.tour_by_id.get(tid)
        if tour is not None and k not in inst.tour_options(tour):
            count += 1
    return count


def capacity_losses(inst: AgendaInstance, previous: PreviousAgenda) -> dict[str, int]:
    """People each slot cannot keep in their previous session or tour, whatever the
    re-plan does, as its rooms (or a tour's seats) are now too few or too small.

    Per slot, the previous runs biggest first in the rooms biggest first is the best any
    placement can do with those rooms (``min`` pairs best sorted); a tour keeps the riders
    who still fit. People no room of the slot could take at all count too. A lower bound
    for each slot; the people moved are at least the largest of them.
    """
    out: dict[str, int] = {}
    for k in inst.present_sets:
        rooms: dict[str, int] = {}
        counts = []
        for sid, cells in previous.cells.items():
            if not any(kk == k for kk, _r in cells):
                continue
            n = len(still_there(inst, previous, sid, k))
            options = (
                [(r, c) for kk, r, c in inst.info[sid].options if kk == k]
                if (sid in inst.info)
                else []
            )
            for r, c in options:
                rooms[r] = max(c, rooms.get(r, 0))
            counts.append(n if options else -n)
        caps = sorted(rooms.values(), reverse=True)
        staying = sorted((n for n in counts if n > 0), reverse=True)
        lost = sum(-n for n in counts if n < 0) + sum(staying)
        lost -= sum(min(n, c) for n, c in zip(staying, caps, strict=False))
        for tid, kk in previous.tour_slot.items():
            if kk != k:
                continue
            tour = inst.event.tour_by_id.get(tid)
            riders = len(still_there(inst, previous, tid, k))
            fits = tour is not None and k in inst.tour_options(tour)
            lost += riders - (min(riders, tour.seats) if fits and tour is not None else 0)
        if lost:
            out[k] = lost
    return dict(sorted(out.items()))


def _could_keep(inst: AgendaInstance, previous: PreviousAgenda) -> int:
    """At most how many people-slots the placement's first level can keep where they were."""
    total = sum(len(still_there(inst, previous, item, k)) for item, k in previous.attendees)
    return total - sum(capacity_losses(inst, previous).values())


def _short_slots(
    inst: AgendaInstance, previous: PreviousAgenda, fixed_slots: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Displaced runs that cannot all keep their slots: those of slots with more runs to
    keep than rooms that can take them (all displaced runs when no slot is that short)."""
    displaced = [run for run in displaced_runs(inst, previous) if run in set(fixed_slots)]
    short = []
    for k in sorted({k for _sid, k in displaced}):
        here = [sid for sid, kk in fixed_slots if kk == k]
        rooms = {r for sid in here for kk, r, _c in inst.info[sid].options if kk == k}
        if len(here) > len(rooms):
            short.append(k)
    return [run for run in displaced if run[1] in short] or displaced


def _affected_sessions(inst: AgendaInstance, previous: PreviousAgenda) -> frozenset[str]:
    """Sessions the change touches: new, offered differently, or a previous run now invalid
    or too small for the people it had."""
    out = set()
    for s in inst.sessions:
        sid = s.session_id
        cells = previous.cells.get(sid, ())
        options = {(k, r): c for k, r, c in inst.info[sid].options}
        valid = [(k, r) for k, r in cells if (k, r) in options]
        if len(valid) != len(cells) or len(cells) != s.offered:
            out.add(sid)
            continue
        for k, r in valid:
            people = len(still_there(inst, previous, sid, k))
            if people > options[(k, r)]:
                out.add(sid)
    return frozenset(out)


# -- networking tables ----------------------------------------------------------------------------


def reseat_networking_slot(
    people: Sequence[str],
    group: Mapping[str, str],
    previous: Mapping[str, int],
    n_tables: int,
    met: Mapping[tuple[str, str], int] | None = None,
    old_members: Mapping[int, Sequence[str]] | None = None,
) -> dict[str, int] | None:
    """Seat one networking slot keeping as many people as possible at their previous table.

    Table sizes differ by at most one and no two people of one group (a
    delegation) share a table. A min-cost flow: person → (group, table) →
    table → sink, where every table first takes its ``floor`` share (a large
    reward), then at most one more.

    Parameters
    ----------
    people
        Everyone present, in a stable order.
    group
        Each person's group; people of no delegation get a group of their own.
    previous
        Previous table numbers (from 1) of the people who had one.
    n_tables
        How many tables the slot has now.
    met
        ``(a, b) -> times`` pairs have met (sorted pair); a mover prefers a
        table of people they have not met.
    old_members
        Previous members by table number, to judge whom a mover would meet.

    Returns
    -------
    dict or None
        ``person -> table number`` (from 1), or ``None`` when no balanced
        seating keeps the groups apart.
    """
    n = len(people)
    if n == 0:
        return {}
    if n_tables <= 0:
        return None
    lo = n // n_tables
    index = {pid: i for i, pid in enumerate(people)}
    # Whom a mover would meet at each table: previous members they have met before.
    table_of = {pid: t for t, members in (old_members or {}).items() for pid in members}
    met_at = np.zeros((n, n_tables), dtype=np.int64)
    for (a, b), times in sorted((met or {}).items()):
        for me, other in ((a, b), (b, a)):
            t = table_of.get(other)
            if me in index and t is not None and 1 <= t <= n_tables:
                met_at[index[me], t - 1] += times
    # One move outweighs every meeting the movers could avoid.
    move_cost = int(met_at.max(initial=0)) * n + 1
    cost = move_cost + met_at
    for pid, t in previous.items():
        if pid in index and 1 <= t <= n_tables:
            cost[index[pid], t - 1] = 0
    big = (int(cost.max()) + 1) * (n + 1)
    # Nodes: source 0, sink 1, people, tables, then one per (group, table).
    groups = sorted(set(group[pid] for pid in people))
    group_index = np.array([groups.index(group[pid]) for pid in people], dtype=np.int64)
    first_person, first_table = 2, 2 + n
    first_cell = first_table + n_tables
    flow = min_cost_flow.SimpleMinCostFlow()
    people_nodes = first_person + np.arange(n, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n, dtype=np.int64),
        people_nodes,
        np.ones(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
    )
    tables = np.arange(n_tables, dtype=np.int64)
    tails = np.repeat(people_nodes, n_tables)
    heads = first_cell + np.repeat(group_index, n_tables) * n_tables + np.tile(tables, n)
    person_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.ones(n * n_tables, dtype=np.int64), cost.reshape(-1)
    )
    cells = first_cell + np.arange(len(groups) * n_tables, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        cells,
        first_table + np.tile(tables, len(groups)),
        np.ones(len(cells), dtype=np.int64),
        np.zeros(len(cells), dtype=np.int64),
    )
    table_nodes = first_table + tables
    # Every table first takes its floor share (a large reward), then at most one more.
    flow.add_arcs_with_capacity_and_unit_cost(
        table_nodes,
        np.ones(n_tables, dtype=np.int64),
        np.full(n_tables, lo, dtype=np.int64),
        np.full(n_tables, -big, dtype=np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        table_nodes,
        np.ones(n_tables, dtype=np.int64),
        np.ones(n_tables, dtype=np.int64),
        np.zeros(n_tables, dtype=np.int64),
    )
    flow.set_node_supply(0, n)
    flow.set_node_supply(1, -n)
    if flow.solve() != flow.OPTIMAL:
        return None
    used = np.asarray(flow.flows(person_arcs)).reshape(n, n_tables)
    if not (used.sum(axis=1) == 1).all():
        return None
    chosen = used.argmax(axis=1)
    sizes = np.bincount(chosen, minlength=n_tables)
    if sizes.min() < lo or sizes.max() > lo + 1:
        return None
    return {pid: int(chosen[i]) + 1 for i, pid in enumerate(people)}
