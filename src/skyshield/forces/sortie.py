"""Closed-form sortie generation for one CAP station (docs/model.md).

With one-way transit ``d`` (km), cruise speed ``v`` (km/h), endurance ``E`` (h), reserve ``r``
(h) and air refuelling adding ``R`` (h):

* time on station per sortie ``T_os = E + R - 2 d / v - r``;
* sorties a day to keep ``n`` aircraft on station ``S = 24 n / T_os``;
* sortie length ``T_s = T_os + 2 d / v``; with turnaround ``T_t`` and mission-capable rate ``m``
  the aircraft needed are ``A = S (T_s + T_t) / (24 m)``;
* no aircraft flies more than ``k`` sorties a day, so also ``A >= S / (k m)``.

Hence ``A = n * max(T_s + T_t, 24 / k) / (m * T_os)``, and the inverse, the aircraft a fleet of
``A`` keeps on station, is ``n = A * m * T_os / max(T_s + T_t, 24 / k)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from skyshield.catalog import FighterType

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class SortieParams:
    """What the sortie model needs of an aircraft type (km/h, h, fraction, USD/h)."""

    cruise_speed_kmh: float
    endurance_h: float
    reserve_h: float
    turnaround_h: float
    mission_capable_rate: float
    max_sorties_per_day: int
    cost_per_flight_hour_usd: float = 0.0
    refuel_added_h: float = 0.0

    @classmethod
    def of(cls, ftype: FighterType, refuel_added_h: float = 0.0) -> SortieParams:
        """Parameters of a catalog fighter type, with optional refuelling (h added per sortie)."""
        return cls(
            cruise_speed_kmh=ftype.cruise_speed_kmh,
            endurance_h=ftype.endurance_h,
            reserve_h=ftype.reserve_h,
            turnaround_h=ftype.turnaround_h,
            mission_capable_rate=ftype.mission_capable_rate,
            max_sorties_per_day=ftype.max_sorties_per_day,
            cost_per_flight_hour_usd=ftype.cost_per_flight_hour_usd,
            refuel_added_h=refuel_added_h,
        )

    def transit_h(self, transit_km: float) -> float:
        """One-way transit time (h) at cruise speed."""
        return transit_km / self.cruise_speed_kmh

    def time_on_station_h(self, transit_km: float) -> float:
        """``T_os``: hours on station per sortie; zero or less means the station is out of reach."""
        return (
            self.endurance_h
            + self.refuel_added_h
            - 2.0 * self.transit_h(transit_km)
            - self.reserve_h
        )

    def cycle_h(self, transit_km: float) -> tuple[float, Literal["turnaround", "sortie_limit"]]:
        """Hours of aircraft time each sortie takes, and which limit sets it."""
        t_s = self.time_on_station_h(transit_km) + 2.0 * self.transit_h(transit_km)
        turn = t_s + self.turnaround_h
        limit = HOURS_PER_DAY / self.max_sorties_per_day
        return (turn, "turnaround") if turn >= limit else (limit, "sortie_limit")


@dataclass(frozen=True)
class StationRequirement:
    """What holding ``on_station`` aircraft 24 h at ``transit_km`` takes.  Units in names."""

    on_station: float
    transit_km: float
    time_on_station_h: float
    sortie_h: float
    sorties_per_day: float
    aircraft: float
    flight_hours_per_day: float
    cost_per_day_usd: float
    limited_by: Literal["turnaround", "sortie_limit"]


class OutOfReach(ValueError):
    """The station is too far for the type: no time on station is left."""


def station_requirement(
    p: SortieParams, transit_km: float, on_station: float
) -> StationRequirement:
    """Sorties, aircraft, flight hours and cost to keep ``on_station`` aircraft on station 24 h.

    Raises :class:`OutOfReach` when ``T_os <= 0``.
    """
    t_os = p.time_on_station_h(transit_km)
    if t_os <= 0:
        raise OutOfReach(
            f"no time on station at {transit_km:.0f} km (endurance {p.endurance_h} h,"
            f" reserve {p.reserve_h} h, cruise {p.cruise_speed_kmh} km/h)"
        )
    sorties = HOURS_PER_DAY * on_station / t_os
    sortie_h = t_os + 2.0 * p.transit_h(transit_km)
    cycle, limit = p.cycle_h(transit_km)
    aircraft = sorties * cycle / (HOURS_PER_DAY * p.mission_capable_rate)
    fh = sorties * sortie_h
    return StationRequirement(
        on_station=on_station,
        transit_km=transit_km,
        time_on_station_h=t_os,
        sortie_h=sortie_h,
        sorties_per_day=sorties,
        aircraft=aircraft,
        flight_hours_per_day=fh,
        cost_per_day_usd=fh * p.cost_per_flight_hour_usd,
        limited_by=limit,
    )


def aircraft_per_on_station(p: SortieParams, transit_km: float) -> float:
    """Aircraft needed per aircraft kept on station at ``transit_km``; ``inf`` if out of reach."""
    t_os = p.time_on_station_h(transit_km)
    if t_os <= 0:
        return float("inf")
    cycle, _ = p.cycle_h(transit_km)
    return cycle / (p.mission_capable_rate * t_os)


def on_station_sustained(p: SortieParams, transit_km: float, aircraft: float) -> float:
    """Inverse of :func:`station_requirement`: aircraft a fleet of ``aircraft`` keeps on station."""
    per = aircraft_per_on_station(p, transit_km)
    return 0.0 if per == float("inf") else aircraft / per
