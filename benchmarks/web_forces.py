"""Forces live: how long the web app takes to answer an edit of the reference scenario.

One ``POST /api/check`` moves a CAP station (the page's drag): the edit, the check of
``scenario validate``, the force plan and the map layers, answered as JSON, through the app's
guard (FastAPI's test client, no network).  Prints the first opening (zones computed) and the
median and 95th percentile of the edits, with the server's own split (check, forces).  The goal:
an edit answered within 300 ms.

Run: ``.venv/bin/python benchmarks/web_forces.py [--edits 30]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Measure and print."""
    from fastapi.testclient import TestClient

    from skyshield.web import ServerConfig, create_app

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = ServerConfig(Path(tmp) / "sc", Path(tmp) / "out", Path(tmp) / "store.duckdb")
        with TestClient(create_app(config), base_url="http://127.0.0.1:8765") as client:
            t = time.perf_counter()
            view = client.get("/api/scenarios/reference").json()
            first_ms = (time.perf_counter() - t) * 1000.0
            walls, checks, forces = [], [], []
            for i in range(args.edits):
                lon = 29.0 + 0.02 * (i % 20)
                edit = {
                    "op": "set",
                    "path": ["cap", "stations", 0, "position"],
                    "value": [lon, 50.3],
                }
                body = {
                    "ref": "reference",
                    "text": view["text"],
                    "edits": [edit],
                    "zones_for": view["theatre_key"],
                }
                t = time.perf_counter()
                r = client.post("/api/check", json=body)
                walls.append((time.perf_counter() - t) * 1000.0)
                out = r.json()
                assert r.status_code == 200 and not out["problems"], out.get("problems")
                checks.append(out["timings_ms"]["check"])
                forces.append(out["timings_ms"]["forces"])

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]

    print(f"open the reference scenario (zones computed): {first_ms:.0f} ms")
    print(
        f"edit answered (move a station), {args.edits} edits:"
        f" median {statistics.median(walls):.0f} ms, p95 {p95(walls):.0f} ms (goal 300 ms)"
    )
    print(
        f"  of which check (scenario validate's loader): median {statistics.median(checks):.0f} ms"
    )
    print(f"  of which force plan: median {statistics.median(forces):.0f} ms")


if __name__ == "__main__":
    main()
