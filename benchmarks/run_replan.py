"""Re-planning benchmark: one cancellation or one room lost, on generated events.

Usage::

    python benchmarks/run_replan.py            # 50 and 500 cities
    python benchmarks/run_replan.py 50         # one instance
    python benchmarks/run_replan.py --first 500 DIR         # (internal) first solve into DIR
    python benchmarks/run_replan.py --one 500 cancel DIR    # (internal) one re-plan, JSON row

For each instance the first plan is solved once (in its own process) with the
agenda benchmark's time limit and kept as ``plan.json``; each change is then
re-planned in a fresh process from that file (so *peak* is the re-plan's own
max RSS). Changes:

- ``cancel``: one delegation member who presents nothing cancels;
- ``room``: the breakout room holding the most attendees is lost (the event's
  checks must still pass, else the next room is tried).

*Forced* is the lower bound on people who must move (their room is gone, or
their session cannot run where it did); the re-plan should move at most a
few more. Results go to the replan section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results import write_section  # noqa: E402

#: cities -> (label, first-solve time limit in seconds)
TABLE = {50: ("50 cities", 20.0), 500: ("500 cities", 90.0)}
CHANGES = ("cancel", "room")
WORKERS = 2


def _event(cities: int):  # type: ignore[no-untyped-def]
    import warnings

    from generate import make_event

    warnings.simplefilter("ignore")
    return make_event(cities, seed=0)


def first(cities: int, folder: Path) -> None:
    """Solve the event and keep the plan as JSON."""
    from convening.solve import SolveOptions, solve

    event = _event(cities)
    t0 = time.perf_counter()
    plan = solve(event, SolveOptions(time_limit=TABLE[cities][1], workers=WORKERS, seed=0))
    seconds = time.perf_counter() - t0
    data = plan.to_dict()
    data["first_seconds"] = round(seconds, 2)
    data["first_peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    (folder / f"plan-{cities}.json").write_text(json.dumps(data))


def _changed(event, plan, change: str):  # type: ignore[no-untyped-def]
    import attrs

    from convening.errors import EventError

    if change == "cancel":
        presenting = {p for s in event.sessions for p in s.presenters}
        gone = next(
            p.participant_id
            for p in event.participants
            if p.city_id is not None and p.participant_id not in presenting
        )
        keep = [p for p in event.participants if p.participant_id != gone]
        return (
            attrs.evolve(
                event,
                participants=keep,
                preferences=[x for x in event.preferences if x.participant_id != gone],
                networking_rules=[
                    r for r in event.networking_rules if gone not in (r.participant_id, r.other_id)
                ],
            ),
            f"{gone} cancels",
        )
    load: dict[str, int] = {}
    for run in plan.runs:
        if run.kind == "breakout" and run.room_id is not None:
            load[run.room_id] = load.get(run.room_id, 0) + len(run.attendees)
    for room_id in sorted(load, key=lambda r: (-load[r], r)):
        try:
            changed = attrs.evolve(event, rooms=[r for r in event.rooms if r.room_id != room_id])
        except EventError:
            continue
        return changed, f"room {room_id} lost ({load[room_id]} attendee-slots)"
    raise RuntimeError("no room can be lost without breaking the event")


def one(cities: int, change: str, folder: Path) -> dict[str, object]:
    """Re-plan one change; return the table row."""
    from convening.options import SolveOptions
    from convening.plan import Plan
    from convening.replan import ReplanOptions, replan
    from convening.validate import validate

    event = _event(cities)
    data = json.loads((folder / f"plan-{cities}.json").read_text())
    plan = Plan.from_dict(event, data)
    changed, what = _changed(event, plan, change)
    t0 = time.perf_counter()
    result = replan(
        changed,
        plan,
        ReplanOptions(solve=SolveOptions(time_limit=TABLE[cities][1], workers=WORKERS, seed=0)),
    )
    seconds = time.perf_counter() - t0
    changes = result.changes
    return {
        "cities": cities,
        "change": change,
        "what": what,
        "people": len(changed.participants),
        "forced": len(changes.forced),
        "moved": changes.people_moved,
        "reseated": len(changes.reseated),
        "sessions_moved": changes.sessions_moved,
        "notify": len(changes.notify),
        "seconds": round(seconds, 2),
        "first_seconds": data["first_seconds"],
        "first_peak_mib": data["first_peak_mib"],
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "violations": len(validate(changed, result.plan)),
        "cores": WORKERS,
        "cpu_count": os.cpu_count(),
    }


def _run(args: list[str]) -> str:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{' '.join(args)} failed")
    return done.stdout


def write_table(rows: list[dict[str, object]]) -> None:
    """Write the replan section of RESULTS.md."""
    lines = [
        "# Re-planning benchmark",
        "",
        "Generated by `benchmarks/run_replan.py` on events from `benchmarks/generate.py` (seed 0).",
        f"First solve and re-plan both use {WORKERS} CP-SAT workers and the agenda benchmark's",
        "time limit (20 s for 50 cities, 90 s for 500); each re-plan runs in its own process from",
        "the first plan's `plan.json`. *Forced* is the re-planner's lower bound on people who must",
        "move whatever the plan (their room is gone or their session cannot run where it did);",
        "*moved* counts people whose session, tour or room changed in some slot; *re-seated*",
        "people only changed networking or action-planning table. *Peak* is the re-plan",
        "process's max RSS (the first solve's in brackets).",
        "",
        "| instance | people | change | forced | moved | re-seated | sessions moved | calendars changed | re-plan (s) | first solve (s) | peak MiB | rule violations | cores |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        label = TABLE[int(r["cities"])][0]  # type: ignore[call-overload]
        lines.append(
            f"| {label} | {r['people']} | {r['what']} | {r['forced']} | {r['moved']} | "
            f"{r['reseated']} | {r['sessions_moved']} | {r['notify']} | {r['seconds']} | "
            f"{r['first_seconds']} | {r['peak_mib']} ({r['first_peak_mib']}) | {r['violations']} | "
            f"{r['cores']} of {r['cpu_count']} |"
        )
    lines.append("")
    write_section("replan", ["", *lines])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--first"]:
        first(int(argv[1]), Path(argv[2]))
        return
    if argv[:1] == ["--one"]:
        print(json.dumps(one(int(argv[1]), argv[2], Path(argv[3]))))
        return
    sizes = [int(a) for a in argv] or sorted(TABLE)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for cities in sizes:
            _run(["--first", str(cities), tmp])
            for change in CHANGES:
                row = json.loads(
                    _run(["--one", str(cities), change, tmp]).strip().splitlines()[-1]
                )
                print(row, flush=True)
                rows.append(row)
    write_table(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
