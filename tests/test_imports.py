"""The package's import structure: OR-Tools in one place, arrows that point one way.

Imports are read from the source (every ``import`` statement, deferred ones
inside functions included; those under ``if TYPE_CHECKING:`` are for type
checkers only and left out), so a cycle hidden in a function body counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "convening"

#: The one cycle the design keeps: events check themselves, and the checks read events
#: (and the sheet contract, which names the model's classes).
ALLOWED_CYCLES = [frozenset({"convening.model", "convening.checks", "convening.sheets"})]


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """``(module, line)`` of every import in the module, outside ``TYPE_CHECKING`` blocks."""

    def walk(node: ast.AST) -> Iterator[ast.AST]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    yield from walk(other)
                continue
            yield child
            yield from walk(child)

    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                yield f"{module}.{alias.name}", node.lineno


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for target, _line in _imported(name, path):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name:
                edges.add(target)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_only_the_ortools_solvers_import_ortools() -> None:
    modules = _modules()
    outside = [
        f"{path.relative_to(SOURCE.parent)}:{line} imports {target}"
        for name, path in modules.items()
        if not name.startswith("convening.solvers.ortools")
        for target, line in _imported(name, path)
        if target == "ortools" or target.startswith("ortools.")
    ]
    assert outside == []


def test_the_import_graph_has_no_cycle_but_model_and_checks() -> None:
    cycles = [c for c in _cycles(_graph()) if c not in ALLOWED_CYCLES]
    assert cycles == []


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]


@pytest.mark.parametrize(
    "module", ["convening.options", "convening.solvers.clock", "convening.solvers.instance"]
)
def test_low_modules_import_no_solver_above_them(module: str) -> None:
    """Options, the run clock and the instance sit below every solver that uses them."""
    graph = _graph()
    reach, todo = set(), [module]
    while todo:
        for target in graph[todo.pop()]:
            if target not in reach:
                reach.add(target)
                todo.append(target)
    above = {"convening.solve", "convening.replan", "convening.solvers.ortools.agenda"}
    assert not reach & above
