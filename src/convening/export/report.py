"""The plan quality report as a file (see :func:`convening.report.plan_report_html`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from convening._files import write_text_atomic
from convening.plan import Plan
from convening.report import plan_report_html

__all__ = ["write_report"]

logger = logging.getLogger(__name__)


def write_report(plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Write the quality report of ``plan`` to ``path`` (usually ``report.html``), atomically.

    The page is written under a temporary name in the same folder and renamed
    when complete, so a reader never sees half a report and a failed write
    leaves any earlier report in place.

    Parameters
    ----------
    plan
        The plan.
    path
        The file to write; its folder is made if missing.

    Returns
    -------
    Path
        The file written.
    """
    return write_text_atomic(path, plan_report_html(plan))
