"""What the shield changes in one replication (``marginal.*``): hand-computed cases and the
identity that reconciles fighter kills with hits avoided."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skyshield.analysis.metrics import marginal_metrics


def _replication(base: dict[str, int], shield: dict[str, int], cost: float) -> dict[str, float]:
    """Flat metrics of a replication from its fates (leakers are the three fates that leak)."""
    out: dict[str, float] = {}
    for name, fates in (("baseline", base), ("shield", shield)):
        for k, v in fates.items():
            out[f"{name}.{k}"] = float(v)
        out[f"{name}.hits_on_assets"] = float(fates["hit_asset"])
        out[f"{name}.leakers"] = float(
            fates["hit_asset"] + fates["hit_elsewhere"] + fates["outside_protected_area"]
        )
    out["shield.shield_cost_usd"] = cost
    return out


def test_marginal_metrics_by_hand() -> None:
    # 100 threats.  Without the shield: 50 ground kills, 30 lost to EW, 12 hit assets, 5 hit
    # elsewhere, 3 outside.  With it: fighters kill 20; the ground layer then kills 42 (8
    # fewer) and EW downs 26 (4 fewer), so 12 of the 20 would have been stopped anyway; 8
    # leakers avoided: 6 fewer hits on assets, 2 fewer elsewhere.
    base = {
        "killed_fighter": 0,
        "killed_ground": 50,
        "lost_ew": 30,
        "hit_asset": 12,
        "hit_elsewhere": 5,
        "outside_protected_area": 3,
    }
    shield = {
        "killed_fighter": 20,
        "killed_ground": 42,
        "lost_ew": 26,
        "hit_asset": 6,
        "hit_elsewhere": 3,
        "outside_protected_area": 3,
    }
    m = marginal_metrics(_replication(base, shield, 3.0e6))
    assert m == {
        "marginal.hits_on_assets_avoided": 6.0,
        "marginal.leakers_avoided": 8.0,
        "marginal.other_leakers_avoided": 2.0,
        "marginal.killed_ground_fewer": 8.0,
        "marginal.lost_ew_fewer": 4.0,
        "marginal.stopped_anyway": 12.0,
        "marginal.cost_per_hit_avoided_usd": 500_000.0,
    }


def test_no_hit_avoided_has_no_cost_per_hit() -> None:
    fates = {
        "killed_fighter": 0,
        "killed_ground": 1,
        "lost_ew": 0,
        "hit_asset": 1,
        "hit_elsewhere": 0,
        "outside_protected_area": 0,
    }
    m = marginal_metrics(_replication(fates, fates, 1.0e6))
    assert m["marginal.hits_on_assets_avoided"] == 0.0
    assert math.isnan(m["marginal.cost_per_hit_avoided_usd"])


FATE = st.integers(min_value=0, max_value=500)


@given(b=st.lists(FATE, min_size=5, max_size=5), s=st.lists(FATE, min_size=6, max_size=6))
def test_fighter_kills_are_stopped_anyway_plus_leakers_avoided(b: list[int], s: list[int]) -> None:
    """Every threat ends one way and the same threats fly in both runs, so the fighters' kills
    split exactly into the kills the ground layer loses and the leakers avoided."""
    names = ("killed_ground", "lost_ew", "hit_asset", "hit_elsewhere", "outside_protected_area")
    base = dict(zip(names, b, strict=True), killed_fighter=0)
    total = sum(b)
    # the shield run: the same total, its six fates scaled from the draw
    weights = [w + 1 for w in s]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    shield = dict(zip(("killed_fighter", *names), shares, strict=True))
    m = marginal_metrics(_replication(base, shield, 1.0))
    assert shield["killed_fighter"] == pytest.approx(
        m["marginal.stopped_anyway"] + m["marginal.leakers_avoided"]
    )
    assert m["marginal.leakers_avoided"] == pytest.approx(
        m["marginal.hits_on_assets_avoided"] + m["marginal.other_leakers_avoided"]
    )
