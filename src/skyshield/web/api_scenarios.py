"""Endpoints of scenarios and the map: list, open, check with edits (forces live), save; the
JSON schema of scenario files; the fixed layers; the optional local base map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from skyshield.errors import InputError
from skyshield.files import write_atomic
from skyshield.runs.store import text_sha256
from skyshield.scenario import BUILTIN_SCENARIOS, Scenario, load_scenario
from skyshield.web import basemap
from skyshield.web.documents import Edit, EditError, apply_edits, inherited_data
from skyshield.web.layers import countries
from skyshield.web.paths import SCENARIO_NAME, is_builtin, scenario_file

router = APIRouter(prefix="/api")


class CheckRequest(BaseModel):
    """A scenario text, the edits to make to it, and the theatre key whose zones the caller
    already has."""

    model_config = ConfigDict(extra="forbid")

    ref: str = Field(description="Built-in name or file name in the scenario folder.")
    text: str = Field(description="The scenario's YAML text before the edits.")
    edits: list[Edit] = Field(default_factory=list)
    zones_for: str | None = Field(None, description="Theatre key of zones already shown.")


class SaveRequest(BaseModel):
    """A text to save, and the SHA-256 of the file it replaces (None: a new file)."""

    model_config = ConfigDict(extra="forbid")

    text: str
    expected_sha256: str | None = Field(
        None, description="SHA-256 of the file as it was opened; null to create a new file."
    )


def _web(request: Request) -> Any:
    return request.app.state.web


def _limit_text(request: Request, text: str) -> None:
    limit = _web(request).config.limits.scenario_bytes
    if len(text.encode("utf-8")) > limit:
        raise HTTPException(413, f"scenario text too large: at most {limit} bytes")


def _display(ref: str) -> str:
    return f"<builtin {ref}>" if is_builtin(ref) else ref


def _check_ref(ref: str) -> None:
    if not is_builtin(ref) and not SCENARIO_NAME.fullmatch(ref):
        raise HTTPException(400, f"{ref!r} is not a built-in name or a scenario file name")


@router.get("/schema", tags=["scenarios"])
def schema() -> dict[str, Any]:
    """The JSON schema of scenario files (the one ``skyshield scenario schema`` prints)."""
    out: dict[str, Any] = Scenario.model_json_schema()
    return out


@router.get("/scenarios", tags=["scenarios"])
def list_scenarios(request: Request) -> list[dict[str, str]]:
    """The built-in scenarios and the scenario files of the scenario folder."""
    folder = _web(request).config.scenario_dir
    files = []
    if folder.is_dir():
        files = sorted(
            p.name
            for p in folder.iterdir()
            if SCENARIO_NAME.fullmatch(p.name) and p.is_file() and not p.is_symlink()
        )
    return [{"ref": r, "kind": "builtin"} for r in BUILTIN_SCENARIOS] + [
        {"ref": f, "kind": "file"} for f in files
    ]


@router.get("/scenarios/{ref}", tags=["scenarios"], response_class=JSONResponse)
def open_scenario(request: Request, ref: str, zones_for: str | None = None) -> JSONResponse:
    """A scenario as saved: its text, problems, force plan and layers."""
    web = _web(request)
    folder = web.config.scenario_dir
    if is_builtin(ref):
        text = load_scenario(ref).text
    else:
        path = scenario_file(folder, ref)
        if not path.is_file():
            raise HTTPException(404, f"no scenario file {ref!r} in the scenario folder")
        size = path.stat().st_size
        if size > web.config.limits.scenario_bytes:
            raise HTTPException(
                413, f"{ref} is {size} bytes: at most {web.config.limits.scenario_bytes}"
            )
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(422, f"{ref} is not a UTF-8 text file") from None
    from skyshield.web.scenario_view import scenario_view

    view = scenario_view(text, folder, _display(ref), web.zones, zones_for)
    view["ref"] = ref
    return JSONResponse(view)


@router.post("/check", tags=["scenarios"], response_class=JSONResponse)
def check(request: Request, body: CheckRequest) -> JSONResponse:
    """Apply edits to a text and check the result as ``scenario validate`` does; with the
    force plan (forces live) and the layers.  The text comes back with the edits made,
    comments, key order and ``extends`` kept."""
    from skyshield.web.scenario_view import scenario_view

    web = _web(request)
    _check_ref(body.ref)
    _limit_text(request, body.text)
    if len(body.edits) > web.config.limits.edits_per_request:
        raise HTTPException(413, f"too many edits: at most {web.config.limits.edits_per_request}")
    folder, display = web.config.scenario_dir, _display(body.ref)
    try:
        text = apply_edits(
            body.text, body.edits, lambda: inherited_data(body.text, folder, display)
        )
    except EditError as exc:
        raise HTTPException(422, str(exc)) from None
    except InputError as exc:
        raise HTTPException(422, "; ".join(p.message for p in exc.problems)) from None
    _limit_text(request, text)
    view = scenario_view(text, folder, display, web.zones, body.zones_for)
    view["ref"] = body.ref
    return JSONResponse(view)


@router.put("/scenarios/{name}", tags=["scenarios"])
def save(request: Request, name: str, body: SaveRequest) -> dict[str, Any]:
    """Save a text as ``name`` in the scenario folder, only if it checks without error and
    the file is still as it was opened (409 otherwise)."""
    from skyshield.web.documents import check_text

    web = _web(request)
    _limit_text(request, body.text)
    if is_builtin(name):
        raise HTTPException(400, f"{name!r} is built in: save under a file name (NAME.yaml)")
    path = scenario_file(web.config.scenario_dir, name)
    current = text_sha256(path.read_bytes().decode("utf-8", "replace")) if path.is_file() else None
    if current != body.expected_sha256:
        what = "exists" if body.expected_sha256 is None else "changed on disk since it was opened"
        raise HTTPException(409, f"{name} {what}: open it again (or save under another name)")
    checked = check_text(body.text, web.config.scenario_dir, name)
    if checked.problems:
        raise HTTPException(422, "not saved: " + "; ".join(str(p) for p in checked.problems[:10]))
    write_atomic(path, body.text.encode("utf-8"))
    return {"ref": name, "sha256": text_sha256(body.text), "bytes": len(body.text.encode())}


@router.get("/layers/countries", tags=["map"])
def country_layer() -> dict[str, Any]:
    """Country outlines of the theatre (GeoJSON, shipped Natural Earth data)."""
    return countries()


@router.get(
    "/basemap/{z}/{x}/{y}",
    tags=["map"],
    responses={200: {"content": {"image/png": {}}}, 404: {"description": "no such tile"}},
)
def basemap_tile(request: Request, z: int, x: int, y: int) -> Response:
    """A raster tile of the local MBTiles base map given at start (``--basemap``)."""
    path = _web(request).config.basemap
    if path is None:
        raise HTTPException(404, "no base map: start the server with --basemap FILE.mbtiles")
    tile = basemap.tile(path, z, x, y)
    if tile is None:
        raise HTTPException(404, "no such tile")
    data, media = tile
    return Response(data, media_type=media, headers={"Cache-Control": "max-age=3600"})
