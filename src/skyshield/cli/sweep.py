"""``skyshield sweep``: Monte Carlo over a grid of scenario variants; a table and a sizing curve."""

from __future__ import annotations

import argparse
from pathlib import Path

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


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``sweep``."""
    p = sub.add_parser(
        "sweep",
        help="Monte Carlo over a grid of scenario variants; table and sizing curve",
        parents=[common],
    )
    p.add_argument("scenario", help="YAML scenario file or built-in name (reference, small)")
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        required=True,
        metavar="PATH=V1,V2,...",
        help="a scenario field by dotted path and its values, e.g."
        " coalition.total_aircraft=40,80,120,160 (raid=2025-06-05,2025-06-08 sweeps"
        " nights)",
    )
    p.add_argument(
        "--zip",
        action="store_true",
        help="take the --set values side by side (first with first, ...) instead of every"
        " combination: linked fields such as two standoffs",
    )
    p.add_argument(
        "--raid",
        default=None,
        help="reference, a night (YYYY-MM-DD) or a raid file (default: the scenario's)",
    )
    p.add_argument("--night", type=int, default=1, help="which night of a raid file (1-based)")
    p.add_argument("--runs", type=int, required=True, help="replications per grid point")
    add_executor_args(p)
    p.add_argument(
        "--seed",
        type=seed,
        default=1,
        help="base seed; every point uses the same replication seeds",
    )
    p.add_argument(
        "--out", type=Path, default=Path("out/sweep"), help="folder for sweep.csv and sizing.png"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted sweep (the same command again): points already stored are"
        " reused, a point cut short runs only its missing replications",
    )
    add_store_arg(p)
    add_record_arg(p)


def run(args: argparse.Namespace) -> int:
    """Run ``sweep``; returns the exit code."""
    import pandas as pd

    from skyshield.analysis.sweep import SWEEP_METRICS, parse_set
    from skyshield.cli.text import table
    from skyshield.files import write_csv
    from skyshield.report import plot_sizing_curve
    from skyshield.studies import sweep

    sets = [parse_set(s) for s in args.sets]
    store = open_store_of(args)
    with open_executor_of(args) as ex:
        result = sweep(
            args.scenario,
            sets,
            zipped=args.zip,
            raid=args.raid,
            night=args.night,
            runs=args.runs,
            seed=args.seed,
            executor=ex,
            store=store,
            record=record_of(args),
            progress=progress_printer(),
            resume=args.resume,
            force=args.force,
        )
    for point in result.points:
        if point.reused:
            print(f"{point.label}: run {point.run_id} resumed ({point.reused} stored before)")
    out = result.table
    write_csv(out, args.out / "sweep.csv")
    x = f"set:{sets[0][0]}"
    shown = [c for c in out.columns if c.startswith("set:")] + [
        m for m in SWEEP_METRICS if m in out
    ]
    print(table(out[shown], floats="{:,.2f}"))
    if pd.api.types.is_numeric_dtype(out[x]):
        png = plot_sizing_curve(
            out,
            x,
            args.out / "sizing.png",
            f"{result.base.scenario.name}: {args.runs} replications a point, seed {args.seed}",
        )
        print(f"\nwrote {args.out / 'sweep.csv'} and {png}")
    else:
        print(f"\nwrote {args.out / 'sweep.csv'} (no curve: {sets[0][0]} is not numeric)")
    print(f"{len(result.points)} points x {args.runs} replications in {result.seconds:.1f} s")
    return 0
