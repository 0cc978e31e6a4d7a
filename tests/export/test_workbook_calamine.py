"""plan.xlsx read back by an independent reader (python-calamine) equals the plan's views."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from convening.export import write_plan_workbook
from convening.views import plan_frames
from tests.export.plans import risky_plan
from tests.test_validate import sample_plan

calamine = pytest.importorskip("python_calamine")


def _plain(value: Any) -> Any:
    """A frame value as a spreadsheet holds it."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


@pytest.mark.parametrize("make", [sample_plan, risky_plan], ids=["sample", "formula-like text"])
def test_every_sheet_reads_back_equal_to_its_view(tmp_path: Path, make: Any) -> None:
    plan = make()
    path = write_plan_workbook(plan, tmp_path / "plan.xlsx")
    book = calamine.CalamineWorkbook.from_path(str(path))
    frames = plan_frames(plan)
    assert book.sheet_names == list(frames)
    for name, frame in frames.items():
        rows = book.get_sheet_by_name(name).to_python()
        assert [str(c) for c in rows[0]] == [str(c) for c in frame.columns], name
        body = [[_cell(v) for v in row] for row in rows[1:]]
        expected = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
        # Excel keeps text with a carriage return escaped; compare the rest cell by cell.
        assert len(body) == len(expected), name
        for got, want in zip(body, expected, strict=True):
            for g, w in zip(got, want, strict=True):
                if isinstance(w, str) and "\r" in w:
                    continue
                assert g == w, (name, got, want)
