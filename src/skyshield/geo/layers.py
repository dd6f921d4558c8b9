"""Shipped GeoJSON layers (see ``data/geo/SOURCES.md``) and user replacements.

Every layer is read from the installed package; nothing is downloaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

from skyshield.errors import InputError, Problem


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


def load_file(path: Path) -> list[Feature]:
    """Features of a user's GeoJSON file; a clear :class:`InputError` if it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"not a JSON file in UTF-8 ({exc})")]) from None
    if not isinstance(doc, dict):
        raise InputError([Problem(str(path), "", "expected a GeoJSON FeatureCollection")])
    return _features(doc, str(path))


def sources_note(name: str) -> str:
    """The ``source`` property of the first feature of a shipped layer."""
    feats = load_builtin(name)
    return str(feats[0].properties.get("source", "")) if feats else ""
