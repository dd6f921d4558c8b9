"""Defect 7 (the YAML parts): a NUL byte in YAML, deeply nested YAML and the year 0001 were
internal errors (exit 1).  Every one is an input error (exit 2) naming the file and the line,
never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_probes import VALID, raid_file

from skyshield.cli.main import main

BAD_SCENARIOS = [
    ("nul", b"name: nul\x00\n", 1, "U+0000 (NUL)"),
    ("escape", b"name: esc\x1b[31m\n", 1, "U+001B (ESC)"),
    ("flow-nesting", b"name: deep\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n", 2, "nested too deep"),
    (
        "block-nesting",
        b"name: deep\n" + b"".join(b" " * i + b"k:\n" for i in range(300)),
        51,
        "nested too deep",
    ),
    ("year-1", b"name: y\nstart: 0001-01-01T00:00:00Z\n", 2, "out of range"),
    ("year-1-east", b"name: y\nstart: 0001-01-01T00:00:00+03:00\n", 2, "out of range"),
    ("year-9999", b"name: y\nstart: 9999-12-31T23:00:00-05:00\n", 2, "out of range"),
    ("start-number", b"name: y\nstart: 1749330000\n", 2, "not a number"),
    ("unquoted-date-raid", VALID.encode() + b"raid: 2025-06-08\n", 3, "write it in quotes"),
]


@pytest.mark.parametrize(
    ("name", "content", "line", "expected"), BAD_SCENARIOS, ids=[b[0] for b in BAD_SCENARIOS]
)
def test_bad_yaml_exits_2_naming_file_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    line: int,
    expected: str,
) -> None:
    p = tmp_path / f"{name}.yaml"
    p.write_bytes(content)
    assert main(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {p}:{line}:"), err
    assert expected in err and "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("0001-01-01T00:00:00+03:00", "out of range"),
        ("9999-12-31T23:59:00-05:00", "out of range"),
        ("1749330000", "expected a date and time"),
    ],
)
def test_raid_night_dates_out_of_range_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str, expected: str
) -> None:
    p = tmp_path / "raid.yaml"
    p.write_text(raid_file("5", "2").replace("2025-06-07T20:00:00+03:00", start), encoding="utf-8")
    assert main(["raid", "show", str(p), "--scenario", "small"]) == 2
    err = capsys.readouterr().err
    assert f"{p}:3: nights[0].start: " in err and expected in err, err
