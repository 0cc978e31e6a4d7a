"""Benchmark the networking table seating; writes the tables section of ``benchmarks/RESULTS.md``.

Run with ``python benchmarks/run_tables.py``. Pure social golfer instances
are events of one-person cities with networking slots only; the dense ones
also run on the compact problem (search alone, no construction) to show what
the tabu search does by itself.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
import warnings
from collections import Counter

from results import write_section

from convening import Event, EventBuilder, Plan
from convening.errors import ConveningWarning
from convening.solvers.tables import TableOptions, seat_tables
from convening.solvers.tables.problem import golfer_problem, repeats
from convening.solvers.tables.search import TableSearch, Weights
from convening.validate import validate

DAY = dt.datetime(2027, 4, 20)
TOPICS = ("housing", "transit", "workforce", "climate", "finance")


def golfer_event(groups: int, size: int, rounds: int) -> Event:
    b = EventBuilder("Golfers", "Albany, NY", "America/New_York")
    for i in range(groups * size):
        b.add_city(f"g{i:04d}", f"Golfer {i}")
        b.add_participant(f"p{i:04d}", f"Golfer {i}", city_id=f"g{i:04d}")
    _slots(b, rounds, size)
    return _build(b)


def convening_event(cities: int, rounds: int, size: int) -> Event:
    b = EventBuilder("Convening", "New Orleans, LA", "America/Chicago")
    for c in range(cities):
        cid = f"c{c:04d}"
        b.add_city(cid, f"City {c}", "LA", topics=[TOPICS[c % 5]])
        for k, role in enumerate(("official", "official", "partner")):
            b.add_participant(
                f"{cid}-{k}",
                f"Person {c}.{k}",
                city_id=cid,
                role=role,
                topics=[TOPICS[(c + k) % 5]],
            )
    _slots(b, rounds, size)
    return _build(b)


def _slots(b: EventBuilder, rounds: int, size: int) -> None:
    for r in range(rounds):
        start = DAY + dt.timedelta(days=r // 2, hours=12 + 6 * (r % 2))
        b.add_slot(f"n{r + 1}", start, start + dt.timedelta(hours=1), "networking")
        b.set_table_size(f"n{r + 1}", size)


def _build(b: EventBuilder) -> Event:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConveningWarning)
        return b.build()


def event_row(
    name: str, event: Event, size: int, rounds: int, bound: str, options: TableOptions
) -> list[str]:
    began = time.perf_counter()
    tables = seat_tables(event, options=options)
    seconds = time.perf_counter() - began
    violations = validate(event, Plan(event, runs=(), tables=tables))
    meet: Counter[tuple[str, str]] = Counter()
    same_city = 0
    city = {p.participant_id: p.city_id for p in event.participants}
    for t in tables:
        m = t.members
        for i, a in enumerate(m):
            for b in m[i + 1 :]:
                meet[(a, b)] += 1
                same_city += city[a] == city[b] and city[a] is not None
    extra = sum(n - 1 for n in meet.values())
    people = len(event.participants)
    return _row(
        name,
        people,
        len(tables) // rounds,
        size,
        rounds,
        extra,
        same_city,
        seconds,
        bound,
        len(violations),
    )


def compact_row(
    name: str, groups: int, size: int, rounds: int, limit: float, bound: str, seed: int = 0
) -> list[str]:
    problem = golfer_problem(groups, size, rounds)
    began = time.perf_counter()
    search = TableSearch(problem, Weights(), seed=seed)
    search.start()
    result = search.run(budget=limit, patience=10**9)
    seconds = time.perf_counter() - began
    extra = repeats(problem, result.seating)
    return _row(name, groups * size, groups, size, rounds, extra, 0, seconds, bound, 0)


def _row(
    name: str,
    people: int,
    tables: int,
    size: int,
    rounds: int,
    extra: int,
    same: int,
    seconds: float,
    bound: str,
    violations: int,
) -> list[str]:
    return [
        name,
        str(people),
        f"{tables}×{size}",
        str(rounds),
        str(extra),
        str(same),
        f"{seconds:.2f}",
        str(violations),
        str(rounds * (size - 1)),
        str((people - 1) // (size - 1)),
        bound,
    ]


def main() -> None:
    fast = TableOptions(seed=0, time_limit=10)
    rows = [
        event_row(
            "Kirkman's schoolgirls (event)",
            golfer_event(5, 3, 7),
            3,
            7,
            "0 (KTS(15) exists)",
            fast,
        ),
        compact_row("Kirkman's schoolgirls (search only)", 5, 3, 7, 2, "0"),
        event_row("social golfer 8-4-9 (event)", golfer_event(8, 4, 9), 4, 9, "0 (exists)", fast),
        compact_row("social golfer 8-4-9 (search only, 20 s)", 8, 4, 9, 20, "0"),
        compact_row(
            "36 officers 6-6-5 (search, 25 s)",
            6,
            6,
            5,
            25,
            "> 0 (no orthogonal Latin squares of order 6)",
        ),
        event_row("convening 50 cities × 3", convening_event(50, 6, 6), 6, 6, "0", fast),
        event_row("large convening 500 cities × 3", convening_event(500, 5, 10), 10, 5, "0", fast),
    ]
    header = [
        "instance",
        "people",
        "tables×size",
        "rounds",
        "repeats",
        "same-city pairs",
        "time (s)",
        "validator violations",
        "max peers per person (rounds×(size−1))",
        "max rounds with zero repeats ((people−1)/(size−1))",
        "known lower bound on repeats",
    ]
    lines = [
        "# Networking tables benchmark",
        "",
        f"`python benchmarks/run_tables.py` on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "Repeats = meetings beyond a pair's first, summed over pairs. Event rows go through "
        "`seat_tables` (with the known-design seed where it fits) and are checked by "
        "`convening.validate`; search-only rows run the tabu search on the compact problem from a "
        "greedy start.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    write_section("tables", ["", *lines, ""])
    print("\n".join(lines))


if __name__ == "__main__":
    main()
