"""Files made from a plan: the ``plan.xlsx`` workbook and the same tables as CSV.

Only this package (and :mod:`convening.io`) touches files. Every file is
written under a temporary name and renamed when complete, and the same plan
always gives byte-identical files.
"""

from convening.export.csv import write_plan_csv
from convening.export.workbook import write_plan_workbook

__all__ = ["write_plan_csv", "write_plan_workbook"]
