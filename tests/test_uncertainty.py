"""Parameter uncertainty: the uncertain inputs drawn per replication on their own stream,
within their sensitivity ranges, changing only what a replication reads at run time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from skyshield.analysis.uncertainty import load_uncertainty
from skyshield.cli.main import main
from skyshield.engine.api import build_world
from skyshield.engine.sim import run_replication
from skyshield.scenario import LoadedScenario


def test_every_uncertain_input_resolves_to_run_time_numbers(reference: LoadedScenario) -> None:
    u = load_uncertainty(reference)
    assert {"pk-drones", "ew-loss", "aim-share", "weapon-cost"} <= set(u.factor_ids)
    assert not {"aircraft", "mission-capable", "weapon-policy"} & set(u.factor_ids)
    assert all(paths for _, _, paths in u.inputs)


def test_draws_are_reproducible_and_within_the_ranges(reference: LoadedScenario) -> None:
    u = load_uncertainty(reference)
    a, b, c = u.draw(11), u.draw(11), u.draw(12)
    assert a == b and a != c
    for _, _, paths in u.inputs:
        for p in paths:
            lo, hi = (
                (p.base * p.change.low, p.base * p.change.high)
                if p.change.how == "scale"
                else (p.change.low, p.change.high)
            )
            lo, hi = min(lo, hi), max(lo, hi)
            if p.change.max is not None:
                lo, hi = min(lo, p.change.max), min(hi, p.change.max)
            assert lo - 1e-9 <= a[p.where] <= hi + 1e-9, p.where


def test_a_drawn_world_shares_geometry_and_leaves_the_base_alone(
    reference: LoadedScenario,
) -> None:
    world = build_world(reference, "reference")
    u = load_uncertainty(reference)
    w = u.world_of(world, 5)
    values = u.draw(5)
    pk = values[("catalog", "weapons", "gun-20mm", "pk", "drone")]
    assert w.catalog.weapons["gun-20mm"].pk["drone"] == pytest.approx(pk)
    assert (
        world.catalog.weapons["gun-20mm"].pk["drone"]
        == reference.catalog.weapons["gun-20mm"].pk["drone"]
    )
    assert w.ctx.asset_share == values[("targets", "asset_share")] != world.ctx.asset_share
    assert w.engage_zone is world.engage_zone and w.plan is world.plan
    assert w.params.c2_cycle_s == pytest.approx(values[("engine", "c2_cycle_s")])
    # the drawn world runs, and its costs use the drawn prices
    out = run_replication(w, 5)
    assert set(out) == {"baseline", "shield"}


@pytest.mark.slow
def test_mc_with_uncertainty_gives_the_total_interval_beside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    args = [
        "mc",
        "small",
        "--raid",
        "2025-06-08",
        "--runs",
        "10",
        "--uncertainty",
        "--store",
        str(store),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "total_low" in out and "total_high" in out and "uncertain inputs" in out
    from skyshield.runs import Store

    runs = Store(store).runs()
    assert sorted(runs["kind"]) == ["mc", "mc+uncertainty"]
    uncertain = str(runs.loc[runs["kind"] == "mc+uncertainty", "run_id"].iloc[0])
    capsys.readouterr()
    assert main(["runs", "rerun", uncertain, "--store", str(store)]) == 0
    assert "the same numbers" in capsys.readouterr().out
    reps = Store(store).run_metrics(uncertain)
    dice = Store(store).run_metrics(str(runs.loc[runs["kind"] == "mc", "run_id"].iloc[0]))
    assert reps["seed"].tolist() == dice["seed"].tolist()  # paired: the same dice
    assert not np.allclose(reps["shield.shield_cost_usd"], dice["shield.shield_cost_usd"])
