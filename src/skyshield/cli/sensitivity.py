"""``skyshield sensitivity``: each key assumption at its low and its high value; a tornado chart."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.cli.execution import (
    add_executor_args,
    add_record_arg,
    add_store_arg,
    open_executor_of,
    open_store_of,
    progress_printer,
    record_of,
    seed,
)
from skyshield.studies.defaults import DEFAULT_METRIC

if TYPE_CHECKING:
    import pandas as pd

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
    p.add_argument(
        "--seed",
        type=seed,
        default=1,
        help="base seed; the base case and every variant use the same replication seeds",
    )
    p.add_argument(
        "--factors",
        type=Path,
        default=None,
        help="YAML factor file (default: the shipped data/catalog/sensitivity.yaml)",
    )
    p.add_argument(
        "--metric",
        default=DEFAULT_METRIC,
        help=f"per-replication metric to compare (default {DEFAULT_METRIC})",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out/sensitivity"),
        help="folder for sensitivity.csv (and tornado.png)",
    )
    p.add_argument(
        "--chart", type=Path, default=None, help="tornado chart PNG (default: OUT/tornado.png)"
    )
    add_store_arg(p)
    add_record_arg(p)


def run(args: argparse.Namespace) -> int:
    """Run ``sensitivity``; returns the exit code."""
    import pandas as pd

    from skyshield.cli.text import table
    from skyshield.files import write_csv
    from skyshield.report.tornado import plot_tornado
    from skyshield.studies import sensitivity

    store = open_store_of(args)
    with open_executor_of(args) as ex:
        res = sensitivity(
            args.scenario,
            runs=args.runs,
            factors=args.factors,
            metric=args.metric,
            raid=args.raid,
            night=args.night,
            seed=args.seed,
            executor=ex,
            store=store,
            record=record_of(args),
            progress=progress_printer(),
            force=args.force,
        )
    out = res.table
    csv = args.out / "sensitivity.csv"
    write_csv(out.assign(base_run=res.base_run, metric=args.metric), csv)
    print(f"{args.metric}, base case {_ci(out, 'base')} (run {res.base_run}); factors by swing:")
    shown = pd.DataFrame(
        {
            "factor": out["factor"],
            "base": out["base_value"],
            "low": out["low_value"],
            "high": out["high_value"],
            "at low": [_ci(out, "low", i) for i in out.index],
            "at high": [_ci(out, "high", i) for i in out.index],
            "Δ low": [_ci(out, "delta_low", i, signed=True) for i in out.index],
            "Δ high": [_ci(out, "delta_high", i, signed=True) for i in out.index],
        }
    )
    print(table(shown))
    chart = plot_tornado(
        out,
        args.chart or args.out / "tornado.png",
        f"{res.base.scenario.name} against {res.raid_ref}: {args.runs} replications a variant,"
        f" seed {args.seed}",
        METRIC_LABELS.get(args.metric, args.metric),
    )
    print(f"\nwrote {csv} and {chart}")
    print(
        f"{1 + len(res.variants)} runs x {args.runs} replications in {res.seconds:.1f} s,"
        f" stored in {store.path}"
    )
    return 0


def _ci(out: pd.DataFrame, col: str, i: int = 0, signed: bool = False) -> str:
    """``mean [low, high]`` of column ``col`` (with ``.low``/``.high``) in row ``i``."""
    fmt = "{:+.1f}" if signed else "{:.1f}"
    m, lo, hi = (float(out[c].iloc[i]) for c in (col, f"{col}.low", f"{col}.high"))
    if math.isnan(lo) or math.isnan(hi):
        return fmt.format(m)
    return f"{fmt.format(m)} [{lo:.1f}, {hi:.1f}]"
