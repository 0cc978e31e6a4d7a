"""Pairing at least cost: coaches with delegation tables.

A thin wrapper over OR-Tools' linear sum assignment, so that the table
solvers above it need no OR-Tools import of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.graph.python import linear_sum_assignment

__all__ = ["assign"]


def assign(costs: Sequence[Sequence[int]]) -> list[int]:
    """The column of each row in a cheapest one-to-one pairing of rows with columns.

    Parameters
    ----------
    costs
        ``costs[i][j]``: integer cost of pairing row ``i`` with column ``j``;
        at most as many rows as columns, every row as long as the first.

    Returns
    -------
    list of int
        For each row, its column.
    """
    if not costs:
        return []
    width = len(costs[0])
    if len(costs) > width or any(len(row) != width for row in costs):
        raise ValueError("assign needs at most as many rows as columns, all rows of one length")
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    for i, row in enumerate(costs):
        for j, cost in enumerate(row):
            solver.add_arc_with_cost(i, j, int(cost))
    # Stand-in rows at no cost make the pairing square, as the solver needs.
    for i in range(len(costs), width):
        for j in range(width):
            solver.add_arc_with_cost(i, j, 0)
    if solver.solve() != solver.OPTIMAL:  # pragma: no cover - a complete square is solvable
        raise RuntimeError("the linear sum assignment found no pairing")
    return [solver.right_mate(i) for i in range(len(costs))]
