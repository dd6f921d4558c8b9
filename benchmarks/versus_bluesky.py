"""Benchmark: Sky Shield's kinematics beside BlueSky, the open air traffic simulator, on the same
motion: N aircraft in straight, level flight for T seconds.

Run: ``.venv/bin/python benchmarks/versus_bluesky.py [--aircraft 100,1000] [--seconds 600]``, after
``.venv/bin/pip install -e '.[bench]'`` (BlueSky, pip package ``bluesky-simulator``, is not a
dependency of the project; on its first start it writes its navigation data cache under
``~/bluesky``).

BlueSky integrates every aircraft's state each ``simdt`` (0.05 s by default) with a performance
model (OpenAP) and its autopilot.  Sky Shield moves threats along straight legs analytically: a
position at any time is an interpolation on the leg.  The like-for-like figure is every
aircraft's position at every BlueSky step (``skyshield.engine.kinematics.positions_at``);
both are printed as aircraft-seconds simulated per CPU second, with their ratio.  The ratio
anchors the engine's speed against a known simulator; it says nothing of fidelity (BlueSky's
flight dynamics are far richer than a constant-speed leg).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time

import numpy as np
from common import machine

from skyshield.engine.kinematics import positions_at

#: Where the aircraft fly: a row along 49 degrees north from 24 to 30 degrees east, heading east
#: at 3,000 m and 150 m/s (BlueSky's calibrated airspeed; about 172 m/s true at that height).
LAT, LON0, LON1, ALT_M, CAS_MS = 49.0, 24.0, 30.0, 3000.0, 150.0


def bluesky_rate(n: int, seconds: float) -> tuple[float, float, float]:
    """BlueSky: (aircraft-seconds per CPU second, its step in s, how far the first aircraft flew
    in km) for ``n`` aircraft flown ``seconds``."""
    import bluesky as bs

    with contextlib.redirect_stdout(io.StringIO()):  # BlueSky reports its start-up on stdout
        if getattr(bs, "sim", None) is None:
            bs.init(mode="sim", detached=True)
        bs.sim.reset()
    bs.traf.cre(
        acid=[f"AC{i}" for i in range(n)],
        actype="B738",
        aclat=np.full(n, LAT),
        aclon=np.linspace(LON0, LON1, n),
        achdg=np.full(n, 90.0),
        acalt=np.full(n, ALT_M),
        acspd=np.full(n, CAS_MS),
    )
    bs.stack.stack("OP")
    lon0 = float(bs.traf.lon[0])
    c0 = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        while bs.sim.simt < seconds:
            bs.sim.step()
    cpu = time.process_time() - c0
    flown_km = (float(bs.traf.lon[0]) - lon0) * 111.32 * np.cos(np.radians(LAT))
    return n * seconds / cpu, float(bs.sim.simdt), flown_km


def skyshield_rate(n: int, seconds: float, step_s: float, speed_kmh: float) -> float:
    """Sky Shield: aircraft-seconds per CPU second for every aircraft's position at every step
    of ``step_s`` over ``seconds`` along straight legs (km) flown at ``speed_kmh``."""
    x0 = np.linspace(0.0, (LON1 - LON0) * 111.32 * np.cos(np.radians(LAT)), n)
    offsets = np.arange(0, 2 * n + 1, 2, dtype=np.int64)
    x = np.column_stack([x0, x0 + speed_kmh * seconds / 3600.0]).ravel()
    y = np.zeros(2 * n)
    t = np.tile([0.0, seconds], n)
    times = np.arange(0.0, seconds + step_s / 2, step_s)
    chunk = max(1, 2_000_000 // n)  # at most about two million positions at a time
    c0 = time.process_time()
    for k in range(0, len(times), chunk):
        positions_at(offsets, x, y, t, np.arange(n)[:, None], times[None, k : k + chunk])
    return n * seconds / (time.process_time() - c0)


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aircraft", default="100,1000", help="aircraft counts, comma-separated")
    ap.add_argument("--seconds", type=float, default=600.0, help="simulated time (s)")
    args = ap.parse_args()
    try:
        import bluesky  # noqa: F401
    except ImportError:
        sys.exit("BlueSky is not installed: .venv/bin/pip install -e '.[bench]'")
    print(machine())
    print(f"straight, level flight for {args.seconds:g} s (aircraft-seconds per CPU second)")
    print("  aircraft      BlueSky    Sky Shield (a position every BlueSky step)    ratio")
    for n in (int(a) for a in args.aircraft.split(",")):
        theirs, step_s, flown_km = bluesky_rate(n, args.seconds)
        speed_kmh = flown_km / args.seconds * 3600.0  # the same true airspeed as BlueSky's
        ours = skyshield_rate(n, args.seconds, step_s, speed_kmh)
        print(
            f"  {n:>8,}  {theirs:>11,.0f}    {ours:>15,.0f} (step {step_s:g} s, {speed_kmh:,.0f} km/h)"
            f"  {ours / theirs:>7,.0f}"
        )


if __name__ == "__main__":
    main()
