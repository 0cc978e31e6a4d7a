"""The ``convening`` command line.

Exit codes: 0 done; 2 the input has problems (each is listed); 3 no plan can
keep every rule, or none was found in time; 4 the CalDAV server refused the
user or password (``publish --caldav``); 5 some calendars could not be brought
up to date on the CalDAV server (each is listed; the site was published); 130
interrupted (Ctrl-C), nothing written.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from convening._folders import folder_lock as output_lock
from convening.errors import (
    ConveningError,
    ConveningWarning,
    EventError,
    InfeasibleError,
    PlanFolderError,
    Problem,
    in_cli_words,
)

if TYPE_CHECKING:
    import datetime as dt

    from convening.changes import ChangeReport
    from convening.model import Event
    from convening.options import SolveOptions
    from convening.plan import Plan

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_CALDAV_LOGIN = 4
EXIT_CALDAV_UPLOAD = 5
EXIT_INTERRUPTED = 130

#: Warnings shown per sheet; the rest are counted, as problems are.
MAX_WARNINGS_PER_SHEET = 20

_EXAMPLES = ("new_orleans", "peer_exchange")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    # Pipes and CI logs get a wide page rather than rich's 80 columns.
    width = None if sys.stdout.isatty() else 120
    # A closed pipe (`convening plan ... | head -1`) must not stop the run: what the
    # reader no longer reads is dropped, the files are still written.
    out = Console(highlight=False, width=width, file=cast(IO[str], _Tolerant(sys.stdout)))
    err = Console(
        stderr=True, highlight=False, width=width, file=cast(IO[str], _Tolerant(sys.stderr))
    )
    # The command prints each warning itself, located; Python's own print would repeat it.
    warnings.simplefilter("ignore", ConveningWarning)
    if getattr(args, "verbose", False):
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    try:
        code: int = args.run(args, out)
    except KeyboardInterrupt:
        # Every writer removes its temporary files on the way out; nothing half-written stays.
        err.print("Interrupted; nothing was written.", markup=False)
        return EXIT_INTERRUPTED
    except PlanFolderError as exc:
        _print_problems(
            err,
            exc.problems,
            exc.warnings,
            heading=f"The earlier plan in {exc.folder} has problems in its event.xlsx",
        )
        return EXIT_INPUT
    except EventError as exc:
        _print_problems(err, exc.problems, _shown_warnings(exc.warnings, args), exc)
        return EXIT_INPUT
    except InfeasibleError as exc:
        err.print("[bold red]No plan:[/]", end=" ")
        err.print(in_cli_words(str(exc)), markup=False)
        return EXIT_INFEASIBLE
    except ConveningError as exc:
        err.print("[bold red]Error:[/]", end=" ")
        err.print(in_cli_words(str(exc)), markup=False)
        return EXIT_INPUT
    except OSError as exc:
        # A path the planner gave that cannot be read or written: say so, without a traceback.
        err.print("[bold red]Error:[/]", end=" ")
        err.print(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), markup=False)
        return EXIT_INPUT
    return code


class _Tolerant:
    """A text stream that drops what it cannot write once its reader has gone (closed pipe)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._closed = False

    def write(self, text: str) -> int:
        if not self._closed:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self._closed:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self) -> None:
        self._closed = True
        # Python flushes stdout once more at exit; point it at nothing so that flush is quiet.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())

    def isatty(self) -> bool:
        return bool(self._stream.isatty())

    def fileno(self) -> int:
        return int(self._stream.fileno())

    @property
    def encoding(self) -> str:
        return str(getattr(self._stream, "encoding", "utf-8"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convening",
        description="Plan peer convenings: agendas, places in sessions and tours, tables, calendars.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log solver progress")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check an event workbook and summarise it")
    check.add_argument("event", type=Path, help="EVENT.xlsx or a folder of CSV files")
    _warning_options(check)
    check.set_defaults(run=_run_check)

    template = commands.add_parser("template", help="write a blank event workbook to fill in")
    template.add_argument("path", type=Path, help="where to write, e.g. event.xlsx")
    template.add_argument("--force", action="store_true", help="replace an existing file")
    template.set_defaults(run=_run_template)

    plan = commands.add_parser("plan", help="plan an event and write the plan")
    plan.add_argument("event", type=Path, help="EVENT.xlsx or a folder of CSV files")
    _plan_options(plan)
    plan.set_defaults(run=_run_plan)

    report = commands.add_parser("report", help="write a plan's quality report as one HTML page")
    report.add_argument("folder", type=Path, help="a plan's folder (from `convening plan`)")
    report.add_argument(
        "--out", type=Path, default=None, help="the HTML file (default FOLDER/report.html)"
    )
    report.add_argument("--force", action="store_true", help="replace an existing --out file")
    report.set_defaults(run=_run_report)

    replan = commands.add_parser(
        "replan", help="re-plan a changed event, moving as few people as possible"
    )
    replan.add_argument("event", type=Path, help="the changed EVENT.xlsx or folder of CSV files")
    replan.add_argument(
        "--previous", type=Path, required=True, help="the folder of the plan sent out before"
    )
    replan.add_argument(
        "--freeze",
        nargs="+",
        action="append",
        default=[],
        metavar="WHAT",
        help="`slots` (keep every session's slot; rooms may change), `sessions` (keep "
        "every session's slot and room) or `all-before TIME` (keep slots starting "
        "before TIME, e.g. 2027-04-21T12:00)",
    )
    replan.add_argument(
        "--max-moves", type=int, default=None, help="the most people the re-plan may move"
    )
    _plan_options(replan)
    replan.set_defaults(run=_run_replan)

    survey = commands.add_parser(
        "import-survey",
        help="fill an event's preferences from a survey export (Google Forms, Qualtrics, ...)",
    )
    survey.add_argument(
        "survey", type=Path, metavar="SURVEY", help="the survey export, .csv or .xlsx"
    )
    survey.add_argument(
        "--event", type=Path, required=True, help="EVENT.xlsx or a folder of CSV files (unchanged)"
    )
    survey.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="NEW_EVENT",
        help="the new event: NEW_EVENT.xlsx, or a folder for CSV files",
    )
    survey.add_argument("--force", action="store_true", help="replace --out if it exists")
    survey.add_argument(
        "--id-column",
        default=None,
        metavar="COL",
        help="the header of the column that says who answered (default: Email, Username, "
        "Participant ID or Name)",
    )
    _warning_options(survey)
    survey.set_defaults(run=_run_import_survey)

    publish = commands.add_parser(
        "publish",
        help="publish each person's calendar at an address nobody can guess; write links.csv",
    )
    publish.add_argument("folder", type=Path, help="a plan's folder (from `convening plan`)")
    publish.add_argument(
        "--site",
        type=Path,
        required=True,
        help="the folder your web server serves (made if missing; re-publish into the same one)",
    )
    publish.add_argument(
        "--base-url", required=True, help="the address the site is served at, https://…/"
    )
    publish.add_argument(
        "--rotate",
        action="store_true",
        help="give every calendar a new address and remove the old files (when a link leaked)",
    )
    publish.add_argument(
        "--ttl",
        default="1h",
        help="how often calendar apps should fetch again: e.g. 30m, 1h, 1d (default 1h)",
    )
    publish.add_argument(
        "--caldav", metavar="URL", default=None, help="also push each participant's calendar here"
    )
    publish.add_argument("--user", default=None, help="the CalDAV user (with --caldav)")
    publish.add_argument(
        "--password-env",
        metavar="VAR",
        default=None,
        help="the environment variable holding the CalDAV password (with --caldav)",
    )
    publish.set_defaults(run=_run_publish)

    demo = commands.add_parser("demo", help="plan a built-in example event")
    demo.add_argument("--example", choices=_EXAMPLES, default="new_orleans", help="which example")
    _plan_options(demo)
    demo.set_defaults(run=_run_demo)
    return parser


def _warning_options(parser: argparse.ArgumentParser) -> None:
    from convening.builder import WARNING_KINDS

    parser.add_argument(
        "--ignore-warnings",
        action="append",
        default=[],
        choices=sorted(WARNING_KINDS),
        metavar="KIND",
        help="do not print warnings of this kind (repeatable): "
        + ", ".join(sorted(WARNING_KINDS)),
    )


def _plan_options(parser: argparse.ArgumentParser) -> None:
    _warning_options(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for the plan's files")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="the solver's budget in seconds (default 60): about the time a quiet 2-core "
        "machine takes; a busy machine takes longer and gives the same plan",
    )
    parser.add_argument(
        "--wall-limit",
        type=float,
        default=None,
        help="stop after this many seconds whatever the machine does (the plan may then "
        "differ on a re-run; default: only a safety net at 10 times --time-limit)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same plan)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="solver threads and parallel placement searches (default 2)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the files of an earlier plan in --out"
    )
    parser.add_argument(
        "--csv", action="store_true", help="also write every sheet as CSV under --out/csv"
    )


# -- commands -------------------------------------------------------------------------------


def _run_check(args: argparse.Namespace, out: Console) -> int:
    from convening.io import read_event

    event = read_event(args.event)
    _print_summary(out, event)
    _print_warnings(out, _shown_warnings(event.warnings, args))
    out.print(f"{args.event}: no problems found.", style="green", markup=False)
    return EXIT_OK


def _run_import_survey(args: argparse.Namespace, out: Console) -> int:
    from convening.io import read_event
    from convening.io.survey import _refuse_existing, survey_preferences
    from convening.io.writer import write_event

    target = Path(args.out)
    if target.resolve() == Path(args.event).resolve():
        raise ConveningError("--out must be a new path, not the --event one")
    _refuse_existing(target, force=args.force)
    event = read_event(args.event)
    result = survey_preferences(args.survey, event, id_column=args.id_column)
    _print_warnings(out, result.warnings)
    write_event(result.event, target)
    out.print(result.summary(), markup=False)
    _print_warnings(out, _shown_warnings(result.event.warnings, args))
    out.print(f"[green]Wrote {escape(str(target))}[/]; check it with `convening check`.")
    return EXIT_OK


def _run_template(args: argparse.Namespace, out: Console) -> int:
    from convening.io import write_template

    target = write_template(args.path, force=args.force)
    out.print(
        f"Wrote a blank event workbook to {target}; its README sheet explains each column.",
        markup=False,
    )
    return EXIT_OK


def _run_plan(args: argparse.Namespace, out: Console) -> int:
    from convening.io import read_event

    event = read_event(args.event)
    return _plan_and_write(event, args, out)


def _run_report(args: argparse.Namespace, out: Console) -> int:
    from convening.export import write_report, write_report_into
    from convening.io import read_plan

    if args.out is None:
        # Into the plan's own folder: swapped in with the folder, the manifest updated.
        with output_lock(args.folder):
            plan = read_plan(args.folder)
            target = write_report_into(plan, args.folder)
    else:
        plan = read_plan(args.folder)
        target = write_report(plan, args.out, force=args.force)
    out.print(f"Wrote the quality report to {escape(str(target))}")
    return EXIT_OK


def _run_publish(args: argparse.Namespace, out: Console) -> int:
    import os

    from convening.export.publish import publish

    ttl = _duration(args.ttl)
    password = None
    if args.caldav is not None:
        if not args.user or not args.password_env:
            raise ConveningError("--caldav needs --user and --password-env")
        password = os.environ.get(args.password_env)
        if password is None:
            raise ConveningError(
                f"--password-env names {args.password_env}, but no such environment variable is set"
            )
    elif args.user or args.password_env:
        raise ConveningError("--user and --password-env go with --caldav")
    report = publish(args.folder, args.site, args.base_url, rotate=args.rotate, ttl=ttl)
    out.print(f"Published to {escape(str(report.site))}:")
    for line in report.summary():
        out.print(f"  {line}", markup=False)
    if report.removed:
        out.print("[yellow]Old addresses removed: send everyone the new links.[/]")
    out.print(
        f"Links to send: {escape(str(report.links[0]))} (delegations, rooms and the whole "
        f"agenda: {escape(str(report.links[1]))}). Nothing in the site lists them."
    )
    if args.caldav is None:
        return EXIT_OK
    from convening.export.caldav_push import CalDAVLoginError, push_caldav

    assert password is not None
    try:
        with out.status("Updating the CalDAV server…", spinner="dots"):
            results = push_caldav(report.calendars, args.caldav, args.user, password)
    except CalDAVLoginError as exc:
        err = Console(stderr=True, highlight=False)
        err.print("[bold red]Error:[/]", end=" ")
        err.print(str(exc), markup=False)
        return EXIT_CALDAV_LOGIN
    failed = [r for r in results if not r.ok]
    stored = sum(r.stored for r in results)
    deleted = sum(r.deleted for r in results)
    out.print(
        f"CalDAV: {len(results)} calendars at {escape(args.caldav)}; {stored} events stored, "
        f"{deleted} removed, {len(failed)} calendars failed."
    )
    for result in failed:
        out.print(
            f"  - {result.title} ({result.name}): {result.pending} changes not made: {result.error}",
            markup=False,
        )
    if failed:
        out.print("[red]Run the same command again to finish these calendars.[/]")
        return EXIT_CALDAV_UPLOAD
    return EXIT_OK


def _duration(text: str) -> dt.timedelta:
    import datetime as dt
    import re

    match = re.fullmatch(r"\s*(\d+)\s*(m|min|h|d)\s*", text.lower())
    if match is None:
        raise ConveningError(f"--ttl takes a number with m, h or d, such as 1h, not {text!r}")
    number, unit = int(match.group(1)), match.group(2)
    minutes = {"m": 1, "min": 1, "h": 60, "d": 1440}[unit]
    return dt.timedelta(minutes=number * minutes)


def _run_demo(args: argparse.Namespace, out: Console) -> int:
    from convening.io import load_example

    event = load_example(args.example)
    out.print(f"Built-in example: [bold]{escape(event.name)}[/] ({escape(event.host_city)})")
    return _plan_and_write(event, args, out)


def _run_replan(args: argparse.Namespace, out: Console) -> int:
    import datetime as dt

    freeze = "none"
    before: dt.datetime | None = None
    for words in args.freeze:
        if words in (["sessions"], ["slots"]):
            freeze = words[0]
        elif len(words) == 2 and words[0] == "all-before":
            try:
                before = dt.datetime.fromisoformat(words[1])
            except ValueError:
                raise ConveningError(
                    f"--freeze all-before needs a local time such as 2027-04-21T12:00, "
                    f"not {words[1]!r}"
                ) from None
            if before.tzinfo is not None:
                raise ConveningError("--freeze all-before takes a local time without a zone")
        else:
            raise ConveningError(
                f"--freeze takes `slots`, `sessions` or `all-before TIME`, not {' '.join(words)!r}"
            )
    if Path(args.out).resolve() == Path(args.previous).resolve():
        raise ConveningError("--out must be a new folder, not the --previous one")
    with output_lock(args.out):
        return _replan_locked(args, out, freeze, before)


def _replan_locked(args: argparse.Namespace, out: Console, freeze: str, before: Any) -> int:
    from convening.changes import calendars_changed
    from convening.export import check_output_folder, write_outputs
    from convening.io import read_event, read_plan
    from convening.options import ReplanOptions
    from convening.replan import replan

    # Refuse a folder that cannot take the plan before spending the time limit on it.
    check_output_folder(args.out, force=args.force, protect=[args.event], previous=args.previous)
    previous = read_plan(args.previous)
    event = read_event(args.event)
    _print_warnings(out, _shown_warnings(event.warnings, args))
    options = ReplanOptions(
        solve=_solve_options(args),
        freeze=freeze,
        freeze_before=before,
        max_moves=args.max_moves,
    )
    started = time.monotonic()
    with out.status("Re-planning…", spinner="dots") as status:

        def progress(phase: str, elapsed: float, best: float | None) -> None:
            status.update(f"Re-planning: {phase} ({elapsed:.1f} s)")

        result = replan(event, previous, options, progress=progress)
    out.print(f"Re-planned in {time.monotonic() - started:.1f} s.")
    _warn_if_not_repeatable(out, result.plan)
    written = write_outputs(
        result.plan,
        args.out,
        force=args.force,
        previous=args.previous,
        csv=args.csv,
        changes=result.changes,
        previous_event=previous.event,
        protect=[args.event],
    )
    changes = result.changes
    _print_changes(out, changes)
    people = event.participant_by_id
    old_people = previous.event.participant_by_id
    notify = list(changes.notify)
    # Tablemates' names are in calendar descriptions, so a cancellation changes the
    # calendars of people who did not move; say so, or the count looks wrong.
    out.print(f"{calendars_changed(changes)}; tell these people:")
    shown = notify[:30]
    for pid in shown:
        person = people.get(pid)
        gone = old_people.get(pid) if person is None else None
        email_of = person or gone
        email = f" <{email_of.email}>" if email_of is not None and email_of.email else ""
        name = person.name if person is not None else "(left the event)"
        out.print(f"  - {pid}: {name}{email}", markup=False)
    if len(notify) > len(shown):
        out.print(f"  … and {len(notify) - len(shown)} more (sheet `notify` of changes.xlsx)")
    out.print(f"[green]Wrote {len(written)} files to {escape(str(args.out))}[/]")
    return EXIT_OK


def _print_changes(out: Console, changes: ChangeReport) -> None:
    """What the planner must act on, in that order: times, rooms, people, tables, new, left."""
    retimed = changes.runs_retimed
    out.print(f"[bold]{len(retimed)}[/] session runs changed time", end="")
    if changes.presenters_retimed:
        out.print(
            f" (tell their presenters first: {', '.join(changes.presenters_retimed)})",
            markup=False,
            end="",
        )
    out.print(".")
    for run in retimed:
        out.print(
            f"  - {run.activity_id}: slot {run.before_slot} -> {run.after_slot} "
            f"(room {run.before_room or '-'} -> {run.after_room or '-'})",
            markup=False,
        )
    rehoused = changes.runs_rehoused
    out.print(f"[bold]{len(rehoused)}[/] session runs changed room only (same time).")
    for run in rehoused:
        out.print(
            f"  - {run.activity_id} in slot {run.after_slot}: room {run.before_room} "
            f"-> {run.after_room}",
            markup=False,
        )
    out.print(
        f"[bold]{changes.people_moved}[/] people changed session or tour "
        f"({len(changes.forced)} forced by the change), "
        f"{len(changes.room_changed)} only changed room, "
        f"{len(changes.reseated)} re-seated at tables; "
        f"{len(changes.added)} new, {len(changes.left)} left."
    )


def _plan_and_write(event: Event, args: argparse.Namespace, out: Console) -> int:
    # Held from the check to the swap: a second run into the same folder is refused.
    with output_lock(args.out):
        return _plan_and_write_locked(event, args, out)


def _plan_and_write_locked(event: Event, args: argparse.Namespace, out: Console) -> int:
    from convening.export import check_output_folder, write_outputs

    inputs = [args.event] if getattr(args, "event", None) is not None else []
    # Refuse a folder that cannot take the plan before spending the time limit on it.
    check_output_folder(args.out, force=args.force, protect=inputs)
    _print_summary(out, event)
    _print_warnings(out, _shown_warnings(event.warnings, args))
    plan = _solve_with_progress(event, args, out)
    written = write_outputs(plan, args.out, force=args.force, csv=args.csv, protect=inputs)
    _print_metrics(out, plan)
    out.print(f"[green]Wrote {len(written)} files to {escape(str(args.out))}[/]")
    return EXIT_OK


def _solve_options(args: argparse.Namespace) -> SolveOptions:
    """The solve options the flags give (the library's defaults for flags not given)."""
    from convening.options import SolveOptions

    options: dict[str, Any] = {"seed": args.seed}
    for flag in ("time_limit", "workers", "wall_limit"):
        if getattr(args, flag) is not None:
            options[flag] = getattr(args, flag)
    return SolveOptions(**options)


def _solve_with_progress(event: Event, args: argparse.Namespace, out: Console) -> Plan:
    from convening.solve import solve

    started = time.monotonic()
    with out.status("Planning…", spinner="dots") as status:

        def progress(phase: str, elapsed: float, best: float | None) -> None:
            score = "" if best is None else f", best score so far {best:.1f}%"
            status.update(f"Planning: {phase} ({elapsed:.1f} s{score})")

        plan = solve(event, _solve_options(args), progress=progress)
    out.print(
        f"Planned in {time.monotonic() - started:.1f} s: [bold]{plan.status.value}[/]. "
        f"{plan.status.cli_advice}"
    )
    _warn_if_not_repeatable(out, plan)
    return plan


def _warn_if_not_repeatable(out: Console, plan: Plan) -> None:
    if plan.metrics.get("deterministic") is False:
        out.print(
            "[yellow]The wall clock stopped the solver before its budget ran out (--wall-limit, "
            "or the safety net at 10 times --time-limit), so this plan may differ on a re-run; "
            "without --wall-limit the same input, seed and workers give the same plan.[/]"
        )


# -- printing -------------------------------------------------------------------------------


def _shown_warnings(problems: Sequence[Problem], args: argparse.Namespace) -> list[Problem]:
    """The warnings to print: all but the kinds named with --ignore-warnings."""
    from convening.builder import WARNING_KINDS, warning_class

    hidden = tuple(WARNING_KINDS[k] for k in getattr(args, "ignore_warnings", None) or ())
    return [p for p in problems if not issubclass(warning_class(p), hidden)]


def _print_problems(
    console: Console,
    problems: Sequence[Problem],
    warnings: Sequence[Problem] = (),
    error: EventError | None = None,
    *,
    heading: str | None = None,
) -> None:
    from convening.io.survey import SurveyError

    count = len(problems)
    many = f"{count} problem{'s' if count != 1 else ''}"
    if heading is not None:
        console.print(f"[bold red]{escape(heading)}, {many}:[/]")
    else:
        before = "importing the survey" if isinstance(error, SurveyError) else "planning"
        console.print(f"[bold red]{many} must be fixed before {before}:[/]")
    for problem in problems:
        console.print(f"  - {problem}", markup=False)
    _print_warnings(console, warnings)


def _print_warnings(console: Console, warnings: Sequence[Problem]) -> None:
    if not warnings:
        return
    console.print(f"[yellow]{len(warnings)} warning{'s' if len(warnings) != 1 else ''}:[/]")
    # Like problems, at most so many per sheet: 100,000 unknown preference items make one
    # line of count, not 100,000 lines.
    shown: Counter[str | None] = Counter()
    for problem in warnings:
        shown[problem.sheet] += 1
        if shown[problem.sheet] <= MAX_WARNINGS_PER_SHEET:
            console.print(f"  - {problem}", markup=False)
    for sheet, count in shown.items():
        if count > MAX_WARNINGS_PER_SHEET:
            where = f" in sheet {sheet}" if sheet else ""
            console.print(
                f"  - … and {count - MAX_WARNINGS_PER_SHEET} more warnings{where}", markup=False
            )


def _print_summary(console: Console, event: Event) -> None:
    from convening.summary import summarize

    s = summarize(event)
    console.print(f"[bold]{escape(s.name)}[/] in {escape(s.host_city)}")
    roles = ", ".join(f"{n} {r}" for r, n in s.participants_by_role.items() if n)
    console.print(
        f"{s.cities} cities; {s.delegations_usual + s.delegations_other} delegations "
        f"({s.delegations_usual} of two officials and a partner, {s.delegations_other} other); "
        f"{sum(s.participants_by_role.values())} participants ({roles}); "
        f"{s.accessible} need step-free access"
    )
    kinds = ", ".join(f"{n} {k}" for k, n in s.slots_by_kind.items() if n)
    console.print(
        f"{len(s.seats)} slots ({kinds}); {s.sessions} sessions ({s.session_runs} runs); "
        f"{s.tours} tours; {s.rooms} rooms"
    )
    table = RichTable("slot", "kind", "starts", "present", "places", "", title="Seats per slot")
    for row in s.seats:
        places = "" if row.places is None else str(row.places)
        table.add_row(row.slot_id, row.kind.value, row.start, str(row.present), places, row.note)
    console.print(table)


def _print_metrics(console: Console, plan: Plan) -> None:
    from convening.labels import labelled

    # The planner's words, grouped as in report.html; the key is what scripts read.
    table = RichTable("", "figure", "value", "key", title="Plan quality")
    group = None
    for label, value in labelled(plan.metrics):
        if group is not None and label.group != group:
            table.add_section()
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        table.add_row(label.group if label.group != group else "", label.label, shown, label.key)
        group = label.group
    console.print(table)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
