"""Candidate CAP stations: a square grid over the patrol zone, thinned to a number.

Grid points are multiples of ``spacing_km`` in theatre kilometres.  Each is written as
``[lon, lat]`` rounded to 0.001 degree (about 100 m), the precision of the scenario file that
will hold it, and kept only if that rounded position still lies in the patrol zone.  When there
are more than ``max_count`` points, farthest-point sampling keeps an even spread: it starts at
the point nearest the zone's centroid and adds, each time, the point farthest from those kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre

F64 = NDArray[np.float64]

#: Decimals of degrees kept in candidate positions (0.001 degree is about 100 m).
DECIMALS = 3


@dataclass(frozen=True)
class Candidates:
    """Candidate stations: ``lonlat`` ``(n, 2)`` in degrees and ``km`` ``(n, 2)`` in theatre km."""

    lonlat: F64
    km: F64

    def __len__(self) -> int:
        return len(self.km)


def grid_candidates(theatre: Theatre, spacing_km: float, max_count: int) -> Candidates:
    """Grid points of the patrol zone ``spacing_km`` apart, at most ``max_count`` of them.

    Raises :class:`InputError` if the spacing is not positive or no point falls in the zone.
    """
    if not spacing_km > 0:
        raise InputError([Problem("spacing_km", "", "expected a positive distance in km")])
    if max_count < 1:
        raise InputError([Problem("candidates", "", "expected at least 1")])
    zone = theatre.patrol_zone_km
    shapely.prepare(zone)
    x0, y0, x1, y1 = zone.bounds
    xs = np.arange(np.floor(x0 / spacing_km), np.ceil(x1 / spacing_km) + 1) * spacing_km
    ys = np.arange(np.floor(y0 / spacing_km), np.ceil(y1 / spacing_km) + 1) * spacing_km
    mesh_x, mesh_y = np.meshgrid(xs, ys)
    gx, gy = mesh_x.ravel(), mesh_y.ravel()
    inside = shapely.contains_xy(zone, gx, gy)
    lon, lat = theatre.projection.to_lonlat(gx[inside], gy[inside])
    lonlat = np.round(np.column_stack([lon, lat]), DECIMALS)
    x, y = theatre.projection.to_km(lonlat[:, 0], lonlat[:, 1])
    km = np.column_stack([x, y])
    keep = shapely.contains_xy(zone, km[:, 0], km[:, 1])
    lonlat, km = lonlat[keep], km[keep]
    if not len(km):
        raise InputError(
            [
                Problem(
                    "--spacing-km",
                    "",
                    f"no grid point {spacing_km:g} km apart falls in the patrol zone;"
                    " expected a smaller spacing",
                )
            ]
        )
    if len(km) > max_count:
        centroid = zone.centroid
        pick = farthest_points(km, max_count, np.array([centroid.x, centroid.y]))
        lonlat, km = lonlat[pick], km[pick]
    return Candidates(lonlat, km)


def farthest_points(points: F64, count: int, start_near: F64) -> NDArray[np.int64]:
    """Indices (sorted) of ``count`` of ``points`` ``(n, 2)`` spread by farthest-point sampling,
    starting with the point nearest ``start_near``; ties go to the lowest index."""
    d_start = np.hypot(*(points - start_near).T)
    chosen = [int(np.argmin(d_start))]
    nearest = np.hypot(*(points - points[chosen[0]]).T)
    while len(chosen) < min(count, len(points)):
        nxt = int(np.argmax(nearest))
        chosen.append(nxt)
        nearest = np.minimum(nearest, np.hypot(*(points - points[nxt]).T))
    return np.sort(np.asarray(chosen, dtype=np.int64))
