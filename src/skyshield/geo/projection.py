"""The theatre's conformal projection and geodesic reference distances.

Files speak WGS84 ``[lon, lat]`` in degrees; inside, positions are kilometres on one Lambert
conformal conic projection (standard parallels 45 N and 53 N, origin 49 N 31 E).  Functions take
one value or arrays and broadcast.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Geod, Transformer

#: PROJ definition of the theatre projection; x east and y north, in kilometres.
THEATRE_CRS = "+proj=lcc +lat_1=45 +lat_2=53 +lat_0=49 +lon_0=31 +x_0=0 +y_0=0 +ellps=WGS84 +units=km +no_defs"

#: Theatre extent in degrees (lon_min, lat_min, lon_max, lat_max); files must stay inside it.
THEATRE_BOUNDS = (12.0, 40.0, 50.0, 60.0)

_GEOD = Geod(ellps="WGS84")

FloatArray = NDArray[np.float64]


class Projection:
    """Conversions between WGS84 degrees and theatre kilometres, both ways.

    >>> p = Projection()
    >>> x, y = p.to_km(31.0, 49.0)
    >>> round(float(x), 6), round(float(y), 6)
    (0.0, 0.0)
    """

    def __init__(self, crs: str = THEATRE_CRS) -> None:
        self.crs = CRS.from_proj4(crs)
        self._fwd = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self._inv = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    def to_km(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
        """Project degrees (lon, lat) to theatre kilometres (x east, y north)."""
        return self._fwd.transform(lon, lat)

    def to_lonlat(self, x_km: ArrayLike, y_km: ArrayLike) -> tuple[Any, Any]:
        """Inverse of :meth:`to_km`: kilometres back to degrees (lon, lat)."""
        return self._inv.transform(x_km, y_km)

    def point_km(self, lonlat: tuple[float, float] | list[float]) -> tuple[float, float]:
        """One ``[lon, lat]`` pair to a ``(x_km, y_km)`` tuple of floats."""
        x, y = self.to_km(lonlat[0], lonlat[1])
        return float(x), float(y)


def geodesic_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Geodesic distance on the WGS84 ellipsoid, in km (pyproj ``Geod.inv``); broadcasts."""
    a = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    _, _, dist_m = _GEOD.inv(a[0].ravel(), a[1].ravel(), a[2].ravel(), a[3].ravel())
    return np.asarray(dist_m, dtype=float).reshape(a[0].shape) / 1000.0


def in_bounds(lon: float, lat: float) -> bool:
    """True if the point lies inside :data:`THEATRE_BOUNDS`."""
    lon0, lat0, lon1, lat1 = THEATRE_BOUNDS
    return lon0 <= lon <= lon1 and lat0 <= lat <= lat1
