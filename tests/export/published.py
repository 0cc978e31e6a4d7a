"""A small event planned by hand twice (before and after a late change), for the publishing tests."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

from convening import EventBuilder, Plan, Run, validate, write_outputs

MON = dt.datetime(2027, 4, 19)
#: E-mail addresses as participant ids: file names must reveal none of them.
ADA, BO, CY, DEE = "ada@example.org", "bo@example.org", "cy.partner", "dee@example.org"


def small_plan(*, replanned: bool = False) -> Plan:
    """Three people of one delegation and a facilitator; after the re-plan Bo has left,
    Dee has joined, and the two breakouts have swapped rooms."""
    b = EventBuilder("Publishing convening", "Tulsa, OK", "America/Chicago", venue="Hall")
    b.add_city("tul", "Tulsa", "OK")
    b.add_participant(ADA, "Ada Lee", city_id="tul", email=ADA)
    if not replanned:
        b.add_participant(BO, "Bo Díaz", city_id="tul", email=BO)
    else:
        b.add_participant(DEE, "Dee Ng", city_id="tul", email=DEE)
    b.add_participant(CY, "Cy Park", city_id="tul", role="partner")
    b.add_participant("f1", "Fay Oduya", role="facilitator", email="fay@example.org")
    b.add_room("hall", "Main hall", 50)
    b.add_room("r1", "Room 1", 10)
    b.add_room("r2", "Room 2", 10)
    b.add_slot("open", MON.replace(hour=9), MON.replace(hour=10), "plenary")
    b.add_slot("b1", MON.replace(hour=10, minute=30), MON.replace(hour=11, minute=30), "breakout")
    b.add_session("welcome", "Welcome", "plenary")
    b.add_session("x1", "Financing housing")
    b.add_session("x2", "Transit, a primer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = b.build()
    other = DEE if replanned else BO
    everyone = [p.participant_id for p in event.participants]
    runs = [
        Run("welcome", "plenary", "open", "hall", everyone),
        Run("x1", "breakout", "b1", "r2" if replanned else "r1", [ADA, "f1"]),
        Run("x2", "breakout", "b1", "r1" if replanned else "r2", [other, CY]),
    ]
    plan = Plan(event, runs)
    assert validate(event, plan) == []
    return plan


def plan_folders(root: Path) -> tuple[Path, Path]:
    """The first plan's folder and the re-plan's, written as ``convening replan`` writes them."""
    first, second = root / "plan-v1", root / "plan-v2"
    write_outputs(small_plan(), first)
    return first, second


def write_replan(first: Path, second: Path) -> Path:
    """Write the re-planned plan beside ``first`` (after ``first`` was published)."""
    write_outputs(small_plan(replanned=True), second, previous=first)
    return second
