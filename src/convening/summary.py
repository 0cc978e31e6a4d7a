"""A planner's summary of an event: who comes, what slots there are, seats per slot."""

from __future__ import annotations

from collections import Counter

import attrs

from convening.model import Event, Role, Slot, SlotKind

__all__ = ["EventSummary", "SlotSeats", "summarize"]


@attrs.frozen
class SlotSeats:
    """People present in a slot against the places the slot can offer.

    ``places`` is the seats of every room for plenary and breakout slots, the
    riders of every tour that may run for tour slots, and the table places for
    networking and action-planning slots (``None`` for breaks).
    """

    slot_id: str
    kind: SlotKind
    start: str
    present: int
    places: int | None
    note: str


@attrs.frozen
class EventSummary:
    """Counts a planner checks before planning."""

    name: str
    host_city: str
    cities: int
    delegations_usual: int
    delegations_other: int
    participants_by_role: dict[str, int]
    accessible: int
    slots_by_kind: dict[str, int]
    sessions: int
    session_runs: int
    tours: int
    rooms: int
    seats: tuple[SlotSeats, ...]
    warnings: int


def summarize(event: Event) -> EventSummary:
    """Count what a planner wants to see in an event before planning it.

    Parameters
    ----------
    event
        A checked event.

    Returns
    -------
    EventSummary
    """
    roles = Counter(str(p.role) for p in event.participants)
    kinds = Counter(str(s.kind) for s in event.slots)
    usual = sum(1 for d in event.delegations if d.is_usual_shape)
    seats = []
    for slot in sorted(event.slots, key=Slot.sort_key):
        present = len(event.present(slot))
        places: int | None
        note = ""
        if slot.kind in (SlotKind.PLENARY, SlotKind.BREAKOUT):
            places = sum(r.capacity for r in event.rooms)
            note = f"{len(event.rooms)} rooms"
        elif slot.kind is SlotKind.TOUR:
            tours = [t for t in event.tours if t.slot_id in (None, slot.slot_id)]
            places = sum(t.seats for t in tours)
            note = f"{len(tours)} tours may run"
        elif slot.kind is SlotKind.NETWORKING:
            size = event.table_size(slot.slot_id)
            tables = event.networking_tables(slot)
            places = tables * size
            note = f"{tables} tables of at most {size}"
        elif slot.kind is SlotKind.ACTION_PLANNING:
            here = {p.city_id for p in event.present(slot) if p.city_id is not None}
            places = None
            note = f"{len(here)} delegation tables"
        else:
            places = None
        seats.append(
            SlotSeats(
                slot.slot_id, slot.kind, f"{slot.start:%a %d %b %H:%M}", present, places, note
            )
        )
    return EventSummary(
        name=event.name,
        host_city=event.host_city,
        cities=len(event.cities),
        delegations_usual=usual,
        delegations_other=len(event.delegations) - usual,
        participants_by_role={r.value: roles.get(r.value, 0) for r in Role},
        accessible=sum(1 for p in event.participants if p.accessible),
        slots_by_kind={k.value: kinds.get(k.value, 0) for k in SlotKind},
        sessions=len(event.sessions),
        session_runs=sum(s.offered for s in event.sessions),
        tours=len(event.tours),
        rooms=len(event.rooms),
        seats=tuple(seats),
        warnings=len(event.warnings),
    )
