"""One results file for every benchmark: each runner rewrites its own section of RESULTS.md."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def write_section(name: str, lines: Sequence[str], results: Path = RESULTS) -> None:
    """Replace the part of ``results`` between ``<!-- name:begin -->`` and ``<!-- name:end -->``.

    The section is appended when the file does not have it yet; the other
    runners' sections are left as they are.
    """
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    section = "\n".join([begin, *lines, end])
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _old, tail = rest.split(end, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


def current_commit() -> str:
    """The short id of the checkout's commit, for a benchmark row (``unknown`` outside git)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=RESULTS.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()
