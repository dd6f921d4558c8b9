"""Who holds each CAP station: the force plan's stations with their holders (nation, type,
base), aircraft on station against those required, and which are short or empty.

Each station is shown with the protected asset it covers: the most valuable one within
:data:`COVERS_KM` (the nearest on a tie), else the nearest.  Stations come in order of that
asset's value weight (the capital first in the reference), then of the aircraft they need,
then as the scenario lists them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from skyshield.forces import ForcePlan
from skyshield.geo.projection import geodesic_km
from skyshield.scenario import LoadedScenario

#: Aircraft on station below this count as none (the plan's fractions are averages).
EMPTY_BELOW = 0.05
#: A station covers the protected assets this close (km): about where its fighters meet the
#: threats bound for them.
COVERS_KM = 150.0


def station_status(held: float, required: float) -> str:
    """``held`` (around the clock), ``short`` or ``empty``."""
    if held >= required - 1e-9:
        return "held"
    return "short" if held >= EMPTY_BELOW else "empty"


def station_holding(ls: LoadedScenario, plan: ForcePlan) -> list[dict[str, Any]]:
    """One entry per CAP station: ``station``, ``lon``, ``lat``, the protected asset it covers
    (``near``, ``near_km``: the module docstring; "" and None without assets), aircraft ``required`` and ``on_station`` (average, 24 h),
    ``aircraft`` committed to it, ``status`` (:func:`station_status`) and its ``holders``
    (``nation``, ``type``, ``base``, ``base_name``, ``on_station``, ``aircraft``,
    ``refuelled``; the pools that hold it, most aircraft on station first)."""
    assets = ls.assets
    lon = np.array([a.position[0] for a in assets], float)
    lat = np.array([a.position[1] for a in assets], float)
    order = {st.id: k for k, st in enumerate(ls.scenario.cap.stations)}
    rows: list[tuple[tuple[float, float, int], dict[str, Any]]] = []
    for r in plan.stations.itertuples(index=False):
        near, near_km, value = "", None, 0.0
        if len(assets):
            d = geodesic_km(np.full(len(lon), r.lon), np.full(len(lat), r.lat), lon, lat)
            values = np.array([a.value for a in assets], float)
            near_ones = np.flatnonzero(d <= COVERS_KM)
            pool = near_ones if len(near_ones) else np.arange(len(assets))
            k = int(min(pool, key=lambda j: (-values[j], d[j])))
            near, near_km, value = assets[k].name, float(d[k]), float(assets[k].value)
        mine = plan.assignments[plan.assignments["station"] == r.station]
        grouped = (
            mine.groupby(["nation", "type", "base"], sort=False)
            .agg(
                on_station=("on_station", "sum"),
                aircraft=("aircraft", "sum"),
                refuelled=("refuelled", "max"),
            )
            .reset_index()
            .sort_values(["on_station", "nation"], ascending=[False, True])
        )
        holders = [
            {
                "nation": str(h.nation),
                "type": str(h.type),
                "base": str(h.base),
                "base_name": ls.bases[str(h.base)].name if str(h.base) in ls.bases else "",
                "on_station": float(h.on_station),
                "aircraft": float(h.aircraft),
                "refuelled": bool(h.refuelled),
            }
            for h in grouped.itertuples(index=False)
            if h.on_station >= 0.005
        ]
        held, required = float(r.on_station_held), float(r.on_station_required)
        key = (-value, -required, order.get(str(r.station), len(order)))
        rows.append(
            (
                key,
                {
                    "station": str(r.station),
                    "lon": float(r.lon),
                    "lat": float(r.lat),
                    "near": near,
                    "near_km": near_km,
                    "required": required,
                    "on_station": held,
                    "aircraft": float(r.aircraft),
                    "status": station_status(held, required),
                    "holders": holders,
                },
            )
        )
    return [row for _, row in sorted(rows, key=lambda kr: kr[0])]
