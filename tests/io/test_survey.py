"""Preferences from registration survey exports: every shape, the usual slips, the command."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convening import Event, EventError
from convening.cli import main
from convening.errors import ConveningError
from convening.io import import_survey, read_event, survey_preferences
from convening.io.survey import FUZZY_THRESHOLD, SurveyError
from convening.io.writer import write_sheets
from tests.io.books import base_rows, write_book

TITLES = {
    "welcome": "Welcome",
    "x1": "Land Bank Strategies",
    "x2": "Budgeting for Equity",
    "x3": "Open Data: Café Counts",
    "walk": "Riverfront Walking Tour",
    "bus": "Housing Bus Tour",
}
# Who the small event holds (participants rows 2-7 have e-mails).
EMAILS = {
    "c1-a": "ada@example.org",
    "c1-b": "ben@example.org",
    "c1-p": "cy@example.org",
    "c2-a": "di@example.org",
    "c2-b": "ed@example.org",
    "c2-p": "flo@example.org",
}


def survey_event_rows() -> dict[str, list[dict[str, Any]]]:
    rows = base_rows()
    for item in rows["sessions"]:
        item["title"] = TITLES[item["session_id"]]
    for item in rows["tours"]:
        item["title"] = TITLES[item["tour_id"]]
    for person in rows["participants"]:
        if person["participant_id"] in EMAILS:
            person["email"] = EMAILS[person["participant_id"]]
    return rows


@pytest.fixture
def event_path(tmp_path: Path) -> Path:
    return write_book(survey_event_rows(), tmp_path / "event")


@pytest.fixture
def event(event_path: Path) -> Event:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_event(event_path)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(result: Any, people: set[str] | None = None) -> set[tuple[str, str, int]]:
    prefs = result.event.preferences if hasattr(result, "event") else result.preferences
    return {
        (p.participant_id, p.item_id, p.rank)
        for p in prefs
        if people is None or p.participant_id in people
    }


# -- every shape, with the preference rows it must give ------------------------------------

GOOGLE_CHOICES = """\
Timestamp,Email Address,Your name,Breakout choice 1,Breakout choice 2,Tour choice 1,Tour choice 2
2027-03-01 10:00:00,ADA@example.org ,Ada,Land Bank Strategies,budgeting for equity,Riverfront Walking Tour,
2027-03-01 10:05:00,ben@example.org,Ben,Budgetting for Equity,open data - cafe counts,bus,walk
"""
GOOGLE_CHOICES_ROWS = {
    ("c1-a", "x1", 1),
    ("c1-a", "x2", 2),
    ("c1-a", "walk", 1),
    ("c1-b", "x2", 1),
    ("c1-b", "x3", 2),
    ("c1-b", "bus", 1),
    ("c1-b", "walk", 2),
}

GOOGLE_GRID = """\
Timestamp,Username,Rank the sessions [Land Bank Strategies],Rank the sessions [Budgeting for Equity],Rank the sessions [Open Data: Café Counts],Rank the tours [Housing Bus Tour]
2027-03-01,di@example.org,2nd choice,1st choice,,First choice
2027-03-01,ed@example.org,,3rd,2nd,1
"""
GOOGLE_GRID_ROWS = {
    ("c2-a", "x1", 2),
    ("c2-a", "x2", 1),
    ("c2-a", "bus", 1),
    ("c2-b", "x3", 2),
    ("c2-b", "x2", 3),
    ("c2-b", "bus", 1),
}

GRID_RANKS_PER_ROW = """\
Which breakouts? [1st choice],Which breakouts? [2nd choice],E-mail
Land Bank Strategies,Open Data: Café Counts,cy@example.org
"""
GRID_RANKS_PER_ROW_ROWS = {("c1-p", "x1", 1), ("c1-p", "x3", 2)}

ONE_COLUMN_PER_SESSION = """\
Participant ID,Land Bank Strategies,Budgeting for Equity,Riverfront Walking Tour,Dietary needs
c2-p,1,2,1,vegetarian
c1-a,,1st,,
"""
ONE_COLUMN_PER_SESSION_ROWS = {
    ("c2-p", "x1", 1),
    ("c2-p", "x2", 2),
    ("c2-p", "walk", 1),
    ("c1-a", "x2", 1),
}

QUALTRICS = """\
StartDate,EndDate,RecipientEmail,Q1_1,Q1_2,Q1_3,Q2
Start Date,End Date,Recipient Email,Rank the breakouts - Land Bank Strategies,Rank the breakouts - Budgeting for Equity,Rank the breakouts - Open Data: Café Counts,Anything else?
"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""recipientEmail""}","{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}","{""ImportId"":""QID1_3""}","{""ImportId"":""QID2""}"
2027-03-01,2027-03-01,ben@example.org,3,1,2,
"""
QUALTRICS_ROWS = {("c1-b", "x1", 3), ("c1-b", "x2", 1), ("c1-b", "x3", 2)}

SURVEYMONKEY = """\
Respondent ID,Email Address,Please rank the breakout sessions,,
,,Land Bank Strategies,Budgeting for Equity,Open Data: Café Counts
1001,ed@example.org,2,1,3
"""
SURVEYMONKEY_ROWS = {("c2-b", "x1", 2), ("c2-b", "x2", 1), ("c2-b", "x3", 3)}

MS_FORMS_RANKING = """\
ID,Start time,Email,Name,Rank the breakout sessions
1,3/1/27 10:00,flo@example.org,Flo,Open Data: Café Counts;Land Bank Strategies;
"""
MS_FORMS_RANKING_ROWS = {("c2-p", "x3", 1), ("c2-p", "x1", 2)}

BY_NAME_MIXED = """\
Name,1st choice,2nd choice,3rd choice
Di,Land Bank Strategies,Housing Bus Tour,x2
"""
# One list for sessions and tours: each column's number is the rank it gives.
BY_NAME_MIXED_ROWS = {("c2-a", "x1", 1), ("c2-a", "bus", 2), ("c2-a", "x2", 3)}

SHAPES = {
    "google forms choices": (GOOGLE_CHOICES, GOOGLE_CHOICES_ROWS),
    "google forms grid": (GOOGLE_GRID, GOOGLE_GRID_ROWS),
    "grid of ranks by choice": (GRID_RANKS_PER_ROW, GRID_RANKS_PER_ROW_ROWS),
    "one column per session": (ONE_COLUMN_PER_SESSION, ONE_COLUMN_PER_SESSION_ROWS),
    "qualtrics": (QUALTRICS, QUALTRICS_ROWS),
    "surveymonkey": (SURVEYMONKEY, SURVEYMONKEY_ROWS),
    "microsoft forms ranking": (MS_FORMS_RANKING, MS_FORMS_RANKING_ROWS),
    "by name, sessions and tours mixed": (BY_NAME_MIXED, BY_NAME_MIXED_ROWS),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_each_shape_gives_its_preference_rows(
    tmp_path: Path, event: Event, shape: str, encoding: str
) -> None:
    text, expected = SHAPES[shape]
    survey = write_text(tmp_path / "survey.csv", text, encoding)
    result = survey_preferences(survey, event)
    answered = {pid for pid, _, _ in expected}
    assert rows_of(result, answered) == expected
    assert set(result.respondents) == answered
    # The others keep the rows they had.
    others = {(p.participant_id, p.item_id, p.rank) for p in event.preferences}
    assert rows_of(result) - rows_of(result, answered) == {
        r for r in others if r[0] not in answered
    }


@pytest.mark.parametrize("shape", ["google forms choices", "qualtrics", "one column per session"])
def test_xlsx_exports_read_as_their_csv(tmp_path: Path, event: Event, shape: str) -> None:
    import csv
    import io

    text, expected = SHAPES[shape]
    table = list(csv.reader(io.StringIO(text)))
    # Spreadsheets keep numbers as numbers.
    cells = [[int(c) if c.isdigit() else (c or None) for c in row] for row in table]
    path = write_sheets({"Form Responses 1": cells}, tmp_path / "survey.xlsx")
    result = survey_preferences(path, event)
    assert rows_of(result, {p for p, _, _ in expected}) == expected


def test_fuzzy_matches_are_listed_for_the_planner(tmp_path: Path, event: Event) -> None:
    survey = write_text(tmp_path / "survey.csv", GOOGLE_CHOICES)
    result = survey_preferences(survey, event)
    matched = {(m.row, m.column, m.value, m.item_id) for m in result.fuzzy}
    assert (3, "Breakout choice 1", "Budgetting for Equity", "x2") in matched
    assert all(m.score >= FUZZY_THRESHOLD for m in result.fuzzy)
    summary = result.summary()
    assert "2 respondents gave 7 preferences" in summary
    assert "'Budgetting for Equity' -> x2" in summary
    # Ben's row: 'open data - cafe counts' differs from the title only by case,
    # punctuation and accents, so it is an exact match after normalising, not a fuzzy one.
    assert not any(m.value == "open data - cafe counts" for m in result.fuzzy)


# -- the slips planners make ---------------------------------------------------------------


def test_every_problem_is_listed_at_once_with_row_column_value_and_candidates(
    tmp_path: Path, event: Event
) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email Address,Breakout choice 1,Breakout choice 2,Tour choice 1\n"
        "ada@example.org,Land Bank Strategies,Brownfields Redevelopment,walk\n"
        "zed@example.org,Land Bank Strategies,,\n"
        "ben@example.org,Land Bnk Strategies,Budgeting,Riverfront Walking Tuor\n",
    )
    with pytest.raises(SurveyError) as caught:
        survey_preferences(survey, event)
    found = {(p.row, p.column, p.value): p.message for p in caught.value.problems}
    assert set(found) == {
        (2, "Breakout choice 2", "Brownfields Redevelopment"),
        (3, "Email Address", "zed@example.org"),
        (4, "Breakout choice 2", "Budgeting"),
    }
    assert (
        "no session with this title or id"
        in found[(2, "Breakout choice 2", "Brownfields Redevelopment")]
    )
    assert "closest: 'ed@example.org' (c2-b)" in found[(3, "Email Address", "zed@example.org")]
    assert "x2 ('Budgeting for Equity')" in found[(4, "Breakout choice 2", "Budgeting")]
    assert all(p.sheet == "survey.csv" for p in caught.value.problems)
    assert isinstance(caught.value, EventError) and isinstance(caught.value, ValueError)


def test_an_ambiguous_title_is_not_guessed(tmp_path: Path) -> None:
    rows = survey_event_rows()
    rows["sessions"][1]["title"] = "Land Bank Strategies I"  # x1
    rows["sessions"][2]["title"] = "Land Bank Strategies II"  # x2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = read_event(write_book(rows, tmp_path / "event"))
    survey = write_text(tmp_path / "s.csv", "Email,Choice 1\nada@example.org,Land Bank Strategy\n")
    with pytest.raises(SurveyError) as caught:
        survey_preferences(survey, event)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "Choice 1", "Land Bank Strategy")
    assert "x1" in problem.message and "x2" in problem.message


def test_a_person_who_answered_twice_counts_once_the_later_answer(
    tmp_path: Path, event: Event
) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email,Choice 1,Choice 2\n"
        "ada@example.org,Land Bank Strategies,Budgeting for Equity\n"
        "ben@example.org,Budgeting for Equity,\n"
        "Ada@Example.org,Open Data: Café Counts,\n",
    )
    result = survey_preferences(survey, event)
    assert rows_of(result, {"c1-a"}) == {("c1-a", "x3", 1)}
    (warning,) = [w for w in result.warnings if "answered twice" in w.message]
    assert "rows 2 and 4" in warning.message and warning.row == 4
    assert result.respondents == ("c1-b", "c1-a")


def test_a_repeated_choice_keeps_the_better_rank(tmp_path: Path, event: Event) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email,Choice 1,Choice 2,Choice 3\n"
        "ada@example.org,Budgeting for Equity,Land Bank Strategies,budgeting for equity\n",
    )
    result = survey_preferences(survey, event)
    assert rows_of(result, {"c1-a"}) == {("c1-a", "x2", 1), ("c1-a", "x1", 2)}
    (warning,) = result.warnings
    assert (warning.row, warning.column) == (2, "Choice 3")
    assert "chosen twice" in warning.message and "rank, 1, counts" in warning.message


def test_not_a_rank_in_a_grid_is_an_error(tmp_path: Path, event: Event) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email,Rank [Land Bank Strategies],Rank [Budgeting for Equity]\n"
        "ada@example.org,1st,maybe\n",
    )
    with pytest.raises(SurveyError) as caught:
        survey_preferences(survey, event)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (
        2,
        "Rank [Budgeting for Equity]",
        "maybe",
    )


def test_an_unknown_title_in_a_grid_header_is_named(tmp_path: Path, event: Event) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email,Rank [Land Bank Strategies],Rank [Brownfields Redevelopment]\n"
        "ada@example.org,1,2\n",
    )
    with pytest.raises(SurveyError) as caught:
        survey_preferences(survey, event)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (1, "Rank [Brownfields Redevelopment]")


def test_the_identifying_column_can_be_named(tmp_path: Path, event: Event) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Registrant,Contact,Choice 1\nAda,someone@elsewhere.org,Land Bank Strategies\n",
    )
    with pytest.raises(SurveyError, match="id_column="):
        survey_preferences(survey, event)
    result = survey_preferences(survey, event, id_column="registrant")
    assert rows_of(result, {"c1-a"}) == {("c1-a", "x1", 1)}


# -- the new event -------------------------------------------------------------------------


def test_import_writes_a_new_event_and_leaves_the_old_one(
    tmp_path: Path, event_path: Path
) -> None:
    before = event_path.read_bytes()
    survey = write_text(tmp_path / "survey.csv", GOOGLE_CHOICES)
    out = tmp_path / "new.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = import_survey(survey, event_path, out)
        again = read_event(out)
    assert event_path.read_bytes() == before
    assert again == result.event
    assert rows_of(again, {"c1-a", "c1-b"}) == GOOGLE_CHOICES_ROWS
    # c2-b's row from before is kept; c1-b's earlier row is replaced.
    assert ("c2-b", "walk", 1) in rows_of(again)
    assert ("c1-b", "x2", 1) in rows_of(again)
    assert "c2-b" in result.kept
    with pytest.raises(ConveningError, match="force=True"):
        import_survey(survey, event_path, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import_survey(survey, event_path, out, force=True)


def test_cli_import_survey(
    tmp_path: Path, event_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    survey = write_text(tmp_path / "survey.csv", GOOGLE_CHOICES)
    out = tmp_path / "new.xlsx"
    args = ["import-survey", str(survey), "--event", str(event_path), "--out", str(out)]
    assert main(args) == 0
    shown = capsys.readouterr().out
    assert "2 respondents gave 7 preferences" in shown
    assert "'Budgetting for Equity' -> x2" in shown
    assert main(["check", str(out)]) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0


def test_cli_lists_survey_problems_and_writes_nothing(
    tmp_path: Path, event_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email,Choice 1\nada@example.org,Brownfields\nzed@example.org,Land Bank Strategies\n",
    )
    out = tmp_path / "new.xlsx"
    code = main(["import-survey", str(survey), "--event", str(event_path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert not out.exists()
    assert "2 problems must be fixed before importing the survey" in err
    assert "survey.csv row 2, column Choice 1" in err
    assert "survey.csv row 3, column Email" in err


# -- round trip: preferences -> a survey in each shape -> import -> the same preferences -------

_SESSIONS = ("welcome", "x1", "x2", "x3")
_TOURS = ("walk", "bus")
_ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th")


@st.composite
def _answers(draw: st.DrawFn) -> dict[str, tuple[list[str], list[int], list[str], list[int]]]:
    """For some people: sessions in order with their ranks, tours in order with theirs."""
    people = draw(st.lists(st.sampled_from(sorted(EMAILS)), unique=True, min_size=1, max_size=6))
    answers = {}
    for pid in people:
        sessions = draw(st.permutations(_SESSIONS).map(lambda p: list(p)))
        sessions = sessions[: draw(st.integers(0, len(_SESSIONS)))]
        tours = draw(st.permutations(_TOURS).map(lambda p: list(p)))
        tours = tours[: draw(st.integers(0, len(_TOURS)))]
        ranks = sorted(
            draw(st.sets(st.integers(1, 6), min_size=len(sessions), max_size=len(sessions)))
        )
        tour_ranks = sorted(
            draw(st.sets(st.integers(1, 4), min_size=len(tours), max_size=len(tours)))
        )
        answers[pid] = (sessions, ranks, tours, tour_ranks)
    return answers


def _survey_table(shape: str, answers: dict[str, Any]) -> list[list[str]]:
    """The answers as an export of the given shape would hold them."""
    people = list(answers)
    if shape == "choices":
        top = max([r for a in answers.values() for r in a[1]], default=1)
        tops = max([r for a in answers.values() for r in a[3]], default=1)
        header = ["Timestamp", "Email Address"]
        header += [f"Session choice {n}" for n in range(1, top + 1)]
        header += [f"Tour choice {n}" for n in range(1, tops + 1)]
        rows = [header]
        for pid in people:
            sessions, ranks, tours, tour_ranks = answers[pid]
            row = ["2027-03-01 10:00:00", EMAILS[pid].upper()] + [""] * (top + tops)
            for item, rank in zip(sessions, ranks, strict=True):
                row[1 + rank] = TITLES[item].lower()
            for item, rank in zip(tours, tour_ranks, strict=True):
                row[1 + top + rank] = item  # ids work too
            rows.append(row)
        return rows
    items = [*_SESSIONS, *_TOURS]
    if shape == "list":
        header = ["ID", "Email", "Rank the sessions", "Rank the tours"]
        rows = [header]
        for n, pid in enumerate(people, 1):
            sessions, _, tours, _ = answers[pid]
            rows.append(
                [
                    str(n),
                    EMAILS[pid],
                    # Microsoft Forms ends every answer with ";".
                    "".join(f"{TITLES[i]};" for i in sessions),
                    "".join(f"{TITLES[i]};" for i in tours),
                ]
            )
        return rows
    if shape == "google grid":
        header = ["Username"] + [f"Rank these [{TITLES[i]}]" for i in items]
    elif shape == "columns":
        header = ["Participant ID"] + [TITLES[i] for i in items]
    else:  # qualtrics
        header = ["RecipientEmail"] + [f"QID{n}" for n in range(len(items))]
    rows = [header]
    if shape == "qualtrics":
        rows.append(["Recipient Email"] + [f"Please rank - {TITLES[i]}" for i in items])
        rows.append(['{"ImportId":"recipientEmail"}'] + ['{"ImportId":"QID1"}'] * len(items))
    for pid in people:
        sessions, ranks, tours, tour_ranks = answers[pid]
        given = dict(zip(sessions, ranks, strict=True)) | dict(zip(tours, tour_ranks, strict=True))
        who = pid if shape == "columns" else EMAILS[pid]
        cells = []
        for i in items:
            rank = given.get(i)
            cells.append(
                ""
                if rank is None
                else _ORDINALS[rank - 1]
                if shape == "google grid"
                else str(rank)
            )
        rows.append([who, *cells])
    return rows


def _expected(shape: str, answers: dict[str, Any]) -> set[tuple[str, str, int]]:
    rows = set()
    for pid, (sessions, ranks, tours, tour_ranks) in answers.items():
        if shape == "list":  # a ranking question has no gaps
            ranks, tour_ranks = range(1, len(sessions) + 1), range(1, len(tours) + 1)
        rows |= {(pid, i, r) for i, r in zip(sessions, ranks, strict=False)}
        rows |= {(pid, i, r) for i, r in zip(tours, tour_ranks, strict=False)}
    return rows


_ROUND_TRIP_EVENT: list[Event] = []


def _round_trip_event() -> Event:
    if not _ROUND_TRIP_EVENT:
        with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _ROUND_TRIP_EVENT.append(
                read_event(write_book(survey_event_rows(), Path(folder) / "event"))
            )
    return _ROUND_TRIP_EVENT[0]


@pytest.mark.parametrize("shape", ["choices", "google grid", "columns", "qualtrics", "list"])
@pytest.mark.parametrize("form", ["csv", "xlsx"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=_answers())
def test_round_trip_preferences_survey_import(
    shape: str, form: str, answers: dict[str, Any]
) -> None:
    event = _round_trip_event()
    # A ranking question nobody answered cannot be told from any other column.
    assume(shape != "list" or any(a[0] or a[2] for a in answers.values()))
    table = _survey_table(shape, answers)
    with tempfile.TemporaryDirectory() as folder:
        if form == "csv":
            import csv
            import io

            buffer = io.StringIO()
            csv.writer(buffer).writerows(table)
            path = write_text(Path(folder) / "survey.csv", buffer.getvalue(), "utf-8-sig")
        else:
            path = write_sheets({"Responses": table}, Path(folder) / "survey.xlsx")
        result = survey_preferences(path, event)
    # A row with no choice is no answer: that person keeps the rows they had.
    chose = {pid for pid, a in answers.items() if a[0] or a[2]}
    before = {(p.participant_id, p.item_id, p.rank) for p in event.preferences}
    kept = {r for r in before if r[0] in set(answers) - chose}
    assert rows_of(result, set(answers)) == _expected(shape, answers) | kept
    assert set(result.respondents) == chose
    assert not result.fuzzy


def test_a_row_without_choices_is_no_answer(tmp_path: Path, event: Event) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "Email,Choice 1\nben@example.org,Land Bank Strategies\nben@example.org,\n"
        "ed@example.org,\n",
    )
    result = survey_preferences(survey, event)
    assert rows_of(result, {"c1-b"}) == {("c1-b", "x1", 1)}
    # Ed's earlier row stays, and Ed is not counted as a respondent.
    assert rows_of(result, {"c2-b"}) == {("c2-b", "walk", 1)}
    assert result.respondents == ("c1-b",)
    assert {(w.row, w.value) for w in result.warnings} == {
        (3, "ben@example.org"),
        (4, "ed@example.org"),
    }


def test_a_qualtrics_title_holding_a_dash(tmp_path: Path) -> None:
    rows = survey_event_rows()
    rows["sessions"][1]["title"] = "Land Banks - What Works"  # x1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = read_event(write_book(rows, tmp_path / "event"))
    survey = write_text(
        tmp_path / "survey.csv",
        "RecipientEmail,Q1_1,Q1_2\n"
        "Recipient Email,Rank - Land Banks - What Works,Rank - Budgeting for Equity\n"
        '"{""ImportId"":""recipientEmail""}","{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}"\n'
        "ada@example.org,2,1\n",
    )
    result = survey_preferences(survey, event)
    assert rows_of(result, {"c1-a"}) == {("c1-a", "x1", 2), ("c1-a", "x2", 1)}
    assert not result.fuzzy


def test_a_survey_of_another_event_lists_a_hundred_problems_and_a_count(
    tmp_path: Path, event: Event
) -> None:
    lines = ["Email,Choice 1"] + [
        f"someone{n}@elsewhere.org,Land Bank Strategies" for n in range(150)
    ]
    survey = write_text(tmp_path / "survey.csv", "\n".join(lines) + "\n")
    with pytest.raises(SurveyError) as caught:
        survey_preferences(survey, event)
    problems = caught.value.problems
    assert len(problems) == 101
    assert any("50 more problems are not listed" in p.message for p in problems)


def test_an_empty_recipient_email_gives_way_to_an_email_question(
    tmp_path: Path, event: Event
) -> None:
    survey = write_text(
        tmp_path / "survey.csv",
        "RecipientEmail,Q1,Q2\n"
        "Recipient Email,Your email address,1st choice\n"
        '"{""ImportId"":""recipientEmail""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
        ",di@example.org,Budgeting for Equity\n",
    )
    result = survey_preferences(survey, event)
    assert rows_of(result, {"c2-a"}) == {("c2-a", "x2", 1)}
