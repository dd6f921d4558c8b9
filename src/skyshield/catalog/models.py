"""Pydantic models of the catalog files in ``skyshield/data/catalog``.

Units are in the field names: ``_kmh`` km/h, ``_km`` kilometres, ``_m`` metres, ``_h`` hours,
``_usd`` US dollars, ``_t`` tonnes, ``_m2`` square metres.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from skyshield.catalog.bibliography import check_note, require_note

ThreatCategory = Literal[
    "drone", "decoy", "jet_drone", "cruise", "ballistic", "aeroballistic", "recon_drone", "other"
]

#: A finite number: an integer or a decimal, never text (``"0.5"``), true/false, NaN or infinity.
#: Fields give its bounds; upper bounds lie far beyond any real value, so a value above one is
#: a typo.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]

#: A whole number: never text, true/false or a decimal.
Whole = Annotated[int, Field(strict=True)]

#: A probability: a number from 0 to 1.
Probability = Annotated[Number, Field(ge=0, le=1)]

#: Upper bounds shared by several entries (units in the names).
MAX_SPEED_KMH = 40_000.0
MAX_RANGE_KM = 20_000.0
MAX_COST_USD = 1e10
MAX_HOURLY_COST_USD = 1e7
MAX_ENDURANCE_H = 48.0
MAX_AIRCRAFT_ALTITUDE_M = 30_000.0
MAX_SENSOR_RANGE_KM = 2_000.0
MAX_RCS_M2 = 10_000.0


class Sourced(BaseModel):
    """An entry whose every number has a note in ``sources``: ``source: KEY...`` (keys of the
    package bibliography) or ``assumption: REASON`` (:func:`~skyshield.catalog.bibliography.check_note`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    sources: dict[str, str] = Field(default_factory=dict)

    #: Fields that are numbers (or maps of numbers) and so need a note.
    noted_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _every_number_noted(self) -> Sourced:
        missing = [f for f in self.noted_fields if f not in self.sources]
        if missing:
            raise ValueError(f"no source note for {', '.join(missing)}")
        bad = [f"{k}: {p}" for k, v in self.sources.items() if (p := check_note(v)) is not None]
        if bad:
            raise ValueError(f"bad source note ({'; '.join(bad)})")
        return self


class ThreatClass(Sourced):
    """A class of threat: speeds, altitude, range, radar cross-section and cost."""

    id: str
    name: str
    category: ThreatCategory
    speed_kmh: Number = Field(gt=0, le=MAX_SPEED_KMH)
    speed_min_kmh: Number = Field(gt=0, le=MAX_SPEED_KMH)
    speed_max_kmh: Number = Field(gt=0, le=MAX_SPEED_KMH)
    altitude_m: Number = Field(ge=0, le=1_000_000)
    range_km: Number = Field(gt=0, le=MAX_RANGE_KM)
    rcs_m2: Number = Field(gt=0, le=MAX_RCS_M2)
    cost_usd: Number = Field(ge=0, le=MAX_COST_USD)
    fighter_engageable: bool = Field(strict=True)

    noted_fields = (
        "speed_kmh",
        "speed_min_kmh",
        "speed_max_kmh",
        "altitude_m",
        "range_km",
        "rcs_m2",
        "cost_usd",
    )

    @model_validator(mode="after")
    def _speeds_ordered(self) -> ThreatClass:
        if not self.speed_min_kmh <= self.speed_kmh <= self.speed_max_kmh:
            raise ValueError(
                f"speeds out of order (min {self.speed_min_kmh:g}, typical {self.speed_kmh:g},"
                f" max {self.speed_max_kmh:g} km/h): expected speed_min_kmh <= speed_kmh <="
                " speed_max_kmh"
            )
        return self


class FighterType(Sourced):
    """A fighter type: speeds (km/h), sortie endurance and reserve (h), ground time, costs."""

    id: str
    name: str
    cruise_speed_kmh: Number = Field(gt=0, le=MAX_SPEED_KMH)
    dash_speed_kmh: Number = Field(gt=0, le=MAX_SPEED_KMH)
    endurance_h: Number = Field(gt=0, le=MAX_ENDURANCE_H)
    reserve_h: Number = Field(ge=0, le=MAX_ENDURANCE_H)
    turnaround_h: Number = Field(ge=0, le=MAX_ENDURANCE_H)
    mission_capable_rate: Number = Field(gt=0, le=1)
    max_sorties_per_day: Whole = Field(ge=1, le=24)
    cost_per_flight_hour_usd: Number = Field(ge=0, le=MAX_HOURLY_COST_USD)
    dash_fuel_factor: Number = Field(ge=1, le=20)
    radar_range_km: Number = Field(gt=0, le=MAX_SENSOR_RANGE_KM)
    refuel_system: Literal["boom", "probe", "none"]
    loadout: dict[str, Annotated[Whole, Field(ge=0, le=100)]]

    noted_fields = (
        "cruise_speed_kmh",
        "dash_speed_kmh",
        "endurance_h",
        "reserve_h",
        "turnaround_h",
        "mission_capable_rate",
        "max_sorties_per_day",
        "cost_per_flight_hour_usd",
        "dash_fuel_factor",
        "radar_range_km",
        "loadout",
    )

    @model_validator(mode="after")
    def _reserve_within_endurance(self) -> FighterType:
        if self.reserve_h >= self.endurance_h:
            raise ValueError(
                f"reserve_h ({self.reserve_h:g} h) leaves no time to fly: expected it below"
                f" endurance_h ({self.endurance_h:g} h)"
            )
        return self


class Weapon(Sourced):
    """An air-to-air weapon or gun: effective range (km), unit cost, Pk by threat category."""

    id: str
    name: str
    kind: Literal["missile", "rocket", "gun"]
    range_km: Number = Field(gt=0, le=MAX_SENSOR_RANGE_KM)
    min_range_km: Number = Field(ge=0, le=MAX_SENSOR_RANGE_KM)
    cost_usd: Number = Field(ge=0, le=MAX_COST_USD)
    pk: dict[ThreatCategory, Probability]

    noted_fields = ("range_km", "min_range_km", "cost_usd", "pk")

    @model_validator(mode="after")
    def _ranges_ordered(self) -> Weapon:
        if self.min_range_km >= self.range_km:
            raise ValueError(
                f"min_range_km ({self.min_range_km:g}) must be below range_km ({self.range_km:g})"
            )
        return self


class AEWType(Sourced):
    """An airborne early-warning aircraft: orbit altitude (m), reference detection range."""

    id: str
    name: str
    altitude_m: Number = Field(gt=0, le=MAX_AIRCRAFT_ALTITUDE_M)
    ref_range_km: Number = Field(gt=0, le=MAX_SENSOR_RANGE_KM)
    ref_rcs_m2: Number = Field(gt=0, le=MAX_RCS_M2)
    endurance_h: Number = Field(gt=0, le=MAX_ENDURANCE_H)
    cost_per_flight_hour_usd: Number = Field(ge=0, le=MAX_HOURLY_COST_USD)

    noted_fields = (
        "altitude_m",
        "ref_range_km",
        "ref_rcs_m2",
        "endurance_h",
        "cost_per_flight_hour_usd",
    )


class TankerType(Sourced):
    """A tanker: fuel it can give on station (t), endurance (h), hourly cost."""

    id: str
    name: str
    offload_t: Number = Field(gt=0, le=1000)
    endurance_h: Number = Field(gt=0, le=MAX_ENDURANCE_H)
    cost_per_flight_hour_usd: Number = Field(ge=0, le=MAX_HOURLY_COST_USD)
    refuel_systems: list[Literal["boom", "probe"]]

    noted_fields = ("offload_t", "endurance_h", "cost_per_flight_hour_usd")


class Refuelling(Sourced):
    """What one air refuelling gives a fighter (h of endurance) and takes from a tanker (t)."""

    added_endurance_h: Number = Field(gt=0, le=MAX_ENDURANCE_H)
    fuel_per_refuel_t: Number = Field(gt=0, le=1000)

    noted_fields = ("added_endurance_h", "fuel_per_refuel_t")


class FleetEntry(BaseModel):
    """A state's real fleet of one fighter type (the ceiling for its pledge)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nation: str
    iso_a3: str = Field(pattern=r"^[A-Z]{3}$")
    type: str
    count: Whole = Field(ge=0, le=100_000)
    as_of: str
    source: str

    @field_validator("source")
    @classmethod
    def _noted(cls, v: str) -> str:
        return require_note(v)


class Catalog(BaseModel):
    """The whole catalog, keyed by id."""

    model_config = ConfigDict(frozen=True)

    threats: dict[str, ThreatClass]
    fighters: dict[str, FighterType]
    weapons: dict[str, Weapon]
    aew: dict[str, AEWType]
    tankers: dict[str, TankerType]
    refuelling: Refuelling
    fleets: list[FleetEntry]
    record_models: dict[str, list[str]]

    def fleet_size(self, iso_a3: str, fighter_type: str) -> int:
        """Real fleet of ``fighter_type`` in state ``iso_a3``; 0 if the catalog lists none."""
        return sum(f.count for f in self.fleets if f.iso_a3 == iso_a3 and f.type == fighter_type)

    @model_validator(mode="after")
    def _references_exist(self) -> Catalog:
        problems = []
        for f in self.fighters.values():
            problems += [
                f"fighter {f.id}: unknown weapon {w!r}" for w in f.loadout if w not in self.weapons
            ]
        for fl in self.fleets:
            if fl.type not in self.fighters:
                problems.append(f"fleet {fl.nation}: unknown fighter type {fl.type!r}")
        for model, classes in self.record_models.items():
            problems += [
                f"record model {model!r}: unknown threat class {c!r}"
                for c in classes
                if c not in self.threats
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self
