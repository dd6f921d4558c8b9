"""``skyshield sweep``: Monte Carlo over a grid of scenario variants; a table and a sizing curve."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from skyshield.cli.execution import add_executor_args, open_executor_of, progress_printer, seed
from skyshield.cli.records import add_record_arg, add_store_arg, record_rows
from skyshield.errors import InputError, Problem


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
    p.add_argument("--set", dest="sets", action="append", required=True, metavar="PATH=V1,V2,...",
                   help="a scenario field by dotted path and its values, e.g. coalition.total_aircraft=40,80,120,160")  # fmt: skip
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

    from skyshield.analysis.sweep import SWEEP_METRICS, grid, parse_set, sweep_row, sweep_variant
    from skyshield.cli.text import table
    from skyshield.engine.api import build_world, load_night
    from skyshield.files import write_csv
    from skyshield.report import plot_sizing_curve
    from skyshield.runs import Store, default_store_path
    from skyshield.runs.executor import replication_seeds, run_and_store
    from skyshield.scenario import load_scenario

    if args.runs < 1:
        raise InputError([Problem("--runs", "", "expected a whole number of at least 1")])
    t0 = time.perf_counter()
    sets = [parse_set(s) for s in args.sets]
    base = load_scenario(args.scenario)
    seeds = list(enumerate(replication_seeds(args.seed, args.runs)))
    points = grid(sets)
    night = load_night(base, args.raid, night=args.night, record_rows=lambda: record_rows(args)[0])
    store_path: Path = args.store or default_store_path()
    rows = []
    with Store(store_path) as store, open_executor_of(args) as ex:
        print(f"{len(points)} points x {args.runs} replications on {ex.describe()}",
              file=sys.stderr, flush=True)  # fmt: skip
        for n, point in enumerate(points, 1):
            ls = sweep_variant(base, point)
            desc = ls.origin.removeprefix(f"{base.origin} with ")
            world = build_world(ls, night)
            key = ("sweep", ls.text, args.raid or base.raid_ref or "reference", args.night,
                   args.seed, args.runs)  # fmt: skip
            found = store.find_run(*key) if args.resume else None
            run_id = found or store.start_run(key[0], ls.origin, *key[1:])
            done = store.done_reps(run_id) if found else set()
            todo = [(k, s) for k, s in seeds if k not in done]
            state = f"resumed, {len(done)} of {args.runs} stored" if found else "new"
            print(
                f"[{n}/{len(points)}] {desc}: run {run_id} ({state})", file=sys.stderr, flush=True
            )
            reps = run_and_store(
                store, run_id, world, todo, progress=progress_printer(args.runs, len(done)),
                executor=ex,
            )  # fmt: skip
            print(file=sys.stderr)
            rows.append(sweep_row(point, run_id, reps))
    out = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(out, args.out / "sweep.csv")
    x = f"set:{sets[0][0]}"
    shown = [c for c in out.columns if c.startswith("set:")] + [
        m for m in SWEEP_METRICS if m in out
    ]
    print(table(out[shown], floats="{:,.2f}"))
    if pd.api.types.is_numeric_dtype(out[x]):
        png = plot_sizing_curve(out, x, args.out / "sizing.png",
                                f"{base.scenario.name}: {args.runs} replications a point, seed {args.seed}")  # fmt: skip
        print(f"\nwrote {args.out / 'sweep.csv'} and {png}")
    else:
        print(f"\nwrote {args.out / 'sweep.csv'} (no curve: {sets[0][0]} is not numeric)")
    print(f"{len(points)} points x {args.runs} replications in {time.perf_counter() - t0:.1f} s")
    return 0
