"""Reading and writing event workbooks: the planner's front door.

``read_event`` reads an ``.xlsx`` workbook or a folder of CSV files into a
checked :class:`~convening.model.Event`, reporting every problem at once;
``write_template`` writes a blank workbook to fill in; ``load_example`` reads a
built-in example; ``write_event`` saves an event in the form ``read_event`` reads;
``read_plan`` reads back a plan's output folder; ``import_survey`` fills an
event's preferences from a registration survey export.
"""

from convening.io.examples import EXAMPLES, load_example
from convening.io.plan_reader import read_plan
from convening.io.reader import read_event
from convening.io.survey import SurveyImport, import_survey, survey_preferences
from convening.io.template import write_template
from convening.io.writer import write_event

__all__ = [
    "EXAMPLES",
    "SurveyImport",
    "import_survey",
    "load_example",
    "read_event",
    "read_plan",
    "survey_preferences",
    "write_event",
    "write_template",
]
