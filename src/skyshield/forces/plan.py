"""Force generation for a whole scenario: which pledges hold which CAP stations.

Each pledge (nation, type, base) is a *pool* of ``A_p`` aircraft.  An *option* ``o`` is a pool
at a station, flying dry or, where the scenario uses tankers and the type can take fuel from
them, refuelling once per sortie.  The closed form of :mod:`skyshield.forces.sortie` gives
``c_o``, the aircraft needed per aircraft kept on station, and ``f_o``, the tanker fuel a day it
takes per aircraft on station (0 when dry).  With ``x_o`` the aircraft an option keeps on
station and ``y_s = 1`` when station ``s`` (needing ``n_s``) is fully held, every solution obeys

    sum_{o of p} c_o x_o <= A_p,   n_s y_s <= sum_{o at s} x_o <= n_s,   sum_o f_o x_o <= F,

with ``F`` the tanker fuel a day of all tracks.  HiGHS (through :func:`scipy.optimize.milp`,
zero optimality gap) solves, in order, each stage keeping the optimum of the ones before:

1. hold as many stations fully as possible;
2. among those solutions, prefer earlier stations of the file (station 1 before any later one,
   then station 2, ...), fixing each ``y_s`` in turn;
3. cover as much of the stations not fully held as possible;
4. use the fewest aircraft.

An option is not allowed where its time on station is below ``cap.min_time_on_station_h``, or
where the straight transit from base to station comes within the engagement standoff of hostile
territory (fighters never go there); a transit inside the patrol standoff is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from shapely.geometry import LineString

from skyshield.forces.sortie import (
    HOURS_PER_DAY,
    SortieParams,
    aircraft_per_on_station,
    station_requirement,
)
from skyshield.geo import geodesic_km
from skyshield.scenario import LoadedScenario

_HELD_TOL = 1e-6

#: Options keeping fewer aircraft on station than this are solver noise, not shown.
_MIN_ROW = 1e-3

#: HiGHS options: prove optimality exactly (the default relative gap of 1e-4 would do for most
#: plans, but not for the tie-breaks between stages).
_HIGHS = {"mip_rel_gap": 0.0}

#: Hours of transit after which a tanker type's catalog ``offload_t`` is given (bibliography key
#: eads-mrtt-65t-jetjournal: 65 t after a flight of up to 2 h); the give rate on track is ``offload_t / (E - 2 h)``.
OFFLOAD_REFERENCE_TRANSIT_H = 2.0


@dataclass(frozen=True)
class Pool:
    """Aircraft of one type, pledged by one nation, at one base."""

    nation: str
    iso_a3: str
    type: str
    base: str
    aircraft: int
    params: SortieParams
    wet_params: SortieParams | None


@dataclass(frozen=True)
class Option:
    """One way to put aircraft on a station: pool ``pool`` at station ``station``, dry or wet.

    ``cost`` is aircraft per aircraft on station; ``fuel_t`` tanker fuel a day per aircraft on
    station (0 when dry); ``transit_km`` the one-way transit; ``exposure_km`` the least distance
    of the transit line to hostile territory.
    """

    pool: int
    station: int
    wet: bool
    cost: float
    fuel_t: float
    transit_km: float
    exposure_km: float = float("inf")


@dataclass(frozen=True)
class Allocation:
    """The solver's answer: aircraft on station per option, and which stations are fully held."""

    on_station: np.ndarray
    held: np.ndarray


def allocate(
    options: list[Option],
    need: np.ndarray,
    avail: np.ndarray,
    fuel_capacity_t: float = math.inf,
) -> Allocation:
    """Solve the staged program of the module docstring with HiGHS.

    ``need[s]`` aircraft on station wanted at station ``s``; ``avail[p]`` aircraft in pool ``p``;
    ``fuel_capacity_t`` tanker fuel a day for all refuelling options together.
    """
    n_s, n_o = len(need), len(options)
    if n_o == 0 or n_s == 0:
        return Allocation(np.zeros(n_o), np.zeros(n_s, dtype=bool))
    cost = np.array([o.cost for o in options])
    pool_rows = np.zeros((len(avail), n_o + n_s))
    cover = np.zeros((n_s, n_o + n_s))
    for k, o in enumerate(options):
        pool_rows[o.pool, k] = o.cost
        cover[o.station, k] = 1.0
    full = cover.copy()
    full[np.arange(n_s), n_o + np.arange(n_s)] = -need
    cons = [
        LinearConstraint(pool_rows, -np.inf, avail),
        LinearConstraint(cover, -np.inf, need),
        LinearConstraint(full, 0.0, np.inf),
    ]
    fuel = np.concatenate([[o.fuel_t for o in options], np.zeros(n_s)])
    if np.isfinite(fuel_capacity_t) and fuel.any():
        cons.append(LinearConstraint(fuel[None, :], -np.inf, fuel_capacity_t))
    x_count = np.concatenate([np.ones(n_o), np.zeros(n_s)])
    y_count = np.concatenate([np.zeros(n_o), np.ones(n_s)])

    def solve(
        obj: np.ndarray, y_lo: np.ndarray, y_hi: np.ndarray, extra: list[LinearConstraint]
    ) -> np.ndarray | None:
        lb = np.concatenate([np.zeros(n_o), y_lo])
        ub = np.concatenate([np.full(n_o, np.inf), y_hi])
        integrality = np.concatenate([np.zeros(n_o), (y_lo != y_hi).astype(float)])
        res = milp(
            obj,
            constraints=cons + extra,
            integrality=integrality,
            bounds=Bounds(lb, ub),
            options=_HIGHS,
        )
        return None if res.x is None else np.asarray(res.x)

    lo, hi = np.zeros(n_s), np.ones(n_s)
    z = solve(-y_count, lo, hi, [])  # 1. most stations held
    if z is None:  # pragma: no cover - x = 0, y = 0 is always feasible
        raise RuntimeError("force allocation failed")
    held = round(float(z[n_o:].sum()))
    at_least = [LinearConstraint(y_count[None, :], held, np.inf)]
    for s in range(n_s):  # 2. earlier stations first
        if lo.sum() >= held:
            hi[s:] = np.minimum(hi[s:], lo[s:])
            break
        trial = lo.copy()
        trial[s] = 1.0
        if solve(np.zeros(n_o + n_s), trial, hi, at_least) is not None:
            lo[s] = 1.0
        else:
            hi[s] = 0.0
    y = lo.copy()
    z = solve(-x_count, y, y, [])  # 3. most cover of the rest
    assert z is not None
    covered = float(z[:n_o].sum())
    keep = [LinearConstraint(x_count[None, :], covered - 1e-7 * max(covered, 1.0), np.inf)]
    z = solve(np.concatenate([cost, np.zeros(n_s)]), y, y, keep)  # 4. fewest aircraft
    assert z is not None
    return Allocation(np.maximum(z[:n_o], 0.0), y.astype(bool))


@dataclass
class ForcePlan:
    """The result of :func:`plan_forces`: tables (pandas) and headline figures.

    ``assignments`` has one row per option used (pool at station, dry or refuelled);
    ``stations`` and ``pools`` one row each; :meth:`by` sums the pools by base, type or nation;
    ``support`` has the AEW orbits and tanker tracks.  Units are in the column names.
    """

    assignments: pd.DataFrame
    stations: pd.DataFrame
    pools: pd.DataFrame
    support: pd.DataFrame
    shortfalls: list[str]
    notes: list[str] = field(default_factory=list)

    def by(self, key: str) -> pd.DataFrame:
        """Pool figures summed by ``base``, ``type`` or ``nation``."""
        cols = [
            "pledged",
            "used",
            "spare",
            "spare_could_hold",
            "sorties_per_day",
            "flight_hours_per_day",
            "cost_per_day_usd",
        ]
        return self.pools.groupby(key, sort=True)[cols].sum().reset_index()

    @property
    def stations_held(self) -> int:
        """Stations held fully around the clock."""
        return int(self.stations["held"].sum())

    def totals(self) -> dict[str, float]:
        """Headline figures of the plan (counts, per day, USD)."""
        st, po, su = self.stations, self.pools, self.support
        tankers = su[su.kind == "tanker"]
        return {
            "stations": float(len(st)),
            "stations_held": float(self.stations_held),
            "on_station_required": float(st["on_station_required"].sum()),
            "on_station_held": float(st["on_station_held"].sum()),
            "aircraft_pledged": float(po["pledged"].sum()),
            "aircraft_committed": float(po["used"].sum()),
            "aircraft_for_held_stations": float(st.loc[st["held"], "aircraft"].sum()),
            "aircraft_spare": float(po["spare"].sum()),
            "spare_could_hold_on_station": float(po["spare_could_hold"].sum()),
            "fighter_sorties_per_day": float(po["sorties_per_day"].sum()),
            "fighter_flight_hours_per_day": float(po["flight_hours_per_day"].sum()),
            "fighter_cost_per_day_usd": float(po["cost_per_day_usd"].sum()),
            "tanker_fuel_used_t_per_day": float(self.assignments["fuel_t_per_day"].sum()),
            "tanker_fuel_capacity_t_per_day": float(tankers["capacity_t_per_day"].sum()),
            "support_cost_per_day_usd": float(su["cost_per_day_usd"].sum()),
            "pilot_exposure_min_km": float(self.assignments["transit_closest_hostile_km"].min())
            if len(self.assignments)
            else float("nan"),
        }


def _pools(ls: LoadedScenario) -> list[Pool]:
    s, cat = ls.scenario, ls.catalog
    systems = {sys for t in s.tanker_tracks for sys in cat.tankers[t.type].refuel_systems}
    pools = []
    for m in s.coalition.members:
        for p in m.pledges:
            ftype = cat.fighters[p.type]
            refuel = s.cap.use_tankers and ftype.refuel_system in systems
            wet = SortieParams.of(ftype, cat.refuelling.added_endurance_h) if refuel else None
            pools.append(
                Pool(m.nation, m.iso_a3, p.type, p.base, p.count, SortieParams.of(ftype), wet)
            )
    return pools


def _support(ls: LoadedScenario) -> pd.DataFrame:
    """AEW orbits and tanker tracks: flight hours, cost, and tanker fuel a day (t)."""
    s, cat = ls.scenario, ls.catalog
    rows = []
    for o in s.aew_orbits:
        a = cat.aew[o.type]
        rows.append(
            {
                "id": o.id,
                "kind": "aew",
                "type": o.type,
                "hours_covered": o.hours_covered,
                "flight_hours_per_day": o.hours_covered,
                "cost_per_day_usd": o.hours_covered * a.cost_per_flight_hour_usd,
                "capacity_t_per_day": 0.0,
            }
        )
    for tr in s.tanker_tracks:
        t = cat.tankers[tr.type]
        on_track_h = t.endurance_h - 2.0 * tr.transit_h
        sorties = tr.hours_covered / on_track_h if on_track_h > 0 else 0.0
        give_rate_t_per_h = t.offload_t / (t.endurance_h - 2.0 * OFFLOAD_REFERENCE_TRANSIT_H)
        rows.append(
            {
                "id": tr.id,
                "kind": "tanker",
                "type": tr.type,
                "hours_covered": tr.hours_covered if on_track_h > 0 else 0.0,
                "flight_hours_per_day": sorties * t.endurance_h,
                "cost_per_day_usd": sorties * t.endurance_h * t.cost_per_flight_hour_usd,
                "capacity_t_per_day": (tr.hours_covered if on_track_h > 0 else 0.0)
                * give_rate_t_per_h,
            }
        )
    cols = [
        "id",
        "kind",
        "type",
        "hours_covered",
        "flight_hours_per_day",
        "cost_per_day_usd",
        "capacity_t_per_day",
    ]
    return pd.DataFrame(rows, columns=cols)


def _options(ls: LoadedScenario, pools: list[Pool]) -> tuple[list[Option], list[str]]:
    """Every allowed (pool, station, dry/wet) option, and notes on pools that reach nothing."""
    stations = ls.scenario.cap.stations
    min_tos = ls.scenario.cap.min_time_on_station_h
    fuel_per_refuel = ls.catalog.refuelling.fuel_per_refuel_t
    proj, hostile = ls.theatre.projection, ls.theatre.hostile_km
    engage = ls.scenario.theatre.engage_standoff_km
    options: list[Option] = []
    notes: list[str] = []
    for i, p in enumerate(pools):
        b = ls.bases[p.base].position
        n_before = len(options)
        for j, st in enumerate(stations):
            d = float(geodesic_km(b[0], b[1], st.position[0], st.position[1]))
            exposure = float(
                LineString([proj.point_km(b), proj.point_km(st.position)]).distance(hostile)
            )
            if exposure < engage:
                continue
            for params, wet in ((p.params, False), (p.wet_params, True)):
                if params is None or params.time_on_station_h(d) < min_tos:
                    continue
                fuel = HOURS_PER_DAY / params.time_on_station_h(d) * fuel_per_refuel if wet else 0.0
                options.append(
                    Option(i, j, wet, aircraft_per_on_station(params, d), fuel, d, exposure)
                )
        if stations and len(options) == n_before:
            notes.append(
                f"{p.nation} {p.type} at {p.base} reaches no CAP station"
                f" (too far, or the transit comes within the {engage:g} km engagement standoff)"
            )
    return options, notes


def plan_forces(ls: LoadedScenario) -> ForcePlan:
    """Allocate the scenario's pledges to its CAP stations and report what is held and short."""
    stations = ls.scenario.cap.stations
    pools = _pools(ls)
    options, notes = _options(ls, pools)
    support = _support(ls)
    capacity = float(support.loc[support.kind == "tanker", "capacity_t_per_day"].sum())
    need = np.array([st.aircraft for st in stations], dtype=float)
    avail = np.array([p.aircraft for p in pools], dtype=float)
    sol = allocate(options, need, avail, capacity)

    arows = []
    for o, x in zip(options, sol.on_station, strict=True):
        if x <= _MIN_ROW:
            continue
        p = pools[o.pool]
        params = p.wet_params if o.wet and p.wet_params is not None else p.params
        r = station_requirement(params, o.transit_km, float(x))
        arows.append(
            {
                "station": stations[o.station].id,
                "nation": p.nation,
                "type": p.type,
                "base": p.base,
                "refuelled": o.wet,
                "transit_km": o.transit_km,
                "on_station": float(x),
                "aircraft": r.aircraft,
                "time_on_station_h": r.time_on_station_h,
                "sortie_h": r.sortie_h,
                "sorties_per_day": r.sorties_per_day,
                "flight_hours_per_day": r.flight_hours_per_day,
                "cost_per_day_usd": r.cost_per_day_usd,
                "fuel_t_per_day": o.fuel_t * float(x),
                "limited_by": r.limited_by,
                "transit_closest_hostile_km": o.exposure_km,
                "pool": o.pool,
            }
        )
    acols = [
        "station",
        "nation",
        "type",
        "base",
        "refuelled",
        "transit_km",
        "on_station",
        "aircraft",
        "time_on_station_h",
        "sortie_h",
        "sorties_per_day",
        "flight_hours_per_day",
        "cost_per_day_usd",
        "fuel_t_per_day",
        "limited_by",
        "transit_closest_hostile_km",
        "pool",
    ]
    a = pd.DataFrame(arows, columns=acols)

    sums = ["on_station", "aircraft", "sorties_per_day", "flight_hours_per_day", "cost_per_day_usd"]
    by_station = (
        a.groupby("station")[sums].sum().reindex([st.id for st in stations], fill_value=0.0)
    )
    stations_df = pd.DataFrame(
        {
            "station": [st.id for st in stations],
            "lon": [st.position[0] for st in stations],
            "lat": [st.position[1] for st in stations],
            "on_station_required": need,
            "on_station_held": by_station["on_station"].to_numpy(),
            "held": sol.held,
            "short": np.maximum(need - by_station["on_station"].to_numpy(), 0.0),
            **{c: by_station[c].to_numpy() for c in sums[1:]},
        }
    )

    by_pool = a.groupby("pool")[sums].sum().reindex(range(len(pools)), fill_value=0.0)
    fuel_left = capacity - float(a["fuel_t_per_day"].sum())
    best_cost = np.full(len(pools), math.inf)
    for o in options:  # refuelling counts only while tanker fuel is left
        if not o.wet or fuel_left > 1e-6:
            best_cost[o.pool] = min(best_cost[o.pool], o.cost)
    used = by_pool["aircraft"].to_numpy()
    spare = np.maximum(avail - used, 0.0)
    pools_df = pd.DataFrame(
        {
            "nation": [p.nation for p in pools],
            "iso_a3": [p.iso_a3 for p in pools],
            "type": [p.type for p in pools],
            "base": [p.base for p in pools],
            "pledged": avail.astype(int),
            "used": used,
            "spare": spare,
            "spare_could_hold": np.where(np.isfinite(best_cost), spare / best_cost, 0.0),
            **{c: by_pool[c].to_numpy() for c in sums[2:]},
        }
    )
    a = a.drop(columns="pool")
    shortfalls = _shortfalls(stations_df, pools, options, fuel_left)
    if capacity > 0 and fuel_left <= capacity * 1e-6:
        shortfalls.append(
            f"tanker fuel is a limit: refuelled sorties use all {capacity:.0f} t a day that the"
            " tanker tracks give; another track would let more pools refuel"
        )
    patrol = ls.scenario.theatre.patrol_standoff_km
    close = a[a["transit_closest_hostile_km"] < patrol].drop_duplicates(
        ["nation", "type", "base", "station"]
    )
    notes += [
        f"{r.nation} {r.type} from {r.base} to {r.station}: the transit passes"
        f" {r.transit_closest_hostile_km:.1f} km from hostile territory (inside the"
        f" {patrol:g} km patrol standoff, outside the engagement standoff)"
        for r in close.itertuples(index=False)
    ]
    return ForcePlan(a, stations_df, pools_df, support, shortfalls, notes)


def _shortfalls(
    stations: pd.DataFrame, pools: list[Pool], options: list[Option], fuel_left_t: float
) -> list[str]:
    """A sentence per station not fully held: how much is short and what would hold it.

    The advice names the pool that would need the fewest more aircraft flying dry, and, where
    refuelling would need fewer, that option with the tanker fuel a day it takes beyond what is
    left.
    """
    out = []
    for j, row in enumerate(stations.itertuples(index=False)):
        if row.held:
            continue
        short = float(row.short)
        mine = [o for o in options if o.station == j]
        if not mine:
            out.append(f"station {row.station}: no pledged aircraft can reach it")
            continue
        text = f"station {row.station}: {short:.1f} of {row.on_station_required:.0f} aircraft on station short"
        dry = [o for o in mine if not o.wet]
        wet = [o for o in mine if o.wet]
        if dry:
            best = min(dry, key=lambda o: o.cost)
            p = pools[best.pool]
            text += f"; about {math.ceil(short * best.cost - 1e-9)} more {p.type} at {p.base} flying without refuelling would hold it"
        if wet and (not dry or min(o.cost for o in wet) < min(o.cost for o in dry)):
            best = min(wet, key=lambda o: o.cost)
            p = pools[best.pool]
            extra_fuel = max(short * best.fuel_t - fuel_left_t, 0.0)
            text += f"; refuelling, about {math.ceil(short * best.cost - 1e-9)} more {p.type} at {p.base}"
            text += f" and {extra_fuel:.0f} t a day more tanker fuel" if extra_fuel > 0 else ""
        out.append(text)
    return out


__all__ = ["Allocation", "ForcePlan", "Option", "Pool", "allocate", "plan_forces"]
