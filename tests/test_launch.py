"""The command's entry point: Ctrl-C before the command line has its own handler."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import pytest

from convening import _launch, cli


def test_the_convening_command_starts_at_the_launcher() -> None:
    (script,) = entry_points(group="console_scripts", name="convening")
    assert script.value == "convening._launch:main"


def test_ctrl_c_while_the_arguments_are_read_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_parser", interrupted)
    monkeypatch.setattr(sys, "argv", ["convening", "check", "event.xlsx"])
    assert _launch.main() == cli.EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err == "Interrupted; nothing was written.\n"


def test_the_launcher_returns_the_command_lines_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["convening", "check", "no-such-event.xlsx"])
    assert _launch.main() == cli.EXIT_INPUT
    assert "no-such-event.xlsx" in capsys.readouterr().err
