"""Endpoints of replays: one stored replication's night for the page (sent once, animated in the
browser) and its exports (Tacview ACMI, KML, GeoJSON, CZML) as downloads."""

from __future__ import annotations

import gzip
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response

from skyshield.version import __version__
from skyshield.web.api_jobs import RUN_ID, _not_found
from skyshield.web.replay_kinds import EXPORTS, export_name

router = APIRouter(prefix="/api")

#: The largest replication index a request may name (a stored run has at most the job limit).
MAX_REP = 1_000_000

Defence = Literal["baseline", "shield"]
Format = Literal["acmi", "kml", "geojson", "czml"]


def _web(request: Request) -> Any:
    return request.app.state.web


def _check_replication(request: Request, run_id: str, rep: int) -> None:
    """404 unless the store has run ``run_id`` with a replication ``rep``."""
    with _not_found():
        n = _web(request).reads.replications(run_id)
    if rep >= n:
        raise HTTPException(
            404, f"run {run_id} has {n} replication(s): expected rep 0..{n - 1}, got {rep}"
        )


RunId = PathParam(pattern=RUN_ID, description="A run id of the store.")
Rep = PathParam(ge=0, le=MAX_REP, description="The replication (0-based).")
FormatQ = Query(alias="format", description="acmi (zipped Tacview), kml, geojson or czml.")
DefenceQ = Query("shield", description="baseline or shield.")


@router.get(
    "/runs/{run_id}/replications/{rep}/night",
    tags=["replay"],
    responses={200: {"content": {"application/json": {}}}, 404: {"description": "no such run"}},
)
def night(request: Request, run_id: str = RunId, rep: int = Rep) -> Response:
    """Replication ``rep`` of run ``run_id`` simulated again, as the page replays it: the
    threats' routes, each defence's fates, the fighters' tracks and shots, the fixed layers
    (columnar JSON, gzip-compressed; see ``skyshield.web.night_view``).  The first request of a
    replication waits while it is simulated (seconds); later ones are answered from disk."""
    _check_replication(request, run_id, rep)
    path = _web(request).replays.night(run_id, rep)
    data = path.read_bytes()
    headers = {
        "Cache-Control": "private, max-age=86400",
        "ETag": f'"{run_id}-{rep}-{__version__}"',
        "Vary": "Accept-Encoding",
    }
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(data, media_type="application/json", headers=headers)
    return Response(gzip.decompress(data), media_type="application/json", headers=headers)


@router.get(
    "/runs/{run_id}/replications/{rep}/export",
    tags=["replay"],
    responses={200: {"content": {m: {} for _, m in EXPORTS.values()}}},
)
def export(
    request: Request,
    run_id: str = RunId,
    rep: int = Rep,
    fmt: Format = FormatQ,
    defence: Defence = DefenceQ,
) -> FileResponse:
    """Replication ``rep`` of run ``run_id`` as a file for other tools (what ``skyshield export``
    writes), made on the server from the stored run and sent as a download."""
    _check_replication(request, run_id, rep)
    path = _web(request).replays.export(run_id, rep, defence, fmt)
    name = f"skyshield-{run_id}-rep{rep}-{export_name(defence, fmt)}"
    return FileResponse(
        path,
        media_type=EXPORTS[fmt][1],
        filename=name,
        headers={"Cache-Control": "private, max-age=86400"},
    )
