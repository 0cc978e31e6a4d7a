"""How to solve, seat tables and re-plan: the options every solver reads.

These classes sit below the solvers that use them (they import nothing of
the solvers), so every solver module can take them without an import cycle:

- :class:`SolveOptions`: the agenda (sessions, tours and who attends them);
- :class:`TableOptions`: networking and action-planning tables;
- :class:`ReplanOptions`: re-planning after a change.

Time: ``time_limit`` is a *budget*, not a stopwatch. Every stage gets a
fixed share of it and turns that share into deterministic work (CP-SAT
deterministic time, annealing moves, search iterations), calibrated so that
a quiet 2-core machine finishes in about ``time_limit`` seconds. A busy or
slower machine takes longer and gives the same plan. The wall clock stops a
run only at ``wall_limit``, or as a safety net at :data:`WALL_SAFETY_FACTOR`
times the time limit; a run it stops is not reproducible, and says so
(``metrics["deterministic"]`` is ``False``, with a warning).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from convening._validators import check_seed
from convening.errors import ConveningError

__all__ = [
    "DEFAULT_WEIGHTS",
    "FREEZE",
    "WALL_SAFETY_FACTOR",
    "ReplanOptions",
    "SolveOptions",
    "TableOptions",
]

#: Default objective weights (see :class:`SolveOptions`).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "preference": 1.0,
        "fairness": 1.0,
        "delegation": 0.5,
        "topic": 20.0,
        "room_fit": 0.02,
        "interest": 0.1,
        "balance": 0.01,
        "tours": 1.0,
    }
)

#: Without a ``wall_limit``, the wall clock stops a run only after this many times its
#: time limit: far beyond what a busy machine needs, so it never decides a plan there.
WALL_SAFETY_FACTOR = 10.0

#: What ``ReplanOptions.freeze`` accepts.
FREEZE = ("none", "slots", "sessions")

_SPREAD = ("spread", "together", "indifferent")
_METHODS = ("auto", "whole", "decomposed", "greedy")


def _check_spread(_inst: Any, _attr: Any, value: str) -> None:
    if value not in _SPREAD:
        raise ConveningError(f"spread must be one of {', '.join(_SPREAD)}, not {value!r}")


def _check_method(_inst: Any, _attr: Any, value: str) -> None:
    if value not in _METHODS:
        raise ConveningError(f"method must be one of {', '.join(_METHODS)}, not {value!r}")


def _check_positive(_inst: Any, attr: Any, value: float) -> None:
    if not value > 0:
        raise ConveningError(f"{attr.name} must be positive, not {value!r}")


def _check_seconds(inst: Any, attr: Any, value: float) -> None:
    _check_positive(inst, attr, value)
    if not math.isfinite(value):
        raise ConveningError(f"{attr.name} must be a finite number of seconds")


def _check_optional_seconds(inst: Any, attr: Any, value: float | None) -> None:
    if value is not None:
        _check_seconds(inst, attr, value)


def _check_share(_inst: Any, attr: Any, value: float) -> None:
    if not 0 < value < 1:
        raise ConveningError(f"{attr.name} must be between 0 and 1, not {value!r}")


def _weights(value: Mapping[str, float] | None) -> Mapping[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    if value:
        unknown = set(value) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ConveningError(f"unknown objective terms: {', '.join(sorted(unknown))}")
        merged.update(value)
    return MappingProxyType(merged)


def _pins(value: Mapping[tuple[str, str], int] | None) -> Mapping[tuple[str, str], int]:
    return dict(sorted((value or {}).items()))


@attrs.frozen
class TableOptions:
    """How tables are seated.

    Parameters
    ----------
    seed
        Seed of every random choice: the same event, runs and options give the
        same tables.
    time_limit
        Budget of the networking search in seconds: it is turned into a
        number of search iterations (calibrated on a quiet 2-core machine), so
        the tables do not depend on the machine's speed.
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
    wall_limit
        Hard wall-clock stop of the search in seconds (not reproducible);
        ``None`` (default): :data:`WALL_SAFETY_FACTOR` times ``time_limit``.
    """

    seed: int = attrs.field(default=0, validator=check_seed)
    time_limit: float = attrs.field(default=10.0, validator=_check_seconds)
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
    wall_limit: float | None = attrs.field(default=None, validator=_check_optional_seconds)

    @property
    def wall_stop(self) -> float:
        """Seconds after which the wall clock stops the search: ``wall_limit`` or the safety net."""
        if self.wall_limit is not None:
            return self.wall_limit
        return WALL_SAFETY_FACTOR * self.time_limit


@attrs.frozen
class SolveOptions:
    """How to solve.

    Parameters
    ----------
    time_limit
        Budget of the whole solve in seconds (default 60): each stage turns
        its share into deterministic work, calibrated so that a quiet 2-core
        machine finishes in about this time. A busy or slower machine takes
        longer and gives the same plan.
    seed
        Random seed for CP-SAT and the greedy draft.
    workers
        CP-SAT worker threads, and independent annealing chains run side by
        side (each in a process of its own, on Linux; the best placement wins)
        (default 2). More than the machine's cores slows the solve down.
    spread
        Delegations in breakouts: ``"spread"`` (members in different sessions
        of a slot where preferences allow), ``"together"`` or ``"indifferent"``.
    weights
        Objective weights by term, merged over :data:`DEFAULT_WEIGHTS`:

        ``preference``: per point (a session ranked ``r`` is worth ``9 − r`` points);
        ``fairness``: per percentage point of the worst-off person's share of
        their bound, per 10 people (so 1.0 trades a point of the worst share
        against 0.1 point for each person); ``delegation``: per delegation pair
        in one breakout run (penalty for ``spread``, bonus for ``together``);
        ``topic``: per pair of same-topic sessions in one slot; ``room_fit``:
        per empty seat; ``interest``: per unit of interest of a place nobody
        ranked (3 for a session on one of the person's own ``topics``, 1 on one
        of their city's); ``balance``: per person who did not rank a run already
        in it when one more joins (room balance); ``tours``: per tour point
        (tours are solved separately, so this only matters in lexicographic mode).
    lexicographic
        If given, term names in priority order: the first is maximised, kept,
        then the next, and so on (each level gets an equal share of the time);
        terms not named are ignored. Empty (default): the weighted sum.
    log
        Log CP-SAT's search progress through :mod:`logging` (logger
        ``convening.solvers.ortools.common``, level INFO).
    method
        ``"auto"`` (whole model for small events, else decomposed), ``"whole"``,
        ``"decomposed"`` or ``"greedy"`` (the baseline, no CP-SAT for sessions).
    whole_limit
        ``auto`` uses the whole model when people × sessions × slots is at most this.
    rooms_per_session
        Placement considers this many best-fitting rooms per session (pins aside).
    deterministic
        Stop CP-SAT on deterministic time with interleaved workers so that the
        same input, seed and workers give the same plan (default ``True``).
    deterministic_ratio
        Deterministic-time budget per second of budget.
    warm_start
        Start CP-SAT from the greedy agenda.
    local_search_moves
        Moves of the placement annealing (:mod:`convening.solvers.improve`);
        0 turns it off; ``None`` (default) calibrates the count to the time
        limit. A move count, not a time, so results are reproducible.
    lns_solves
        Exact re-optimisations of a few slots at a time after the assignment
        (:mod:`convening.solvers.ortools.lns`, decomposed method only); each
        stops on deterministic time. 0 (default) turns them off: on the
        benchmarks the annealing gains more in the same time.
    tables
        How networking and action-planning tables are seated
        (:class:`TableOptions`); by default with this ``seed`` and
        ``table_share`` of the time limit.
    table_share
        The share of ``time_limit`` kept for seating tables (0 to 1).
    wall_limit
        A hard wall-clock stop in seconds, for when a plan is needed by a
        certain time whatever the machine does: a run it stops is **not
        reproducible** (``metrics["deterministic"]`` is ``False``, with a
        warning). ``None`` (default): only a safety net at
        :data:`WALL_SAFETY_FACTOR` times ``time_limit``.
    """

    time_limit: float = attrs.field(default=60.0, validator=_check_seconds)
    seed: int = attrs.field(default=0, validator=check_seed)
    workers: int = attrs.field(default=2, validator=_check_positive)
    spread: str = attrs.field(default="spread", validator=_check_spread)
    weights: Mapping[str, float] = attrs.field(default=None, converter=_weights)
    lexicographic: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    log: bool = False
    method: str = attrs.field(default="auto", validator=_check_method)
    whole_limit: int = 6000
    rooms_per_session: int = 12
    deterministic: bool = True
    deterministic_ratio: float = 0.25
    warm_start: bool = True
    local_search_moves: int | None = None
    lns_solves: int = 0
    tables: TableOptions | None = None
    table_share: float = attrs.field(default=0.2, validator=_check_share)
    wall_limit: float | None = attrs.field(default=None, validator=_check_optional_seconds)

    @lexicographic.validator
    def _check_lexicographic(self, _attr: Any, value: tuple[str, ...]) -> None:
        unknown = set(value) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ConveningError(f"unknown objective terms: {', '.join(sorted(unknown))}")

    def weight(self, term: str) -> float:
        """The weight of one objective term."""
        return float(self.weights.get(term, 0.0))

    @property
    def wall_stop(self) -> float:
        """Seconds after which the wall clock stops the run: ``wall_limit`` or the safety net."""
        if self.wall_limit is not None:
            return self.wall_limit
        return WALL_SAFETY_FACTOR * self.time_limit

    def table_options(self) -> TableOptions:
        """How tables are seated: ``tables``, or this seed and ``table_share`` of the time."""
        if self.tables is not None:
            return self.tables
        return TableOptions(
            seed=self.seed,
            time_limit=max(1.0, self.time_limit * self.table_share),
            wall_limit=self.wall_limit,
        )


def _check_freeze(_inst: Any, _attr: Any, value: str) -> None:
    if value not in FREEZE:
        raise ConveningError(f"freeze must be one of {', '.join(FREEZE)}, not {value!r}")


def _check_max_moves(_inst: Any, _attr: Any, value: int | None) -> None:
    if value is not None and value < 0:
        raise ConveningError(f"max_moves must be 0 or more, not {value!r}")


@attrs.frozen
class ReplanOptions:
    """How to re-plan.

    Parameters
    ----------
    solve
        Time limit, seed, workers and table share (:class:`SolveOptions`);
        the other solve options do not apply to a re-plan.
    freeze
        ``"none"`` (default): sessions and tours may move where the change
        requires it (another room of the same slot before another slot);
        ``"slots"``: every session run and tour that still exists keeps its
        slot, while rooms may change (an error naming the runs, and what
        would let them keep their slots, if the change makes that
        impossible); ``"sessions"``: every session run and tour that still
        exists keeps its slot and room (an error if the change makes that
        impossible).
    freeze_before
        Slots starting before this local time are already past: their runs,
        attendance and tables stay as they were (for the people still in the
        event), and nothing new is scheduled there.
    max_moves
        The most people the re-plan may move; when more must move,
        :class:`~convening.errors.InfeasibleError` says how many and why.
    """

    solve: SolveOptions = attrs.field(factory=SolveOptions)
    freeze: str = attrs.field(default="none", validator=_check_freeze)
    freeze_before: dt.datetime | None = None
    max_moves: int | None = attrs.field(default=None, validator=_check_max_moves)
