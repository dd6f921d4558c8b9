"""Benchmark: a Monte Carlo of the reference on local worker processes and on Dask.

Run: ``.venv/bin/python benchmarks/montecarlo.py [--reps 1000] [--workers 2] [--scenario reference]``.
Prints the time to build the world (with the engine's kernel compiled, or loaded from numba's
cache), then the wall time and replications per second of ``--reps`` replications (baseline and
shield, stored in a scratch run store as ``skyshield mc`` does) on ``--workers`` local processes
(goal for 1,000 on 2 workers: under 60 s), start-up of the workers included, the same on a Dask
LocalCluster of as many workers (goal: under 15 % more than local processes; ``--no-dask`` leaves
it out), and whether both gave identical aggregates.  Figures from a machine shared with other
work are noisy: run it alone.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from common import machine

from skyshield.analysis import metric_table
from skyshield.engine.api import build_world
from skyshield.engine.world import World
from skyshield.execution import open_executor
from skyshield.runs import Store
from skyshield.studies import montecarlo

#: The executors compared: label, ``dask`` argument of ``open_executor``.
EXECUTORS: tuple[tuple[str, str | None], ...] = (
    ("local processes", None),
    ("Dask LocalCluster", "local"),
)


def timed_run(
    store: Store, world: World, n: int, workers: int, dask: str | None
) -> tuple[float, float, pd.DataFrame]:
    """Run ``n`` replications as a stored run; (wall time with start-up, of which start-up, in s;
    the run's replications)."""
    t0 = time.perf_counter()
    with open_executor(workers, dask) as ex:
        started = time.perf_counter() - t0
        mc = montecarlo(world.ls, raid=world.night, runs=n, seed=1, executor=ex, store=store)
    return time.perf_counter() - t0, started, mc.replications


def main() -> None:
    """Parse the options, run both executors, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000, help="replications (default 1000)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--scenario", default="reference", help="scenario (default reference)")
    ap.add_argument("--no-dask", action="store_true", help="local processes only")
    args = ap.parse_args()
    print(machine())
    t0 = time.perf_counter()
    world = build_world(args.scenario, None)
    print(f"world built in {time.perf_counter() - t0:.1f} s ({world.night.total} weapons)")
    executors = (("local processes", None),) if args.no_dask else EXECUTORS
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        walls = {}
        tables = []
        for label, dask in executors:
            wall, started, table = timed_run(store, world, args.reps, args.workers, dask)
            walls[label] = wall
            tables.append(metric_table(table))
            print(
                f"{label:>18}: {args.reps} replications on {args.workers} workers in {wall:.1f} s"
                f" ({args.reps / wall:.2f} replications/s; start-up {started:.1f} s)"
            )
    per_1000 = walls["local processes"] * 1000 / args.reps
    print(
        f"at this rate 1,000 replications take {per_1000:.0f} s on {args.workers} local workers"
        " (goal on 2: < 60 s)"
    )
    if args.no_dask:
        return
    overhead = walls["Dask LocalCluster"] / walls["local processes"] - 1
    print(f"Dask overhead against local processes: {overhead:+.1%} (goal < 15 %)")
    same = tables[0].equals(tables[1])
    print(f"identical aggregates from both executors: {'yes' if same else 'NO'}")


if __name__ == "__main__":  # Dask and process pools start workers that import this file
    main()
