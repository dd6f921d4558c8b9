"""One night of the record, flown against Ukraine's defences alone and with the shield.

Replays the night of 8 June 2025 from the attack record (the shipped snapshot, or the import in
use in your store) a few times on common random numbers and prints what the shield changes.

    python examples/record_night.py [--night 2025-06-08] [--runs 5]
"""

from __future__ import annotations

import argparse

from skyshield.studies import montecarlo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--night", default="2025-06-08", help="a night of the record (YYYY-MM-DD)")
    ap.add_argument("--runs", type=int, default=5, help="replications")
    ap.add_argument("--scenario", default="reference", help="scenario (default reference)")
    args = ap.parse_args()

    mc = montecarlo(args.scenario, raid=args.night, runs=args.runs)
    t = mc.table.set_index("metric")
    night = mc.world.night
    print(f"night {night.name}: {night.total} weapons, {args.runs} replications")
    for metric, label in (
        ("baseline.hits_on_assets", "hits on protected assets, Ukraine's defences alone"),
        ("shield.hits_on_assets", "hits on protected assets, with the shield"),
        ("marginal.hits_on_assets_avoided", "hits avoided by the shield"),
        ("shield.killed_fighter", "threats the fighters kill"),
    ):
        r = t.loc[metric]
        print(f"  {label}: {r['mean']:.1f} [{r['ci95_low']:.1f}, {r['ci95_high']:.1f}]")


if __name__ == "__main__":
    main()
