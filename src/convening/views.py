"""A plan as tables a planner reads: the agenda, itineraries, rosters, seating charts.

Each function turns a :class:`~convening.plan.Plan` into a
:class:`pandas.DataFrame` with a fixed set of columns and a deterministic row
order (slots in time order, people in the order of the ``participants``
sheet), so the same plan always gives the same tables and the same files.
``agenda``, ``itineraries`` and ``metrics`` have exactly the columns the
event-workbook contract names; the others are for reading. Missing values
(a tour's room, a session's table number) are ``NaN``/``<NA>``.

Times are the event's local wall-clock times, naive, as in the model; the
time zone is :attr:`Event.timezone <convening.model.Event.timezone>`, also
reported as the ``timezone`` metric.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from convening.dates import short_day_label
from convening.model import Event, Participant, Slot, SlotKind
from convening.plan import RUN_METRICS, ActivityKind, Plan, Run, Table

__all__ = [
    "AGENDA_COLUMNS",
    "ITINERARY_COLUMNS",
    "METRICS_COLUMNS",
    "action_planning_frame",
    "agenda_frame",
    "by_room_frame",
    "delegations_frame",
    "itineraries_frame",
    "metrics_frame",
    "networking_frame",
    "plan_frames",
    "slot_label",
    "tours_frame",
]

logger = logging.getLogger(__name__)

#: Columns of the ``agenda`` sheet, as the contract names them.
AGENDA_COLUMNS = (
    "slot_id",
    "start",
    "end",
    "activity_id",
    "kind",
    "title",
    "room_id",
    "attendees",
    "location",
)
#: Columns of the ``itineraries`` sheet, as the contract names them.
ITINERARY_COLUMNS = (
    "participant_id",
    "slot_id",
    "start",
    "end",
    "activity_id",
    "kind",
    "title",
    "location",
    "table",
)
#: Columns of the ``metrics`` sheet, as the contract names them.
METRICS_COLUMNS = ("metric", "value")


def slot_label(slot: Slot) -> str:
    """A column header for a slot, e.g. ``"s03 Tue 20 Apr 10:30"``.

    Spelled out by hand rather than with ``strftime("%a")`` so that the
    header does not depend on the machine's locale.
    """
    return f"{slot.slot_id} {short_day_label(slot.start)} {slot.start:%H:%M}"


def plan_frames(plan: Plan) -> dict[str, pd.DataFrame]:
    """Every view of ``plan`` by sheet name, in the order the workbook shows them."""
    return {
        "agenda": agenda_frame(plan),
        "itineraries": itineraries_frame(plan),
        "metrics": metrics_frame(plan),
        "by_room": by_room_frame(plan),
        "tours": tours_frame(plan),
        "networking": networking_frame(plan),
        "action_planning": action_planning_frame(plan),
        "delegations": delegations_frame(plan),
    }


def agenda_frame(plan: Plan) -> pd.DataFrame:
    """One row per run of a session or tour, and one per other slot, in time order.

    Columns: ``slot_id``, ``start``, ``end``, ``activity_id``, ``kind``,
    ``title``, ``room_id`` (missing for tours), ``attendees`` (how many,
    presenters and leaders included), ``location`` (the room, the tour's
    meeting point, or where a slot happens away from the venue). Breaks,
    networking and action-planning slots get a row each, with the slot's id as
    ``activity_id``, its title (``Lunch``, ``Dinner at the Public Market``; its
    kind in words when untitled), and the people at the event then (breaks) or
    seated at its tables.
    """
    event = plan.event
    order = _slot_order(event)
    slots = event.slot_by_id
    rows: list[tuple[Any, ...]] = []
    for run in plan.runs:
        slot = slots[run.slot_id]
        if run.room_id is not None:
            where = event.room_by_id[run.room_id].name
        else:
            where = event.tour_by_id[run.activity_id].meeting_point or ""
        rows.append(
            (
                run.slot_id,
                slot.start,
                slot.end,
                run.activity_id,
                str(run.kind),
                plan.title_of(run),
                run.room_id,
                len(run.attendees),
                where,
            )
        )
    for slot in event.slots:
        if slot.kind not in (SlotKind.BREAK, SlotKind.NETWORKING, SlotKind.ACTION_PLANNING):
            continue
        if slot.kind is SlotKind.BREAK:
            count = sum(1 for p in event.participants if p.is_at(slot))
        elif not plan.tables_in(slot.slot_id):
            continue
        else:
            count = len(
                {pid for t in plan.tables_in(slot.slot_id) for pid in (*t.members, *t.coaches)}
            )
        rows.append(
            (
                slot.slot_id,
                slot.start,
                slot.end,
                slot.slot_id,
                str(slot.kind),
                slot.label,
                None,
                count,
                slot.location or "",
            )
        )
    rows.sort(key=lambda r: (order[r[0]], r[3], r[6] or "", r[7]))
    return _frame(
        rows,
        {
            "slot_id": "str",
            "start": "datetime64[us]",
            "end": "datetime64[us]",
            "activity_id": "str",
            "kind": "str",
            "title": "str",
            "room_id": "str",
            "attendees": "int64",
            "location": "str",
        },
    )


def itineraries_frame(plan: Plan) -> pd.DataFrame:
    """One row per participant per activity, by participant then time.

    Columns: ``participant_id``, ``slot_id``, ``start``, ``end``,
    ``activity_id``, ``kind``, ``title``, ``location``, ``table`` (the table
    number for networking and action planning, else missing; a coach's row
    lists the tables they coach, ``;``-separated, when there are several).
    """
    rows = [
        (
            row.participant_id,
            row.slot_id,
            row.start,
            row.end,
            row.activity_id,
            str(row.kind),
            row.title,
            row.location,
            row.table,
        )
        for row in plan.itinerary_rows()
    ]
    # Table numbers stay numbers; a coach's list of tables makes the column text-and-numbers.
    lists = any(isinstance(r[-1], str) for r in rows)
    return _frame(
        rows,
        {
            "participant_id": "str",
            "slot_id": "str",
            "start": "datetime64[us]",
            "end": "datetime64[us]",
            "activity_id": "str",
            "kind": "str",
            "title": "str",
            "location": "str",
            "table": "object" if lists else "Int64",
        },
    )


def metrics_frame(plan: Plan) -> pd.DataFrame:
    """The plan's figures as ``metric``, ``value`` rows, each with its label and meaning.

    First what the plan is of (``event``, ``host_city``, ``timezone``: the
    zone of every time in the plan, ``status``), then the solver's
    :attr:`Plan.metrics <convening.plan.Plan.metrics>` grouped as
    :data:`convening.labels.METRIC_LABELS` groups them (figures without a
    label last, in the order the solver gave them), less
    :data:`~convening.plan.RUN_METRICS` (the solve's wall-clock time, which
    would make two writes of one plan differ). Values that are not numbers,
    text or truth values are shown as text. After ``metric`` and ``value``
    come ``group``, ``label`` and ``meaning``: the figure in the planner's
    words.
    """
    from convening.labels import labelled

    event = plan.event
    facts: dict[str, Any] = {
        "event": event.name,
        "host_city": event.host_city,
        "timezone": event.timezone,
        "status": str(plan.status),
    }
    rows = [(k, v, *_words(k)) for k, v in facts.items()]
    figures = [
        (str(k), v) for k, v in plan.metrics.items() if k not in facts and k not in RUN_METRICS
    ]
    rows += [
        (label.key, _scalar(value), label.group, label.label, label.meaning)
        for label, value in labelled(figures)
    ]
    return _frame(
        rows,
        {
            "metric": "str",
            "value": "object",
            "group": "str",
            "label": "str",
            "meaning": "str",
        },
    )


def _words(key: str) -> tuple[str, str, str]:
    from convening.labels import label_of

    label = label_of(key)
    return label.group, label.label, label.meaning


def by_room_frame(plan: Plan) -> pd.DataFrame:
    """Which session each room holds in each plenary and breakout slot.

    One row per room (``room_id``, ``room``), then one column per plenary or
    breakout slot in time order, headed by :func:`slot_label`, holding the
    session's title (missing when the room is free).
    """
    event = plan.event
    slots = [s for s in _slots_in_order(event) if s.kind in (SlotKind.PLENARY, SlotKind.BREAKOUT)]
    held: dict[tuple[str, str], list[str]] = {}
    for run in plan.runs:
        if run.room_id is not None:
            held.setdefault((run.room_id, run.slot_id), []).append(plan.title_of(run))
    rows = []
    for room in event.rooms:
        cells = [
            "; ".join(sorted(held[(room.room_id, s.slot_id)]))
            if (room.room_id, s.slot_id) in held
            else None
            for s in slots
        ]
        rows.append((room.room_id, room.name, *cells))
    spec = {"room_id": "str", "room": "str"} | {slot_label(s): "str" for s in slots}
    return _frame(rows, spec)


def tours_frame(plan: Plan) -> pd.DataFrame:
    """Each tour's riders: the roster a guide takes along.

    Columns: ``slot_id``, ``start``, ``tour_id``, ``title``,
    ``participant_id``, ``name``, ``city`` (the rider's delegation, e.g.
    ``"Flint, MI"``), ``step_free`` (whether the rider needs step-free access).
    """
    event = plan.event
    order = _slot_order(event)
    pos = _person_order(event)
    people = event.participant_by_id
    runs = sorted(
        (r for r in plan.runs if r.kind is ActivityKind.TOUR),
        key=lambda r: (order[r.slot_id], r.activity_id),
    )
    rows = []
    for run in runs:
        start = event.slot_by_id[run.slot_id].start
        title = plan.title_of(run)
        for pid in _by_person(run.attendees, pos):
            person = people.get(pid)
            rows.append(
                (
                    run.slot_id,
                    start,
                    run.activity_id,
                    title,
                    pid,
                    _name(person),
                    _city(event, person),
                    bool(person and person.accessible),
                )
            )
    return _frame(
        rows,
        {
            "slot_id": "str",
            "start": "datetime64[us]",
            "tour_id": "str",
            "title": "str",
            "participant_id": "str",
            "name": "str",
            "city": "str",
            "step_free": "bool",
        },
    )


def networking_frame(plan: Plan) -> pd.DataFrame:
    """The seating chart of every networking slot, table by table.

    Columns: ``slot_id``, ``start``, ``table``, ``topic``, ``participant_id``,
    ``name``, ``city``, ``role``.
    """
    event = plan.event
    rows = []
    for table, person, pid in _seated(plan, ActivityKind.NETWORKING):
        rows.append(
            (
                table.slot_id,
                event.slot_by_id[table.slot_id].start,
                table.number,
                table.topic,
                pid,
                _name(person),
                _city(event, person),
                _role(person),
            )
        )
    return _frame(
        rows,
        {
            "slot_id": "str",
            "start": "datetime64[us]",
            "table": "int64",
            "topic": "str",
            "participant_id": "str",
            "name": "str",
            "city": "str",
            "role": "str",
        },
    )


def action_planning_frame(plan: Plan) -> pd.DataFrame:
    """One row per table in every action-planning slot: whose table, who sits, who coaches.

    Columns: ``slot_id``, ``start``, ``table``, ``city_id`` (missing for the
    table of people outside every delegation), ``delegation`` (the city, or
    ``"support"``), ``coach_ids`` (``;``-separated; empty when none),
    ``coaches`` (their names), ``members`` (participant ids seated, ``;``-separated).
    """
    event = plan.event
    people = event.participant_by_id
    rows = []
    order = _slot_order(event)
    tables = sorted(
        (t for t in plan.tables if t.kind is ActivityKind.ACTION_PLANNING),
        key=lambda t: (order.get(t.slot_id, len(order)), t.number),
    )
    for table in tables:
        if table.city_id is None:
            delegation = "support"
        else:
            city = event.city_by_id.get(table.city_id)
            delegation = city.label if city else table.city_id
        coaches = "; ".join(_name(people.get(c)) or c for c in table.coaches)
        rows.append(
            (
                table.slot_id,
                event.slot_by_id[table.slot_id].start,
                table.number,
                table.city_id,
                delegation,
                ";".join(table.coaches) or None,
                coaches or None,
                ";".join(table.members),
            )
        )
    return _frame(
        rows,
        {
            "slot_id": "str",
            "start": "datetime64[us]",
            "table": "int64",
            "city_id": "str",
            "delegation": "str",
            "coach_ids": "str",
            "coaches": "str",
            "members": "str",
        },
    )


def delegations_frame(plan: Plan) -> pd.DataFrame:
    """Where each delegation's members go, slot by slot.

    One row per delegation member (``city_id``, ``city``, ``participant_id``,
    ``name``, ``role``), in the order of the ``cities`` sheet, then one column
    per slot that is not a break, headed by :func:`slot_label`: the title of
    what the person does there, with its room or meeting point, or missing.
    """
    event = plan.event
    slots = [s for s in _slots_in_order(event) if s.kind.is_activity]
    rows = []
    for delegation in event.delegations:
        for person in delegation.members:
            cells = []
            for slot in slots:
                items = sorted(
                    plan.activities_of(person.participant_id, slot.slot_id),
                    key=lambda i: i.activity_id,
                )
                cells.append("; ".join(_where(plan, i) for i in items) if items else None)
            rows.append(
                (
                    delegation.city_id,
                    delegation.city.label,
                    person.participant_id,
                    person.name,
                    str(person.role),
                    *cells,
                )
            )
    spec = {
        "city_id": "str",
        "city": "str",
        "participant_id": "str",
        "name": "str",
        "role": "str",
    } | {slot_label(s): "str" for s in slots}
    return _frame(rows, spec)


# -- helpers ----------------------------------------------------------------------------------


def _frame(rows: Sequence[tuple[Any, ...]], spec: Mapping[str, str]) -> pd.DataFrame:
    """A frame with exactly ``spec``'s columns and dtypes, even when there are no rows."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(spec))
    return frame.astype(dict(spec))


def _scalar(value: Any) -> Any:
    if type(value) in (bool, int, float, str) or value is None:
        return value
    item = getattr(value, "item", None)  # numpy numbers and the like
    if callable(item):
        try:
            value = item()
        except (TypeError, ValueError):
            return str(value)
        if type(value) in (bool, int, float, str):
            return value
    return str(value)


def _slots_in_order(event: Event) -> list[Slot]:
    return sorted(event.slots, key=Slot.sort_key)


def _slot_order(event: Event) -> dict[str, int]:
    return {s.slot_id: i for i, s in enumerate(_slots_in_order(event))}


def _person_order(event: Event) -> dict[str, int]:
    return {p.participant_id: i for i, p in enumerate(event.participants)}


def _by_person(ids: Iterable[str], pos: Mapping[str, int]) -> list[str]:
    """Ids in the order of the ``participants`` sheet; unknown ids last, by id."""
    return sorted(ids, key=lambda pid: (pos.get(pid, len(pos)), pid))


def _seated(plan: Plan, kind: ActivityKind) -> list[tuple[Table, Participant | None, str]]:
    event = plan.event
    order = _slot_order(event)
    pos = _person_order(event)
    people = event.participant_by_id
    tables = sorted(
        (t for t in plan.tables if t.kind is kind and t.slot_id in order),
        key=lambda t: (order[t.slot_id], t.number, t.city_id or ""),
    )
    return [
        (table, people.get(pid), pid) for table in tables for pid in _by_person(table.members, pos)
    ]


def _name(person: Participant | None) -> str | None:
    return None if person is None else person.name


def _role(person: Participant | None) -> str | None:
    return None if person is None else str(person.role)


def _city(event: Event, person: Participant | None) -> str | None:
    if person is None or person.city_id is None:
        return None
    city = event.city_by_id.get(person.city_id)
    return city.label if city else person.city_id


def _where(plan: Plan, item: Run | Table) -> str:
    title = plan.title_of(item)
    if isinstance(item, Run):
        location = plan.location_of(item)
        return f"{title} ({location})" if location else title
    return title
