"""Benchmark: the engagement engine on the reference scenario and raid.

Run: ``.venv/bin/python benchmarks/engine.py [--reps N] [--sizes 100,1000,10000,100000]``.
Prints the time to compile the engine's kernel (numba: once per machine and engine version, then
loaded from its cache) and to build the world, replications per second per core (baseline and
shield on common random numbers, one process; wall clock and CPU time, the latter less
sensitive to other load on the machine), what that means for 1,000 replications on two local
workers, the share of the shield's event loop and its events per second, and how a replication
grows with raid size (s a replication and peak memory of a process running it).  The machine
is shared: run it alone, and read the CPU-time figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from common import machine

from skyshield.engine.api import build_world
from skyshield.engine.shield import ShieldRun
from skyshield.engine.sim import run_replication
from skyshield.engine.world import World
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


def loop_share(world: World, reps: int) -> tuple[float, float]:
    """Share of a baseline + shield replication's CPU time spent in the shield's event loop
    (C2 cycles, engagements, reliefs), and the loop's events handled per CPU second."""
    spent, events = [0.0], [0]
    plain = ShieldRun.loop

    def timed(run: ShieldRun) -> None:
        c0 = time.process_time()
        plain(run)
        spent[0] += time.process_time() - c0
        events[0] += int(run.events.tally[2])

    ShieldRun.loop = timed  # type: ignore[method-assign]
    try:
        c0 = time.process_time()
        for seed in range(reps):
            run_replication(world, seed)
        return spent[0] / (time.process_time() - c0), events[0] / spent[0]
    finally:
        ShieldRun.loop = plain  # type: ignore[method-assign]


def child_compile() -> None:
    """In a fresh process: build the world, then time the kernel's first use (``build_world``
    ends by compiling it, or loading it from numba's cache); print the times as JSON."""
    from skyshield.engine.sim import warm_up

    c0, t0 = time.process_time(), time.perf_counter()
    world = build_world("reference", "reference")
    both = time.perf_counter() - t0, time.process_time() - c0
    c0, t0 = time.process_time(), time.perf_counter()
    warm_up(world)  # loaded by now: the cost of a warm start
    again = time.perf_counter() - t0
    print(json.dumps({"wall": both[0], "cpu": both[1], "again": again}))


def child_size(total: int, reps: int) -> None:
    """In a fresh process: s a replication (wall, CPU) of a ``total``-threat night and the
    process's peak memory; printed as JSON."""
    world = build_world("reference", scaled_night(total))
    t0, c0 = time.perf_counter(), time.process_time()
    for seed in range(reps):
        run_replication(world, seed)
    wall, cpu = (time.perf_counter() - t0) / reps, (time.process_time() - c0) / reps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak}))


def in_child(*args: str, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run this script with ``args`` in a fresh process; its JSON answer."""
    out = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    answer: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return answer


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--sizes", default="100,1000,10000,100000", help="threats of the scaled nights")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child[0] == "compile":
            child_compile()
        else:
            child_size(int(args.child[1]), int(args.child[2]))
        return
    reps = args.reps
    print(machine())
    with tempfile.TemporaryDirectory() as cache:
        cold = in_child("--child", "compile", env={"NUMBA_CACHE_DIR": cache})
        warm = in_child("--child", "compile", env={"NUMBA_CACHE_DIR": cache})
    print(
        f"compile the kernel (numba, once per machine and engine version): "
        f"{cold['cpu'] - warm['cpu']:.1f} s CPU ({cold['wall'] - warm['wall']:.1f} s wall); "
        f"a process that finds it cached: {1000 * warm['again']:.0f} ms"
    )
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
    share, per_s = loop_share(world, reps)
    print(f"  shield event loop: {100 * share:.0f} % of that CPU time, {per_s:,.0f} events/s")
    print("scaling with raid size (baseline + shield, a fresh process each):")
    print("  threats     s a replication (wall, CPU)     peak memory")
    for total in (int(s) for s in args.sizes.split(",")):
        n = max(1, min(reps, 1 if total >= 100_000 else 3 if total >= 10_000 else reps))
        r = in_child("--child", "size", str(total), str(n))
        print(
            f"  {total:>7,}     {r['wall']:8.3f}  {r['cpu']:8.3f}"
            f"  ({1e3 * r['cpu'] / total:.2f} ms a threat)    {r['peak_mib']:,.0f} MiB"
        )
    print(
        f"peak memory (max RSS) of this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
