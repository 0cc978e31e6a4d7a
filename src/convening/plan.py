"""A plan: the agenda and every person's place in it, independent of any solver.

A :class:`Plan` is made of :class:`Run` s (one run of a session or tour in a
slot, with its room and attendees) and :class:`Table` s (one networking or
action-planning table in a slot). Everything a planner reads — the agenda,
each person's itinerary — is derived from those two lists, so there is one
source of truth. :func:`convening.validate.validate` checks a plan against the
hard rules of the spec.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from functools import cached_property
from typing import Any

import attrs

from convening.errors import ConveningError
from convening.model import Event, Slot


def _sorted_ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(ids))


def _runs(items: Iterable[Run]) -> tuple[Run, ...]:
    return tuple(items)


def _tables(items: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(items)


__all__ = [
    "RUN_METRICS",
    "ActivityKind",
    "ItineraryRow",
    "Plan",
    "Run",
    "SolveStatus",
    "Table",
    "event_fingerprint",
]


class SolveStatus(StrEnum):
    """How good the solver says a plan is, honestly.

    ``OPTIMAL``: proven best for the objective. ``FEASIBLE``: satisfies every
    hard rule; the gap to the best possible is in the metrics. A plan always
    has one of the two: when no plan can keep the rules, or none was found in
    time, :func:`convening.solve` raises :class:`~convening.errors.InfeasibleError`
    instead of returning a plan.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"

    @property
    def advice(self) -> str:
        """What a planner can do next, in the Python API's words (see :attr:`cli_advice`)."""
        return {
            SolveStatus.OPTIMAL: "This plan is proven best for the chosen objective.",
            SolveStatus.FEASIBLE: (
                "This plan keeps every rule; a longer time limit "
                "(SolveOptions(time_limit=...)) may improve the scores."
            ),
        }[self]

    @property
    def cli_advice(self) -> str:
        """:attr:`advice` as the command line (and the report it writes) says it."""
        return {
            SolveStatus.FEASIBLE: (
                "This plan keeps every rule; a longer --time-limit may improve the scores."
            ),
        }.get(self, self.advice)


class ActivityKind(StrEnum):
    """What a person does in a slot."""

    PLENARY = "plenary"
    BREAKOUT = "breakout"
    TOUR = "tour"
    NETWORKING = "networking"
    ACTION_PLANNING = "action_planning"


@attrs.frozen
class Run:
    """One run of a session or tour in one slot.

    Parameters
    ----------
    activity_id
        The session or tour id.
    kind
        ``plenary``, ``breakout`` or ``tour``.
    slot_id
        Where in time it runs.
    room_id
        The room (``None`` for tours).
    attendees
        Participant ids of everyone there, presenters included, sorted.
    """

    activity_id: str
    kind: ActivityKind = attrs.field(converter=ActivityKind)
    slot_id: str
    room_id: str | None
    attendees: tuple[str, ...] = attrs.field(converter=_sorted_ids)


@attrs.frozen
class Table:
    """One table in a networking or action-planning slot.

    Parameters
    ----------
    slot_id
        The slot.
    number
        Table number, from 1, as on the table card.
    kind
        ``networking`` or ``action_planning``.
    members
        Participant ids seated there, sorted.
    topic
        A conversation starter shared by the people seated (networking).
    city_id
        The delegation the table belongs to (action planning).
    coaches
        The facilitators coaching it (action planning), sorted. A coach works a
        group of tables, so coaches are not among ``members``.
    """

    slot_id: str
    number: int
    kind: ActivityKind = attrs.field(converter=ActivityKind)
    members: tuple[str, ...] = attrs.field(converter=_sorted_ids)
    topic: str | None = None
    city_id: str | None = None
    coaches: tuple[str, ...] = attrs.field(default=(), converter=_sorted_ids)

    @property
    def activity_id(self) -> str:
        """The id a table gets in itineraries, e.g. ``s006-t03``."""
        return f"{self.slot_id}-t{self.number:02d}"

    @property
    def coach(self) -> str | None:
        """The table's first coach (``None`` when it has none)."""
        return self.coaches[0] if self.coaches else None


@attrs.frozen
class ItineraryRow:
    """One activity of one participant, as the ``itineraries`` sheet shows it."""

    participant_id: str
    slot_id: str
    start: dt.datetime
    end: dt.datetime
    activity_id: str
    kind: ActivityKind
    title: str
    location: str
    table: int | str | None


@attrs.frozen(eq=False)
class Plan:
    """An agenda with everyone's place in it.

    Parameters
    ----------
    event
        The event planned.
    runs
        Every run of every session and tour.
    tables
        Every networking and action-planning table.
    status
        What the solver could prove (:class:`SolveStatus`).
    metrics
        Quality figures by name (see the solver's documentation).
    """

    event: Event
    runs: tuple[Run, ...] = attrs.field(converter=_runs)
    tables: tuple[Table, ...] = attrs.field(default=(), converter=_tables)
    status: SolveStatus = SolveStatus.FEASIBLE
    metrics: Mapping[str, Any] = attrs.field(factory=dict)

    @cached_property
    def _activity(self) -> dict[tuple[str, str], list[Run | Table]]:
        out: dict[tuple[str, str], list[Run | Table]] = {}
        for run in self.runs:
            for pid in run.attendees:
                out.setdefault((pid, run.slot_id), []).append(run)
        for table in self.tables:
            for pid in table.members:
                out.setdefault((pid, table.slot_id), []).append(table)
        # Coaching a group of tables is one activity: the coach's first table stands for it.
        for (pid, slot_id), tables in sorted(self._coaching.items()):
            out.setdefault((pid, slot_id), []).append(tables[0])
        return out

    @cached_property
    def _coaching(self) -> dict[tuple[str, str], list[Table]]:
        out: dict[tuple[str, str], list[Table]] = {}
        for table in sorted(self.tables, key=lambda t: (t.slot_id, t.number)):
            for pid in table.coaches:
                out.setdefault((pid, table.slot_id), []).append(table)
        return out

    def coached_by(self, participant_id: str, slot_id: str) -> list[Table]:
        """The tables ``participant_id`` coaches in ``slot_id``, by number."""
        return list(self._coaching.get((participant_id, slot_id), []))

    def activities_of(self, participant_id: str, slot_id: str) -> list[Run | Table]:
        """What ``participant_id`` does in ``slot_id`` (one item in a valid plan)."""
        return list(self._activity.get((participant_id, slot_id), []))

    def runs_in(self, slot_id: str) -> list[Run]:
        """The runs in one slot."""
        return [r for r in self.runs if r.slot_id == slot_id]

    def tables_in(self, slot_id: str) -> list[Table]:
        """The tables in one slot, by number."""
        return sorted((t for t in self.tables if t.slot_id == slot_id), key=lambda t: t.number)

    def title_of(self, item: Run | Table) -> str:
        """The title a person sees for a run or table."""
        event = self.event
        if isinstance(item, Run):
            if item.kind is ActivityKind.TOUR:
                return event.tour_by_id[item.activity_id].title
            return event.session_by_id[item.activity_id].title
        named = self._slot_title(item)
        if item.kind is ActivityKind.ACTION_PLANNING:
            base = named or "Action planning"
            if item.city_id is not None:
                return f"{base}: {event.city_by_id[item.city_id].label}"
            return f"{base}: support"
        label = f"{named or 'Networking'}, table {item.number}"
        return f"{label} ({item.topic})" if item.topic else label

    def title_for(self, participant_id: str, item: Run | Table) -> str:
        """The title ``participant_id`` sees: a coach's names the tables of their group."""
        if isinstance(item, Table) and participant_id in item.coaches:
            numbers = [str(t.number) for t in self.coached_by(participant_id, item.slot_id)]
            tables = f"table {numbers[0]}" if len(numbers) == 1 else "tables " + ", ".join(numbers)
            return f"{self._slot_title(item) or 'Action planning'}: coaching {tables}"
        return self.title_of(item)

    def _slot_title(self, table: Table) -> str:
        """The title the planner gave the table's slot (e.g. a named dinner), or ``""``."""
        slot = self.event.slot_by_id.get(table.slot_id)
        return slot.title if slot is not None and slot.title else ""

    def location_of(self, item: Run | Table) -> str:
        """Where a person goes for a run or table."""
        if isinstance(item, Run):
            if item.room_id is not None:
                return self.event.room_by_id[item.room_id].name
            tour = self.event.tour_by_id[item.activity_id]
            return tour.meeting_point or ""
        return f"Table {item.number}"

    def to_dict(self) -> dict[str, Any]:
        """The plan (without its event) as plain data, e.g. for JSON.

        :meth:`from_dict` with the same event gives an equal plan back, less
        the :data:`RUN_METRICS` (how long the solve took).
        """
        return {
            "format": PLAN_FORMAT,
            "event": self.event.name,
            "fingerprint": event_fingerprint(self.event),
            "status": self.status.value,
            "metrics": {
                str(k): _plain(v) for k, v in self.metrics.items() if k not in RUN_METRICS
            },
            "runs": [
                {
                    "activity_id": r.activity_id,
                    "kind": r.kind.value,
                    "slot_id": r.slot_id,
                    "room_id": r.room_id,
                    "attendees": list(r.attendees),
                }
                for r in self.runs
            ],
            "tables": [
                {
                    "slot_id": t.slot_id,
                    "number": t.number,
                    "kind": t.kind.value,
                    "members": list(t.members),
                    "topic": t.topic,
                    "city_id": t.city_id,
                    "coaches": list(t.coaches),
                }
                for t in self.tables
            ],
        }

    @classmethod
    def from_dict(cls, event: Event, data: Mapping[str, Any]) -> Plan:
        """Rebuild a plan of ``event`` from :meth:`to_dict`'s data.

        Raises
        ------
        ConveningError
            When the data is not a plan, or is one of another event.
        """
        if not isinstance(data, Mapping) or data.get("format") != PLAN_FORMAT:
            raise ConveningError("this is not a plan written by convening")
        if data.get("event") != event.name:
            raise ConveningError(
                f"the plan is of the event {data.get('event')!r}, not {event.name!r}"
            )
        fingerprint = data.get("fingerprint")
        if fingerprint is not None and fingerprint != event_fingerprint(event):
            raise ConveningError(
                "the plan is of another event of the same name (its ids differ from the event's)"
            )
        problems = _plan_data_problems(event, data)
        if problems:
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise ConveningError(f"the plan's data is damaged: {'; '.join(problems[:5])}{more}")
        try:
            return cls(
                event,
                runs=[Run(**r) for r in data["runs"]],
                tables=[Table(**_table_fields(t)) for t in data["tables"]],
                status=SolveStatus(data["status"]),
                metrics=dict(data["metrics"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConveningError(f"the plan's data is damaged: {exc}") from None

    def itinerary_rows(self) -> Iterator[ItineraryRow]:
        """Every participant's activities, by participant then time."""
        slots = self.event.slot_by_id
        order = {s.slot_id: i for i, s in enumerate(sorted(self.event.slots, key=Slot.sort_key))}
        items: list[tuple[str, str, Run | Table]] = []
        for (pid, slot_id), acts in self._activity.items():
            for act in acts:
                items.append((pid, slot_id, act))
        pos = {p.participant_id: i for i, p in enumerate(self.event.participants)}
        items.sort(key=lambda x: (pos.get(x[0], len(pos)), order[x[1]], _act_id(x[2])))
        for pid, slot_id, act in items:
            slot = slots[slot_id]
            table: int | str | None = act.number if isinstance(act, Table) else None
            if isinstance(act, Table) and pid in act.coaches:
                numbers = [t.number for t in self.coached_by(pid, slot_id)]
                table = numbers[0] if len(numbers) == 1 else ";".join(map(str, numbers))
            title = self.title_for(pid, act)
            yield ItineraryRow(
                participant_id=pid,
                slot_id=slot_id,
                start=slot.start,
                end=slot.end,
                activity_id=_act_id(act),
                kind=act.kind,
                title=title,
                location=self.location_of(act),
                table=table,
            )


#: Metrics about the run rather than the plan (wall-clock time): shown, never written
#: to files, so that the same plan always gives the same bytes.
RUN_METRICS = frozenset({"solve_seconds"})

#: Marks plan data written by :meth:`Plan.to_dict`.
PLAN_FORMAT = "convening-plan/1"


def event_fingerprint(event: Event) -> str:
    """A short hash of an event's ids, recorded in ``plan.json`` to know its event again.

    Two events with the same name but other people, rooms or slots get
    different fingerprints; titles, times and answers do not count.
    """
    import hashlib

    parts = [
        sorted(p.participant_id for p in event.participants),
        sorted(c.city_id for c in event.cities),
        sorted(r.room_id for r in event.rooms),
        sorted(s.slot_id for s in event.slots),
        sorted(s.session_id for s in event.sessions),
        sorted(t.tour_id for t in event.tours),
    ]
    text = "\n".join("\t".join(ids) for ids in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _plan_data_problems(event: Event, data: Mapping[str, Any]) -> list[str]:
    """What in ``plan.json``'s data is not a plan of ``event``: wrong types, unknown ids."""
    problems: list[str] = []
    people = event.participant_by_id
    slots, rooms, cities = event.slot_by_id, event.room_by_id, event.city_by_id
    kinds = {k.value for k in ActivityKind}

    def unknown(where: str, what: str, value: object, known: Mapping[str, Any]) -> None:
        if not _is_text(value) or value not in known:
            problems.append(f"{where}: {what} {value!r} is not in the event")

    def ids(where: str, what: str, value: object) -> None:
        if not isinstance(value, list):
            problems.append(f"{where}: {what} is not a list")
            return
        for pid in value:
            unknown(where, "participant", pid, people)

    if data.get("status") not in {s.value for s in SolveStatus}:
        problems.append(f"status {data.get('status')!r} is not a solver status")
    if not isinstance(data.get("metrics"), Mapping):
        problems.append("metrics are not a table of names and values")
    runs: list[Mapping[str, Any]] = data.get("runs") or []
    tables: list[Mapping[str, Any]] = data.get("tables") or []
    for name in ("runs", "tables"):
        items = data.get(name)
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            problems.append(f"{name} are not a list of records")
    if problems:
        return problems
    for i, run in enumerate(runs, 1):
        where = f"run {i}"
        kind = run.get("kind")
        if kind not in {"plenary", "breakout", "tour"}:
            problems.append(f"{where}: kind {kind!r} is not plenary, breakout or tour")
            continue
        known = event.tour_by_id if kind == "tour" else event.session_by_id
        unknown(where, "tour" if kind == "tour" else "session", run.get("activity_id"), known)
        unknown(where, "slot", run.get("slot_id"), slots)
        if run.get("room_id") is not None:
            unknown(where, "room", run.get("room_id"), rooms)
        ids(where, "attendees", run.get("attendees"))
    for i, table in enumerate(tables, 1):
        where = f"table {i}"
        if table.get("kind") not in kinds - {"plenary", "breakout", "tour"}:
            problems.append(f"{where}: kind {table.get('kind')!r} is not a table's")
        unknown(where, "slot", table.get("slot_id"), slots)
        number = table.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            problems.append(f"{where}: number {number!r} is not a table number")
        ids(where, "members", table.get("members"))
        if table.get("city_id") is not None:
            unknown(where, "city", table.get("city_id"), cities)
        if table.get("coach") is not None:
            unknown(where, "participant", table.get("coach"), people)
        if table.get("topic") is not None and not _is_text(table.get("topic")):
            problems.append(f"{where}: topic {table.get('topic')!r} is not text")
    return problems


def _plain(value: Any) -> Any:
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _table_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """A table's stored fields; plans written before coaching groups name one ``coach``."""
    fields = dict(data)
    if "coach" in fields:
        coach = fields.pop("coach")
        fields.setdefault("coaches", [coach] if coach else [])
    return fields


def _act_id(item: Run | Table) -> str:
    return item.activity_id
