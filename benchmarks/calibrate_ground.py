"""Calibrate Ukraine's own defences (engine/ground.py) on the record: the shipped values.

Run: ``.venv/bin/python benchmarks/calibrate_ground.py [--end 2025-06] [--train-months 2]
[--min-weapons 150] [--seed 2025] [--ref-seeds 20]``.

Fits the ground layer exactly as the backtest does for the month after ``--end``
(``skyshield.studies.backtests``: the last ``--train-months`` months up to ``--end`` for each
group, further back until the group has ``--min-weapons`` weapons at risk; the record's nights
flown twice each against the reference scenario; ``engine.ground_fit.fit_ground``), then prints

1. the fitted values, ready to copy into ``data/catalog/ground.yaml``;
2. the fit on its own months (in sample): per group and month the record's got-through share
   and the model's expected share (the closed form of ``engine.ground_fit``, averaged over the
   night's variation), and the record's and model's not-reached share of drones;
3. the built-in reference raid with the shipped parameters and with the fitted ones (engine
   baseline runs, no fighters, seeds ``0 .. ref-seeds - 1``): per class the mean threats,
   killed by the ground layer, lost to EW, got through and hits on protected assets.

Nothing is written: the shipped values are edited by hand, with their notes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from skyshield.engine.api import build_world
from skyshield.engine.ground_fit import fit_ground, mean_fates
from skyshield.engine.sim import run_replication
from skyshield.record import GROUPS, read_record
from skyshield.scenario import load_scenario
from skyshield.scenario.params import GroundParams
from skyshield.studies.backtests import (
    fly_exposures,
    nights_with_launches,
    record_observations,
    training_months,
)

#: Fates of a threat that got through.
THROUGH = ("hit_asset", "hit_elsewhere", "outside_protected_area")


def reference_fates(params: GroundParams, seeds: int) -> pd.DataFrame:
    """Mean per class over the seeds of the reference raid's baseline runs: threats, killed by
    the ground layer, lost to EW, got through, hits on protected assets."""
    world = build_world("reference", "reference")
    world.ground = params
    parts = []
    for seed in range(seeds):
        th = run_replication(world, seed, ("baseline",))["baseline"].threats
        parts.append(
            pd.DataFrame(
                {
                    "class_id": th["class_id"],
                    "threats": 1,
                    "killed_ground": th["fate"] == "killed_ground",
                    "lost_ew": th["fate"] == "lost_ew",
                    "through": th["fate"].isin(THROUGH),
                    "hits_on_assets": th["fate"] == "hit_asset",
                }
            )
            .groupby("class_id")
            .sum()
            .assign(seed=seed)
        )
    table = pd.concat(parts).groupby(level=0).mean().drop(columns="seed")
    table.loc["all"] = table.sum()
    return table


def main() -> None:
    """Fit, print the values, the in-sample fit and the reference raid before and after."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--end", default="2025-06", help="last month of the fitting window (YYYY-MM)")
    ap.add_argument("--train-months", type=int, default=2)
    ap.add_argument("--min-weapons", type=float, default=600.0)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--ref-seeds", type=int, default=20, help="seeds of the reference raid")
    args = ap.parse_args()
    end = dt.datetime.strptime(args.end, "%Y-%m").replace(tzinfo=dt.UTC).date()
    after = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

    ls = load_scenario("reference")
    rows = read_record(None).rows
    obs = record_observations(rows)
    launched = nights_with_launches(rows)
    shipped = ls.ground_params
    t0 = time.perf_counter()
    values: dict[str, object] = {}
    fitted = shipped
    lines = []
    for g in GROUPS:
        window = training_months(after, g, obs, args.train_months, args.min_weapons)
        nights = sorted(d for d in launched if d.replace(day=1) in window)
        expo = fly_exposures(ls, rows, nights, shipped, args.seed)
        note = f"fitted on the record {window[0]:%Y-%m}..{window[-1]:%Y-%m}"
        fit = fit_ground(expo, obs[obs["night"].isin(nights)], fitted, ls.assets, (g,), note)
        fitted = fit.params
        values[g] = fit.groups[g]
        got = mean_fates(expo, fitted, ls.assets)
        model = got.groupby([got["night"].map(lambda d: d.replace(day=1)), "group"]).mean(
            numeric_only=True
        )
        rec = obs[(obs["group"] == g) & obs["night"].isin(nights)]
        by = rec.groupby("month")[["at_risk", "got_through", "not_reached"]].sum()
        for m, r in by.iterrows():
            mod = model.loc[(m, g)]
            lines.append(
                f"  {g:<9} {m:%Y-%m}  at risk {r['at_risk']:6.0f}  got through: record"
                f" {100 * r['got_through'] / r['at_risk']:5.1f} %  model {100 * mod['through']:5.1f} %"
                f"   not reached: record {100 * r['not_reached'] / r['at_risk']:5.1f} %"
                f"  model {100 * mod['ew']:5.1f} %"
            )
    print(f"fitted in {time.perf_counter() - t0:.0f} s (seed {args.seed})")
    for g, fit in values.items():
        print(f"{g}: {fit}")  # the GroupFit: values, nights, weapons, window, likelihood
    print("\nIn sample (the fitting months): got-through and not-reached shares")
    print("\n".join(lines))

    for name, params in (("shipped", shipped), ("fitted", fitted)):
        t1 = time.perf_counter()
        table = reference_fates(params, args.ref_seeds)
        print(
            f"\nreference raid, baseline (no fighters), {name} parameters, mean of seeds"
            f" 0..{args.ref_seeds - 1} ({time.perf_counter() - t1:.0f} s)"
        )
        print(table.round(1).to_string())
    np.set_printoptions(precision=3)


if __name__ == "__main__":
    main()
