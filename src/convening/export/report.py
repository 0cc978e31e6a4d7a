"""The plan quality report as a file (see :func:`convening.report.plan_report_html`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from convening._files import check_new_file, write_text_atomic
from convening._folders import read_manifest, replace_folder
from convening.errors import OutputExistsError
from convening.plan import Plan
from convening.report import plan_report_html

__all__ = ["write_report", "write_report_into"]

logger = logging.getLogger(__name__)


def write_report(plan: Plan, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write the quality report of ``plan`` to ``path`` (usually ``report.html``), atomically.

    The page is written under a temporary name in the same folder and renamed
    when complete, so a reader never sees half a report and a failed write
    leaves any earlier report in place. A plan folder's own ``report.html``
    is replaced with the folder (:func:`write_report_into`).

    Parameters
    ----------
    plan
        The plan.
    path
        The ``.html`` file to write; its folder is made if missing.
    force
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        When ``path`` exists and ``force`` is not set, is not an ``.html``
        file, or is another file of a plan's folder.
    """
    target = Path(path)
    check_new_file(target, force=force, suffixes=(".html", ".htm"))
    if read_manifest(target.parent) is not None:
        if target.name != "report.html":
            raise OutputExistsError(
                target, f"{target.parent} holds a plan; its report is report.html"
            )
        return write_report_into(plan, target.parent)
    return write_text_atomic(target, plan_report_html(plan))


def write_report_into(plan: Plan, folder: str | os.PathLike[str]) -> Path:
    """Write ``report.html`` into the plan folder ``folder``, keeping its other files.

    The folder is replaced whole (:func:`convening.write_outputs`' way), its
    manifest updated; a folder without a manifest gets the file as is.

    Returns
    -------
    Path
        The report written.
    """
    root = Path(folder)
    if read_manifest(root) is None:
        return write_text_atomic(root / "report.html", plan_report_html(plan))
    html = plan_report_html(plan)
    with replace_folder(root, update=True, may_write=["report.html"]) as new:
        write_text_atomic(new / "report.html", html)
    return root / "report.html"
