"""Explain why an event has no plan: the rules that conflict, and what would fix them.

When no plan keeps every hard rule, :func:`explain_infeasibility` finds small
sets of rules that cannot all hold together (*conflicts*) and says each in the
planner's words, naming the ids and the workbook rows involved::

    Breakout slots: session b014 (sessions row 15) is pinned to slot s004; session
    b022 (sessions row 23) is pinned to slot s004; both are pinned to room r2 …

and offers *relaxations*, concrete changes to the workbook (unpin a session,
raise a room's capacity to the number needed, let a presenter arrive earlier,
offer a session a different number of times, drop a seating rule, leave a kind
of slot out of the ``attends`` of a staff member who takes places there), each
one checked: with it applied, the rules of that conflict can all be kept.
Dropping a person's need for step-free access or a session's presenter is never
proposed, although either may be part of a conflict. Places people take by
their role's default (staff attend plenaries) are never blamed; places taken
because of the ``attends`` written for them are, with its row and value.

Each conflict is *minimal*: keep any one of its rules out and the rest can be
kept. An event can have several conflicts; each is reported once, and its
relaxations are checked assuming the other conflicts are fixed too.

The search itself (a feasibility model per part of the event, with an
assumption literal guarding every rule a planner could change) is
:mod:`convening.solvers.ortools.explain`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

import attrs

from convening.errors import ConveningError, InfeasibleError
from convening.model import ATTENDABLE_KINDS, Event, RuleKind
from convening.sheets import SHEETS

__all__ = [
    "Change",
    "Conflict",
    "Explanation",
    "Relaxation",
    "explain_failure",
    "explain_infeasibility",
    "infeasible_error",
]

logger = logging.getLogger(__name__)

Guard = tuple[str, ...]

#: Rule codes (as in :data:`convening.validate.RULES`) of each kind of guarded rule.
_RULE_OF = {
    "slot-pin": "pinned-slot",
    "room-pin": "pinned-room",
    "presenter": "presenter-absent",
    "window": "not-present",
    "away": "not-present",
    "leader": "leader-absent",
    "attends": "one-activity-per-slot",
    "offered": "session-offered",
    "room-capacity": "room-capacity",
    "session-capacity": "session-capacity",
    "tour-pin": "pinned-slot",
    "tour-capacity": "tour-capacity",
    "no-repeat": "repeat-session",
}

#: The order in which a conflict's main rule is chosen (the first one it involves).
_RULE_PRIORITY = (
    "pinned-slot",
    "pinned-room",
    "presenter-absent",
    "leader-absent",
    "not-present",
    "session-offered",
    "room-capacity",
    "session-capacity",
    "tour-capacity",
    "networking-together",
    "networking-apart",
    "networking-host",
    "step-free-room",
    "step-free-tour",
    "repeat-session",
    "one-activity-per-slot",
    "delegation-apart",
    "coach",
)

#: Share of the time limit spent finding conflicts; the rest checks relaxations.
_CONFLICT_SHARE = 0.5
#: Most conflicts reported per part of the event.
_MAX_CONFLICTS = 5
#: Most alternatives tried for a presenter's window or a session's ``offered``.
_MAX_TRIES = 6


# -- results --------------------------------------------------------------------------------------


#: The Event attribute and id column of each sheet a change may touch.
_SHEETS = {
    s.name: (s.name, s.id_column)
    for s in SHEETS
    if s.name in ("sessions", "rooms", "tours", "participants", "networking_rules")
}


@attrs.frozen
class Change:
    """One cell to change, or one row to remove, in the event workbook.

    Parameters
    ----------
    sheet
        ``sessions``, ``rooms``, ``tours``, ``participants`` or ``networking_rules``.
    key
        The item's id (for ``networking_rules``, the rule itself is in ``item``).
    column
        The column to set, or ``None`` to remove the row.
    value
        The new value.
    item
        The networking rule to remove (rules have no id).
    """

    sheet: str
    key: str
    column: str | None
    value: Any = None
    item: Any = attrs.field(default=None, eq=False, repr=False)

    def apply(self, event: Event) -> Event:
        """``event`` with this change (checked again, so it may raise :class:`EventError`)."""
        attr, id_field = _SHEETS[self.sheet]
        items = list(getattr(event, attr))
        for i, item in enumerate(items):
            if id_field is None:
                hit = item == self.item and item.row == self.item.row
            else:
                hit = getattr(item, id_field) == self.key
            if not hit:
                continue
            if self.column is None:
                del items[i]
            else:
                items[i] = attrs.evolve(item, **{self.column: self.value})
            changes: dict[str, Any] = {attr: tuple(items)}
            return attrs.evolve(event, **changes)
        raise ConveningError(f"{self.sheet} has no item {self.key}")


@attrs.frozen
class Relaxation:
    """A change to the workbook that resolves a conflict, in the planner's words.

    Parameters
    ----------
    text
        E.g. ``"unpin session b022 from slot s004 (sessions row 23)"``.
    changes
        The cells to change; :meth:`apply` makes the changed event.
    """

    text: str
    changes: tuple[Change, ...]

    def apply(self, event: Event) -> Event:
        """``event`` with the change made.

        Raises
        ------
        EventError
            When the changed event breaks a check (it never does for ``event``
            itself, the one explained).
        """
        for change in self.changes:
            event = change.apply(event)
        return event

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class Conflict:
    """A set of rules that cannot all hold, named by what the planner can change.

    Parameters
    ----------
    rule
        The main rule's code (as in :data:`convening.validate.RULES`, plus
        ``networking-together``, ``networking-apart`` and ``networking-host``
        for seating rules).
    rules
        Every rule code involved, sorted.
    part
        Where: ``plenary``, ``breakout``, ``tour``, ``networking:<slot_id>``
        or ``action_planning:<slot_id>``.
    message
        The conflict in the planner's words, with ids and sheet rows.
    rows
        ``(sheet, row)`` of every workbook row involved, sorted.
    relaxations
        Checked changes that each resolve this conflict.
    minimal
        Whether every rule listed was shown to be needed (``False`` when the
        time ran out first: the conflict is real but may name a rule too many).
    guards
        The rule instances involved, as the feasibility model names them.
    """

    rule: str
    rules: tuple[str, ...]
    part: str
    message: str
    rows: tuple[tuple[str, int], ...]
    relaxations: tuple[Relaxation, ...] = ()
    minimal: bool = True
    guards: tuple[Guard, ...] = ()

    def __str__(self) -> str:
        return self.message


@attrs.frozen
class Explanation:
    """Why an event has no plan, and what would give it one.

    Parameters
    ----------
    feasible
        ``True`` when every rule can be kept after all (the event has a plan;
        a solver that found none ran out of time).
    conflicts
        The conflicts found.
    cut_short
        The time limit stopped the search: there may be more conflicts, or a
        conflict may name a rule too many, or (when nothing was found)
        feasibility is unknown.
    """

    feasible: bool
    conflicts: list[Conflict] = attrs.field(factory=list)
    cut_short: bool = False

    @property
    def relaxations(self) -> list[str]:
        """Every checked relaxation, in the order of the conflicts."""
        return [r.text for c in self.conflicts for r in c.relaxations]

    def lines(self) -> list[str]:
        """The explanation as planner sentences, one per conflict, then what to do."""
        if self.feasible:
            return [
                "Every hard rule can be kept: the event has a plan. If the solver found none, "
                "raise the time limit."
            ]
        out = []
        for conflict in self.conflicts:
            text = conflict.message
            if conflict.relaxations:
                fixes = "; ".join(r.text for r in conflict.relaxations)
                text += f" Any one of these would resolve it: {fixes}."
            else:
                text += " No single change to a pin, capacity, window or rule resolves it."
            if not conflict.minimal:
                text += " (The time ran out before this list was made as short as it can be.)"
            out.append(text)
        if not self.conflicts:
            out.append(
                "No conflict was found before the time ran out; raise the time limit to "
                "search longer."
            )
        elif self.cut_short:
            out.append("The time ran out: there may be more conflicts than these.")
        return out

    def __str__(self) -> str:
        if self.feasible:
            return self.lines()[0]
        count = len(self.conflicts)
        head = f"No plan keeps every rule; {count} conflict{'s' if count != 1 else ''} found:"
        return "\n".join([head, *(f"  - {line}" for line in self.lines())])


# -- the search ---------------------------------------------------------------------------------


def explain_infeasibility(event: Event, *, time_limit: float = 30.0, seed: int = 0) -> Explanation:
    """Find conflicting rules in ``event`` and relaxations that resolve them.

    Parameters
    ----------
    event
        A checked event (one that passes the counting checks, yet may have no plan).
    time_limit
        Seconds in all: about half to find and shrink conflicts, the rest to
        check relaxations.
    seed
        Random seed of the search.

    Returns
    -------
    Explanation
        ``feasible`` when every rule can be kept; else the conflicts, each
        with its checked relaxations.
    """
    from convening.solvers.ortools import explain as backend

    # Budgets are deterministic work (see backend.Work), so the explanation does not
    # depend on the machine's speed.
    work = backend.Work.of_seconds(time_limit)
    search = work.child(time_limit * _CONFLICT_SHARE)
    names = backend.parts(event)
    # A quick look at every part first, so that the search time goes to the parts without a plan.
    bad = []
    for i, part in enumerate(names):
        budget = search.seconds_left() / (len(names) - i)
        outcome = backend.check(event, part, seed=seed, work=search.child(max(budget, 0.05)))
        if outcome != "feasible":
            bad.append(part)
    found: list[tuple[str, Any]] = []
    cut_short = False
    unknown = False
    for i, part in enumerate(bad):
        budget = search.seconds_left() / (len(bad) - i)
        result = backend.find_conflicts(
            event,
            part,
            seed=seed,
            max_conflicts=_MAX_CONFLICTS,
            work=search.child(max(budget, 0.05)),
        )
        cut_short |= result.cut_short
        unknown |= result.status == "unknown"
        for core in result.cores:
            found.append((part, core))
    merged = _merge_networking(found)
    drops = [frozenset(core.guards) for _part, core in merged]
    conflicts = []
    checker = _Checker(backend, seed, work)
    for i, (part, core) in enumerate(merged):
        others = frozenset().union(*(d for j, d in enumerate(drops) if j != i))
        relaxations = _relaxations(event, part, core.guards, others, checker)
        conflicts.append(_conflict(event, part, core, relaxations))
    cut_short |= checker.cut_short
    feasible = not conflicts and not unknown
    explanation = Explanation(feasible, conflicts, cut_short or (unknown and not conflicts))
    if work.wall_cut:
        logger.warning("the wall clock cut the explanation short; it may differ on a re-run")
    logger.info(
        "explained with %.1f s of budget: %d conflicts, %d relaxations",
        time_limit - work.seconds_left(),
        len(conflicts),
        len(explanation.relaxations),
    )
    return explanation


def infeasible_error(
    event: Event,
    message: str = "No plan keeps every rule.",
    *,
    time_limit: float = 30.0,
    seed: int = 0,
) -> InfeasibleError:
    """An :class:`InfeasibleError` whose reasons are the explanation's sentences.

    The explanation itself is kept as the error's ``explanation`` attribute.
    """
    explanation = explain_infeasibility(event, time_limit=time_limit, seed=seed)
    return InfeasibleError(
        message,
        explanation.lines(),
        proven=not explanation.feasible and not explanation.cut_short,
        explanation=explanation,
    )


def explain_failure(
    event: Event, error: InfeasibleError, *, time_limit: float = 30.0, seed: int = 0
) -> InfeasibleError:
    """What to tell a planner when a solver found no plan.

    A solver that decomposes the problem may fail where a plan exists, so
    the event's rules are checked exactly: if they conflict, the error names
    the conflicts and verified relaxations; if they do not, the solver's own
    error is returned with a note that the rules can all be kept.

    Parameters
    ----------
    event
        The event that was being planned.
    error
        The solver's error.
    time_limit, seed
        For :func:`explain_infeasibility`.
    """
    explanation = explain_infeasibility(event, time_limit=time_limit, seed=seed)
    if not explanation.feasible:
        count = len(explanation.conflicts)
        return InfeasibleError(
            f"No plan keeps every rule; {count} conflict{'s' if count != 1 else ''} found.",
            explanation.lines(),
            proven=not explanation.cut_short,
            explanation=explanation,
        )
    note = (
        "The event's rules can all be kept together, so a plan exists: "
        "raise the time limit, or add seats so that one is easier to find."
    )
    if explanation.cut_short:
        note = "The search for conflicting rules ran out of time; raise the time limit."
    return InfeasibleError(
        str(error).splitlines()[0],
        [*error.reasons, note],
        proven=False,
        explanation=explanation,
    )


def _merge_networking(found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """One conflict for a rule set that conflicts in several networking slots."""
    out: list[tuple[str, Any]] = []
    seen: dict[tuple[Guard, ...], int] = {}
    for part, core in found:
        key = core.guards
        if part.startswith("networking:") and key and key in seen:
            i = seen[key]
            prev_part, prev = out[i]
            out[i] = (f"{prev_part},{part.split(':', 1)[1]}", prev)
            continue
        if part.startswith("networking:"):
            seen[key] = len(out)
        out.append((part, core))
    return out


class _Checker:
    """Checks changed events against the feasibility models, within the work left."""

    def __init__(self, backend: Any, seed: int, work: Any) -> None:
        self.backend = backend
        self.seed = seed
        self.work = work
        self.cut_short = False

    def part(self, event: Event, part: str, drop: Collection[Guard]) -> bool:
        left = self.work.seconds_left()
        if left < 0.05:
            self.cut_short = True
            return False
        outcome = self.backend.check(
            event, part, drop=drop, seed=self.seed, work=self.work.child(min(left, 10.0))
        )
        if outcome == "unknown":
            self.cut_short = True
        return bool(outcome == "feasible")

    def everywhere(self, event: Event, drop: Collection[Guard], changes: Sequence[Change]) -> bool:
        """Whether every part of ``event`` the changes touch has a plan (``drop`` ped rules aside)."""
        touched = _touched(event, changes)
        return all(
            self.part(event, p, drop)
            for p in self.backend.parts(event)
            if touched is None or p.split(":", 1)[0] in touched
        )


def _touched(event: Event, changes: Sequence[Change]) -> set[str] | None:
    """The kinds of part the changes can affect (``None``: every part)."""
    out: set[str] = set()
    for change in changes:
        if change.sheet == "sessions":
            out.add(str(event.session_by_id[change.key].kind))
        elif change.sheet == "rooms":
            out.update(("plenary", "breakout"))
        elif change.sheet == "tours":
            out.add("tour")
        elif change.sheet == "networking_rules":
            out.add("networking")
        else:
            return None  # people's presence touches every part
    return out


def _changed(event: Event, changes: Sequence[Change]) -> Event | None:
    try:
        return Relaxation("", tuple(changes)).apply(event)
    except ConveningError:
        return None


# -- relaxations ----------------------------------------------------------------------------------


def _relaxations(
    event: Event,
    part: str,
    guards: Sequence[Guard],
    others: Collection[Guard],
    checker: _Checker,
) -> tuple[Relaxation, ...]:
    """The checked relaxations of one conflict, one or two per rule it involves."""
    out: list[Relaxation] = []
    seen: set[str] = set()
    for guard in guards:
        for candidate in _candidates(event, part, guard, others, checker):
            if candidate.text in seen:
                continue
            changed = _changed(event, candidate.changes)
            if changed is not None and checker.everywhere(changed, others, candidate.changes):
                seen.add(candidate.text)
                out.append(candidate)
    return tuple(out)


def _candidates(
    event: Event, part: str, guard: Guard, others: Collection[Guard], checker: _Checker
) -> Iterable[Relaxation]:
    """Natural relaxations of one rule; sizes are the smallest that make ``part`` feasible."""
    kind = guard[0]
    sub_part = part.split(",", 1)[0]

    def works(changes: Sequence[Change]) -> bool:
        changed = _changed(event, changes)
        return changed is not None and checker.part(changed, sub_part, others)

    if kind == "slot-pin":
        s = event.session_by_id[guard[1]]
        yield Relaxation(
            f"unpin session {s.session_id} from slot {s.slot_id} ({_at(event, 'sessions', s)})",
            (Change("sessions", s.session_id, "slot_id", None),),
        )
    elif kind == "room-pin":
        s = event.session_by_id[guard[1]]
        yield Relaxation(
            f"unpin session {s.session_id} from room {s.room_id} ({_at(event, 'sessions', s)})",
            (Change("sessions", s.session_id, "room_id", None),),
        )
    elif kind == "tour-pin":
        t = event.tour_by_id[guard[1]]
        yield Relaxation(
            f"unpin tour {t.tour_id} from slot {t.slot_id} ({_at(event, 'tours', t)})",
            (Change("tours", t.tour_id, "slot_id", None),),
        )
    elif kind == "room-capacity":
        r = event.room_by_id[guard[1]]
        yield from _raise_capacity(event, works, "rooms", r, "room", r.room_id, r.capacity)
    elif kind == "session-capacity":
        s = event.session_by_id[guard[1]]
        assert s.capacity is not None
        yield from _raise_capacity(
            event, works, "sessions", s, "session", s.session_id, s.capacity
        )
    elif kind == "tour-capacity":
        t = event.tour_by_id[guard[1]]
        yield from _raise_capacity(
            event, works, "tours", t, "tour", t.tour_id, t.capacity, t.departures
        )
        more = t.departures + 1
        if works([Change("tours", t.tour_id, "departures", more)]):
            yield Relaxation(
                f"send tour {t.tour_id} out in {more} departures (now {t.departures}; "
                f"{_at(event, 'tours', t)})",
                (Change("tours", t.tour_id, "departures", more),),
            )
    elif kind == "offered":
        s = event.session_by_id[guard[1]]
        n_slots = len(event.slots_of(str(s.kind)))
        tries = [n for n in range(s.offered - 1, 0, -1)]
        tries += [n for n in range(s.offered + 1, n_slots + 1)]
        for n in tries[:_MAX_TRIES]:
            if works([Change("sessions", s.session_id, "offered", n)]):
                times = "once" if n == 1 else f"{n} times"
                yield Relaxation(
                    f"offer session {s.session_id} {times} instead of {s.offered} "
                    f"({_at(event, 'sessions', s)})",
                    (Change("sessions", s.session_id, "offered", n),),
                )
                break
    elif kind == "window":
        yield from _window_candidates(event, guard[1], works)
    elif kind == "away":
        person = event.participant_by_id[guard[1]]
        rest = tuple(k for k in person.away if k != guard[2])
        change = Change("participants", person.participant_id, "away", rest)
        if works([change]):
            yield Relaxation(
                f"{person.participant_id} is at slot {guard[2]} after all (remove it from "
                f"away, {_at(event, 'participants', person)})",
                (change,),
            )
    elif kind == "attends":
        yield from _attends_candidates(event, guard[1], works)
    elif kind == "networking-rule":
        rule = event.networking_rules[int(guard[1])]
        yield Relaxation(
            f"drop the {rule.rule} rule for {_rule_people(rule)} "
            f"({_at(event, 'networking_rules', rule)})",
            (Change("networking_rules", guard[1], None, item=rule),),
        )
    # Presenters, step-free needs and repeat attendance are never proposed as relaxations.


#: Slots of each kind, in the planner's words.
_KIND_WORDS = {
    "plenary": "plenary slots",
    "breakout": "breakout slots",
    "tour": "tour slots",
    "networking": "networking slots",
    "action_planning": "action-planning slots",
}


def _attends_candidates(
    event: Event, kind: str, works: Callable[[Sequence[Change]], bool]
) -> Iterable[Relaxation]:
    """Free the places one person takes by their ``attends``; if no one person is enough,
    everyone's."""
    people = event.by_attends(kind)
    changes = {p.participant_id: _attends_change(p, kind) for p in people}
    found = False
    for person in people[:_MAX_TRIES]:
        change = changes[person.participant_id]
        if works([change]):
            found = True
            yield Relaxation(
                f"{person.participant_id} takes no place in {_KIND_WORDS[kind]} "
                f"({_attends_instead(event, person, change)})",
                (change,),
            )
    if not found and len(people) > 1 and works(list(changes.values())):
        instead = "; ".join(_attends_instead(event, p, changes[p.participant_id]) for p in people)
        yield Relaxation(
            f"{_and([p.participant_id for p in people])} take no place in {_KIND_WORDS[kind]} "
            f"({instead})",
            tuple(changes.values()),
        )


def _attends_change(person: Any, kind: str) -> Change:
    """The person's ``attends`` with every kind they attend but ``kind``, in the sheet's order."""
    rest = tuple(k for k in ATTENDABLE_KINDS if k in person.attended_kinds and k != kind)
    return Change("participants", person.participant_id, "attends", rest or ("none",))


def _attends_instead(event: Event, person: Any, change: Change) -> str:
    return (
        f"attends {';'.join(change.value)} instead of {';'.join(person.attends or ())}, "
        f"{_at(event, 'participants', person)}"
    )


def _window_candidates(
    event: Event, pid: str, works: Callable[[Sequence[Change]], bool]
) -> Iterable[Relaxation]:
    person = event.participant_by_id[pid]
    where = _at(event, "participants", person)
    activity = sorted(
        (s for s in event.slots if s.kind.is_activity), key=lambda s: (s.start, s.end)
    )
    if person.arrives is not None:
        earlier = sorted({s.start for s in activity if s.start < person.arrives}, reverse=True)
        for moment in earlier[:_MAX_TRIES]:
            if works([Change("participants", pid, "arrives", moment)]):
                yield Relaxation(
                    f"{pid} arrives by {_when(moment)} instead of {_when(person.arrives)} ({where})",
                    (Change("participants", pid, "arrives", moment),),
                )
                break
    if person.departs is not None:
        later = sorted({s.end for s in activity if s.end > person.departs})
        for moment in later[:_MAX_TRIES]:
            if works([Change("participants", pid, "departs", moment)]):
                yield Relaxation(
                    f"{pid} departs at {_when(moment)} or later instead of "
                    f"{_when(person.departs)} ({where})",
                    (Change("participants", pid, "departs", moment),),
                )
                break


def _raise_capacity(
    event: Event,
    works: Callable[[list[Change]], bool],
    sheet: str,
    item: Any,
    noun: str,
    item_id: str,
    capacity: int,
    departures: int = 1,
) -> Iterator[Relaxation]:
    """Raise one capacity to the smallest value that resolves the conflict, if one does."""
    most = -(-_most_present(event) // departures)
    need = _smallest(capacity + 1, most, lambda n: works([Change(sheet, item_id, "capacity", n)]))
    if need is not None:
        per = " per departure" if sheet == "tours" else ""
        yield Relaxation(
            f"raise {noun} {item_id}'s capacity to {need}{per} (now {capacity}; "
            f"{_at(event, sheet, item)})",
            (Change(sheet, item_id, "capacity", need),),
        )


def _smallest(low: int, high: int, works: Callable[[int], bool]) -> int | None:
    """The smallest ``n`` in ``low..high`` for which ``works(n)`` (assumed monotone), if any."""
    if high < low or not works(high):
        return None
    while low < high:
        mid = (low + high) // 2
        if works(mid):
            high = mid
        else:
            low = mid + 1
    return high


def _most_present(event: Event) -> int:
    return max(
        (len(event.present(s)) for s in event.slots if s.kind.is_activity),
        default=len(event.participants),
    )


# -- wording -----------------------------------------------------------------------------------


def _row(event: Event, sheet: str, item: Any) -> int:
    """The item's row as Excel numbers it (its position when it has none)."""
    if isinstance(item.row, int):
        return int(item.row)
    attr = _SHEETS[sheet][0]
    for i, other in enumerate(getattr(event, attr)):
        if other is item:
            return i + 2
    return 0


def _at(event: Event, sheet: str, item: Any) -> str:
    return f"{sheet} row {_row(event, sheet, item)}"


def _when(moment: dt.datetime) -> str:
    return f"{moment:%a %d %b %H:%M}"


def _span(person: Any) -> str:
    span = []
    if person.arrives is not None:
        span.append(f"from {_when(person.arrives)}")
    if person.departs is not None:
        span.append(f"until {_when(person.departs)}")
    return " ".join(span)


def _rule_people(rule: Any) -> str:
    if rule.rule is RuleKind.HOST:
        return rule.participant_id
    return f"{rule.participant_id} and {rule.other_id}"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _conflict(event: Event, part: str, core: Any, relaxations: tuple[Relaxation, ...]) -> Conflict:
    guards: tuple[Guard, ...] = core.guards
    rows: set[tuple[str, int]] = set()
    rules: set[str] = set()
    clauses: list[str] = []
    kinds = {g[0] for g in guards}

    def row(sheet: str, item: Any) -> str:
        r = _row(event, sheet, item)
        rows.add((sheet, r))
        return f"{sheet} row {r}"

    sessions = event.session_by_id
    pins: dict[str, list[str]] = {}
    for g in guards:
        if g[0] in ("slot-pin", "room-pin"):
            pins.setdefault(g[1], []).append(g[0])
    for sid, which in pins.items():
        s = sessions[sid]
        where = []
        if "slot-pin" in which:
            where.append(f"slot {s.slot_id}")
            rules.add("pinned-slot")
        if "room-pin" in which:
            room = event.room_by_id[s.room_id or ""]
            note = ", which has no step-free access" if not room.accessible else ""
            if "step-free" in kinds and not room.accessible:
                rules.add("step-free-room")
            where.append(f"room {s.room_id} ({row('rooms', room)}{note})")
            rules.add("pinned-room")
        clauses.append(f"session {sid} ({row('sessions', s)}) is pinned to {' and '.join(where)}")
    presents: dict[str, list[str]] = {}
    for g in guards:
        if g[0] == "presenter":
            presents.setdefault(g[1], []).append(g[2])
    windows = {g[1] for g in guards if g[0] == "window"}
    hosting: list[tuple[str, int]] = []
    for pid, sids in presents.items():
        person = event.participant_by_id[pid]
        for sid in sids:
            row("sessions", sessions[sid])
        who = f"{pid} ({row('participants', person)})"
        if pid in windows:
            windows.discard(pid)
            who += f", at the event only {_span(person)},"
            rules.add("not-present")
        clauses.append(f"{who} presents {_and(sids)}")
        rules.add("presenter-absent")
    needing = [g[1] for g in guards if g[0] == "step-free"]
    if needing:
        people = [
            f"{pid} ({row('participants', event.participant_by_id[pid])})" for pid in needing
        ]
        verb = "needs" if len(needing) == 1 else "need"
        clauses.append(f"{_and(people)} {verb} step-free access")
        rules.add("step-free-tour" if part == "tour" else "step-free-room")
    for g in guards:
        kind = g[0]
        if kind == "window" and g[1] in windows:
            person = event.participant_by_id[g[1]]
            clauses.append(
                f"{g[1]} ({row('participants', person)}) is at the event only {_span(person)}"
            )
        elif kind == "away":
            person = event.participant_by_id[g[1]]
            clauses.append(f"{g[1]} ({row('participants', person)}, away) is away in slot {g[2]}")
        elif kind == "attends":
            people = [
                f"{p.participant_id} ({row('participants', p)}, attends: "
                f"{';'.join(p.attends or ())})"
                for p in event.by_attends(g[1])
            ]
            verb = "takes" if len(people) == 1 else "take"
            clauses.append(f"{_and(people)} {verb} a place in the {_KIND_WORDS[g[1]]}")
        elif kind == "leader":
            t = event.tour_by_id[g[2]]
            person = event.participant_by_id[g[1]]
            clauses.append(
                f"{g[1]} ({row('participants', person)}) leads tour {g[2]} "
                f"({row('tours', t)}, leaders)"
            )
        elif kind == "room-capacity":
            room = event.room_by_id[g[1]]
            clauses.append(f"room {g[1]} ({row('rooms', room)}) seats {room.capacity}")
        elif kind == "session-capacity":
            s = sessions[g[1]]
            clauses.append(f"session {g[1]} ({row('sessions', s)}) takes at most {s.capacity}")
        elif kind == "offered":
            s = sessions[g[1]]
            times = "once" if s.offered == 1 else f"{s.offered} times"
            clauses.append(f"session {g[1]} ({row('sessions', s)}) runs {times}")
        elif kind == "no-repeat":
            s = sessions[g[1]]
            if s.offered == 1 and ("offered", g[1]) not in guards:
                clauses.append(
                    f"session {g[1]} ({row('sessions', s)}) runs once and nobody attends a "
                    "session twice"
                )
            else:
                clauses.append(f"nobody attends session {g[1]} ({row('sessions', s)}) twice")
        elif kind == "tour-pin":
            t = event.tour_by_id[g[1]]
            clauses.append(f"tour {g[1]} ({row('tours', t)}) is pinned to slot {t.slot_id}")
        elif kind == "tour-capacity":
            t = event.tour_by_id[g[1]]
            seats = f"{t.capacity}" if t.departures == 1 else (
                f"{t.capacity} × {t.departures} = {t.seats}"
            )  # fmt: skip
            clauses.append(f"tour {g[1]} ({row('tours', t)}) takes {seats} riders")
        elif kind == "networking-rule":
            rule = event.networking_rules[int(g[1])]
            for person_id in (rule.participant_id, rule.other_id):
                if person_id is not None:
                    row("participants", event.participant_by_id[person_id])
            at = row("networking_rules", rule)
            if rule.rule is RuleKind.TOGETHER:
                clauses.append(
                    f"{rule.participant_id} and {rule.other_id} must sit together ({at})"
                )
            elif rule.rule is RuleKind.APART:
                clauses.append(f"{rule.participant_id} and {rule.other_id} must sit apart ({at})")
            else:
                hosting.append((rule.participant_id, _row(event, "networking_rules", rule)))
            rules.add(f"networking-{rule.rule}")
        if kind in _RULE_OF:
            rules.add(_RULE_OF[kind])
    if len(hosting) == 1:
        clauses.append(f"{hosting[0][0]} hosts a table (networking_rules row {hosting[0][1]})")
    elif hosting:
        clauses.append(
            f"{len(hosting)} people host a table each: {_and([h for h, _r in hosting])} "
            f"(networking_rules rows {_and([str(r) for _h, r in hosting])}), one host per table"
        )
    head, tail, hard = _setting(event, part)
    rules.add(hard)
    if clauses:
        body = "; ".join(clauses)
        message = f"{head}: {body}; {tail}."
    else:
        message = f"{head}: even with every pin, capacity and seating rule relaxed, {tail}."
    main = next(code for code in _RULE_PRIORITY if code in rules)
    return Conflict(
        rule=main,
        rules=tuple(sorted(rules)),
        part=part,
        message=message,
        rows=tuple(sorted(rows)),
        relaxations=relaxations,
        minimal=core.minimal,
        guards=guards,
    )


def _setting(event: Event, part: str) -> tuple[str, str, str]:
    """The conflict's lead, the rules that always hold there, and their code."""
    if part in ("plenary", "breakout"):
        return (
            f"In the {part} slots",
            f"yet everyone present needs one {part} session in each {part} slot, a session "
            "runs at most once per slot and a room holds one session per slot",
            "one-activity-per-slot",
        )
    if part == "tour":
        return (
            "In the tour slots",
            "yet everyone present in a tour slot rides one tour there and each tour runs once",
            "one-activity-per-slot",
        )
    slot_ids = part.split(":", 1)[1].split(",")
    slot = event.slot_by_id[slot_ids[0]]
    present = event.present(slot)
    size = event.table_size(slot.slot_id)
    tables = event.networking_tables(slot)
    which = "slot" if len(slot_ids) == 1 else "slots"
    return (
        f"In networking {which} {_and(slot_ids)}",
        f"yet the {len(present)} people present sit at {tables} tables of at most {size}, "
        "and two members of one delegation never share a table",
        "delegation-apart",
    )
