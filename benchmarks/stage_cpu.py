"""CPU seconds per solve stage of the agenda benchmark's events, for comparing commits on a busy machine.

Usage::

    python benchmarks/stage_cpu.py 50            # one run of the 50-city event
    python benchmarks/stage_cpu.py 50 500 -n 3   # three runs of each, one process per run

Wall time on a shared machine says more about the neighbours than about the
solver; CPU time (this process's and its finished children's, user and system,
as :func:`resource.getrusage` counts it: the annealing's other chains run in
forked children) does not, as long as every stage stops on deterministic work.
Each run plans the event of :func:`generate.make_event` exactly as
``run_agenda.py`` does (same time limit, seed and workers) and reads the CPU
clock at every progress report; the time up to a report belongs to the stage
it names, except that the time up to ``tables`` is the fallback seating
(places nobody's ranks fill) and the lifting of the worst-off, and the time up to ``done`` is the
tables and the metrics. Nothing is written: the rows are printed, with the
load average at the start and end, and the plan's score and digest so that
two commits can be seen to do the same work.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_agenda import TABLE  # noqa: E402

#: What the time up to a report of these phases was spent on.
_SPENT_ON = {"tables": "fallback seats, fairness", "done": "tables, metrics"}


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one(cities: int) -> dict[str, object]:
    """Plan the ``cities`` event once; CPU and wall seconds per stage."""
    from generate import make_event

    # The solve imports its solvers when it first needs them; imported here, they are
    # not counted in the first stage.
    import convening.solvers.ortools.agenda
    import convening.solvers.tables  # noqa: F401
    from convening.solve import SolveOptions, solve

    event = make_event(cities, seed=0)
    options = SolveOptions(time_limit=TABLE[cities][1], workers=2, seed=0)
    load = os.getloadavg()[0]
    stages: dict[str, list[float]] = {}
    last = [_cpu(), time.perf_counter()]

    def progress(phase: str, _elapsed: float, _score: float | None) -> None:
        cpu, wall = _cpu(), time.perf_counter()
        spent = stages.setdefault(_SPENT_ON.get(phase, phase), [0.0, 0.0])
        spent[0] += cpu - last[0]
        spent[1] += wall - last[1]
        last[:] = [cpu, wall]

    start_cpu, start_wall = _cpu(), time.perf_counter()
    plan = solve(event, options, progress=progress)
    digest = hashlib.sha256(
        json.dumps(
            [sorted(map(repr, plan.runs)), sorted(map(repr, plan.tables))], sort_keys=True
        ).encode()
    ).hexdigest()[:12]
    return {
        "cities": cities,
        "cpu": round(_cpu() - start_cpu, 2),
        "wall": round(time.perf_counter() - start_wall, 2),
        "stages": {k: [round(c, 2), round(w, 2)] for k, (c, w) in stages.items()},
        "score_pct": plan.metrics["preference_score_pct"],
        "deterministic": plan.metrics["deterministic"],
        "digest": digest,
        "load": [round(load, 2), round(os.getloadavg()[0], 2)],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cities", nargs="*", type=int, help=f"any of {sorted(TABLE)}")
    parser.add_argument("-n", "--runs", type=int, default=1, help="runs of each size")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return
    unknown = sorted(set(args.cities) - set(TABLE))
    if unknown:
        parser.error(f"no benchmark event of {unknown} cities; choose from {sorted(TABLE)}")
    for cities in args.cities:
        for _ in range(args.runs):
            # A process per run: the children's CPU and the peak memory are this run's alone.
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(cities)],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(out.stdout.splitlines()[-1])
            print(
                f"{row['cities']} cities: {row['cpu']:.1f} s CPU, {row['wall']:.1f} s wall, "
                f"score {row['score_pct']}%, digest {row['digest']}, "
                f"deterministic {row['deterministic']}, load {row['load'][0]} -> {row['load'][1]}"
            )
            for stage, (cpu, wall) in row["stages"].items():
                print(f"    {stage:<26} {cpu:8.2f} s CPU {wall:8.2f} s wall")


if __name__ == "__main__":
    main()
