"""The command line: summaries, every problem at once, exit codes."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from convening import read_plan, validate
from convening.cli import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, main
from convening.io import read_event

pytestmark = pytest.mark.filterwarnings("ignore::convening.ConveningWarning")


def example_folder(name: str) -> Path:
    return Path(str(resources.files("convening") / "data" / name))


def test_check_prints_a_correct_summary(capsys: pytest.CaptureFixture[str]) -> None:
    folder = example_folder("new_orleans")
    event = read_event(folder)
    assert main(["check", str(folder)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{len(event.cities)} cities" in out
    assert f"{len(event.participants)} participants" in out
    officials = sum(1 for p in event.participants if p.role == "official")
    assert f"{officials} official" in out
    assert f"{len(event.slots_of('breakout'))} breakout" in out
    # One row of the seats table per slot, with the people present.
    first = min(event.slots_of("breakout"), key=lambda s: s.start)
    row = next(line for line in out.splitlines() if first.slot_id in line)
    assert f" {len(event.present(first))} " in row
    assert "no problems found" in out


def test_check_of_a_broken_copy_lists_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "event"
    shutil.copytree(example_folder("peer_exchange"), folder)
    rooms = (folder / "rooms.csv").read_text(encoding="utf-8").splitlines()
    header = rooms[0].split(",")
    cells = rooms[1].split(",")
    cells[header.index("capacity")] = "lots"
    rooms[1] = ",".join(cells)
    (folder / "rooms.csv").write_text("\n".join(rooms) + "\n", encoding="utf-8")
    people = (folder / "participants.csv").read_text(encoding="utf-8").splitlines()
    people[2] = people[2].replace("official", "mayor", 1)
    (folder / "participants.csv").write_text("\n".join(people) + "\n", encoding="utf-8")

    assert main(["check", str(folder)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "2 problems" in err
    assert "rooms row 2, column capacity" in err and "'lots'" in err
    assert "participants row 3, column role" in err and "'mayor'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.xlsx", b""), ("not-a-zip.xlsx", b"hello, I am text"), ("nothing.csv", b"")],
)
def test_unreadable_files_exit_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["check", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.xlsx")]) == EXIT_INPUT
    assert "nope.xlsx" in capsys.readouterr().err


def test_template_writes_a_workbook_that_checks_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "event.xlsx"
    assert main(["template", str(path)]) == EXIT_OK
    assert path.exists()
    assert main(["check", str(path)]) == EXIT_OK
    assert "no problems found" in capsys.readouterr().out


def test_report_reads_a_plan_folder_and_writes_one_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import write_outputs
    from tests.test_validate import sample_plan

    write_outputs(sample_plan(), tmp_path / "plan")
    target = tmp_path / "shared" / "quality.html"
    assert main(["report", str(tmp_path / "plan"), "--out", str(target)]) == EXIT_OK
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    assert str(target) in capsys.readouterr().out


def test_report_of_a_folder_without_a_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "holds no plan" in err
    assert "convening plan EVENT --out FOLDER" in err and "write_outputs" not in err


def test_event_names_that_look_like_markup_print_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "event"
    shutil.copytree(example_folder("peer_exchange"), folder)
    text = (folder / "event.csv").read_text(encoding="utf-8").splitlines()
    text = ["name,Exchange [draft] [/x]" if line.startswith("name,") else line for line in text]
    (folder / "event.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["check", str(folder)]) == EXIT_OK
    assert "Exchange [draft] [/x] in Albany" in capsys.readouterr().out


def test_an_unusable_output_folder_is_refused_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code = main(["demo", "--example", "peer_exchange", "--out", str(out), "--time-limit", "60"])
    assert code == EXIT_INPUT
    captured = capsys.readouterr()
    assert "not empty" in captured.err
    assert "Planned in" not in captured.out  # refused before any solving


def test_a_folder_given_as_the_report_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import write_outputs
    from tests.test_validate import sample_plan

    write_outputs(sample_plan(), tmp_path / "plan")
    assert main(["report", str(tmp_path / "plan"), "--out", str(tmp_path / "plan")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "Error" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("option", "value"), [("--seed", "-1"), ("--seed", "2147483648"), ("--time-limit", "inf")]
)
def test_out_of_range_solver_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    args = ["demo", "--example", "peer_exchange", "--out", str(tmp_path / "o"), option, value]
    assert main(args) == EXIT_INPUT
    err = capsys.readouterr().err
    assert option.lstrip("-").replace("-", "_") in err and "Traceback" not in err


def test_messages_name_flags_on_the_command_line_and_keywords_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convening import SolveStatus
    from convening.export import OutputFolderError, check_output_folder

    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.xlsx").write_bytes(b"an earlier plan")
    assert main(["demo", "--example", "peer_exchange", "--out", str(out)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "--force" in err and "force=True" not in err
    with pytest.raises(OutputFolderError) as caught:
        check_output_folder(out)
    assert "force=True" in str(caught.value) and "--force" not in str(caught.value)
    for status in SolveStatus:
        assert "--" not in status.advice
    assert "time_limit=" in SolveStatus.FEASIBLE.advice
    assert "--time-limit" in SolveStatus.FEASIBLE.cli_advice


def test_delegation_shape_warnings_can_be_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    folder = example_folder("peer_exchange")
    assert main(["check", str(folder)]) == EXIT_OK
    assert "the usual shape" in capsys.readouterr().out
    args = ["check", str(folder), "--ignore-warnings", "delegation-shape"]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "the usual shape" not in out
    assert "no problems found" in out


def test_the_plan_quality_table_speaks_the_planners_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    out = tmp_path / "out"
    args = ["demo", "--example", "peer_exchange", "--out", str(out), "--time-limit", "5"]
    assert main(args) == EXIT_OK
    shown = re.sub(r"\s+", " ", capsys.readouterr().out)
    # Each figure is shown under its label, with the key scripts read beside it.
    assert re.search(r"Worst-off person's share \(%\) │ [\d.]+ │ worst_off_share_pct", shown)
    assert re.search(
        r"Coached action-planning tables \(%\) │ [\d.]+ │ action_planning_coached", shown
    )
    # Groups come in the report's order: fairness before the solver's own figures.
    assert shown.index("fairness") < shown.index("Plan status")


#: A convening typed by hand, as CSV files: the staff member on participants row 5 rides the
#: tours by her attends, and with her the three buses cannot be split over the two tour slots.
BUS_A_SEAT_SHORT = {
    "event.csv": 'key,value\nname,Riverside exchange\nhost_city,"Albany, NY"\n'
    "timezone,America/New_York\n",
    "cities.csv": "city_id,name,state\ntroy,Troy,NY\n",
    "participants.csv": (
        "participant_id,name,city_id,role,attends\n"
        "p1,Ana Ruiz,troy,official,\n"
        "p2,Ben Ode,troy,official,\n"
        "p3,Cy Lam,troy,partner,\n"
        "dana,Dana Staff,,staff,plenary;tour\n"
        "eli,Eli Staff,,staff,\n"
    ),
    "rooms.csv": "room_id,name,capacity\nhall,Hall,20\n",
    "slots.csv": (
        "slot_id,start,end,kind,title\n"
        "welcome,2027-05-04 09:00,2027-05-04 10:00,plenary,\n"
        "tour-1,2027-05-04 14:00,2027-05-04 16:00,tour,\n"
        "tour-2,2027-05-05 09:00,2027-05-05 11:00,tour,\n"
    ),
    "sessions.csv": "session_id,title,kind\nopening,Opening,plenary\n",
    # With the three delegates alone, riverside carries one slot and the others the other.
    "tours.csv": (
        "tour_id,title,capacity,walking\n"
        "riverside,Riverside,3,false\n"
        "market,Market walk,2,true\n"
        "garden,Garden,3,false\n"
    ),
}


def test_plan_names_the_attends_row_that_leaves_the_bus_a_seat_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "event"
    folder.mkdir()
    for name, text in BUS_A_SEAT_SHORT.items():
        (folder / name).write_text(text, encoding="utf-8")
    # Every count of seats holds: only a plan shows the conflict.
    assert main(["check", str(folder)]) == EXIT_OK
    capsys.readouterr()
    out = tmp_path / "plan"
    assert main(["plan", str(folder), "--out", str(out), "--time-limit", "10"]) == EXIT_INFEASIBLE
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "dana (participants row 5, attends: plenary;tour) takes a place in the tour slots" in err
    )
    assert (
        "dana takes no place in tour slots (attends plenary instead of plenary;tour, "
        "participants row 5)" in err
    )
    assert "eli" not in err  # a staff member who attends plenaries only, by her role
    assert "Traceback" not in err
    assert not (out / "plan.xlsx").exists()
    # With dana's cell emptied the event plans.
    people = folder / "participants.csv"
    people.write_text(people.read_text(encoding="utf-8").replace("plenary;tour", ""), "utf-8")
    assert main(["plan", str(folder), "--out", str(out), "--time-limit", "10"]) == EXIT_OK
    plan = read_plan(out)
    assert validate(plan.event, plan) == []
    assert "dana" not in {p for run in plan.runs if run.kind == "tour" for p in run.attendees}
