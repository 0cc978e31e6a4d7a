"""Re-plan an event after a change, moving as few people as possible.

Events change after the agenda goes out: a mayor cancels, a delegation swaps
a member, a room floods, a bus is smaller than booked, late registrations
arrive. :func:`replan` takes the changed event and the plan sent out before
and returns a new plan that keeps every hard rule and, in this order:

1. moves the fewest people (a person is *moved* when any of their sessions
   or tours changed; the same session in another room keeps their time and
   is no move);
2. moves the fewest session runs to another slot (a run with presenters
   counts worse: they plan travel around it);
3. moves the fewest runs to another room of the same slot;
4. gives the best preference score to the people who do move.

So a lost room's sessions take free rooms in the same slots where they can;
``ReplanOptions(freeze="slots")`` insists on it.

Networking and action-planning tables keep everyone who can keep their
table; people re-seated only because others left or arrived are counted
apart (:attr:`~convening.changes.ChangeReport.reseated`) and weigh less.
Tablemates' names are in calendar descriptions, so people who keep every
place may still get a new calendar; they are listed in
:attr:`~convening.changes.ChangeReport.tablemates_only`.

>>> result = replan(event_v2, read_plan("plan-v1"))        # doctest: +SKIP
>>> print(result.changes.summary())                         # doctest: +SKIP
0 session runs changed time, 1 changed room only; 3 people changed session or
tour, 4 re-seated at tables, 0 new, 1 left; 8 calendars changed

Items are matched by id: the changed event may add or remove participants,
rooms, slots, sessions and tours, and change capacities, times and pins.
Write the new plan with ``write_outputs(plan, out, previous=OLD_FOLDER)`` so
that calendars update in place.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

import attrs

from convening.changes import ChangeReport, diff_plans
from convening.errors import ConveningError, InfeasibleError
from convening.model import Event, SlotKind
from convening.options import FREEZE, ReplanOptions
from convening.plan import Plan, SolveStatus
from convening.solvers.clock import Clock, Progress

__all__ = ["FREEZE", "Replan", "ReplanOptions", "replan"]

logger = logging.getLogger(__name__)


@attrs.frozen(eq=False)
class Replan:
    """A re-plan: the new plan and what changed since the previous one.

    Parameters
    ----------
    plan
        The new plan, of the changed event.
    changes
        Who moved where and why, which sessions moved, whom to notify.
    """

    plan: Plan
    changes: ChangeReport


#: A previous plan of which fewer of the people are in the changed event is of another event.
_SAME_PEOPLE_SHARE = 0.5


def _check_same_people(event_v2: Event, previous: Plan) -> None:
    """Refuse a previous plan of another event that merely shares the name.

    Re-planning against it would report everyone as having left and cancel
    their calendars.
    """
    before = {p.participant_id for p in previous.event.participants}
    if not before:
        return
    kept = len(before & {p.participant_id for p in event_v2.participants})
    if kept < _SAME_PEOPLE_SHARE * len(before):
        raise ConveningError(
            f"the previous plan looks like one of another event: only {kept} of its "
            f"{len(before)} participants are in this event; give the folder of this "
            "event's plan"
        )


def replan(
    event_v2: Event,
    previous: Plan,
    options: ReplanOptions | None = None,
    *,
    progress: Progress | None = None,
) -> Replan:
    """Re-plan ``event_v2`` starting from ``previous``, moving as few people as possible.

    Parameters
    ----------
    event_v2
        The changed event (checked).
    previous
        The plan sent out before, of the event as it was (e.g. from
        :func:`convening.io.read_plan`).
    options
        See :class:`ReplanOptions` (default: 60 s, seed 0, nothing frozen, no cap).
    progress
        Called as ``progress(phase, elapsed_seconds, best)`` as the solver advances.

    Returns
    -------
    Replan
        The new plan (``metrics`` add ``people_moved``, ``people_room_changed``,
        ``people_reseated``, ``sessions_moved``, ``runs_moved_in_time``,
        ``runs_moved_in_room``, ``calendars_changed`` and ``forced_moves``)
        and the :class:`~convening.changes.ChangeReport`.

    Raises
    ------
    InfeasibleError
        When no plan of the changed event keeps every rule (with the frozen
        parts kept; with ``freeze="slots"`` the reasons name the runs that
        cannot keep their slots and what would let them), or when more than
        ``max_moves`` people must move.
    ConveningError
        When ``previous`` is a plan of another event.
    """
    if previous.event.name != event_v2.name:
        # A wrong --previous folder would otherwise "move" everyone and notify them all.
        raise ConveningError(
            f"the previous plan is of the event {previous.event.name!r}, not "
            f"{event_v2.name!r}; give the folder of this event's plan (or keep the event's name)"
        )
    _check_same_people(event_v2, previous)
    from convening.solve import finish_plan
    from convening.solvers.instance import AgendaInstance, build_runs
    from convening.solvers.ortools.replan import PreviousAgenda, forced_movers, replan_agenda
    from convening.solvers.tables.reseat import reseat_tables

    options = options or ReplanOptions()
    solve_options = options.solve
    clock = Clock(progress, wall_stop=solve_options.wall_stop)
    frozen = _frozen_slots(event_v2, previous.event, options.freeze_before)
    inst = AgendaInstance(event_v2)
    prev = PreviousAgenda.from_runs(previous.runs)
    forced = forced_movers(inst, prev)
    if options.max_moves is not None and len(forced) > options.max_moves:
        raise _too_many(len(forced), options.max_moves, forced, proven=True)
    has_tables = any(
        s.kind in (SlotKind.NETWORKING, SlotKind.ACTION_PLANNING) for s in event_v2.slots
    )
    budget = solve_options.time_limit * (1 - solve_options.table_share if has_tables else 1.0)
    result, _info = replan_agenda(
        inst,
        prev,
        solve_options,
        clock,
        freeze_sessions=options.freeze == "sessions",
        freeze_slots=options.freeze == "slots",
        frozen_slots=frozen,
        budget=budget,
    )
    runs = build_runs(inst, result)
    clock.report("tables", None)
    tables = reseat_tables(event_v2, runs, previous, solve_options.table_options(), clock)
    draft = Plan(event_v2, runs, tables, SolveStatus.FEASIBLE, {})
    changes = diff_plans(previous, draft, forced=forced)
    if options.max_moves is not None and changes.people_moved > options.max_moves:
        raise _too_many(changes.people_moved, options.max_moves, forced, proven=False)
    moves = {
        "people_moved": changes.people_moved,
        "people_room_changed": len(changes.room_changed),
        "people_reseated": len(changes.reseated),
        "sessions_moved": changes.sessions_moved,
        "runs_moved_in_time": len(changes.runs_retimed),
        "runs_moved_in_room": len(changes.runs_rehoused),
        "calendars_changed": len(changes.notify),
        "forced_moves": len(forced),
    }
    plan = finish_plan(
        event_v2,
        runs,
        tables,
        SolveStatus.FEASIBLE,
        solve_options,
        clock,
        method="replan",
        extra=moves,
    )
    clock.report("done", float(changes.people_moved))
    logger.info("re-plan: %s", changes.summary())
    return Replan(plan, changes)


def _too_many(
    moves: int, cap: int, forced: Mapping[str, Sequence[str]], *, proven: bool
) -> InfeasibleError:
    if proven:
        head = (
            f"At least {moves} people must move, more than the cap of {cap}: the change "
            "leaves them no place where they were."
        )
    else:
        head = (
            f"The best re-plan found moves {moves} people, more than the cap of {cap} "
            f"({len(forced)} of them are forced to move by the change itself)."
        )
    reasons = [f"{pid}: {'; '.join(why)}" for pid, why in list(forced.items())[:20]]
    if len(forced) > 20:
        reasons.append(f"… and {len(forced) - 20} more")
    reasons.append("Raise the cap (ReplanOptions(max_moves=...)), or undo part of the change.")
    return InfeasibleError(head, reasons, proven=proven)


def _frozen_slots(event: Event, old: Event, before: dt.datetime | None) -> list[str]:
    """Slots of both events that start before ``before`` (already past)."""
    if before is None:
        return []
    return sorted(
        s.slot_id for s in event.slots if s.start < before and s.slot_id in old.slot_by_id
    )
