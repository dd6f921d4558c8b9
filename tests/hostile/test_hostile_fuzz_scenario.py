"""Fuzzing scenario and raid files: random mutations of valid files (tokens replaced, characters
inserted or deleted, lines dropped, repeated or re-indented) either load or raise
:class:`InputError` whose every problem names the file and a field or a line; never another
exception.  A scenario that loads also loads again from its own data (what sweeps do).
Deterministic (``derandomize``, no example database) and bounded (a fixed number of
examples)."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyshield.errors import InputError, Problem
from skyshield.raids.load import parse_raid_text
from skyshield.scenario import load_scenario, scenario_from_data

#: A valid scenario touching every section, each value on its own line where it can be.
SCENARIO = """\
name: fuzz
extends: small
description: every section once
start: 2025-06-07T21:00:00Z
theatre:
  hostile: [RUS, occupied]
  patrol_standoff_km: 200
  engage_standoff_km: 150
assets:
  builtin: [kyiv, lviv, rivne-npp]
  extra:
    - {id: plant, name: Plant, kind: energy, position: [25.3, 50.7], value: 2, radius_km: 2}
bases:
  unavailable: [LRBC]
coalition:
  members:
    patch:
      ROU: {pledges: [{type: F-16, count: 4, base: LRBC, alternate: LRCT}]}
    add:
      - nation: Czechia
        iso_a3: CZE
        pledges: [{type: Gripen-C, count: 4, base: LZSL}]
  total_aircraft: 20
aew_orbits:
  - {id: aew-poland, type: E-3, position: [22.9, 50.6], radius_km: 40, hours_covered: 24}
tanker_tracks:
  - {id: t1, type: A330-MRTT, start: [25.2, 50.7], end: [26.8, 49.3], transit_h: 2}
cap:
  use_tankers: false
  min_time_on_station_h: 0.5
  stations:
    remove: [rivne-npp]
    add:
      - {id: ternopil, position: [25.6, 49.55], aircraft: 1}
engine:
  c2_cycle_s: 30
ground_defences:
  ew_loss: {drone: 0.6}
catalog_overrides:
  weapons:
    AIM-9X: {pk: {drone: 0.8}}
  fighters:
    F-16: {mission_capable_rate: 0.6}
raid: reference
"""

#: Tokens that have broken YAML readers: special floats, text numbers, anchors, tags, dates,
#: flow and block indicators, control characters, huge numbers.
TOKENS = [
    ".nan",
    ".inf",
    "-.inf",
    "-1",
    "0",
    "1e9",
    "1.0e+300",
    "'5'",
    '"0.5"',
    "true",
    "no",
    "null",
    "~",
    "[]",
    "{}",
    "[[[[",
    "}}",
    "&a x",
    "*a",
    "*undefined",
    "&a [*a]",
    "<<: *a",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGk=",
    "!!set {a}",
    "!!omap [a: 1]",
    "2025-06-08",
    "0001-01-01T00:00:00Z",
    "9999-12-31",
    "2025-13-45",
    "'",
    '"',
    ":",
    "- ",
    "? x",
    "|",
    ">",
    "#",
    "%",
    "@",
    "`",
    "\x00",
    "\x1b",
    "\t",
    "é",
    "\u2028",
    "\ufeff",
    "9" * 400,
    "-0",
    "0x1F",
    "0o17",
    "1_000",
    "+12",
    "1:30",
    "EPRZ",
    "BLR",
    "F-22",
    "kyiv",
    "remove: [x]",
    "patch: {}",
    "add: [1]",
    "extends: small",
    "extends: ../x.yaml",
    "---",
]

ALPHABET = "\n\t -:[]{}#&*!|>'\",.0123456789eaz?%@\\"


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three mutations."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["token", "char", "drop", "repeat", "indent", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if kind == "token":
            cut = draw(st.integers(0, len(line.rstrip("\n"))))
            end = draw(st.integers(cut, len(line.rstrip("\n"))))
            lines[i] = line[:cut] + draw(st.sampled_from(TOKENS)) + line[end:]
        elif kind == "char":
            at = draw(st.integers(0, len(line)))
            ch = draw(st.sampled_from(ALPHABET))
            lines[i] = line[:at] + ch + line[at + draw(st.integers(0, 1)) :]
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "repeat":
            lines.insert(i, line)
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + line.lstrip(" ")
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def _located(problem: Problem, files: set[str]) -> bool:
    return (
        problem.file in files
        and bool(problem.message)
        and (problem.line is not None or bool(problem.field))
    )


def test_the_base_files_are_valid() -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.yaml"
        p.write_text(SCENARIO, encoding="utf-8")
        ls = load_scenario(p)
    s = ls.scenario
    assert s.coalition.total_aircraft == 20 and "ternopil" in {c.id for c in s.cap.stations}
    assert parse_raid_text(builtin_raid(), "raid.yaml")


def _shipped(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text("utf-8")


def builtin_raid() -> str:
    return _shipped("skyshield.data.raids", "reference.yaml")


def _loads_or_input_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.yaml"
        p.write_bytes(text.encode("utf-8", errors="surrogateescape"))
        files = {str(p), "<builtin small>", "<builtin reference>"}
        try:
            ls = load_scenario(p)
        except InputError as exc:
            assert exc.problems and all(_located(q, files) for q in exc.problems), exc.problems  # noqa: PT017
            return
        again = scenario_from_data(ls.scenario.to_data(), "<again>", Path(d))
        assert again.scenario.coalition == ls.scenario.coalition
        assert again.scenario.cap == ls.scenario.cap


FUZZ = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
@FUZZ
@given(text=mutated(SCENARIO))
def test_a_mutated_scenario_loads_or_is_an_input_error(text: str) -> None:
    _loads_or_input_error(text)


@pytest.mark.slow
@FUZZ
@given(text=mutated(_shipped("skyshield.data.scenarios", "small.yaml")))
def test_a_mutated_builtin_scenario_loads_or_is_an_input_error(text: str) -> None:
    _loads_or_input_error(text)


@pytest.mark.slow
@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(text=mutated(builtin_raid()))
def test_a_mutated_raid_file_parses_or_is_an_input_error(text: str) -> None:
    try:
        nights = parse_raid_text(text, "raid.yaml")
    except InputError as exc:
        assert exc.problems and all(_located(q, {"raid.yaml"}) for q in exc.problems)  # noqa: PT017
        return
    assert nights and all(n.total >= 0 for n in nights)
