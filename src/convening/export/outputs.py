"""Write every output of a plan into one folder, whole, never mixed with an earlier plan's files.

The folder is written as a new sibling folder and swapped in by rename
(:mod:`convening._folders`), so it always holds one plan, whole: the old one
until the new one is complete. Its ``manifest.json`` lists the files the
project wrote; ``force`` replaces only those, and keeps files a planner added.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convening._folders import (
    MANIFEST,
    OutputFolderError,
    check_folder,
    folder_lock,
    replace_folder,
)
from convening.plan import Plan

if TYPE_CHECKING:
    from convening.changes import ChangeReport
    from convening.model import Event

__all__ = [
    "KEPT_NAMES",
    "OUTPUT_NAMES",
    "PARALLEL_REPORT_PARTICIPANTS",
    "OutputFolderError",
    "check_output_folder",
    "output_lock",
    "write_outputs",
]

#: What a plan may write into its folder (``*`` matches any text, ``/`` included).
OUTPUT_NAMES = (
    "plan.xlsx",
    "plan.json",
    "event.xlsx",
    "agenda.html",
    "report.html",
    "changes.xlsx",
    MANIFEST,
    "calendars/*.ics",
    "csv/*.csv",
)
#: Written into a plan folder by ``convening publish``, after the plan and outside its
#: manifest: the links of the published plan, which a new plan replaces (publishing it
#: writes them again) ...
DROPPED_NAMES = ("links.csv", "links-shared.csv")
#: ... and the secret publishing derives calendar addresses from, which ``force=True``
#: keeps, so links already sent keep working.
KEPT_NAMES = ("publish-secret",)

#: From this many participants, the report's pictures are drawn beside the other files.
PARALLEL_REPORT_PARTICIPANTS = 200
#: The report's pictures (convening.report.PICTURES) each forked process draws.
_REPORT_PARTS = (
    ("city_meetings",),
    ("agenda_grid", "preference_outcome", "new_peers", "itinerary"),
)


def write_outputs(
    plan: Plan,
    out: str | Path,
    *,
    force: bool = False,
    previous: str | Path | None = None,
    csv: bool = False,
    changes: ChangeReport | None = None,
    previous_event: Event | None = None,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> list[Path]:
    """Write ``plan.xlsx``, the calendars, ``agenda.html`` and ``report.html`` into ``out``.

    The folder also gets ``event.xlsx`` (the event planned), ``plan.json``
    (the plan's exact data), from which :func:`convening.io.read_plan` reads
    the plan back, e.g. to re-plan after a change, and last ``manifest.json``
    (every file written, with its SHA-256).

    Everything is written into a new folder beside ``out`` that then replaces
    ``out`` by rename: an interrupted or failed write leaves ``out`` as it was.

    Parameters
    ----------
    plan
        The plan to write.
    out
        The output folder; made if missing.
    force
        Replace the outputs of an earlier plan in ``out``. Without it, a
        folder that is not empty is refused, so files of two plans never mix.
        Files the project did not write (or that were changed since) are kept;
        when the new plan would write over one, the folder is refused.
    previous
        The folder of an earlier export of the same event: calendar events
        that changed since get a higher SEQUENCE, and removed ones are
        cancelled, so calendar apps update in place. Its publish secret (if the
        plan was published) is copied, so publishing this plan keeps every
        calendar's address (:mod:`convening.export.publish`).
    csv
        Also write every view as CSV under ``out/csv``.
    changes
        A re-plan's change report, written as ``changes.xlsx``.
    previous_event
        The event as it was before the change (names of people who left, in
        ``changes.xlsx``).
    protect
        Paths that must not be inside ``out``, e.g. the event read.

    Returns
    -------
    list of Path
        Every file written (in ``out``), sorted.

    Raises
    ------
    OutputFolderError
        When ``out`` is a file, holds other files and ``force`` is not set,
        holds files the plan would replace that the project did not write,
        contains a ``protect`` path, or another run is writing to it.
    """
    from convening._files import write_text_atomic
    from convening.export.calendars import write_calendars
    from convening.export.html import write_agenda_html
    from convening.export.plan_file import write_plan_file
    from convening.export.workbook import write_plan_workbook
    from convening.io.writer import write_event
    from convening.parallel import run_chains
    from convening.report import plan_report_html, report_pngs

    target = Path(out)
    with replace_folder(
        target,
        force=force,
        may_write=OUTPUT_NAMES,
        protect=_protected(protect, previous),
        drop=DROPPED_NAMES,
        unlisted=KEPT_NAMES,
    ) as folder:

        def files() -> list[Path]:
            written = [write_plan_workbook(plan, folder / "plan.xlsx")]
            # The event and the plan's own data make the folder readable again (read_plan).
            written.append(write_event(plan.event, folder / "event.xlsx"))
            written.append(write_plan_file(plan, folder / "plan.json"))
            written += write_calendars(plan, folder, previous_dir=previous)
            write_agenda_html(plan, folder / "agenda.html")
            written.append(folder / "agenda.html")
            if previous is not None and not any(os.path.lexists(target / n) for n in KEPT_NAMES):
                from convening.export.publish import carry_publish_secret

                # The same secret gives the same calendar addresses, so subscribers follow
                # the re-plan. A secret already in the folder is carried over with it.
                carried = carry_publish_secret(previous, folder)
                if carried is not None:
                    written.append(carried)
            if csv:
                from convening.export.csv import write_plan_csv

                written += write_plan_csv(plan, folder / "csv")
            if changes is not None:
                from convening.export.changes import write_changes

                written.append(
                    write_changes(changes, folder / "changes.xlsx", plan.event, previous_event)
                )
            return written

        # The report's pictures take as long as every other file together on a large plan,
        # and their bytes cannot change, so they are drawn in two forked processes meanwhile,
        # the city-meetings heat map (the longest) apart (Linux; see convening.parallel).
        # Each part makes the same bytes wherever it runs, so the files never depend on it.
        def part(index: int) -> Any:
            if index == 0:
                return files()
            return report_pngs(plan, _REPORT_PARTS[index - 1])

        parallel = len(plan.event.participants) >= PARALLEL_REPORT_PARTICIPANTS
        parts = run_chains(part, 1 + len(_REPORT_PARTS) if parallel else 1, deadline=math.inf)
        written: list[Path] = parts[0]
        drawn = {name: png for pictures in parts[1:] for name, png in pictures.items()}
        page = plan_report_html(plan, drawn=drawn)
        written.append(write_text_atomic(folder / "report.html", page))
        written.append(folder / MANIFEST)
        result = sorted(target / p.relative_to(folder) for p in written)
    return result


def _protected(
    protect: Iterable[str | os.PathLike[str]], previous: str | Path | None
) -> list[str | os.PathLike[str]]:
    return [*protect, *([previous] if previous is not None else [])]


def check_output_folder(
    out: str | Path,
    *,
    force: bool = False,
    protect: Iterable[str | os.PathLike[str]] = (),
    previous: str | Path | None = None,
) -> None:
    """Raise :class:`OutputFolderError` if a plan cannot be written into ``out``; change nothing.

    A folder that is missing or empty is fine; with ``force``, so is one whose
    files the plan would replace were all written by an earlier plan. The
    folder's parent must be writable.
    """
    check_folder(out, force=force, may_write=OUTPUT_NAMES, protect=_protected(protect, previous))


def output_lock(out: str | Path) -> AbstractContextManager[Path]:
    """Hold the lock of the output folder ``out`` (e.g. from checking it to writing the plan).

    Raises
    ------
    OutputFolderError
        When another run is writing to ``out``.
    """
    return folder_lock(out)
