"""Benchmark: the engagement engine on the reference scenario and raid.

Run: ``.venv/bin/python benchmarks/engine.py [--reps N]``.  Prints the time to build the world
(once per scenario and night), replications per second per core (baseline and shield on common
random numbers, one process; wall clock and CPU time, the latter less sensitive to other load on
the machine), what that means for 1,000 replications on two local workers, where a shield
replication's time goes, peak memory, and how the time grows with raid size (100, 1,000 and
10,000 threats).
"""

from __future__ import annotations

import argparse
import resource
import time

from common import machine

from skyshield.engine.api import build_world
from skyshield.engine.sim import ShieldRun, World, run_replication
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


def rate(world: World, reps: int, defences: tuple[str, ...]) -> tuple[float, float]:
    """Replications per second over ``reps`` seeds: wall clock and CPU time of this process."""
    t0, c0 = time.perf_counter(), time.process_time()
    for seed in range(reps):
        run_replication(world, seed, defences)
    return reps / (time.perf_counter() - t0), reps / (time.process_time() - c0)


def loop_share(world: World, reps: int) -> float:
    """Share of a baseline + shield replication's CPU time spent in the shield's event loop
    (C2 cycles, engagements, reliefs)."""
    spent = [0.0]
    plain = ShieldRun.loop

    def timed(run: ShieldRun) -> None:
        c0 = time.process_time()
        plain(run)
        spent[0] += time.process_time() - c0

    ShieldRun.loop = timed  # type: ignore[method-assign,assignment]
    try:
        c0 = time.process_time()
        for seed in range(reps):
            run_replication(world, seed)
        return spent[0] / (time.process_time() - c0)
    finally:
        ShieldRun.loop = plain  # type: ignore[method-assign]


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
    print("                        wall clock        CPU time (replications/s)")
    both = (0.0, 0.0)
    for label, defences in (
        ("baseline only", ("baseline",)),
        ("shield only", ("shield",)),
        ("baseline + shield", ("baseline", "shield")),
    ):
        wall, cpu = rate(world, reps, defences)
        both = (wall, cpu)
        print(f"  {label + ':':<20} {wall:8.2f}          {cpu:8.2f}")
    print(
        f"  1,000 replications (baseline + shield) on 2 workers: about {1000 / (2 * both[1]):.0f} s"
        f" (from the CPU-time rate)"
    )
    print(f"  shield event loop: {100 * loop_share(world, reps):.0f} % of that CPU time")
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
