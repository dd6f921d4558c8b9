"""Fighters on CAP: stations' slots from the force plan, and the aircraft that fill them.

A station holding ``n`` aircraft on station (the force plan, rounded with a draw for the
fraction) has ``n`` *slots*; each slot is filled by one aircraft at a time, of the type, base and
nation that the plan assigns to it (largest remainder).  An aircraft arrives on station with
``T_os`` hours to *bingo* (the plan's time on station, air refuelling included); it must leave by
bingo to land with its reserve.  A dash to an intercept burns fuel ``dash_fuel_factor`` times as
fast as loitering, so it brings bingo forward by ``dash_h (dash_fuel_factor - 1)``.  A relief is
launched to arrive when the aircraft on station reaches bingo; an aircraft that runs out of
weapons returns at once and an unplanned relief takes off ``scramble_delay_s`` later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from skyshield.catalog import Catalog, FighterType


@dataclass(frozen=True)
class SlotSpec:
    """One aircraft's place on a station: where, who fills it, and the sortie figures (km, h)."""

    slot: int
    station: str
    x_km: float
    y_km: float
    nation: str
    type: str
    base: str
    base_x_km: float
    base_y_km: float
    transit_km: float
    time_on_station_h: float
    refuelled: bool


@dataclass
class Aircraft:
    """One sortie of one aircraft.  Times in s after the night's start; fuel as hours."""

    id: str
    spec: SlotSpec
    ftype: FighterType
    weapons: dict[str, int]
    takeoff_s: float
    arrive_s: float
    bingo_s: float
    depart_s: float = math.inf
    busy_until_s: float = -math.inf
    spent: dict[str, int] = field(default_factory=dict)
    kills: int = 0
    dash_h: float = 0.0

    @property
    def transit_s(self) -> float:
        """One-way transit between base and station, s."""
        return self.spec.transit_km / self.ftype.cruise_speed_kmh * 3600.0

    @property
    def land_s(self) -> float:
        """Landing time, s (after departure from the station)."""
        return self.depart_s + self.transit_s

    @property
    def fuel_left_h(self) -> float:
        """Fuel at landing, as hours of cruise: the reserve plus what leaving early saved."""
        return self.ftype.reserve_h + (self.bingo_s - self.depart_s) / 3600.0

    def has_weapons(self) -> bool:
        """True while any weapon is left."""
        return any(n > 0 for n in self.weapons.values())


def station_slots(
    assignments: pd.DataFrame,
    stations: pd.DataFrame,
    positions_km: dict[str, tuple[float, float]],
    rng: np.random.Generator,
) -> list[SlotSpec]:
    """Slots of every station from the force plan's tables (see the module docstring).

    ``positions_km`` maps station ids and base ICAO codes to theatre km.
    """
    slots: list[SlotSpec] = []
    for st in stations.itertuples(index=False):
        rows = assignments[assignments["station"] == st.station]
        held = float(rows["on_station"].sum())
        n = math.floor(held + 1e-6)
        if rng.random() < held - n:
            n += 1
        if n == 0 or rows.empty:
            continue
        share = rows["on_station"].to_numpy() / held * n
        counts = np.floor(share + 1e-9).astype(int)
        for k in np.argsort(-(share - counts), kind="stable")[: n - int(counts.sum())]:
            counts[k] += 1
        for r, c in zip(rows.itertuples(index=False), counts, strict=True):
            for _ in range(int(c)):
                sx, sy = positions_km[st.station]
                bx, by = positions_km[r.base]
                slots.append(
                    SlotSpec(
                        slot=len(slots),
                        station=st.station,
                        x_km=sx,
                        y_km=sy,
                        nation=r.nation,
                        type=r.type,
                        base=r.base,
                        base_x_km=bx,
                        base_y_km=by,
                        transit_km=float(r.transit_km),
                        time_on_station_h=float(r.time_on_station_h),
                        refuelled=bool(r.refuelled),
                    )
                )
    return slots


def new_aircraft(spec: SlotSpec, catalog: Catalog, arrive_s: float, serial: int) -> Aircraft:
    """A fresh aircraft arriving on the slot's station at ``arrive_s`` with a full loadout."""
    ftype = catalog.fighters[spec.type]
    transit_s = spec.transit_km / ftype.cruise_speed_kmh * 3600.0
    return Aircraft(
        id=f"{spec.station}/{spec.slot}/{serial}",
        spec=spec,
        ftype=ftype,
        weapons=dict(ftype.loadout),
        takeoff_s=arrive_s - transit_s,
        arrive_s=arrive_s,
        bingo_s=arrive_s + spec.time_on_station_h * 3600.0,
    )
