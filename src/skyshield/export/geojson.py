"""A scene as a GeoJSON FeatureCollection (RFC 7946: WGS84 degrees, lon lat order).

Features, each with a ``kind`` property:

- ``fighter`` and ``threat``: LineStrings ``[lon, lat, alt_m]`` with ``id``, ``class``, ``name``,
  ``fate`` (threats; null for fighters), ``start`` and ``end`` (ISO 8601 UTC), ``times`` (one
  ISO timestamp per vertex), ``t_s`` (seconds after the night's start per vertex) and the
  track's other attributes;
- ``zone``: the patrol, engagement and hostile zones as (Multi)Polygons, exteriors
  counter-clockwise;
- ``kill``: Points where threats ended before arriving, with ``threat``, ``fate``, ``by``,
  ``time``;
- ``asset``, ``station``, ``base``, ``aew``: Points with ``id``, ``name`` and ``radius_km``.

The collection carries the scene's ``name``, ``start`` and ``end`` as foreign members.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import mapping

from skyshield.export.tracks import Scene, Track


def _track_feature(scene: Scene, tr: Track) -> dict[str, Any]:
    coords = [
        [float(lon), float(lat), float(alt)]
        for lon, lat, alt in zip(tr.lon, tr.lat, tr.alt_m, strict=True)
    ]
    return {
        "type": "Feature",
        "id": tr.id,
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {
            "id": tr.id,
            "kind": tr.kind,
            "class": tr.cls,
            "name": tr.name,
            "fate": tr.fate or None,
            "start": scene.iso(tr.t_s[0]),
            "end": scene.iso(tr.t_s[-1]),
            "times": [scene.iso(t) for t in tr.t_s],
            "t_s": [round(float(t), 3) for t in tr.t_s],
            **tr.info,
        },
    }


def to_geojson(scene: Scene) -> dict[str, Any]:
    """The scene as a GeoJSON FeatureCollection (a dict; see the module docstring)."""
    features = [_track_feature(scene, tr) for tr in scene.tracks]
    for name, geom in scene.zones.items():
        ccw = shapely.orient_polygons(geom, exterior_cw=False)
        features.append(
            {
                "type": "Feature",
                "id": f"zone-{name}",
                "geometry": mapping(shapely.set_precision(ccw, 1e-6)),
                "properties": {"id": f"zone-{name}", "kind": "zone", "name": name},
            }
        )
    for k in scene.kills:
        features.append(
            {
                "type": "Feature",
                "id": f"kill-{k.threat}",
                "geometry": {"type": "Point", "coordinates": [k.lon, k.lat, k.alt_m]},
                "properties": {
                    "kind": "kill",
                    "threat": k.threat,
                    "fate": k.fate,
                    "by": k.by,
                    "time": scene.iso(k.t_s),
                    "t_s": round(k.t_s, 3),
                },
            }
        )
    for p in scene.places:
        features.append(
            {
                "type": "Feature",
                "id": f"{p.kind}-{p.id}",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "kind": p.kind,
                    "id": p.id,
                    "name": p.name,
                    "radius_km": p.radius_km,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": scene.title,
        "start": scene.iso(0.0),
        "end": scene.iso(scene.end_s),
        "features": features,
    }


def geojson_text(scene: Scene) -> str:
    """:func:`to_geojson` as compact JSON text."""
    return json.dumps(to_geojson(scene), separators=(",", ":")) + "\n"
