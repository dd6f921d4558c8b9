"""The shield's marginal effect of one replication, on hand-made outcome tables."""

from __future__ import annotations

import math

import pandas as pd

from skyshield.engine.api import SimulationResult
from skyshield.engine.sim import Outcome

EMPTY = pd.DataFrame()


def outcome(defence: str, fates: list[tuple[str, str]]) -> Outcome:
    """An outcome whose threats end as ``(fate, asset hit)``."""
    threats = pd.DataFrame(
        {
            "threat": range(len(fates)),
            "fate": [f for f, _ in fates],
            "fate_asset": [a for _, a in fates],
        }
    )
    return Outcome(defence, 1, threats, EMPTY, EMPTY, EMPTY)


def test_marginal_effect_by_hand() -> None:
    # baseline: Kyiv hit twice, Lviv once, one hit elsewhere, one lost to EW
    base = outcome(
        "baseline",
        [
            ("hit_asset", "kyiv"),
            ("hit_asset", "kyiv"),
            ("hit_asset", "lviv"),
            ("hit_elsewhere", ""),
            ("lost_ew", ""),
        ],
    )
    # shield: a fighter kills one of the Kyiv hits and the one elsewhere; Odesa is hit instead of
    # nothing (another route's luck)
    shield = outcome(
        "shield",
        [
            ("killed_fighter", ""),
            ("hit_asset", "kyiv"),
            ("hit_asset", "lviv"),
            ("killed_fighter", ""),
            ("hit_asset", "odesa"),
        ],
    )
    m = SimulationResult(1, {"baseline": base, "shield": shield}).marginal_effect()
    assert m["hits_on_assets_avoided"] == 0  # 3 hits without, 3 with
    assert m["by_asset"] == {"kyiv": 1, "lviv": 0, "odesa": -1}
    assert m["leakers_avoided"] == 1  # 4 leakers without (3 hits + 1 elsewhere), 3 with
    assert math.isnan(m["shield_cost_usd"]) and math.isnan(m["cost_per_hit_avoided_usd"])
