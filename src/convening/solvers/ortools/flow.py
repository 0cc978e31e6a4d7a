"""Seat the people left without a ranked run, slot by slot, with min-cost flow.

Within one slot, seating people in runs is a transportation problem: people
(supply 1) → runs they may join (not a session they attend in another slot,
step-free if they need it) → the sink (the run's free seats). The cost of an
arc is minus the person's points for the session, so a free seat in a
session someone did rank is used first.

If the flow cannot seat everyone (the "once per session" rule across slots
can, rarely, leave someone with no open run), the whole slot is re-seated by
one flow for everyone in it who is not presenting, ranked attendees included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ortools.graph.python import min_cost_flow

from convening.errors import ConveningError
from convening.model import Slot
from convening.solvers.instance import AgendaInstance, Placement, presenting_in

__all__ = ["SeatingError", "fill_fallback", "seat_slot"]

logger = logging.getLogger(__name__)


class SeatingError(ConveningError):
    """Some people present in a slot cannot be seated in any run they may join."""


def seat_slot(
    inst: AgendaInstance,
    k: str,
    people: list[str],
    runs: list[tuple[str, int]],
    allowed: Callable[[str, str], bool],
) -> dict[str, str] | None:
    """Seat ``people`` in slot ``k`` among ``runs`` [(item_id, free seats)]; ``None`` if not all fit.

    ``allowed(pid, item_id)`` says whether a person may join a run.
    """
    if not people:
        return {}
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    person_node = {pid: 2 + i for i, pid in enumerate(people)}
    run_node = {sid: 2 + len(people) + j for j, (sid, _c) in enumerate(runs)}
    arcs: list[tuple[int, str, str]] = []
    for pid in people:
        flow.add_arc_with_capacity_and_unit_cost(source, person_node[pid], 1, 0)
        for sid, _free in runs:
            if not allowed(pid, sid):
                continue
            arc = flow.add_arc_with_capacity_and_unit_cost(
                person_node[pid], run_node[sid], 1, -inst.score(pid, sid)
            )
            arcs.append((arc, pid, sid))
    for sid, free in runs:
        if free > 0:
            flow.add_arc_with_capacity_and_unit_cost(run_node[sid], sink, free, 0)
    # Max flow at min cost: the source offers everyone, the sink takes what fits.
    flow.set_node_supply(source, len(people))
    flow.set_node_supply(sink, -len(people))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL or flow.maximum_flow() < len(people):
        return None
    return {pid: sid for arc, pid, sid in arcs if flow.flow(arc) > 0}


def fill_fallback(
    inst: AgendaInstance,
    placement: Placement,
    attends: dict[tuple[str, str], str],
    fallback: list[tuple[str, str]],
) -> dict[tuple[str, str], str]:
    """Complete ``attends`` by seating the ``fallback`` (person, slot) pairs.

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

        got = seat_slot(inst, k, people, runs, allowed)
        if got is None:
            logger.info("slot %s: fallback seating failed, re-seating the whole slot", k)
            everyone = sorted(pid for pid in inst.present[k] if (pid, k) not in presenting)
            for pid in everyone:
                attends.pop((pid, k), None)
            fixed: dict[str, int] = {}
            for (_pid, kk), sid in presenting.items():
                if kk == k:
                    fixed[sid] = fixed.get(sid, 0) + 1
            runs = [
                (sid, c - fixed.get(sid, 0)) for (sid, kk), c in sorted(seats.items()) if kk == k
            ]
            got = seat_slot(inst, k, everyone, runs, allowed)
            if got is None:
                raise SeatingError(f"cannot seat everyone present in slot {k}")
        for pid, sid in got.items():
            attends[(pid, k)] = sid
    return dict(sorted(attends.items()))
