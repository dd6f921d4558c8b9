"""A scenario's ``engine:`` and ``ground_defences:`` sections: one schema, validated at load.

Whatever the engine would reject, loading (and so ``skyshield scenario validate``) rejects first,
with the file, the line and the field; the JSON schema of scenario files describes both sections
with the engine's own bounds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from skyshield.cli.main import main
from skyshield.engine.api import build_world
from skyshield.errors import InputError
from skyshield.scenario import Scenario, load_scenario
from skyshield.scenario.params import ENGINE_OVERRIDE_NOTE, load_engine_params


def _write(tmp_path: Path, **sections: Any) -> Path:
    path = tmp_path / "s.yaml"
    doc = {"name": "s", "extends": "small", **sections}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("engine", "field", "words"),
    [
        ({"c2_cycle_s": -1}, "engine.c2_cycle_s", "greater than 0"),
        ({"c2_cycle_s": "20"}, "engine.c2_cycle_s", "valid number"),
        ({"c2_cycle_s": True}, "engine.c2_cycle_s", "valid number"),
        ({"min_pk": 1.5}, "engine.min_pk", "less than or equal to 1"),
        ({"max_shots_per_engagement": 2.5}, "engine.max_shots_per_engagement", "integer"),
        (
            {"weapon_policy": {"drones": ["gun"]}},
            "engine.weapon_policy",
            "unknown threat categories",
        ),
        (
            {"weapon_policy": {"drone": ["laser"]}},
            "engine.weapon_policy.drone[0]",
            "'gun', 'rocket' or 'missile'",
        ),
        ({"c2cycle_s": 20}, "engine.c2cycle_s", "unknown field"),
    ],
)
def test_bad_engine_overrides_fail_at_load_with_their_line(
    tmp_path: Path, engine: dict[str, Any], field: str, words: str
) -> None:
    path = _write(tmp_path, engine=engine)
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    problems = exc.value.problems
    assert any(p.field == field and words in p.message for p in problems), problems
    assert all(p.file == str(path) and p.line is not None and p.line >= 4 for p in problems)


def test_validate_rejects_what_the_engine_would_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, engine={"c2_cycle_s": 0}, ground_defences={"ew_loss": {"drone": 2}})
    assert main(["scenario", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4: engine.c2_cycle_s:" in err
    assert "ground_defences.ew_loss.drone" in err and "Traceback" not in err


def test_overrides_reach_the_world_with_a_note(tmp_path: Path) -> None:
    path = _write(tmp_path, engine={"c2_cycle_s": 30}, ground_defences={"ew_loss": {"drone": 0.2}})
    world = build_world(load_scenario(path), "reference")
    assert world.params.c2_cycle_s == 30
    assert world.params.sources["c2_cycle_s"] == ENGINE_OVERRIDE_NOTE
    assert world.ground.ew_loss["drone"] == 0.2
    assert world.params.look_s == load_engine_params().look_s  # the rest as shipped


def test_unset_sections_write_back_empty() -> None:
    data = load_scenario("small").scenario.to_data()
    assert data["engine"] == {} and data["ground_defences"] == {}
    assert "extends" not in data


def test_schema_describes_both_sections_with_the_engine_bounds() -> None:
    schema = Scenario.model_json_schema()
    defs = schema["$defs"]
    engine = defs["EngineOverrides"]["properties"]
    c2 = next(b for b in engine["c2_cycle_s"]["anyOf"] if b.get("type") == "number")
    assert c2["exclusiveMinimum"] == 0 and c2["maximum"] == 600
    ground = defs["GroundOverrides"]["properties"]
    assert {"ew_loss", "area_per_100km", "terminal_kinds", "terminal_sites"} <= set(ground)
    assert "TerminalOverrides" in defs
