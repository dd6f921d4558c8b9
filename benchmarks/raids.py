"""Benchmark: record import, replay, generator fit and sampling, and flying raids.

Run: ``.venv/bin/python benchmarks/raids.py [--repeat N]``.  Prints median wall times in ms and
the time per threat of flying a night, for the reference raid and raids of 100, 1,000 and 10,000
drones (to show how the cost grows with raid size).
"""

from __future__ import annotations

import argparse
import resource
from datetime import date

import numpy as np
from common import machine, timed

from skyshield.raids import (
    Night,
    ThreatGroup,
    fit,
    fly,
    generate,
    load_raid,
    night_from_record,
    raid_context,
)
from skyshield.record import read_record
from skyshield.scenario import load_scenario


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().repeat
    print(machine())
    print(
        f"import the shipped record (2,617 rows):   {timed(lambda: read_record(None), n):8.1f} ms"
    )
    rows = read_record(None).rows
    ls = load_scenario("reference")
    ctx = raid_context(ls)
    _ = ctx.rules  # build the forbidden-territory geometry once
    print(
        f"replay the night of 2025-06-08:           {timed(lambda: night_from_record(rows, date(2025, 6, 8), ctx), n):8.1f} ms"
    )
    june = (date(2025, 6, 1), date(2025, 6, 30))
    print(f"fit the generator on June 2025:           {timed(lambda: fit(rows, *june), n):8.1f} ms")
    model = fit(rows, *june)
    print(
        f"generate 30 nights:                       {timed(lambda: generate(model, 30, np.random.default_rng(1), 'b'), n):8.1f} ms"
    )
    nights, _ = load_raid("reference", ctx, lambda: rows)
    ms = timed(lambda: fly(nights[0], ctx, np.random.default_rng(1)), n)
    print(
        f"fly the reference raid (860 threats):     {ms:8.1f} ms ({1000 * ms / 860:.0f} us a threat)"
    )
    for size in (100, 1_000, 10_000):
        night = Night(
            name=f"drones-{size}",
            start=nights[0].start,
            groups=[
                ThreatGroup(threat="shahed-136", count=size, launch_area="kursk", launch_end_h=8.0)
            ],
        )
        ms = timed(lambda night=night: fly(night, ctx, np.random.default_rng(1)), max(1, n // 2))
        print(
            f"fly {size:>6,} drones:                       {ms:8.1f} ms ({1000 * ms / size:.0f} us a threat)"
        )
    print(
        f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
