"""Seat the people left without a ranked run, slot by slot, with min-cost flow.

Within one slot, seating people in runs is a transportation problem: people
(supply 1) → runs they may join (not a session they attend in another slot,
step-free if they need it) → the sink (the run's free seats). The cost of an
arc is minus the person's points for the session, so a free seat in a
session someone did rank is used first.

People nobody's ranks place (no survey answer, too few ranks for their
slots, ranks that could not be met) are placed by a :class:`Guide`, in this
order of weight: their delegation (spread over different sessions, or kept
together, per ``SolveOptions.spread``), a session on one of their own
``topics``, then on one of their city's, then room balance (each seat costs
more the more people who did not choose the run it already holds, so no run
fills with people who did not choose it while others have few; the people
who did choose a run do not count, or a run its fans left half empty would
take the slot's unranked people instead). Spreading is exact: each
delegation's people reach a run through one node per (delegation, run)
whose arcs cost ``0, 1, 2, …`` pairs more per member already there
(convex, so min-cost flow optimises it); balance likewise by seats that cost
more the more such people the run holds. Costs are in thousandths of a preference point and
follow ``SolveOptions.weights`` (``preference``, ``delegation``, ``interest``,
``balance``), as in the whole model.

If the flow cannot seat everyone (the "once per session" rule across slots
can, rarely, leave someone with no open run), the whole slot is re-seated by
one flow for everyone in it who is not presenting, ranked attendees included,
where keeping a person in the run they had outweighs every other cost: the
fewest people change run to make room (in a re-plan, those are people moved).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs
from ortools.graph.python import min_cost_flow

from convening.errors import ConveningError
from convening.model import Slot, SlotKind
from convening.solvers.instance import AgendaInstance, Placement, presenting_in

if TYPE_CHECKING:
    from convening.options import SolveOptions

__all__ = ["Guide", "SeatingError", "fill_fallback", "seat_slot"]

logger = logging.getLogger(__name__)

#: Cost units per preference point (costs are integers).
_UNIT = 1000


class SeatingError(ConveningError):
    """Some people present in a slot cannot be seated in any run they may join."""


@attrs.frozen
class Guide:
    """How the seating weighs what is not a preference (see the module docstring).

    Build it with :meth:`of`; all costs are integers in thousandths of a point.
    """

    #: Cost of one preference point (its negative is the arc cost).
    point: int
    #: ``"spread"``, ``"together"`` or ``"indifferent"``.
    spread: str
    #: Cost (spread) or gain (together) of one more delegation pair in one breakout run.
    pair: int
    #: Gain of one interest unit (see :attr:`AgendaInstance.likes`).
    interest: int
    #: Cost of one more person who did not choose the run already in it (room balance).
    balance: int
    #: Breakout slots (delegation spread acts there only, as in the metric).
    breakout: frozenset[str]
    #: participant_id -> city_id of their delegation.
    city: dict[str, str]
    #: (participant_id, session_id) -> interest units (unranked sessions on their topics).
    likes: dict[tuple[str, str], int]

    @classmethod
    def of(cls, inst: AgendaInstance, options: SolveOptions) -> Guide:
        """The guide of ``options``' weights and spread mode for ``inst``."""
        city = {p.participant_id: p.city_id for p in inst.people if p.city_id is not None}
        return cls(
            point=round(_UNIT * options.weight("preference")),
            spread=options.spread,
            pair=round(_UNIT * options.weight("delegation")),
            interest=round(_UNIT * options.weight("interest")),
            balance=round(_UNIT * options.weight("balance")),
            breakout=frozenset(s.slot_id for s in inst.session_slots[SlotKind.BREAKOUT]),
            city=city,
            likes=inst.likes,
        )

    def arc_cost(self, inst: AgendaInstance, pid: str, sid: str) -> int:
        """The cost of ``pid`` joining ``sid`` (before delegation and balance)."""
        points = inst.score(pid, sid)
        if points:
            return -self.point * points
        return -self.interest * self.likes.get((pid, sid), 0)


def seat_slot(
    inst: AgendaInstance,
    k: str,
    people: list[str],
    runs: list[tuple[str, int]],
    allowed: Callable[[str, str], bool],
    guide: Guide | None = None,
    there: dict[str, list[str]] | None = None,
    keep: Mapping[str, str] | None = None,
) -> dict[str, str] | None:
    """Seat ``people`` in slot ``k`` among ``runs`` [(item_id, free seats)]; ``None`` if not all fit.

    ``allowed(pid, item_id)`` says whether a person may join a run. Without a
    ``guide`` the only cost is preference points (as for tours); with one,
    ``there[item_id]`` lists who is already in each run (their delegations and
    numbers count for spread and balance). ``keep[pid]`` is a run the person
    already had: keeping people there comes before every other cost (as few
    people as possible change run).
    """
    if not people:
        return {}
    there = there or {}
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    person_node = {pid: 2 + i for i, pid in enumerate(people)}
    run_node = {sid: 2 + len(people) + j for j, (sid, _c) in enumerate(runs)}
    nodes = 2 + len(people) + len(runs)
    spread = guide is not None and guide.spread != "indifferent" and k in guide.breakout
    # Delegation members already in each run, and waiting here, by city.
    mates: dict[tuple[str, str], int] = {}
    waiting: dict[str, int] = {}
    if spread and guide is not None:
        for sid, pids in there.items():
            for q in pids:
                if q in guide.city:
                    key = (guide.city[q], sid)
                    mates[key] = mates.get(key, 0) + 1
        for pid in people:
            if pid in guide.city:
                waiting[guide.city[pid]] = waiting.get(guide.city[pid], 0) + 1
    group_node: dict[tuple[str, str], int] = {}
    # (tail, head, capacity, cost, (person, run) of a person's arc): added once all are known,
    # as the bonus for keeping people where they were must outweigh every other cost.
    pending: list[tuple[int, int, int, int, tuple[str, str] | None]] = []
    for pid in people:
        pending.append((source, person_node[pid], 1, 0, None))
        for sid, _free in runs:
            if not allowed(pid, sid):
                continue
            if guide is None:
                cost, target = -inst.score(pid, sid), run_node[sid]
            else:
                cost, target = guide.arc_cost(inst, pid, sid), run_node[sid]
                city = guide.city.get(pid)
                if spread and city is not None and guide.spread == "together":
                    cost -= guide.pair * mates.get((city, sid), 0)
                elif spread and city is not None and waiting[city] + mates.get((city, sid), 0) > 1:
                    key = (city, sid)
                    if key not in group_node:
                        group_node[key] = nodes
                        nodes += 1
                        m = mates.get(key, 0)
                        # The i-th member joining makes m + i more pairs (convex).
                        for i in range(waiting[city]):
                            pending.append(
                                (nodes - 1, run_node[sid], 1, guide.pair * (m + i), None)
                            )
                    target = group_node[key]
            pending.append((person_node[pid], target, 1, cost, (pid, sid)))
    for sid, free in runs:
        if free <= 0:
            continue
        if guide is None or guide.balance <= 0:
            pending.append((run_node[sid], sink, free, 0, None))
            continue
        # Seats cost more the more people who did not choose the run it holds (convex):
        # they spread evenly over the runs, whatever their fans.
        load = sum(
            1
            for q in there.get(sid, ())
            if not inst.score(q, sid) and not inst.is_presenting(q, sid)
        )
        step = max(1, len(people) // (8 * max(1, len(runs))))
        left = min(free, len(people))
        j = 0
        while left > 0:
            size = min(step, left)
            pending.append((run_node[sid], sink, size, guide.balance * (load + j), None))
            left -= size
            j += size
    bonus = 0
    if keep:
        # A person's path crosses at most three arcs: any other cost of the whole flow
        # stays within 3 x span per person, below one person kept.
        costs = [cost for *_arc, cost, _who in pending]
        bonus = 3 * (max(costs) - min(costs)) * len(people) + 1
    arcs: list[tuple[int, str, str]] = []
    for tail, head, capacity, cost, who in pending:
        if who is not None and keep and keep.get(who[0]) == who[1]:
            cost -= bonus
        arc = flow.add_arc_with_capacity_and_unit_cost(tail, head, capacity, cost)
        if who is not None:
            arcs.append((arc, *who))
    # Max flow at min cost: the source offers everyone, the sink takes what fits.
    flow.set_node_supply(source, len(people))
    flow.set_node_supply(sink, -len(people))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL or flow.maximum_flow() < len(people):
        return None
    got = {pid: sid for arc, pid, sid in arcs if flow.flow(arc) > 0}
    if spread and guide is not None and guide.spread == "together":
        got = _gather(inst, guide, got, runs, allowed, there)
    return got


def _gather(
    inst: AgendaInstance,
    guide: Guide,
    got: dict[str, str],
    runs: list[tuple[str, int]],
    allowed: Callable[[str, str], bool],
    there: dict[str, list[str]],
) -> dict[str, str]:
    """Move people seated here to the run holding most of their delegation (``together``).

    The flow sees only the members already seated; members seated together by
    it are gathered here, each into a free seat, never out of a ranked run.
    """
    got = dict(got)
    free = dict(runs)
    for sid in got.values():
        free[sid] -= 1
    order = [sid for sid, _c in runs]
    for pid in sorted(got):
        city = guide.city.get(pid)
        if city is None or inst.score(pid, got[pid]):
            continue
        count: dict[str, int] = {}
        for sid, pids in there.items():
            count[sid] = sum(1 for q in pids if guide.city.get(q) == city)
        for q, sid in got.items():
            if q != pid and guide.city.get(q) == city:
                count[sid] = count.get(sid, 0) + 1
        best = max(order, key=lambda sid: (count.get(sid, 0), -order.index(sid)))
        if count.get(best, 0) > count.get(got[pid], 0) and free[best] > 0 and allowed(pid, best):
            free[got[pid]] += 1
            free[best] -= 1
            got[pid] = best
    return got


def fill_fallback(
    inst: AgendaInstance,
    placement: Placement,
    attends: dict[tuple[str, str], str],
    fallback: list[tuple[str, str]],
    guide: Guide | None = None,
) -> dict[tuple[str, str], str]:
    """Complete ``attends`` by seating the ``fallback`` (person, slot) pairs.

    With a ``guide``, people are placed by delegation, topics and room balance
    (see the module docstring); without, by preference points alone.

    Raises
    ------
    SeatingError
        When even re-seating a whole slot cannot seat everyone.
    """
    attends = dict(attends)
    presenting = presenting_in(inst, placement)
    seats: dict[tuple[str, str], int] = {}
    room: dict[tuple[str, str], str] = {}
    for sid, cells in sorted(placement.items()):
        options = {(k, r): c for k, r, c in inst.info[sid].options}
        for k, r in cells:
            seats[(sid, k)] = options[(k, r)]
            room[(sid, k)] = r
    waiting: dict[str, list[str]] = {}
    for pid, k in fallback:
        waiting.setdefault(k, []).append(pid)
    order = [s.slot_id for s in sorted(inst.event.slots, key=Slot.sort_key)]
    for k in order:
        people = sorted(waiting.get(k, []))
        if not people:
            continue
        seen: dict[str, set[str]] = {}
        for (pid, kk), sid in attends.items():
            if kk != k:
                seen.setdefault(pid, set()).add(sid)
        load: dict[str, int] = {}
        for (_pid, kk), sid in [*attends.items(), *presenting.items()]:
            if kk == k:
                load[sid] = load.get(sid, 0) + 1
        runs = [(sid, c - load.get(sid, 0)) for (sid, kk), c in sorted(seats.items()) if kk == k]

        def allowed(pid: str, sid: str, k: str = k, seen: dict[str, set[str]] = seen) -> bool:
            if sid in seen.get(pid, ()) or inst.is_presenting(pid, sid):
                return False
            return pid not in inst.accessible or inst.room_accessible(room[(sid, k)])

        there: dict[str, list[str]] = {}
        for (q, kk), sid in [*attends.items(), *presenting.items()]:
            if kk == k:
                there.setdefault(sid, []).append(q)
        got = seat_slot(inst, k, people, runs, allowed, guide, there)
        if got is None:
            logger.info("slot %s: fallback seating failed, re-seating the whole slot", k)
            everyone = sorted(pid for pid in inst.present[k] if (pid, k) not in presenting)
            # Those already seated keep their runs wherever the others can still be seated.
            keep = {pid: attends.pop((pid, k)) for pid in everyone if (pid, k) in attends}
            fixed: dict[str, int] = {}
            for (_pid, kk), sid in presenting.items():
                if kk == k:
                    fixed[sid] = fixed.get(sid, 0) + 1
            runs = [
                (sid, c - fixed.get(sid, 0)) for (sid, kk), c in sorted(seats.items()) if kk == k
            ]
            there = {}
            for (q, kk), sid in presenting.items():
                if kk == k:
                    there.setdefault(sid, []).append(q)
            got = seat_slot(inst, k, everyone, runs, allowed, guide, there, keep)
            if got is None:
                raise SeatingError(f"cannot seat everyone present in slot {k}")
        for pid, sid in got.items():
            attends[(pid, k)] = sid
    return dict(sorted(attends.items()))
