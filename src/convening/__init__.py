"""Plan peer convenings: agendas, session and tour places, networking tables, calendars.

The flat namespace re-exports what a planner's script needs::

    import convening
    event = convening.read_event("event.xlsx")
    plan = convening.solve(event, convening.SolveOptions(time_limit=30))
    convening.write_plan(plan, "out")
"""

import logging

from convening.builder import EventBuilder
from convening.changes import (
    ChangeReason,
    ChangeReport,
    PersonChange,
    SessionChange,
    changes_frames,
    diff_plans,
)
from convening.errors import (
    ConveningError,
    ConveningWarning,
    DelegationShapeWarning,
    DuplicatePersonWarning,
    EventError,
    InfeasibleError,
    OverlappingSlotsWarning,
    Problem,
    UnknownPreferenceWarning,
    UnusedRuleWarning,
)
from convening.explain import Explanation, explain_infeasibility
from convening.export import write_outputs
from convening.io import (
    import_survey,
    load_example,
    read_event,
    read_plan,
    write_event,
    write_template,
)
from convening.model import (
    City,
    Delegation,
    Event,
    NetworkingRule,
    NetworkingSetting,
    Participant,
    Preference,
    Role,
    Room,
    RuleKind,
    Session,
    SessionKind,
    Slot,
    SlotKind,
    Tour,
)
from convening.plan import ActivityKind, ItineraryRow, Plan, Run, SolveStatus, Table
from convening.replan import Replan, ReplanOptions, replan
from convening.solve import SolveOptions, solve
from convening.validate import PlanError, Violation, check_plan, validate

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "ActivityKind",
    "ChangeReason",
    "ChangeReport",
    "City",
    "ConveningError",
    "ConveningWarning",
    "Delegation",
    "DelegationShapeWarning",
    "DuplicatePersonWarning",
    "Event",
    "EventBuilder",
    "EventError",
    "Explanation",
    "InfeasibleError",
    "ItineraryRow",
    "NetworkingRule",
    "NetworkingSetting",
    "OverlappingSlotsWarning",
    "Participant",
    "PersonChange",
    "Plan",
    "PlanError",
    "Preference",
    "Problem",
    "Replan",
    "ReplanOptions",
    "Role",
    "Room",
    "RuleKind",
    "Run",
    "Session",
    "SessionChange",
    "SessionKind",
    "Slot",
    "SlotKind",
    "SolveOptions",
    "SolveStatus",
    "Table",
    "Tour",
    "UnknownPreferenceWarning",
    "UnusedRuleWarning",
    "Violation",
    "changes_frames",
    "check_plan",
    "diff_plans",
    "explain_infeasibility",
    "import_survey",
    "load_example",
    "read_event",
    "read_plan",
    "replan",
    "solve",
    "validate",
    "write_event",
    "write_outputs",
    "write_template",
]
