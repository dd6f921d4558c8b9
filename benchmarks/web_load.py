"""Load on the web server: concurrent users browsing while an assessment job runs.

``skyshield serve`` runs in its own process on a free loopback port, with a temporary store and
output folder.  Before the clock starts, the store gets one stored run (``mc small``, 2
replications) and its replay is built once (as a first visitor would); then an assessment job
is started through the API, sized to run for the whole test.  ``--users`` simulated users
(httpx, asynchronous, one connection each) then browse for ``--seconds``: each picks a page at
random (the list of runs, one run, the replay's night, a record summary with filters, the
largest nights, the list of jobs), waits for the answer, and thinks for a random time with mean
``--think`` seconds (uniform on 0..2x) before the next.

Printed: requests, errors (any answer other than 200, or no answer), and per read endpoint the
median, 95th percentile and largest latency; the job's state at the end; the machine's load
average before and after (the figures depend on what else runs).  The goal: 0 errors and a 95th
percentile under 300 ms.

Run: ``.venv/bin/python benchmarks/web_load.py [--users 50] [--seconds 60] [--think 1.0]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

#: Record filters a user picks from (dates, classes, period).
RECORD_QUERIES = (
    "by=month",
    "by=week&start=2024-09-01&end=2025-06-30",
    "by=month&classes=shahed-136",
    "by=month&classes=kh-101,kalibr,iskander-m",
    "by=night&start=2025-05-01&end=2025-06-30",
    "by=month&categories=cruise,ballistic",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _wait_up(base: str, timeout_s: float = 120.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            if httpx.get(f"{base}/api/info", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def _prepare(store: Path, base: str, assess_runs: int) -> tuple[str, str]:
    """A stored run and its replay built; an assessment job started.  (run id, job id)"""
    from skyshield.runs import Store
    from skyshield.scenario import load_scenario
    from skyshield.studies import montecarlo

    run = montecarlo("small", raid="reference", runs=2, seed=3, store=Store(store))
    assert run.run_id is not None
    t = time.perf_counter()
    r = httpx.get(f"{base}/api/runs/{run.run_id}/replications/0/night", timeout=600)
    r.raise_for_status()
    print(
        f"replay built on first visit: {time.perf_counter() - t:.1f} s, {len(r.content) / 1e3:.0f} kB"
    )
    body = {
        "kind": "assess",
        "ref": "small",
        "text": load_scenario("small").text,
        "runs": assess_runs,
        "sweep_runs": 0,
    }
    job = httpx.post(f"{base}/api/jobs", json=body, timeout=60)
    job.raise_for_status()
    return run.run_id, str(job.json()["id"])


async def _user(
    client: httpx.AsyncClient,
    pages: list[tuple[str, str]],
    until: float,
    think: float,
    rng: random.Random,
    out: dict[str, list[float]],
    errors: dict[str, int],
) -> None:
    while time.monotonic() < until:
        name, url = rng.choice(pages)
        t = time.perf_counter()
        try:
            r = await client.get(url)
            ok = r.status_code == 200
            await r.aread()
        except httpx.HTTPError:
            ok = False
        out[name].append((time.perf_counter() - t) * 1000.0)
        if not ok:
            errors[name] += 1
        await asyncio.sleep(rng.uniform(0.0, 2.0 * think))


async def _browse(
    base: str, run_id: str, users: int, seconds: float, think: float
) -> tuple[dict[str, list[float]], dict[str, int]]:
    pages = [
        ("runs", "/api/runs"),
        ("run", f"/api/runs/{run_id}"),
        ("night", f"/api/runs/{run_id}/replications/0/night"),
        ("jobs", "/api/jobs"),
        ("record nights", "/api/record/nights?top=15"),
    ]
    pages += [("record summary", f"/api/record/summary?{q}") for q in RECORD_QUERIES]
    out: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    until = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) for _ in range(users)]
    try:
        await asyncio.gather(
            *(
                _user(c, pages, until, think, random.Random(k), out, errors)
                for k, c in enumerate(clients)
            )
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return out, errors


def _row(name: str, ms: list[float], errors: int) -> str:
    s = sorted(ms)
    p95 = s[int(0.95 * (len(s) - 1))]
    return (
        f"{name:<16} {len(s):>7} {errors:>6} {statistics.median(s):>9.1f} {p95:>9.1f} {s[-1]:>9.1f}"
    )


def main() -> None:
    """Measure and print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=1.0, help="mean think time of a user (s)")
    ap.add_argument("--assess-runs", type=int, default=400, help="replications of the job")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "store.duckdb"
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from skyshield.cli.main import entry; entry()",
                "serve",
                "--port",
                str(port),
                "--store",
                str(store),
                "--out",
                str(folder / "out"),
                "--scenarios",
                str(folder / "scenarios"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "server.log", "wb"),  # noqa: SIM115
            env={k: v for k, v in os.environ.items() if k != "SKYSHIELD_TOKEN"},
        )
        try:
            _wait_up(base)
            run_id, job_id = _prepare(store, base, args.assess_runs)
            load_before = os.getloadavg()
            t = time.perf_counter()
            out, errors = asyncio.run(_browse(base, run_id, args.users, args.seconds, args.think))
            wall = time.perf_counter() - t
            load_after = os.getloadavg()
            job = httpx.get(f"{base}/api/jobs/{job_id}", timeout=30).json()
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = sum(len(v) for v in out.values())
    every = [x for v in out.values() for x in v]
    print(
        f"{args.users} users for {wall:.0f} s (think time {args.think:.1f} s mean), one"
        f" assessment job running ({job['state']}, {job['done']}/{job['total']} of {job['stage']}"
        f" at the end); {total} requests ({total / wall:.0f} a second), {sum(errors.values())} errors"
    )
    print(
        f"{'endpoint':<16} {'requests':>7} {'errors':>6} {'median ms':>9} {'p95 ms':>9} {'max ms':>9}"
    )
    for name in sorted(out):
        print(_row(name, out[name], errors[name]))
    print(_row("all reads", every, sum(errors.values())))
    print(
        "load average (1, 5, 15 min): before "
        + " ".join(f"{v:.2f}" for v in load_before)
        + ", after "
        + " ".join(f"{v:.2f}" for v in load_after)
        + f"; {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
