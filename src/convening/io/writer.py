"""Write an event back out as an event workbook or a folder of CSV files.

:func:`write_event` saves an event (for example one generated in code) in the
form :func:`~convening.io.read_event` reads, so that reading it back gives an
equal event. :func:`write_sheets` writes plain rows, one table per sheet; the
template and tests use it for workbooks that are not (yet) valid events.

Files are deterministic: the same rows give byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from convening._files import atomic_path
from convening.io.schema import SHEETS, Sheet
from convening.model import Event

__all__ = ["event_sheets", "write_event", "write_sheets"]

logger = logging.getLogger(__name__)

Rows = Sequence[Sequence[Any]]

#: Workbook properties fixed so that the same rows give the same bytes.
_FIXED_CREATED = dt.datetime(2000, 1, 1)


def event_sheets(event: Event) -> dict[str, list[list[Any]]]:
    """The event as rows per sheet, header first, in the workbook's column order.

    Values are Python values (text, numbers, booleans, datetimes, ``None`` for
    empty cells); lists are joined with ``;``.
    """
    sheets: dict[str, list[list[Any]]] = {}
    for sheet in SHEETS:
        if sheet.is_key_value:
            rows: list[list[Any]] = [["key", "value"]]
            for key in sheet.keys:
                value = getattr(event, key.name)
                if value is not None:
                    rows.append([key.name, value])
            sheets[sheet.name] = rows
            continue
        sheets[sheet.name] = [[c.name for c in sheet.columns]] + [
            _row_of(item, sheet) for item in getattr(event, sheet.name)
        ]
    return sheets


def _row_of(item: Any, sheet: Sheet) -> list[Any]:
    row: list[Any] = []
    for column in sheet.columns:
        value = getattr(item, column.name)
        if isinstance(value, tuple):
            value = ";".join(value) if value else None
        elif hasattr(value, "value") and isinstance(value.value, str):
            value = value.value  # an enum member: its word
        row.append(value)
    return row


def write_event(event: Event, path: str | PathLike[str]) -> Path:
    """Save ``event`` as an ``.xlsx`` workbook, or as a folder of CSV files.

    Parameters
    ----------
    event
        The event to save.
    path
        A path ending in ``.xlsx`` writes a workbook; any other path is a
        folder (created if needed) that gets one CSV file per sheet.

    Returns
    -------
    Path
        Where the event was written.
    """
    return write_sheets(event_sheets(event), path)


def write_sheets(sheets: Mapping[str, Rows], path: str | PathLike[str]) -> Path:
    """Write rows per sheet (header row first) as a workbook or a folder of CSV files.

    Parameters
    ----------
    sheets
        Rows by sheet name, in sheet order; the first row of each is its header.
        Cells are text, numbers, booleans, dates, times, datetimes or ``None``.
    path
        ``*.xlsx``: one workbook with a bold, frozen header row on each sheet.
        Otherwise a folder of ``<sheet>.csv`` files (UTF-8 with a byte-order
        mark, so Excel opens accents correctly).

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        _write_xlsx(sheets, target)
    else:
        _write_csv_folder(sheets, target)
    logger.info("wrote %d sheets to %s", len(sheets), target)
    return target


def _write_xlsx(sheets: Mapping[str, Rows], path: Path) -> None:
    import xlsxwriter

    # in_memory gives the zip entries fixed timestamps; with a fixed creation date the
    # same rows always make the same bytes.
    with atomic_path(path) as tmp:
        _fill_workbook(xlsxwriter.Workbook(str(tmp), {"in_memory": True}), sheets)


def _fill_workbook(workbook: Any, sheets: Mapping[str, Rows]) -> None:
    workbook.set_properties({"created": _FIXED_CREATED})
    bold = workbook.add_format({"bold": True})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    clock = workbook.add_format({"num_format": "hh:mm"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for name, rows in sheets.items():
        worksheet = workbook.add_worksheet(name)
        widths: dict[int, int] = {}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                widths[c] = max(widths.get(c, 8), min(60, len(_csv_text(value)) + 2))
                if r == 0:
                    worksheet.write_string(r, c, str(value), bold)
                elif value is None:
                    continue
                elif isinstance(value, bool):
                    worksheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    worksheet.write_number(r, c, value)
                elif isinstance(value, dt.datetime):
                    worksheet.write_datetime(r, c, value, when)
                elif isinstance(value, dt.date):
                    worksheet.write_datetime(r, c, value, day)
                elif isinstance(value, dt.time):
                    worksheet.write_datetime(r, c, value, clock)
                else:
                    text = str(value)
                    worksheet.write_string(r, c, text, wrap if len(text) > 60 else None)
        for c, width in sorted(widths.items()):
            worksheet.set_column(c, c, width)
        worksheet.freeze_panes(1, 0)
    workbook.close()


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.second or value.microsecond:
            return value.isoformat(sep=" ")
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def _write_csv_folder(sheets: Mapping[str, Rows], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow([_csv_text(v) for v in row])
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
