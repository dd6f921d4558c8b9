"""Benchmark: the engagement engine on the reference scenario and raid.

Run: ``.venv/bin/python benchmarks/engine.py [--reps N]``.  Prints the time to build the world
(once per scenario and night), replications per second per core (baseline and shield on common
random numbers, one process), peak memory, and how the time grows with raid size (100, 1,000 and
10,000 threats).
"""

from __future__ import annotations

import argparse
import resource
import time

from common import machine

from skyshield.engine.api import build_world
from skyshield.engine.sim import run_replication
from skyshield.raids import Night, ThreatGroup

START = "2025-06-07T20:00:00+03:00"


def scaled_night(total: int) -> Night:
    """A night like the reference (94 % drones, 5 % cruise, 1 % ballistic) with ``total`` weapons."""
    drones = round(total * 0.94)
    cruise = round(total * 0.05)
    ballistic = max(total - drones - cruise, 0)
    areas = (
        "primorsko-akhtarsk",
        "kursk",
        "oryol",
        "millerovo",
        "shatalovo",
        "bryansk",
        "hvardiiske",
    )
    groups = [
        ThreatGroup(
            threat="shahed-136",
            count=drones // len(areas) + (i < drones % len(areas)),
            launch_area=a,
            launch_end_h=9.0,
        )
        for i, a in enumerate(areas)
    ]
    groups += [
        ThreatGroup(
            threat="kh-101",
            count=cruise,
            launch_area="engels",
            launch_start_h=7.0,
            launch_end_h=8.0,
        ),
        ThreatGroup(
            threat="iskander-m",
            count=ballistic,
            launch_area="kursk",
            launch_start_h=10.0,
            launch_end_h=11.5,
        ),
    ]
    return Night(name=f"scaled-{total}", start=START, groups=[g for g in groups if g.count > 0])  # type: ignore[arg-type]


def rate(world: object, reps: int, defences: tuple[str, ...]) -> float:
    """Replications per second over ``reps`` seeds."""
    t0 = time.perf_counter()
    for seed in range(reps):
        run_replication(world, seed, defences)  # type: ignore[arg-type]
    return reps / (time.perf_counter() - t0)


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=10)
    reps = ap.parse_args().reps
    print(machine())
    t0 = time.perf_counter()
    world = build_world("reference", "reference")
    print(f"build the world (scenario, force plan, zones), once: {time.perf_counter() - t0:.2f} s")
    run_replication(world, 0)  # warm up
    print(f"reference raid (860 threats, 120 jets), {reps} replications on one core:")
    print(f"  baseline only:        {rate(world, reps, ('baseline',)):6.2f} replications/s")
    print(f"  shield only:          {rate(world, reps, ('shield',)):6.2f} replications/s")
    print(
        f"  baseline + shield:    {rate(world, reps, ('baseline', 'shield')):6.2f} replications/s"
    )
    print("scaling with raid size (baseline + shield, s per replication):")
    for total in (100, 1_000, 10_000):
        w = build_world("reference", scaled_night(total))
        n = max(1, min(reps, 3 if total >= 10_000 else reps))
        t0 = time.perf_counter()
        for seed in range(n):
            run_replication(w, seed)
        per = (time.perf_counter() - t0) / n
        print(f"  {total:>6,} threats: {per:7.2f} s  ({1e3 * per / total:.2f} ms a threat)")
    print(
        f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
