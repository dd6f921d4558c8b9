"""Sweep and sensitivity jobs through the API: what is refused before anything is queued
(missing or too many points, too many replications, a point the scenario rejects, an unknown
metric), and a real 2-point sweep whose runs land in the store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from skyshield.analysis.sensitivity import load_factors
from skyshield.analysis.sweep import SWEEP_METRICS
from skyshield.runs import Store
from skyshield.scenario import load_scenario
from skyshield.web import Limits
from web_helpers import client, make_config

SMALL = load_scenario("small").text


@pytest.fixture
def api(tmp_path: Path):  # type: ignore[no-untyped-def]
    # the jobs would run a function that does not exist: nothing here may reach a worker
    targets = {"sweep": "nowhere:never", "sensitivity": "nowhere:never"}
    config = make_config(
        tmp_path, job_targets=targets, limits=Limits(replications_per_job=60, sweep_points=4)
    )
    with client(config) as c:
        yield c


def _sweep(api, **changes):  # type: ignore[no-untyped-def]
    body = {
        "kind": "sweep",
        "ref": "small",
        "text": SMALL,
        "runs": 2,
        "set_path": "coalition.total_aircraft",
        "set_values": [4, 8],
        **changes,
    }
    return api.post("/api/jobs", json=body)


def test_a_sweep_is_checked_before_it_is_queued(api) -> None:  # type: ignore[no-untyped-def]
    missing = _sweep(api, set_values=None)
    assert missing.status_code == 422
    assert missing.json()["detail"] == "a sweep needs set_path and at least one of set_values"
    many = _sweep(api, set_values=[4, 8, 12, 16, 20])
    assert (
        many.status_code == 422 and many.json()["detail"] == "5 sweep points: at most 4 in one job"
    )
    big = _sweep(api, runs=20, set_values=[4, 8, 12, 16])
    assert big.status_code == 422
    assert (
        "80 replications in all, more than this server runs in one job (60)" in big.json()["detail"]
    )
    bad = _sweep(api, set_path="theatre.patrol_standoff_km", set_values=[150, -5])
    assert bad.status_code == 422 and "patrol_standoff_km" in bad.json()["detail"]
    path = _sweep(api, set_path="../etc/passwd")
    assert path.status_code == 422
    assert api.get("/api/jobs").json() == []


def test_a_sensitivity_study_is_checked_before_it_is_queued(api) -> None:  # type: ignore[no-untyped-def]
    body = {"kind": "sensitivity", "ref": "small", "text": SMALL, "runs": 2}
    metric = api.post("/api/jobs", json={**body, "metric": "shield.nothing"})
    assert metric.status_code == 422 and metric.json()["detail"].startswith("not a metric")
    factors = len(load_factors(None)[0])
    big = api.post("/api/jobs", json={**body, "runs": 3})
    assert big.status_code == 422
    assert f"{3 * (1 + 2 * factors)} replications in all" in big.json()["detail"]
    assert api.get("/api/jobs").json() == []


@pytest.mark.slow
def test_a_two_point_sweep_stores_a_run_a_point(tmp_path: Path) -> None:
    with client(make_config(tmp_path)) as api:
        r = _sweep(api)
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["label"] == (
            "sweep coalition.total_aircraft = 4, 8 on small, 2 replication(s) a point"
        )
        end = time.monotonic() + 600
        while job["state"] not in ("done", "failed", "cancelled") and time.monotonic() < end:
            time.sleep(0.2)
            job = api.get(f"/api/jobs/{job['id']}").json()
        assert job["state"] == "done", job["message"]
        res = job["result"]
        assert res["path"] == "coalition.total_aircraft" and res["metrics"] == list(SWEEP_METRICS)
        assert [row["set:coalition.total_aircraft"] for row in res["table"]] == [4, 8]
        assert [row["run_id"] for row in res["table"]] == res["run_ids"]
        runs = Store(tmp_path / "store.duckdb").runs().set_index("run_id")
        for run_id in res["run_ids"]:
            assert runs.loc[run_id, "kind"] == "sweep" and runs.loc[run_id, "status"] == "done"
            assert runs.loc[run_id, "stored"] == 2
