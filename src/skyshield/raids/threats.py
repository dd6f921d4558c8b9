"""Threats of one night as a structure of arrays, with their routes in compressed form.

One entry per threat in each array; the route of threat ``i`` is the waypoints
``offsets[i]:offsets[i + 1]`` of ``x_km``, ``y_km`` (theatre kilometres) and ``t_s`` (seconds
after the night's start).  Every route is piecewise linear in time: the threat flies each leg
at its constant ``speed_kmh``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from skyshield.geo import Projection

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Str = NDArray[np.str_]


@dataclass(frozen=True)
class Threats:
    """The threats of one night (see the module docstring for the layout)."""

    night: str
    class_id: Str
    category: Str
    group: I64
    launch_area: Str
    aim_kind: Str
    aim_id: Str
    speed_kmh: F64
    altitude_m: F64
    offsets: I64
    x_km: F64
    y_km: F64
    t_s: F64

    def __len__(self) -> int:
        return len(self.class_id)

    @property
    def launch_time_s(self) -> F64:
        """Launch time of each threat, s after the night's start."""
        return self.t_s[self.offsets[:-1]]

    @property
    def arrival_time_s(self) -> F64:
        """Time each threat reaches its aim point, s."""
        return self.t_s[self.offsets[1:] - 1]

    @property
    def legs(self) -> I64:
        """Number of straight legs of each route."""
        return np.diff(self.offsets) - 1

    def path_km(self) -> F64:
        """Length of each route, km."""
        seg = np.hypot(np.diff(self.x_km), np.diff(self.y_km))
        seg[self.offsets[1:-1] - 1] = 0.0  # no segment joins two routes
        csum = np.concatenate([[0.0], np.cumsum(seg)])
        return np.asarray(csum[self.offsets[1:] - 1] - csum[self.offsets[:-1]], dtype=np.float64)

    def to_frame(self, projection: Projection | None = None) -> pd.DataFrame:
        """One row per threat: class, launch and aim (km, and degrees if a projection is given)."""
        first, last = self.offsets[:-1], self.offsets[1:] - 1
        columns = {
            "threat": np.arange(len(self)),
            "class_id": self.class_id,
            "category": self.category,
            "group": self.group,
            "launch_area": self.launch_area,
            "aim_kind": self.aim_kind,
            "aim_id": self.aim_id,
            "speed_kmh": self.speed_kmh,
            "altitude_m": self.altitude_m,
            "launch_time_s": self.t_s[first],
            "arrival_time_s": self.t_s[last],
            "legs": self.legs,
            "path_km": self.path_km(),
            "launch_x_km": self.x_km[first],
            "launch_y_km": self.y_km[first],
            "aim_x_km": self.x_km[last],
            "aim_y_km": self.y_km[last],
        }
        if projection is not None:
            for end in ("launch", "aim"):
                lon, lat = projection.to_lonlat(columns[f"{end}_x_km"], columns[f"{end}_y_km"])
                columns[f"{end}_lon"], columns[f"{end}_lat"] = lon, lat
        return pd.DataFrame(columns)

    def waypoints_frame(self, projection: Projection | None = None) -> pd.DataFrame:
        """One row per waypoint: threat, sequence number, position and time."""
        n = np.diff(self.offsets)
        df = pd.DataFrame(
            {
                "threat": np.repeat(np.arange(len(self)), n),
                "seq": np.arange(len(self.x_km)) - np.repeat(self.offsets[:-1], n),
                "x_km": self.x_km,
                "y_km": self.y_km,
                "t_s": self.t_s,
            }
        )
        if projection is not None:
            df["lon"], df["lat"] = projection.to_lonlat(df["x_km"], df["y_km"])
        return df
