"""The event workbook's sheets and columns, as the ``io`` modules read and write them.

The one definition lives in :mod:`convening.sheets` (below ``io``, so that the
checks and the explanation of conflicts use it too); this module names it for
the readers and writers.
"""

from __future__ import annotations

from convening.sheets import (
    EVENT_KEYS,
    SHEET_BY_NAME,
    SHEETS,
    Column,
    ColumnType,
    Sheet,
    normalise_name,
)

__all__ = [
    "EVENT_KEYS",
    "SHEETS",
    "SHEET_BY_NAME",
    "Column",
    "ColumnType",
    "Sheet",
    "normalise_name",
]
