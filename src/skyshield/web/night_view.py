"""One replication's night as the page replays it: columnar arrays sent once, animated in the
browser (no request per frame).

The payload (:func:`night_payload`, format :data:`NIGHT_FORMAT`) holds the threats' routes once
(the baseline and the shield fly the same raid: common random numbers) and, per defence, each
threat's fate, its time and cause; the fighters' tracks (from the export's scene: the legs
joined and clipped to the night), their shots, and the fixed layers of the run's own scenario
(assets, ground-defence rings, bases, CAP stations, AEW orbits, tanker tracks, zones).

Units: times in s after the night's start (``night.start``, with its UTC offset), rounded to
0.1 s; positions in degrees ``lon``/``lat`` rounded to 4 decimals (about 10 m).  A route is
straight between samples in the theatre's projection; the page interpolates linearly in
degrees between them, which is within about 1 km of the engine's path over the theatre.
Strings that repeat (classes, fates, launch areas, aims, causes, weapons) are sent once in
``names`` and referred to by index.  Non-finite numbers are ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from skyshield.engine.names import FATES
from skyshield.export import scene_from_replay
from skyshield.studies.replay import Replay
from skyshield.web.layers import ZoneCache, scenario_layers
from skyshield.web.runs_view import plain

#: Version of the payload's layout (the page checks it).
NIGHT_FORMAT = 1

#: Decimals of times (s) and of degrees in the payload.
TIME_DECIMALS = 1
DEGREE_DECIMALS = 4

#: Metrics of the replication shown with the replay (each defence's headline figures).
HEADLINE_METRICS = (
    "baseline.hits_on_assets",
    "shield.hits_on_assets",
    "marginal.hits_on_assets_avoided",
    "shield.killed_fighter",
    "shield.sorties",
    "shield.shots",
    "shield.shield_cost_usd",
)


def numbers(values: ArrayLike, decimals: int) -> list[float | None]:
    """``values`` rounded to ``decimals``, non-finite ones as None (JSON ``null``)."""
    a = np.round(np.asarray(values, dtype=float), decimals)
    out: list[float | None] = a.tolist()
    if not np.isfinite(a).all():
        out = [v if math.isfinite(v) else None for v in a.tolist()]
    return out


class Names:
    """Strings by first appearance; :meth:`codes` turns values into their indices."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def codes(self, values: Iterable[Any]) -> list[int]:
        """The index of each value (as text), new values added at the end."""
        out = []
        for v in values:
            key = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            if key not in self._index:
                self._index[key] = len(self._index)
            out.append(self._index[key])
        return out

    def names(self) -> list[str]:
        """Every string seen, in index order."""
        return list(self._index)


def _offsets(ids: np.ndarray, wanted: Sequence[int] | np.ndarray) -> list[int]:
    """Start of each wanted id's rows in ``ids`` (sorted), and the end of the last: ``n + 1``
    offsets."""
    starts = np.searchsorted(ids, np.asarray(wanted), side="left")
    return [*starts.tolist(), len(ids)]


def _routes(replay: Replay, threats: pd.DataFrame) -> dict[str, Any]:
    """The threats' routes (launch to aim) in degrees, one row per waypoint."""
    proj = replay.world.ls.theatre.projection
    wp = replay.waypoints.sort_values(["threat", "t_s"], kind="stable")
    lon, lat = proj.to_lonlat(wp["x_km"].to_numpy(float), wp["y_km"].to_numpy(float))
    return {
        "offsets": _offsets(wp["threat"].to_numpy(), threats["threat"].to_numpy()),
        "t": numbers(wp["t_s"], TIME_DECIMALS),
        "lon": numbers(lon, DEGREE_DECIMALS),
        "lat": numbers(lat, DEGREE_DECIMALS),
    }


def _defence(replay: Replay, defence: str, names: dict[str, Names]) -> dict[str, Any]:
    oc = replay.outcomes[defence]
    th = oc.threats.sort_values("threat", kind="stable")
    counts = th["fate"].value_counts()
    tracked = None
    if oc.tracked_s is not None:
        tracked = numbers(np.asarray(oc.tracked_s)[th["threat"].to_numpy()], TIME_DECIMALS)
    return {
        "fate": names["fate"].codes(th["fate"]),
        "fate_s": numbers(th["fate_time_s"], TIME_DECIMALS),
        "by": names["by"].codes(th["killed_by"]),
        "asset": names["asset"].codes(th["fate_asset"]),
        "terminal_shots": [int(v) for v in th["terminal_shots"]],
        "tracked_s": tracked,
        "counts": {f: int(counts.get(f, 0)) for f in FATES},
        "sorties": len(oc.sorties),
        "night_h": round(float(oc.night_h), 3),
    }


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0)


def _fighters(replay: Replay) -> tuple[dict[str, Any], dict[str, int]]:
    """The shield's fighter tracks (from the export's scene) and the index of each aircraft."""
    scene = scene_from_replay(replay, "shield")
    tracks = [tr for tr in scene.tracks if tr.kind == "fighter"]
    sorties = replay.outcomes["shield"].sorties.set_index("aircraft")
    sizes = np.array([len(tr.t_s) for tr in tracks], dtype=int)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    index = {tr.info["aircraft"]: k for k, tr in enumerate(tracks)}
    row = [sorties.loc[tr.info["aircraft"]] for tr in tracks]
    return {
        "aircraft": [tr.info["aircraft"] for tr in tracks],
        "type": [tr.cls for tr in tracks],
        "nation": [tr.info["nation"] for tr in tracks],
        "base": [tr.info["base"] for tr in tracks],
        "station": [tr.info["station"] for tr in tracks],
        "kills": [int(tr.info["kills"]) for tr in tracks],
        "weapons_spent": [int(tr.info["weapons_spent"]) for tr in tracks],
        "takeoff_s": numbers([r["takeoff_s"] for r in row], TIME_DECIMALS),
        "landing_s": numbers([r["landing_s"] for r in row], TIME_DECIMALS),
        "offsets": offsets,
        "t": numbers(_joined([tr.t_s for tr in tracks]), TIME_DECIMALS),
        "lon": numbers(_joined([tr.lon for tr in tracks]), DEGREE_DECIMALS),
        "lat": numbers(_joined([tr.lat for tr in tracks]), DEGREE_DECIMALS),
    }, index


def _shots(replay: Replay, fighters: dict[str, int], weapons: Names) -> dict[str, Any]:
    en = replay.outcomes["shield"].engagements.sort_values("time_s", kind="stable")
    proj = replay.world.ls.theatre.projection
    lon, lat = proj.to_lonlat(en["x_km"].to_numpy(float), en["y_km"].to_numpy(float))
    return {
        "t": numbers(en["time_s"], TIME_DECIMALS),
        "fighter": [fighters.get(str(a), -1) for a in en["aircraft"]],
        "threat": [int(v) for v in en["threat"]],
        "weapon": weapons.codes(en["weapon"]),
        "kill": [bool(v) for v in en["kill"]],
        "lon": numbers(lon, DEGREE_DECIMALS),
        "lat": numbers(lat, DEGREE_DECIMALS),
    }


def night_payload(replay: Replay) -> dict[str, Any]:
    """Everything the page needs to replay ``replay``'s night, baseline and shield (the module
    docstring describes the layout)."""
    world = replay.world
    names = {
        k: Names()
        for k in ("class", "category", "launch_area", "aim", "fate", "by", "asset", "weapon")
    }
    names["fate"].codes(FATES)  # the fates in their fixed order first
    th = replay.outcomes["shield"].threats.sort_values("threat", kind="stable")
    fighters, index = _fighters(replay)
    start = world.night.start
    offset = start.utcoffset()
    headline = {m: replay.metrics.get(m, math.nan) for m in HEADLINE_METRICS}
    payload = {
        "format": NIGHT_FORMAT,
        "title": f"{world.ls.scenario.name}: night {world.night.name}",
        "run": {k: plain(v) for k, v in replay.run.items() if k not in ("scenario_text", "pid")},
        "rep": replay.rep,
        "seed": replay.seed,
        "night": {
            "name": world.night.name,
            "start": start.isoformat(),
            "utc_offset_s": int(offset.total_seconds()) if offset is not None else 0,
            "end_s": round(max(o.night_h for o in replay.outcomes.values()) * 3600.0, 1),
        },
        "warnings": [
            f"{m} is {replay.metrics.get(m)} now and {replay.stored.get(m)} in the store: the"
            " code changed since this run?"
            for m in replay.differences()
        ],
        "metrics": {k: (v if math.isfinite(v) else None) for k, v in headline.items()},
        "threats": {
            "n": len(th),
            "class": names["class"].codes(th["class_id"]),
            "category": names["category"].codes(th["category"]),
            "launch_area": names["launch_area"].codes(th["launch_area"]),
            "aim": names["aim"].codes(
                f"{k} {a}" for k, a in zip(th["aim_kind"], th["aim_id"], strict=True)
            ),
            "launch_s": numbers(th["launch_time_s"], TIME_DECIMALS),
            "arrival_s": numbers(th["arrival_time_s"], TIME_DECIMALS),
            **_routes(replay, th),
        },
        "defences": {d: _defence(replay, d, names) for d in replay.outcomes},
        "fighters": fighters,
        "shots": _shots(replay, index, names["weapon"]),
        "layers": scenario_layers(world.ls, world.plan),
        "zones": ZoneCache().zones(world.ls.theatre),
    }
    payload["names"] = {k: v.names() for k, v in names.items()}
    return payload
