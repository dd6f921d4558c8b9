"""``skyshield mc``: Monte Carlo of a night: N replications, means with 95 % intervals, stored."""

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
    add_executor_args(p)
    p.add_argument("--seed", type=seed, default=1, help="base seed (default 1)")
    p.add_argument(
        "--resume",
        metavar="RUN",
        default=None,
        help="continue an interrupted run: only its missing replications are run",
    )
    add_store_arg(p)
    add_record_arg(p)


def run(args: argparse.Namespace) -> int:
    """Run ``mc`` (or resume one); returns the exit code."""
    from skyshield.analysis import metric_table
    from skyshield.cli.text import table
    from skyshield.engine.api import build_world
    from skyshield.runs import Store, default_store_path
    from skyshield.runs.executor import replication_seeds, run_and_store
    from skyshield.runs.provenance import stored_scenario

    if not args.resume and args.scenario is None:
        raise InputError([Problem("scenario", "", "expected a scenario (or --resume RUN)")])
    if not args.resume and (args.runs is None or args.runs < 1):
        raise InputError([Problem("--runs", "", "expected a whole number of at least 1")])
    t0 = time.perf_counter()
    store_path: Path = args.store or default_store_path()
    with Store(store_path) as store:
        if args.resume:
            row = store.run(args.resume)
            run_id, n, base = str(row["run_id"]), int(row["replications"]), int(row["base_seed"])
            world = build_world(stored_scenario(row), str(row["raid"]), night=int(row["night"]),
                                record_rows=lambda: record_rows(args)[0])  # fmt: skip
            done_before = store.done_reps(run_id)
            head = f"resuming run {run_id}: {len(done_before)} of {n} replications stored"
        else:
            world = build_world(
                args.scenario, args.raid, night=args.night, record_rows=lambda: record_rows(args)[0]
            )
            n, base, run_id, done_before = args.runs, args.seed, "", set()
            head = (f"{n} replications of night {world.night.name} ({world.night.total} weapons)"
                    f" against {world.ls.scenario.name}, base seed {base}")  # fmt: skip
        todo = [(k, s) for k, s in enumerate(replication_seeds(base, n)) if k not in done_before]
        # the executor once the inputs are known good: a bad one starts no cluster and no run
        with open_executor_of(args) as ex:
            if not args.resume:
                raid_ref = args.raid or world.ls.raid_ref or "reference"
                run_id = store.start_run(
                    "mc", world.ls.origin, world.ls.text, raid_ref, args.night, base, n
                )
                head = f"run {run_id}: {head}"
            print(f"{head}; running on {ex.describe()}", flush=True)

            progress = progress_printer(n, len(done_before))
            reps = run_and_store(store, run_id, world, todo, progress=progress, executor=ex)
        print(file=sys.stderr)
    seconds = time.perf_counter() - t0
    print(table(metric_table(reps), floats="{:,.3f}"))
    print(
        f"\nstored as run {run_id} in {store_path}; {len(todo)} replications run in {seconds:.1f} s"
    )
    return 0
