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
    "errors": 0, "mapping": 0, "data": 0, "version": 0, "files": 0.5,
    "geo": 1, "catalog": 2, "scenario": 3, "forces": 4, "record": 4, "raids": 5,
    "engine": 6, "placement": 7, "analysis": 8, "runs": 9, "execution": 9, "studies": 10,
    "report": 11, "export": 11, "truce": 11, "web": 12, "cli": 13,
}  # fmt: skip
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
