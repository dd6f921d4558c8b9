"""Benchmark: CAP placement on the reference scenario and raid, 200 candidates x 5,000 paths.

Run: ``.venv/bin/python benchmarks/placement.py [--stations K] [--paths P] [--gap G]``.  Prints
the wall time (s) of each step: path sampling, coverage, station costs, the MILP (with its gap)
and the greedy choice, and both objectives (expected value engaged per night).  Goal: the MILP
under 30 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import machine

from skyshield.forces import plan_forces
from skyshield.placement import (
    coverage,
    greedy_placement,
    grid_candidates,
    merge_paths,
    reach_by_class,
    sample_paths,
    solve_placement,
    station_supply,
)
from skyshield.raids import load_raid, raid_context
from skyshield.scenario import load_scenario


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stations", type=int, default=8)
    ap.add_argument("--paths", type=int, default=5000)
    ap.add_argument("--candidates", type=int, default=200)
    ap.add_argument("--spacing-km", type=float, default=33.0)
    ap.add_argument("--engage-prob", type=float, default=0.5)
    ap.add_argument("--gap", type=float, default=1e-2)
    a = ap.parse_args()
    print(machine())
    ls = load_scenario("reference")
    ctx = raid_context(ls)
    night = load_raid("reference", ctx, pd.DataFrame)[0][0]
    params = ls.engine_params

    t0 = time.perf_counter()
    cands = grid_candidates(ls.theatre, a.spacing_km, a.candidates)
    paths = sample_paths(night, ctx, a.paths, np.random.default_rng(1), params.region_value)
    t_paths = time.perf_counter() - t0
    t0 = time.perf_counter()
    types = sorted({p.type for m in ls.scenario.coalition.members for p in m.pledges})
    reach = reach_by_class(ls.catalog, params, types, sorted(set(paths.class_id.tolist())))
    cover = coverage(
        paths, cands.km, np.array([reach[c] for c in paths.class_id]), ls.theatre.engagement_zone_km
    )
    t_cover = time.perf_counter() - t0
    t0 = time.perf_counter()
    supply = station_supply(ls, plan_forces(ls), cands, 2)
    t_supply = time.perf_counter() - t0
    rows, _ = merge_paths(cover, paths.value)
    print(
        f"{len(cands)} candidates, {len(paths)} paths ({len(rows)} distinct coverage rows,"
        f" {int(cover.sum())} covered pairs), {len(supply.cost)} pool options, K = {a.stations}"
    )
    print(f"candidates + path sampling: {t_paths:6.2f} s")
    print(f"coverage:                   {t_cover:6.2f} s")
    print(f"station costs (supply):     {t_supply:6.2f} s")
    best = solve_placement(cover, paths.value, a.stations, supply, a.engage_prob, 600.0, a.gap)
    print(
        f"MILP (HiGHS):               {best.seconds:6.2f} s  gap {best.gap:.4%}"
        f" (stop at {a.gap:g}); {best.status}"
    )
    greedy = greedy_placement(cover, paths.value, a.stations, supply, a.engage_prob)
    print(f"greedy:                     {greedy.seconds:6.2f} s")
    k = paths.per_night_factor
    print(
        f"expected value engaged per night: MILP {best.objective * k:,.1f}"
        f" (bound {best.bound * k:,.1f}), greedy {greedy.objective * k:,.1f}"
    )


if __name__ == "__main__":
    main()
