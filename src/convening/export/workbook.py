"""``plan.xlsx``: the plan as a workbook a planner opens in Excel.

One sheet per view of :mod:`convening.views` — ``agenda``, ``itineraries``
and ``metrics`` as the event-workbook contract fixes them, then ``by_room``,
``tours``, ``networking``, ``action_planning`` and ``delegations``. Each sheet
has a frozen header row, a filter on every column and widths that fit its
contents. Times are real Excel date-times in the event's local time; the
zone is named in a comment on each time column's header and in the
``timezone`` metric.

Text is always written as text: a name such as ``=HYPERLINK(...)`` is never
turned into a formula. The workbook's creation date is taken from the event
(its first slot), so the same plan gives a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from convening._files import atomic_path
from convening.export._cells import frame_rows
from convening.plan import Plan
from convening.views import plan_frames

__all__ = ["DATETIME_FORMAT", "write_plan_workbook"]

logger = logging.getLogger(__name__)

#: The Excel number format of every time.
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

#: Creation date of a workbook for an event without slots.
_NO_DATE = dt.datetime(2000, 1, 1)

_MIN_WIDTH = 6
_MAX_WIDTH = 60
_DATETIME_WIDTH = 17


def write_plan_workbook(plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Write ``plan`` to the workbook ``path`` (usually ``DIR/plan.xlsx``).

    Parameters
    ----------
    plan
        The plan to write.
    path
        Where to write; its folder must exist. An existing file is replaced
        only once the new one is complete.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    event = plan.event
    frames = plan_frames(plan)
    write_frames(
        path,
        frames,
        {
            "title": f"{event.name}: plan",
            "subject": f"{event.host_city} ({event.timezone})",
            "created": min((s.start for s in event.slots), default=_NO_DATE),
        },
        f"Local time at {event.host_city}, time zone {event.timezone}.",
    )
    logger.info("wrote %s (%d sheets)", path, len(frames))
    return path


def write_frames(
    path: Path, frames: dict[str, pd.DataFrame], properties: dict[str, Any], zone_note: str
) -> None:
    """Write one formatted sheet per frame to ``path``, atomically, the same bytes every time.

    ``properties`` are the workbook's document properties (its ``created``
    date comes from the event, never the clock); ``zone_note`` is the comment
    on every time column's header.
    """
    with atomic_path(path) as tmp:
        # in_memory: the zip entries then get a fixed date, not one that
        # depends on the machine's time zone.
        workbook = xlsxwriter.Workbook(
            str(tmp),
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        workbook.set_properties({"author": "convening", **properties})
        styles = _Styles(workbook)
        for name, frame in frames.items():
            _write_sheet(workbook.add_worksheet(name), frame, styles, zone_note)
        workbook.close()


class _Styles:
    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#DDE6F0"})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})


def _write_sheet(sheet: Any, frame: pd.DataFrame, styles: _Styles, zone_note: str) -> None:
    sheet.set_comments_author("convening")
    columns = [str(c) for c in frame.columns]
    widths = [len(c) + 2 for c in columns]  # room for the filter button
    for col, header in enumerate(columns):
        sheet.write_string(0, col, header, styles.header)
        if pd.api.types.is_datetime64_any_dtype(frame[header].dtype):
            sheet.write_comment(0, col, zone_note)
            widths[col] = max(widths[col], _DATETIME_WIDTH)
    for row, values in enumerate(frame_rows(frame), start=1):
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                # Always as text, never as a formula, number or link.
                sheet.write_string(row, col, value)
                if len(value) > widths[col]:
                    widths[col] = len(value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(row, col, value, styles.datetime)
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, int | float) and math.isfinite(value):
                sheet.write_number(row, col, value)
                widths[col] = max(widths[col], len(str(value)))
            else:
                sheet.write_string(row, col, str(value))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 1, _MIN_WIDTH), _MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, len(frame), len(columns) - 1)
