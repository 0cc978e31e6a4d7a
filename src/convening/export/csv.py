"""The plan's tables as CSV files, one per sheet of ``plan.xlsx``.

Files are UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel reads
accented names correctly; times are ISO 8601 local times
(``2027-04-20T09:00:00``) in the event's time zone (the ``timezone`` row of
``metrics.csv``); truth values are ``true``/``false``; missing values are
empty. Text a spreadsheet program could take for a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``,
so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from convening._files import atomic_path
from convening.export._cells import frame_rows, looks_like_formula, plain
from convening.plan import Plan
from convening.views import plan_frames

__all__ = ["csv_text", "write_plan_csv"]

logger = logging.getLogger(__name__)


def csv_text(value: Any) -> str:
    """One cell as CSV text, with the formula guard applied."""
    return _text(plain(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def write_plan_csv(plan: Plan, folder: str | os.PathLike[str]) -> list[Path]:
    """Write each view of ``plan`` to ``folder/<sheet>.csv``.

    Parameters
    ----------
    plan
        The plan to write.
    folder
        Where to write; made if missing. Existing files of the same names
        are replaced, each only once its new version is complete.

    Returns
    -------
    list of Path
        The files written, in sheet order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in plan_frames(plan).items():
        path = folder / f"{name}.csv"
        with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow([csv_text(c) for c in frame.columns])
            writer.writerows([_text(v) for v in values] for values in frame_rows(frame))
        written.append(path)
    logger.info("wrote %d CSV files to %s", len(written), folder)
    return written
