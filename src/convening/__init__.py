"""Plan peer convenings: agendas, session and tour places, networking tables, calendars.

The flat namespace re-exports what a planner's script needs::

    import convening
    event = convening.read_event("event.xlsx")
    plan = convening.solve(event, convening.SolveOptions(time_limit=30))
    convening.write_outputs(plan, "out")

Each name is imported on first use (:pep:`562`), so ``import convening`` and the
command line start without loading pandas, matplotlib, OR-Tools or icalendar.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        OutputExistsError,
        OverlappingSlotsWarning,
        PlanFolderError,
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
    from convening.options import ReplanOptions, SolveOptions, TableOptions
    from convening.plan import ActivityKind, ItineraryRow, Plan, Run, SolveStatus, Table
    from convening.replan import Replan, replan
    from convening.solve import solve
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
    "OutputExistsError",
    "OverlappingSlotsWarning",
    "Participant",
    "PersonChange",
    "Plan",
    "PlanError",
    "PlanFolderError",
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
    "TableOptions",
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

#: Where each name of the flat namespace lives.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "convening.builder": ("EventBuilder",),
    "convening.changes": (
        "ChangeReason",
        "ChangeReport",
        "PersonChange",
        "SessionChange",
        "changes_frames",
        "diff_plans",
    ),
    "convening.errors": (
        "ConveningError",
        "ConveningWarning",
        "DelegationShapeWarning",
        "DuplicatePersonWarning",
        "EventError",
        "InfeasibleError",
        "OutputExistsError",
        "OverlappingSlotsWarning",
        "PlanFolderError",
        "Problem",
        "UnknownPreferenceWarning",
        "UnusedRuleWarning",
    ),
    "convening.explain": ("Explanation", "explain_infeasibility"),
    "convening.export": ("write_outputs",),
    "convening.io": (
        "import_survey",
        "load_example",
        "read_event",
        "read_plan",
        "write_event",
        "write_template",
    ),
    "convening.model": (
        "City",
        "Delegation",
        "Event",
        "NetworkingRule",
        "NetworkingSetting",
        "Participant",
        "Preference",
        "Role",
        "Room",
        "RuleKind",
        "Session",
        "SessionKind",
        "Slot",
        "SlotKind",
        "Tour",
    ),
    "convening.plan": ("ActivityKind", "ItineraryRow", "Plan", "Run", "SolveStatus", "Table"),
    "convening.options": ("ReplanOptions", "SolveOptions", "TableOptions"),
    "convening.replan": ("Replan", "replan"),
    "convening.solve": ("solve",),
    "convening.validate": ("PlanError", "Violation", "check_plan", "validate"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import a name of the flat namespace, or a submodule, on first use."""
    module = _WHERE.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        # ``convening.plotting`` and the like, as when every submodule was imported up front.
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The package module, keeping ``solve``, ``replan`` and ``validate`` the functions.

    Importing a submodule binds it as an attribute of its package, and three
    submodules share their name with the function they define. Imported up
    front, the function was bound last and won; imported lazily, the
    submodule would, and ``convening.solve(...)`` would call a module.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == value.__name__:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
