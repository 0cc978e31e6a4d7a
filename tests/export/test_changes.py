"""changes.xlsx: the people, sessions and notify sheets, as text, byte for byte the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import openpyxl
import pytest

from convening import Plan, SolveOptions, solve
from convening.changes import ChangeReason, ChangeReport, changes_frames, diff_plans
from convening.export.changes import write_changes
from tests.factories import small_builder

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

FORMULA = '=HYPERLINK("http://example.com","x")'


@pytest.fixture(scope="module")
def plans() -> tuple[Plan, Plan]:
    """A plan, and the same plan after c0-a cancelled and the bus got two seats fewer.

    The second plan is made by hand, so these tests do not depend on the re-planner.
    """
    b = small_builder(cities=2)
    b.add_participant("c9-x", FORMULA, role="staff", attends="all", email="x@example.org")
    event = b.build()
    plan = solve(event, SolveOptions(time_limit=3, seed=0))
    gone = "c0-a"
    event2 = attrs.evolve(
        event,
        participants=[p for p in event.participants if p.participant_id != gone],
        preferences=[x for x in event.preferences if x.participant_id != gone],
    )
    runs = []
    for run in plan.runs:
        attendees = [p for p in run.attendees if p != gone]
        runs.append(attrs.evolve(run, attendees=attendees))
    # Two riders of the fuller tour go on the other one (both move), keeping every rule.
    tours = sorted((r for r in runs if r.kind == "tour"), key=lambda r: -len(r.attendees))
    full, other = tours[0], tours[1]
    movers = [p for p in full.attendees if p != "c9-x"][:2]
    runs = [
        attrs.evolve(r, attendees=[p for p in r.attendees if p not in movers])
        if r is full
        else attrs.evolve(r, attendees=[*r.attendees, *movers])
        if r is other
        else r
        for r in runs
    ]
    tables = []
    for table in plan.tables:
        tables.append(attrs.evolve(table, members=[m for m in table.members if m != gone]))
    return plan, Plan(event2, runs, tables)


def test_diff_lists_who_moved_where_and_why(plans: tuple[Plan, Plan]) -> None:
    before, after = plans
    report = diff_plans(before, after)
    riders = {r.activity_id: set(r.attendees) for r in before.runs if r.kind == "tour"}
    moved_to = {r.activity_id: set(r.attendees) for r in after.runs if r.kind == "tour"}
    swapped = {p for t in riders for p in moved_to[t] - riders[t]}
    assert len(swapped) == 2
    assert set(report.moved) == swapped
    for row in report.people:
        if row.participant_id in swapped:
            assert row.kind == "tour" and row.moved
            assert {row.before_activity, row.after_activity} == set(riders)
            assert row.reason is ChangeReason.MAKE_ROOM
    assert report.left == ("c0-a",)
    assert all(
        r.reason is ChangeReason.PERSON_LEFT for r in report.people if r.participant_id == "c0-a"
    )
    # Table companions of c0-a see a changed calendar, though nobody re-seated them.
    assert set(report.notify) > swapped | {"c0-a"}
    assert report.reseated == ()


def test_frames_have_the_sheets_and_columns(plans: tuple[Plan, Plan]) -> None:
    before, after = plans
    frames = changes_frames(diff_plans(before, after), after.event)
    assert list(frames) == ["people", "sessions", "notify"]
    people, notify = frames["people"], frames["notify"]
    assert {"participant_id", "slot_id", "reason", "before_activity", "after_activity"} <= set(
        people.columns
    )
    assert set(notify["participant_id"]) == set(diff_plans(before, after).notify)
    left = notify[notify["participant_id"] == "c0-a"].iloc[0]
    assert left["status"] == "left"
    assert frames["sessions"].empty


def test_an_empty_report_gives_empty_sheets_with_headers() -> None:
    frames = changes_frames(ChangeReport())
    assert all(frame.empty for frame in frames.values())
    assert "reason" in frames["people"].columns


def test_workbook_is_text_safe_and_byte_identical(
    plans: tuple[Plan, Plan], tmp_path: Path
) -> None:
    before, after = plans
    # The staff member with a formula for a name moves, so their name is in the people sheet.
    staff = next(r for r in after.runs if "c9-x" in r.attendees and r.kind == "tour")
    other = next(r for r in after.runs if r.kind == "tour" and r is not staff)
    moved_runs = [
        attrs.evolve(r, attendees=[p for p in r.attendees if p != "c9-x"])
        if r is staff
        else attrs.evolve(r, attendees=[*r.attendees, "c9-x"])
        if r is other
        else r
        for r in after.runs
    ]
    report = diff_plans(before, Plan(after.event, moved_runs, after.tables))
    first = write_changes(report, tmp_path / "a" / "changes.xlsx", after.event)
    second = write_changes(report, tmp_path / "b" / "changes.xlsx", after.event)
    assert first.read_bytes() == second.read_bytes()
    assert not list(first.parent.glob(".*.tmp")), "written atomically, no leftovers"
    book = openpyxl.load_workbook(first)
    assert book.sheetnames == ["people", "sessions", "notify"]
    sheet = book["people"]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2)]
    formula_cells = [c for c in names if c.value == FORMULA]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)
    starts = [row[header.index("start")].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(s, dt.datetime) for s in starts)
    notify = book["notify"]
    emails = {row[2].value for row in notify.iter_rows(min_row=2)}
    assert "x@example.org" in emails
