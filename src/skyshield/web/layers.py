"""The map's layers as GeoJSON, from the project's own geography (nothing fetched).

Fixed layers (countries) and the zones of each theatre configuration are computed once per
process and kept (pure functions with a cache); a scenario's own layers (assets, bases, CAP
stations, AEW orbits, tanker tracks, ground defences, the legs from bases to stations) are made
for each check.  Coordinates are ``[lon, lat]`` degrees rounded to 4 decimals (about 10 m).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry

from skyshield.forces import ForcePlan
from skyshield.geo import Theatre, TheatreConfig
from skyshield.geo.layers import load_builtin
from skyshield.geo.projection import THEATRE_BOUNDS
from skyshield.scenario import LoadedScenario

Feature = dict[str, Any]
Collection = dict[str, Any]

#: Outlines are simplified by this much (degrees, about 1 km) for the page.
_SIMPLIFY_DEG = 0.01

#: Vertices of a ring drawn for a range (ground defences, AEW orbits).
_RING_SEGMENTS = 16


def _round(geom: BaseGeometry) -> Any:
    return json.loads(json.dumps(mapping(geom)), parse_float=lambda s: round(float(s), 4))


def _collection(features: list[Feature]) -> Collection:
    return {"type": "FeatureCollection", "features": features}


def _feature(geometry: Any, **props: Any) -> Feature:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _point(lonlat: tuple[float, float] | list[float], **props: Any) -> Feature:
    lon, lat = lonlat
    return _feature({"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}, **props)


@lru_cache(maxsize=1)
def countries() -> Collection:
    """Country outlines inside the theatre's extent (Natural Earth, shipped), simplified."""
    frame = box(*THEATRE_BOUNDS)
    out = []
    for f in load_builtin("countries"):
        if not f.geometry.intersects(frame):
            continue
        geom = f.geometry.intersection(frame).simplify(_SIMPLIFY_DEG, preserve_topology=True)
        props = {k: f.properties.get(k) for k in ("iso_a3", "name") if k in f.properties}
        out.append(_feature(_round(geom), **props))
    return _collection(out)


def theatre_key(theatre: Theatre) -> str:
    """A short key naming a theatre configuration (the page asks for zones only when it
    changes)."""
    c = theatre.config
    text = json.dumps(
        [list(c.hostile), c.patrol_standoff_km, c.engage_standoff_km, str(c.occupied_file or "")]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class ZoneCache:
    """Zones by theatre configuration, computed once each; a theatre with a user's occupied
    file is not kept (the file may change)."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._kept: dict[TheatreConfig, Collection] = {}

    def zones(self, theatre: Theatre) -> Collection:
        """Hostile areas, the patrol zone and the engagement zone of ``theatre``."""
        config = theatre.config
        if config.occupied_file is not None:
            return _zones(theatre)
        if config not in self._kept:
            if len(self._kept) >= self._size:
                self._kept.pop(next(iter(self._kept)))
            self._kept[config] = _zones(theatre)
        return self._kept[config]


def _zones(theatre: Theatre) -> Collection:
    c = theatre.config
    out = []
    for name in c.hostile:
        geom = theatre.hostile_feature(name).geometry.intersection(box(*THEATRE_BOUNDS))
        out.append(_feature(_round(geom.simplify(_SIMPLIFY_DEG)), layer="hostile", name=name))
    for layer, geom_km, standoff in (
        ("engagement_zone", theatre.engagement_zone_km, c.engage_standoff_km),
        ("patrol_zone", theatre.patrol_zone_km, c.patrol_standoff_km),
    ):
        geom = theatre.to_lonlat(geom_km).simplify(_SIMPLIFY_DEG)
        out.append(_feature(_round(geom), layer=layer, standoff_km=standoff))
    return _collection(out)


def _ring(theatre: Theatre, lonlat: tuple[float, float], radius_km: float) -> Any:
    """A circle of ``radius_km`` around a point, drawn on the theatre projection."""
    x, y = theatre.projection.point_km(lonlat)
    a = np.linspace(0.0, 2.0 * np.pi, _RING_SEGMENTS * 4 + 1)
    lon, lat = theatre.projection.to_lonlat(x + radius_km * np.cos(a), y + radius_km * np.sin(a))
    ring = [[round(float(o), 4), round(float(t), 4)] for o, t in zip(lon, lat, strict=True)]
    return {"type": "Polygon", "coordinates": [ring]}


def scenario_layers(ls: LoadedScenario, plan: ForcePlan | None) -> dict[str, Collection]:
    """The scenario's own layers; CAP stations carry what the force plan holds there (when
    there is a plan), and ``legs`` join each base to the stations its aircraft fly to."""
    s = ls.scenario
    theatre = ls.theatre
    assets = [
        _point(a.position, id=a.id, name=a.name, kind=a.kind, value=a.value, radius_km=a.radius_km)
        for a in ls.assets
    ]
    ground = []
    for a in ls.assets:
        d = ls.ground_params.site_defence(a)
        if d is not None:
            ground.append(
                _feature(_ring(theatre, a.position, d.range_km), asset=a.id, range_km=d.range_km)
            )
    pledged = {p.base for m in s.coalition.members for p in m.pledges}
    bases = [
        _point(
            b.position,
            icao=b.icao,
            name=b.name,
            country=b.country,
            role=b.role,
            pledged=b.icao in pledged,
        )
        for b in ls.bases.values()
        if b.icao in pledged or b.role == "host"
    ]
    held = _station_status(plan)
    stations = [
        _point(st.position, index=i, id=st.id, aircraft=st.aircraft, **held.get(st.id, {}))
        for i, st in enumerate(s.cap.stations)
    ]
    aew = [
        _point(o.position, index=i, id=o.id, type=o.type, radius_km=o.radius_km)
        for i, o in enumerate(s.aew_orbits)
    ]
    aew_rings = [_feature(_ring(theatre, o.position, o.radius_km), id=o.id) for o in s.aew_orbits]
    tankers = [
        _feature(
            {
                "type": "LineString",
                "coordinates": [[round(v, 4) for v in t.start], [round(v, 4) for v in t.end]],
            },
            index=i,
            id=t.id,
            type=t.type,
        )
        for i, t in enumerate(s.tanker_tracks)
    ]
    return {
        "assets": _collection(assets),
        "ground": _collection(ground),
        "bases": _collection(bases),
        "stations": _collection(stations),
        "aew": _collection(aew),
        "aew_rings": _collection(aew_rings),
        "tankers": _collection(tankers),
        "legs": _collection(_legs(ls, plan)),
    }


def _station_status(plan: ForcePlan | None) -> dict[str, dict[str, Any]]:
    if plan is None:
        return {}
    return {
        str(r["station"]): {
            "held": bool(r["held"]),
            "on_station_held": round(float(r["on_station_held"]), 2),
        }
        for _, r in plan.stations.iterrows()
    }


def _legs(ls: LoadedScenario, plan: ForcePlan | None) -> list[Feature]:
    if plan is None or plan.assignments.empty:
        return []
    stations = {st.id: st.position for st in ls.scenario.cap.stations}
    used = plan.assignments.groupby(["base", "station"], as_index=False)["on_station"].sum()
    out = []
    for _, r in used.iterrows():
        base = ls.bases.get(str(r["base"]))
        where = stations.get(str(r["station"]))
        if base is None or where is None or not pd.notna(r["on_station"]):
            continue
        line = [[round(v, 4) for v in base.position], [round(v, 4) for v in where]]
        out.append(
            _feature(
                {"type": "LineString", "coordinates": line},
                base=str(r["base"]),
                station=str(r["station"]),
                on_station=round(float(r["on_station"]), 2),
            )
        )
    return out
