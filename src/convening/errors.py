"""Errors, problems and warnings that ``convening`` reports to planners.

Every library error is a :class:`ConveningError`, itself a :class:`ValueError`,
so ``except ValueError`` in a user's script still catches bad input. Input
problems are gathered, never raised one at a time: :class:`EventError` carries
the whole list, each :class:`Problem` naming the sheet, the row as Excel
numbers it, the column and the offending value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

__all__ = [
    "ConveningError",
    "ConveningWarning",
    "DelegationShapeWarning",
    "DuplicatePersonWarning",
    "EventError",
    "InfeasibleError",
    "OutputExistsError",
    "OverlappingSlotsWarning",
    "PlanFolderError",
    "Problem",
    "ProblemLog",
    "UnknownPreferenceWarning",
    "UnusedRuleWarning",
    "in_cli_words",
]

#: How the Python API names a setting, and the command line's flag for it. Library
#: messages use the left-hand words; the command line shows its own (:func:`in_cli_words`).
CLI_WORDS: tuple[tuple[str, str], ...] = (
    ("SolveOptions(time_limit=...)", "--time-limit"),
    ("ReplanOptions(max_moves=...)", "--max-moves"),
    ("id_column=...", "--id-column"),
    ("force=True", "--force"),
    ("convening.write_outputs(plan, folder)", "convening plan EVENT --out FOLDER"),
)


def in_cli_words(text: str) -> str:
    """A library message as the command line says it: ``force=True`` -> ``--force``, ..."""
    for python, flag in CLI_WORDS:
        text = text.replace(python, flag)
    return text


@attrs.frozen(order=False)
class Problem:
    """One thing wrong (or odd) in an event, located as a planner sees it.

    Parameters
    ----------
    message
        What is wrong, in the planner's words.
    sheet
        The workbook sheet (or CSV file stem), e.g. ``"participants"``.
    row
        The row number as Excel shows it (the header is row 1), or ``None``
        when the problem concerns the sheet or the event as a whole.
    column
        The column header, or ``None``.
    value
        The offending cell value as text, or ``None``.
    severity
        ``"error"`` (the event cannot be planned) or ``"warning"``.
    """

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = attrs.field(default="error")

    @property
    def is_error(self) -> bool:
        """Whether this problem stops planning."""
        return self.severity == "error"

    def location(self) -> str:
        """Where the problem is, e.g. ``"participants row 7, column city_id"``."""
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        where = " ".join(parts)
        if self.column:
            where = f"{where}, column {self.column}" if where else f"column {self.column}"
        return where

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text

    def sort_key(self) -> tuple[Any, ...]:
        """A stable order: by sheet, row, column, message."""
        return (
            self.sheet or "",
            self.row if self.row is not None else -1,
            self.column or "",
            self.message,
        )


class ProblemLog:
    """Problems gathered in one pass, so that each check reads as one plain statement.

    Parameters
    ----------
    shown
        How an offending value is written into a problem (default ``str``).
    """

    def __init__(self, shown: Callable[[object], str | None] | None = None) -> None:
        self.problems: list[Problem] = []
        self._shown = shown or _as_text

    def error(
        self,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        """Record something that stops planning."""
        self.problems.append(Problem(message, sheet, row, column, self._shown(value)))

    def warning(
        self,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        """Record something odd that does not stop planning."""
        self.problems.append(
            Problem(message, sheet, row, column, self._shown(value), severity="warning")
        )

    @property
    def has_errors(self) -> bool:
        """Whether any problem stops planning."""
        return any(p.is_error for p in self.problems)

    def errors(self) -> list[Problem]:
        """The problems that stop planning."""
        return [p for p in self.problems if p.is_error]

    def warnings(self) -> list[Problem]:
        """The problems that do not."""
        return [p for p in self.problems if not p.is_error]


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


class ConveningError(ValueError):
    """Base class of every error ``convening`` raises on purpose."""


class EventError(ConveningError):
    """The event cannot be planned as given; :attr:`problems` lists every reason.

    Parameters
    ----------
    problems
        The errors found (warnings found in the same pass are kept in
        :attr:`warnings`).
    """

    def __init__(self, problems: Iterable[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = sorted(problems, key=Problem.sort_key)
        self.warnings: list[Problem] = list(warnings)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the event"
        lines = [head + ":"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class PlanFolderError(EventError):
    """The ``event.xlsx`` in an earlier plan's folder has problems (not the event given now).

    Parameters
    ----------
    folder
        The plan's folder.
    error
        The problems found in its ``event.xlsx``.
    """

    def __init__(self, folder: Any, error: EventError) -> None:
        super().__init__(error.problems, error.warnings)
        self.folder = folder

    def __str__(self) -> str:
        return f"the earlier plan in {self.folder} has problems in its event.xlsx: " + (
            super().__str__()
        )


class OutputExistsError(ConveningError):
    """A file would be written over that must not be (it exists and ``force`` is not set).

    Parameters
    ----------
    path
        The file.
    message
        Why it is refused.
    """

    def __init__(self, path: Any, message: str) -> None:
        super().__init__(message)
        self.path = path


class InfeasibleError(ConveningError):
    """No plan satisfies every hard rule.

    Parameters
    ----------
    message
        A summary for the planner.
    reasons
        The conflicting rules, in the planner's words, when they are known.
    proven
        ``True`` when the solver proved that no plan exists; ``False`` when it
        only found none in the time it had.
    explanation
        The :class:`~convening.explain.Explanation` behind ``reasons``, when
        the conflicting rules were looked for.
    """

    def __init__(
        self,
        message: str,
        reasons: Sequence[str] = (),
        *,
        proven: bool = False,
        explanation: Any = None,
    ) -> None:
        self.reasons = list(reasons)
        self.proven = proven
        self.explanation = explanation
        text = message
        if self.reasons:
            text += "\n" + "\n".join(f"  - {r}" for r in self.reasons)
        super().__init__(text)


class ConveningWarning(UserWarning):
    """Base class of the warnings ``convening`` issues."""


class DelegationShapeWarning(ConveningWarning):
    """A delegation is not the usual two officials and one partner."""


class UnknownPreferenceWarning(ConveningWarning):
    """Someone ranked a session or tour that does not exist."""


class OverlappingSlotsWarning(ConveningWarning):
    """Slots of different kinds overlap, so people are scheduled in both."""


class DuplicatePersonWarning(ConveningWarning):
    """Two participant rows look like one person (same e-mail, or same name and city)."""


class UnusedRuleWarning(ConveningWarning):
    """A networking rule names someone who is not at its slot, so it is dropped there."""
