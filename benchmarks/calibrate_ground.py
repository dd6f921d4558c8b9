"""Calibrate Ukraine's own defences (engine/ground.py) on the record of 2025.

Run: ``.venv/bin/python benchmarks/calibrate_ground.py [--start 2025-01-01] [--end 2025-06-30]
[--reps 2] [--seed 2025] [--ref-seeds 20] [--override '{"ew_loss": {"drone": 0.45}}']``.

Flies every night of the record between ``start`` and ``end`` (``night_from_record`` and
``fly`` against the reference scenario's assets and theatre), ``reps`` times each with its own
seeded generator, applies the ground layers with no fighters (``draw_ground``, then
``resolve_terminal`` on the threats still flying) and prints, per record class, the record's
rates and the model's: *destroyed* (record ``destroyed``; model area and terminal kills) and
*not reached* (record ``not_reach_goal``; model EW losses), each as the rate over the whole
period and the min..max over its months.  A month counts for a class's range when it has at
least ``--min-month`` weapons of the class with ``destroyed`` given (record) or launched
(model).  ``ok`` says whether the model's overall rates lie within the record's monthly range.

Threats are counted under the record class of the row they come from, as the record counts
them: a combined row such as ``kh-101+kalibr`` stays combined and is not in the table.  Record
rates are over the rows that give ``destroyed`` (``launched_destroyed_known``), for both
columns.

A second table checks the built-in reference raid (long routes, aimed far west) against the
same record ranges: the engine's own baseline run (``build_world("reference", "reference")``,
``run_replication(world, seed, ("baseline",))`` for seeds ``0 .. ref-seeds - 1``), destroyed =
fate ``killed_ground``, not reached = fate ``lost_ew``, each as the mean over the seeds and the
min..max of the per-seed rates; ``ok`` says whether the mean destroyed rate lies within the
record's monthly range (the requirement; not-reached is shown for information).

``--override`` merges a JSON map over the shipped parameters, as a scenario's
``ground_defences`` would (to try values before writing them into ground.yaml).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from skyshield.engine.api import build_world
from skyshield.engine.ground import draw_ground, ground_fate_time, resolve_terminal
from skyshield.engine.sim import run_replication
from skyshield.raids import RaidContext, fly, load_raid, night_from_record, raid_context
from skyshield.record import read_record, summarise
from skyshield.scenario import load_scenario
from skyshield.scenario.params import GroundParams, load_ground_params

#: Classes of the table, main ones first (record class keys).
CLASSES = (
    "shahed-136",
    "kh-101",
    "kalibr",
    "iskander-k",
    "kh-59",
    "iskander-m",
    "kinzhal",
    "kh-22",
    "kh-31p",
    "s-300",
    "molniya",
    "lancet",
    "recon-uav",
    "unknown-uav",
)


@dataclass(frozen=True)
class Rates:
    """Overall rate and monthly min..max of one quantity (fractions 0..1; NaN if no data)."""

    overall: float
    low: float
    high: float

    def __str__(self) -> str:
        if np.isnan(self.overall):
            return f"{'-':>17}"
        return f"{self.overall:5.2f} ({self.low:4.2f}..{self.high:4.2f})"

    def holds(self, value: float, slack: float = 0.0) -> bool:
        """True if ``value`` lies within ``[low - slack, high + slack]``."""
        return bool(self.low - slack <= value <= self.high + slack)


def rates(table: pd.DataFrame, num: str, den: str, min_month: float) -> Rates:
    """Rate ``num / den`` over all rows of ``table`` and its min..max over the months
    (``period``) whose ``den`` is at least ``min_month``."""
    total = float(table[den].sum())
    if total <= 0:
        return Rates(np.nan, np.nan, np.nan)
    by = table.groupby("period")[[num, den]].sum()
    by = by[by[den] >= min_month]
    monthly = (by[num] / by[den]).to_numpy(dtype=float)
    overall = float(table[num].sum()) / total
    if not len(monthly):
        return Rates(overall, np.nan, np.nan)
    return Rates(overall, float(monthly.min()), float(monthly.max()))


def record_table(rows: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The record's monthly sums per class (``summarise``)."""
    return summarise(rows, start, end, by="month")


def model_table(
    rows: pd.DataFrame,
    nights: list[dt.date],
    ctx: RaidContext,
    params: GroundParams,
    reps: int,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    """Simulated monthly sums per record class: launched, destroyed (area + terminal) and
    not reached (EW); terminal shots per site and night; and the time spent flying and in the
    ground layers (s)."""
    parts = []
    shots: list[dict[str, object]] = []
    t_fly = t_ground = 0.0
    proj = ctx.theatre.projection
    for k, night in enumerate(nights):
        spec = night_from_record(rows, night, ctx)
        keys = np.asarray([g.threat for g in spec.groups])
        for rep, child in enumerate(np.random.SeedSequence([seed, k]).spawn(reps)):
            rng = np.random.default_rng(child)
            t0 = time.perf_counter()
            threats = fly(spec, ctx, rng)
            t1 = time.perf_counter()
            draws = draw_ground(threats, ctx.free_ukraine_km, params, rng)
            fate = ground_fate_time(draws)
            alive = ~np.isfinite(fate.t_s)
            term = resolve_terminal(threats, alive, ctx.assets, proj, params, draws)
            t2 = time.perf_counter()
            t_fly, t_ground = t_fly + t1 - t0, t_ground + t2 - t1
            shots += [
                {"site": site, "used": used, "magazine": term.magazine[site]}
                for site, used in term.magazine_used.items()
            ]
            parts.append(
                pd.DataFrame(
                    {
                        "period": night.replace(day=1),
                        "rep": rep,
                        "class_key": keys[threats.group],
                        "launched": 1.0,
                        "destroyed": ((fate.cause == "area") | term.killed).astype(float),
                        "not_reached": (fate.cause == "ew").astype(float),
                        "terminal": term.killed.astype(float),
                    }
                )
            )
    sims = pd.concat(parts, ignore_index=True)
    out = sims.groupby(["period", "class_key"], as_index=False)[
        ["launched", "destroyed", "not_reached", "terminal"]
    ].sum()
    for col in ("launched", "destroyed", "not_reached", "terminal"):
        out[col] = out[col] / reps
    return out, pd.DataFrame(shots), t_fly, t_ground


def reference_table(params: GroundParams, seeds: int) -> pd.DataFrame:
    """Baseline fates on the built-in reference raid, one row per seed and threat class:
    ``seed``, ``class_id``, ``launched``, ``destroyed`` (fate ``killed_ground``) and
    ``not_reached`` (fate ``lost_ew``), as counts."""
    world = build_world("reference", "reference")
    world.ground = params
    parts = []
    for seed in range(seeds):
        th = run_replication(world, seed, ("baseline",))["baseline"].threats
        parts.append(
            pd.DataFrame(
                {
                    "seed": seed,
                    "class_id": th["class_id"].to_numpy(),
                    "launched": 1.0,
                    "destroyed": (th["fate"] == "killed_ground").to_numpy(dtype=float),
                    "not_reached": (th["fate"] == "lost_ew").to_numpy(dtype=float),
                }
            )
        )
    sims = pd.concat(parts, ignore_index=True)
    cols = ["launched", "destroyed", "not_reached"]
    return sims.groupby(["seed", "class_id"], as_index=False)[cols].sum()


def seed_rates(table: pd.DataFrame, num: str) -> Rates:
    """Mean over the seeds of the per-seed rate ``num / launched`` and its min..max."""
    per_seed = (table[num] / table["launched"]).to_numpy(dtype=float)
    return Rates(float(per_seed.mean()), float(per_seed.min()), float(per_seed.max()))


def time_reference(ctx: RaidContext, params: GroundParams, repeat: int = 21) -> str:
    """Median wall times (ms) of ``draw_ground`` and ``resolve_terminal`` on the reference raid."""

    def no_record() -> pd.DataFrame:
        raise AssertionError("the reference raid needs no record")

    nights, _ = load_raid("reference", ctx, no_record)
    threats = fly(nights[0], ctx, np.random.default_rng(1))
    _ = ctx.free_ukraine_km
    t_draw, t_term = [], []
    for k in range(repeat):
        rng = np.random.default_rng(k)
        t0 = time.perf_counter()
        draws = draw_ground(threats, ctx.free_ukraine_km, params, rng)
        t1 = time.perf_counter()
        alive = ~np.isfinite(ground_fate_time(draws).t_s)
        t2 = time.perf_counter()
        resolve_terminal(threats, alive, ctx.assets, ctx.theatre.projection, params, draws)
        t3 = time.perf_counter()
        t_draw.append((t1 - t0) * 1000.0)
        t_term.append((t3 - t2) * 1000.0)
    return (
        f"reference raid ({len(threats)} threats, {int(np.sum(threats.legs))} legs), median of"
        f" {repeat}: draw_ground {np.median(t_draw):.1f} ms, resolve_terminal"
        f" {np.median(t_term):.2f} ms"
    )


def main() -> None:
    """Fly the nights, apply the ground layers, print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--start", default="2025-01-01")
    ap.add_argument("--end", default="2025-06-30")
    ap.add_argument("--reps", type=int, default=2, help="replications of each night")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--min-month", type=float, default=5.0, help="weapons for a month to count")
    ap.add_argument("--ref-seeds", type=int, default=20, help="seeds of the reference raid")
    ap.add_argument("--override", default="", help="JSON map merged over ground.yaml")
    args = ap.parse_args()
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    params = load_ground_params(json.loads(args.override) if args.override else None)

    rows = read_record(None).rows
    ctx = raid_context(load_scenario("reference"))
    chosen = rows[
        (rows["launched"] > 0)
        & (rows["class_key"] != "")
        & rows["night"].map(lambda d: d is not None and start <= d <= end).astype(bool)
    ]
    nights = sorted(set(chosen["night"]))
    rec = record_table(rows, start, end)
    sim, shots, t_fly, t_ground = model_table(rows, nights, ctx, params, args.reps, args.seed)

    print(
        f"record {start}..{end}: {len(nights)} nights; model: {args.reps} replication(s) of each,"
        f" seed {args.seed}; no fighters"
    )
    print("rates: overall (monthly min..max); destroyed = area + terminal kills, not reached = EW")
    head = (
        f"{'class':<12} {'launched':>8}  {'record destroyed':>17}  {'model destroyed':>17}"
        f"  {'record not-reached':>18}  {'model not-reached':>17}  {'terminal':>8}  ok"
    )
    print(head)
    print("-" * len(head))
    for c in CLASSES:
        r, m = rec[rec["class_key"] == c], sim[sim["class_key"] == c]
        if r.empty and m.empty:
            continue
        rd = rates(r, "destroyed", "launched_destroyed_known", args.min_month)
        rn = rates(r, "not_reached", "launched_destroyed_known", args.min_month)
        md = rates(m, "destroyed", "launched", args.min_month)
        mn = rates(m, "not_reached", "launched", args.min_month)
        term = float(m["terminal"].sum() / m["launched"].sum()) if len(m) else np.nan
        ok = "yes" if rd.holds(md.overall) and rn.holds(mn.overall) else "no"
        if np.isnan(rd.low):
            ok = "n/a"
        print(
            f"{c:<12} {int(r['launched'].sum()):>8}  {rd!s:>17}  {md!s:>17}  {rn!s:>18}"
            f"  {mn!s:>17}  {term:8.2f}  {ok}"
        )
    print("terminal shots per night (model): site: mean, max / magazine, nights exhausted")
    by_site = shots.groupby("site", sort=False)
    for site, g in by_site:
        if g["used"].max() > 0:
            empty = int((g["used"] >= g["magazine"]).sum())
            print(
                f"  {site:<18} {g['used'].mean():6.1f}, {int(g['used'].max()):4d} /"
                f" {int(g['magazine'].iloc[0]):4d}, {empty} of {len(g)}"
            )
    per = t_ground / (len(nights) * args.reps) * 1000.0
    print(f"time: flying {t_fly:.1f} s, ground layers {t_ground:.1f} s ({per:.1f} ms per night)")
    print(time_reference(ctx, params))

    t0 = time.perf_counter()
    ref = reference_table(params, args.ref_seeds)
    t_ref = time.perf_counter() - t0
    print()
    print(
        f"reference raid, baseline (no fighters), seeds 0..{args.ref_seeds - 1}: mean over the"
        " seeds (per-seed min..max); record: overall (monthly min..max) as above"
    )
    head = (
        f"{'class':<12} {'per night':>9}  {'record destroyed':>17}  {'model destroyed':>17}"
        f"  {'record not-reached':>18}  {'model not-reached':>17}  ok"
    )
    print(head)
    print("-" * len(head))
    present = set(ref["class_id"])
    for c in [*CLASSES, *sorted(present - set(CLASSES))]:
        if c not in present:
            continue
        r, m = rec[rec["class_key"] == c], ref[ref["class_id"] == c]
        rd = rates(r, "destroyed", "launched_destroyed_known", args.min_month)
        rn = rates(r, "not_reached", "launched_destroyed_known", args.min_month)
        md, mn = seed_rates(m, "destroyed"), seed_rates(m, "not_reached")
        ok = "n/a" if np.isnan(rd.low) else "yes" if rd.holds(md.overall) else "no"
        print(
            f"{c:<12} {m['launched'].mean():>9.0f}  {rd!s:>17}  {md!s:>17}  {rn!s:>18}"
            f"  {mn!s:>17}  {ok}"
        )
    print(f"time: reference raid {t_ref:.1f} s ({t_ref / args.ref_seeds * 1000.0:.0f} ms per seed)")


if __name__ == "__main__":
    main()
