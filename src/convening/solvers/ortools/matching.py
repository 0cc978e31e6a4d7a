"""Pairing at least cost: coaches with delegation tables.

Thin wrappers over OR-Tools' linear sum assignment and minimum-cost flow, so
that the table solvers above them need no OR-Tools import of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.graph.python import linear_sum_assignment, min_cost_flow

__all__ = ["assign", "balanced_groups"]


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


def balanced_groups(costs: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """A cheapest balanced pairing of rows (coaches) with columns (tables).

    Every column gets a row and every row a column. With fewer rows than
    columns each row takes ``⌊C/R⌋`` or ``⌈C/R⌉`` columns and each column one
    row; otherwise each row takes one column and each column ``⌊R/C⌋`` or
    ``⌈R/C⌉`` rows.

    Parameters
    ----------
    costs
        ``costs[i][j]``: integer cost of pairing row ``i`` with column ``j``;
        every row as long as the first.

    Returns
    -------
    list of (int, int)
        The ``(row, column)`` pairs, sorted.
    """
    if not costs or not costs[0]:
        return []
    rows, cols = len(costs), len(costs[0])
    if any(len(row) != cols for row in costs):
        raise ValueError("balanced_groups needs rows of one length")
    flow = min_cost_flow.SimpleMinCostFlow()
    source, extra, sink = 0, 1, 2
    row_node = [3 + i for i in range(rows)]
    col_node = [3 + rows + j for j in range(cols)]
    if rows < cols:
        # Each row takes q columns, and r rows one more: the source's arcs hold exactly all
        # the columns, so every full flow is balanced.
        q, r = divmod(cols, rows)
        for i in range(rows):
            flow.add_arc_with_capacity_and_unit_cost(source, row_node[i], q, 0)
            flow.add_arc_with_capacity_and_unit_cost(extra, row_node[i], 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(source, extra, r, 0)
        for j in range(cols):
            flow.add_arc_with_capacity_and_unit_cost(col_node[j], sink, 1, 0)
        total = cols
    else:
        # Each column takes q rows, and r columns one more.
        q, r = divmod(rows, cols)
        for i in range(rows):
            flow.add_arc_with_capacity_and_unit_cost(source, row_node[i], 1, 0)
        for j in range(cols):
            flow.add_arc_with_capacity_and_unit_cost(col_node[j], sink, q, 0)
            flow.add_arc_with_capacity_and_unit_cost(col_node[j], extra, 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(extra, sink, r, 0)
        total = rows
    arcs = {}
    for i, row in enumerate(costs):
        for j, cost in enumerate(row):
            arc = flow.add_arc_with_capacity_and_unit_cost(row_node[i], col_node[j], 1, int(cost))
            arcs[arc] = (i, j)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:  # pragma: no cover - the network always carries it all
        raise RuntimeError("the minimum-cost flow found no balanced pairing")
    return sorted(pair for arc, pair in arcs.items() if flow.flow(arc) > 0)
