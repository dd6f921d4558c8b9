"""``skyshield mc``: Monte Carlo of a night: N replications, means with 95 % intervals, stored."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from skyshield.analysis import mean_interval
from skyshield.cli.records import add_record_arg, add_store_arg, record_rows
from skyshield.cli.text import table
from skyshield.engine.api import build_world
from skyshield.errors import InputError, Problem
from skyshield.runs import Store, default_store_path
from skyshield.runs.executor import Rep, replication_seeds, run_replications

#: Metrics printed first, in this order (the rest follow alphabetically).
HEADLINE = (
    "baseline.hits_on_assets", "shield.hits_on_assets", "marginal.hits_on_assets_avoided",
    "baseline.protection_ratio", "shield.protection_ratio", "marginal.leakers_avoided",
    "shield.killed_fighter", "baseline.killed_ground", "shield.killed_ground", "baseline.lost_ew",
    "shield.sorties", "shield.flight_hours", "shield.shots", "shield.shield_cost_usd",
    "marginal.cost_per_hit_avoided_usd", "shield.cost_exchange_ratio", "shield.pilot_exposure_min_km",
)  # fmt: skip


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``mc``."""
    p = sub.add_parser(
        "mc",
        help="Monte Carlo: N replications of a night, means with 95 %% intervals",
        parents=[common],
    )
    p.add_argument(
        "scenario",
        nargs="?",
        help="YAML scenario file or built-in name (reference, small); not with --resume",
    )
    p.add_argument(
        "--raid",
        default=None,
        help="reference, a night (YYYY-MM-DD) or a raid file (default: the scenario's)",
    )
    p.add_argument("--night", type=int, default=1, help="which night of a raid file (1-based)")
    p.add_argument("--runs", type=int, default=None, help="replications (required unless --resume)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument("--seed", type=int, default=1, help="base seed (default 1)")
    p.add_argument(
        "--resume",
        metavar="RUN",
        default=None,
        help="continue an interrupted run: only its missing replications are run",
    )
    add_store_arg(p)
    add_record_arg(p)


def summary_table(reps: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % interval of every metric over the replications (hits absent count as 0)."""
    rows = []
    metrics = [c for c in reps.columns if c not in ("rep", "seed")]
    ordered = [m for m in HEADLINE if m in metrics] + sorted(
        m for m in metrics if m not in HEADLINE
    )
    for m in ordered:
        values = reps[m].fillna(0.0) if ".hits." in m else reps[m]
        iv = mean_interval(values.to_numpy(float))
        rows.append(
            {"metric": m, "mean": iv.mean, "ci95_low": iv.low, "ci95_high": iv.high, "n": iv.n}
        )
    return pd.DataFrame(rows)


def run(args: argparse.Namespace) -> int:
    """Run ``mc`` (or resume one); returns the exit code."""
    t0 = time.perf_counter()
    store_path: Path = args.store or default_store_path()
    with Store(store_path) as store:
        if args.resume:
            from skyshield.cli.runs import scenario_of

            row = store.run(args.resume)
            run_id, n, base = str(row["run_id"]), int(row["replications"]), int(row["base_seed"])
            world = build_world(scenario_of(row), str(row["raid"]), night=int(row["night"]),
                                record_rows=lambda: record_rows(args)[0])  # fmt: skip
            done_before = store.done_reps(run_id)
            print(f"resuming run {run_id}: {len(done_before)} of {n} replications stored")
        else:
            if args.scenario is None:
                raise InputError([Problem("scenario", "", "expected a scenario (or --resume RUN)")])
            if args.runs is None or args.runs < 1 or args.workers < 1:
                raise InputError(
                    [Problem("--runs/--workers", "", "expected whole numbers of at least 1")]
                )
            world = build_world(
                args.scenario, args.raid, night=args.night, record_rows=lambda: record_rows(args)[0]
            )
            n, base = args.runs, args.seed
            raid_ref = args.raid or world.ls.raid_ref or "reference"
            run_id = store.start_run(
                "mc", world.ls.origin, world.ls.text, raid_ref, args.night, base, n
            )
            done_before = set()
            print(f"run {run_id}: {n} replications of night {world.night.name} ({world.night.total} weapons)"
                  f" against {world.ls.scenario.name}, base seed {base}, {args.workers} worker(s)")  # fmt: skip
        todo = [(k, s) for k, s in enumerate(replication_seeds(base, n)) if k not in done_before]
        done = len(done_before)

        def on_block(block: list[Rep]) -> None:
            nonlocal done
            store.add_replications(run_id, block)
            done += len(block)
            el = time.perf_counter() - t0
            eta = el / max(done - len(done_before), 1) * (n - done)
            print(
                f"\r  {done}/{n} replications, {el:.0f} s, about {eta:.0f} s to go ",
                end="",
                file=sys.stderr,
                flush=True,
            )

        run_replications(world, todo, max(args.workers, 1), on_block)
        print(file=sys.stderr)
        seconds = time.perf_counter() - t0
        store.finish_run(run_id, seconds)
        reps = store.run_metrics(run_id)
    print(table(summary_table(reps), floats="{:,.3f}"))
    print(
        f"\nstored as run {run_id} in {store_path}; {len(todo)} replications run in {seconds:.1f} s"
    )
    return 0
