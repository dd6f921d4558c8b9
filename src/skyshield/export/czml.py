"""A scene as CZML for Cesium: a document packet with the night's clock, then one packet per
object.

A track's packet has ``availability`` (its first to last sample), a sampled ``position``
(``cartographicDegrees`` as ``[t, lon, lat, h, ...]``, ``t`` in seconds after the ``epoch``,
the night's start; linear interpolation, exact for these piecewise-linear tracks), a ``point``
and a ``path`` (its trail) in the colour of its fate.  Kills are points available from the
kill to the end of the night; zones are polygons (with holes), places points with labels.
Colours follow the KML export.
"""

from __future__ import annotations

import json
from typing import Any

from shapely.geometry import Polygon

from skyshield.export.tracks import Scene, Track

#: RGBA colours by fate, and for fighters.
RGBA = {
    "fighter": [0, 128, 255, 255],
    "killed_fighter": [0, 192, 0, 255],
    "killed_ground": [255, 208, 0, 255],
    "lost_ew": [144, 144, 144, 255],
    "hit_asset": [255, 0, 0, 255],
    "hit_elsewhere": [255, 128, 0, 255],
    "outside_protected_area": [160, 64, 192, 255],
}

#: Zone fill colours (translucent).
ZONE_RGBA = {"patrol": [0, 255, 0, 48], "engagement": [255, 255, 0, 40], "hostile": [255, 0, 0, 56]}


def _colour(rgba: list[int]) -> dict[str, Any]:
    return {"solidColor": {"color": {"rgba": rgba}}}


def _track_packet(scene: Scene, tr: Track) -> dict[str, Any]:
    samples: list[float] = []
    for t, lon, lat, alt in zip(tr.t_s, tr.lon, tr.lat, tr.alt_m, strict=True):
        samples += [round(float(t), 3), float(lon), float(lat), float(alt)]
    rgba = RGBA.get(tr.fate or "fighter", RGBA["fighter"])
    details = "<br>".join(f"{k}: {v}" for k, v in tr.info.items() if v)
    return {
        "id": tr.id,
        "name": tr.name,
        "description": f"{tr.kind} {tr.cls}{'<br>fate: ' + tr.fate if tr.fate else ''}<br>{details}",
        "availability": f"{scene.iso(tr.t_s[0])}/{scene.iso(tr.t_s[-1])}",
        "position": {
            "epoch": scene.iso(0.0),
            "interpolationAlgorithm": "LINEAR",
            "cartographicDegrees": samples,
        },
        "point": {"pixelSize": 8 if tr.kind == "fighter" else 5, "color": {"rgba": rgba}},
        "path": {
            "material": _colour(rgba),
            "width": 2.0 if tr.kind == "fighter" else 1.0,
            "leadTime": 0.0,
            "trailTime": 1800.0,
            "resolution": 60.0,
        },
    }


def _flat(coords: Any) -> list[float]:
    return [v for c in coords for v in (float(c[0]), float(c[1]), 0.0)]


def to_czml(scene: Scene) -> list[dict[str, Any]]:
    """The scene as a list of CZML packets (see the module docstring)."""
    interval = f"{scene.iso(0.0)}/{scene.iso(scene.end_s)}"
    packets: list[dict[str, Any]] = [
        {
            "id": "document",
            "name": scene.title,
            "version": "1.0",
            "clock": {
                "interval": interval,
                "currentTime": scene.iso(0.0),
                "multiplier": 60,
                "range": "LOOP_STOP",
                "step": "SYSTEM_CLOCK_MULTIPLIER",
            },
        }
    ]
    packets += [_track_packet(scene, tr) for tr in scene.tracks]
    for k in scene.kills:
        packets.append(
            {
                "id": f"kill-{k.threat}",
                "name": f"{k.threat} {k.fate.replace('_', ' ')}",
                "description": f"{k.fate.replace('_', ' ')} by {k.by}",
                "availability": f"{scene.iso(k.t_s)}/{scene.iso(scene.end_s)}",
                "position": {"cartographicDegrees": [k.lon, k.lat, k.alt_m]},
                "point": {"pixelSize": 7, "color": {"rgba": RGBA[k.fate]}},
            }
        )
    for name, geom in scene.zones.items():
        polys = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
        for j, poly in enumerate(p for p in polys if isinstance(p, Polygon) and not p.is_empty):
            polygon: dict[str, Any] = {
                "positions": {"cartographicDegrees": _flat(poly.exterior.coords)},
                "material": _colour(ZONE_RGBA.get(name, [128, 128, 128, 40])),
                "outline": True,
            }
            if poly.interiors:
                polygon["holes"] = {
                    "cartographicDegrees": [_flat(h.coords) for h in poly.interiors]
                }
            packets.append({"id": f"zone-{name}-{j}", "name": f"{name} zone", "polygon": polygon})
    for p in scene.places:
        packets.append(
            {
                "id": f"{p.kind}-{p.id}",
                "name": p.name,
                "position": {"cartographicDegrees": [p.lon, p.lat, 0.0]},
                "point": {"pixelSize": 6, "color": {"rgba": [255, 255, 255, 255]}},
                "label": {"text": p.name, "scale": 0.5, "pixelOffset": {"cartesian2": [0, -12]}},
            }
        )
    return packets


def czml_text(scene: Scene) -> str:
    """:func:`to_czml` as compact JSON text."""
    return json.dumps(to_czml(scene), separators=(",", ":")) + "\n"
