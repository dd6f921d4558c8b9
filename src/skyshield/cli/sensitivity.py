"""``skyshield sensitivity``: each key assumption at its low and its high value; a tornado chart."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.cli.execution import add_executor_args, open_executor_of, seed
from skyshield.cli.records import add_record_arg, add_store_arg, record_rows
from skyshield.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

#: The metric the tornado shows unless ``--metric`` says otherwise.
DEFAULT_METRIC = "shield.hits_on_assets"

#: Axis labels of the usual metrics (others are labelled by name).
METRIC_LABELS = {
    "shield.hits_on_assets": "hits on protected assets a night, with the shield",
    "baseline.hits_on_assets": "hits on protected assets a night, Ukraine's defences alone",
    "marginal.hits_on_assets_avoided": "hits on protected assets avoided by the shield a night",
}


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``sensitivity``."""
    p = sub.add_parser(
        "sensitivity",
        help="each key assumption at its low and high value: table (CSV) and tornado chart (PNG)",
        parents=[common],
    )
    p.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")
    p.add_argument(
        "--raid",
        default=None,
        help="reference, a night (YYYY-MM-DD) or a raid file (default: the scenario's)",
    )
    p.add_argument("--night", type=int, default=1, help="which night of a raid file (1-based)")
    p.add_argument("--runs", type=int, required=True, help="replications per variant")
    add_executor_args(p)
    p.add_argument("--seed", type=seed, default=1,
                   help="base seed; the base case and every variant use the same replication seeds")  # fmt: skip
    p.add_argument("--factors", type=Path, default=None,
                   help="YAML factor file (default: the shipped data/catalog/sensitivity.yaml)")  # fmt: skip
    p.add_argument("--metric", default=DEFAULT_METRIC,
                   help=f"per-replication metric to compare (default {DEFAULT_METRIC})")  # fmt: skip
    p.add_argument("--out", type=Path, default=Path("out/sensitivity"),
                   help="folder for sensitivity.csv (and tornado.png)")  # fmt: skip
    p.add_argument("--chart", type=Path, default=None,
                   help="tornado chart PNG (default: OUT/tornado.png)")  # fmt: skip
    add_store_arg(p)
    add_record_arg(p)


def run(args: argparse.Namespace) -> int:
    """Run ``sensitivity``; returns the exit code."""

    import pandas as pd

    from skyshield.analysis.sensitivity import (
        LEVELS,
        known_metric,
        load_factors,
        make_variant,
        parameter_tree,
        scenario_data,
        tornado_table,
    )
    from skyshield.cli.text import table
    from skyshield.engine.api import build_world, load_night
    from skyshield.engine.sim import World
    from skyshield.files import write_csv
    from skyshield.report.tornado import plot_tornado
    from skyshield.runs import Store, default_store_path
    from skyshield.runs.executor import Executor, replication_seeds, run_and_store
    from skyshield.scenario import LoadedScenario, load_scenario, scenario_from_data

    if args.runs < 1:
        raise InputError([Problem("--runs", "", "expected a whole number of at least 1")])
    if not known_metric(args.metric):
        raise InputError([Problem("--metric", "", f"not a metric: {args.metric!r}; expected e.g."
                                  " shield.hits_on_assets, baseline.hits_on_assets,"
                                  " marginal.hits_on_assets_avoided (see `skyshield mc`)")])  # fmt: skip
    t0 = time.perf_counter()
    base = load_scenario(args.scenario)
    factors, factors_origin = load_factors(args.factors)
    data, tree = scenario_data(base), parameter_tree(base)
    base_dir = next((src.base_dir for src in base.chain if src.base_dir is not None), None)
    variants = [make_variant(data, tree, f, lv, factors_origin) for f in factors for lv in LEVELS]
    # every variant is checked before anything runs
    loaded = [
        scenario_from_data(v.data, f"{base.origin} with {v.factor.id} {v.level}", base_dir)
        for v in variants
    ]
    raid = args.raid or base.raid_ref or "reference"
    night = load_night(base, raid, night=args.night, record_rows=lambda: record_rows(args)[0])
    seeds = list(enumerate(replication_seeds(args.seed, args.runs)))
    store_path: Path = args.store or default_store_path()
    total = 1 + len(variants)

    def one(
        store: Store, ex: Executor, n: int, ls: LoadedScenario, desc: str
    ) -> tuple[str, pd.DataFrame]:
        world: World = build_world(ls, night)
        run_id = store.start_run("sensitivity", ls.origin, ls.text, raid, args.night, args.seed,
                                 args.runs)  # fmt: skip
        print(f"[{n}/{total}] {desc}: run {run_id}", file=sys.stderr, flush=True)

        def progress(finished: int) -> None:
            el, done = time.perf_counter() - t0, (n - 1) * args.runs + finished
            eta = el / done * (total * args.runs - done)
            print(f"\r  {finished}/{args.runs} replications, {el:.0f} s, about {eta:.0f} s to go ",
                  end="", file=sys.stderr, flush=True)  # fmt: skip

        reps = run_and_store(store, run_id, world, seeds, progress=progress, executor=ex)
        print(file=sys.stderr)
        return run_id, reps

    with Store(store_path) as store, open_executor_of(args) as ex:
        print(f"{total} runs x {args.runs} replications on {ex.describe()}", file=sys.stderr)
        base_run, base_reps = one(store, ex, 1, base, "base case")
        runs = []
        for n, (v, ls) in enumerate(zip(variants, loaded, strict=True), 2):
            run_id, reps = one(store, ex, n, ls, f"{v.factor.id} at {v.level}")
            runs.append((v, run_id, reps))
    out = tornado_table(base_reps, runs, args.metric)
    args.out.mkdir(parents=True, exist_ok=True)
    csv = args.out / "sensitivity.csv"
    write_csv(out.assign(base_run=base_run, metric=args.metric), csv)
    print(f"{args.metric}, base case {_ci(out, 'base')} (run {base_run}); factors by swing:")
    shown = pd.DataFrame({
        "factor": out["factor"], "base": out["base_value"], "low": out["low_value"],
        "high": out["high_value"], "at low": [_ci(out, "low", i) for i in out.index],
        "at high": [_ci(out, "high", i) for i in out.index],
        "Δ low": [_ci(out, "delta_low", i, signed=True) for i in out.index],
        "Δ high": [_ci(out, "delta_high", i, signed=True) for i in out.index],
    })  # fmt: skip
    print(table(shown))
    chart = plot_tornado(
        out,
        args.chart or args.out / "tornado.png",
        f"{base.scenario.name} against {raid}: {args.runs} replications a variant, seed {args.seed}",
        METRIC_LABELS.get(args.metric, args.metric),
    )
    print(f"\nwrote {csv} and {chart}")
    print(f"{total} runs x {args.runs} replications in {time.perf_counter() - t0:.1f} s, stored in"
          f" {store_path}")  # fmt: skip
    return 0


def _ci(out: pd.DataFrame, col: str, i: int = 0, signed: bool = False) -> str:
    """``mean [low, high]`` of column ``col`` (with ``.low``/``.high``) in row ``i``."""
    fmt = "{:+.1f}" if signed else "{:.1f}"
    m, lo, hi = (float(out[c].iloc[i]) for c in (col, f"{col}.low", f"{col}.high"))
    return f"{fmt.format(m)} [{lo:.1f}, {hi:.1f}]"
