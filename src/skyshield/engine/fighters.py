"""Fighters on CAP: stations' slots from the force plan (the aircraft that fill them are rows of
:class:`skyshield.engine.shield.Fleet`).

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
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray


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


@dataclass(frozen=True)
class Roster:
    """Who holds a station (from the force plan, built once per world): the aircraft on station
    per assignment row of the plan, their total, and one slot template per row."""

    station: str
    on_station: NDArray[np.float64]
    held: float
    templates: tuple[SlotSpec, ...]


def rosters(
    assignments: pd.DataFrame, stations: pd.DataFrame, positions_km: dict[str, tuple[float, float]]
) -> list[Roster]:
    """The roster of every station of the force plan's tables, in the plan's order.

    ``positions_km`` maps station ids and base ICAO codes to theatre km.
    """
    out: list[Roster] = []
    for st in stations.itertuples(index=False):
        rows = assignments[assignments["station"] == st.station]
        sx, sy = positions_km[st.station]
        templates = tuple(
            SlotSpec(
                slot=0,
                station=st.station,
                x_km=sx,
                y_km=sy,
                nation=r.nation,
                type=r.type,
                base=r.base,
                base_x_km=positions_km[r.base][0],
                base_y_km=positions_km[r.base][1],
                transit_km=float(r.transit_km),
                time_on_station_h=float(r.time_on_station_h),
                refuelled=bool(r.refuelled),
            )
            for r in rows.itertuples(index=False)
        )
        held = float(rows["on_station"].sum())
        out.append(Roster(st.station, rows["on_station"].to_numpy(dtype=float), held, templates))
    return out


def station_slots(rosters: list[Roster], rng: np.random.Generator) -> list[SlotSpec]:
    """Slots of every station (see the module docstring): one draw per station, in order, for
    the fraction of an aircraft, then the rows' shares by largest remainder."""
    slots: list[SlotSpec] = []
    for ro in rosters:
        n = math.floor(ro.held + 1e-6)
        if rng.random() < ro.held - n:
            n += 1
        if n == 0 or not ro.templates:
            continue
        share = ro.on_station / ro.held * n
        counts = np.floor(share + 1e-9).astype(int)
        for k in np.argsort(-(share - counts), kind="stable")[: n - int(counts.sum())]:
            counts[k] += 1
        for spec, c in zip(ro.templates, counts, strict=True):
            for _ in range(int(c)):
                slots.append(replace(spec, slot=len(slots)))
    return slots
