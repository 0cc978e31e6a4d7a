"""Read an event workbook (``.xlsx``) or a folder of CSV files into a checked event.

This is the planner's front door, so bad input never ends in a traceback: every
problem found while reading (a missing sheet or column, a cell that is not a
number, a date or a known word) and every problem the event checks find is
gathered into one :class:`~convening.errors.EventError`, each naming the sheet,
the row as Excel shows it (the header is row 1), the column and the value.

A row with a cell that cannot be read is left out of the event; its id is
handed to :func:`convening.checks.check_event` as *broken*, so references to
it are not reported a second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import logging
import math
import re
import warnings
import zipfile
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import Any, Protocol

import attrs

from convening.builder import emit_warnings
from convening.checks import check_event, is_valid_id
from convening.errors import ConveningWarning, EventError, Problem, ProblemLog
from convening.io.schema import (
    EVENT_KEYS,
    SHEETS,
    Column,
    ColumnType,
    Sheet,
    normalise_name,
)
from convening.model import (
    Event,
    unchecked_event,
)

__all__ = ["MAX_PROBLEMS_PER_SHEET", "read_event"]

logger = logging.getLogger(__name__)

#: Problems listed per sheet; beyond this one line says how many more there are.
MAX_PROBLEMS_PER_SHEET = 100

_MODEL_OF: Mapping[str, Callable[..., Any]] = {s.name: s.model for s in SHEETS if s.model}

_ID_MESSAGE = "ids are letters, digits and -_.@+ and do not start with '.'"


class _Traversable(Protocol):
    """What the CSV reader needs of a folder: a :class:`~pathlib.Path` or a package resource."""

    @property
    def name(self) -> str: ...

    def iterdir(self) -> Iterator[Any]: ...

    def is_file(self) -> bool: ...

    def is_dir(self) -> bool: ...

    def read_bytes(self) -> bytes: ...


# -- public entry point -----------------------------------------------------------------------


def read_event(path: str | PathLike[str]) -> Event:
    """Read an event workbook or a folder of CSV files into a checked event.

    Parameters
    ----------
    path
        An ``.xlsx`` workbook, or a folder holding one CSV file per sheet
        (``event.csv``, ``cities.csv``, ``participants.csv``, ...). Sheet and
        column names are those of the event workbook contract; header case and
        surrounding blanks do not matter, extra sheets and columns are ignored.

    Returns
    -------
    Event
        The checked event. Its warnings are those the reader found in the
        cells (a date without a time, a formula without a saved value, ...)
        followed by those of the event's checks (odd delegations, preferences
        for unknown items, ...); all are also issued as Python warnings.

    Raises
    ------
    EventError
        Listing every problem at once, each with its sheet, Excel row, column
        and value; also when the file cannot be opened at all.
    """
    return _read(Path(path), str(path))


def _read(source_path: Any, label: str) -> Event:
    report = _report()
    with warnings.catch_warnings():
        # openpyxl warns about workbook features it skips (data validation, styles), which
        # mean nothing to a planner.
        warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
        with _open(source_path, label) as book:
            event_sheet, tables = _read_book(book, report)
    event = _make_event(event_sheet, tables, report)
    found = event.warnings
    read = tuple(report.warnings())
    if read:
        # The event's checks only see the parsed values; what the reader noticed about the
        # cells themselves belongs with the event's warnings too, so that every caller
        # (the command line prints event.warnings) shows it.
        event = event.with_warnings(read)
    for problem in read:
        warnings.warn(str(problem), ConveningWarning, stacklevel=3)
    emit_warnings(found)
    logger.info(
        "read %s: %d cities, %d participants, %d slots, %d sessions, %d tours",
        label,
        len(event.cities),
        len(event.participants),
        len(event.slots),
        len(event.sessions),
        len(event.tours),
    )
    return event


# -- problems ---------------------------------------------------------------------------------


def _report() -> ProblemLog:
    """Problems found while reading, in the order found, values shown as cells show them."""
    return ProblemLog(_shown)


def _fail(message: str) -> EventError:
    """An error about the file as a whole (it cannot be opened or read)."""
    return EventError([Problem(message)])


def _capped(problems: Iterable[Problem]) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS_PER_SHEET` problems per sheet, and a line for the rest."""
    kept: list[Problem] = []
    hidden: Counter[str | None] = Counter()
    shown: Counter[str | None] = Counter()
    for p in sorted(problems, key=Problem.sort_key):
        if shown[p.sheet] < MAX_PROBLEMS_PER_SHEET:
            shown[p.sheet] += 1
            kept.append(p)
        else:
            hidden[p.sheet] += 1
    for sheet, count in sorted(hidden.items(), key=lambda kv: kv[0] or ""):
        kept.append(
            Problem(
                f"{count} more problems in this sheet are not listed; fix the ones listed first",
                sheet,
            )
        )
    return kept


# -- opening ----------------------------------------------------------------------------------


class _Unreadable(Exception):
    """A sheet whose content cannot be read at all (reported, then skipped).

    ``row`` is where the trouble starts, as Excel numbers rows, when known.
    """

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


# -- limits on what is read (a small file must not make the reader use the machine's memory) --

#: The most an .xlsx may hold unpacked, in bytes; an event's workbook is a few megabytes.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: The most parts in an .xlsx archive.
MAX_PARTS = 10_000
#: The most rows and cells read from one sheet or CSV file.
MAX_ROWS = 200_000
MAX_CELLS = 5_000_000
#: The largest CSV file read, in bytes.
MAX_CSV_BYTES = 200 * 1024 * 1024


_SHEET_NAMES = frozenset(s.name for s in SHEETS)


def _check_archive(path: Path, label: str) -> None:
    """Refuse an .xlsx that would unpack to far more than any event (a "zip bomb")."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError) as exc:
        raise _fail(f"{label} cannot be opened as an Excel workbook ({exc})") from None
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise _fail(
            f"{label} would unpack to {unpacked / 2**20:,.0f} MB in {len(infos):,} parts, "
            f"more than the {MAX_UNPACKED_BYTES // 2**20} MB an event workbook may hold; it is "
            "damaged or not an event workbook. Copy the sheets' values into a new workbook"
        )


def _capped_rows(rows: Iterable[Sequence[Any]], name: str) -> Iterator[Sequence[Any]]:
    """``rows``, refusing a sheet with more rows or cells than any event has."""
    cells = 0
    for count, row in enumerate(rows, start=1):
        cells += len(row)
        if count > MAX_ROWS or cells > MAX_CELLS:
            raise _Unreadable(
                f"{name} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells, far more than "
                "any event; delete the rows and columns below and beside the data",
                count,
            )
        yield row


def _encrypted(path: Path) -> bool:
    """Whether ``path`` is an Office file protected by a password (an encrypted package)."""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and (
        "EncryptionInfo".encode("utf-16-le") in head or b"EncryptedPackage" in head
    )


def _unclosed_quote(text: str, records: int) -> _Unreadable | None:
    """A CSV whose last record runs to the end of the file inside quotes."""
    if text.count('"') % 2 == 0:
        return None
    return _Unreadable(
        'a quote (") opened in this row is never closed, so the rest of the file was read '
        "as one cell; close the quote or remove it",
        records,
    )


class _Book(Protocol):
    def sheet_names(self) -> list[str]: ...

    def rows(self, name: str, sheet: str, report: ProblemLog) -> Iterator[Sequence[Any]]: ...


@contextmanager
def _open(path: Any, label: str) -> Iterator[_Book]:
    if isinstance(path, Path) and not path.exists():
        raise _fail(f"there is no file or folder {label}")
    if path.is_dir():
        try:
            folder = _CsvFolder(path, label)
        except OSError as exc:
            raise _fail(f"cannot read the folder {label}: {exc.strerror or exc}") from None
        if not folder.files:
            expected = ", ".join(f"{s.name}.csv" for s in SHEETS if s.required)
            raise _fail(f"the folder {label} has no CSV files; an event folder holds {expected}")
        yield folder
        return
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raise _fail(
            f"{label} is a single CSV file; give the folder that holds one CSV file per sheet "
            "(event.csv, cities.csv, participants.csv, ...)"
        )
    if suffix == ".xls":
        raise _fail(f"{label} is an old-style .xls workbook; save it as an Excel Workbook (.xlsx)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(f"cannot open {label}: {exc.strerror or exc}") from None
    if size == 0:
        raise _fail(f"{label} is empty (0 bytes); it is not an Excel workbook")
    if suffix not in (".xlsx", ".xlsm"):
        raise _fail(
            f"{label} is not an event workbook: give an .xlsx file or a folder of CSV files"
        )
    if _encrypted(path):
        raise _fail(
            f"{label} is protected with a password; open it in Excel, remove the password "
            "(File > Info > Protect Workbook > Encrypt with Password), save it and try again"
        )
    if not zipfile.is_zipfile(path):
        raise _fail(
            f"{label} is not an Excel .xlsx workbook (an .xlsx file is a zip archive, this "
            "file is not); open it in Excel and save it as an Excel Workbook (.xlsx)"
        )
    _check_archive(path, label)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise _fail(f"{label} cannot be opened as an Excel workbook ({exc})") from None
    book = _Workbook(workbook, path, label)
    try:
        yield book
    finally:
        book.close()


class _DateOnly(dt.datetime):
    """A cell formatted as a date alone: Excel keeps it as that day at 00:00."""


@attrs.frozen
class _UnsavedFormula:
    """A formula cell whose value was never saved (openpyxl reads it as empty)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


_FORMULA_MESSAGE = (
    "this cell holds a formula with no saved value; open and save the workbook in Excel "
    "(or type the value)"
)

# A formula element followed by the end of its cell or by an empty value: the workbook was
# saved by a tool that does not calculate. Only then is the workbook opened a second time,
# with formulas, to find the cells.
_NS = rb"(?:[\w.-]+:)?"
_UNSAVED_FORMULA = re.compile(
    rb"(?:</" + _NS + rb"f>|<" + _NS + rb"f(?:\s[^>]*)?/>)\s*"
    rb"(?:</" + _NS + rb"c>|<" + _NS + rb"v(?:\s[^>]*)?(?:/>|>\s*</" + _NS + rb"v>))"
)


def _parts_with_unsaved_formulas(path: Path) -> frozenset[str]:
    """The worksheet parts of the workbook at ``path`` with a formula that has no value."""
    found = set()
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                part = info.filename
                if "worksheets/" not in part or not part.endswith(".xml") or "_rels/" in part:
                    continue
                data = archive.read(info)
                # Every formula closes with "f>" (a shared formula's first cell holds its
                # text), so most sheets are passed over without the slower pattern.
                if b"f>" in data and _UNSAVED_FORMULA.search(data):
                    found.add(part.lstrip("/"))
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        pass  # the sheets themselves will say what is wrong
    return frozenset(found)


_TEXT_OR_BRACKETS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


@functools.lru_cache(maxsize=256)
def _shows_no_time(number_format: str) -> bool:
    """Whether a date number format shows no hour (nor seconds), e.g. ``yyyy-mm-dd``."""
    shown = _TEXT_OR_BRACKETS.sub("", number_format).lower()
    return "h" not in shown and "s" not in shown


class _Workbook:
    """An ``.xlsx`` workbook opened read-only, with its cached values."""

    def __init__(self, workbook: Any, path: Path, label: str) -> None:
        self.workbook = workbook
        self.path = path
        self.label = label
        self._unsaved: frozenset[str] | None = None
        self._formula_book: Any = None

    def close(self) -> None:
        self.workbook.close()
        if self._formula_book is not None:
            self._formula_book.close()

    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def rows(self, name: str, sheet: str, report: ProblemLog) -> Iterator[Sequence[Any]]:
        worksheet = self.workbook[name]
        if not hasattr(worksheet, "iter_rows"):
            raise _Unreadable(f"sheet {name!r} is a chart, not a table")
        # The stored dimension may be missing or wrong (and may claim a million rows); with
        # it reset, openpyxl yields each row as stored, blank gaps as empty rows.
        worksheet.reset_dimensions()
        formulas = self._formulas(name, worksheet)
        try:
            rows = _capped_rows(worksheet.iter_rows(), f"sheet {name!r}")
            for excel_row, cells in enumerate(rows, start=1):
                values = _values(cells)
                if formulas and excel_row in formulas:
                    for index, formula in formulas[excel_row].items():
                        # A formula whose saved result is "" (e.g. =IFERROR(...,"")) is
                        # stored as a string cell with an empty value: it has a value.
                        if (
                            index < len(values)
                            and values[index] is None
                            and getattr(cells[index], "data_type", None) != "str"
                        ):
                            values[index] = _UnsavedFormula(formula)
                yield values
        except _Unreadable:
            raise
        except Exception as exc:  # a damaged sheet is reported, not raised
            raise _Unreadable(f"sheet {name!r} cannot be read ({exc})") from None

    def _formulas(self, name: str, worksheet: Any) -> dict[int, dict[int, str]]:
        """The formula cells of a sheet by Excel row and position, when some lack a value."""
        if self._unsaved is None:
            self._unsaved = _parts_with_unsaved_formulas(self.path)
        if not self._unsaved:
            return {}
        part = getattr(worksheet, "_worksheet_path", None)  # openpyxl's name of the sheet's file
        if isinstance(part, str) and part.lstrip("/") not in self._unsaved:
            return {}
        import openpyxl

        try:
            if self._formula_book is None:
                self._formula_book = openpyxl.load_workbook(
                    self.path, read_only=True, data_only=False
                )
            worksheet = self._formula_book[name]
            worksheet.reset_dimensions()
            found: dict[int, dict[int, str]] = {}
            for excel_row, cells in enumerate(worksheet.iter_rows(), start=1):
                for index, cell in enumerate(cells):
                    if cell.data_type == "f":
                        text = getattr(cell.value, "text", cell.value)  # array formulas
                        found.setdefault(excel_row, {})[index] = str(text)
        except Exception:  # the values view reports a damaged sheet itself
            logger.debug("cannot read the formulas of sheet %r", name, exc_info=True)
            return {}
        return found


def _values(cells: Sequence[Any]) -> list[Any]:
    """The values of a row of cells; a date shown without a time is marked as such."""
    values = []
    for cell in cells:
        value = cell.value
        if (
            value.__class__ is dt.datetime
            and not (value.hour or value.minute or value.second or value.microsecond)
            and _shows_no_time(cell.number_format)
        ):
            value = _DateOnly(value.year, value.month, value.day)
        values.append(value)
    return values


def _size_of(entry: Any) -> int | None:
    try:
        return int(entry.stat().st_size)
    except (AttributeError, OSError):
        return None  # a packaged example: small


class _CsvFolder:
    """A folder with one CSV file per sheet."""

    def __init__(self, folder: _Traversable, label: str) -> None:
        self.label = label
        self.files: dict[str, Any] = {}
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.lower().endswith(".csv") and entry.is_file():
                # By the exact stem: `cities.csv` and `Cities.csv` are two sheets, and
                # _read_book reports the pair.
                self.files.setdefault(entry.name[: -len(".csv")], entry)

    def sheet_names(self) -> list[str]:
        return list(self.files)

    def rows(self, name: str, sheet: str, report: ProblemLog) -> Iterator[Sequence[Any]]:
        entry = self.files[name]
        size = _size_of(entry)
        if size is not None and size > MAX_CSV_BYTES:
            raise _Unreadable(
                f"{entry.name} is {size / 2**20:,.0f} MB, more than the "
                f"{MAX_CSV_BYTES // 2**20} MB an event's CSV file may be"
            )
        try:
            data = entry.read_bytes()
        except OSError as exc:
            raise _Unreadable(f"{entry.name} cannot be read ({exc.strerror or exc})") from None
        text = _decode(data, entry.name, sheet, report)
        first_line = text.split("\n", 1)[0]
        delimiter = ","
        if "," not in first_line:
            # Excel saves ";"- or tab-separated files in some locales.
            if ";" in first_line:
                delimiter = ";"
            elif "\t" in first_line:
                delimiter = "\t"
        records = 0
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for record in _capped_rows(reader, entry.name):
                records += 1
                yield record
        except csv.Error as exc:
            raise _Unreadable(
                f"{entry.name} is not a well-formed CSV file ({exc})", records + 1
            ) from None
        unclosed = _unclosed_quote(text, records)
        if unclosed is not None:
            raise unclosed


def _decode(data: bytes, file_name: str, sheet: str, report: ProblemLog) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _Unreadable(f"{file_name} is not valid UTF-16 text") from None
    if b"\x00" in data:
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or data.count(b"\x00") > 8:
            raise _Unreadable(f"{file_name} is not a text CSV file (it holds binary data)")
        # Text with a stray NUL byte: say where it is.
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise _Unreadable(
            f"{file_name} is not a text CSV file: this row holds a NUL byte (binary data)", line
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _Unreadable(
                f"{file_name} is not UTF-8 text (bad byte at position {exc.start}); "
                "save it as 'CSV UTF-8 (Comma delimited)'"
            ) from None
        report.warning(
            f"{file_name} is not UTF-8 text; it was read as Windows-1252 (cp1252). Check "
            "names with accents, or save it as 'CSV UTF-8 (Comma delimited)'",
            sheet,
        )
        return text


# -- reading sheets ---------------------------------------------------------------------------


@attrs.define
class _EventSheet:
    """The ``event`` sheet: values by key, the row of each key, keys already reported."""

    values: dict[str, str] = attrs.field(factory=dict)
    rows: dict[str, int] = attrs.field(factory=dict)
    reported: set[str] = attrs.field(factory=set)


@attrs.define
class _Table:
    """The readable rows of a sheet (Excel row, fields) and the ids of unreadable ones."""

    items: list[tuple[int, dict[str, Any]]] = attrs.field(factory=list)
    broken: set[str] = attrs.field(factory=set)
    #: None of its rows could be read (the sheet or a required column is missing).
    lost: bool = False


def _read_book(book: _Book, report: ProblemLog) -> tuple[_EventSheet, dict[str, _Table]]:
    names: dict[str, str] = {}
    for name in book.sheet_names():
        first = names.setdefault(normalise_name(name), name)
        if first != name and normalise_name(name) in _SHEET_NAMES:
            # `cities.csv` beside `Cities.csv`: reading one would silently ignore the other.
            report.error(
                f"both {first!r} and {name!r} are the {normalise_name(name)} sheet; keep one",
                normalise_name(name),
            )
    event_sheet = _EventSheet()
    tables: dict[str, _Table] = {}
    for sheet in SHEETS:
        actual = names.get(sheet.name)
        if actual is None:
            if sheet.required:
                report.error(f"the {sheet.name} sheet is missing", sheet.name)
            if sheet.is_key_value:
                event_sheet.reported.update(k.name for k in sheet.keys)
            elif sheet.required:
                tables[sheet.name] = _Table(lost=True)
            continue
        try:
            rows = book.rows(actual, sheet.name, report)
            if sheet.is_key_value:
                event_sheet = _read_event_sheet(sheet, rows, report)
            else:
                tables[sheet.name] = _read_table(sheet, rows, report)
        except _Unreadable as exc:
            report.error(str(exc), sheet.name, exc.row)
            if sheet.is_key_value:
                event_sheet.reported.update(k.name for k in sheet.keys)
            else:
                tables[sheet.name] = _Table(lost=True)
    return event_sheet, tables


def _is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


_Numbered = Iterator[tuple[int, Sequence[Any]]]

#: How many rows below a title row are searched for the real header.
_HEADER_SEARCH_ROWS = 4


def _header(
    sheet: Sheet, rows: _Numbered, report: ProblemLog
) -> tuple[tuple[int, dict[str, int]] | None, _Numbered]:
    """Find the header (the first row that is not blank) and the position of each column.

    Also returns the rows after the header, still to be read.
    """
    known = {c.name for c in sheet.columns}
    required = [c.name for c in sheet.columns if c.required]
    for excel_row, values in rows:
        if _is_blank(values):
            continue
        positions: dict[str, int] = {}
        for index, cell in enumerate(values):
            name = normalise_name(cell)
            if name not in known:
                continue  # extra columns are allowed
            if name in positions:
                report.error("this column appears twice", sheet.name, excel_row, name, cell)
                continue
            positions[name] = index
        missing = [name for name in required if name not in positions]
        if not missing:
            return (excel_row, positions), rows
        # A title above the header ("Rooms for the exchange") is the usual reason.
        below = list(itertools.islice(rows, _HEADER_SEARCH_ROWS))
        rows = itertools.chain(below, rows)
        title = _row_text(values)
        header_row = next(
            (r for r, v in below if set(required) <= {normalise_name(c) for c in v}), None
        )
        suffix = ""
        if header_row is not None:
            report.error(
                f"row {excel_row} reads {title!r}; the first row must be the header "
                f"(found the header in row {header_row})",
                sheet.name,
                excel_row,
                None,
                title,
            )
        elif not positions:
            suffix = f"; row {excel_row} reads {title!r}; the first row must be the column names"
        for name in missing:
            report.error(
                f"the required column {name} is missing from the header row{suffix}",
                sheet.name,
                excel_row,
                name,
            )
        return (excel_row, positions), rows
    if sheet.required:
        report.error(
            "the sheet is empty; it is required, and its first row must name the columns: "
            + ", ".join(c.name for c in sheet.columns),
            sheet.name,
        )
    return None, rows


def _row_text(values: Sequence[Any]) -> str:
    """The filled cells of a row, as one line of text."""
    text = " ".join(str(_shown(v)).strip() for v in values if not _is_blank((v,)))
    return text if len(text) <= 80 else text[:77] + "..."


def _read_table(sheet: Sheet, rows: Iterable[Sequence[Any]], report: ProblemLog) -> _Table:
    table = _Table()
    found, numbered = _header(sheet, enumerate(rows, start=1), report)
    if found is None:
        # An empty optional sheet is as good as none; an empty required one was reported.
        table.lost = sheet.required
        return table
    _, positions = found
    columns = [(c, positions.get(c.name)) for c in sheet.columns]
    complete = all(c.name in positions for c in sheet.columns if c.required)
    table.lost = not complete
    id_position = positions.get(sheet.id_column) if sheet.id_column else None
    for excel_row, values in numbered:
        if _is_blank(values):
            continue
        width = len(values)
        if complete:
            fields: dict[str, Any] = {}
            ok = True
            for column, position in columns:
                raw = values[position] if position is not None and position < width else None
                if raw.__class__ is _UnsavedFormula:
                    ok &= not _report_unsaved(
                        report, column.required, sheet.name, excel_row, column.name, raw
                    )
                    continue
                value, error = _parse(raw, column)
                if error is None and column.name == sheet.id_column and not is_valid_id(value):
                    error = _ID_MESSAGE
                if error is not None:
                    report.error(error, sheet.name, excel_row, column.name, raw)
                    ok = False
                    continue
                if raw.__class__ is _DateOnly and column.type is ColumnType.DATETIME:
                    report.warning(
                        _date_only_message(raw), sheet.name, excel_row, column.name, raw.date()
                    )
                if value is not _EMPTY:
                    fields[column.name] = value
            if ok:
                table.items.append((excel_row, fields))
                continue
        if id_position is not None and id_position < width:
            # Unreadable rows still name an id that other sheets may use.
            broken, _ = _parse_id(values[id_position])
            if isinstance(broken, str) and values[id_position].__class__ is not _UnsavedFormula:
                table.broken.add(broken)
    return table


def _report_unsaved(
    report: ProblemLog, required: bool, sheet: str, row: int, column: str, raw: Any
) -> bool:
    """Report a formula cell with no saved value: an error where a value is required,
    else a warning (the cell reads as empty). Returns whether it was an error."""
    (report.error if required else report.warning)(_FORMULA_MESSAGE, sheet, row, column, raw)
    return required


def _date_only_message(day: dt.datetime) -> str:
    return (
        "this cell holds a date with no time (read as 00:00); give the time too, "
        f"e.g. {day:%Y-%m-%d} 09:00"
    )


def _read_event_sheet(
    sheet: Sheet, rows: Iterable[Sequence[Any]], report: ProblemLog
) -> _EventSheet:
    result = _EventSheet()
    keys = {k.name: k for k in sheet.keys}
    found, numbered = _header(sheet, enumerate(rows, start=1), report)
    if found is None or "key" not in found[1] or "value" not in found[1]:
        result.reported.update(keys)
        return result
    _, positions = found
    key_at, value_at = positions["key"], positions["value"]
    for excel_row, values in numbered:
        if _is_blank(values):
            continue
        raw_key = values[key_at] if key_at < len(values) else None
        raw_value = values[value_at] if value_at < len(values) else None
        key = normalise_name(raw_key)
        if not key:
            report.warning("a value without a key is ignored", sheet.name, excel_row, "key")
            continue
        if key not in keys:
            report.warning(
                "unknown key, ignored; the keys are " + ", ".join(keys),
                sheet.name,
                excel_row,
                "key",
                raw_key,
            )
            continue
        if key in result.rows:
            report.error(
                f"the key {key} is given twice (first in row {result.rows[key]})",
                sheet.name,
                excel_row,
                "key",
                raw_key,
            )
            result.reported.add(key)
            continue
        result.rows[key] = excel_row
        if raw_value.__class__ is _UnsavedFormula:
            if _report_unsaved(
                report, keys[key].required, sheet.name, excel_row, "value", raw_value
            ):
                result.reported.add(key)
            continue
        value, _ = _parse_text(raw_value)
        if isinstance(value, str):
            result.values[key] = value
        elif keys[key].required:
            report.error(f"the event's {key} is required", sheet.name, excel_row, "value")
            result.reported.add(key)
    for key, column in keys.items():
        if column.required and key not in result.rows:
            report.error(
                f"the key {key} is missing: add a row with {key} in column key and its value",
                sheet.name,
                None,
                "key",
            )
            result.reported.add(key)
    zone = result.values.get("timezone")
    if zone is not None and not _is_time_zone(zone):
        report.error(
            "not an IANA time zone name (e.g. America/Chicago)",
            sheet.name,
            result.rows["timezone"],
            "value",
            zone,
        )
        result.reported.add("timezone")
        del result.values["timezone"]
    return result


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except Exception:  # zoneinfo raises OSError for names such as "America" (a folder)
        return False
    return True


# -- cells ------------------------------------------------------------------------------------


class _Empty:
    """An empty cell: the value is not given."""

    def __repr__(self) -> str:
        return "<empty>"


_EMPTY: Any = _Empty()

_Parsed = tuple[Any, str | None]


def _shown(value: object) -> str | None:
    """A cell value as the planner would recognise it in a problem."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _number_text(value: float) -> str:
    if math.isfinite(value) and value.is_integer():
        return str(int(value))
    return repr(value)


def _parse_text(raw: Any) -> _Parsed:
    if raw is None:
        return _EMPTY, None
    if isinstance(raw, str):
        text = raw.strip()
        return (text if text else _EMPTY), None
    if isinstance(raw, bool):
        return ("TRUE" if raw else "FALSE"), None
    if isinstance(raw, int):
        return str(raw), None
    if isinstance(raw, float):
        return _number_text(raw), None
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ", timespec="minutes"), None
    return str(raw), None


def _parse_id(raw: Any) -> _Parsed:
    if isinstance(raw, bool):
        return None, "must be an id, not true/false"
    if isinstance(raw, (dt.datetime, dt.date, dt.time)):
        return None, (
            "must be an id, but Excel stored a date or time here; format the column as Text "
            "and type the id again"
        )
    return _parse_text(raw)


def _parse_list(raw: Any) -> _Parsed:
    text, error = _parse_text(raw)
    if error is not None or text is _EMPTY:
        return text, error
    items = tuple(part.strip() for part in str(text).split(";") if part.strip())
    return (items if items else _EMPTY), None


_INT_TEXT = re.compile(r"^[+-]?\d+(\.0*)?$")
_FLOAT_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _parse_int(raw: Any) -> _Parsed:
    error = "must be a whole number"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _EMPTY, None
    if isinstance(raw, bool):
        return None, error
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            return int(raw), None
        return None, error
    if isinstance(raw, str):
        text = raw.strip()
        if _INT_TEXT.match(text):
            return int(text.split(".")[0]), None
        if _FLOAT_TEXT.match(text):
            number = float(text)
            if math.isfinite(number) and number.is_integer():
                return int(number), None
    return None, error


def _parse_float(raw: Any) -> _Parsed:
    error = "must be a number"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _EMPTY, None
    if isinstance(raw, bool):
        return None, error
    if isinstance(raw, (int, float)):
        number = float(raw)
    elif isinstance(raw, str) and _FLOAT_TEXT.match(raw.strip()):
        number = float(raw.strip())
    else:
        return None, error
    if not math.isfinite(number):
        return None, error
    return number, None


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _parse_bool(raw: Any) -> _Parsed:
    error = "must be true or false (yes/no, y/n and 1/0 also work)"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _EMPTY, None
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw), None
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in ("1.0", "0.0"):
            word = word[0]
        if word in _TRUE:
            return True, None
        if word in _FALSE:
            return False, None
    return None, error


_EXAMPLE_TIME = "e.g. 2027-04-20 09:00"
_LOCAL_ONLY = (
    "must be a local wall-clock time without a time zone or UTC offset "
    "(times are local to the event's time zone)"
)


def _parse_datetime(raw: Any) -> _Parsed:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _EMPTY, None
    if isinstance(raw, dt.datetime):
        if raw.tzinfo is not None:
            return None, _LOCAL_ONLY
        if raw.microsecond:
            # Excel keeps times as fractions of a day; undo the rounding noise.
            raw = (raw + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if raw.__class__ is not dt.datetime:
            raw = dt.datetime(raw.year, raw.month, raw.day, raw.hour, raw.minute, raw.second)
        return raw, None
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day), None
    if isinstance(raw, dt.time):
        return None, f"needs a date as well as a time, {_EXAMPLE_TIME}"
    if not isinstance(raw, str):
        return None, f"must be a date and time, {_EXAMPLE_TIME}"
    text = raw.strip()
    if _DATE_ONLY.match(text):
        return None, f"needs a time as well as a date, {_EXAMPLE_TIME}"
    if _ZONED.search(text):
        return None, _LOCAL_ONLY
    return _strict_time(text)


_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
_ZONED = re.compile(r"\d(?:Z|[+-]\d{2}:?\d{2})$")

# -- strict text times (the contract: YYYY-MM-DD HH:MM, or with T) --------------------------

#: The one shape a time typed as text may have; a one-digit hour is how people type it.
_TEXT_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$")
_TIME_SHAPE = (
    "must be a date and time written YYYY-MM-DD HH:MM, {example}; {what} is not read as a "
    "time (type it as in the example, or as an Excel date-time)"
)


def _strict_time(text: str) -> _Parsed:
    """A text time in the contract's one shape, or what is wrong with it.

    ``14.45``, ``9:30 AM``, seconds and fractions of a second are errors: read any
    other way they would be a different time than the planner meant.
    """
    match = _TEXT_TIME.match(text)
    if match is None:
        return None, _TIME_SHAPE.format(example=_EXAMPLE_TIME, what=_time_shape_of(text))
    year, month, day, hour, minute = (int(g) for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute), None
    except ValueError:
        return None, f"there is no such date and time; {_EXAMPLE_TIME}"


def _time_shape_of(text: str) -> str:
    if re.search(r"\d:\d{2}:\d{2}", text):
        return "a time with seconds"
    if re.search(r"(?i)\d\s*[ap]\.?m\.?$", text):
        return "a time with AM or PM"
    if re.search(r"\d[.,]\d{2}(?!\d)", text) and not re.search(r"\d:\d", text):
        return "a time written with a dot or comma (14.45)"
    return "text in another shape"


def _parser_for_enum(column: Column) -> Callable[[Any], _Parsed]:
    choices = {normalise_name(c): c for c in column.choices}
    error = "must be one of " + ", ".join(column.choices)

    def parse(raw: Any) -> _Parsed:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return _EMPTY, None
        if not isinstance(raw, str):
            return None, error
        word = choices.get(normalise_name(raw))
        return (word, None) if word is not None else (None, error)

    return parse


_PARSERS: dict[ColumnType, Callable[[Any], _Parsed]] = {
    ColumnType.ID: _parse_id,
    ColumnType.TEXT: _parse_text,
    ColumnType.INT: _parse_int,
    ColumnType.FLOAT: _parse_float,
    ColumnType.BOOL: _parse_bool,
    ColumnType.DATETIME: _parse_datetime,
    ColumnType.LIST: _parse_list,
}

_ENUM_PARSERS: dict[Column, Callable[[Any], _Parsed]] = {}


def _parse(raw: Any, column: Column) -> _Parsed:
    """Read one cell: ``(value, None)``, ``(_EMPTY, None)`` or ``(None, what is wrong)``."""
    if column.type is ColumnType.ENUM:
        parser = _ENUM_PARSERS.get(column)
        if parser is None:
            parser = _ENUM_PARSERS[column] = _parser_for_enum(column)
    else:
        parser = _PARSERS[column.type]
    value, error = parser(raw)
    if error is None and value is _EMPTY and column.required:
        return None, "a value is required here"
    return value, error


# -- the event --------------------------------------------------------------------------------


_EVENT_KEY_NAMES = tuple(k.name for k in EVENT_KEYS)
_KEY_IN_MESSAGE = re.compile(r"the event's (\w+)")


def _make_event(
    event_sheet: _EventSheet, tables: Mapping[str, _Table], report: ProblemLog
) -> Event:
    fields: dict[str, Any] = {
        "name": event_sheet.values.get("name", ""),
        "host_city": event_sheet.values.get("host_city", ""),
        "timezone": event_sheet.values.get("timezone", ""),
        "venue": event_sheet.values.get("venue"),
    }
    for sheet_name, table in tables.items():
        model = _MODEL_OF[sheet_name]
        fields[sheet_name] = tuple(model(**f, row=row) for row, f in table.items)
    _lose_references(tables)
    if not report.has_errors:
        try:
            return Event(**fields)
        except EventError as exc:
            raise EventError(
                _capped(_locate(exc.problems, event_sheet)),
                [*report.warnings(), *_locate(exc.warnings, event_sheet)],
            ) from None
    # Rows were left out: check_event is told which ids they had, so it neither reports
    # references to them again nor counts seats without them.
    # A lost sheet (missing, or without a column it needs) is named even with no ids, so
    # that check_event does not report it again as empty.
    broken = {name: table.broken for name, table in tables.items() if table.broken or table.lost}
    found = check_event(unchecked_event(**fields), broken_ids=broken, complete=False)
    located = list(_locate(found, event_sheet))
    raise EventError(
        _capped([*report.errors(), *(p for p in located if p.is_error)]),
        [*report.warnings(), *(p for p in located if not p.is_error)],
    )


def _lose_references(tables: Mapping[str, _Table]) -> None:
    """Count every reference to a lost sheet as a reference to a row already reported."""
    lost = {name for name, table in tables.items() if table.lost}
    if not lost:
        return
    for sheet in SHEETS:
        table = tables.get(sheet.name)
        if table is None:
            continue
        for column in sheet.columns:
            targets = lost.intersection(column.refers_to)
            if not targets:
                continue
            for _, fields in table.items:
                value = fields.get(column.name)
                names = value if isinstance(value, tuple) else (value,)
                for target in targets:
                    tables[target].broken.update(n for n in names if isinstance(n, str))


def _locate(problems: Iterable[Problem], event_sheet: _EventSheet) -> Iterator[Problem]:
    """Point problems about the event's keys at the row of the key, column ``value``."""
    for p in problems:
        if p.sheet != "event":
            yield p
            continue
        key = p.column if p.column in _EVENT_KEY_NAMES else None
        if key is None:
            match = _KEY_IN_MESSAGE.search(p.message)
            key = match.group(1) if match else None
        if key is None:
            yield p
        elif key not in event_sheet.reported:
            # Already reported by the reader (missing key, empty value, bad zone) otherwise.
            yield attrs.evolve(p, row=event_sheet.rows.get(key), column="value")
