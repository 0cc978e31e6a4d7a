"""Read a plan back from the folder :func:`convening.write_outputs` wrote."""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path

from convening._folders import verify_folder
from convening.errors import ConveningError, EventError, PlanFolderError
from convening.io.reader import read_event
from convening.plan import Plan

__all__ = ["read_plan"]


def read_plan(folder: str | PathLike[str]) -> Plan:
    """Read the plan in ``folder`` (its ``event.xlsx`` and ``plan.json``).

    Parameters
    ----------
    folder
        A folder written by :func:`convening.write_outputs` or ``convening plan``.

    Returns
    -------
    Plan
        Equal to the plan that was written.

    Raises
    ------
    ConveningError
        When the folder holds no plan, or a damaged one.
    """
    root = Path(folder)
    event_path, plan_path = root / "event.xlsx", root / "plan.json"
    for path in (event_path, plan_path):
        if not path.is_file():
            raise ConveningError(
                f"{root} holds no plan: {path.name} is missing (write one with "
                "`convening.write_outputs(plan, folder)`)"
            )
    # A folder whose files no longer match its manifest (half deleted, hand-edited) is
    # not the plan that was sent out.
    verify_folder(root)
    try:
        event = read_event(event_path)
    except EventError as exc:
        raise PlanFolderError(root, exc) from None
    try:
        data = json.loads(plan_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = "it nests too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ConveningError(f"{plan_path} is damaged: {reason}") from None
    try:
        return Plan.from_dict(event, data)
    except ConveningError as exc:
        raise ConveningError(f"{plan_path}: {exc}") from None
