"""The packages import one way (docs/design.md, decision 1): never from a later layer.

Every ``import`` in every module is read, those inside functions too (the CLI imports its heavy
layers lazily), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "skyshield"

#: The rank of each package; a module may import from packages of a lower rank and its own.
RANK = {
    "errors": 0,
    "mapping": 0,
    "data": 0,
    "version": 0,
    "files": 0.5,
    "geo": 1,
    "catalog": 2,
    "scenario": 3,
    "forces": 4,
    "record": 4,
    "raids": 5,
    "engine": 6,
    "placement": 7,
    "analysis": 8,
    "runs": 9,
    "execution": 9,
    "studies": 10,
    "report": 11,
    "export": 11,
    "truce": 11,
    "web": 12,
    "cli": 13,
}
# cli is above web: ``skyshield serve`` starts the web app


def _package(module_path: Path) -> str:
    rel = module_path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def _imported_packages(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "skyshield" and len(parts) > 1:
                found.add(parts[1])
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if _package(p) != "__init__")


def test_every_package_has_a_rank() -> None:
    packages = {_package(p) for p in MODULES}
    assert packages <= set(RANK), f"packages without a layer: {packages - set(RANK)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down_the_layers(path: Path) -> None:
    own = _package(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = {
        pkg
        for pkg in _imported_packages(tree)
        if pkg in RANK and pkg != own and RANK[pkg] >= RANK[own]
    }
    assert not upward, f"{path.relative_to(SRC)} ({own}) imports from {sorted(upward)}"


def _module_graph() -> dict[str, set[str]]:
    """Every module's imports of other modules of the package (lazy and type-only ones too);
    ``from pkg import mod`` counts as an import of ``pkg.mod`` only."""
    names = {}
    for p in SRC.rglob("*.py"):
        parts = p.relative_to(SRC.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    graph: dict[str, set[str]] = {m: set() for m in names}
    for m, p in names.items():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                found = [s for s in subs if s in names] or [node.module]
            graph[m].update(f for f in found if f in names and f != m)
    return graph


def test_no_import_cycles() -> None:
    """No module imports, through any chain of imports, a module that imports it back."""
    graph = _module_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"
