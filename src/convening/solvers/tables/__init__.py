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

from collections.abc import Mapping, Sequence

import attrs

from convening._validators import check_seed
from convening.model import Event, Slot
from convening.plan import Run, Table
from convening.solvers.tables.action_planning import seat_action_planning
from convening.solvers.tables.networking import seat_networking

__all__ = ["TableOptions", "seat_tables"]


def _pins(value: Mapping[tuple[str, str], int] | None) -> Mapping[tuple[str, str], int]:
    return dict(sorted((value or {}).items()))


@attrs.frozen
class TableOptions:
    """How tables are seated.

    Parameters
    ----------
    seed
        Seed of every random choice: the same event, runs and options give the
        same tables (when the search stops on iterations, not on time).
    time_limit
        Seconds the networking search may take at most.
    patience
        The search stops after this many moves without a better seating.
    polish
        Moves spent on the soft aims (topics, role mix, new faces) once no
        repeat and no broken rule is left.
    max_iterations
        The most moves the search makes.
    repeat_weight
        Cost of each meeting of a pair beyond their first (the main aim).
    new_peers_weight
        Extra cost of third and later meetings of a pair, which keeps the
        number of distinct peers per person high when repeats cannot be avoided.
    topic_weight
        Reward for each pair at a table whose topics overlap.
    role_mix_weight
        Cost of each official or partner above or below a table's fair share.
    facilitator_weight
        Cost of a second facilitator at a table (while one each is possible).
    elsewhere_weight
        Cost of seating together two people who met in a small breakout
        (at most 30 people) or on a tour, per such meeting.
    coach_rotation
        Rotate coaches over delegations between action-planning slots
        (default: a city keeps its coach).
    pins
        ``(participant_id, slot_id) -> table number`` (from 1) for people whose
        networking table is fixed.
    use_constructions
        Seed plain golfer instances with a known design.
    """

    seed: int = attrs.field(default=0, validator=check_seed)
    time_limit: float = 10.0
    patience: int = 500
    polish: int = 300
    max_iterations: int = 200_000
    repeat_weight: float = 100.0
    new_peers_weight: float = 10.0
    topic_weight: float = 1.0
    role_mix_weight: float = 5.0
    facilitator_weight: float = 20.0
    elsewhere_weight: float = 3.0
    coach_rotation: bool = False
    pins: Mapping[tuple[str, str], int] = attrs.field(factory=dict, converter=_pins)
    use_constructions: bool = True


def seat_tables(
    event: Event, runs: Sequence[Run] = (), options: TableOptions | None = None
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
        See :class:`TableOptions`.

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
    tables = seat_networking(event, runs, options) + seat_action_planning(event, options)
    order = {s.slot_id: i for i, s in enumerate(sorted(event.slots, key=_slot_key))}
    return sorted(tables, key=lambda t: (order[t.slot_id], t.number))


def _slot_key(slot: Slot) -> tuple[object, ...]:
    return (slot.start, slot.end, slot.slot_id)
