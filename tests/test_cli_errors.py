"""Bad scenario input: one clear message per problem (file, field, line, expectation), exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skyshield.cli.main import main

VALID = """\
name: mine
extends: small
coalition:
  members:
    - nation: Poland
      iso_a3: POL
      pledges:
        - {type: F-16, count: 8, base: EPRZ}
cap:
  stations:
    - {id: lviv, position: [24.3, 49.8], aircraft: 2}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "scenario.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_file_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["scenario", "validate", str(write(tmp_path, VALID))], capsys)
    assert code == 0, err
    assert "OK" in out and "1 CAP station(s)" in out


CASES = {
    # name: (text replacement in VALID, expected fragments of the message, expected line)
    "wrong type": (
        ("count: 8", "count: many"),
        ["coalition.members[0].pledges[0].count", "integer"],
        8,
    ),
    "missing field": (
        ("{type: F-16, count: 8, base: EPRZ}", "{type: F-16, count: 8}"),
        ["coalition.members[0].pledges[0].base", "required field is missing"],
        8,
    ),
    "unknown aircraft type": (
        ("type: F-16", "type: F-22"),
        ["coalition.members[0].pledges[0].type", "unknown aircraft type 'F-22'", "F-35A"],
        8,
    ),
    "unknown base": (
        ("base: EPRZ", "base: EPWA"),
        ["coalition.members[0].pledges[0].base", "unknown base 'EPWA'", "EPRZ"],
        8,
    ),
    "station outside patrol zone": (
        ("position: [24.3, 49.8]", "position: [36.23, 49.99]"),
        ["cap.stations[0].position", "outside the patrol zone", "200 km"],
        11,
    ),
    "coordinates outside theatre": (
        ("position: [24.3, 49.8]", "position: [49.8, 24.3]"),
        ["cap.stations[0].position", "outside the theatre", "longitude first"],
        11,
    ),
    "unknown field": (
        ("aircraft: 2}", "aircraft: 2, altitude: 9000}"),
        ["cap.stations[0].altitude", "unknown field"],
        11,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_scenario_exits_2_with_clear_message(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (old, new), fragments, line = CASES[case]
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new))
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert "Traceback" not in err
    assert f"{path}:{line}:" in err, err
    for frag in fragments:
        assert frag in err, err


def test_unknown_builtin_asset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, VALID + "assets:\n  builtin: [kyiv, atlantis]\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert f"{path}:13: assets.builtin[1]: unknown built-in asset 'atlantis'" in err, err


def test_several_problems_are_all_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("type: F-16", "type: F-22").replace("base: EPRZ", "base: EPWA")
    code, _, err = run(["scenario", "validate", str(write(tmp_path, text))], capsys)
    assert code == 2
    assert err.count("error:") == 2


def test_yaml_syntax_error_names_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, VALID.replace("aircraft: 2}", "aircraft: 2"))
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert "not valid YAML" in err and str(path) in err


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["forces", "no/such/file.yaml"], capsys)
    assert code == 2
    assert "no such scenario file or built-in scenario; built-in: reference, small" in err


def test_not_a_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scenario", "validate", str(write(tmp_path, "- a\n- b\n"))], capsys)
    assert code == 2 and "expected a mapping" in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["forces"])
    assert exc.value.code == 2


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    exe = shutil.which("skyshield") or str(Path(sys.executable).parent / "skyshield")
    path = write(tmp_path, VALID.replace("count: 8", "count: -3"))
    proc = subprocess.run([exe, "scenario", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "count" in proc.stderr and "greater than or equal to 1" in proc.stderr
