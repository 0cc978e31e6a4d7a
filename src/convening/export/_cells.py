"""What every exported file shares: plain cell values, the formula guard, atomic writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd

#: Text starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def plain(value: Any) -> Any:
    """A frame's cell as a plain Python value: ``None`` for missing, ``datetime`` for times."""
    if value is None or value is pd.NaT:  # NaT passes for a datetime
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, str | bool | dt.datetime):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    with contextlib.suppress(TypeError, ValueError):
        if pd.isna(value):
            return None
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return plain(item())
    return str(value)


def column_values(column: pd.Series) -> list[Any]:
    """A frame's column as plain Python values (see :func:`plain`), converted at once."""
    values = column.astype(object).where(column.notna(), None).tolist()
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return [None if v is None else v.to_pydatetime() for v in values]
    if column.dtype == object:
        return [plain(v) for v in values]
    return values


def frame_rows(frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """The rows of ``frame`` as tuples of plain Python values."""
    return zip(*(column_values(frame[c]) for c in frame.columns), strict=True)
