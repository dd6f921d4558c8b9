"""Which candidate station covers which threat path.

A station *covers* a path when some point of the path inside the engagement zone lies within the
fighters' *reach* of the station: ``max_dash_km`` (the engine's longest dash from a station)
plus the range of the weapon the engine would fire first at that class (the cheapest one the
weapon policy allows with single-shot Pk at least ``min_pk``), the longest such range among the
scenario's fighter types.  Classes that fighters cannot engage (``fighter_engageable: false``,
or no adequate weapon) are never covered.  Distances are exact point-to-segment distances in
theatre kilometres, to the parts of each route clipped to the engagement zone.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from skyshield.catalog import Catalog
from skyshield.placement.paths import PathSample
from skyshield.scenario.params import EngineParams

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]

#: Stations handled per block of the distance computation (bounds memory to ~100 MB).
_BLOCK = 32


def weapon_reach_km(
    catalog: Catalog, params: EngineParams, types: list[str], category: str
) -> float:
    """Range (km) of the weapon the engine fires first at ``category``, longest among ``types``;
    ``-inf`` if none of them carries an adequate weapon."""
    allowed = params.weapon_policy.get(category, [])
    best = -math.inf
    for t in types:
        usable = [
            catalog.weapons[w]
            for w, n in catalog.fighters[t].loadout.items()
            if n > 0
            and catalog.weapons[w].kind in allowed
            and catalog.weapons[w].pk.get(category, 0.0) >= params.min_pk  # type: ignore[call-overload]
        ]
        if usable:
            best = max(best, min(usable, key=lambda w: w.cost_usd).range_km)
    return best


def reach_by_class(
    catalog: Catalog, params: EngineParams, types: list[str], classes: list[str]
) -> dict[str, float]:
    """Reach (km) of a station against each threat class: dash plus weapon range, or ``-inf``."""
    out = {}
    for c in classes:
        tc = catalog.threats[c]
        weapon = weapon_reach_km(catalog, params, types, tc.category)
        out[c] = params.max_dash_km + weapon if tc.fighter_engageable else -math.inf
    return out


def clipped_segments(paths: PathSample, zone: BaseGeometry) -> tuple[F64, F64, NDArray[np.int64]]:
    """Segments of the routes inside ``zone``: start points ``(s, 2)``, end points ``(s, 2)``
    and the path of each (ascending).  A route touching the zone at one point gives a segment
    of length 0 there."""
    owner = np.repeat(np.arange(len(paths)), np.diff(paths.offsets))
    lines = shapely.linestrings(np.column_stack([paths.x_km, paths.y_km]), indices=owner)
    clipped = shapely.intersection(lines, zone)
    parts, part_path = shapely.get_parts(clipped, return_index=True)
    xy, part = shapely.get_coordinates(parts, return_index=True)
    if not len(xy):
        return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    same = part[:-1] == part[1:]
    per_part = np.bincount(part, minlength=len(parts))
    lone = np.flatnonzero(per_part[part] == 1)
    first = np.concatenate([np.flatnonzero(same), lone])
    last = np.concatenate([np.flatnonzero(same) + 1, lone])
    order = np.argsort(first, kind="stable")
    first, last = first[order], last[order]
    return xy[first], xy[last], part_path[part[first]].astype(np.int64)


def distance_to_paths(paths: PathSample, stations_km: F64, zone: BaseGeometry) -> F64:
    """Least distance (km) ``(paths, stations)`` from each station to each path's part inside
    ``zone``; ``inf`` for a path that never enters it."""
    a, b, path = clipped_segments(paths, zone)
    out = np.full((len(paths), len(stations_km)), math.inf)
    if not len(a):
        return out
    starts = np.flatnonzero(np.concatenate([[True], path[1:] != path[:-1]]))
    ab = b - a
    len2 = np.einsum("ij,ij->i", ab, ab)
    safe = np.where(len2 > 0, len2, 1.0)
    for lo in range(0, len(stations_km), _BLOCK):
        st = stations_km[lo : lo + _BLOCK]
        ap_x = st[None, :, 0] - a[:, None, 0]
        ap_y = st[None, :, 1] - a[:, None, 1]
        t = np.clip((ap_x * ab[:, None, 0] + ap_y * ab[:, None, 1]) / safe[:, None], 0.0, 1.0)
        d = np.hypot(ap_x - t * ab[:, None, 0], ap_y - t * ab[:, None, 1])
        out[path[starts], lo : lo + _BLOCK] = np.minimum.reduceat(d, starts, axis=0)
    return out


def coverage(paths: PathSample, stations_km: F64, reach_km: F64, zone: BaseGeometry) -> Bool:
    """``cover[p, c]``: station ``c`` reaches path ``p`` inside ``zone`` (see the module
    docstring); ``reach_km[p]`` is the reach against path ``p``'s class."""
    dist = distance_to_paths(paths, np.asarray(stations_km, dtype=float).reshape(-1, 2), zone)
    return np.asarray(dist <= np.asarray(reach_km)[:, None], dtype=bool)
