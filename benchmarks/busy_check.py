"""Reproducibility on a busy machine: the checks CI's machines need, next to CPU burners.

Run with ``python benchmarks/busy_check.py`` (add ``--suite`` to run the whole
test suite under load too). While one CPU-burning process per core runs, it

1. runs the reproducibility tests (same seed and workers, same plan; two
   processes with other hash seeds; planning twice gives identical files);
2. plans a generated 30-city event twice from the command line, each run in a
   process with another hash seed, and compares the two folders byte for byte
   (and that neither run warned that the plan may differ on a re-run);

then stops the burners, writes its section of ``benchmarks/RESULTS.md`` and
exits non-zero if anything differed or failed.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from generate import make_event
from results import write_section

from convening import write_event

ROOT = Path(__file__).resolve().parents[1]

REPRODUCIBILITY_TESTS = [
    "tests/test_reproducible.py",
    "tests/solvers/test_agenda.py",
    "tests/solvers/test_lns.py",
    "tests/solvers/test_improve.py",
    "tests/solvers/networking/test_tables.py",
    "tests/test_end_to_end.py",
]
CITIES = 30
TIME_LIMIT = 20


def _burners() -> list[subprocess.Popen[bytes]]:
    spin = "while True:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 2)]


def _plan(event: Path, out: Path, hash_seed: int) -> tuple[float, str]:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    command = [sys.executable, "-m", "convening.cli", "plan", str(event), "--out", str(out)]
    command += ["--time-limit", str(TIME_LIMIT), "--seed", "0"]
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"planning failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - began, done.stdout


def _differences(a: Path, b: Path) -> list[str]:
    left = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    right = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    out = [f"only in one run: {p}" for p in sorted(left ^ right)]
    out += [
        f"differs: {p}"
        for p in sorted(left & right)
        if not filecmp.cmp(a / p, b / p, shallow=False)
    ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="store_true", help="also run the whole test suite")
    args = parser.parse_args()
    lines: list[str] = []
    failed = False
    burners = _burners()
    try:
        tests = REPRODUCIBILITY_TESTS if not args.suite else []
        began = time.perf_counter()
        pytest = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        test_seconds = time.perf_counter() - began
        # The one-minute load average lags: read it once the burners have run a while.
        load = os.getloadavg()[0]
        summary = (pytest.stdout.strip().splitlines() or ["(no output)"])[-1]
        failed |= pytest.returncode != 0
        if pytest.returncode != 0:
            print(pytest.stdout[-5000:])
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                write_event(make_event(CITIES, seed=0), folder / "event.xlsx")
            first, log_a = _plan(folder / "event.xlsx", folder / "a", hash_seed=1)
            second, log_b = _plan(folder / "event.xlsx", folder / "b", hash_seed=2)
            differences = _differences(folder / "a", folder / "b")
            files = sum(1 for p in (folder / "a").rglob("*") if p.is_file())
            warned = [log for log in (log_a, log_b) if "may differ on a re-run" in log]
        failed |= bool(differences) or bool(warned)
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()
    which = "the whole suite" if args.suite else "the reproducibility tests"
    lines += [
        "",
        "# Reproducibility on a busy machine",
        "",
        f"`python benchmarks/busy_check.py{' --suite' if args.suite else ''}` on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"with {len(burners)} CPU-burning processes beside it, one per core (load average "
        f"{load:.1f} after the tests).",
        "",
        "| check | result | wall time |",
        "|---|---|---|",
        f"| {which} | {summary} | {test_seconds:.0f} s |",
        f"| `convening plan` of a generated {CITIES}-city event, `--time-limit {TIME_LIMIT}`, "
        f"twice (hash seeds 1 and 2) | "
        + (
            f"{files} files, byte-identical, no warning"
            if not differences and not warned
            else f"{len(differences)} files differ, {len(warned)} runs warned"
        )
        + f" | {first:.0f} s and {second:.0f} s |",
        "",
    ]
    write_section("busy", lines)
    print("\n".join(lines))
    for line in differences[:20]:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
