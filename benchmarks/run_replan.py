"""Re-planning benchmark: cancellations, a lost room, a shrunk tour, a presenter away.

Usage::

    python benchmarks/run_replan.py            # 50 and 500 cities
    python benchmarks/run_replan.py 50         # one instance (results of other sizes are kept)
    python benchmarks/run_replan.py --first 500 DIR         # (internal) first solve into DIR
    python benchmarks/run_replan.py --one 500 cancel DIR    # (internal) one re-plan, JSON row

For each instance the first plan is solved once (in its own process) with the
agenda benchmark's time limit and kept as ``plan.json``; each change is then
re-planned in a fresh process from that file (so *peak* is the re-plan's own
max RSS). Changes:

- ``cancel``: one delegation member who presents nothing cancels;
- ``cancel2``: two sessions are cancelled (the breakout runs with the fewest
  attendees);
- ``room``: the breakout room holding the most attendees is lost (the event's
  checks must still pass, else the next room is tried);
- ``tour``: the fullest tour loses ten seats;
- ``away``: a presenter is no longer there for the slot of their session (they
  arrive after it, or leave before it, whichever keeps more of their stay).

*Forced* is the lower bound on people who must move (their session or tour
cannot run where it did in any room); the re-plan should move at most a few
more. Runs *moved in time* changed slot; runs *moved in room* kept their slot. Results go to the replan section of ``benchmarks/RESULTS.md``.
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
CHANGES = ("cancel", "cancel2", "room", "tour", "away")
WORKERS = 2
#: The generator's profile: as at real events, some people never answer the survey.
PROFILE = "realistic"


def _event(cities: int):  # type: ignore[no-untyped-def]
    import warnings

    from generate import make_event

    warnings.simplefilter("ignore")
    return make_event(cities, seed=0, profile=PROFILE)


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
    if change == "cancel2":
        breakouts = [r for r in plan.runs if r.kind == "breakout"]
        small = sorted(breakouts, key=lambda r: (len(r.attendees), r.activity_id))
        gone_ids: list[str] = []
        for run in small:
            if run.activity_id in gone_ids:
                continue
            trial = [*gone_ids, run.activity_id]
            try:
                attrs.evolve(
                    event, sessions=[s for s in event.sessions if s.session_id not in trial]
                )
            except EventError:
                continue
            gone_ids = trial
            if len(gone_ids) == 2:
                break
        return (
            attrs.evolve(
                event,
                sessions=[s for s in event.sessions if s.session_id not in gone_ids],
                preferences=[x for x in event.preferences if x.item_id not in gone_ids],
            ),
            f"sessions {' and '.join(gone_ids)} cancelled",
        )
    if change == "tour":
        riders = {r.activity_id: len(r.attendees) for r in plan.runs if r.kind == "tour"}
        for tid in sorted(riders, key=lambda t: (-riders[t], t)):
            tour = event.tour_by_id[tid]
            seats = max(1, riders[tid] - 10)
            capacity = max(1, seats // tour.departures)
            try:
                changed = attrs.evolve(
                    event,
                    tours=[
                        attrs.evolve(t, capacity=capacity) if t.tour_id == tid else t
                        for t in event.tours
                    ],
                )
            except EventError:
                continue
            return changed, f"tour {tid} down to {capacity * tour.departures} seats"
        raise RuntimeError("no tour can shrink without breaking the event")
    if change == "away":
        slots = sorted(event.slots, key=lambda s: s.start)
        for run in sorted(plan.runs, key=lambda r: (r.slot_id, r.activity_id)):
            session = event.session_by_id.get(run.activity_id)
            if session is None or session.kind != "breakout" or not session.presenters:
                continue
            pid = session.presenters[0]
            person = event.participant_by_id[pid]
            slot = event.slot_by_id[run.slot_id]
            before = sum(1 for s in slots if s.start < slot.start)
            after = sum(1 for s in slots if s.start >= slot.end)
            if after >= before:
                person = attrs.evolve(person, arrives=slot.end)
                how = f"arrives at {slot.end:%a %H:%M}"
            else:
                person = attrs.evolve(person, departs=slot.start)
                how = f"leaves at {slot.start:%a %H:%M}"
            try:
                changed = attrs.evolve(
                    event,
                    participants=[
                        person if p.participant_id == pid else p for p in event.participants
                    ],
                )
            except EventError:
                continue
            return (
                changed,
                f"presenter {pid} of {session.session_id} {how}, after slot {slot.slot_id}",
            )
        raise RuntimeError("no presenter can be away without breaking the event")
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
    # People a slot cannot keep, its rooms now being too few or too small for its runs.
    from convening.solvers.instance import AgendaInstance
    from convening.solvers.ortools.replan import PreviousAgenda, capacity_losses

    losses = capacity_losses(AgendaInstance(changed), PreviousAgenda.from_runs(plan.runs))
    # Riders over a tour's seats now must move too, whoever they are.
    overflow = 0
    for run in plan.runs:
        tour = changed.tour_by_id.get(run.activity_id) if run.kind == "tour" else None
        if tour is not None and run.slot_id in changed.slot_by_id:
            slot = changed.slot_by_id[run.slot_id]
            here = [
                p
                for p in run.attendees
                if p in changed.participant_by_id and changed.participant_by_id[p].is_present(slot)
            ]
            overflow += max(0, len(here) - tour.seats)
    return {
        "cities": cities,
        "change": change,
        "what": what,
        "people": len(changed.participants),
        "forced": len(changes.forced),
        "bound": max(len(changes.forced), overflow, *losses.values()),
        "moved": changes.people_moved,
        "room_changed": len(changes.room_changed),
        "reseated": len(changes.reseated),
        "runs_time": len(changes.runs_retimed),
        "runs_room": len(changes.runs_rehoused),
        "notify": len(changes.notify),
        "seconds": round(seconds, 2),
        "first_seconds": data["first_seconds"],
        "first_peak_mib": data["first_peak_mib"],
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "violations": len(validate(changed, result.plan)),
        "load": round(os.getloadavg()[0], 1),
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
    ran = sorted({int(r["cities"]) for r in rows})  # type: ignore[call-overload]
    skipped = [TABLE[c][0] for c in sorted(TABLE) if c not in ran]
    lines = [
        "## Re-planning",
        "",
        "Generated by `benchmarks/run_replan.py` on events from `benchmarks/generate.py` (seed 0,",
        f"profile `{PROFILE}`: 15–25% of the people never answer the survey, the others rank",
        "3–6 breakouts and 0–3 tours).",
        f"First solve and re-plan both use {WORKERS} CP-SAT workers and the agenda benchmark's",
        "time limit (20 s for 50 cities, 90 s for 500); each re-plan runs in its own process from",
        "the first plan's `plan.json`. *Forced* is the re-planner's lower bound on people who must",
        "move whatever the plan (their session or tour cannot run in that slot in any room);",
        "*bound* adds what the forced list cannot name: people a slot cannot keep because its",
        "rooms are now too few or too small for its runs (the runs biggest first in the rooms",
        "biggest first, the best any placement can do), and riders over a shrunk tour's seats.",
        "*moved* counts people whose session or tour changed in some slot (the lexicographic",
        "first cost); *room only* people kept their sessions and times in another room. Runs",
        "*moved in time* changed slot (the second cost, presenters' runs counting worse); runs",
        "*moved in room* kept their slot (the third). *Re-seated* people only changed networking",
        "or action-planning table. *Peak* is the re-plan process's max RSS (the first solve's",
        "in brackets).",
        "",
        *(
            [
                f"Not run this time: {', '.join(skipped)} (the machine was shared); run "
                "`python benchmarks/run_replan.py` for every size.",
                "",
            ]
            if skipped
            else []
        ),
        "| instance | people | change | forced | bound | moved | room only | runs moved in time | runs moved in room | re-seated | calendars changed | re-plan (s) | first solve (s) | peak MiB | rule violations | cores | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        label = TABLE[int(r["cities"])][0]  # type: ignore[call-overload]
        lines.append(
            f"| {label} | {r['people']} | {r['what']} | {r['forced']} | {r['bound']} | "
            f"{r['moved']} | "
            f"{r['room_changed']} | {r['runs_time']} | {r['runs_room']} | "
            f"{r['reseated']} | {r['notify']} | {r['seconds']} | "
            f"{r['first_seconds']} | {r['peak_mib']} ({r['first_peak_mib']}) | {r['violations']} | "
            f"{r['cores']} of {r['cpu_count']} | {r.get('load', '')} |"
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
