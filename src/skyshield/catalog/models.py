"""Pydantic models of the catalog files in ``skyshield/data/catalog``.

Units are in the field names: ``_kmh`` km/h, ``_km`` kilometres, ``_m`` metres, ``_h`` hours,
``_usd`` US dollars, ``_t`` tonnes, ``_m2`` square metres.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from skyshield.catalog.bibliography import check_note, require_note

ThreatCategory = Literal[
    "drone", "decoy", "jet_drone", "cruise", "ballistic", "aeroballistic", "recon_drone", "other"
]


class Sourced(BaseModel):
    """An entry whose every number has a note in ``sources``: ``source: KEY...`` (keys of the
    package bibliography) or ``assumption: REASON`` (:func:`~skyshield.catalog.bibliography.check_note`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
    speed_kmh: float = Field(gt=0)
    speed_min_kmh: float = Field(gt=0)
    speed_max_kmh: float = Field(gt=0)
    altitude_m: float = Field(ge=0)
    range_km: float = Field(gt=0)
    rcs_m2: float = Field(gt=0)
    cost_usd: float = Field(ge=0)
    fighter_engageable: bool

    noted_fields = (
        "speed_kmh",
        "speed_min_kmh",
        "speed_max_kmh",
        "altitude_m",
        "range_km",
        "rcs_m2",
        "cost_usd",
    )


class FighterType(Sourced):
    """A fighter type: speeds (km/h), sortie endurance and reserve (h), ground time, costs."""

    id: str
    name: str
    cruise_speed_kmh: float = Field(gt=0)
    dash_speed_kmh: float = Field(gt=0)
    endurance_h: float = Field(gt=0)
    reserve_h: float = Field(ge=0)
    turnaround_h: float = Field(ge=0)
    mission_capable_rate: float = Field(gt=0, le=1)
    max_sorties_per_day: int = Field(ge=1)
    cost_per_flight_hour_usd: float = Field(ge=0)
    dash_fuel_factor: float = Field(ge=1)
    radar_range_km: float = Field(gt=0)
    refuel_system: Literal["boom", "probe", "none"]
    loadout: dict[str, int]

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


class Weapon(Sourced):
    """An air-to-air weapon or gun: effective range (km), unit cost, Pk by threat category."""

    id: str
    name: str
    kind: Literal["missile", "rocket", "gun"]
    range_km: float = Field(gt=0)
    min_range_km: float = Field(ge=0)
    cost_usd: float = Field(ge=0)
    pk: dict[ThreatCategory, float]

    noted_fields = ("range_km", "min_range_km", "cost_usd", "pk")


class AEWType(Sourced):
    """An airborne early-warning aircraft: orbit altitude (m), reference detection range."""

    id: str
    name: str
    altitude_m: float = Field(gt=0)
    ref_range_km: float = Field(gt=0)
    ref_rcs_m2: float = Field(gt=0)
    endurance_h: float = Field(gt=0)
    cost_per_flight_hour_usd: float = Field(ge=0)

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
    offload_t: float = Field(gt=0)
    endurance_h: float = Field(gt=0)
    cost_per_flight_hour_usd: float = Field(ge=0)
    refuel_systems: list[Literal["boom", "probe"]]

    noted_fields = ("offload_t", "endurance_h", "cost_per_flight_hour_usd")


class Refuelling(Sourced):
    """What one air refuelling gives a fighter (h of endurance) and takes from a tanker (t)."""

    added_endurance_h: float = Field(gt=0)
    fuel_per_refuel_t: float = Field(gt=0)

    noted_fields = ("added_endurance_h", "fuel_per_refuel_t")


class FleetEntry(BaseModel):
    """A state's real fleet of one fighter type (the ceiling for its pledge)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nation: str
    iso_a3: str = Field(pattern=r"^[A-Z]{3}$")
    type: str
    count: int = Field(ge=0)
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
