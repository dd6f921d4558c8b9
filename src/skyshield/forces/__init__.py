"""Force generation: sorties and aircraft to hold CAP stations around the clock."""

from skyshield.forces.plan import ForcePlan, Pool, plan_forces
from skyshield.forces.sortie import (
    SortieParams,
    StationRequirement,
    on_station_sustained,
    station_requirement,
)

__all__ = [
    "ForcePlan",
    "Pool",
    "SortieParams",
    "StationRequirement",
    "on_station_sustained",
    "plan_forces",
    "station_requirement",
]
