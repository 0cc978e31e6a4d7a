"""The plan's views as CSV: one file per sheet, ISO times, guarded text, same bytes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from convening.export import write_plan_csv
from convening.export.csv import csv_text
from convening.views import AGENDA_COLUMNS, ITINERARY_COLUMNS, plan_frames
from tests.export.plans import NAMES, RISKY, risky_plan
from tests.test_validate import sample_plan


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_one_file_per_view_with_the_same_columns(tmp_path: Path) -> None:
    plan = sample_plan()
    written = write_plan_csv(plan, tmp_path / "csv")
    frames = plan_frames(plan)
    assert [p.name for p in written] == [f"{name}.csv" for name in frames]
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(p.name for p in written)
    for path, (name, frame) in zip(written, frames.items(), strict=True):
        rows = read(path)
        assert rows[0] == [str(c) for c in frame.columns], name
        assert len(rows) == len(frame) + 1, name
    assert read(written[0])[0] == list(AGENDA_COLUMNS)
    assert read(written[1])[0] == list(ITINERARY_COLUMNS)


def test_files_start_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    (agenda, *_) = write_plan_csv(sample_plan(), tmp_path)
    assert agenda.read_bytes().startswith("\ufeffslot_id,start,end".encode())


def test_times_are_iso_and_missing_values_empty(tmp_path: Path) -> None:
    written = write_plan_csv(sample_plan(), tmp_path)
    agenda = {row[3]: row for row in read(written[0])[1:]}
    assert agenda["welcome"][1:3] == ["2027-04-20T09:00:00", "2027-04-20T10:00:00"]
    assert agenda["bus"][6] == ""  # a tour has no room
    assert agenda["welcome"][7] == "13"
    frame = pd.read_csv(written[1], encoding="utf-8-sig", parse_dates=["start", "end"])
    assert frame["start"].iloc[0] == pd.Timestamp("2027-04-20 09:00")
    # Table numbers, and a coach's tables separated by ;
    numbers = frame["table"].dropna().astype(str).str.split(";").explode().astype(int)
    assert numbers.min() == 1
    coach = frame[(frame["participant_id"] == "f1") & (frame["kind"] == "action_planning")]
    assert list(coach["table"]) == ["1;3"]


def test_text_that_looks_like_a_formula_gets_a_leading_quote(tmp_path: Path) -> None:
    written = {p.stem: p for p in write_plan_csv(risky_plan(), tmp_path)}
    names = [row[5] for row in read(written["networking"])[1:]]
    assert sorted(names) == sorted("'" + r for r in NAMES)
    topics = {row[3] for row in read(written["networking"])[1:]}
    assert "'" + RISKY[5] in topics
    metrics = {row[0]: row[1] for row in read(written["metrics"])[1:]}
    assert metrics["'=cmd"] == "'-1 loss"
    assert metrics["score"] == "-1.5"  # a number is not text: left alone
    assert metrics["proven"] == "true"
    assert metrics["event"] == "'=Event"
    cells = [c for p in written.values() for row in read(p) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not _is_number(c)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (pd.NaT, ""),
        (True, "true"),
        (np.bool_(False), "false"),
        (3, "3"),
        (np.int64(-4), "-4"),
        (0.25, "0.25"),
        (dt.datetime(2027, 4, 20, 9, 30), "2027-04-20T09:30:00"),
        (pd.Timestamp("2027-04-20 09:30"), "2027-04-20T09:30:00"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("=1+1", "'=1+1"),
        ("-x", "'-x"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("+x", "'+x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
    ],
)
def test_cells(value: object, text: str) -> None:
    assert csv_text(value) == text


def test_the_same_plan_gives_the_same_bytes(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_plan_csv(sample_plan(), tmp_path / "a")]
    second = [p.read_bytes() for p in write_plan_csv(sample_plan(), tmp_path / "b")]
    assert first == second


def test_rewriting_replaces_files_and_leaves_no_temporary_ones(tmp_path: Path) -> None:
    (tmp_path / "agenda.csv").write_text("old")
    written = write_plan_csv(sample_plan(), tmp_path)
    assert read(tmp_path / "agenda.csv")[0] == list(AGENDA_COLUMNS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
