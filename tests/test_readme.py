"""The README's Python example runs as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_python_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## From Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code.group(1), "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert (tmp_path / "plan" / "plan.xlsx").exists()
    assert "optimal" in capsys.readouterr().out


def test_the_survey_example_runs_as_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import warnings

    import convening
    from convening.cli import main

    section = README.read_text(encoding="utf-8").split("## From a survey", 1)[1]
    survey = re.search(r"```csv\n(.*?)```", section, re.S)
    console = re.search(r"```console\n(.*?)```", section, re.S)
    assert survey is not None and console is not None
    (tmp_path / "survey.csv").write_text(survey.group(1), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        convening.write_event(convening.load_example("peer_exchange"), tmp_path / "exchange.xlsx")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(
            [
                "import-survey",
                "survey.csv",
                "--event",
                "exchange.xlsx",
                "--out",
                "exchange-prefs.xlsx",
                "--ignore-warnings",
                "delegation-shape",
            ]
        )
    finally:
        os.chdir(cwd)
    assert code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for line in console.group(1).splitlines():
        if line.strip() and not line.startswith("$") and not line.startswith("    --"):
            assert " ".join(line.split()) in shown
