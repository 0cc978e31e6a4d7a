"""What a planner acts on first: who is worst off and why, rooms full or nearly empty, tables without a coach.

:func:`attention` gathers them from a plan alone; ``report.html`` shows them
before every other figure.
"""

from __future__ import annotations

import attrs

from convening.metrics import rank_points
from convening.model import SlotKind
from convening.plan import ActivityKind, Plan, Run

__all__ = ["Attention", "CrowdedRun", "UncoachedTable", "WorstOff", "attention"]

#: A run this empty (attendees ÷ seats, below) is listed as nearly empty.
NEARLY_EMPTY = 1 / 3


@attrs.frozen
class WorstOff:
    """One of the people whose breakout wishes were met least, and why."""

    participant_id: str
    name: str
    city: str
    share_pct: float
    why: str


@attrs.frozen
class CrowdedRun:
    """A session run that is over capacity, full, or nearly empty."""

    slot_id: str
    session: str
    room: str
    attendees: int
    seats: int
    state: str  # "over capacity", "full" or "nearly empty"


@attrs.frozen
class UncoachedTable:
    """A delegation's action-planning table without a coach."""

    slot_id: str
    table: int
    delegation: str


@attrs.frozen
class Attention:
    """The figures a planner acts on first (see :func:`attention`)."""

    worst_off: tuple[WorstOff, ...]
    runs: tuple[CrowdedRun, ...]
    uncoached: tuple[UncoachedTable, ...]


def attention(plan: Plan, worst: int = 5) -> Attention:
    """What a planner should look at first in ``plan``.

    Parameters
    ----------
    plan
        The plan.
    worst
        How many of the worst-off people to list.

    Returns
    -------
    Attention
        The ``worst`` people with the lowest share of their best possible
        breakout points, each with the sessions they ranked highest but do
        not attend and why (full, running while they are away or presenting,
        or at the same time as one they rank higher); the breakout and plenary
        runs over capacity, full, or under a third full; the delegation tables
        in action planning without a coach.
    """
    from convening.plotting.preference_outcome import worst_off

    event = plan.event
    table = worst_off(plan, worst)
    people = [
        WorstOff(
            str(row.participant_id),
            str(row.name),
            str(row.city),
            float(str(row.share_pct)),
            _why(plan, str(row.participant_id)),
        )
        for row in table.itertuples(index=False)
    ]
    runs = []
    for run in sorted(plan.runs, key=lambda r: (event.slot_by_id[r.slot_id].start, r.slot_id)):
        seats = _seats(plan, run)
        if seats is None or run.kind is ActivityKind.TOUR:
            continue
        count = len(run.attendees)
        if count > seats:
            state = "over capacity"
        elif count == seats:
            state = "full"
        elif count < NEARLY_EMPTY * seats:
            state = "nearly empty"
        else:
            continue
        room = event.room_by_id[run.room_id].name if run.room_id is not None else ""
        runs.append(CrowdedRun(run.slot_id, plan.title_of(run), room, count, seats, state))
    uncoached = [
        UncoachedTable(t.slot_id, t.number, event.city_by_id[t.city_id].label)
        for t in plan.tables
        if t.kind is ActivityKind.ACTION_PLANNING
        and t.city_id is not None
        and t.city_id in event.city_by_id
        and t.coach is None
    ]
    return Attention(tuple(people), tuple(runs), tuple(uncoached))


def _seats(plan: Plan, run: Run) -> int | None:
    event = plan.event
    if run.room_id is None or run.room_id not in event.room_by_id:
        return None
    seats = event.room_by_id[run.room_id].capacity
    session = event.session_by_id.get(run.activity_id)
    if session is not None and session.capacity is not None:
        seats = min(seats, session.capacity)
    return seats


def _why(plan: Plan, pid: str) -> str:
    """The sessions a person ranked highest but does not attend, each with the reason."""
    event = plan.event
    person = event.participant_by_id[pid]
    breakout_runs = [r for r in plan.runs if r.kind is ActivityKind.BREAKOUT]
    mine = {r.slot_id: r for r in breakout_runs if pid in r.attendees}
    ranks = event.ranks_of(pid)
    attended = {r.activity_id for r in mine.values()}
    slots = {s.slot_id: s for s in event.slots_of(SlotKind.BREAKOUT)}
    # Only the sessions that make up their best possible score count as missed.
    k = sum(1 for s in slots.values() if person.is_present(s))
    best = sorted(r for sid, r in ranks.items() if sid in event.session_by_id)[:k]
    threshold = best[-1] if best else 0
    missed = sorted(
        (rank, sid)
        for sid, rank in ranks.items()
        if sid in event.session_by_id
        and sid not in attended
        and rank_points(rank) > 0
        and rank <= threshold
    )
    colleagues = set()
    if person.city_id is not None and person.city_id in event.delegation_by_city:
        colleagues = {
            p.participant_id for p in event.delegation_by_city[person.city_id].members
        } - {pid}
    reasons = []
    for rank, sid in missed[:3]:
        session = event.session_by_id[sid]
        runs = [r for r in breakout_runs if r.activity_id == sid]
        if not runs:
            reasons.append(f"{session.title} (rank {rank}) is not on the agenda")
            continue
        open_to = [r for r in runs if r.slot_id in slots and person.is_present(slots[r.slot_id])]
        if not open_to:
            reasons.append(f"{session.title} (rank {rank}) runs only while they are away")
            continue
        presenting = [r for r in open_to if pid in _presenters(plan, mine.get(r.slot_id))]
        if len(presenting) == len(open_to):
            reasons.append(f"{session.title} (rank {rank}) runs only while they present")
            continue
        full = [r for r in open_to if (_seats(plan, r) or 0) <= len(r.attendees)]
        if len(full) == len(open_to):
            reasons.append(f"{session.title} (rank {rank}) is full")
            continue
        free = [r for r in open_to if r not in full]
        better = [
            r
            for r in free
            if r.slot_id in mine and (ranks.get(mine[r.slot_id].activity_id) or 99) < rank
        ]
        others = [r for r in free if r not in better]
        if not others:
            title = plan.title_of(mine[better[0].slot_id])
            reasons.append(f"{session.title} (rank {rank}) clashes with {title}, ranked higher")
        elif all(colleagues & set(r.attendees) for r in others):
            names = ", ".join(
                event.participant_by_id[c].name
                for c in sorted(colleagues & set(others[0].attendees))
            )
            reasons.append(
                f"{session.title} (rank {rank}) has {names} of their delegation, and "
                "delegations spread out"
            )
        elif others[0].slot_id in mine:
            title = plan.title_of(mine[others[0].slot_id])
            reasons.append(
                f"{session.title} (rank {rank}) runs at the same time as {title}, "
                "where the plan put them"
            )
        else:
            reasons.append(f"{session.title} (rank {rank}) did not fit")
    if not reasons:
        return "they have their best-ranked sessions; they ranked fewer than the slots they attend"
    return "; ".join(reasons)


def _presenters(plan: Plan, run: Run | None) -> tuple[str, ...]:
    if run is None:
        return ()
    session = plan.event.session_by_id.get(run.activity_id)
    return session.presenters if session is not None else ()
