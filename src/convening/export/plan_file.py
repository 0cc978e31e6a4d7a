"""The plan as one JSON file, so that a later run can read it back exactly."""

from __future__ import annotations

import json
from pathlib import Path

from convening._files import write_bytes_atomic
from convening.plan import Plan

__all__ = ["write_plan_file"]


def write_plan_file(plan: Plan, path: str | Path) -> Path:
    """Write ``plan.json``: runs, tables, status and metrics, in the plan's own order.

    Parameters
    ----------
    plan
        The plan.
    path
        The file to write.

    Returns
    -------
    Path
        The file written. :func:`convening.io.read_plan` reads it back.
    """
    # Not sort_keys: the metrics keep the order the solver gave them, which reports show.
    text = json.dumps(plan.to_dict(), indent=1, ensure_ascii=False)
    return write_bytes_atomic(Path(path), (text + "\n").encode("utf-8"))
