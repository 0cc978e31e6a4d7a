"""A compact integer instance of networking seating, so that the search is fast.

People are numbered ``0 .. n_people - 1``; a round (one networking slot)
seats the people present plus a few *empty seats* (numbered after the
people) so that every table of the round has exactly ``capacity`` seats.
Empty seats form one delegation of their own: since two members of a
delegation never share a table, no table gets two empty seats, which is
exactly the rule that table sizes differ by at most one.

A :class:`SeatingProblem` can be made from an event
(:func:`convening.solvers.tables.networking.build_problem`) or directly for a
pure social golfer instance (:func:`golfer_problem`).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = ["Round", "SeatingProblem", "golfer_problem"]

#: Delegation id shared by every empty seat.
EMPTY_SEAT = -1


@attrs.define(eq=False)
class Round:
    """One networking slot, in integers.

    Parameters
    ----------
    slot_id
        The slot.
    present
        The people present (indices), sorted.
    n_tables
        How many tables.
    capacity
        Seats per table, empty seats included (``ceil(present / n_tables)``).
    pins
        ``person -> table index`` (from 0) for people whose table is fixed.
    together, apart
        Pairs of people who must (not) share a table in this round.
    hosts
        People seated one per table in this round.
    """

    slot_id: str
    present: NDArray[np.int64]
    n_tables: int
    capacity: int
    pins: dict[int, int] = attrs.field(factory=dict)
    together: list[tuple[int, int]] = attrs.field(factory=list)
    apart: list[tuple[int, int]] = attrs.field(factory=list)
    hosts: list[int] = attrs.field(factory=list)

    @property
    def n_empty(self) -> int:
        """Empty seats needed to fill every table to ``capacity``."""
        return self.n_tables * self.capacity - len(self.present)


@attrs.define(eq=False)
class SeatingProblem:
    """Networking seating over several rounds, as arrays.

    Parameters
    ----------
    n_people
        People, numbered from 0.
    delegation
        Delegation id per person (``-2 - i`` style unique ids for people of no
        delegation are fine; any person with a unique id sits anywhere).
    rounds
        The rounds, in time order.
    topics
        ``n_people x n_topics`` booleans: what each person cares about.
    topic_names
        The topics' names, for table labels.
    roles
        ``n_people x n_roles`` booleans for roles spread evenly over tables
        (officials, partners: the mix), and :attr:`facilitator` marking people
        of whom one per table is enough.
    facilitator
        People who should not share a table with another of their kind.
    met_elsewhere
        Sparse ``(a, b) -> times`` for pairs who met in a small session or a
        tour: a weaker kind of meeting.
    """

    n_people: int
    delegation: NDArray[np.int64]
    rounds: list[Round]
    topics: NDArray[np.bool_] = attrs.field(default=None)
    topic_names: tuple[str, ...] = ()
    roles: NDArray[np.bool_] = attrs.field(default=None)
    facilitator: NDArray[np.bool_] = attrs.field(default=None)
    met_elsewhere: dict[tuple[int, int], int] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.topics is None:
            self.topics = np.zeros((self.n_people, 0), dtype=bool)
        if self.roles is None:
            self.roles = np.zeros((self.n_people, 0), dtype=bool)
        if self.facilitator is None:
            self.facilitator = np.zeros(self.n_people, dtype=bool)

    @property
    def n_seats(self) -> int:
        """People plus the most empty seats any round needs."""
        return self.n_people + max((r.n_empty for r in self.rounds), default=0)

    @property
    def is_golfer(self) -> bool:
        """Whether this is a plain social golfer instance (constructions apply)."""
        if not self.rounds:
            return False
        first = self.rounds[0]
        return (
            len(np.unique(self.delegation)) == self.n_people
            and all(
                r.n_empty == 0
                and not (r.pins or r.together or r.apart or r.hosts)
                and r.n_tables == first.n_tables
                and len(r.present) == self.n_people
                for r in self.rounds
            )
            and not self.met_elsewhere
        )


def golfer_problem(groups: int, size: int, rounds: int) -> SeatingProblem:
    """A social golfer instance: ``groups x size`` people, ``rounds`` rounds."""
    n = groups * size
    present = np.arange(n, dtype=np.int64)
    return SeatingProblem(
        n_people=n,
        delegation=np.arange(n, dtype=np.int64),
        rounds=[Round(f"r{i + 1}", present, groups, size) for i in range(rounds)],
    )


def repeats(problem: SeatingProblem, seating: Sequence[NDArray[np.int64]]) -> int:
    """Extra meetings: for every pair of people, meetings beyond the first."""
    n = problem.n_people
    counts = np.zeros((n, n), dtype=np.int64)
    for rnd, table_of in zip(problem.rounds, seating, strict=True):
        people = rnd.present
        tables = table_of[people]
        same = tables[:, None] == tables[None, :]
        counts[np.ix_(people, people)] += same
    np.fill_diagonal(counts, 0)
    extra = np.maximum(counts - 1, 0)
    return int(extra.sum() // 2)
