"""A small valid event workbook as Python rows, and helpers to mutate, write and read it.

Rows are dicts by column name so that a test can change one cell by sheet,
Excel row number and column, exactly as a planner would in Excel.
"""

from __future__ import annotations

import copy
import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import pytest

from convening import Event, EventError, Problem
from convening.io import read_event
from convening.io.schema import SHEET_BY_NAME, SHEETS
from convening.io.writer import write_sheets

Rows = dict[str, list[dict[str, Any]]]

DAY = dt.datetime(2027, 4, 20)


def at(hour: float) -> dt.datetime:
    """A time on the event's day."""
    return DAY + dt.timedelta(minutes=round(hour * 60))


_BASE: Rows = {
    "event": [
        {"key": "name", "value": "Peer exchange"},  # row 2
        {"key": "host_city", "value": "Albany, NY"},  # row 3
        {"key": "timezone", "value": "America/New_York"},  # row 4
        {"key": "venue", "value": "Empire Hall"},  # row 5
    ],
    "cities": [
        {"city_id": "c1", "name": "Flint", "state": "MI", "topics": "housing;finance"},
        {"city_id": "c2", "name": "Gary", "state": "IN", "population": 69000, "latitude": 41.6},
    ],
    "participants": [
        {"participant_id": "c1-a", "name": "Ada", "city_id": "c1", "role": "official"},  # 2
        {"participant_id": "c1-b", "name": "Ben", "city_id": "c1", "role": "official"},  # 3
        {"participant_id": "c1-p", "name": "Cy", "city_id": "c1", "role": "partner"},  # 4
        {"participant_id": "c2-a", "name": "Di", "city_id": "c2", "role": "official"},  # 5
        {"participant_id": "c2-b", "name": "Ed", "city_id": "c2", "role": "official"},  # 6
        {
            "participant_id": "c2-p",
            "name": "Flo",
            "city_id": "c2",
            "role": "partner",
            "accessible": True,
        },  # 7
        {"participant_id": "f1", "name": "Gus", "role": "facilitator", "topics": "housing"},  # 8
        {"participant_id": "spk", "name": "Hal", "role": "speaker"},  # 9
        {
            "participant_id": "st1",
            "name": "Ida",
            "role": "staff",
            "arrives": at(8),
            "departs": at(18),
        },  # 10
    ],
    "rooms": [
        {"room_id": "hall", "name": "Main hall", "capacity": 100},  # 2
        {"room_id": "r1", "name": "Room 1", "capacity": 12, "accessible": True},  # 3
        {"room_id": "r2", "name": "Room 2", "capacity": 12, "accessible": False},  # 4
    ],
    "slots": [
        {"slot_id": "open", "start": at(9), "end": at(10), "kind": "plenary"},  # 2
        {"slot_id": "b1", "start": at(10.5), "end": at(11.5), "kind": "breakout"},  # 3
        {"slot_id": "b2", "start": at(11.5), "end": at(12.5), "kind": "breakout"},  # 4
        {"slot_id": "lunch", "start": at(12.5), "end": at(13.5), "kind": "networking"},  # 5
        {"slot_id": "tour", "start": at(14), "end": at(16), "kind": "tour"},  # 6
        {"slot_id": "ap", "start": at(16.5), "end": at(17.5), "kind": "action_planning"},  # 7
        {"slot_id": "coffee", "start": at(10), "end": at(10.5), "kind": "break"},  # 8
    ],
    "sessions": [
        {
            "session_id": "welcome",
            "title": "Welcome",
            "kind": "plenary",
            "presenters": "spk",
            "slot_id": "open",
            "room_id": "hall",
        },  # 2
        {
            "session_id": "x1",
            "title": "Land banks",
            "kind": "breakout",
            "topic": "housing",
            "presenters": "c1-a",
            "capacity": 3,
        },  # 3
        {
            "session_id": "x2",
            "title": "Budgets",
            "kind": "breakout",
            "topic": "finance",
            "offered": 2,
            "capacity": 5,
        },  # 4
        {
            "session_id": "x3",
            "title": "Data",
            "kind": "breakout",
            "presenters": "c1-a;c2-p",
            "slot_id": "b1",
            "room_id": "r1",
            "capacity": 4,
            "description": "Open data",
        },  # 5
    ],
    "tours": [
        {
            "tour_id": "walk",
            "title": "River walk",
            "capacity": 20,
            "slot_id": "tour",
            "walking": True,
        },  # 2
        {"tour_id": "bus", "title": "Bus tour", "capacity": 20, "walking": False},  # 3
    ],
    "preferences": [
        {"participant_id": "c1-b", "item_id": "x2", "rank": 1},  # 2
        {"participant_id": "c2-b", "item_id": "walk", "rank": 1},  # 3
    ],
    "networking": [{"slot_id": "lunch", "table_size": 4}],  # 2
    "networking_rules": [
        {"rule": "host", "participant_id": "f1"},  # 2
        {"rule": "apart", "participant_id": "c1-a", "other_id": "c2-a", "slot_id": "lunch"},
    ],
}


def base_rows() -> Rows:
    """A fresh copy of the small valid event, as rows by sheet."""
    return copy.deepcopy(_BASE)


def set_cell(rows: Rows, sheet: str, row: int, column: str, value: Any) -> Rows:
    """Change one cell, addressed as Excel shows it (the first data row is row 2)."""
    rows[sheet][row - 2][column] = value
    return rows


def as_tables(
    rows: Rows, drop_columns: dict[str, str] | None = None
) -> dict[str, list[list[Any]]]:
    """Rows by sheet as lists, header first, every schema column (minus ``drop_columns``)."""
    drop_columns = drop_columns or {}
    tables: dict[str, list[list[Any]]] = {}
    for name, items in rows.items():
        sheet = SHEET_BY_NAME.get(name)
        header = (
            [c.name for c in sheet.columns] if sheet else sorted({k for i in items for k in i})
        )
        for item in items:
            header += [k for k in item if k not in header]
        header = [h for h in header if h != drop_columns.get(name)]
        tables[name] = [header] + [[item.get(h) for h in header] for item in items]
    return tables


def write_book(rows: Rows | dict[str, list[list[Any]]], path: Path, form: str = "xlsx") -> Path:
    """Write rows (dicts, or header-first lists) as ``path.xlsx`` or a CSV folder ``path``."""
    tables = rows if all(not v or isinstance(v[0], list) for v in rows.values()) else None
    if tables is None:
        tables = as_tables(rows)  # type: ignore[arg-type]
    target = path.with_suffix(".xlsx") if form == "xlsx" else path
    return write_sheets(tables, target)


def read_quietly(path: Path) -> Event:
    """Read an event, not letting its warnings reach the test output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_event(path)


def problems_of(path: Path) -> tuple[list[Problem], list[Problem]]:
    """The errors and warnings found reading ``path`` (no errors when it reads)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            event = read_event(path)
        except EventError as exc:
            return exc.problems, exc.warnings
    return [], list(event.warnings)


FORMS = pytest.mark.parametrize("form", ["xlsx", "csv"])

ALL_SHEETS = tuple(s.name for s in SHEETS)
