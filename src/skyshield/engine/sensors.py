"""When each threat becomes a track: AEW orbits, fighter radars on station, national surveillance.

Detection range of a sensor against a threat (docs/engine.md) is the lesser of the radar
horizon ``4.12 (sqrt(h_sensor) + sqrt(h_target))`` km (heights in metres) and the sensor's
reference range scaled by ``(rcs / rcs_ref) ** 0.25``.  A sensor sees a threat from the first
time its path comes within that range of the sensor (an exact segment-circle solution, see
:mod:`skyshield.engine.kinematics`); a track forms ``track_delay_s`` later.

Ukraine's national air surveillance tracks a threat ``ground_track_delay_s`` after it first
enters Ukrainian airspace (free or occupied), computed exactly
(:func:`skyshield.geo.regions.entry_times`) on Ukraine's outline simplified by
:data:`UKRAINE_SIMPLIFY_KM` (an error of seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from skyshield.engine.kinematics import circle_entries
from skyshield.raids import Threats

F64 = NDArray[np.float64]

#: Simplification (km) of Ukraine's outline for entry times.
UKRAINE_SIMPLIFY_KM = 0.5


def radar_horizon_km(sensor_alt_m: float | F64, target_alt_m: float | F64) -> F64:
    """Radar horizon (km) between a sensor and a target at the given heights (m), 4/3 earth."""
    return np.asarray(4.12 * (np.sqrt(sensor_alt_m) + np.sqrt(target_alt_m)), dtype=float)


def detection_range_km(
    sensor_alt_m: float,
    ref_range_km: float,
    ref_rcs_m2: float,
    target_alt_m: F64,
    target_rcs_m2: F64,
) -> F64:
    """Detection range (km) of a sensor against targets: min(horizon, reference x (rcs/ref)^1/4)."""
    scaled = ref_range_km * (np.asarray(target_rcs_m2) / ref_rcs_m2) ** 0.25
    return np.minimum(radar_horizon_km(sensor_alt_m, np.asarray(target_alt_m)), scaled)


@dataclass(frozen=True)
class Sensor:
    """A sensor at a fixed point (km): height (m) and reference range (km) at ``ref_rcs_m2``."""

    name: str
    x_km: float
    y_km: float
    altitude_m: float
    ref_range_km: float
    ref_rcs_m2: float


def detection_times(threats: Threats, rcs_m2: F64, sensors: list[Sensor]) -> F64:
    """First time (s) any sensor sees each threat; ``inf`` if none does."""
    first = np.full(len(threats), np.inf)
    if not sensors or not len(threats):
        return first
    ranges = np.array(
        [
            detection_range_km(
                s.altitude_m, s.ref_range_km, s.ref_rcs_m2, threats.altitude_m, rcs_m2
            )
            for s in sensors
        ]
    )
    centre = np.array([(s.x_km, s.y_km) for s in sensors])
    entry = circle_entries(
        threats.offsets,
        threats.x_km,
        threats.y_km,
        threats.t_s,
        centre[:, 0].copy(),
        centre[:, 1].copy(),
        np.ascontiguousarray(ranges, dtype=np.float64),
    )
    return np.asarray(np.minimum.reduce(np.vstack([first[None, :], entry]), axis=0))


def ukraine_outline(ukraine_km: BaseGeometry) -> BaseGeometry:
    """Ukraine's outline simplified for entry times (prepared)."""
    g = ukraine_km.simplify(UKRAINE_SIMPLIFY_KM)
    shapely.prepare(g)
    return g
