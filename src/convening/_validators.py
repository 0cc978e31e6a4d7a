"""Checks of option values shared by the solvers' option classes."""

from __future__ import annotations

from typing import Any

from convening.errors import ConveningError


def check_seed(_inst: Any, attr: Any, value: int) -> None:
    """Seeds are whole numbers from 0 to 2**31 - 1 (what CP-SAT and NumPy both take)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ConveningError(
            f"{attr.name} must be a whole number from 0 to 2147483647, not {value!r}"
        )
