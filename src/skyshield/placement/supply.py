"""What a station at a candidate costs the coalition in aircraft: the force plan's rules.

Pledges of one type at one base form a pool (the force plan keeps nations apart, but their
aircraft are interchangeable for what a station costs).  An option is a
pool at a candidate, flying dry or, where the scenario uses tankers and the type can take fuel
from them, refuelled once per sortie.  As in the force plan, an option is allowed only where the
straight transit from base to candidate keeps at least the engagement standoff from hostile
territory and the time on station is at least ``cap.min_time_on_station_h``; its cost is the
sortie closed form's aircraft per aircraft on station (:func:`aircraft_per_on_station`) and its
tanker fuel ``24 / T_os`` refuellings a day.  The tanker fuel a day of all tracks comes from the
force plan's support table.
"""

from __future__ import annotations

import numpy as np
import shapely

from skyshield.forces import ForcePlan, SortieParams
from skyshield.forces.sortie import HOURS_PER_DAY, aircraft_per_on_station
from skyshield.geo import geodesic_km
from skyshield.placement.candidates import Candidates
from skyshield.placement.solve import Supply
from skyshield.scenario import LoadedScenario


def station_supply(
    ls: LoadedScenario, plan: ForcePlan, candidates: Candidates, on_station: int
) -> Supply:
    """Options of every pool at every candidate, for stations of ``on_station`` aircraft."""
    s, cat = ls.scenario, ls.catalog
    systems = {sys for t in s.tanker_tracks for sys in cat.tankers[t.type].refuel_systems}
    engage = s.theatre.engage_standoff_km
    fuel_per_refuel = cat.refuelling.fuel_per_refuel_t
    bases = sorted({p.base for m in s.coalition.members for p in m.pledges})
    allowed = _transit_allowed(ls, bases, candidates, engage)
    pools: dict[tuple[str, str], int] = {}
    for m in s.coalition.members:
        for p in m.pledges:
            pools[p.type, p.base] = pools.get((p.type, p.base), 0) + p.count
    cand, pool, cost, fuel = [], [], [], []
    for q, (type_id, icao) in enumerate(pools):
        ftype = cat.fighters[type_id]
        b = ls.bases[icao].position
        d = np.asarray(geodesic_km(b[0], b[1], candidates.lonlat[:, 0], candidates.lonlat[:, 1]))
        variants = [(SortieParams.of(ftype), False)]
        if s.cap.use_tankers and ftype.refuel_system in systems:
            variants.append((SortieParams.of(ftype, cat.refuelling.added_endurance_h), True))
        for params, wet in variants:
            for c in np.flatnonzero(allowed[bases.index(icao)]):
                t_os = params.time_on_station_h(float(d[c]))
                if t_os < s.cap.min_time_on_station_h or t_os <= 0:
                    continue
                cand.append(int(c))
                pool.append(q)
                cost.append(aircraft_per_on_station(params, float(d[c])))
                fuel.append(HOURS_PER_DAY / t_os * fuel_per_refuel if wet else 0.0)
    support = plan.support
    capacity = float(support.loc[support.kind == "tanker", "capacity_t_per_day"].sum())
    return Supply(
        candidates=len(candidates),
        candidate=np.asarray(cand, dtype=np.int64),
        pool=np.asarray(pool, dtype=np.int64),
        cost=np.asarray(cost, dtype=float),
        fuel_t=np.asarray(fuel, dtype=float),
        pool_aircraft=np.asarray(list(pools.values()), dtype=float),
        fuel_capacity_t=capacity,
        on_station=float(on_station),
    )


def _transit_allowed(
    ls: LoadedScenario, bases: list[str], candidates: Candidates, engage_km: float
) -> np.ndarray:
    """``(bases, candidates)``: the straight transit keeps the engagement standoff."""
    th = ls.theatre
    out = np.zeros((len(bases), len(candidates)), dtype=bool)
    if th.hostile_km.is_empty:
        out[:] = True
        return out
    for i, icao in enumerate(bases):
        bx, by = th.projection.point_km(ls.bases[icao].position)
        n = len(candidates)
        coords = np.empty((2 * n, 2))
        coords[0::2] = (bx, by)
        coords[1::2] = candidates.km
        lines = shapely.linestrings(coords, indices=np.repeat(np.arange(n), 2))
        out[i] = ~shapely.dwithin(lines, th.hostile_km, engage_km - 1e-9)
    return out
