"""The web app: the page, its static files and the JSON API (documented at ``/docs``).

Every action of the page is an endpoint under ``/api`` that a script may call as well.  The
app is made by :func:`create_app` from a :class:`~skyshield.web.config.ServerConfig`; it keeps
no state but what that call creates (the zone cache, the job queue).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from skyshield.errors import InputError
from skyshield.runs.store import StoreBusy
from skyshield.version import __version__
from skyshield.web import api_jobs, api_record, api_replays, api_scenarios
from skyshield.web.api_jobs import STORE_WAIT_S
from skyshield.web.config import ServerConfig
from skyshield.web.jobs import JobQueue
from skyshield.web.layers import ZoneCache
from skyshield.web.paths import PathRefused
from skyshield.web.record_view import RecordCache
from skyshield.web.replays import ReplayBusy, ReplayFailed, Replays
from skyshield.web.security import Guard
from skyshield.web.store_reads import StoreReads


def static_dir() -> Path:
    """The folder of the page's files in the installed package."""
    return Path(str(resources.files("skyshield.web").joinpath("static")))


class WebState:
    """What one app owns: its configuration, zones computed so far, its reads of the run store,
    its job queue (with the jobs of earlier servers on the same output folder), its replays
    and the record it read."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.zones = ZoneCache()
        self.reads = StoreReads(config.store_path, STORE_WAIT_S)
        self.queue = JobQueue(
            config.out_dir,
            config.job_targets,
            concurrent=config.limits.concurrent_jobs,
            queued=config.limits.queued_jobs,
            on_end=self.reads.changed,
        )
        self.replays = Replays(config.out_dir, config.store_path, config.limits)
        self.record = RecordCache(self.reads.store)


def state_of(request: Request) -> WebState:
    """The app's state, for a request's handler."""
    state: WebState = request.app.state.web
    return state


def create_app(config: ServerConfig) -> Any:
    """The ASGI app for ``config``: FastAPI behind the security guard."""
    web = WebState(config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.replays.shutdown()
        web.queue.shutdown()

    app = FastAPI(
        title="Sky Shield",
        version=__version__,
        description=(
            "Plan the shield on a map: open, edit, check and save scenarios, see the force plan,"
            " run Monte Carlo, assessment, sweep and sensitivity jobs, list and compare stored"
            " runs, replay a stored night, explore the record of attacks.  Every endpoint"
            " answers JSON (exports: files); errors are 4xx with a `detail`."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = web

    @app.exception_handler(PathRefused)
    async def _refused(_: Request, exc: PathRefused) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        busy = isinstance(exc, StoreBusy)
        return JSONResponse(
            {"detail": "; ".join(str(p) for p in exc.problems)},
            status_code=503 if busy else 422,
            headers={"Retry-After": "2"} if busy else None,
        )

    @app.exception_handler(ReplayBusy)
    async def _busy(_: Request, exc: ReplayBusy) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(ReplayFailed)
    async def _failed(_: Request, exc: ReplayFailed) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422 if exc.bad_input else 500)

    static = static_dir()

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(static / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(static / "docs.html", media_type="text/html")

    @app.get("/api/info", tags=["info"])
    def info() -> dict[str, Any]:
        """Version, folders, limits and job kinds of this server."""
        lim = config.limits
        return {
            "version": __version__,
            "scenario_dir": str(config.scenario_dir),
            "out_dir": str(config.out_dir),
            "store": str(config.store_path),
            "basemap": config.basemap is not None,
            "job_kinds": sorted(config.job_targets),
            "limits": {
                "request_bytes": lim.request_bytes,
                "scenario_bytes": lim.scenario_bytes,
                "edits_per_request": lim.edits_per_request,
                "replications_per_job": lim.replications_per_job,
                "concurrent_jobs": lim.concurrent_jobs,
                "queued_jobs": lim.queued_jobs,
                "sweep_points": lim.sweep_points,
                "replay_bytes": lim.replay_bytes,
                "record_nights": lim.record_nights,
                "largest_nights": lim.largest_nights,
            },
        }

    app.include_router(api_scenarios.router)
    app.include_router(api_jobs.router)
    app.include_router(api_replays.router)
    app.include_router(api_record.router)
    app.mount("/static", StaticFiles(directory=static), name="static")
    return Guard(
        app,
        token=config.token,
        allowed_hosts=config.allowed_hosts(),
        max_body=config.limits.request_bytes,
    )
