"""Plans written by hand for the export tests."""

from __future__ import annotations

from convening import ActivityKind, EventBuilder, Plan, Run, Table
from tests.test_validate import at

#: Text a spreadsheet program would take for a formula, used as names and titles.
RISKY = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\tTabbed", "\rReturn")
#: The people's names: a name is one line (it names a calendar), so no carriage return;
#: that one is a table's topic instead.
NAMES = (*RISKY[:5], "=Return")


def risky_plan() -> Plan:
    """A valid plan whose people, session, room and city names all look like formulas."""
    b = EventBuilder("=Event", "+Host, XX", "America/Chicago", venue="@Venue")
    b.add_city("c1", RISKY[0], "-X")
    b.add_participant("p0", RISKY[0], city_id="c1", role="official")
    b.add_participant("p1", RISKY[1], city_id="c1", role="official")
    b.add_participant("p2", RISKY[2], city_id="c1", role="partner")
    b.add_participant("p3", RISKY[3], role="staff", attends="all")
    b.add_participant("p4", RISKY[4], role="speaker")
    b.add_participant("p5", NAMES[5], role="staff", attends="all")
    b.add_room("r", "=Room", 10)
    b.add_slot("open", at(9), at(10), "plenary")
    b.add_slot("meal", at(12), at(13), "networking")
    b.add_session("s", "=1+2", "plenary", slot_id="open")
    event = b.build()
    everyone = [p.participant_id for p in event.participants]
    return Plan(
        event,
        runs=[Run("s", ActivityKind.PLENARY, "open", "r", everyone)],
        tables=[
            Table("meal", 1, ActivityKind.NETWORKING, ["p0", "p3"], topic="=topic"),
            Table("meal", 2, ActivityKind.NETWORKING, ["p1", "p4"], topic=RISKY[5]),
            Table("meal", 3, ActivityKind.NETWORKING, ["p2", "p5"]),
        ],
        metrics={"=cmd": "-1 loss", "score": -1.5, "proven": True},
    )
