"""Bad scenario input: one clear message per problem (file, field, line, expectation), exit 2."""

from __future__ import annotations

import json
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
    "pledge count above 1000": (
        ("count: 8", "count: 5000"),
        ["coalition.members[0].pledges[0].count", "less than or equal to 1000", "(got 5000)"],
        8,
    ),
    "aircraft on station above 100": (
        ("aircraft: 2}", "aircraft: 500}"),
        ["cap.stations[0].aircraft", "less than or equal to 100"],
        11,
    ),
    "duplicate key in a flow mapping": (
        ("aircraft: 2}", "aircraft: 2, aircraft: 4}"),
        ["cap.stations[0].aircraft", "key 'aircraft' is given twice", "first at line 11"],
        11,
    ),
    "station outside Ukraine": (
        ("position: [24.3, 49.8]", "position: [21.0, 50.0]"),
        ["cap.stations[0].position", "CAP station 'lviv' at [21, 50] is not in Ukraine"],
        11,
    ),
    "duplicate station id": (
        ("aircraft: 2}\n", "aircraft: 2}\n    - {id: lviv, position: [24.4, 49.9]}\n"),
        ["cap.stations[1].id", "station id 'lviv' is used twice"],
        12,
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
    # the unclosed flow mapping of line 11 is noticed where the file ends, line 12
    assert f"{path}:12: not valid YAML: expected ',' or '}}'" in err, err


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


@pytest.mark.slow
def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    exe = shutil.which("skyshield") or str(Path(sys.executable).parent / "skyshield")
    path = write(tmp_path, VALID.replace("count: 8", "count: -3"))
    proc = subprocess.run([exe, "scenario", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "count" in proc.stderr and "greater than or equal to 1" in proc.stderr


def assert_reported(err: str, path: Path, line: int, field: str, *fragments: str) -> None:
    """``err`` has exactly one problem, at ``path:line`` and ``field``, with every fragment."""
    assert "Traceback" not in err
    assert err.count("error:") == 1, err
    assert f"error: {path}:{line}: {field}: " in err, err
    for frag in fragments:
        assert frag in err, err


TANKER = "tanker_tracks:\n  - {id: t, type: A330-MRTT, start: [24.0, 50.0], end: [25.0, 50.0]"
AEW = "aew_orbits:\n  - {id: a, type: E-3, position: [22.9, 50.6]"
EXTRA = "assets:\n  extra:\n    - {id: x, name: X, kind: city, position: [24.0, 50.0]"
MOSCOW = "{icao: UUWW, name: Vnukovo, country: RUS, position: [37.26, 55.6]}"
RZESZOW = "{icao: EPXX, name: Jasionka, country: POL, position: [22.0, 50.1]}"

APPENDED = {
    # name: (text appended to VALID (its line 12 on), line, field, expected fragments)
    "impossible date": (
        "start: 2025-13-45T00:00:00Z\n",
        12,
        "start",
        ["cannot read '2025-13-45T00:00:00Z' (month must be in 1..12)", "2025-06-07T21:00:00Z"],
    ),
    "infinite standoff": (
        "theatre:\n  patrol_standoff_km: .inf\n",
        13,
        "theatre.patrol_standoff_km",
        ["Input should be a finite number"],
    ),
    "not-a-number value": (
        EXTRA + ", value: .nan, radius_km: 5}\n",
        14,
        "assets.extra[0].value",
        ["Input should be a finite number"],
    ),
    "standoff above 1000 km": (
        "theatre:\n  patrol_standoff_km: 5000\n",
        13,
        "theatre.patrol_standoff_km",
        ["less than or equal to 1000"],
    ),
    "asset value above 1000": (
        EXTRA + ", value: 5000, radius_km: 5}\n",
        14,
        "assets.extra[0].value",
        ["less than or equal to 1000"],
    ),
    "radius above 500 km": (
        AEW + ", radius_km: 600}\n",
        13,
        "aew_orbits[0].radius_km",
        ["less than or equal to 500"],
    ),
    "hours above 24": (
        TANKER + ", hours_covered: 25}\n",
        13,
        "tanker_tracks[0].hours_covered",
        ["less than or equal to 24"],
    ),
    "transit longer than the tanker's endurance": (
        TANKER + ", transit_h: 5}\n",
        13,
        "tanker_tracks[0].transit_h",
        ["transit there and back (10 h) leaves no time", "A330-MRTT endurance of 10 h"],
    ),
    "two cap blocks": (
        "cap:\n  use_tankers: false\n",
        12,
        "cap",
        ["key 'cap' is given twice in this mapping (first at line 9)"],
    ),
    "unknown hostile area": (
        "theatre:\n  hostile: [RUS, XXX, occupied]\n",
        13,
        "theatre.hostile[1]",
        ["unknown hostile area 'XXX'; expected one of:", "BLR", "occupied"],
    ),
    "lower-case hostile code": (
        "theatre:\n  hostile: [rus, occupied]\n",
        13,
        "theatre.hostile[0]",
        ["unknown hostile area 'rus'", "did you mean 'RUS'?"],
    ),
    "base in hostile territory": (
        f"bases:\n  extra:\n    - {MOSCOW}\n",
        14,
        "bases.extra[0].position",
        ["base UUWW at [37.26, 55.6] lies in hostile territory (RUS, occupied)"],
    ),
    "base listed twice": (
        f"bases:\n  extra:\n    - {RZESZOW}\n    - {RZESZOW}\n",
        15,
        "bases.extra[1].icao",
        ["base EPXX is listed twice"],
    ),
    "AEW orbit id used twice": (
        AEW + "}\n  - {id: a, type: E-3, position: [23.0, 50.0]}\n",
        14,
        "aew_orbits[1].id",
        ["AEW orbit id 'a' is used twice"],
    ),
    "tanker track id used twice": (
        TANKER + "}\n  - {id: t, type: A330-MRTT, start: [24.0, 49.0], end: [25.0, 49.0]}\n",
        14,
        "tanker_tracks[1].id",
        ["tanker track id 't' is used twice"],
    ),
    "AEW orbit from an unknown base": (
        AEW + ", base: EPXX}\n",
        13,
        "aew_orbits[0].base",
        ["unknown base 'EPXX'; expected one of:", "EPRZ"],
    ),
    "tanker track crossing Crimea": (
        # both ends over the Black Sea, outside any hostile area: only the segment crosses
        "tanker_tracks:\n  - {id: t, type: A330-MRTT, start: [31.0, 46.0], end: [35.0, 44.0]}\n",
        13,
        "tanker_tracks[0]",
        ["tanker track 't' from [31, 46] to [35, 44] crosses hostile territory"],
    ),
    "AEW orbit circle reaching hostile territory": (
        # the centre is about 100 km from occupied territory; the 150 km circle reaches it
        "aew_orbits:\n  - {id: a, type: E-3, position: [33.0, 48.0], radius_km: 150}\n",
        13,
        "aew_orbits[0].position",
        ["AEW orbit 'a' (radius 150 km around [33, 48]) reaches into hostile territory"],
    ),
    "union branch tags are not field names": (
        "assets:\n  builtin: [kyiv, 1]\n",
        13,
        "assets.builtin[1]",
        ["Input should be a valid string (got 1)"],
    ),
    "a value of none of a union's types": (
        "assets:\n  builtin: 5\n",
        13,
        "assets.builtin",
        ["Input should be 'all' or 'none' or a valid list (got 5)"],
    ),
    "a raid that is not a name, date or path": (
        "raid: 5\n",
        12,
        "raid",
        ["Input should be a valid string (got 5)"],
    ),
    "a date without a time": (
        "start: 2025-06-07\n",
        12,
        "start",
        ["start needs a time zone"],
    ),
}


@pytest.mark.parametrize("case", sorted(APPENDED))
def test_invalid_addition_exits_2_with_one_clear_message(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, field, fragments = APPENDED[case]
    path = write(tmp_path, VALID + text)
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert_reported(err, path, line, field, *fragments)
    # no pydantic branch tags, no Python reprs
    for leak in ("list[str]", "dict[str", "raid.str", "datetime", "function-"):
        assert leak not in err, err


POLYGON = [[[35.0, 47.0], [38.0, 47.0], [38.0, 49.0], [35.0, 49.0], [35.0, 47.0]]]


def collection(*geometries: object) -> str:
    features = [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries]
    return json.dumps({"type": "FeatureCollection", "features": features})


OCCUPIED_FILES = {
    # name: (content of occ.geojson, where in it (":LINE" or ": FIELD"), expected fragments)
    "empty collection": (
        collection(),
        ": features",
        ["expected at least one Polygon or MultiPolygon feature, got none"],
    ),
    "a point": (
        collection(
            {"type": "Polygon", "coordinates": POLYGON}, {"type": "Point", "coordinates": [30, 50]}
        ),
        ": features[1].geometry.type",
        ["expected Polygon or MultiPolygon (an area), got 'Point'"],
    ),
    "outside the theatre": (
        collection(
            {"type": "Polygon", "coordinates": [[[100, 10], [101, 10], [101, 11], [100, 10]]]}
        ),
        ": features[0].geometry.coordinates[0][0]",
        ["[100, 10] is outside the theatre: expected lon 12..50 and lat 40..60"],
    ),
    "numbers for rings": (
        collection({"type": "Polygon", "coordinates": [1, 2]}),
        ": features[0].geometry.coordinates[0]",
        ["expected a linear ring: a list of at least 4 [lon, lat] positions"],
    ),
    "not JSON": ("{not json", ":1", ["not valid JSON"]),
}


@pytest.mark.parametrize("case", sorted(OCCUPIED_FILES))
def test_bad_occupied_file_is_reported_once_with_the_scenario_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, where, fragments = OCCUPIED_FILES[case]
    (tmp_path / "occ.geojson").write_text(content, encoding="utf-8")
    # the scenario has CAP stations, whose check would need the occupied area
    path = write(tmp_path, VALID + "theatre:\n  occupied_file: occ.geojson\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    geo = tmp_path / "occ.geojson"
    assert_reported(err, path, 13, "theatre.occupied_file", f"{geo}{where}: ", *fragments)
    assert "iterable" not in err and "shapely" not in err


def test_occupied_file_that_is_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, VALID + "theatre:\n  occupied_file: .\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert_reported(err, path, 13, "theatre.occupied_file", "is a directory, not a GeoJSON file")


def test_occupied_file_resolves_against_the_file_that_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "occ.geojson").write_text(collection({"type": "Point", "coordinates": [30, 50]}))
    (tmp_path / "occ.geojson").write_text(collection({"type": "Polygon", "coordinates": POLYGON}))
    parent = sub / "parent.yaml"
    parent.write_text("name: parent\nextends: small\ntheatre:\n  occupied_file: occ.geojson\n")
    child = write(tmp_path, "name: child\nextends: sub/parent.yaml\n")
    code, _, err = run(["scenario", "validate", str(child)], capsys)
    assert code == 2
    # the parent wrote the value, so its directory's occ.geojson (the bad one) is read
    assert_reported(
        err, parent, 4, "theatre.occupied_file", f"{sub / 'occ.geojson'}: features[0]", "'Point'"
    )


def test_unknown_hostile_area_does_not_hide_other_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kharkiv would be outside the patrol zone, but the zones cannot be drawn: not reported
    text = VALID.replace("type: F-16", "type: F-22").replace("[24.3, 49.8]", "[36.23, 49.99]")
    path = write(tmp_path, text + "theatre:\n  hostile: [RUS, XXX, occupied]\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert err.count("error:") == 2, err
    assert f"{path}:8: coalition.members[0].pledges[0].type: unknown aircraft type 'F-22'" in err
    assert f"{path}:13: theatre.hostile[1]: unknown hostile area 'XXX'" in err
    assert "<scenario>" not in err and "patrol zone" not in err


def test_unknown_type_and_unknown_base_are_both_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("type: F-16", "type: F-22").replace("base: EPRZ", "base: EPWA")
    path = write(tmp_path, text)
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    at = f"{path}:8: coalition.members[0].pledges[0]"
    assert f"{at}.type: unknown aircraft type 'F-22'" in err, err
    assert f"{at}.base: unknown base 'EPWA'" in err, err


def test_type_errors_are_reported_before_cross_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the phases: a wrong type (first phase) stops the unknown aircraft type (second phase)
    text = VALID.replace("count: 8", "count: many").replace("type: F-16", "type: F-22")
    path = write(tmp_path, text)
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert_reported(err, path, 8, "coalition.members[0].pledges[0].count", "valid integer")
    assert "F-22" not in err


def test_problems_are_sorted_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = VALID.replace("type: F-16", "type: F-22").replace("[24.3, 49.8]", "[36.23, 49.99]")
    path = write(tmp_path, text + "assets:\n  builtin: [atlantis]\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    lines = [int(row.split(":")[2]) for row in err.splitlines() if row.startswith("error:")]
    assert lines == [8, 11, 13], err


def test_non_utf8_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(b"name: mine\n# caf\xe9\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert f"error: {path}:2: not a UTF-8 text file (byte 0xe9 cannot be read)" in err, err


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "# nothing but a comment\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert f"error: {path}:1: the file is empty: expected a mapping of scenario fields" in err


def test_directory_as_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scenario", "validate", str(tmp_path)], capsys)
    assert code == 2
    assert f"error: {tmp_path}: is a directory: expected a YAML scenario file" in err, err


def test_missing_extends_target_names_the_referencing_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "name: mine\nextends: nothere.yaml\n")
    code, _, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 2
    assert_reported(
        err,
        path,
        2,
        "extends",
        f"nothere.yaml (looked for {tmp_path / 'nothere.yaml'})",
        "no such scenario file or built-in scenario",
    )


WARNINGS = {
    # name: (text appended to VALID, expected warning)
    "base moved": (
        "bases:\n  extra:\n    - {icao: EPRZ, name: Elsewhere, country: POL, position: [21.0, 52.2]}\n",
        ":14: bases.extra[0].position: EPRZ overrides the built-in base",
    ),
    "tankers but no track": (
        "  use_tankers: true\n",
        ":12: cap.use_tankers: use_tankers is true but there is no tanker track for F-16 (boom)",
    ),
    "tanker track near hostile territory": (
        "tanker_tracks:\n  - {id: t, type: A330-MRTT, start: [30.0, 48.5], end: [32.5, 48.5]}\n",
        ":13: tanker_tracks[0]: tanker track 't' from [30, 48.5] to [32.5, 48.5] comes within 166 km",
    ),
    "AEW orbit near hostile territory": (
        "aew_orbits:\n  - {id: a, type: E-3, position: [31.5, 48.5], radius_km: 100}\n",
        ":13: aew_orbits[0].position: AEW orbit 'a' (radius 100 km around [31.5, 48.5])"
        " comes within 112 km of hostile territory, inside the patrol standoff of 200 km",
    ),
}


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_warnings_do_not_fail_validation(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = WARNINGS[case]
    path = write(tmp_path, VALID + text)
    code, out, err = run(["scenario", "validate", str(path)], capsys)
    assert code == 0, err
    assert f"warning: {path}{expected}" in out, out
