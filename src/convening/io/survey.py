"""Preferences straight from a registration survey export.

Planners collect preferences with Google Forms, Microsoft Forms, Qualtrics,
SurveyMonkey or a registration tool. Their exports are wide tables, one row
per respondent, keyed by e-mail, with session titles as answers; the
``preferences`` sheet wants one row per (participant_id, item_id, rank).
:func:`survey_preferences` turns the first into the second, and
:func:`import_survey` writes a new event workbook with them.

Shapes understood (any mix of them in one survey):

- *ranked-choice columns*: ``1st choice``, ``Choice 2``, ``Rank 3``,
  ``Breakout choice 1``, ``Tour choice 2``, ``Which sessions? [1st choice]``;
  each cell holds a session or tour title (or id) and the column's number is
  its rank;
- *grids*: ``Question [Session title]`` columns (Google Forms, Microsoft Forms),
  ``Question - Session title`` (Qualtrics), or one column per session headed by
  its title; each cell holds a rank number or an ordinal (``1st``,
  ``First choice``).

Qualtrics' three header rows (internal names, question texts, import ids) are
recognised; every other export has one header row. Ranks count separately for
sessions and tours, as in the ``preferences`` sheet: ``Tour choice 2`` is
tour rank 2. A column whose header names no kind (``Choice 3``) gives its
rank to whatever its cell names.

Titles match exactly (title or id), then ignoring case, punctuation and
spacing, then fuzzily: with RapidFuzz's ``token_sort_ratio`` a title is taken
only when its score is at least :data:`FUZZY_THRESHOLD` and beats the next
candidate by at least :data:`FUZZY_MARGIN` points. Anything else is a problem
naming the survey row (as a spreadsheet shows it, the header being row 1), the
column header and the value, with the closest candidates.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import attrs

from convening.errors import ConveningError, EventError, Problem, ProblemLog
from convening.model import Event, Preference

__all__ = [
    "FUZZY_MARGIN",
    "FUZZY_THRESHOLD",
    "FuzzyMatch",
    "SurveyError",
    "SurveyImport",
    "import_survey",
    "survey_preferences",
]

logger = logging.getLogger(__name__)

#: The least RapidFuzz ``token_sort_ratio`` (0-100) at which a title is matched fuzzily.
FUZZY_THRESHOLD = 85.0
#: How far the best fuzzy candidate must beat the next one to be taken.
FUZZY_MARGIN = 10.0
#: How many close candidates a problem names.
_CANDIDATES_SHOWN = 3


class SurveyError(EventError):
    """The survey cannot be imported as given; :attr:`problems` lists every reason."""

    def __init__(self, problems: Iterable[Problem], warnings: Sequence[Problem] = ()) -> None:
        super().__init__(problems, warnings)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the survey"
        lines = [head + ":"] + [f"  - {p}" for p in self.problems]
        self.args = ("\n".join(lines),)


class OutputExistsError(ConveningError):
    """The new event's path exists and replacing it was not asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists; choose a new path, or pass force=True to replace it")
        self.path = path


@attrs.frozen
class FuzzyMatch:
    """A survey answer matched by fuzzy matching, for the planner to eyeball.

    Parameters
    ----------
    row
        The survey row as a spreadsheet shows it (the header is row 1).
    column
        The column header.
    value
        What the survey says.
    item_id
        The session or tour it was taken for.
    title
        That item's title.
    score
        RapidFuzz's ``token_sort_ratio`` (0-100).
    """

    row: int
    column: str
    value: str
    item_id: str
    title: str
    score: float

    def __str__(self) -> str:
        return (
            f"row {self.row}, column {self.column}: {self.value!r} -> {self.item_id} "
            f"({self.title!r}, score {self.score:.0f})"
        )


@attrs.frozen
class SurveyImport:
    """What a survey import made.

    Parameters
    ----------
    event
        The event with its ``preferences`` filled from the survey.
    preferences
        The preference rows the survey gave (those of the respondents).
    respondents
        The participant ids of the people who answered, in survey order.
    unanswered
        The participant ids of the people with no answer in the survey.
    kept
        Of ``unanswered``, those who keep preference rows the event had before.
    fuzzy
        The answers matched fuzzily.
    warnings
        Odd but importable things (a person who answered twice, a repeated choice).
    """

    event: Event
    preferences: tuple[Preference, ...]
    respondents: tuple[str, ...]
    unanswered: tuple[str, ...]
    kept: tuple[str, ...]
    fuzzy: tuple[FuzzyMatch, ...]
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        """The import in a few lines of plain text."""
        kept = len(self.kept)
        lines = [
            f"{_count(len(self.respondents), 'respondent', 'respondents')} gave "
            f"{_count(len(self.preferences), 'preference', 'preferences')}; "
            f"{_count(len(self.unanswered), 'person has', 'people have')} no answer in the "
            "survey"
            + (
                f" ({kept} {'keeps' if kept == 1 else 'keep'} earlier preferences)" if kept else ""
            ),
            f"{_count(len(self.fuzzy), 'choice was', 'choices were')} matched fuzzily"
            + ("; check " + ("it:" if len(self.fuzzy) == 1 else "them:") if self.fuzzy else "."),
        ]
        lines += [f"  - {m}" for m in self.fuzzy]
        return "\n".join(lines)


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# -- public entry points ----------------------------------------------------------------------


def survey_preferences(
    survey: str | PathLike[str],
    event: Event,
    *,
    id_column: str | None = None,
) -> SurveyImport:
    """Read a survey export and give ``event`` the preferences it holds.

    Parameters
    ----------
    survey
        A CSV file (UTF-8, UTF-8 with a byte-order mark, or Windows-1252) or an
        ``.xlsx`` workbook (its first sheet), one row per respondent.
    event
        The event the respondents and sessions belong to.
    id_column
        The header of the column that identifies respondents; by default the
        first column headed like ``Email``, ``Email Address``, ``E-mail``,
        ``Username``, then ``Participant ID``, then ``Name``.

    Returns
    -------
    SurveyImport
        The new event (the survey's answers replace the preference rows of the
        people who answered; other people's rows are kept) and a summary.

    Raises
    ------
    SurveyError
        Listing every problem at once: unknown or ambiguous titles, respondents
        not in the event, cells that are not ranks. Nothing is made.
    """
    path = Path(survey)
    label = path.name
    rows = _read_rows(path, label)
    log = ProblemLog(_shown)
    parsed = _Survey.parse(rows, label, event, id_column, log)
    answers = parsed.answers(log)
    if log.has_errors:
        raise SurveyError(_capped(log.errors(), label), log.warnings())
    return _apply(event, answers, parsed.fuzzy, tuple(log.warnings()))


def import_survey(
    survey: str | PathLike[str],
    event: str | PathLike[str],
    out: str | PathLike[str],
    *,
    force: bool = False,
    id_column: str | None = None,
) -> SurveyImport:
    """Write a copy of an event workbook with its ``preferences`` filled from a survey.

    Parameters
    ----------
    survey
        The survey export (see :func:`survey_preferences`).
    event
        The event workbook or folder of CSV files; it is never modified.
    out
        The new event: a path ending in ``.xlsx`` gets a workbook, any other
        path a folder of CSV files. Other sheets are as in ``event``.
    force
        Replace ``out`` if it exists.
    id_column
        The header of the column that identifies respondents.

    Returns
    -------
    SurveyImport
        The new event and a summary of the import.

    Raises
    ------
    EventError
        The event itself has problems (each listed).
    SurveyError
        The survey has problems; nothing is written.
    ConveningError
        ``out`` exists and ``force`` is not set, or ``out`` is ``event``.
    """
    from convening.io.reader import read_event
    from convening.io.writer import write_event

    target = Path(out)
    if target.resolve() == Path(event).resolve():
        raise ConveningError("the new event must be written to a new path, not over the event")
    _refuse_existing(target, force=force)
    result = survey_preferences(survey, read_event(event), id_column=id_column)
    write_event(result.event, target)
    logger.info("wrote %s with %d preferences from %s", target, len(result.preferences), survey)
    return result


def _refuse_existing(target: Path, *, force: bool) -> None:
    if target.exists() and not force:
        raise OutputExistsError(target)
    if target.exists() and target.is_dir() != (target.suffix.lower() != ".xlsx"):
        kind = "a folder" if target.is_dir() else "a file"
        raise ConveningError(f"{target} is {kind}; give a new path")


# -- reading the export -----------------------------------------------------------------------


#: Problems listed; beyond this one line says how many more there are.
MAX_PROBLEMS = 100


def _capped(problems: Sequence[Problem], label: str) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS` problems (in survey order), and a line for the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return list(problems)
    ordered = sorted(problems, key=Problem.sort_key)
    more = len(ordered) - MAX_PROBLEMS
    return [
        *ordered[:MAX_PROBLEMS],
        Problem(f"{more} more problems are not listed; fix the ones listed first", label),
    ]


def _fail(message: str) -> SurveyError:
    return SurveyError([Problem(message)])


def _read_rows(path: Path, label: str) -> list[list[Any]]:
    if not path.exists():
        raise _fail(f"there is no file {path}")
    if path.is_dir():
        raise _fail(f"{path} is a folder; give the survey export (a .csv or .xlsx file)")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, label)
    if suffix == ".xls":
        raise _fail(f"{label} is an old-style .xls workbook; save it as .xlsx or CSV")
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        return _xlsx_rows(path, label)
    return _csv_rows(data, label)


def _xlsx_rows(path: Path, label: str) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise _fail(f"{label} cannot be opened as an Excel workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return [[cell.value for cell in row] for row in sheet.iter_rows()]
    finally:
        book.close()


def _csv_rows(data: bytes, label: str) -> list[list[Any]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel's "CSV (Comma delimited)" on Windows writes Windows-1252.
            text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _fail(f"{label} is not a well-formed CSV file ({exc})") from None


# -- words ------------------------------------------------------------------------------------


def _compact(text: object) -> str:
    """Text ignoring case, accents, punctuation and spacing: ``"Re-Use, Vacant!"`` -> ``"reusevacant"``."""
    folded = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "top": 1,
}
_CHOICE_WORDS = r"(?:choice|choices|preference|pick|option|rank|ranking|priority)"
_NUMBER = r"(?:#|no\.?\s*|number\s*)?(\d{1,3})(?:st|nd|rd|th)?"
_WORD = "(" + "|".join(_ORDINAL_WORDS) + ")"
#: ``1st choice``, ``choice 2``, ``rank #3``, ``first choice``, ``second preference``.
_CHOICE_HEADER = re.compile(
    rf"(?:\b{_NUMBER}\s*{_CHOICE_WORDS}\b|\b{_CHOICE_WORDS}\s*{_NUMBER}(?!\d)|\b{_WORD}\s+{_CHOICE_WORDS}\b)",
    re.IGNORECASE,
)
#: A cell that is a rank: ``1``, ``1st``, ``#2``, ``First``, ``1st choice``, ``Choice 2``.
_RANK_CELL = re.compile(
    rf"^\s*(?:{_NUMBER}|{_WORD})\s*(?:{_CHOICE_WORDS})?\s*$|^\s*{_CHOICE_WORDS}\s*{_NUMBER}\s*$",
    re.IGNORECASE,
)
_TOUR_WORDS = re.compile(r"\b(tours?|site visits?|field trips?|excursions?)\b", re.IGNORECASE)
_SESSION_WORDS = re.compile(
    r"\b(sessions?|breakouts?|workshops?|plenar(?:y|ies)|panels?|talks?)\b", re.IGNORECASE
)
_BRACKETED = re.compile(r"^(.*?)\s*\[(.+)\]\s*$", re.DOTALL)


def _choice_number(header: str) -> int | None:
    match = _CHOICE_HEADER.search(header)
    if match is None:
        return None
    number = match.group(1) or match.group(2)
    return int(number) if number else _ORDINAL_WORDS[match.group(3).lower()]


def _rank(value: object) -> int | None:
    """The rank a grid cell gives, or ``None`` when it is not a rank."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    match = _RANK_CELL.match(str(value))
    if match is None:
        return None
    number = match.group(1) or match.group(3)
    return int(number) if number else _ORDINAL_WORDS[match.group(2).lower()]


def _kind_of(text: str) -> str | None:
    """``"tour"`` or ``"session"`` when a header says which it asks about."""
    if _TOUR_WORDS.search(text):
        return "tour"
    if _SESSION_WORDS.search(text):
        return "session"
    return None


# -- respondents ------------------------------------------------------------------------------

_EMAIL_HEADERS = {
    "email",
    "emailaddress",
    "youremail",
    "youremailaddress",
    "workemail",
    "workemailaddress",
    "recipientemail",
    "respondentemail",
    "attendeeemail",
    "username",
}
_ID_HEADERS = {
    "participantid",
    "participant",
    "registrationid",
    "attendeeid",
    "externalreference",
    "externaldatareference",
    "id",
}
_NAME_HEADERS = {"name", "fullname", "yourname", "participantname", "attendeename", "respondent"}


class _People:
    """Looks up a respondent by e-mail, else participant id, else exact name."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.by_email: dict[str, list[str]] = {}
        self.by_id = {p.participant_id: [p.participant_id] for p in event.participants}
        self.by_id_folded: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        for p in event.participants:
            if p.email:
                self.by_email.setdefault(p.email.strip().casefold(), []).append(p.participant_id)
            self.by_id_folded.setdefault(p.participant_id.casefold(), []).append(p.participant_id)
            self.by_name.setdefault(_name_key(p.name), []).append(p.participant_id)

    def find(self, value: str) -> tuple[str | None, str | None]:
        """``(participant_id, None)`` or ``(None, what is wrong)``."""
        for table, key in (
            (self.by_email, value.strip().casefold()),
            (self.by_id, value.strip()),
            (self.by_id_folded, value.strip().casefold()),
            (self.by_name, _name_key(value)),
        ):
            found = table.get(key)
            if found and len(found) == 1:
                return found[0], None
            if found:
                return None, f"matches {len(found)} participants ({', '.join(found)})"
        return None, "no participant with this e-mail, id or name in the event" + self.closest(
            value
        )

    def closest(self, value: str) -> str:
        from rapidfuzz import fuzz, process, utils

        choices: dict[str, str] = {}
        for p in self.event.participants:
            choices.setdefault(p.participant_id, p.participant_id)
            if p.email:
                choices.setdefault(p.email, p.participant_id)
            choices.setdefault(p.name, p.participant_id)
        found = process.extract(
            value,
            list(choices),
            scorer=fuzz.ratio,
            processor=utils.default_process,
            limit=_CANDIDATES_SHOWN,
            score_cutoff=60,
        )
        if not found:
            return ""
        shown = ", ".join(
            f"{text!r}" + ("" if choices[text] == text else f" ({choices[text]})")
            for text, _, _ in found
        )
        return f"; closest: {shown}"


def _name_key(name: object) -> str:
    return " ".join(str(name).split()).casefold()


# -- items ------------------------------------------------------------------------------------


@attrs.frozen
class _Item:
    item_id: str
    title: str
    kind: str  # "session" or "tour"


class _Items:
    """Looks up a session or tour by title or id: exactly, normalised, then fuzzily."""

    def __init__(self, event: Event) -> None:
        self.items = [_Item(s.session_id, s.title, "session") for s in event.sessions] + [
            _Item(t.tour_id, t.title, "tour") for t in event.tours
        ]

    def of_kind(self, kind: str | None) -> list[_Item]:
        return [i for i in self.items if kind is None or i.kind == kind]

    def find(
        self, value: str, kind: str | None, *, fuzzy: bool = True
    ) -> tuple[_Item | None, float | None, str | None]:
        """``(item, fuzzy score or None, None)``, or ``(None, None, what is wrong)``."""
        items = self.of_kind(kind)
        text = value.strip()
        for same in (
            lambda i: text in (i.title.strip(), i.item_id),
            lambda i: _compact(text) in (_compact(i.title), _compact(i.item_id)),
        ):
            found = list({i.item_id: i for i in items if same(i)}.values())
            if len(found) == 1:
                return found[0], None, None
            if found:
                names = ", ".join(f"{i.item_id} ({i.title!r})" for i in found)
                return None, None, f"matches {len(found)} {_noun(kind)}s: {names}"
        ranked = self._ranked(text, items)
        if fuzzy and ranked:
            best_score, best = ranked[0]
            second = ranked[1][0] if len(ranked) > 1 else 0.0
            if best_score >= FUZZY_THRESHOLD and best_score - second >= FUZZY_MARGIN:
                return best, best_score, None
        message = f"no {_noun(kind)} with this title or id"
        if ranked and ranked[0][0] >= FUZZY_THRESHOLD:
            message = f"more than one {_noun(kind)} is close to this"
        shown = [f"{i.item_id} ({i.title!r})" for i in self._closest(text, items)]
        if shown:
            message += "; closest: " + ", ".join(shown)
        return None, None, message

    @staticmethod
    def _closest(text: str, items: Sequence[_Item]) -> list[_Item]:
        """The items to suggest for an answer that matched none: ``WRatio`` also weighs a
        part of a title (``Porchlight permits``), which is fine for a suggestion."""
        from rapidfuzz import fuzz, utils

        scored = sorted(
            ((fuzz.WRatio(text, i.title, processor=utils.default_process), i) for i in items),
            key=lambda si: (-si[0], si[1].item_id),
        )
        if not scored:
            return []
        best = scored[0][0]
        near = [i for score, i in scored if score >= 50 and score >= best - 15]
        return near[:_CANDIDATES_SHOWN]

    @staticmethod
    def _ranked(text: str, items: Sequence[_Item]) -> list[tuple[float, _Item]]:
        """Items by their best fuzzy score against ``text`` (title or id), best first."""
        from rapidfuzz import fuzz, utils

        query = utils.default_process(text)
        scored = [
            (
                max(
                    fuzz.token_sort_ratio(query, utils.default_process(i.title)),
                    fuzz.ratio(query, utils.default_process(i.item_id)),
                ),
                i,
            )
            for i in items
        ]
        scored.sort(key=lambda si: (-si[0], si[1].item_id))
        return [(s, i) for s, i in scored if s > 0]


def _noun(kind: str | None) -> str:
    return "session or tour" if kind is None else kind


# -- the survey -------------------------------------------------------------------------------


@attrs.define
class _Column:
    index: int
    header: str
    #: "choice": cells hold titles and the column gives the rank; "grid": the column is an
    #: item and cells hold ranks; "list": a cell holds titles in order, ``;``-separated.
    shape: str
    kind: str | None = None
    rank: int = 0
    item: _Item | None = None


@attrs.define
class _Answer:
    row: int
    person: str
    ranks: dict[str, tuple[int, str]]  # item id -> (rank, column header)


@attrs.define
class _Survey:
    label: str
    event: Event
    rows: list[list[Any]]
    first_data_row: int  # index into rows
    id_at: int
    columns: list[_Column]
    items: _Items
    fuzzy: list[FuzzyMatch] = attrs.field(factory=list)

    @classmethod
    def parse(
        cls,
        rows: list[list[Any]],
        label: str,
        event: Event,
        id_column: str | None,
        log: ProblemLog,
    ) -> _Survey:
        while rows and all(_cell_text(c) == "" for c in rows[-1]):
            rows.pop()
        if not rows:
            raise _fail(
                f"{label} is empty; a survey export has a header row and one row per answer"
            )
        headers = [_cell_text(c) for c in rows[0]]
        first_data = 1
        if _is_surveymonkey(rows):
            # SurveyMonkey: the question above, its options (or "Response") below.
            headers = _surveymonkey_headers(rows[0], rows[1])
            first_data = 2
            also = headers
        elif _is_qualtrics(rows):
            # Qualtrics: internal names, then the question texts, then import ids.
            texts = [_cell_text(c) for c in rows[1]]
            headers = [t or h for h, t in zip(headers, texts, strict=False)]
            headers += [_cell_text(c) for c in rows[0][len(texts) :]]
            first_data = 3
            also = [_cell_text(c) for c in rows[0]]
        else:
            also = headers
        id_at = _find_id_column(headers, also, id_column, label, rows[first_data:])
        items = _Items(event)
        survey = cls(label, event, rows, first_data, id_at, [], items)
        survey.columns = survey._classify(headers, log)
        if not survey.columns:
            raise _fail(
                f"{label} has no column of choices: expected headers such as '1st choice', "
                "'Choice 2', 'Tour choice 1', 'Rank the sessions [Session title]', or columns "
                "headed by session titles"
            )
        return survey

    def _classify(self, headers: Sequence[str], log: ProblemLog) -> list[_Column]:
        columns: list[_Column] = []
        for index, header in enumerate(headers):
            if index == self.id_at or not header:
                continue
            bracket = _BRACKETED.match(header)
            question, inner = (bracket.group(1), bracket.group(2)) if bracket else (header, "")
            inner_rank = _rank(inner) if bracket else None
            if inner_rank is not None and inner_rank > 0:
                # "Question [1st choice]": a grid whose rows are ranks; cells hold titles.
                columns.append(_Column(index, header, "choice", _kind_of(question), inner_rank))
                continue
            number = None if bracket else _choice_number(header)
            if number is not None:
                columns.append(_Column(index, header, "choice", _kind_of(header), number))
                continue
            if bracket:
                # A grid: "Question [Session title]"; the title must be one of the event's.
                self._grid_column(columns, index, header, inner, _kind_of(question), log)
                continue
            # A column headed by a title alone, or Qualtrics' "Question - Session title" (a
            # title may itself hold " - ", so every split is tried, the longest title first).
            parts = header.split(" - ")
            titles = [" - ".join(parts[start:]) for start in range(len(parts))]
            found, score, title = None, None, header
            # Exact and normalised matches of every split before any fuzzy one; fuzzy only
            # for a column of ranks, so that "Dietary needs" is never taken for a title.
            for fuzzy in (False, True):
                if fuzzy and not self._holds_ranks(index):
                    break
                for title in titles:
                    found, score, _ = self.items.find(title, None, fuzzy=fuzzy)
                    if found is not None:
                        break
                if found is not None:
                    break
            if found is not None:
                columns.append(_Column(index, header, "grid", found.kind, 0, found))
                if score is not None:
                    self.fuzzy.append(
                        FuzzyMatch(1, header, title, found.item_id, found.title, score)
                    )
            elif _RANKING_HEADER.search(header) and self._holds_lists(index):
                # Microsoft Forms' ranking question: "Title A;Title B;Title C;" in one cell.
                columns.append(_Column(index, header, "list", _kind_of(header)))
        return columns

    def _grid_column(
        self,
        columns: list[_Column],
        index: int,
        header: str,
        title: str,
        kind: str | None,
        log: ProblemLog,
    ) -> None:
        found, score, problem = self.items.find(title, kind)
        if found is None and kind is not None:
            # "Sessions [Walking tour of the levee]": the question's word is only a hint.
            found, score, problem = self.items.find(title, None)
        if found is None:
            if self._holds_ranks(index) and self._answered(index):
                log.error(problem or "unknown title", self.label, 1, header, title)
            return
        columns.append(_Column(index, header, "grid", found.kind, 0, found))
        if score is not None:
            self.fuzzy.append(FuzzyMatch(1, header, title, found.item_id, found.title, score))

    def _data(self) -> list[tuple[int, list[Any]]]:
        return [
            (number, row)
            for number, row in enumerate(self.rows[self.first_data_row :], self.first_data_row + 1)
            if any(_cell_text(c) for c in row)
        ]

    def _holds_ranks(self, index: int) -> bool:
        cells = [_cell_text(r[index]) for _, r in self._data() if index < len(r)]
        filled = [c for c in cells if c]
        return bool(filled) and all(_rank(c) is not None for c in filled)

    def _holds_lists(self, index: int) -> bool:
        cells = [_cell_text(r[index]) for _, r in self._data() if index < len(r)]
        return any(";" in c for c in cells)

    def _answered(self, index: int) -> bool:
        return any(index < len(r) and _cell_text(r[index]) for _, r in self._data())

    def answers(self, log: ProblemLog) -> list[_Answer]:
        people = _People(self.event)
        by_person: dict[str, _Answer] = {}
        id_header = _cell_text(self.rows[0][self.id_at]) if self.first_data_row == 1 else None
        id_header = id_header or self._header_of(self.id_at)
        for number, row in self._data():
            raw = row[self.id_at] if self.id_at < len(row) else None
            who = _cell_text(raw)
            ranks = self._ranks(number, row, log)
            if not who:
                if ranks:
                    log.error(
                        "this answer names nobody: the respondent's cell is empty",
                        self.label,
                        number,
                        id_header,
                        None,
                    )
                continue
            person, problem = people.find(who)
            if person is None:
                log.error(problem or "unknown respondent", self.label, number, id_header, who)
                continue
            if not self._chose(row):
                # An opened but unanswered survey (Qualtrics keeps those): nothing is lost.
                log.warning(
                    f"{person} chose nothing in this row; it is not counted as an answer "
                    "(earlier answers and preference rows are kept)",
                    self.label,
                    number,
                    id_header,
                    who,
                )
                continue
            earlier = by_person.pop(person, None)
            if earlier is not None:
                log.warning(
                    f"{person} answered twice (rows {earlier.row} and {number}); the later "
                    f"answer, row {number}, counts",
                    self.label,
                    number,
                    id_header,
                    who,
                )
            by_person[person] = _Answer(number, person, ranks)
        return list(by_person.values())

    def _chose(self, row: Sequence[Any]) -> bool:
        return any(c.index < len(row) and _cell_text(row[c.index]) for c in self.columns)

    def _header_of(self, index: int) -> str:
        for column in self.columns:
            if column.index == index:
                return column.header
        texts = [_cell_text(r[index]) for r in self.rows[: self.first_data_row] if index < len(r)]
        return next((t for t in reversed(texts[:2]) if t), f"column {index + 1}")

    def _ranks(
        self, number: int, row: Sequence[Any], log: ProblemLog
    ) -> dict[str, tuple[int, str]]:
        ranks: dict[str, tuple[int, str]] = {}
        for column in self.columns:
            raw = row[column.index] if column.index < len(row) else None
            text = _cell_text(raw)
            if not text:
                continue
            if column.shape == "grid":
                assert column.item is not None
                rank = _rank(raw)
                if rank is None or rank < 1:
                    log.error(
                        "must be a rank: a whole number from 1, or an ordinal such as 1st or "
                        "First choice",
                        self.label,
                        number,
                        column.header,
                        text,
                    )
                    continue
                self._keep(ranks, column.item.item_id, rank, number, column.header, log)
                continue
            if column.shape == "list":
                answers = [(rank, part.strip()) for rank, part in enumerate(text.split(";"), 1)]
            else:
                answers = [(column.rank, text)]
            for rank, answer in answers:
                if not answer:
                    continue
                found, score, problem = self.items.find(answer, column.kind)
                if found is None:
                    log.error(
                        problem or "unknown title", self.label, number, column.header, answer
                    )
                    continue
                if score is not None:
                    self.fuzzy.append(
                        FuzzyMatch(
                            number, column.header, answer, found.item_id, found.title, score
                        )
                    )
                self._keep(ranks, found.item_id, rank, number, column.header, log)
        return ranks

    def _keep(
        self,
        ranks: dict[str, tuple[int, str]],
        item_id: str,
        rank: int,
        number: int,
        header: str,
        log: ProblemLog,
    ) -> None:
        earlier = ranks.get(item_id)
        if earlier is not None:
            better = min(earlier[0], rank)
            log.warning(
                f"{item_id} is chosen twice by this respondent (also in column "
                f"{earlier[1]!r}); the better rank, {better}, counts",
                self.label,
                number,
                header,
                item_id,
            )
            if earlier[0] <= rank:
                return
        ranks[item_id] = (rank, header)


_RANKING_HEADER = re.compile(r"\b(rank|ranking|order|preferences?|priorit(y|ies))\b", re.I)
_SURVEYMONKEY_CELLS = {"response", "open-ended response", "other (please specify)"}


def _is_surveymonkey(rows: Sequence[Sequence[Any]]) -> bool:
    """Two header rows: questions above (one merged cell per question), options below."""
    if len(rows) < 2:
        return False
    top, below = rows[0], [_cell_text(c) for c in rows[1]]
    if any(c.casefold() in ("response", "open-ended response") for c in below):
        return True
    # An option under a merged question's empty cell, and nobody's answer in the row.
    under_merged = any(
        text and _rank(text) is None and (index >= len(top) or not _cell_text(top[index]))
        for index, text in enumerate(below)
    )
    return under_merged and not any("@" in c for c in below)


def _surveymonkey_headers(top: Sequence[Any], below: Sequence[Any]) -> list[str]:
    """``"Question [Option]"`` for each column, the question carried over merged cells."""
    headers: list[str] = []
    question = ""
    for index in range(max(len(top), len(below))):
        above = _cell_text(top[index]) if index < len(top) else ""
        option = _cell_text(below[index]) if index < len(below) else ""
        question = above or question
        if not above and not option:
            headers.append("")
        elif not option or option.casefold() in _SURVEYMONKEY_CELLS:
            headers.append(above or question)
        else:
            headers.append(f"{question} [{option}]" if question else option)
    return headers


def _is_qualtrics(rows: Sequence[Sequence[Any]]) -> bool:
    return len(rows) >= 3 and any(
        _cell_text(c).startswith('{"ImportId"') for c in rows[2] if c is not None
    )


def _find_id_column(
    headers: Sequence[str],
    also: Sequence[str],
    id_column: str | None,
    label: str,
    data: Sequence[Sequence[Any]],
) -> int:
    if id_column is not None:
        wanted = _compact(id_column)
        for index, (header, other) in enumerate(zip(headers, also, strict=False)):
            if wanted in (_compact(header), _compact(other)):
                return index
        raise _fail(
            f"{label} has no column {id_column!r}; its columns are "
            + ", ".join(repr(h) for h in headers if h)
        )
    for group in (_EMAIL_HEADERS, _ID_HEADERS, _NAME_HEADERS):
        found = [
            index
            for index, (header, other) in enumerate(zip(headers, also, strict=False))
            if _compact(header) in group or _compact(other) in group
        ]
        # Qualtrics' RecipientEmail is empty for an anonymous link; an e-mail question
        # further right then says who answered.
        filled = [i for i in found if any(i < len(r) and _cell_text(r[i]) for r in data)]
        if filled or found:
            return (filled or found)[0]
    raise _fail(
        f"{label} has no column that says who answered: name it with id_column=..., "
        "or head it Email, Email Address, Username, Participant ID or Name"
    )


# -- the new event ----------------------------------------------------------------------------


def _apply(
    event: Event,
    answers: Sequence[_Answer],
    fuzzy: Sequence[FuzzyMatch],
    warned: tuple[Problem, ...],
) -> SurveyImport:
    answered = {a.person for a in answers}
    kept_rows = [p for p in event.preferences if p.participant_id not in answered]
    new_rows: list[Preference] = []
    kinds = {s.session_id: 0 for s in event.sessions} | {t.tour_id: 1 for t in event.tours}
    for answer in answers:
        for item_id, (rank, _) in sorted(
            answer.ranks.items(), key=lambda kv: (kinds[kv[0]], kv[1][0], kv[0])
        ):
            new_rows.append(Preference(answer.person, item_id, rank))
    preferences = [
        attrs.evolve(p, row=row) for row, p in enumerate([*kept_rows, *new_rows], start=2)
    ]
    fields = {a.name: getattr(event, a.name) for a in attrs.fields(Event) if a.init}
    fields["preferences"] = tuple(preferences)
    new_event = Event(**fields)
    kept = {p.participant_id for p in kept_rows}
    people = [p.participant_id for p in event.participants]
    unanswered = tuple(pid for pid in people if pid not in answered)
    return SurveyImport(
        event=new_event,
        preferences=tuple(preferences[len(kept_rows) :]),
        respondents=tuple(a.person for a in sorted(answers, key=lambda a: a.row)),
        unanswered=unanswered,
        kept=tuple(pid for pid in unanswered if pid in kept),
        fuzzy=tuple(fuzzy),
        warnings=warned,
    )
