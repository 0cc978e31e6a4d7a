"""Writing benchmark: how long ``convening.write_outputs`` takes on a generated event.

Usage::

    python benchmarks/run_writing.py                    # 50 and 500 cities, label "now"
    python benchmarks/run_writing.py 500 --label before # one size, another label
    python benchmarks/run_writing.py --table            # rebuild the section only
    python benchmarks/run_writing.py 500 --profile      # cProfile of one write, top 30

The plan is solved once per size with the greedy method (fast and deterministic:
what is timed is the writing, and the files depend on the plan's size, not its
quality), then the whole output folder (workbooks, ``plan.json``, every
calendar, ``agenda.html``, ``report.html``) is written ``--repeats`` times into
fresh folders; the median counts. Each row keeps a SHA-256 over every file's
relative path and bytes, so rows of two code versions with the same digest
wrote byte-identical folders. Rows are appended to
``benchmarks/writing_runs.jsonl``; the writing section of ``benchmarks/RESULTS.md``
shows the newest row per (size, label).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results import current_commit, write_section  # noqa: E402

RUNS = HERE / "writing_runs.jsonl"
#: cities -> label
SIZES = {50: "50 cities", 500: "500 cities"}
TARGET = {500: "< 10 s"}


def _plan(cities: int) -> Any:
    from generate import make_event

    from convening import SolveOptions, solve

    warnings.simplefilter("ignore")
    return solve(make_event(cities, seed=0), SolveOptions(method="greedy", seed=0, workers=1))


def folder_digest(folder: Path) -> tuple[int, int, str]:
    """Files, bytes and a SHA-256 over every file's relative path and content."""
    digest = hashlib.sha256()
    files = total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(data).digest())
        files += 1
        total += len(data)
    return files, total, digest.hexdigest()


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of its finished children (a forked part of the writing)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def one(cities: int, label: str, repeats: int, commit: str | None = None) -> dict[str, Any]:
    """Solve ``cities`` once, write its outputs ``repeats`` times; return the row."""
    import convening

    plan = _plan(cities)
    times: list[float] = []
    cpus: list[tuple[float, float]] = []
    digests: set[str] = set()
    files = total = 0
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="convening-writing-") as tmp:
        for i in range(repeats):
            out = Path(tmp) / f"out{i}"
            c0, t0 = _cpu(), time.perf_counter()
            convening.write_outputs(plan, out)
            times.append(time.perf_counter() - t0)
            c1 = _cpu()
            cpus.append((c1[0] - c0[0], c1[1] - c0[1]))
            files, total, digest = folder_digest(out)
            digests.add(digest)
    if len(digests) != 1:
        raise SystemExit(f"{cities} cities: two writes of one plan gave different folders")
    return {
        "cities": cities,
        "label": label,
        "commit": commit or current_commit(),
        "people": len(plan.event.participants),
        "files": files,
        "bytes": total,
        "digest": digests.pop(),
        "median_s": round(statistics.median(times), 2),
        "times_s": [round(t, 2) for t in times],
        "cpu_s": round(statistics.median(a + b for a, b in cpus), 2),
        "cpu_self_s": round(statistics.median(a for a, _ in cpus), 2),
        "cpu_children_s": round(statistics.median(b for _, b in cpus), 2),
        "cpu_count": os.cpu_count(),
        "load_at_start": round(load, 2),
        "python": platform.python_version(),
    }


def profile(cities: int, top: int = 30) -> None:
    """Print the ``top`` functions by cumulative time of one write."""
    import cProfile
    import pstats

    import convening

    plan = _plan(cities)
    with tempfile.TemporaryDirectory(prefix="convening-writing-") as tmp:
        profiler = cProfile.Profile()
        profiler.enable()
        convening.write_outputs(plan, Path(tmp) / "out")
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def _newest() -> dict[tuple[int, str], dict[str, Any]]:
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    if RUNS.exists():
        for line in RUNS.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                rows[(int(r["cities"]), str(r["label"]))] = r
    return rows


def _cpu_cell(r: dict[str, Any]) -> str:
    if "cpu_s" not in r:
        return "n/a"
    return f"{r['cpu_s']}: {r['cpu_self_s']} + {r['cpu_children_s']}"


def write_table() -> None:
    """Rebuild the writing section of RESULTS.md from writing_runs.jsonl."""
    rows = _newest()
    lines = [
        "",
        "## Writing the plan",
        "",
        "Generated by `benchmarks/run_writing.py` on events from `benchmarks/generate.py` (seed 0),",
        "planned once with the greedy method. *Time* is the median of several",
        "`convening.write_outputs` calls into fresh folders (workbooks, `plan.json`, one",
        "calendar per person, delegation, room and the event, `agenda.html`, `report.html`).",
        "*CPU* is the median CPU time of the writing process and of its forked parts (the",
        "report's pictures, drawn beside the other files from 200 people on): on a busy",
        "machine it stays near what a quiet one needs, while wall time grows with the load.",
        "*Digest* is a SHA-256 over every file's path and bytes: rows with the same digest",
        "wrote byte-identical folders (of one plan: a change to the greedy method changes the",
        "plan, and so the digest of every version measured after it). *Load* is",
        "`os.getloadavg()[0]` at the start; the",
        "machine was shared with other work, so times under load > 1 are pessimistic.",
        "",
        "| instance | people | version | files | MB | time (s), median | runs (s) | CPU (s): this process + forked | digest | cores | load | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (cities, label), r in sorted(
        rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "before")
    ):
        lines.append(
            f"| {SIZES.get(cities, f'{cities} cities')} | {r['people']} | {label} ({r['commit']}) | "
            f"{r['files']} | {r['bytes'] / 1e6:.1f} | {r['median_s']} | "
            f"{', '.join(str(t) for t in r['times_s'])} | {_cpu_cell(r)} | "
            f"`{r['digest'][:12]}` | "
            f"{r['cpu_count']} | {r['load_at_start']} | {TARGET.get(cities, '')} |"
        )
    lines += [
        "",
        "Where the time went at 500 cities (CPU seconds by stage, one write, measured with",
        "`--profile` and per-stage timers on the same plan; the machine was shared):",
        "",
        "| stage | before | now |",
        "|---|---|---|",
        "| calendars (2,150 files, about 44,000 events) | 19.5 | 2.7 |",
        "| report.html: city-meetings heat map (500 × 500 cities) | 10.7 in all | 6.2, in a forked process |",
        "| report.html: the four other pictures | | 5.0, in another forked process |",
        "| plan.xlsx | 2.3 | 2.3 |",
        "| event.xlsx, plan.json, agenda.html, the report's page | 0.9 | 1.1 |",
        "",
        "The calendars spent their time building an `icalendar.Event` per event and",
        "serialising it (folding each line character by character), not in the VTIMEZONE",
        "(already cached per year) nor in `fsync` (there is none: each file is written under",
        "a temporary name and renamed). They are now written as text directly",
        "(`convening/export/_ics.py`), escaped and folded as icalendar does it, which",
        "`tests/export/test_ics.py` checks against icalendar on generated text. The report's",
        "pictures cannot get faster without changing their pixels, so from 200 participants",
        "they are drawn in two forked processes while this one writes the other files",
        "(Linux; elsewhere one after the other). At 500 cities that is about 14 s of CPU in",
        "three processes, and 7.8 s of wall time on a quiet 2-core machine (the newest row;",
        "the rows before it were measured with other work running). The faster writing",
        "changed no byte (the",
        "digests matched at every size until the plan folder gained `manifest.json` and",
        "`plan.json` its event fingerprint, which change the digest of every later row).",
        "",
    ]
    write_section("writing", lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cities", nargs="*", type=int)
    parser.add_argument("--label", default="now")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--commit", help="the version measured, when not this checkout's HEAD")
    parser.add_argument("--table", action="store_true", help="rebuild the section only")
    parser.add_argument("--profile", action="store_true", help="profile one write, no row")
    args = parser.parse_args(argv)
    if args.table:
        write_table()
        return
    sizes = args.cities or sorted(SIZES)
    if args.profile:
        for cities in sizes:
            profile(cities)
        return
    for cities in sizes:
        row = one(cities, args.label, args.repeats, args.commit)
        print(json.dumps(row), flush=True)
        with RUNS.open("a") as f:
            f.write(json.dumps(row) + "\n")
        write_table()


if __name__ == "__main__":
    main(sys.argv[1:])
