"""The agenda problem in solver-friendly form, shared by every agenda solver.

:class:`AgendaInstance` reads a checked :class:`~convening.model.Event` once
and precomputes what the solvers ask again and again: who is present in which
slot, where each session may run (pins, presenters' presence, rooms big enough
for the presenters, step-free rooms for presenters who need them), each
person's scores and score bounds. Nothing here imports a solver library, so
the greedy baseline and the OR-Tools models read the same numbers.

Scores
------
Points and bounds are those of :mod:`convening.scoring` (``9 − rank`` for
ranks 1–8; a person's bound is their best ``k`` scores for their ``k`` slots
of a kind), so what the solvers optimise is what the metrics report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

import attrs

from convening import scoring
from convening.model import Event, Participant, Session, Slot, SlotKind, Tour
from convening.plan import ActivityKind, Run

__all__ = ["AgendaInstance", "Placement", "RunKey", "rank_score"]

#: Ranks that earn points (see :mod:`convening.scoring`).
TOP_RANK = scoring.TOP_RANK
#: Points for attending an item of a rank (see :func:`convening.scoring.rank_points`).
rank_score = scoring.rank_points


#: Interest units of an unranked session on one of the person's own topics, and their city's.
OWN_TOPIC, CITY_TOPIC = 3, 1

#: A session run: (session_id, slot_id). A session runs at most once per slot.
RunKey = tuple[str, str]

#: Where each session runs: session_id -> sorted [(slot_id, room_id), ...].
Placement = Mapping[str, list[tuple[str, str]]]


@attrs.frozen
class SessionInfo:
    """What the solvers need about one session."""

    session: Session
    #: (slot_id, room_id, seats) where a run may go; seats = min(room, session capacity).
    options: tuple[tuple[str, str, int], ...]


class AgendaInstance:
    """Precomputed facts about an event for the agenda solvers.

    Parameters
    ----------
    event
        A checked event.
    """

    def __init__(self, event: Event) -> None:
        self.event = event
        self.people: tuple[Participant, ...] = event.participants
        self.session_slots = {
            kind: event.slots_of(kind) for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT)
        }
        self.tour_slots = event.slots_of(SlotKind.TOUR)
        slots = [*self.session_slots[SlotKind.PLENARY], *self.session_slots[SlotKind.BREAKOUT]]
        slots += list(self.tour_slots)
        self.sessions = tuple(event.sessions)
        self.tours = tuple(event.tours)
        #: slot_id -> participant ids who take a place there (Participant.takes_place).
        self.takers: dict[str, frozenset[str]] = {
            s.slot_id: frozenset(p.participant_id for p in self.people if p.takes_place(s))
            for s in slots
        }
        # Presenters and leaders are in their own session or tour whatever their attends,
        # so they are counted wherever it may run; a place they take there only because
        # another run was chosen is dropped from the plan (build_runs), which frees a seat.
        extra: dict[str, set[str]] = {k: set() for k in self.takers}
        for s in self.sessions:
            for slot in self.session_slots.get(SlotKind(str(s.kind)), ()):
                if s.slot_id in (None, slot.slot_id):
                    extra[slot.slot_id].update(
                        pid for pid in s.presenters if event.participant_by_id[pid].is_at(slot)
                    )
        for t in self.tours:
            for slot in self.tour_slots:
                if t.slot_id in (None, slot.slot_id):
                    extra[slot.slot_id].update(
                        pid for pid in t.leaders if event.participant_by_id[pid].is_at(slot)
                    )
        #: slot_id -> participant ids who may need a place, in event order.
        self.present: dict[str, tuple[str, ...]] = {
            s.slot_id: tuple(
                p.participant_id
                for p in self.people
                if p.participant_id in self.takers[s.slot_id]
                or p.participant_id in extra[s.slot_id]
            )
            for s in slots
        }
        self.present_sets = {k: frozenset(v) for k, v in self.present.items()}
        self.accessible = frozenset(p.participant_id for p in self.people if p.accessible)
        #: Leader -> tours led.
        self.leads: dict[str, tuple[str, ...]] = dict(event.leading)
        # Presenter -> sessions presented.
        presents: dict[str, list[str]] = {}
        for s in self.sessions:
            for pid in s.presenters:
                presents.setdefault(pid, []).append(s.session_id)
        self.presents: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in presents.items()}
        self.info = {s.session_id: self._session_info(s) for s in self.sessions}

    # -- sessions ---------------------------------------------------------------------------

    def _session_info(self, s: Session) -> SessionInfo:
        event = self.event
        slots = self.session_slots[SlotKind(str(s.kind))]
        presenters = [event.participant_by_id[p] for p in s.presenters]
        needs_step_free = any(p.accessible for p in presenters)
        options = []
        for slot in slots:
            if s.slot_id is not None and slot.slot_id != s.slot_id:
                continue
            if not all(p.is_at(slot) for p in presenters):
                continue
            for room in event.rooms:
                if s.room_id is not None and room.room_id != s.room_id:
                    continue
                if needs_step_free and not room.accessible:
                    continue
                seats = room.capacity if s.capacity is None else min(room.capacity, s.capacity)
                if seats < len(presenters):
                    continue
                options.append((slot.slot_id, room.room_id, seats))
        return SessionInfo(s, tuple(options))

    def sessions_of(self, kind: SlotKind) -> tuple[Session, ...]:
        """Sessions that run in slots of ``kind`` (plenary or breakout)."""
        return tuple(s for s in self.sessions if str(s.kind) == str(kind))

    def slot_kind(self, slot_id: str) -> SlotKind:
        """The kind of a slot."""
        return self.event.slot_by_id[slot_id].kind

    # -- scores -----------------------------------------------------------------------------

    @cached_property
    def scores(self) -> dict[str, dict[str, int]]:
        """``scores[pid][item_id]``: points for each ranked session or tour (> 0 only)."""
        out: dict[str, dict[str, int]] = {}
        known = set(self.event.session_by_id) | set(self.event.tour_by_id)
        for pid, ranks in self.event.ranks.items():
            if pid not in self.event.participant_by_id:
                continue
            mine = {item: rank_score(r) for item, r in ranks.items() if item in known}
            out[pid] = {k: v for k, v in sorted(mine.items()) if v > 0}
        return out

    def score(self, pid: str, item_id: str) -> int:
        """Points ``pid`` earns by attending ``item_id``."""
        return self.scores.get(pid, {}).get(item_id, 0)

    def slots_present(self, pid: str, kind: SlotKind) -> list[str]:
        """The slots of ``kind`` ``pid`` is present for, in time order."""
        slots = self.tour_slots if kind is SlotKind.TOUR else self.session_slots[kind]
        return [s.slot_id for s in slots if pid in self.present_sets[s.slot_id]]

    def bound(self, pid: str, kind: SlotKind) -> int:
        """Capacity-free best score of ``pid`` over the slots of ``kind`` they attend."""
        k = len(self.slots_present(pid, kind))
        if kind is SlotKind.TOUR:
            items: Iterable[str] = self.event.tour_by_id
        else:
            items = (s.session_id for s in self.sessions_of(kind))
        mine = self.scores.get(pid, {})
        return scoring.best_of((mine.get(i, 0) for i in items), k)

    def fair_bound(self, pid: str, kind: SlotKind) -> int:
        """:func:`convening.scoring.fair_bound` before the plan: every run presented counts."""
        return scoring.fair_bound(self.event, pid, kind)

    @cached_property
    def likes(self) -> dict[tuple[str, str], int]:
        """``likes[(pid, session_id)]``: interest units of a session by its topic.

        :data:`OWN_TOPIC` when the session's topic is among the person's own
        ``topics``, else :data:`CITY_TOPIC` when among their city's (see
        :func:`convening.scoring.interests`); absent otherwise. They guide
        where people go that no rank places.
        """
        topic_of: dict[str, list[str]] = {}
        for s in self.sessions:
            if s.topic and s.topic.strip():
                topic_of.setdefault(s.topic.strip().casefold(), []).append(s.session_id)
        likes: dict[tuple[str, str], int] = {}
        if not topic_of:
            return likes
        for p in self.people:
            own, home = scoring.interests(self.event, p.participant_id)
            for units, topics in ((CITY_TOPIC, home), (OWN_TOPIC, own)):
                for topic in sorted(topics):
                    for sid in topic_of.get(topic, ()):
                        likes[(p.participant_id, sid)] = units
        return likes

    def points(self, chosen: Mapping[tuple[str, str], str]) -> int:
        """Points of ``(pid, slot_id) -> item`` choices (sessions attended, tours ridden)."""
        return sum(self.score(pid, item) for (pid, _k), item in chosen.items())

    def percent(self, points: float, kind: SlotKind) -> float:
        """``points`` as a percentage of everyone's :meth:`bound` over slots of ``kind``.

        For breakout slots this is the preference score of :mod:`convening.metrics`
        (unrounded; 100 when nobody has a bound, as there).
        """
        total = self._bound_totals[kind]
        return 100.0 * points / total if total else 100.0

    @cached_property
    def _bound_totals(self) -> dict[SlotKind, int]:
        kinds = (SlotKind.PLENARY, SlotKind.BREAKOUT, SlotKind.TOUR)
        return {k: sum(self.bound(p.participant_id, k) for p in self.people) for k in kinds}

    def is_presenting(self, pid: str, session_id: str) -> bool:
        """Whether ``pid`` presents ``session_id``."""
        return session_id in self.presents.get(pid, ())

    def room_accessible(self, room_id: str) -> bool:
        """Whether a room has step-free access."""
        return self.event.room_by_id[room_id].accessible

    def tour_options(self, tour: Tour) -> list[str]:
        """Tour slots a tour may run in (its pin, and its leaders at the event then)."""
        people = self.event.participant_by_id
        return [
            s.slot_id
            for s in self.tour_slots
            if (tour.slot_id is None or s.slot_id == tour.slot_id)
            and all(people[pid].is_at(s) for pid in tour.leaders)
        ]

    def leader_rides(self, slot_id: str, tour_ids: Iterable[str]) -> dict[str, str] | None:
        """Leaders of the tours running in a slot, each on their own tour.

        ``None`` when one person leads two of those tours (a leader rides one).
        """
        out: dict[str, str] = {}
        for tid in sorted(tour_ids):
            for pid in self.event.tour_by_id[tid].leaders:
                if pid in out:
                    return None
                out[pid] = tid
        return out

    def co_led(self, tour_id: str) -> frozenset[str]:
        """Other tours sharing a leader with ``tour_id`` (never in one slot together)."""
        out: set[str] = set()
        for pid in self.event.tour_by_id[tour_id].leaders:
            out.update(self.leads.get(pid, ()))
        out.discard(tour_id)
        return frozenset(out)


# -- demand estimates (placement guidance) ------------------------------------------------------

#: How much a ranked session beyond the person's number of slots counts toward demand.
_SPARE_WEIGHT = 0.35


def _ranked_sessions(inst: AgendaInstance, pid: str, kind: SlotKind) -> list[tuple[str, int]]:
    """``pid``'s ranked sessions of ``kind`` with their points, best first."""
    kinds = {s.session_id for s in inst.sessions_of(kind)}
    mine = [(item, pts) for item, pts in inst.scores.get(pid, {}).items() if item in kinds]
    mine.sort(key=lambda x: (-x[1], x[0]))
    return mine


def demand(inst: AgendaInstance) -> dict[tuple[str, str], tuple[float, float]]:
    """Expected demand for each session in each slot of its kind.

    Returns ``(heads, points)`` by ``(session_id, slot_id)``: how many people
    present in that slot would like the session (a person's sessions beyond
    their number of slots count :data:`_SPARE_WEIGHT`), and the points they
    would earn. Presenters of the session are not counted (they are there anyway).
    """
    out: dict[tuple[str, str], list[float]] = {}
    for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
        for p in inst.people:
            pid = p.participant_id
            slots = inst.slots_present(pid, kind)
            if not slots:
                continue
            for index, (sid, pts) in enumerate(_ranked_sessions(inst, pid, kind)):
                if inst.is_presenting(pid, sid):
                    continue
                w = 1.0 if index < len(slots) else _SPARE_WEIGHT
                for k in slots:
                    cell = out.setdefault((sid, k), [0.0, 0.0])
                    cell[0] += w
                    cell[1] += w * pts
    return {key: (v[0], v[1]) for key, v in sorted(out.items())}


def clash_weights(inst: AgendaInstance) -> dict[tuple[str, str], float]:
    """How much running two sessions in the same slot costs the people who want both.

    For each person, every pair among their best ``k + 1`` ranked sessions
    (``k`` their number of slots of that kind) adds the smaller of the two
    scores; a session offered more than once clashes less, so the weight is
    divided by the product of the two ``offered``.
    """
    out: dict[tuple[str, str], float] = {}
    offered = {s.session_id: max(1, s.offered) for s in inst.sessions}
    for kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
        for p in inst.people:
            pid = p.participant_id
            k = len(inst.slots_present(pid, kind))
            if k < 2:
                continue
            top = [
                x for x in _ranked_sessions(inst, pid, kind) if not inst.is_presenting(pid, x[0])
            ]
            top = top[: k + 1]
            for i, (a, pa) in enumerate(top):
                for b, pb in top[i + 1 :]:
                    key = (a, b) if a < b else (b, a)
                    out[key] = out.get(key, 0.0) + min(pa, pb) / (offered[a] * offered[b])
    return dict(sorted(out.items()))


def topic_pairs(inst: AgendaInstance) -> list[tuple[str, str]]:
    """Pairs of sessions of one kind that share a topic (should not run in one slot)."""
    out = []
    sessions = [s for s in inst.sessions if s.topic]
    for i, a in enumerate(sessions):
        for b in sessions[i + 1 :]:
            if (
                a.kind == b.kind
                and a.topic
                and a.topic.strip().lower() == (b.topic or "").strip().lower()
            ):
                out.append((a.session_id, b.session_id))
    return out


# -- results ---------------------------------------------------------------------------------


@attrs.define
class AgendaResult:
    """A solver's answer before it becomes a :class:`~convening.plan.Plan`.

    ``placement``: where sessions run; ``attends[(pid, slot_id)]``: the session a
    non-presenting person attends; ``tour_slot[tour_id]``: where each tour runs;
    ``rides[(pid, slot_id)]``: the tour a person is on.
    """

    placement: dict[str, list[tuple[str, str]]]
    attends: dict[tuple[str, str], str]
    tour_slot: dict[str, str]
    rides: dict[tuple[str, str], str]


def presenting_in(inst: AgendaInstance, placement: Placement) -> dict[tuple[str, str], str]:
    """``(pid, slot_id) -> session_id`` for every presenter at every run they present."""
    out: dict[tuple[str, str], str] = {}
    for sid, runs in placement.items():
        session = inst.event.session_by_id[sid]
        for slot_id, _room in runs:
            for pid in session.presenters:
                out[(pid, slot_id)] = sid
    return out


def build_runs(inst: AgendaInstance, result: AgendaResult) -> list[Run]:
    """The plan's runs (sessions, then tours, in a stable order)."""
    takers = inst.takers
    people: dict[tuple[str, str], list[str]] = {}
    for (pid, slot_id), sid in result.attends.items():
        if pid in takers.get(slot_id, ()):
            people.setdefault((sid, slot_id), []).append(pid)
    runs: list[Run] = []
    order = {s.slot_id: i for i, s in enumerate(sorted(inst.event.slots, key=Slot.sort_key))}
    for sid in sorted(result.placement):
        session = inst.event.session_by_id[sid]
        for slot_id, room_id in result.placement[sid]:
            attendees = list(session.presenters) + people.get((sid, slot_id), [])
            runs.append(Run(sid, ActivityKind(str(session.kind)), slot_id, room_id, attendees))
    riders: dict[str, list[str]] = {}
    for (pid, slot_id), tid in result.rides.items():
        if pid in takers.get(slot_id, ()) or inst.event.leads_or_presents(pid, tid):
            riders.setdefault(tid, []).append(pid)
    for tid in sorted(result.tour_slot):
        runs.append(Run(tid, ActivityKind.TOUR, result.tour_slot[tid], None, riders.get(tid, [])))
    runs.sort(key=lambda r: (order[r.slot_id], r.activity_id))
    return runs
