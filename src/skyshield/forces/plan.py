"""Force generation for a whole scenario: which pledges hold which CAP stations.

Each pledge (nation, type, base) is a *pool* of aircraft.  For a pool ``p`` and station ``s`` the
closed form of :mod:`skyshield.forces.sortie` gives ``c[p, s]``, the aircraft needed per
aircraft kept on station.  A mixed-integer program (HiGHS through :func:`scipy.optimize.milp`)
chooses ``x[p, s]``, the aircraft pool ``p`` keeps on station ``s``, to hold as many stations
fully as the pledges allow (earlier stations in the file first), then to fill the rest as far as
possible, then to use the fewest aircraft:

    maximise   sum_s W_s y_s + w sum_ps x_ps - eps sum_ps c_ps x_ps
    subject to sum_s c_ps x_ps <= A_p                     (pool p has A_p aircraft)
               n_s y_s <= sum_p x_ps <= n_s                (y_s = 1: station fully held)
               x >= 0, y binary.

A pool is never sent where its time on station is below ``cap.min_time_on_station_h`` or where
the straight transit from its base crosses hostile territory.
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


@dataclass(frozen=True)
class Pool:
    """Aircraft of one type, pledged by one nation, at one base."""

    nation: str
    iso_a3: str
    type: str
    base: str
    aircraft: int
    params: SortieParams
    refuelled: bool


@dataclass
class ForcePlan:
    """The result of :func:`plan_forces`: tables (pandas) and headline figures.

    ``assignments`` has one row per (pool, station) pair used; ``stations`` and ``pools`` one row
    each; ``by_base``, ``by_type``, ``by_nation`` sum the pools.  Units are in column names.
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
        return {
            "stations": float(len(st)),
            "stations_held": float(self.stations_held),
            "on_station_required": float(st["on_station_required"].sum()),
            "on_station_held": float(st["on_station_held"].sum()),
            "aircraft_pledged": float(po["pledged"].sum()),
            "aircraft_used": float(po["used"].sum()),
            "aircraft_spare": float(po["spare"].sum()),
            "fighter_sorties_per_day": float(po["sorties_per_day"].sum()),
            "fighter_flight_hours_per_day": float(po["flight_hours_per_day"].sum()),
            "fighter_cost_per_day_usd": float(po["cost_per_day_usd"].sum()),
            "support_cost_per_day_usd": float(su["cost_per_day_usd"].sum()) if len(su) else 0.0,
        }


def _pools(ls: LoadedScenario) -> list[Pool]:
    s, cat = ls.scenario, ls.catalog
    systems = {
        sys for t in s.tanker_tracks if t.type in cat.tankers for sys in cat.tankers[t.type].refuel_systems
    }
    pools = []
    for m in s.coalition.members:
        for p in m.pledges:
            ftype = cat.fighters[p.type]
            refuel = s.cap.use_tankers and ftype.refuel_system in systems
            added = cat.refuelling.added_endurance_h if refuel else 0.0
            pools.append(
                Pool(m.nation, m.iso_a3, p.type, p.base, p.count, SortieParams.of(ftype, added), refuel)
            )
    return pools


def _support(ls: LoadedScenario, refuels_per_day: float) -> tuple[pd.DataFrame, list[str]]:
    s, cat = ls.scenario, ls.catalog
    rows, notes = [], []
    for o in s.aew_orbits:
        t = cat.aew[o.type]
        rows.append(
            {
                "id": o.id,
                "kind": "aew",
                "type": o.type,
                "hours_covered": o.hours_covered,
                "flight_hours_per_day": o.hours_covered,
                "cost_per_day_usd": o.hours_covered * t.cost_per_flight_hour_usd,
                "capacity_t_per_day": np.nan,
            }
        )
    capacity = 0.0
    for tr in s.tanker_tracks:
        t = cat.tankers[tr.type]
        on_track_h = t.endurance_h - 2.0 * tr.transit_h
        sorties = tr.hours_covered / on_track_h if on_track_h > 0 else math.inf
        cap_t = sorties * t.offload_t if on_track_h > 0 else 0.0
        capacity += cap_t
        rows.append(
            {
                "id": tr.id,
                "kind": "tanker",
                "type": tr.type,
                "hours_covered": tr.hours_covered,
                "flight_hours_per_day": sorties * t.endurance_h,
                "cost_per_day_usd": sorties * t.endurance_h * t.cost_per_flight_hour_usd,
                "capacity_t_per_day": cap_t,
            }
        )
    demand = refuels_per_day * cat.refuelling.fuel_per_refuel_t
    if demand > capacity + 1e-9:
        notes.append(
            f"tankers short: fighters need {demand:.0f} t of fuel a day"
            f" ({refuels_per_day:.0f} refuellings), the tracks give {capacity:.0f} t"
        )
    cols = ["id", "kind", "type", "hours_covered", "flight_hours_per_day", "cost_per_day_usd", "capacity_t_per_day"]
    return pd.DataFrame(rows, columns=cols), notes


def _cost_matrix(ls: LoadedScenario, pools: list[Pool]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``c[p, s]`` (aircraft per on-station aircraft; inf where not allowed) and transit km."""
    stations = ls.scenario.cap.stations
    bases = ls.bases
    c = np.full((len(pools), len(stations)), np.inf)
    d = np.zeros_like(c)
    notes: list[str] = []
    hostile = ls.theatre.hostile_km
    min_tos = ls.scenario.cap.min_time_on_station_h
    for i, p in enumerate(pools):
        b = bases[p.base].position
        for j, st in enumerate(stations):
            d[i, j] = float(geodesic_km(b[0], b[1], st.position[0], st.position[1]))
            if p.params.time_on_station_h(d[i, j]) < min_tos:
                continue
            leg = LineString([ls.theatre.projection.point_km(b), ls.theatre.projection.point_km(st.position)])
            if leg.intersects(hostile):
                continue
            c[i, j] = aircraft_per_on_station(p.params, d[i, j])
        if stations and not np.isfinite(c[i]).any():
            notes.append(f"{p.nation} {p.type} at {p.base}: reaches no CAP station (too far or across hostile airspace)")
    return c, d, notes


def allocate(c: np.ndarray, need: np.ndarray, avail: np.ndarray) -> np.ndarray:
    """The MILP of the module docstring; returns ``x[p, s]``."""
    n_p, n_s = c.shape
    pairs = [(i, j) for i in range(n_p) for j in range(n_s) if np.isfinite(c[i, j])]
    if not pairs:
        return np.zeros_like(c)
    n_x = len(pairs)
    # weights: a full station is worth more than all partial cover; earlier stations first
    w_station = 1000.0 * (1.0 + 0.01 * (n_s - np.arange(n_s)) / n_s)
    w_cover = 10.0
    eps = 1e-3
    obj = np.concatenate(
        [np.array([-(w_cover - eps * c[i, j]) for i, j in pairs]), -w_station]
    )
    rows_pool = np.zeros((n_p, n_x + n_s))
    rows_hi = np.zeros((n_s, n_x + n_s))
    rows_lo = np.zeros((n_s, n_x + n_s))
    for k, (i, j) in enumerate(pairs):
        rows_pool[i, k] = c[i, j]
        rows_hi[j, k] = 1.0
        rows_lo[j, k] = 1.0
    for j in range(n_s):
        rows_lo[j, n_x + j] = -need[j]
    cons = [
        LinearConstraint(rows_pool, -np.inf, avail),
        LinearConstraint(rows_hi, -np.inf, need),
        LinearConstraint(rows_lo, 0.0, np.inf),
    ]
    integrality = np.concatenate([np.zeros(n_x), np.ones(n_s)])
    lb = np.zeros(n_x + n_s)
    ub = np.concatenate([np.full(n_x, np.inf), np.ones(n_s)])
    res = milp(obj, constraints=cons, integrality=integrality, bounds=Bounds(lb, ub))
    if res.x is None:  # pragma: no cover - the problem is always feasible (x = 0, y = 0)
        raise RuntimeError(f"force allocation failed: {res.message}")
    x = np.zeros_like(c)
    for k, (i, j) in enumerate(pairs):
        x[i, j] = max(0.0, float(res.x[k]))
    return x


def plan_forces(ls: LoadedScenario) -> ForcePlan:
    """Allocate the scenario's pledges to its CAP stations and report what is held and short."""
    s = ls.scenario
    pools = _pools(ls)
    stations = s.cap.stations
    c, d, notes = _cost_matrix(ls, pools)
    need = np.array([st.aircraft for st in stations], dtype=float)
    avail = np.array([p.aircraft for p in pools], dtype=float)
    x = allocate(c, need, avail) if len(pools) and len(stations) else np.zeros_like(c)

    arows = []
    for i, p in enumerate(pools):
        for j, st in enumerate(stations):
            if x[i, j] <= _HELD_TOL:
                continue
            r = station_requirement(p.params, d[i, j], x[i, j])
            arows.append(
                {
                    "station": st.id,
                    "nation": p.nation,
                    "type": p.type,
                    "base": p.base,
                    "transit_km": d[i, j],
                    "on_station": x[i, j],
                    "aircraft": r.aircraft,
                    "time_on_station_h": r.time_on_station_h,
                    "sortie_h": r.sortie_h,
                    "sorties_per_day": r.sorties_per_day,
                    "flight_hours_per_day": r.flight_hours_per_day,
                    "cost_per_day_usd": r.cost_per_day_usd,
                    "limited_by": r.limited_by,
                    "refuelled": p.refuelled,
                }
            )
    acols = [
        "station", "nation", "type", "base", "transit_km", "on_station", "aircraft",
        "time_on_station_h", "sortie_h", "sorties_per_day", "flight_hours_per_day",
        "cost_per_day_usd", "limited_by", "refuelled",
    ]  # fmt: skip
    assignments = pd.DataFrame(arows, columns=acols)

    def per(key: str, value: str, ids: list[str]) -> np.ndarray:
        if assignments.empty:
            return np.zeros(len(ids))
        g = assignments.groupby(key)[value].sum()
        return np.array([float(g.get(k, 0.0)) for k in ids])

    sid = [st.id for st in stations]
    held_n = x.sum(axis=0) if len(pools) else np.zeros(len(stations))
    stations_df = pd.DataFrame(
        {
            "station": sid,
            "lon": [st.position[0] for st in stations],
            "lat": [st.position[1] for st in stations],
            "on_station_required": need,
            "on_station_held": held_n,
            "held": held_n >= need - _HELD_TOL,
            "short": np.maximum(need - held_n, 0.0),
            "aircraft": per("station", "aircraft", sid),
            "sorties_per_day": per("station", "sorties_per_day", sid),
            "flight_hours_per_day": per("station", "flight_hours_per_day", sid),
            "cost_per_day_usd": per("station", "cost_per_day_usd", sid),
        }
    )
    used = (c * np.where(x > _HELD_TOL, x, 0.0)).sum(axis=1) if len(stations) else np.zeros(len(pools))
    used = np.where(np.isfinite(used), used, 0.0)
    pool_rows = []
    for i, p in enumerate(pools):
        mine = assignments[(assignments.nation == p.nation) & (assignments.type == p.type) & (assignments.base == p.base)]
        pool_rows.append(
            {
                "nation": p.nation,
                "iso_a3": p.iso_a3,
                "type": p.type,
                "base": p.base,
                "pledged": p.aircraft,
                "used": used[i],
                "spare": max(p.aircraft - used[i], 0.0),
                "sorties_per_day": float(mine.sorties_per_day.sum()),
                "flight_hours_per_day": float(mine.flight_hours_per_day.sum()),
                "cost_per_day_usd": float(mine.cost_per_day_usd.sum()),
                "refuelled": p.refuelled,
            }
        )
    pcols = ["nation", "iso_a3", "type", "base", "pledged", "used", "spare", "sorties_per_day",
             "flight_hours_per_day", "cost_per_day_usd", "refuelled"]  # fmt: skip
    pools_df = pd.DataFrame(pool_rows, columns=pcols)

    refuels = float(assignments.loc[assignments.refuelled, "sorties_per_day"].sum()) if len(assignments) else 0.0
    support, snotes = _support(ls, refuels)
    notes += snotes
    shortfalls = _shortfalls(stations_df, pools, c)
    return ForcePlan(assignments, stations_df, pools_df, support, shortfalls + snotes, notes)


def _shortfalls(stations: pd.DataFrame, pools: list[Pool], c: np.ndarray) -> list[str]:
    out = []
    for j, row in stations.iterrows():
        if row["held"]:
            continue
        col = c[:, int(str(j))] if len(pools) else np.array([])
        if col.size == 0 or not np.isfinite(col).any():
            out.append(f"station {row['station']}: no pledged type can reach it")
            continue
        best = int(np.argmin(col))
        more = math.ceil(row["short"] * col[best] - 1e-9)
        p = pools[best]
        out.append(
            f"station {row['station']}: {row['short']:.1f} of {row['on_station_required']:.0f} aircraft"
            f" on station short; about {more} more {p.type} at {p.base} would hold it"
        )
    return out


__all__ = ["HOURS_PER_DAY", "ForcePlan", "Pool", "plan_forces"]
