"""Read the runs of a store into pandas: every run, one run's replications, its threats' fates.

    python examples/runs_to_pandas.py --store runs.duckdb

With an empty store, it first makes a small Monte Carlo run so there is something to read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from skyshield.runs import Store, default_store_path
from skyshield.studies import montecarlo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=default_store_path(), help="the run store")
    args = ap.parse_args()

    store = Store(args.store)
    if store.runs().empty:
        montecarlo("small", raid="reference", runs=3, store=store)
    runs = store.runs()  # one row per run, newest first
    print(runs[["run_id", "kind", "scenario_origin", "raid", "replications", "status"]])
    run_id = str(runs["run_id"].iloc[0])
    reps = store.run_metrics(run_id)  # one row per replication, one column per metric
    print(reps[["rep", "baseline.hits_on_assets", "shield.hits_on_assets"]].describe())
    fates = store.run_fates(run_id)  # one row per replication, defence and threat
    print(fates.groupby(["defence", "fate"]).size().unstack("defence"))


if __name__ == "__main__":
    main()
