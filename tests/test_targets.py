"""Where a raid's weapons aim when the raid names no targets: the scenario's target model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from skyshield.engine.api import build_world
from skyshield.engine.sim import flown_threats
from skyshield.errors import InputError
from skyshield.scenario import load_scenario


def scenario(tmp_path: Path, targets: dict[str, object]) -> Path:
    p = tmp_path / "t.yaml"
    doc = {
        "name": "t",
        "extends": "small",
        "assets": {
            "builtin": "none",
            "extra": [
                {
                    "id": "big",
                    "name": "Big",
                    "kind": "city",
                    "position": [30.5, 50.45],
                    "value": 100,
                    "radius_km": 10,
                },
                {
                    "id": "small",
                    "name": "Small",
                    "kind": "city",
                    "position": [24.0, 49.84],
                    "value": 1,
                    "radius_km": 10,
                },
            ],
        },
        "targets": targets,
    }
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("share", "low", "high"), [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.6, 0.55, 0.65)]
)
def test_asset_share_is_the_share_aimed_at_assets(
    tmp_path: Path, share: float, low: float, high: float
) -> None:
    world = build_world(load_scenario(scenario(tmp_path, {"asset_share": share})), "reference")
    aimed = np.mean(flown_threats(world, 3).aim_kind == "asset")
    assert low <= aimed <= high


def test_weighting_by_value_or_equally(tmp_path: Path) -> None:
    shares = {}
    for weighting in ("value", "equal"):
        ls = load_scenario(scenario(tmp_path, {"asset_share": 1.0, "weighting": weighting}))
        th = flown_threats(build_world(ls, "reference"), 3)
        shares[weighting] = np.mean(th.aim_id[th.aim_kind == "asset"] == "big")
    assert shares["value"] > 0.97  # 100 : 1
    assert 0.4 < shares["equal"] < 0.6


def test_the_target_model_is_checked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"targets\.asset_share"):
        load_scenario(scenario(tmp_path, {"asset_share": 1.5}))
    with pytest.raises(InputError, match=r"targets\.note"):
        load_scenario(scenario(tmp_path, {"note": "a guess"}))
    default = load_scenario("reference").scenario.targets
    assert default.asset_share == 0.6 and default.note.startswith("assumption:")
