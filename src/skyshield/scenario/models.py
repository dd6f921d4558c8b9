"""The scenario file, declared once as pydantic models.

Positions are ``[lon, lat]`` in degrees (WGS84, GeoJSON order); units are in the field names.
These models serve the YAML files, the CLI and the docs (``skyshield scenario schema``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from skyshield.geo.projection import THEATRE_BOUNDS, in_bounds
from skyshield.geo.theatre import OCCUPIED, TheatreConfig
from skyshield.scenario.params import AssetKind, EngineOverrides, GroundOverrides, Overrides

if TYPE_CHECKING:  # the override sections' models are made from the parameters' (one schema)
    EngineSection = Overrides
    GroundSection = Overrides
else:
    EngineSection, GroundSection = EngineOverrides, GroundOverrides


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
LonLat = Annotated[tuple[float, float], AfterValidator(_check_lonlat)]


#: Upper bounds: far beyond any real plan, so a value above one is a typo (or ``.inf``).
MAX_STANDOFF_KM = 1000.0
MAX_RADIUS_KM = 500.0
MAX_VALUE = 1000.0
MAX_PLEDGE = 1000
MAX_ON_STATION = 100
HOURS_PER_DAY = 24.0


class Model(BaseModel):
    """Base of all scenario models: unknown fields are errors (they are usually typos).

    Numbers must be finite: ``.inf`` and ``.nan`` are errors, not values.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class TheatreSpec(Model):
    """What is hostile and how far fighters keep from it."""

    hostile: list[str] = Field(
        default_factory=lambda: list(TheatreConfig().hostile),
        description=f"Hostile areas: ISO alpha-3 country codes and {OCCUPIED!r}"
        " (Russian-held Ukraine).",
    )
    patrol_standoff_km: float = Field(
        200.0, ge=0, le=MAX_STANDOFF_KM, description="CAP stations keep this far (km)."
    )
    engage_standoff_km: float = Field(
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
    value: float = Field(gt=0, le=MAX_VALUE)
    radius_km: float = Field(gt=0, le=MAX_RADIUS_KM)


class AssetsSpec(Model):
    """Built-in assets to keep (``all``, ``none`` or a list of ids) and the user's own."""

    builtin: Literal["all", "none"] | list[str] = "all"
    extra: list[Asset] = Field(default_factory=list)


class Base(Model):
    """An air base (host) or a diversion airfield."""

    icao: str = Field(pattern=r"^[A-Z]{4}$")
    name: str
    country: str = Field(pattern=r"^[A-Z]{3}$")
    position: LonLat
    role: Literal["host", "diversion"] = "host"


class BasesSpec(Model):
    """Bases beyond the built-in gazetteer."""

    extra: list[Base] = Field(default_factory=list)


class Pledge(Model):
    """Aircraft of one type that a member bases at one air base."""

    type: str
    count: int = Field(ge=1, le=MAX_PLEDGE)
    base: str = Field(pattern=r"^[A-Z]{4}$", description="ICAO code of the base.")


class Member(Model):
    """A coalition member and its pledges."""

    nation: str
    iso_a3: str = Field(pattern=r"^[A-Z]{3}$")
    pledges: list[Pledge] = Field(default_factory=list)


class Coalition(Model):
    """The coalition of the willing."""

    members: list[Member] = Field(default_factory=list)

    @property
    def total_aircraft(self) -> int:
        """Aircraft pledged by all members."""
        return sum(p.count for m in self.members for p in m.pledges)


class AEWOrbit(Model):
    """An airborne early-warning orbit."""

    id: str
    type: str
    position: LonLat
    radius_km: float = Field(
        40.0, gt=0, le=MAX_RADIUS_KM, description="Orbit racetrack half-length (km)."
    )
    hours_covered: float = Field(24.0, gt=0, le=HOURS_PER_DAY)
    base: str | None = Field(None, pattern=r"^[A-Z]{4}$")


class TankerTrack(Model):
    """A tanker track between two points."""

    id: str
    type: str
    start: LonLat
    end: LonLat
    hours_covered: float = Field(24.0, gt=0, le=HOURS_PER_DAY)
    transit_h: float = Field(
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
    aircraft: int = Field(
        2, ge=1, le=MAX_ON_STATION, description="Aircraft on station at all times."
    )


class CapSpec(Model):
    """The CAP plan: stations and whether fighters refuel from the tanker tracks."""

    stations: list[CapStation] = Field(default_factory=list)
    use_tankers: bool = Field(False, description="One air refuelling per sortie where possible.")
    min_time_on_station_h: float = Field(
        0.5,
        ge=0,
        le=HOURS_PER_DAY,
        description="A pool is not sent to a station it can hold for less than this.",
    )


#: Changes to one catalog entry: field -> value (mappings such as ``pk`` merge key by key).
EntryPatch = dict[str, Any]


class CatalogOverrides(Model):
    """Changes to catalog entries for this scenario only, by section, entry id and field.

    The shipped catalog is not changed; the scenario gets a patched copy.  Ids are the
    catalog's (``AIM-9X``, ``F-16``, ``shahed-136``, ``E-3``); field names as in
    ``data/catalog/*.yaml``.
    """

    threats: dict[str, EntryPatch] = Field(
        default_factory=dict,
        description="Threat classes by id, e.g. {shahed-136: {speed_kmh: 200}}.",
    )
    fighters: dict[str, EntryPatch] = Field(
        default_factory=dict,
        description="Fighter types by id, e.g. {F-16: {mission_capable_rate: 0.6}}.",
    )
    weapons: dict[str, EntryPatch] = Field(
        default_factory=dict,
        description="Weapons by id, e.g. {AIM-9X: {pk: {drone: 0.8}}} (Pk by threat category).",
    )
    aew: dict[str, EntryPatch] = Field(
        default_factory=dict, description="AEW types by id, e.g. {E-3: {ref_range_km: 150}}."
    )
    tankers: dict[str, EntryPatch] = Field(
        default_factory=dict, description="Tanker types by id, e.g. {KC-135: {offload_t: 50}}."
    )
    refuelling: EntryPatch = Field(
        default_factory=dict,
        description="What one air refuelling gives, e.g. {added_endurance_h: 1.0}.",
    )

    def as_mapping(self) -> dict[str, dict[str, Any]]:
        """The sections that change something, as plain mappings."""
        return {k: v for k, v in self.model_dump().items() if v}


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
    aew_orbits: list[AEWOrbit] = Field(default_factory=list)
    tanker_tracks: list[TankerTrack] = Field(default_factory=list)
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
    raid: str | None = Field(
        None,
        description=(
            "The raid this scenario is flown against when no other is given: a built-in name"
            " (reference), a night of the record (YYYY-MM-DD) or a raid file (relative to this file)."
        ),
    )

    def to_data(self) -> dict[str, Any]:
        """The scenario as plain data (``extends`` resolved away; the override sections hold only
        what they set), ready to vary and to write back as YAML."""
        data = self.model_dump(mode="json", exclude={"extends"})
        data["engine"] = self.engine.as_mapping()
        data["ground_defences"] = self.ground_defences.as_mapping()
        return data

    @field_validator("start")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("start needs a time zone, e.g. 2025-06-07T21:00:00Z")
        return v.astimezone(UTC)
