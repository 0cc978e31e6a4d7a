"""Staffed convenings: are delegation tables coached, and do working staff take no seats?

Plans generated events with realistic staffing (``make_event(..., staffed=True)``:
facilitators about one per seven delegations, staff attending the plenaries, a
staff member leading a tour per tour slot, presenters away for a slot, named
breaks) and reports, per event, the coached share of delegation tables in
action planning and the places staff hold outside the plenaries (leading their
own tour aside). Every plan is checked by :func:`convening.validate.validate`.

Run ``python benchmarks/run_staffing.py [CITIES ...] [--seeds N] [--time-limit S]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_event

from convening.model import SlotKind
from convening.solve import SolveOptions, solve
from convening.validate import validate

#: Slot kinds where working staff hold no place (unless they lead a tour there).
WORKING = (SlotKind.BREAKOUT, SlotKind.TOUR, SlotKind.NETWORKING, SlotKind.ACTION_PLANNING)


def staffing_row(cities: int, seed: int, time_limit: float) -> dict[str, object]:
    """Plan one staffed event and measure coaching and staff places."""
    event = make_event(cities, seed, staffed=True)
    plan = solve(event, SolveOptions(time_limit=time_limit, seed=seed))
    violations = validate(event, plan)
    staff = {p.participant_id for p in event.participants if p.role == "staff"}
    kinds = {s.slot_id: s.kind for s in event.slots}
    places = [
        row
        for row in plan.itinerary_rows()
        if row.participant_id in staff
        and kinds[row.slot_id] in WORKING
        and not event.leads_or_presents(row.participant_id, row.activity_id)
    ]
    led = sum(1 for t in event.tours for pid in t.leaders if pid in staff)
    tables = [t for t in plan.tables if t.kind == "action_planning" and t.city_id is not None]
    return {
        "cities": cities,
        "seed": seed,
        "people": len(event.participants),
        "facilitators": sum(p.is_coach for p in event.participants),
        "staff": len(staff),
        "tours_led_by_staff": led,
        "presenters_away": sum(1 for p in event.participants if p.away),
        "delegation_tables": len(tables),
        "coached_pct": round(100 * sum(1 for t in tables if t.coaches) / max(1, len(tables)), 2),
        "staff_places_outside_plenaries": len(places),
        "violations": len(violations),
        "preference_score_pct": plan.metrics["preference_score_pct"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cities", nargs="*", type=int, default=[50])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    for cities in args.cities:
        for seed in range(args.seeds):
            row = staffing_row(cities, seed, args.time_limit)
            print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
