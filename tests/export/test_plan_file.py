"""A plan's folder reads back exactly: ``event.xlsx`` and ``plan.json``, at Excel's limits too."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from convening import Plan, SolveStatus, read_plan
from convening.checks import MAX_TEXT
from convening.export.plan_file import write_plan_file
from convening.io import write_event
from tests.test_validate import sample_plan

#: Any one-line text a planner could type, surrounding blanks aside (the reader trims them).
line = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
#: Up to Excel's limit of characters in a cell, exactly.
long_text = st.integers(MAX_TEXT - 3, MAX_TEXT).map(lambda n: ("ab é中" * MAX_TEXT)[:n])
texts = line | long_text
descriptions = st.lists(line, min_size=1, max_size=3).map("\n".join) | long_text
metric_values = (
    st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | line
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=texts,
    title=texts,
    person=texts,
    description=descriptions,
    topic=st.none() | texts,
    metrics=st.dictionaries(line, metric_values, max_size=5),
    status=st.sampled_from(list(SolveStatus)),
)
@example(
    name="_x0041_ escaped?",
    title="=1+1",
    person="x" * MAX_TEXT,
    description="y" * MAX_TEXT,
    topic="#N/A is fine inside text",
    metrics={"score": 1e308, "tiny": 5e-324, "big": 2**53},
    status=SolveStatus.FEASIBLE,
)
def test_a_plan_folder_reads_back_identical(
    name: str,
    title: str,
    person: str,
    description: str,
    topic: str | None,
    metrics: dict[str, Any],
    status: SolveStatus,
) -> None:
    base = sample_plan()
    event = base.event
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        changed = attrs.evolve(
            event,
            name=name,
            sessions=[
                attrs.evolve(event.sessions[0], title=title, description=description),
                *event.sessions[1:],
            ],
            participants=[
                attrs.evolve(event.participants[0], name=person),
                *event.participants[1:],
            ],
        )
    tables = [attrs.evolve(base.tables[0], topic=topic), *base.tables[1:]]
    plan = Plan(changed, base.runs, tables, status, metrics)
    with tempfile.TemporaryDirectory() as folder:
        write_event(changed, Path(folder) / "event.xlsx")
        write_plan_file(plan, Path(folder) / "plan.json")
        again = read_plan(folder)
        assert again.event == plan.event
        assert again.runs == plan.runs
        assert again.tables == plan.tables
        assert again.status == plan.status
        assert dict(again.metrics) == dict(plan.metrics)
        # And written again, byte for byte the same files.
        write_plan_file(again, Path(folder) / "again.json")
        assert (Path(folder) / "again.json").read_bytes() == (
            Path(folder) / "plan.json"
        ).read_bytes()
