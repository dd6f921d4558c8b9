"""Nothing the project ships or shows refers to a file or document outside the repository.

The package, its documentation, the README, the changelog, the example scenarios, the tests,
benchmarks and tools, and the text the briefing report is built from, are scanned for names of
documents a user does not have (design notes, figure compilations, shared folders, machine
paths) and for the words of internal planning (releases to come, work waves, issue numbers).
What the product says of its sources it carries inside the package (``data/sources.yaml``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skyshield.engine.api import build_world
from skyshield.report.assumptions import assumption_groups
from skyshield.report.limits import load_limits
from skyshield.report.sources import cited_sources, group_notes, sources_section

ROOT = Path(__file__).resolve().parents[1]

#: What may not appear, with why.  Case-sensitive where the lower-case word is harmless
#: ("docs/design.md" is in the repository; "DESIGN.md" is not).
FORBIDDEN: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\b(?:DESIGN|SOURCES|FIGURES|STYLE|BRIEF)\.md\b"),
        "a document outside the repository",
    ),
    (re.compile(r"\bFIGURES\b"), "the figure compilation outside the repository"),
    (re.compile(r"(?:\.\./|\b)shared/"), "a shared folder outside the repository"),
    (re.compile(r"/work/|/tmp/bash|/root/"), "a path on a development machine"),
    (re.compile(r"\brelease 0\.\d", re.I), "an internal release plan"),
    (re.compile(r"\b(?:later|next|future|this) releases?\b", re.I), "an internal release plan"),
    (re.compile(r"\bwave \d", re.I), "an internal work wave"),
    (re.compile(r"\bissue #?\d+\b", re.I), "an internal issue number"),
)

#: Text files looked at (by suffix); data tables are scanned too (their text columns are free text).
SUFFIXES = {
    ".py",
    ".md",
    ".yaml",
    ".yml",
    ".toml",
    ".txt",
    ".csv",
    ".geojson",
    ".json",
    ".html",
    "",
}

#: Where to look, relative to the repository.
SCANNED = ("src/skyshield", "docs", "scenarios", "tests", "benchmarks", "tools")
FILES_AT_ROOT = ("README.md", "CHANGELOG.md", "pyproject.toml", "Makefile")

#: This file names the forbidden words on purpose.
SELF = Path(__file__).resolve()


def offences(text: str) -> list[str]:
    """Every forbidden reference in ``text``: ``"line N: 'match' (why)"``."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        for pattern, why in FORBIDDEN:
            found += [f"line {n}: {m.group(0)!r} ({why})" for m in pattern.finditer(line)]
    return found


def scanned_files(root: Path = ROOT) -> list[Path]:
    """The text files of the project that must be self-contained."""
    files = [root / f for f in FILES_AT_ROOT if (root / f).is_file()]
    for d in SCANNED:
        files += [
            p
            for p in sorted((root / d).rglob("*"))
            if p.is_file()
            and p.suffix in SUFFIXES
            and "__pycache__" not in p.parts
            and p.resolve() != SELF
        ]
    return files


def _scan(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []  # not text (a picture saved without a suffix)
    return offences(text)


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_file_refers_to_nothing_outside_the_repository(path: Path) -> None:
    assert _scan(path) == []


def test_scanned_files_cover_the_package_docs_and_scenarios() -> None:
    rel = {str(p.relative_to(ROOT)) for p in scanned_files()}
    assert {
        "README.md",
        "CHANGELOG.md",
        "docs/engine.md",
        "src/skyshield/data/sources.yaml",
        "src/skyshield/data/catalog/threats.yaml",
        "src/skyshield/report/html.py",
        "scenarios/minimal.yaml",
    } <= rel
    assert "tests/test_self_contained.py" not in rel


@pytest.mark.parametrize(
    "bad",
    [
        "cost_usd: 'source: FIGURES threats table [S] 20k-50k USD; midpoint'",
        "see DESIGN.md section 7",
        "Positions: ../shared/FIGURES.md",
        "compiled in /work/shared/data",
        "A later release will let a scenario override it",
        "the model (release 0.1: geography)",
        "done in wave 3",
        "as issue 12 asks",
    ],
)
def test_scanner_catches_an_injected_reference(tmp_path: Path, bad: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(f"# Page\n\nFine text.\n{bad}\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("Nothing wrong; see docs/design.md.\n", encoding="utf-8")
    files = scanned_files(tmp_path)
    assert {p.name for p in files} == {"page.md", "README.md"}
    found = {p.name: _scan(p) for p in files}
    assert found["README.md"] == []
    assert found["page.md"] and all(f.startswith("line 4:") for f in found["page.md"])


def test_report_text_refers_to_nothing_outside_the_repository() -> None:
    """What the briefing report shows besides the numbers: the assumption tables with their
    notes, the list of sources, the model's limits (the rest of its text is in report/*.py)."""
    groups = assumption_groups(build_world("reference"))
    parts = [sources_section(cited_sources(group_notes(groups)))]
    parts += [f"{r.item} {r.parameter} {r.value} {r.source}" for g in groups for r in g.rows]
    parts += [f"{s.title}: {' '.join(s.items)}" for s in load_limits()]
    assert offences("\n".join(parts)) == []
