"""``skyshield mc``: Monte Carlo of a night: N replications, means with 95 % intervals, stored."""

from __future__ import annotations

import argparse
import sys

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
        "--uncertainty",
        action="store_true",
        help="run the replications again with the uncertain inputs (Pk, detection ranges,"
        " ground defences, costs, aim share) drawn anew for each: the total interval beside"
        " the dice-only one",
    )
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
    from skyshield.analysis import INTERVAL_METHOD, MIN_INTERVAL_N
    from skyshield.cli.text import table
    from skyshield.studies import MonteCarloResult, montecarlo, resume_montecarlo

    if not args.resume and args.scenario is None:
        raise InputError([Problem("scenario", "", "expected a scenario (or --resume RUN)")])
    if not args.resume and args.runs is None:
        raise InputError([Problem("--runs", "", "expected a whole number of at least 1")])
    store = open_store_of(args)
    record = record_of(args)
    with open_executor_of(args) as ex:
        print(f"running on {ex.describe()}; store {store.path}", flush=True)
        result: MonteCarloResult
        stored = 0
        if args.resume:
            row = store.run(args.resume)
            stored = len(store.done_reps(args.resume))
            print(
                f"resuming run {args.resume}: {stored} of {row['replications']} replications"
                " stored",
                flush=True,
            )
            result = resume_montecarlo(
                args.resume, store=store, executor=ex, record=record, progress=progress_printer()
            )
        else:
            result = montecarlo(
                args.scenario,
                raid=args.raid,
                night=args.night,
                runs=args.runs,
                seed=args.seed,
                executor=ex,
                store=store,
                record=record,
                progress=progress_printer(),
                uncertainty=args.uncertainty,
                force=args.force,
            )
    w = result.world
    print(
        f"run {result.run_id}: {len(result.replications)} replications of night {w.night.name}"
        f" ({w.night.total} weapons) against {w.ls.scenario.name}, base seed {result.base_seed}"
    )
    print(table(result.table, floats="{:,.3f}"))
    print(f"\n{INTERVAL_METHOD}.")
    if result.total is not None:
        print(
            "total_*: the same replications with the uncertain inputs drawn anew for each"
            f" (run {result.total_run_id}): the interval that covers the inputs as well as the"
            " dice."
        )
    if len(result.replications) < MIN_INTERVAL_N:
        print(
            f"warning: {len(result.replications)} replications are fewer than"
            f" {MIN_INTERVAL_N}: means only, no intervals",
            file=sys.stderr,
        )
    print(f"\nstored as run {result.run_id} in {store.path}; {result.seconds:.1f} s")
    if args.resume:
        print(f"{len(result.replications) - stored} replications run")
    return 0
