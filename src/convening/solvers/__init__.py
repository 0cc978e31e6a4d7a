"""Agenda solvers.

- :mod:`convening.solvers.instance`: the event in solver-friendly form (no solver library).
- :mod:`convening.solvers.greedy`: the greedy baseline and warm start (no solver library).
- :mod:`convening.solvers.ortools`: CP-SAT and min-cost-flow models (the only place OR-Tools is imported).

The public entry point is :func:`convening.solve.solve`.
"""
