"""What a replay worker process runs: one stored replication simulated again
(:func:`skyshield.studies.replay_run`), written as the page's night (:mod:`night_view`) or as an
export file (:mod:`skyshield.export`).

Each function takes its parameters (checked by the server: a run id of the store, a replication
index, a defence and a format from fixed lists), the folder to write into and a progress
callback, and returns what it wrote.  The record, when the run's raid is a night of it, is the
one the store uses (as for ``skyshield export``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skyshield.errors import InputError, Problem
from skyshield.files import write_atomic
from skyshield.web.worker import ProgressLike

Progress = Callable[[ProgressLike], None]

#: The file of a replication's night in its folder (gzip-compressed JSON).
NIGHT_FILE = "night.json.gz"

#: Export formats: the file name ending and the media type of each.
EXPORTS: dict[str, tuple[str, str]] = {
    "acmi": ("zip.acmi", "application/zip"),
    "kml": ("kml", "application/vnd.google-earth.kml+xml"),
    "geojson": ("geojson", "application/geo+json"),
    "czml": ("czml", "application/json"),
}


def export_name(defence: str, fmt: str) -> str:
    """The file name of an export in its replication's folder."""
    return f"{defence}.{EXPORTS[fmt][0]}"


def _replay(params: dict[str, Any]) -> Any:
    from skyshield.runs import Store, choose_record
    from skyshield.studies import replay_run

    store_path = Path(params["store"])
    store = Store(store_path)
    return replay_run(
        store,
        str(params["run_id"]),
        int(params["rep"]),
        lambda: choose_record(None, store_path).rows,
    )


def build_night(params: dict[str, Any], folder: Path, progress: Progress) -> dict[str, Any]:
    """Write the night of run ``run_id``'s replication ``rep`` to ``folder/night.json.gz``;
    InputError if it is larger than ``max_bytes`` (uncompressed)."""
    from skyshield.web.night_view import night_payload

    progress(_Stage("simulating the replication again"))
    payload = night_payload(_replay(params))
    text = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")
    most = int(params["max_bytes"])
    if len(text) > most:
        raise InputError(
            [
                Problem(
                    "replay",
                    "",
                    f"this night's replay is {len(text) / 1e6:.1f} MB, more than this server sends"
                    f" ({most / 1e6:.1f} MB): export it (KML, CZML) instead",
                )
            ]
        )
    write_atomic(folder / NIGHT_FILE, gzip.compress(text, compresslevel=6, mtime=0))
    return {"bytes": len(text), "threats": payload["threats"]["n"]}


def build_export(params: dict[str, Any], folder: Path, progress: Progress) -> dict[str, Any]:
    """Write one defence's night of run ``run_id``'s replication ``rep`` in format ``format``
    to ``folder`` (name :func:`export_name`)."""
    from skyshield.export import render, scene_from_replay

    progress(_Stage("simulating the replication again"))
    replay = _replay(params)
    defence, fmt = str(params["defence"]), str(params["format"])
    path = folder / export_name(defence, fmt)
    data = render(scene_from_replay(replay, defence), fmt, path)
    write_atomic(path, data)
    return {"file": path.name, "bytes": len(data)}


class _Stage:
    """A progress report of one stage without counts."""

    def __init__(self, stage: str) -> None:
        self.stage, self.done, self.total = stage, 0, 1
