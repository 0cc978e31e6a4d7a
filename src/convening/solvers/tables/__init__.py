"""The seating part of a plan: networking tables and action-planning tables.

:func:`seat_tables` seats every networking and action-planning slot of an
event:

- :mod:`~convening.solvers.tables.networking`: tables that mix cities, so
  that nobody meets the same person twice while that can be avoided (the
  social golfer problem, with delegations, rules, pins and late arrivals);
- :mod:`~convening.solvers.tables.constructions`: known designs that seed
  plain golfer instances; :mod:`~convening.solvers.tables.search`: the tabu
  search; :mod:`~convening.solvers.tables.problem`: the compact instance;
- :mod:`~convening.solvers.tables.action_planning`: delegations with their
  coaches.
"""

from __future__ import annotations

from collections.abc import Sequence

from convening.model import Event, Slot
from convening.options import TableOptions
from convening.plan import Run, Table
from convening.solvers.clock import Clock
from convening.solvers.tables.action_planning import seat_action_planning
from convening.solvers.tables.networking import seat_networking

__all__ = ["TableOptions", "seat_tables"]


def seat_tables(
    event: Event,
    runs: Sequence[Run] = (),
    options: TableOptions | None = None,
    clock: Clock | None = None,
) -> list[Table]:
    """Every networking and action-planning table of ``event``.

    Parameters
    ----------
    event
        The event.
    runs
        The agenda's session and tour runs: people who shared a small session
        or a tour count as having met, and are seated apart when possible.
    options
        See :class:`~convening.options.TableOptions`.
    clock
        The run's clock (progress and the wall stop); by default one with the
        wall stop of ``options``.

    Returns
    -------
    list of Table
        Networking tables, then action-planning tables, by slot then number.

    Raises
    ------
    InfeasibleError
        When the networking rules, pins or coaches cannot all be kept; the
        reasons name the rule rows and people involved.
    """
    options = options or TableOptions()
    tables = seat_networking(event, runs, options, clock) + seat_action_planning(event, options)
    return sort_tables(event, tables)


def sort_tables(event: Event, tables: Sequence[Table]) -> list[Table]:
    """``tables`` in slot order (:meth:`Slot.sort_key`), then by number."""
    order = {s.slot_id: i for i, s in enumerate(sorted(event.slots, key=Slot.sort_key))}
    return sorted(tables, key=lambda t: (order[t.slot_id], t.number))
