"""Starting is quick: ``import convening`` and the command line load no heavy library.

Each check runs in a fresh interpreter, so modules other tests imported cannot
hide an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import convening

HEAVY = ("pandas", "matplotlib", "ortools", "icalendar")


def loaded_after(code: str) -> set[str]:
    """The heavy top-level packages loaded once ``code`` has run in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_package_and_the_cli_loads_no_heavy_library() -> None:
    assert loaded_after("import convening, convening.cli") == set()


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import contextlib, io\n"
        "from convening.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])"
    )
    assert loaded_after(code) == set()


def test_checking_an_event_loads_no_heavy_library(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = convening.write_event(
            convening.load_example("peer_exchange"), tmp_path / "event.xlsx"
        )
    code = (
        "import contextlib, io\n"
        "from convening.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['check', {str(book)!r}]) == 0"
    )
    assert loaded_after(code) == set()


def test_the_heavy_libraries_load_when_needed() -> None:
    # The probe itself would see them: guards against a check that can never fail.
    loaded = loaded_after("import convening\nconvening.write_outputs")
    assert {"icalendar", "matplotlib", "pandas"} <= loaded


@pytest.mark.parametrize("name", convening.__all__)
def test_every_public_name_resolves_to_its_modules_object(name: str) -> None:
    value = getattr(convening, name)
    assert name in dir(convening)
    assert value.__module__.startswith("convening.")
    assert getattr(sys.modules[value.__module__], value.__name__) is value


def test_solve_replan_and_validate_stay_functions_once_their_modules_load() -> None:
    code = (
        "import convening\n"
        "import convening.solve, convening.replan, convening.validate\n"
        "from convening.replan import ReplanOptions\n"
        "assert callable(convening.solve) and convening.solve.__name__ == 'solve'\n"
        "assert convening.replan.__name__ == 'replan' and convening.validate.__name__ == 'validate'\n"
        "from convening import solve, replan, validate\n"
        "assert (solve, replan, validate) == (convening.solve, convening.replan, convening.validate)\n"
        "assert type(solve).__name__ == 'function'"
    )
    loaded_after(code)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'write_plan'"):
        _ = convening.write_plan  # type: ignore[attr-defined]


def test_table_options_is_exported() -> None:
    from convening.options import TableOptions

    assert convening.TableOptions is TableOptions
    assert "TableOptions" in convening.__all__
