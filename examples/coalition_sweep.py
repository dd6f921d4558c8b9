"""A custom coalition, swept: how many hits get through as the coalition grows.

Builds a scenario in code from the built-in `small` one (three members) with one member's
pledge changed, then sweeps the coalition's size and prints hits on protected assets with and
without the shield at each size.

    python examples/coalition_sweep.py [--runs 10] [--store runs.duckdb]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from skyshield.runs import Store
from skyshield.scenario import load_scenario, scenario_from_data
from skyshield.studies import sweep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="replications a point")
    ap.add_argument("--store", type=Path, default=None, help="keep the runs in this store")
    args = ap.parse_args()

    data = load_scenario("small").scenario.to_data()
    data["name"] = "small-more-gripens"
    sweden = next(m for m in data["coalition"]["members"] if m["iso_a3"] == "SWE")
    sweden["pledges"][0]["count"] = 8  # Sweden pledges 8 Gripens instead of 4
    scenario = scenario_from_data(data, "<examples/coalition_sweep.py>")

    result = sweep(
        scenario,
        [("coalition.total_aircraft", [8, 16, 24])],
        raid="reference",
        runs=args.runs,
        store=Store(args.store) if args.store else None,
    )
    table = result.table
    for _, row in table.iterrows():
        print(
            f"{int(row['set:coalition.total_aircraft']):>3} jets: hits on protected assets"
            f" {row['baseline.hits_on_assets']:.1f} without the shield,"
            f" {row['shield.hits_on_assets']:.1f} [{row['shield.hits_on_assets.low']:.1f},"
            f" {row['shield.hits_on_assets.high']:.1f}] with it"
        )


if __name__ == "__main__":
    main()
