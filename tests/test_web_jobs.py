"""The job queue's mechanics with trivial job functions: worker processes, progress as
server-sent events, results, failures, cancel (the whole process group ends), a full queue."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from skyshield.web import Limits
from web_helpers import JOB_MODULE, client, make_config

TARGETS = {
    "count": "webjob:count",
    "sleep": "webjob:sleeper",
    "broken": "webjob:broken",
    "store": "webjob:store_sleeper",
}


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    (tmp_path / "webjob.py").write_text(JOB_MODULE, encoding="utf-8")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    )
    config = make_config(
        tmp_path, job_targets=TARGETS, limits=Limits(concurrent_jobs=1, queued_jobs=1)
    )
    with client(config) as c:
        yield c


def _start(api, kind: str, runs: int = 5) -> dict:  # type: ignore[no-untyped-def]
    r = api.post(
        "/api/jobs", json={"kind": kind, "ref": "small", "text": "name: small\n", "runs": runs}
    )
    assert r.status_code == 202, r.text
    return dict(r.json())


def _wait(api, job_id: str, states: set[str], timeout: float = 60.0) -> dict:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = api.get(f"/api/jobs/{job_id}").json()
        if job["state"] in states:
            return dict(job)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['state']}")


def _events(api, job_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    with api.stream("GET", f"/api/jobs/{job_id}/events") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
    return out


def test_a_job_streams_its_progress_and_ends_with_its_result(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    job = _start(api, "count", runs=8)
    events = _events(api, job["id"])
    assert events[-1]["state"] == "done"
    assert events[-1]["result"] == {"counted": 8, "run_ids": []}
    progress = [(e["done"], e["total"]) for e in events if e["state"] == "running" and e["total"]]
    assert progress and all(t == 8 for _, t in progress)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    folder = tmp_path / "out" / "jobs" / job["id"]
    assert (folder / "counted.txt").read_text() == "8"
    assert "a stray print goes to the log" in (folder / "worker.log").read_text()
    assert json.loads((folder / "job.json").read_text())["state"] == "done"
    assert api.get("/api/jobs").json()[0]["id"] == job["id"]


def test_a_failing_job_says_why(api) -> None:  # type: ignore[no-untyped-def]
    job = _wait(api, _start(api, "broken")["id"], {"done", "failed"})
    assert job["state"] == "failed"
    assert "RuntimeError: the job broke on purpose" in job["message"]


def test_cancel_ends_the_whole_process_group(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    job = _start(api, "sleep")
    _wait(api, job["id"], {"running"})
    pid_file = tmp_path / "out" / "jobs" / job["id"] / "child.pid"
    end = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < end:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    queued = _start(api, "count")  # waits behind the sleeper
    assert api.get(f"/api/jobs/{queued['id']}").json()["state"] == "queued"
    full = api.post("/api/jobs", json={"kind": "count", "ref": "small", "text": "x", "runs": 1})
    assert (
        full.status_code == 429 and "wait for one to finish or cancel one" in full.json()["detail"]
    )

    assert api.post(f"/api/jobs/{job['id']}/cancel").status_code == 200
    ended = _wait(api, job["id"], {"cancelled", "failed", "done"})
    assert ended["state"] == "cancelled"
    end = time.monotonic() + 10
    while _alive(child) and time.monotonic() < end:
        time.sleep(0.05)
    assert not _alive(child), "the job's child process outlived the cancel"
    # the waiting job starts once the slot is free
    assert _wait(api, queued["id"], {"done", "failed"})["state"] == "done"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped by its parent) counts as ended
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_cancel_a_waiting_job_and_unknown_jobs(api) -> None:  # type: ignore[no-untyped-def]
    first = _start(api, "sleep")
    second = _start(api, "count")
    assert api.post(f"/api/jobs/{second['id']}/cancel").json()["state"] == "cancelled"
    assert api.post(f"/api/jobs/{first['id']}/cancel").status_code == 200
    _wait(api, first["id"], {"cancelled"})
    assert api.get("/api/jobs/0123456789ab").status_code == 404
    assert api.get("/api/jobs/0123456789ab/events").status_code == 404
    assert api.get(f"/api/jobs/{second['id']}/report").status_code == 404


@pytest.mark.slow
def test_an_assessment_job_writes_its_report(tmp_path: Path) -> None:
    from skyshield.scenario import load_scenario
    from skyshield.web.security import REPORT_CSP

    with client(make_config(tmp_path)) as api:
        text = load_scenario("small").text
        body = {"kind": "assess", "ref": "small", "text": text, "runs": 2, "sweep_runs": 0}
        job = api.post("/api/jobs", json=body).json()
        done = _wait(api, job["id"], {"done", "failed", "cancelled"}, timeout=300)
        assert done["state"] == "done", done["message"]
        assert done["result"]["report"] == "report.html" and len(done["result"]["run_ids"]) == 1
        report = api.get(f"/api/jobs/{job['id']}/report")
        assert report.status_code == 200 and "<html" in report.text.lower()
        assert report.headers["content-security-policy"] == REPORT_CSP
        summary = api.get(f"/api/jobs/{job['id']}/summary").json()
        assert summary
        runs = {r["run_id"]: r for r in api.get("/api/runs").json()}
        main_run = runs[done["result"]["run_ids"][0]]
        assert main_run["scenario_origin"] == "<builtin small>"  # unchanged: stored by its name


def _file(path: Path, timeout: float = 60.0) -> str:
    end = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.05)
    return path.read_text()


@pytest.mark.slow
def test_a_killed_worker_fails_with_a_message_and_the_store_stays_consistent(
    api, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    job = _start(api, "store")
    folder = tmp_path / "out" / "jobs" / job["id"]
    pid = int(_file(folder / "worker.pid"))
    run_id = _file(folder / "run_id")
    os.kill(pid, signal.SIGKILL)
    ended = _wait(api, job["id"], {"failed", "cancelled", "done"})
    assert ended["state"] == "failed"
    assert ended["message"].startswith(
        "failed: the worker ended without a result (killed by signal 9 (SIGKILL)); what it"
        " stored is kept, its run reads as interrupted in the store"
    )
    # the page reads the run as interrupted, in the list and alone
    listed = {r["run_id"]: r for r in api.get("/api/runs").json()}
    assert listed[run_id]["status"] == "interrupted" and listed[run_id]["stored"] == 0
    assert api.get(f"/api/runs/{run_id}").json()["run"]["status"] == "interrupted"
    # the store takes the next job's writes
    follow = _wait(api, _start(api, "count", runs=2)["id"], {"done", "failed"})
    assert follow["state"] == "done"


def test_jobs_of_an_earlier_server_are_shown_finished_or_interrupted(tmp_path: Path) -> None:
    jobs = tmp_path / "out" / "jobs"
    finished = {
        "id": "aaaaaaaaaaaa",
        "kind": "mc",
        "label": "mc small, 2 replications",
        "state": "done",
        "result": {"run_ids": ["0123456789ab"]},
        "created": 1.0,
        "runs": 2,
        "seed": 1,
    }
    running = {**finished, "id": "bbbbbbbbbbbb", "state": "running", "result": {}, "created": 2.0}
    for doc in (finished, running):
        (jobs / doc["id"]).mkdir(parents=True)
        (jobs / doc["id"] / "job.json").write_text(json.dumps(doc))
    (jobs / "not-a-job").mkdir()
    (jobs / "not-a-job" / "job.json").write_text(json.dumps({**finished, "state": "running"}))
    (jobs / "cccccccccccc").mkdir()
    (jobs / "cccccccccccc" / "job.json").write_text("{broken")
    with client(make_config(tmp_path)) as api:
        shown = {j["id"]: j for j in api.get("/api/jobs").json()}
    assert set(shown) == {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}
    assert shown["aaaaaaaaaaaa"]["state"] == "done"
    assert shown["aaaaaaaaaaaa"]["result"] == {"run_ids": ["0123456789ab"]}
    assert shown["bbbbbbbbbbbb"]["state"] == "interrupted"
    assert shown["bbbbbbbbbbbb"]["message"].startswith("interrupted: the server stopped")
    on_disk = json.loads((jobs / "bbbbbbbbbbbb" / "job.json").read_text())
    assert on_disk["state"] == "interrupted"


@pytest.mark.slow
def test_cancelling_a_monte_carlo_marks_its_run_interrupted_at_once(tmp_path: Path) -> None:
    from skyshield.runs import Store
    from skyshield.scenario import load_scenario

    text = load_scenario("small").text
    with client(make_config(tmp_path)) as api:
        body = {"kind": "mc", "ref": "small", "text": text, "runs": 400}
        job = api.post("/api/jobs", json=body).json()
        end = time.monotonic() + 300
        while job["done"] < 1 and time.monotonic() < end:
            time.sleep(0.2)
            job = api.get(f"/api/jobs/{job['id']}").json()
        api.post(f"/api/jobs/{job['id']}/cancel")
        ended = _wait(api, job["id"], {"cancelled", "failed", "done"}, timeout=60)
        assert ended["state"] == "cancelled"
        store = Store(tmp_path / "store.duckdb")
        row = store.runs().iloc[0]
        assert row["status"] == "interrupted"  # marked by the worker as it stopped
        assert store.run(row["run_id"])["message"] == "stopped before it was done"
        reps = store.run_metrics(row["run_id"])["rep"]
        assert 1 <= len(reps) < 400 and reps.is_unique
        fates = store.fate_counts(row["run_id"])
        assert set(fates["rep"]) == set(reps)  # every stored replication whole, nothing more
        again = api.post("/api/jobs", json={**body, "runs": 2}).json()
        assert _wait(api, again["id"], {"done", "failed"}, timeout=300)["state"] == "done"
