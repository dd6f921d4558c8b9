"""What the shield would have stopped of the launches that broke a truce: the nights the monitor
flags, replayed with and without the shield."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyshield.cli.main import main


@pytest.mark.slow
def test_the_nights_that_broke_a_truce_are_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        "truce",
        "--from",
        "2025-06-07",
        "--to",
        "2025-06-08",
        "--classes",
        "shahed-136",
        "--shield",
        "small",
        "--shield-runs",
        "1",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "What the shield of small would have stopped on the nights that broke it" in text
    truce = json.loads((out / "truce.json").read_text())
    broken = truce["breaks"]
    record = json.loads((out / "record.json").read_text())
    assert record["nights"] == len({n["night"] for n in broken}) > 0
    t = record["totals"]
    assert t["hits_shield"]["mean"] <= t["hits_baseline"]["mean"]


@pytest.mark.slow
def test_a_truce_nobody_broke_has_nothing_to_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "truce",
        "--window",
        "easter-2025",
        "--shield",
        "small",
        "--out",
        str(tmp_path / "o"),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    assert "no night broke the truce: there was nothing to stop" in capsys.readouterr().out
    assert not (tmp_path / "o" / "record.json").exists()
