"""The ``convening`` command's entry point.

Ctrl-C is one line and exit code 130 at any moment, also while the command
line is still being imported or its arguments read, before
:func:`convening.cli.main` has its own handler in place.
"""

from __future__ import annotations

import sys

#: Exit code of a run stopped by Ctrl-C (128 + SIGINT), as ``convening.cli.EXIT_INTERRUPTED``.
INTERRUPTED = 130


def main() -> int:
    """Run :func:`convening.cli.main`; a Ctrl-C it does not catch is one line, exit 130."""
    try:
        from convening.cli import main as run

        return run()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing was written.\n")
        return INTERRUPTED
