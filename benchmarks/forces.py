"""Benchmark: scenario loading, zone geometry and force allocation on the reference scenario.

Run: ``.venv/bin/python benchmarks/forces.py [--repeat N]``.  Prints wall times (median of N
repeats, in milliseconds) and peak memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

from common import machine, timed

from skyshield.forces import plan_forces
from skyshield.geo import Theatre, TheatreConfig
from skyshield.report import plot_force_map
from skyshield.scenario import load_scenario


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().repeat
    print(machine())

    def zones() -> None:
        th = Theatre(TheatreConfig())
        _ = th.patrol_zone_km, th.engagement_zone_km

    def zones_blr() -> None:
        th = Theatre(TheatreConfig(hostile=("RUS", "BLR", "occupied")))
        _ = th.patrol_zone_km, th.engagement_zone_km

    ls = load_scenario("reference")
    print(
        f"load + check reference scenario (fresh zones): {timed(lambda: load_scenario('reference'), n):8.1f} ms"
    )
    print(f"patrol + engagement zones, RUS + occupied:     {timed(zones, n):8.1f} ms")
    print(f"patrol + engagement zones, with Belarus:       {timed(zones_blr, n):8.1f} ms")
    print(
        f"force allocation (MILP), reference:            {timed(lambda: plan_forces(ls), n):8.1f} ms"
    )
    plan = plan_forces(ls)
    with tempfile.TemporaryDirectory() as d:
        png = Path(d) / "map.png"
        print(
            f"map PNG:                                       {timed(lambda: plot_force_map(ls, plan, png), n):8.1f} ms"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
