"""A blank event workbook for planners to fill in.

The template has every sheet of the event workbook with its header row, a
small consistent example in each (one delegation of three, a breakout and a
networking slot), and a ``README`` sheet that explains every column. The
reader ignores the ``README`` sheet, so the template as written reads back as
a valid (if tiny) event.
"""

from __future__ import annotations

import datetime as dt
from os import PathLike
from pathlib import Path
from typing import Any

from convening._files import check_new_file
from convening.io.schema import SHEETS
from convening.io.writer import write_sheets

__all__ = ["EXAMPLE_ROWS", "SURVEY_NOTE", "readme_rows", "write_template"]

_DAY = dt.datetime(2027, 4, 20)

#: The example rows of each sheet, by column name.
EXAMPLE_ROWS: dict[str, list[dict[str, Any]]] = {
    "event": [
        {"key": "name", "value": "Peer Cities Convening 2027"},
        {"key": "host_city", "value": "Albany, NY"},
        {"key": "timezone", "value": "America/New_York"},
        {"key": "venue", "value": "Empire Hall, 1 State Street, Albany, NY"},
    ],
    "cities": [
        {
            "city_id": "flint-mi",
            "name": "Flint",
            "state": "MI",
            "topics": "vacant property reuse;health data",
            "population": 81000,
            "region": "Midwest",
            "latitude": 43.0125,
            "longitude": -83.6875,
        }
    ],
    "participants": [
        {
            "participant_id": "p001",
            "name": "Ada Lee",
            "city_id": "flint-mi",
            "role": "official",
            "title": "Director of Planning",
            "organization": "City of Flint",
            "email": "ada.lee@example.org",
            "topics": "vacant property reuse",
            "accessible": False,
        },
        {
            "participant_id": "p002",
            "name": "Ben Ortiz",
            "city_id": "flint-mi",
            "role": "official",
            "title": "Deputy Mayor",
            "organization": "City of Flint",
            "accessible": True,
            "departs": _DAY.replace(hour=17),
        },
        {
            "participant_id": "p003",
            "name": "Cara Diaz",
            "city_id": "flint-mi",
            "role": "partner",
            "title": "Program Officer",
            "organization": "Community Foundation of Greater Flint",
            "topics": "health data",
            "arrives": _DAY.replace(hour=8),
            "away": "d1-registration",
        },
        {
            "participant_id": "p004",
            "name": "Dana Fox",
            "role": "staff",
            "title": "Events Coordinator",
            "organization": "Peer Cities Network",
            "attends": "plenary",
        },
    ],
    "rooms": [{"room_id": "hall", "name": "Main hall", "capacity": 120, "accessible": True}],
    "slots": [
        {
            "slot_id": "d1-registration",
            "start": _DAY.replace(hour=8),
            "end": _DAY.replace(hour=9),
            "kind": "break",
            "title": "Registration and coffee",
            "location": "Main lobby",
        },
        {
            "slot_id": "d1-breakout",
            "start": _DAY.replace(hour=10, minute=30),
            "end": _DAY.replace(hour=11, minute=30),
            "kind": "breakout",
        },
        {
            "slot_id": "d1-lunch",
            "start": _DAY.replace(hour=12),
            "end": _DAY.replace(hour=13),
            "kind": "networking",
            "title": "Networking lunch",
        },
        {
            "slot_id": "d1-tour",
            "start": _DAY.replace(hour=14),
            "end": _DAY.replace(hour=16),
            "kind": "tour",
        },
    ],
    "sessions": [
        {
            "session_id": "s-vacant-lots",
            "title": "Turning vacant lots into assets",
            "kind": "breakout",
            "topic": "vacant property reuse",
            "presenters": "p001",
            "slot_id": "d1-breakout",
            "room_id": "hall",
            "offered": 1,
            "capacity": 40,
            "description": "How Flint's land bank returned 2,000 lots to use.",
        }
    ],
    "tours": [
        {
            "tour_id": "t-riverfront",
            "title": "Riverfront by accessible bus",
            "capacity": 25,
            "walking": False,
            "topic": "waterfront redevelopment",
            "departures": 1,
            "meeting_point": "Main lobby",
            "leaders": "p004",
            "description": "The restored riverfront with its planners, stop by stop.",
        }
    ],
    "preferences": [{"participant_id": "p002", "item_id": "s-vacant-lots", "rank": 1}],
    "networking": [{"slot_id": "d1-lunch", "table_size": 8}],
    "networking_rules": [{"rule": "host", "participant_id": "p003", "slot_id": "d1-lunch"}],
}


#: How the README sheet points planners at the survey import.
SURVEY_NOTE = (
    "From a registration survey (Google Forms, Microsoft Forms, Qualtrics, SurveyMonkey, "
    "Eventbrite, Cvent): export it as CSV or .xlsx and run `convening import-survey "
    "SURVEY --event EVENT --out NEW_EVENT`, which writes this sheet from the answers "
    "(respondents matched by e-mail, participant id or name; session and tour titles "
    "matched to ids) and lists anything it cannot match."
)


def readme_rows() -> list[list[Any]]:
    """The ``README`` sheet: one row per sheet, then one per column (and per event key)."""
    rows: list[list[Any]] = [["sheet", "column", "required", "type", "allowed values", "meaning"]]
    for sheet in SHEETS:
        rows.append(
            [
                sheet.name,
                "",
                "yes" if sheet.required else "no (optional sheet)",
                "",
                "",
                sheet.meaning,
            ]
        )
        if sheet.name == "preferences":
            rows.append(["preferences", "", "", "", "", SURVEY_NOTE])
        for column in (*sheet.columns, *sheet.keys):
            is_key = column in sheet.keys
            rows.append(
                [
                    sheet.name,
                    f"key {column.name}" if is_key else column.name,
                    "yes" if column.required else "no",
                    column.type.words,
                    ", ".join(column.choices),
                    column.meaning,
                ]
            )
    return rows


def write_template(path: str | PathLike[str], *, force: bool = False) -> Path:
    """Write a blank event workbook with example rows and a README sheet.

    Parameters
    ----------
    path
        Where to write the ``.xlsx`` file (``.xlsx`` is added if missing; a
        folder gets ``event.xlsx``).
    force
        Replace an existing file (a filled-in workbook is lost).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        When the file exists and ``force`` is not set.
    """
    target = Path(path)
    if target.is_dir():
        target = target / "event.xlsx"
    elif target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    check_new_file(target, force=force, suffixes=(".xlsx",))
    sheets: dict[str, list[list[Any]]] = {"README": readme_rows()}
    for sheet in SHEETS:
        header = [c.name for c in sheet.columns]
        sheets[sheet.name] = [header] + [
            [row.get(name) for name in header] for row in EXAMPLE_ROWS[sheet.name]
        ]
    return write_sheets(sheets, target)
