"""The scenario file, declared once as pydantic models.

Positions are ``[lon, lat]`` in degrees (WGS84, GeoJSON order); units are in the field names.
These models serve the YAML files, the CLI and the docs (``skyshield scenario schema``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from skyshield.catalog.bibliography import require_note
from skyshield.catalog.models import (
    AEWType,
    FighterType,
    Number,
    Probability,
    Refuelling,
    TankerType,
    ThreatClass,
    Weapon,
    Whole,
)
from skyshield.geo.projection import THEATRE_BOUNDS, in_bounds
from skyshield.geo.theatre import OCCUPIED, TheatreConfig
from skyshield.scenario.limits import check_date
from skyshield.scenario.params import (
    AssetKind,
    EngineOverrides,
    GroundOverrides,
    Overrides,
    _partial,  # a model with every field optional: what an override section may write
)

if TYPE_CHECKING:  # the override sections' models are made from the parameters' (one schema)
    EngineSection = Overrides
    GroundSection = Overrides
    ThreatPatch = Overrides
    FighterPatch = Overrides
    WeaponPatch = Overrides
    AEWPatch = Overrides
    TankerPatch = Overrides
    RefuellingPatch = Overrides
else:
    EngineSection, GroundSection = EngineOverrides, GroundOverrides
    # catalog entries as a scenario patches them: the catalog's fields, bounds and strictness
    ThreatPatch = _partial(ThreatClass, "ThreatPatch", {})
    FighterPatch = _partial(FighterType, "FighterPatch", {})
    WeaponPatch = _partial(Weapon, "WeaponPatch", {})
    AEWPatch = _partial(AEWType, "AEWPatch", {})
    TankerPatch = _partial(TankerType, "TankerPatch", {})
    RefuellingPatch = _partial(Refuelling, "RefuellingPatch", {})
    for _patch in (ThreatPatch, FighterPatch, WeaponPatch, AEWPatch, TankerPatch, RefuellingPatch):
        _patch.__module__ = __name__  # where pickle (worker processes) finds them


def _check_lonlat(v: tuple[float, float]) -> tuple[float, float]:
    lon, lat = v
    if not in_bounds(lon, lat):
        lon0, lat0, lon1, lat1 = THEATRE_BOUNDS
        raise ValueError(
            f"[{lon}, {lat}] is outside the theatre: expected [lon, lat] with lon {lon0}..{lon1}"
            f" and lat {lat0}..{lat1} degrees (GeoJSON order: longitude first)"
        )
    return v


#: ``[lon, lat]`` in degrees, inside the theatre.
LonLat = Annotated[tuple[Number, Number], AfterValidator(_check_lonlat)]

#: true or false (never text or a number).
Flag = Annotated[bool, Field(strict=True)]

#: An ICAO airfield code.
ICAO = Annotated[str, Field(pattern=r"^[A-Z]{4}$")]


#: Upper bounds: far beyond any real plan, so a value above one is a typo (or ``.inf``).
MAX_STANDOFF_KM = 1000.0
MAX_RADIUS_KM = 500.0
MAX_VALUE = 1000.0
MAX_PLEDGE = 1000
MAX_COALITION = 5000
MAX_ON_STATION = 100
HOURS_PER_DAY = 24.0
#: Most items of a list (members, stations, assets...): far beyond any real plan.
MAX_ITEMS = 500


class Model(BaseModel):
    """Base of all scenario models: unknown fields are errors (they are usually typos).

    Numbers must be finite numbers: ``.inf``, ``.nan``, text (``"5"``) and true/false are
    errors, not values; each number's bounds are in the JSON schema and in the error message.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class TheatreSpec(Model):
    """What is hostile and how far fighters keep from it."""

    hostile: list[str] = Field(
        default_factory=lambda: list(TheatreConfig().hostile),
        max_length=50,
        description=f"Hostile areas: ISO alpha-3 country codes and {OCCUPIED!r}"
        " (Russian-held Ukraine).",
    )
    patrol_standoff_km: Number = Field(
        200.0, ge=0, le=MAX_STANDOFF_KM, description="CAP stations keep this far (km)."
    )
    engage_standoff_km: Number = Field(
        150.0, ge=0, le=MAX_STANDOFF_KM, description="Shots keep this far (km)."
    )
    occupied_file: str | None = Field(
        None, description="GeoJSON replacing the shipped Russian-held territory (path)."
    )

    @model_validator(mode="after")
    def _engage_not_beyond_patrol(self) -> TheatreSpec:
        if self.engage_standoff_km > self.patrol_standoff_km:
            raise ValueError(
                "engage_standoff_km must not exceed patrol_standoff_km: fighters on station"
                " must be able to shoot where they patrol"
            )
        return self


class Asset(Model):
    """A protected asset: position, value weight (relative) and radius (km)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    kind: AssetKind
    position: LonLat
    value: Number = Field(gt=0, le=MAX_VALUE)
    radius_km: Number = Field(gt=0, le=MAX_RADIUS_KM)


class AssetsSpec(Model):
    """Built-in assets to keep (``all``, ``none`` or a list of ids) and the user's own."""

    builtin: Literal["all", "none"] | Annotated[list[str], Field(max_length=MAX_ITEMS)] = "all"
    extra: list[Asset] = Field(default_factory=list, max_length=MAX_ITEMS)


class Base(Model):
    """An air base (host) or a diversion airfield."""

    icao: str = Field(pattern=r"^[A-Z]{4}$")
    name: str
    country: str = Field(pattern=r"^[A-Z]{3}$")
    position: LonLat
    role: Literal["host", "diversion"] = "host"


class BasesSpec(Model):
    """Bases beyond the built-in gazetteer, and bases that cannot be used."""

    extra: list[Base] = Field(default_factory=list, max_length=MAX_ITEMS)
    unavailable: list[ICAO] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="ICAO codes of bases that cannot be used: a pledge at one moves to its"
        " `alternate` base if it names one, else it is dropped (each with a warning).",
    )


class Pledge(Model):
    """Aircraft of one type that a member bases at one air base."""

    type: str
    count: Whole = Field(ge=1, le=MAX_PLEDGE)
    base: ICAO = Field(description="ICAO code of the base.")
    alternate: ICAO | None = Field(
        None,
        description="Base the pledge moves to if `base` is listed in bases.unavailable"
        " (without one, the pledge is dropped).",
    )


class Member(Model):
    """A coalition member and its pledges."""

    nation: str
    iso_a3: str = Field(pattern=r"^[A-Z]{3}$")
    pledges: list[Pledge] = Field(default_factory=list, max_length=MAX_ITEMS)


class Coalition(Model):
    """The coalition of the willing.

    ``total_aircraft``: if a file gives it, every pledge is scaled (largest remainder) so that
    the coalition has that many aircraft, keeping its mix; pledges that round to 0 are dropped.
    Once loaded it is always the number of aircraft pledged.
    """

    members: list[Member] = Field(default_factory=list, max_length=MAX_ITEMS)
    total_aircraft: Whole = Field(
        None,  # type: ignore[assignment]  # filled in below when not given
        ge=1,
        le=MAX_COALITION,
        description="Aircraft of the whole coalition: if given, every pledge is scaled to it"
        " (largest remainder, the mix kept, pledges that round to 0 dropped), as `sweep --set"
        " coalition.total_aircraft=N` does. Default: the sum of the pledges.",
    )

    @model_validator(mode="after")
    def _pledged(self) -> Coalition:
        if "total_aircraft" not in self.model_fields_set:
            self.__dict__["total_aircraft"] = sum(p.count for m in self.members for p in m.pledges)
        return self

    @property
    def scales(self) -> bool:
        """True if the file asked for a coalition size (the pledges are still to be scaled)."""
        return "total_aircraft" in self.model_fields_set


class AEWOrbit(Model):
    """An airborne early-warning orbit."""

    id: str
    type: str
    position: LonLat
    radius_km: Number = Field(
        40.0, gt=0, le=MAX_RADIUS_KM, description="Orbit racetrack half-length (km)."
    )
    hours_covered: Number = Field(24.0, gt=0, le=HOURS_PER_DAY)
    base: ICAO | None = None


class TankerTrack(Model):
    """A tanker track between two points."""

    id: str
    type: str
    start: LonLat
    end: LonLat
    hours_covered: Number = Field(24.0, gt=0, le=HOURS_PER_DAY)
    transit_h: Number = Field(
        2.0,
        ge=0,
        le=HOURS_PER_DAY,
        description="Transit each way to the track (h); 2 h, the flight after which the A330 MRTT"
        " gives its catalog offload (eads-mrtt-65t-jetjournal)."
        " Both ways must fit in the tanker's endurance (checked against the catalog).",
    )


class CapStation(Model):
    """A combat air patrol station: where, and how many aircraft on it around the clock."""

    id: str
    position: LonLat
    aircraft: Whole = Field(
        2, ge=1, le=MAX_ON_STATION, description="Aircraft on station at all times."
    )


class CapSpec(Model):
    """The CAP plan: stations and whether fighters refuel from the tanker tracks."""

    stations: list[CapStation] = Field(default_factory=list, max_length=MAX_ITEMS)
    use_tankers: Flag = Field(False, description="One air refuelling per sortie where possible.")
    min_time_on_station_h: Number = Field(
        0.5,
        ge=0,
        le=HOURS_PER_DAY,
        description="A pool is not sent to a station it can hold for less than this.",
    )


class CatalogOverrides(Model):
    """Changes to catalog entries for this scenario only, by section, entry id and field.

    The shipped catalog is not changed; the scenario gets a patched copy.  Ids are the
    catalog's (``AIM-9X``, ``F-16``, ``shahed-136``, ``E-3``); field names, types and bounds as
    in ``data/catalog/*.yaml`` (mappings such as ``pk`` merge key by key).
    """

    threats: dict[str, ThreatPatch] = Field(
        default_factory=dict,
        description="Threat classes by id, e.g. {shahed-136: {speed_kmh: 200}}.",
    )
    fighters: dict[str, FighterPatch] = Field(
        default_factory=dict,
        description="Fighter types by id, e.g. {F-16: {mission_capable_rate: 0.6}}.",
    )
    weapons: dict[str, WeaponPatch] = Field(
        default_factory=dict,
        description="Weapons by id, e.g. {AIM-9X: {pk: {drone: 0.8}}} (Pk by threat category).",
    )
    aew: dict[str, AEWPatch] = Field(
        default_factory=dict, description="AEW types by id, e.g. {E-3: {ref_range_km: 150}}."
    )
    tankers: dict[str, TankerPatch] = Field(
        default_factory=dict, description="Tanker types by id, e.g. {KC-135: {offload_t: 50}}."
    )
    refuelling: RefuellingPatch = Field(
        default_factory=RefuellingPatch,
        description="What one air refuelling gives, e.g. {added_endurance_h: 1.0}.",
    )

    def as_mapping(self) -> dict[str, dict[str, Any]]:
        """The sections that change something, as plain mappings of what they set."""
        return {k: v for k, v in self.model_dump(mode="json", exclude_none=True).items() if v}


#: The note of the default target model.
TARGETS_NOTE = (
    "assumption: no public source gives the share of a raid's weapons that aim at the protected"
    " assets; 60 % stands for raids aimed mostly at cities, energy and ports, the rest at other"
    " places of free Ukraine; the sensitivity factor aim-share varies it from 30 to 90 %"
)


class TargetModel(Model):
    """Where the weapons of a raid aim when the raid does not name their targets (the reference
    raid, generated nights, record nights whose report names no region)."""

    asset_share: Probability = Field(
        0.6,
        description="Share of weapons aimed at protected assets (0-1); the others aim at regions"
        " of free Ukraine.",
    )
    weighting: Literal["value", "equal"] = Field(
        "value",
        description="How weapons aimed at assets pick one: by the assets' value weights, or"
        " equally.",
    )
    note: str = Field(TARGETS_NOTE, description="'source: KEY ...' or 'assumption: REASON'.")

    @field_validator("note")
    @classmethod
    def _noted(cls, v: str) -> str:
        return require_note(v)


class Scenario(Model):
    """A whole scenario.  Parts not given take the built-in defaults."""

    name: str
    description: str = ""
    extends: str | None = Field(
        None, description="Built-in scenario name or path this file overrides (merged key by key)."
    )
    start: datetime = Field(
        default_factory=lambda: datetime(2025, 6, 7, 21, 0, tzinfo=UTC),
        description="Scenario start (UTC).",
    )
    theatre: TheatreSpec = Field(default_factory=TheatreSpec)
    assets: AssetsSpec = Field(default_factory=AssetsSpec)
    bases: BasesSpec = Field(default_factory=BasesSpec)
    coalition: Coalition = Field(default_factory=Coalition)
    aew_orbits: list[AEWOrbit] = Field(default_factory=list, max_length=MAX_ITEMS)
    tanker_tracks: list[TankerTrack] = Field(default_factory=list, max_length=MAX_ITEMS)
    cap: CapSpec = Field(default_factory=CapSpec)
    engine: EngineSection = Field(
        default_factory=EngineOverrides,
        description="Overrides of the engine parameters (catalog engine.yaml), e.g. c2_cycle_s.",
    )
    ground_defences: GroundSection = Field(
        default_factory=GroundOverrides,
        description="Overrides of Ukraine's own defences (catalog ground.yaml), key by key.",
    )
    catalog_overrides: CatalogOverrides = Field(
        default_factory=CatalogOverrides,
        description="Changes to catalog entries (weapons' Pk, fighters' mission-capable rate,"
        " threats' speed, ...) for this scenario, by section, id and field.",
    )
    targets: TargetModel = Field(
        default_factory=TargetModel,
        description="Where a raid's weapons aim when the raid does not name their targets.",
    )
    raid: str | None = Field(
        None,
        description=(
            "The raid this scenario is flown against when no other is given: a built-in name"
            " (reference), a night of the record (YYYY-MM-DD) or a raid file (relative to this file)."
        ),
    )

    def to_data(self) -> dict[str, Any]:
        """The scenario as plain data (``extends`` resolved away; the override sections hold only
        what they set; the coalition's size is its pledges), ready to vary and to write back as
        YAML."""
        data = self.model_dump(
            mode="json", exclude={"extends": True, "coalition": {"total_aircraft"}}
        )
        data["engine"] = self.engine.as_mapping()
        data["ground_defences"] = self.ground_defences.as_mapping()
        data["catalog_overrides"] = self.catalog_overrides.model_dump(
            mode="json", exclude_none=True
        )
        return data

    @field_validator("start", mode="before")
    @classmethod
    def _not_a_number(cls, v: Any) -> Any:
        if isinstance(v, bool | int | float):
            raise ValueError("expected a date and time such as 2025-06-07T21:00:00Z, not a number")
        return v

    @field_validator("start")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("start needs a time zone, e.g. 2025-06-07T21:00:00Z")
        return check_date(v).astimezone(UTC)
