"""The example notebooks run top to bottom, end with their own checks, and are stored clean.

Each notebook in ``examples/`` is executed in a fresh kernel of this
interpreter (a kernelspec pointing at ``sys.executable`` is put first on
``JUPYTER_PATH``, so no other Python on the machine is picked up), headless
(``MPLBACKEND=Agg``), with ``CONVENING_OUT`` pointing at a temporary folder and
the kernel's working directory another, empty one. The notebooks end with
``assert`` cells, so a broken step fails here; the test also checks the final
message, that no cell raised and that files were written only under
``CONVENING_OUT``. How long a notebook takes is the machine's business (a
busy machine takes longer and computes the same): a cell is stopped only when
it hangs, far beyond what it needs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))

#: Seconds a cell may run before it counts as hung: far beyond any cell's solve
#: budget, so that a busy machine never fails the test by being slow.
HUNG_CELL = 900

#: Appended to the executed copy: where the kernel's Python lives.
_PREFIX_CELL = "import sys\nprint('kernel prefix:', sys.prefix)"


def test_notebooks_are_found() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert names == ["01_plan_a_convening.ipynb", "02_peer_exchange.ipynb", "03_what_if.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"cell {cell.id} has stored outputs"
        assert cell.execution_count is None, f"cell {cell.id} has an execution count"
    # Planners read these: each notebook explains itself before its first code cell.
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.startswith("# ")


def _kernelspec(root: Path) -> Path:
    """A ``python3`` kernelspec that starts this very interpreter."""
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (convening tests)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return root


def _files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def _stdout(cell: Any) -> str:
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, cwd = tmp_path / "out", tmp_path / "cwd"
    out.mkdir()
    cwd.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(_kernelspec(tmp_path / "jupyter")))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("CONVENING_OUT", str(out))
    before = _files(EXAMPLES)

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PREFIX_CELL))
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=HUNG_CELL,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()

    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert _stdout(code[-1]).strip() == f"kernel prefix: {sys.prefix}"
    final = _stdout(code[-2])
    assert "All checks passed" in final
    assert "0 violations" in final
    # Pictures were drawn (inline PNGs), so the plotting cells did their job.
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs)

    assert _files(EXAMPLES) == before, "a notebook wrote into examples/"
    assert _files(cwd) == set(), "a notebook wrote into its working directory"
    if path.stem == "01_plan_a_convening":
        written = _files(out)
        assert Path("new-orleans/plan.xlsx") in written
        assert Path("new-orleans/report.html") in written
        assert any(p.suffix == ".ics" for p in written)
