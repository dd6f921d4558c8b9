"""Endpoints of jobs (start, follow as server-sent events, cancel, their report) and of the
run store (list, one run, two runs compared)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from skyshield.errors import InputError
from skyshield.runs.store import StoreBusy
from skyshield.web.jobs import FINISHED, Job, QueueFull
from skyshield.web.paths import SCENARIO_NAME, is_builtin, job_dir
from skyshield.web.security import REPORT_CSP

router = APIRouter(prefix="/api")

#: Seconds between two looks at a followed job's state.
POLL_S = 0.2

#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE_S = 15.0

#: Points of the assessment's sizing sweep (its default), for the replication limit.
SWEEP_POINTS = 4

#: Seconds a request waits for a store another process holds before answering 503.
STORE_WAIT_S = 5.0

#: A run id as the store makes them.
RUN_ID = r"^[0-9a-f]{6,32}$"

#: A field path a sweep may set (what ``skyshield sweep --set`` takes before ``=``).
SET_PATH = r"^[A-Za-z_][A-Za-z0-9_-]*(\[\d{1,4}\])*(\.[A-Za-z_][A-Za-z0-9_-]*(\[\d{1,4}\])*){0,9}$"


class JobRequest(BaseModel):
    """A job on a scenario text: ``mc`` (Monte Carlo), ``assess`` (the main job), ``sweep`` (one
    field over several values) or ``sensitivity`` (every shipped factor at its low and high
    value: a tornado)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="mc, assess, sweep or sensitivity")
    ref: str = Field(description="Built-in name or file name the text belongs to.")
    text: str = Field(description="The scenario's YAML text as shown (saved or not).")
    runs: int = Field(ge=1, description="Replications with and without the shield.")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="Base seed.")
    raid: str | None = Field(
        None,
        pattern=r"^(reference|\d{4}-\d{2}-\d{2})$",
        description="reference or a night of the record (YYYY-MM-DD); default the scenario's.",
    )
    sweep_runs: int = Field(0, ge=0, description="assess: replications a sizing-sweep point.")
    set_path: str | None = Field(
        None,
        pattern=SET_PATH,
        description="sweep: the field swept, a dotted path (e.g. coalition.total_aircraft).",
    )
    set_values: list[int | float | str] | None = Field(
        None, max_length=1000, description="sweep: its values, one point each."
    )
    metric: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.-]{1,120}$", description="sensitivity: the metric compared."
    )


def _web(request: Request) -> Any:
    return request.app.state.web


def _size_and_label(body: JobRequest, params: dict[str, Any], limits: Any) -> tuple[int, str]:
    """Replications the job runs in all and its label; 422 for a sweep or sensitivity that
    cannot run (its points checked as the library will, before it is queued)."""
    if body.kind == "sweep":
        if not body.set_path or not body.set_values:
            raise HTTPException(422, "a sweep needs set_path and at least one of set_values")
        points = len(body.set_values)
        if points > limits.sweep_points:
            raise HTTPException(
                422, f"{points} sweep points: at most {limits.sweep_points} in one job"
            )
        _check_sweep(params, body.set_path, body.set_values)
        values = ", ".join(str(v) for v in body.set_values)
        return body.runs * points, (
            f"sweep {body.set_path} = {values} on {body.ref}, {body.runs} replication(s) a point"
        )
    if body.kind == "sensitivity":
        from skyshield.analysis.sensitivity import known_metric, load_factors
        from skyshield.studies import DEFAULT_METRIC

        metric = body.metric or DEFAULT_METRIC
        if not known_metric(metric):
            raise HTTPException(
                422,
                f"not a metric: {metric!r}; expected e.g. shield.hits_on_assets,"
                " baseline.hits_on_assets, marginal.hits_on_assets_avoided",
            )
        params["metric"] = metric
        factors = len(load_factors(None)[0])
        return body.runs * (1 + 2 * factors), (
            f"sensitivity of {metric} on {body.ref}: {factors} factors low and high,"
            f" {body.runs} replication(s) each"
        )
    total = body.runs + body.sweep_runs * SWEEP_POINTS
    extra = f" (+ {body.sweep_runs} a sizing point)" if body.sweep_runs else ""
    return total, f"{body.kind} {body.ref}, {body.runs} replications{extra}"


def _check_sweep(params: dict[str, Any], path: str, values: list[Any]) -> None:
    """InputError (422) unless every point of the sweep makes a valid scenario."""
    from skyshield.analysis.sweep import sweep_variant
    from skyshield.scenario import LoadedScenario, load_scenario
    from skyshield.web.job_kinds import job_scenario

    scenario = job_scenario(params)
    base = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    for value in values:
        sweep_variant(base, {path: value})


def _job(request: Request, job_id: str) -> Job:
    job_dir(_web(request).config.out_dir, job_id)  # checks the id's form
    job = _web(request).queue.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r} on this server")
    result: Job = job
    return result


@router.post("/jobs", status_code=202, tags=["jobs"])
def start_job(request: Request, body: JobRequest) -> dict[str, Any]:
    """Queue a job; it starts when a slot is free.  429 when the queue is full."""
    web = _web(request)
    cfg = web.config
    if body.kind not in cfg.job_targets:
        raise HTTPException(
            422, f"unknown job kind {body.kind!r}: expected one of {sorted(cfg.job_targets)}"
        )
    if not is_builtin(body.ref) and not SCENARIO_NAME.fullmatch(body.ref):
        raise HTTPException(400, f"{body.ref!r} is not a built-in name or a scenario file name")
    if len(body.text.encode("utf-8")) > cfg.limits.scenario_bytes:
        raise HTTPException(
            413, f"scenario text too large: at most {cfg.limits.scenario_bytes} bytes"
        )
    params = {
        **body.model_dump(exclude={"kind"}),
        "folder": str(cfg.scenario_dir),
        "store": str(cfg.store_path),
        "workers": cfg.workers,
    }
    total, label = _size_and_label(body, params, cfg.limits)
    most = cfg.limits.replications_per_job
    if total > most:
        raise HTTPException(
            422,
            f"{label}: {total} replications in all, more than this server runs in one job"
            f" ({most}): ask for fewer",
        )
    if body.raid is not None and body.raid != "reference":
        try:
            night = dt.date.fromisoformat(body.raid)
        except ValueError:
            raise HTTPException(422, f"raid {body.raid!r} is not a date (YYYY-MM-DD)") from None
        if not web.record.has_night(night):
            raise HTTPException(
                422, f"the record has no night {body.raid} ({web.record.choice().description})"
            )
    try:
        job = web.queue.submit(body.kind, label, params)
    except QueueFull as exc:
        raise HTTPException(429, str(exc)) from None
    out: dict[str, Any] = job.public()
    return out


@router.get("/jobs", tags=["jobs"])
def jobs(request: Request) -> list[dict[str, Any]]:
    """Every job of this server, newest first."""
    return [j.public() for j in _web(request).queue.jobs()]


@router.get("/jobs/{job_id}", tags=["jobs"])
def job(request: Request, job_id: str) -> dict[str, Any]:
    """One job's state, progress and result."""
    out: dict[str, Any] = _job(request, job_id).public()
    return out


@router.post("/jobs/{job_id}/cancel", tags=["jobs"])
def cancel(request: Request, job_id: str) -> dict[str, Any]:
    """Cancel a job (its worker's processes are ended); a finished job stays as it is."""
    _job(request, job_id)
    cancelled = _web(request).queue.cancel(job_id)
    out: dict[str, Any] = cancelled.public() if cancelled is not None else {}
    return out


@router.get(
    "/jobs/{job_id}/events",
    tags=["jobs"],
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(request: Request, job_id: str) -> StreamingResponse:
    """The job's state as server-sent events (``event: job``), one each time it changes,
    until it is finished."""
    _job(request, job_id)
    queue = _web(request).queue

    async def stream() -> AsyncIterator[str]:
        seen, idle = -1, 0.0
        while True:
            current = queue.get(job_id)
            if current is None:
                return
            if current.version != seen:
                seen, idle = current.version, 0.0
                yield f"event: job\ndata: {json.dumps(current.public())}\n\n"
                if current.state in FINISHED:
                    return
            elif idle >= KEEPALIVE_S:
                idle = 0.0
                yield ": keep-alive\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_S)
            idle += POLL_S

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


@router.get("/jobs/{job_id}/report", tags=["jobs"], responses={200: {"content": {"text/html": {}}}})
def report(request: Request, job_id: str) -> FileResponse:
    """The briefing report an assessment job wrote (HTML, shown sandboxed: no script)."""
    return _job_file(request, job_id, "report.html", "text/html")


@router.get("/jobs/{job_id}/summary", tags=["jobs"])
def summary(request: Request, job_id: str) -> FileResponse:
    """The summary (JSON) an assessment job wrote."""
    return _job_file(request, job_id, "summary.json", "application/json")


def _job_file(request: Request, job_id: str, name: str, media: str) -> FileResponse:
    j = _job(request, job_id)
    if j.state != "done" or j.result.get(name.split(".")[0]) != name:
        raise HTTPException(404, f"job {job_id} has no {name}")
    path = job_dir(_web(request).config.out_dir, job_id) / name
    if not path.is_file():
        raise HTTPException(404, f"job {job_id} has no {name}")
    headers = {"Content-Security-Policy": REPORT_CSP, "X-Frame-Options": "SAMEORIGIN"}
    return FileResponse(path, media_type=media, headers=headers)


@contextmanager
def _not_found() -> Iterator[None]:
    """A run the store does not have is a 404 (a busy store stays a 503)."""
    try:
        yield
    except InputError as exc:
        if isinstance(exc, StoreBusy):
            raise
        raise HTTPException(404, "; ".join(p.message for p in exc.problems)) from None


@router.get("/runs", tags=["runs"])
def runs(request: Request) -> list[dict[str, Any]]:
    """Runs of the store, newest first (a run whose process is gone reads as interrupted)."""
    out: list[dict[str, Any]] = _web(request).reads.runs()
    return out


@router.get("/runs/compare", tags=["runs"])
def compare(
    request: Request,
    a: str = Query(pattern=RUN_ID, description="Run A (the reference of the comparison)."),
    b: str = Query(pattern=RUN_ID, description="Run B."),
) -> dict[str, Any]:
    """Runs ``a`` and ``b`` metric by metric: means with 95 % intervals, and the difference
    b - a with its 95 % interval (paired by seed when the runs share their base seed)."""
    with _not_found():
        out: dict[str, Any] = _web(request).reads.compare(a, b)
    return out


@router.get("/runs/{run_id}", tags=["runs"])
def run(request: Request, run_id: str = Path(pattern=RUN_ID)) -> dict[str, Any]:
    """One run: its provenance and every metric's mean with its 95 % interval."""
    with _not_found():
        out: dict[str, Any] = _web(request).reads.run(run_id)
    return out
