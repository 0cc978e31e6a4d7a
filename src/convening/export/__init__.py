"""Files made from a plan: the workbook, CSV views, calendars and a printable agenda.

Only this package (and :mod:`convening.io`) touches files. Every file is
written under a temporary name and renamed when complete, and the same plan
always gives byte-identical files.
"""

from convening.export.caldav_push import CalDAVError, CalDAVLoginError, push_caldav
from convening.export.calendars import (
    CalendarExportError,
    caldav_objects,
    delegation_calendar,
    event_calendar,
    participant_calendar,
    room_calendar,
    write_calendars,
)
from convening.export.changes import write_changes
from convening.export.csv import write_plan_csv
from convening.export.html import agenda_html, write_agenda_html
from convening.export.outputs import (
    OutputFolderError,
    check_output_folder,
    output_lock,
    write_outputs,
)
from convening.export.publish import PublishError, PublishReport, publish
from convening.export.report import write_report, write_report_into
from convening.export.workbook import write_plan_workbook

__all__ = [
    "CalDAVError",
    "CalDAVLoginError",
    "CalendarExportError",
    "OutputFolderError",
    "PublishError",
    "PublishReport",
    "agenda_html",
    "caldav_objects",
    "check_output_folder",
    "delegation_calendar",
    "event_calendar",
    "output_lock",
    "participant_calendar",
    "publish",
    "push_caldav",
    "room_calendar",
    "write_agenda_html",
    "write_calendars",
    "write_changes",
    "write_outputs",
    "write_plan_csv",
    "write_plan_workbook",
    "write_report",
    "write_report_into",
]
