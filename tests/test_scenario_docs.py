"""The scenario examples of README.md and docs/scenario.md load as shown; `scenario show --yaml`
prints a built-in's file; errors located in a built-in say so and show the line; an unquoted
date gets the hint to quote it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.scenario import BUILTIN_SCENARIOS, builtin_text, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _yaml_blocks(path: Path, start: str = "", end: str = "") -> list[str]:
    text = path.read_text(encoding="utf-8")
    if start:
        text = text[text.index(start) : text.index(end) if end else None]
    # a block marked as a file for a later command may be wrong on purpose (docs/scenario.md
    # shows the errors it gives): tests/test_docs_examples.py runs those
    marked = r"<!-- docs-test:[^>]*\bfile:[^>]*-->\s*"
    files = set(re.findall(marked + r"```yaml\n(.*?)```", text, re.S))
    return [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b not in files]


README_BLOCKS = _yaml_blocks(ROOT / "README.md", "## Scenario files", "## Where the numbers")
DOC_SCENARIOS = [b for b in _yaml_blocks(ROOT / "docs" / "scenario.md") if "\nname: " in "\n" + b]


def test_the_readme_belarus_example_works(tmp_path: Path) -> None:
    p = tmp_path / "belarus-hostile.yaml"
    p.write_text(README_BLOCKS[0], encoding="utf-8")
    ls = load_scenario(p)
    assert ls.warnings == []
    assert ls.scenario.theatre.hostile == ["RUS", "occupied", "BLR"]
    assert [c.id for c in ls.scenario.cap.stations] == [
        "south-ukraine-npp",
        "vinnytsia",
        "odesa-west",
    ]
    assert ls.scenario.coalition.total_aircraft == 120


def test_the_readme_complete_file_is_the_builtin_small() -> None:
    assert README_BLOCKS[1] == builtin_text("small")


@pytest.mark.parametrize("block", DOC_SCENARIOS, ids=lambda b: b.split("name: ")[1].split()[0])
def test_every_scenario_in_docs_scenario_md_loads(tmp_path: Path, block: str) -> None:
    p = tmp_path / "doc.yaml"
    p.write_text(block, encoding="utf-8")
    ls = load_scenario(p)
    assert all("is unavailable" in w.message for w in ls.warnings), ls.warnings


def test_without_patches_the_belarus_example_names_each_builtin_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "belarus.yaml"
    p.write_text("name: b\nextends: reference\ntheatre:\n  hostile: [RUS, BLR, occupied]\n")
    assert main(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err
    reference = builtin_text("reference").splitlines()
    found = re.findall(r"error: <builtin reference>:(\d+): cap\.stations\[\d\]\.position: ", err)
    assert len(found) == 5
    for line in found:
        assert f"    {line} | {reference[int(line) - 1].strip()}\n" in err
    assert err.count(f"of the built-in scenario 'reference', which {p} extends") == 5
    assert "skyshield scenario show reference --yaml" in err
    assert f"write cap: {{stations: {{remove: [kyiv-west]}}}} in {p}" in err


@pytest.mark.parametrize("name", BUILTIN_SCENARIOS)
def test_show_yaml_prints_the_builtin_file(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "show", name, "--yaml"]) == 0
    out = capsys.readouterr().out
    assert out == builtin_text(name)
    outside = "|".join(["DESIGN" + r"\.md", "FIG" + "URES", "/wo" + "rk/"])  # not the words
    assert not re.search(outside, out)  # nothing outside the repository


def test_show_yaml_of_a_file_prints_it_merged_and_it_loads_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(
        "name: s\nextends: reference\ncap:\n  stations: {remove: [odesa-west]}\n"
        "coalition: {total_aircraft: 60}\n",
        encoding="utf-8",
    )
    assert main(["scenario", "show", str(p), "--yaml"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# Scenario 's' as loaded from {p} <- <builtin reference>")
    copy = tmp_path / "copy.yaml"
    copy.write_text(out, encoding="utf-8")
    assert load_scenario(copy).scenario == load_scenario(p).scenario


@pytest.mark.parametrize(
    ("line", "field"),
    [("raid: 2025-06-08", "raid"), ("description: 2025-06-08", "description")],
)
def test_an_unquoted_date_gets_the_hint_to_quote_it(tmp_path: Path, line: str, field: str) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(f"name: s\nextends: small\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert (problem.line, problem.field) == (3, field)
    assert "write it in quotes, '2025-06-08'" in problem.message
    quoted = line.replace("2025-06-08", "'2025-06-08'")
    p.write_text(f"name: s\nextends: small\n{quoted}\n", encoding="utf-8")
    assert load_scenario(p).scenario.name == "s"
