"""Defect 2: nonsense numbers were accepted: a scenario's catalog_overrides took kill
probabilities of .nan, -0.5, 1.5, 7, .inf, the text "0.5" and true, and `validate` said OK.
Every number a user gives in a scenario or raid file is now a finite number of the right kind
(never text or true/false) within bounds that the JSON schema and the message state, checked
the same by `scenario validate` and at run time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scenario_probes import VALID, raid_file

from skyshield.cli.main import main
from skyshield.errors import InputError
from skyshield.raids.load import parse_raid_text
from skyshield.scenario import Scenario, load_scenario

NONSENSE_PK = [
    (".nan", "finite number"),
    ("-0.5", "greater than or equal to 0"),
    ("1.5", "less than or equal to 1"),
    ("7", "less than or equal to 1"),
    (".inf", "finite number"),
    ('"0.5"', "write numbers without quotes"),
    ("true", "true and false are not numbers"),
]


@pytest.mark.parametrize(("value", "expected"), NONSENSE_PK, ids=[v for v, _ in NONSENSE_PK])
def test_nonsense_kill_probability_is_refused_by_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    p = tmp_path / "pk.yaml"
    p.write_text(
        VALID + f"catalog_overrides:\n  weapons:\n    AIM-9X: {{pk: {{drone: {value}}}}}\n",
        encoding="utf-8",
    )
    assert main(["scenario", "validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"{p}:5: catalog_overrides.weapons.AIM-9X.pk.drone: " in err, err
    assert expected in err and "internal error" not in err


@pytest.mark.parametrize(("value", "expected"), NONSENSE_PK, ids=[v for v, _ in NONSENSE_PK])
def test_nonsense_kill_probability_is_refused_at_run_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    p = tmp_path / "pk.yaml"
    p.write_text(
        VALID + f"catalog_overrides:\n  weapons:\n    AIM-9X: {{pk: {{drone: {value}}}}}\n",
        encoding="utf-8",
    )
    assert main(["forces", str(p)]) == 2  # the cheapest command that uses the scenario
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    ("body", "line", "field", "expected"),
    [
        (
            "catalog_overrides:\n  threats:\n    shahed-136: {speed_kmh: .inf}\n",
            5,
            "catalog_overrides.threats.shahed-136.speed_kmh",
            "finite number",
        ),
        (
            "catalog_overrides:\n  fighters:\n    F-16: {max_sorties_per_day: 2.5}\n",
            5,
            "catalog_overrides.fighters.F-16.max_sorties_per_day",
            "whole number",
        ),
        (
            "catalog_overrides:\n  threats:\n    shahed-136: {speed_kmh: 500}\n",
            5,
            "catalog_overrides.threats.shahed-136",
            "speed_min_kmh <= speed_kmh <= speed_max_kmh",
        ),
        (
            "catalog_overrides:\n  refuelling: {added_endurance_h: .nan}\n",
            4,
            "catalog_overrides.refuelling.added_endurance_h",
            "finite number",
        ),
        (
            "cap:\n  min_time_on_station_h: '0.5'\n",
            4,
            "cap.min_time_on_station_h",
            "write numbers without quotes",
        ),
        ("cap:\n  use_tankers: 1\n", 4, "cap.use_tankers", "valid boolean"),
        (
            "cap:\n  stations:\n    - {id: a, position: [24.3, 49.8], aircraft: true}\n",
            5,
            "cap.stations[0].aircraft",
            "true and false are not numbers",
        ),
        (
            "cap:\n  stations:\n    - {id: a, position: ['24.3', 49.8]}\n",
            5,
            "cap.stations[0].position[0]",
            "write numbers without quotes",
        ),
        (
            "coalition:\n  members:\n    - {nation: P, iso_a3: POL,"
            " pledges: [{type: F-16, count: 2.5, base: EPRZ}]}\n",
            5,
            "coalition.members[0].pledges[0].count",
            "whole number",
        ),
    ],
)
def test_every_kind_of_number_is_range_checked(
    tmp_path: Path, body: str, line: int, field: str, expected: str
) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(VALID + body, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.field) == (str(p), line, field)
    assert expected in problem.message


@pytest.mark.parametrize(
    ("count", "end", "field", "expected"),
    [
        ('"5"', "2", "count", "write numbers without quotes"),
        ("true", "2", "count", "true and false are not numbers"),
        ("5.5", "2", "count", "whole number"),
        ("5", ".nan", "launch_end_h", "finite number"),
        ("5", "1e300", "launch_end_h", "exponent"),
    ],
)
def test_raid_file_numbers_are_range_checked(
    count: str, end: str, field: str, expected: str
) -> None:
    with pytest.raises(InputError) as exc:
        parse_raid_text(raid_file(count, end), "r.yaml")
    [problem] = exc.value.problems
    assert problem.field == f"nights[0].groups[0].{field}" and problem.line == 5
    assert expected in problem.message


def _find(schema: dict[str, object], name: str) -> dict[str, object]:
    defs = schema["$defs"]
    assert isinstance(defs, dict)
    found = defs[name]
    assert isinstance(found, dict)
    return found


def test_the_json_schema_states_the_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == json.loads(json.dumps(Scenario.model_json_schema()))
    pk = _find(schema, "WeaponPatch")["properties"]["pk"]  # type: ignore[index]
    assert {"maximum": 1, "minimum": 0, "type": "number"} in [
        branch.get("additionalProperties") for branch in pk["anyOf"]
    ]
    station = _find(schema, "CapStation")["properties"]["aircraft"]  # type: ignore[index]
    assert station["minimum"] == 1 and station["maximum"] == 100 and station["type"] == "integer"
    rate = _find(schema, "FighterPatch")["properties"]["mission_capable_rate"]  # type: ignore[index]
    assert {"exclusiveMinimum": 0, "maximum": 1, "type": "number"} in rate["anyOf"]
