"""The package bibliography and the rule for notes: every note of every shipped data file cites
keys of the bibliography or is an assumption with its reason; the report lists what it cites."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyshield.catalog import load_catalog
from skyshield.catalog.bibliography import (
    check_note,
    cited_keys,
    load_bibliography,
    require_note,
    source_keys,
)
from skyshield.catalog.policies import load_weapon_policies, policy_name, with_named_policy
from skyshield.engine.api import build_world
from skyshield.errors import InputError
from skyshield.report.assumptions import assumption_groups
from skyshield.report.sources import cited_sources, group_notes, sources_section
from skyshield.scenario import load_scenario
from skyshield.scenario.params import load_engine_params

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "skyshield" / "data"

#: Every YAML data file shipped or run as an example, but the bibliography itself.
DATA_FILES = sorted(
    [p for p in DATA.rglob("*.yaml") if p.name != "sources.yaml"]
    + list((ROOT / "scenarios").rglob("*.yaml"))
    + list((ROOT / "tests" / "data").rglob("*.yaml"))
)

#: Keys whose string values are notes, besides every value of a ``sources`` mapping.
_NOTE_KEY = re.compile(r"^(?:source|note|\w+_note|\w+_source)$")


def notes_in(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every note in a YAML tree: ``(field path, text)``."""
    if isinstance(node, dict):
        for k, v in node.items():
            where = f"{path}.{k}" if path else str(k)
            if k == "sources" and isinstance(v, dict):
                yield from ((f"{where}.{f}", str(n)) for f, n in v.items())
            elif isinstance(v, str) and _NOTE_KEY.match(str(k)):
                yield where, v
            else:
                yield from notes_in(v, where)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from notes_in(v, f"{path}[{i}]")


def _notes(path: Path) -> list[tuple[str, str]]:
    return list(notes_in(yaml.safe_load(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_note_cites_the_bibliography_or_is_an_assumption(path: Path) -> None:
    bad = [f"{where}: {problem}" for where, n in _notes(path) if (problem := check_note(n))]
    assert bad == []


def test_the_notes_are_found() -> None:
    """The scan above sees the notes (a guard against a scan that finds nothing)."""
    counts = {str(p.relative_to(DATA)): len(_notes(p)) for p in DATA_FILES if DATA in p.parents}
    assert counts["catalog/threats.yaml"] == 7 * len(load_catalog().threats)  # 7 noted fields
    assert counts["catalog/fleets.yaml"] == 29 and counts["catalog/weapon_policies.yaml"] == 2
    assert counts["record/launch_areas.yaml"] >= 60 and counts["record/oblasts.yaml"] >= 28
    assert counts["raids/reference.yaml"] == 1 and counts["scenarios/assets.yaml"] == 4
    total = sum(len(_notes(p)) for p in DATA_FILES)
    sourced = sum(source_keys(n) is not None for p in DATA_FILES for _, n in _notes(p))
    assert total > 500 and sourced >= 35


def test_every_entry_of_the_bibliography_is_used() -> None:
    """No dead entry: each key is cited by a note, a data file's comment or the documentation."""
    text = "\n".join(
        p.read_text(encoding="utf-8") for p in [*DATA_FILES, *sorted((ROOT / "docs").glob("*.md"))]
    )
    unused = [k for k in load_bibliography() if not re.search(rf"(?<![\w-]){k}(?![\w-])", text)]
    assert unused == []


def test_bibliography_entries_are_complete() -> None:
    bib = load_bibliography()
    assert len(bib) >= 60
    for key, s in bib.items():
        assert s.key == key and s.url.startswith(("https://", "http://")) and s.figures
    record = bib["ivaniuk-kaggle-missile-attacks"]
    assert "kaggle.com" in record.url and "Ivaniuk" in record.publisher


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("source: janes-2012-cpfh; 16,500 USD", None),
        ("Source: janes-2012-cpfh, factually-gripen-f16", None),  # the word in any case
        ("  source: janes-2012-cpfh , factually-gripen-f16 ; range", None),
        ("assumption: no public figure", None),
        ("source: planning table [S] 150-185 km/h", "not a key"),
        ("source: janes-2012-cpfh, my-own-notes; range", "'my-own-notes'"),
        ("source: ; nothing named", "not a key"),
        ("source: janes-2012-cpfh (2012); range", "not a key"),  # keys end at ',' or ';'
        ("assumption:   ", "must give its reason"),
        ("general reference: 850 km/h", "must begin"),
        ("", "must begin"),
    ],
)
def test_check_note_by_hand(note: str, problem: str | None) -> None:
    got = check_note(note)
    if problem is None:
        assert got is None
    else:
        assert got is not None and problem in got
        with pytest.raises(ValueError, match=re.escape(problem)):
            require_note(note)


def test_source_keys_and_cited_keys() -> None:
    assert source_keys("source: a-1, b-2; c-3") == ["a-1", "b-2"]
    assert source_keys("assumption: janes-2012-cpfh says") is None
    notes = [
        "source: janes-2012-cpfh, factually-gripen-f16; 4,700-22,174 USD",
        "assumption: above the 0.4M USD of raytheon-amraam-tucson",  # quoted in an assumption
        "assumption: no source; janes-2012-cpfh-paper is not cited here",  # only exact keys
        "source: janes-2012-cpfh; again",
    ]
    assert cited_keys(notes) == [
        "janes-2012-cpfh",
        "factually-gripen-f16",
        "raytheon-amraam-tucson",
    ]


def test_a_scenario_note_that_cites_no_key_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(
        "name: bad\nextends: small\ncatalog_overrides:\n  threats:\n    shahed-136:\n"
        "      speed_kmh: 160\n      sources: {speed_kmh: 'source: my own study'}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert problem.file == str(p) and "shahed-136" in problem.field
    assert "'my own study', not a key of the package bibliography" in problem.message
    # the same figure as an assumption, quoting the study, loads
    p.write_text(p.read_text("utf-8").replace("source: my own", "assumption: my own"), "utf-8")
    assert load_scenario(p).catalog.threats["shahed-136"].speed_kmh == 160


# ----------------------------------------------------------------------------- weapon policies


def test_named_policies_and_their_notes() -> None:
    policies = load_weapon_policies()
    assert {"guns-first", "missiles-only"} <= set(policies)
    assert all(k == ["missile"] for k in policies["missiles-only"].allowed.values())
    assert policies["guns-first"].allowed["drone"] == ["gun", "rocket"]
    assert policies["guns-first"].note.startswith("assumption:")
    assert source_keys(policies["missiles-only"].note)  # the public cases are its sources


def test_engine_takes_a_policy_by_name_or_as_a_mapping() -> None:
    default = load_engine_params()
    assert policy_name(default.weapon_policy) == "guns-first"  # engine.yaml names the default
    assert default.sources["weapon_policy"] == (
        load_weapon_policies()["guns-first"].note + "; named policy guns-first"
    )
    named = load_engine_params({"weapon_policy": "missiles-only"})
    assert set(named.weapon_policy) == {"drone", "decoy", "recon_drone", "jet_drone", "cruise"}
    assert check_note(named.sources["weapon_policy"]) is None
    mapping = load_engine_params({"weapon_policy": {"drone": ["gun"], "cruise": ["missile"]}})
    assert mapping.weapon_policy == {"drone": ["gun"], "cruise": ["missile"]}
    assert mapping.sources["weapon_policy"] == "assumption: set by the scenario"
    assert policy_name(mapping.weapon_policy) is None
    assert with_named_policy({"c2_cycle_s": 20}) == {"c2_cycle_s": 20}  # nothing to resolve


def test_scenario_chooses_a_policy_by_name(tmp_path: Path) -> None:
    p = tmp_path / "missiles.yaml"
    p.write_text("name: m\nextends: small\nengine: {weapon_policy: missiles-only}\n", "utf-8")
    world = build_world(load_scenario(p), "reference")
    assert policy_name(world.params.weapon_policy) == "missiles-only"
    p.write_text(p.read_text("utf-8").replace("missiles-only", "guns-only"), "utf-8")
    with pytest.raises(InputError) as exc:
        build_world(load_scenario(p), "reference")
    [problem] = exc.value.problems
    assert problem.file == str(p) and problem.field.startswith("engine")
    assert "unknown policy 'guns-only'; expected one of guns-first" in problem.message


# ----------------------------------------------------------------------------- the report


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [str(v) for k, v in attrs if k == "href"]


def test_report_lists_the_sources_its_figures_cite() -> None:
    groups = assumption_groups(build_world("small"))
    notes = group_notes(groups)
    sources = cited_sources(notes)
    keys = [s.key for s in sources]
    assert keys == sorted(keys) and set(keys) == set(cited_keys(notes))
    # the small scenario flies F-16s and Gripens against the reference raid
    assert {
        "janes-2012-cpfh",
        "csis-2025-aircraft-needed-dailywrap",
        "sq-2023-shahed-specs",
        "forbesua-2022-missile-costs-ibt",
        "cnn-2025-09-07-810",
    } <= set(keys)
    html = sources_section(sources)
    assert html.startswith('<section id="sources">') and html.count('<li id="src-') == len(keys)
    links = _Links()
    links.feed(html)
    assert links.hrefs == [s.url.replace("&amp;", "&") for s in sources]
    assert "No figure in use cites a source" in sources_section([])
