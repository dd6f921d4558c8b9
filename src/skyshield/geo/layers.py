"""Shipped GeoJSON layers (see ``data/geo/README.md``) and user replacements.

Every layer is read from the installed package; nothing is downloaded.  A user's file is checked
before shapely sees it, so a problem is reported as the file, the feature and what was expected.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

from skyshield.errors import InputError, Problem
from skyshield.geo.projection import THEATRE_BOUNDS, in_bounds

#: Geometry types a user's area file may hold.
AREA_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Feature:
    """A geometry in WGS84 degrees (lon, lat) with its GeoJSON properties."""

    geometry: BaseGeometry
    properties: dict[str, Any]


def _read_text(name: str) -> str:
    return resources.files("skyshield.data.geo").joinpath(name).read_text(encoding="utf-8")


def _features(doc: dict[str, Any], origin: str) -> list[Feature]:
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise InputError([Problem(origin, "type", "expected a GeoJSON FeatureCollection")])
    out = []
    for i, f in enumerate(doc["features"]):
        try:
            geom = shape(f["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(
                [
                    Problem(
                        origin, f"features[{i}].geometry", f"not a valid GeoJSON geometry ({exc})"
                    )
                ]
            ) from None
        if not geom.is_valid:
            geom = make_valid(geom)
        out.append(Feature(geom, dict(f.get("properties") or {})))
    return out


def load_builtin(name: str) -> list[Feature]:
    """Features of a shipped layer: ``countries``, ``occupied`` or ``coast``."""
    return _features(json.loads(_read_text(f"{name}.geojson")), f"<builtin {name}.geojson>")


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _ring_problem(ring: object, where: str) -> tuple[str, str] | None:
    """What is wrong with one linear ring (field path, message), or None."""
    if not isinstance(ring, list) or len(ring) < 4:
        return where, "expected a linear ring: a list of at least 4 [lon, lat] positions"
    for k, pos in enumerate(ring):
        if (
            not isinstance(pos, list)
            or len(pos) not in (2, 3)
            or not all(_is_number(v) for v in pos)
        ):
            return f"{where}[{k}]", "expected a position [lon, lat] of two finite numbers"
        if not in_bounds(pos[0], pos[1]):
            lon0, lat0, lon1, lat1 = THEATRE_BOUNDS
            return (
                f"{where}[{k}]",
                f"[{pos[0]}, {pos[1]}] is outside the theatre: expected lon {lon0:g}..{lon1:g}"
                f" and lat {lat0:g}..{lat1:g} degrees (GeoJSON order: longitude first)",
            )
    if ring[0][:2] != ring[-1][:2]:
        return where, "expected a closed linear ring: the last position equal to the first"
    return None


def _area_problem(geometry: object, where: str) -> tuple[str, str] | None:
    """What is wrong with a geometry that should be a (Multi)Polygon in the theatre, or None."""
    if not isinstance(geometry, dict):
        return where, "expected a Polygon or MultiPolygon geometry object"
    gtype = geometry.get("type")
    if gtype not in AREA_TYPES:
        got = f"{gtype!r}" if isinstance(gtype, str) else "no type"
        return f"{where}.type", f"expected Polygon or MultiPolygon (an area), got {got}"
    coords = geometry.get("coordinates")
    where = f"{where}.coordinates"
    polygons = [coords] if gtype == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        return where, f"expected the coordinates of a {gtype}: a non-empty list"
    for j, rings in enumerate(polygons):
        at = where if gtype == "Polygon" else f"{where}[{j}]"
        if not isinstance(rings, list) or not rings:
            return at, "expected a polygon: a non-empty list of linear rings"
        for k, ring in enumerate(rings):
            problem = _ring_problem(ring, f"{at}[{k}]")
            if problem is not None:
                return problem
    return None


def _area_features(doc: object, origin: str) -> list[Feature]:
    """The features of a user's area file, every problem reported at once."""
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise InputError(
            [Problem(origin, "", 'expected a GeoJSON FeatureCollection ("type", "features")')]
        )
    if not doc["features"]:
        raise InputError(
            [
                Problem(
                    origin,
                    "features",
                    "expected at least one Polygon or MultiPolygon feature, got none",
                )
            ]
        )
    problems: list[Problem] = []
    out: list[Feature] = []
    for i, f in enumerate(doc["features"]):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            problems.append(Problem(origin, f"features[{i}]", "expected a GeoJSON Feature"))
            continue
        bad = _area_problem(f.get("geometry"), f"features[{i}].geometry")
        if bad is not None:
            problems.append(Problem(origin, *bad))
            continue
        geom = shape(f["geometry"])
        if not geom.is_valid:
            geom = make_valid(geom)
        if geom.area <= 0:
            problems.append(
                Problem(origin, f"features[{i}].geometry", "the polygon encloses no area")
            )
            continue
        props = f.get("properties")
        out.append(Feature(geom, dict(props) if isinstance(props, dict) else {}))
    if problems:
        raise InputError(problems)
    return out


def load_file(path: Path) -> list[Feature]:
    """Features of a user's area file (GeoJSON): Polygons or MultiPolygons inside the theatre.

    Raises a clear :class:`InputError` naming the file and the feature if it is not one.
    """
    origin = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(origin, "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(origin, "", "is a directory, not a GeoJSON file")]) from None
    except OSError as exc:
        raise InputError([Problem(origin, "", f"cannot read ({exc.strerror})")]) from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError([Problem(origin, "", "not a UTF-8 text file")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(origin, "", f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno)]
        ) from None
    except RecursionError:
        raise InputError([Problem(origin, "", "not valid GeoJSON: nested too deeply")]) from None
    return _area_features(doc, origin)
