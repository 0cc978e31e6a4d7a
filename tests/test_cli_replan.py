"""`convening replan`: from a changed workbook and the previous folder to a new folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import icalendar
import openpyxl
import pytest

from convening import Plan, load_example, read_plan, validate, write_event
from convening.cli import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, main

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")

OPTIONS = ["--time-limit", "5", "--seed", "1", "--workers", "2"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The first plan's folder, and the changed event (the studio flooded) as a workbook."""
    root = tmp_path_factory.mktemp("replan")
    v1 = root / "v1"
    assert main(["demo", "--example", "peer_exchange", "--out", str(v1), *OPTIONS]) == EXIT_OK
    event = load_example("peer_exchange")
    annex = attrs.evolve(event.room_by_id["library"], room_id="annex", name="Annex", capacity=20)
    changed = attrs.evolve(
        event, rooms=[r for r in event.rooms if r.room_id != "studio"] + [annex]
    )
    return v1, write_event(changed, root / "v2.xlsx")


def test_replan_writes_the_plan_the_changes_and_updated_calendars(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, event_v2 = folders
    out = tmp_path / "v2"
    args = ["replan", str(event_v2), "--previous", str(v1), "--out", str(out), *OPTIONS]
    assert main(args) == EXIT_OK
    printed = capsys.readouterr().out
    plan = read_plan(out)
    assert validate(plan.event, plan) == []
    # The studio's sessions take free rooms at the same times: nobody changes session.
    assert plan.metrics["people_moved"] == 0
    assert plan.metrics["runs_moved_in_time"] == 0
    rehoused = plan.metrics["runs_moved_in_room"]
    assert rehoused > 0
    text = " ".join(printed.split())
    assert "0 session runs changed time." in text
    assert f"{rehoused} session runs changed room only (same time)." in text
    assert "0 people changed session or tour (0 forced by the change)" in text
    book = openpyxl.load_workbook(out / "changes.xlsx")
    changes = [row[3].value for row in book["sessions"].iter_rows(min_row=2)]
    assert changes == ["room"] * rehoused
    notify = [row[0].value for row in book["notify"].iter_rows(min_row=2)]
    assert len(notify) == plan.metrics["calendars_changed"]
    assert all(pid in printed for pid in notify[:30])
    # The calendars of people notified changed; everyone else's are byte for byte the same.
    folder1, folder2 = v1 / "calendars" / "participants", out / "calendars" / "participants"
    for path in sorted(folder2.glob("*.ics")):
        same = path.read_bytes() == (folder1 / path.name).read_bytes()
        assert same == (path.stem not in notify)
    old = icalendar.Calendar.from_ical((v1 / "calendars" / "rooms" / "studio.ics").read_bytes())
    new = icalendar.Calendar.from_ical((out / "calendars" / "rooms" / "studio.ics").read_bytes())
    assert {str(v["UID"]) for v in old.walk("VEVENT")} == {
        str(v["UID"]) for v in new.walk("VEVENT")
    }
    assert all(str(v["STATUS"]) == "CANCELLED" for v in new.walk("VEVENT"))


def test_freeze_sessions_and_a_cap_that_cannot_hold_exit_3(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, event_v2 = folders
    base = ["replan", str(event_v2), "--previous", str(v1), *OPTIONS]
    code = main([*base, "--out", str(tmp_path / "a"), "--freeze", "sessions"])
    assert code == EXIT_INFEASIBLE
    assert "studio" in capsys.readouterr().err
    # Keeping the slots (not the rooms) is possible: free rooms stand in for the studio.
    code = main([*base, "--out", str(tmp_path / "s"), "--freeze", "slots"])
    assert code == EXIT_OK
    assert read_plan(tmp_path / "s").metrics["runs_moved_in_time"] == 0
    capsys.readouterr()
    # A cancelled session forces its attendees to move.
    event = load_example("peer_exchange")
    gone = event.sessions[-1].session_id
    cancelled = attrs.evolve(
        event,
        sessions=[s for s in event.sessions if s.session_id != gone],
        preferences=[x for x in event.preferences if x.item_id != gone],
    )
    workbook = write_event(cancelled, tmp_path / "cancelled.xlsx")
    args = ["replan", str(workbook), "--previous", str(v1), *OPTIONS]
    code = main([*args, "--out", str(tmp_path / "b"), "--max-moves", "0"])
    assert code == EXIT_INFEASIBLE
    assert "must move" in capsys.readouterr().err
    assert not (tmp_path / "b").exists(), "nothing is written when there is no plan"


def test_freeze_all_before_is_read_as_a_local_time(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, event_v2 = folders
    base = ["replan", str(event_v2), "--previous", str(v1), *OPTIONS]
    code = main([*base, "--out", str(tmp_path / "a"), "--freeze", "all-before", "tomorrow"])
    assert code == EXIT_INPUT
    assert "all-before" in capsys.readouterr().err
    code = main([*base, "--out", str(tmp_path / "b"), "--freeze", "everything"])
    assert code == EXIT_INPUT
    # Before the first slot nothing is past, so the re-plan is the same as without freezing.
    code = main(
        [*base, "--out", str(tmp_path / "c"), "--freeze", "all-before", "2027-01-01T00:00"]
    )
    assert code == EXIT_OK
    assert main([*base, "--out", str(tmp_path / "d")]) == EXIT_OK
    assert read_plan(tmp_path / "c").runs == read_plan(tmp_path / "d").runs


def test_out_must_not_be_the_previous_folder(
    folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    v1, event_v2 = folders
    args = ["replan", str(event_v2), "--previous", str(v1), "--out", str(v1), *OPTIONS]
    assert main(args) == EXIT_INPUT
    assert "--previous" in capsys.readouterr().err


def test_calendars_changed_only_by_tablemates_are_counted_apart(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, _ = folders
    event = load_example("peer_exchange")
    presenting = {p for s in event.sessions for p in s.presenters}
    gone = next(
        p.participant_id
        for p in event.participants
        if p.city_id is not None and p.participant_id not in presenting
    )
    changed = attrs.evolve(
        event,
        participants=[p for p in event.participants if p.participant_id != gone],
        preferences=[x for x in event.preferences if x.participant_id != gone],
        networking_rules=[
            r for r in event.networking_rules if gone not in (r.participant_id, r.other_id)
        ],
    )
    event_v2 = write_event(changed, tmp_path / "cancelled.xlsx")
    out = tmp_path / "v2"
    args = ["replan", str(event_v2), "--previous", str(v1), "--out", str(out), *OPTIONS]
    assert main(args) == EXIT_OK
    printed = capsys.readouterr().out
    book = openpyxl.load_workbook(out / "changes.xlsx")
    notify = [row[0].value for row in book["notify"].iter_rows(min_row=2)]
    with_rows = {row[0].value for row in book["people"].iter_rows(min_row=2)}
    # Nobody moved: whoever kept every place and still got a new calendar sat with someone
    # whose table changed.
    before, after = read_plan(v1), read_plan(out)
    assert after.metrics["people_moved"] == 0

    def tablemates(plan: Plan, pid: str) -> dict[str, set[str]]:
        return {t.slot_id: set(t.members) - {pid} for t in plan.tables if pid in t.members}

    unmoved = [pid for pid in notify if pid not in with_rows]
    assert unmoved
    assert all(tablemates(before, pid) != tablemates(after, pid) for pid in unmoved)
    assert f"{len(notify)} calendars changed ({len(unmoved)} because tablemates changed)" in (
        " ".join(printed.split())
    )


def test_a_published_plan_keeps_its_links_through_a_replan(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, event_v2 = tmp_path / "v1", folders[1]
    shutil.copytree(folders[0], v1)
    site = tmp_path / "site"
    publish_args = ["--site", str(site), "--base-url", "https://cal.example.org/e/"]
    assert main(["publish", str(v1), *publish_args]) == EXIT_OK
    out = tmp_path / "v2"
    args = ["replan", str(event_v2), "--previous", str(v1), "--out", str(out), *OPTIONS]
    assert main(args) == EXIT_OK
    assert (out / "publish-secret").read_bytes() == (v1 / "publish-secret").read_bytes()
    book = openpyxl.load_workbook(out / "changes.xlsx")
    notify = {row[0].value for row in book["notify"].iter_rows(min_row=2)}
    before = {p: p.read_bytes() for p in site.glob("*.ics")}
    capsys.readouterr()
    assert main(["publish", str(out), *publish_args]) == EXIT_OK
    assert "updated" in capsys.readouterr().out
    links1 = (v1 / "links.csv").read_bytes()
    assert (out / "links.csv").read_bytes() == links1, "the same people, the same links"
    # Exactly the calendars of the people told of the change were rewritten on the site.
    changed = {p for p, data in before.items() if p.read_bytes() != data}
    by_file = {}
    for line in links1.decode("utf-8-sig").splitlines()[1:]:
        pid, *_, url, _webcal = line.split(",")
        by_file[site / url.rsplit("/", 1)[1]] = pid
    assert {by_file[p] for p in changed if p in by_file} == notify
    # Nothing removed; the one new file is the new room's (the flooded studio's stays, cancelled).
    shared = (out / "links-shared.csv").read_text(encoding="utf-8-sig")
    annex = next(line for line in shared.splitlines() if line.startswith("room,annex,"))
    added = {p.name for p in set(site.glob("*.ics")) - set(before)}
    assert added == {annex.split(",")[3].rsplit("/", 1)[1]}
    shared1 = (v1 / "links-shared.csv").read_text(encoding="utf-8-sig")
    studio = next(line for line in shared1.splitlines() if line.startswith("room,studio,"))
    studio_cal = icalendar.Calendar.from_ical(
        (site / studio.split(",")[3].rsplit("/", 1)[1]).read_bytes()
    )
    assert {str(v["STATUS"]) for v in studio_cal.walk("VEVENT")} == {"CANCELLED"}


def test_a_presenter_away_is_told_first_and_freeze_slots_says_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import solve, write_outputs
    from convening.options import SolveOptions
    from tests.factories import harbor, presenter_late, unpinned

    event = harbor()
    v1 = tmp_path / "v1"
    write_outputs(solve(event, SolveOptions(time_limit=5, seed=1, workers=2)), v1)
    changed = write_event(presenter_late(unpinned(event)), tmp_path / "late.xlsx")
    base = ["replan", str(changed), "--previous", str(v1), *OPTIONS]
    assert main([*base, "--out", str(tmp_path / "v2")]) == EXIT_OK
    text = " ".join(capsys.readouterr().out.split())
    assert "1 session runs changed time (tell their presenters first: spk1)." in text
    assert "- s1: slot tue -> wed" in text
    assert "0 session runs changed room only (same time)." in text
    assert main([*base, "--out", str(tmp_path / "v3"), "--freeze", "slots"]) == EXIT_INFEASIBLE
    err = capsys.readouterr().err
    assert "s1 in slot tue" in err and "spk1" in err
    assert not (tmp_path / "v3").exists()
