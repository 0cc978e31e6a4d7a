"""Write every output of a plan into one folder, never mixed with an earlier plan's files."""

from __future__ import annotations

import shutil
from pathlib import Path

from convening.errors import ConveningError
from convening.plan import Plan

__all__ = [
    "KEPT_NAMES",
    "OUTPUT_NAMES",
    "OutputFolderError",
    "check_output_folder",
    "write_outputs",
]

#: What a plan writes into its folder; ``force=True`` removes exactly these first.
OUTPUT_NAMES = (
    "plan.xlsx",
    "plan.json",
    "event.xlsx",
    "agenda.html",
    "report.html",
    "calendars",
    "csv",
    "changes.xlsx",
    # Written by `convening publish`; re-publishing writes them again.
    "links.csv",
    "links-shared.csv",
)
#: What a plan folder may hold that ``--force`` keeps: the secret that publishing
#: derives calendar addresses from, so links already sent keep working.
KEPT_NAMES = ("publish-secret",)


class OutputFolderError(ConveningError):
    """The output folder holds files that writing a plan would mix with or lose."""


def write_outputs(
    plan: Plan,
    out: str | Path,
    *,
    force: bool = False,
    previous: str | Path | None = None,
    csv: bool = False,
) -> list[Path]:
    """Write ``plan.xlsx``, the calendars, ``agenda.html`` and ``report.html`` into ``out``.

    The folder also gets ``event.xlsx`` (the event planned) and ``plan.json``
    (the plan's exact data), from which :func:`convening.io.read_plan` reads
    the plan back, e.g. to re-plan after a change.

    Parameters
    ----------
    plan
        The plan to write.
    out
        The output folder; made if missing.
    force
        Replace the outputs of an earlier plan in ``out``. Without it, a
        folder that is not empty is refused, so files of two plans never mix.
    previous
        The folder of an earlier export of the same event: calendar events
        that changed since get a higher SEQUENCE, and removed ones are
        cancelled, so calendar apps update in place. Its publish secret (if the
        plan was published) is copied, so publishing this plan keeps every
        calendar's address (:mod:`convening.export.publish`).
    csv
        Also write every view as CSV under ``out/csv``.

    Returns
    -------
    list of Path
        Every file written, sorted.

    Raises
    ------
    OutputFolderError
        When ``out`` is a file, or holds other files and ``force`` is not set.
    """
    from convening.export.calendars import write_calendars
    from convening.export.html import write_agenda_html
    from convening.export.plan_file import write_plan_file
    from convening.export.report import write_report
    from convening.export.workbook import write_plan_workbook
    from convening.io.writer import write_event

    folder = Path(out)
    _prepare(folder, force)
    written = [write_plan_workbook(plan, folder / "plan.xlsx")]
    # The event and the plan's own data make the folder readable again (read_plan).
    written.append(write_event(plan.event, folder / "event.xlsx"))
    written.append(write_plan_file(plan, folder / "plan.json"))
    written += write_calendars(plan, folder, previous_dir=previous)
    write_agenda_html(plan, folder / "agenda.html")
    written.append(folder / "agenda.html")
    written.append(write_report(plan, folder / "report.html"))
    if previous is not None:
        from convening.export.publish import carry_publish_secret

        # The same secret gives the same calendar addresses, so subscribers follow the re-plan.
        carried = carry_publish_secret(previous, folder)
        if carried is not None:
            written.append(carried)
    if csv:
        from convening.export.csv import write_plan_csv

        written += write_plan_csv(plan, folder / "csv")
    return sorted(written)


def check_output_folder(out: str | Path, *, force: bool = False) -> None:
    """Raise :class:`OutputFolderError` if a plan cannot be written into ``out``; change nothing.

    A folder that is missing or empty is fine; with ``force``, so is one that
    holds only the files of an earlier plan.
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"{folder} is a file; plans are written into a folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not force:
            raise OutputFolderError(
                f"{folder} is not empty; choose a new folder, or pass force=True to replace "
                "the files of an earlier plan there"
            )
        others = sorted(
            p.name for p in folder.iterdir() if p.name not in OUTPUT_NAMES + KEPT_NAMES
        )
        if others:
            raise OutputFolderError(
                f"{folder} holds files that are not a plan's ({', '.join(others[:5])}); "
                "choose a new folder"
            )


def _prepare(folder: Path, force: bool) -> None:
    check_output_folder(folder, force=force)
    if folder.is_dir():
        for name in OUTPUT_NAMES:
            target = folder / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    folder.mkdir(parents=True, exist_ok=True)
