"""Defect 1: a YAML alias bomb (a file of about 500 bytes of nested aliases) ran `scenario
validate` for minutes and gigabytes.  It is refused at once, with the limit and how to raise
it; aliases within the limit still load, with the line of each alias."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from scenario_probes import alias_bomb, run_bounded

from skyshield.errors import InputError
from skyshield.raids.load import parse_raid_text
from skyshield.scenario.yamlio import load_yaml


@pytest.mark.slow
def test_alias_bomb_is_refused_in_seconds_by_the_cli(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert bomb.stat().st_size < 600
    t0 = time.perf_counter()
    done = run_bounded(["scenario", "validate", "bomb.yaml"], cwd=tmp_path, timeout_s=60)
    assert done.returncode == 2, done.stderr
    assert time.perf_counter() - t0 < 60
    assert "bomb.yaml:" in done.stderr and "too many values" in done.stderr
    assert "SKYSHIELD_MAX_YAML_NODES" in done.stderr and "Traceback" not in done.stderr


def test_alias_bomb_in_a_raid_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="too many values"):
        parse_raid_text(alias_bomb(levels=6), "raid.yaml")


def test_aliases_count_as_the_values_they_stand_for() -> None:
    # 9**6 = 531,441 values behind 6 short lines: over the default limit of 100,000
    with pytest.raises(InputError) as exc:
        load_yaml(alias_bomb(levels=6), "b.yaml")
    [problem] = exc.value.problems
    assert problem.file == "b.yaml" and problem.line is not None and problem.line <= 7


def test_the_limit_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MAX_YAML_NODES", "1000")
    text = alias_bomb(levels=3, fan_out=9)  # 927 values (keys included): within 1,000
    data, _ = load_yaml(text, "b.yaml")
    assert len(data["a2"]) == 9 and data["a2"][0][0] == ["x"] * 9
    monkeypatch.setenv("SKYSHIELD_MAX_YAML_NODES", "900")
    with pytest.raises(InputError, match="at most 900 values"):
        load_yaml(text, "b.yaml")


def test_a_bad_limit_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MAX_YAML_NODES", "lots")
    with pytest.raises(InputError) as exc:
        load_yaml("a: 1\n", "b.yaml")
    assert exc.value.problems[0].file == "SKYSHIELD_MAX_YAML_NODES"


def test_recursive_alias_is_refused_with_its_line() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("name: r\nloop: &a [1, *a]\n", "r.yaml")
    [problem] = exc.value.problems
    assert problem.line == 2 and "inside its own anchor" in problem.message


def test_fields_reached_through_an_alias_take_the_alias_line() -> None:
    text = "base: &b {x: 1, y: [1, 2]}\none: *b\nlist:\n  - 0\n  - *b\n"
    data, lines = load_yaml(text, "f.yaml")
    assert data["one"] == {"x": 1, "y": [1, 2]} and data["list"][1] is data["one"]
    assert lines[("base", "y")] == 1 and lines[("one",)] == 2 and lines[("list", 1)] == 5
