"""``changes.xlsx``: what a re-plan changed, for the planner who tells people.

Three sheets, from :func:`convening.changes.changes_frames`: ``people`` (one
row per person and slot changed: where they were, where they are now, and
why), ``sessions`` (runs that changed time, with their presenters, first;
then runs that changed room only; runs added or removed) and ``notify``
(whom to email: the people whose calendar changed, people who left
included, with the slots concerned). Written like ``plan.xlsx``: text
is always text, never a formula; the file is written atomically; its
creation date comes from the event, so the same report gives the same bytes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from convening.changes import ChangeReport, changes_frames
from convening.export.workbook import _NO_DATE, write_frames
from convening.model import Event

__all__ = ["write_changes"]

logger = logging.getLogger(__name__)


def write_changes(
    report: ChangeReport,
    path: str | os.PathLike[str],
    event: Event | None = None,
    previous: Event | None = None,
) -> Path:
    """Write the change report to the workbook ``path`` (usually ``DIR/changes.xlsx``).

    Parameters
    ----------
    report
        What the re-plan changed (:attr:`convening.replan.Replan.changes`).
    path
        Where to write; an existing file is replaced only once the new one is complete.
    event
        The new event: its name and first slot date the workbook, and the
        ``notify`` sheet gets e-mail addresses and cities from it.
    previous
        The event as it was: the e-mail addresses and cities of people who
        left (so they get the calendar that cancels their events).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    frames = changes_frames(report, event, previous)
    created = _NO_DATE
    title = "changes"
    if event is not None:
        created = min((s.start for s in event.slots), default=_NO_DATE)
        title = f"{event.name}: changes"
    zone_note = (
        f"Local time at {event.host_city}, time zone {event.timezone}."
        if event is not None
        else "Local time at the event."
    )
    write_frames(path, frames, {"title": title, "created": created}, zone_note)
    logger.info("wrote %s", path)
    return path
