"""End-to-end runs of the command line on the built-in scenarios."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from skyshield.cli.main import main


def test_scenario_show_reference(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "show", "reference"]) == 0
    out = capsys.readouterr().out
    assert "120 aircraft" in out and "Poland (POL)" in out and "kyiv-west x4" in out


def test_scenario_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "coalition" in schema["properties"]


def test_forces_json_is_consistent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forces", "small", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    t = doc["totals"]
    assert t["aircraft_pledged"] == 18
    assert t["aircraft_committed"] + t["aircraft_spare"] == pytest.approx(18)
    # the tables add up: by-nation sums equal the pool totals
    assert sum(r["pledged"] for r in doc["by_nation"]) == 18
    assert sum(r["sorties_per_day"] for r in doc["by_base"]) == pytest.approx(
        t["fighter_sorties_per_day"]
    )
    assert {s["station"] for s in doc["stations"]} == {"lviv", "rivne-npp"}


@pytest.mark.slow
def test_forces_text_and_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "map.png"
    assert main(["forces", "small", "--map", str(png)]) == 0
    out = capsys.readouterr().out
    for heading in ("By base", "By type", "By nation", "What is short", "CAP stations held 24/7"):
        assert heading in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_assess_writes_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "assess",
        "small",
        "--runs",
        "2",
        "--no-sweep",
        "--no-record",
        "--no-uncertainty",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["scenario"] == "small"
    assert summary["totals"]["aircraft_pledged"] == 18
    assert (tmp_path / "forces_map.png").stat().st_size > 10_000
    for name in ("stations.csv", "assignments.csv", "pools.csv"):
        assert (tmp_path / name).exists()


def test_help_of_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for args in [[], *([name] for name in sub.choices)]:
        with pytest.raises(SystemExit) as exc:
            main([*args, "--help"])
        assert exc.value.code == 0, args
        assert "usage: skyshield" in capsys.readouterr().out
