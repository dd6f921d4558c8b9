"""Engine and ground-defence parameters: the catalog's files with a scenario's overrides.

Declared once here, below the engine, so that a scenario is validated completely when it is
loaded (``skyshield scenario validate`` rejects every file the engine would reject) and the JSON
schema of scenario files describes the ``engine:`` and ``ground_defences:`` sections.

* :class:`EngineParams` (catalog ``engine.yaml``): C2, sensor, engagement and relief timings.
  A scenario's ``engine:`` replaces values key by key.
* :class:`GroundParams` (catalog ``ground.yaml``): Ukraine's own defences (electronic warfare,
  area defences, terminal defences at assets); the model is described in
  :mod:`skyshield.engine.ground`.  A scenario's ``ground_defences:`` is merged key by key (nested
  maps merge: ``{"ew_loss": {"drone": 0.3}}`` changes only drones).

:data:`EngineOverrides`, :data:`GroundOverrides` and :data:`TerminalOverrides` are the same
models with every field optional: what a scenario may write.  Loading raises
:class:`ParamsError` with a field path per problem, which the scenario loader turns into
``FILE:LINE: field: message`` lines.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Annotated, Any, ClassVar, Literal, Protocol, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from skyshield.catalog import load_catalog
from skyshield.catalog.bibliography import check_note
from skyshield.catalog.models import Sourced, ThreatCategory
from skyshield.catalog.policies import with_named_policy
from skyshield.mapping import deep_merge

#: Kinds of protected asset.
AssetKind = Literal["city", "nuclear", "energy", "port", "other"]

#: Threat categories.
CATEGORIES: tuple[str, ...] = get_args(ThreatCategory)

#: Categories that only terminal defences can engage (no EW loss, no area attrition).
TERMINAL_ONLY: tuple[str, ...] = ("ballistic", "aeroballistic")

#: The catalog files of the shipped parameters.
ENGINE_FILE, GROUND_FILE = "engine.yaml", "ground.yaml"

#: Note given to an engine number that a scenario overrides.
ENGINE_OVERRIDE_NOTE = "assumption: set by the scenario"

#: Note given to a ground number that a scenario overrides without a note of its own.
OVERRIDE_NOTE = "assumption: set by the scenario's ground_defences"

#: Largest ``shots_per_threat`` accepted (a bound against typos; real doctrine is 1-3).
MAX_SHOTS_PER_THREAT = 8

#: A field path inside a section (``("ew_loss", "drone")``).
FieldPath = tuple[str | int, ...]


class ParamsError(Exception):
    """Problems with a parameter section: ``(path inside the section, message)`` each."""

    def __init__(self, section: str, problems: list[tuple[FieldPath, str]]) -> None:
        self.section = section
        self.problems = problems
        super().__init__("; ".join(f"{section}.{_dotted(p)}: {m}" for p, m in problems))


def _dotted(path: FieldPath) -> str:
    return ".".join(str(p) for p in path)


# ----------------------------------------------------------------------------- engine


class EngineParams(BaseModel):
    """C2, sensor, engagement and relief parameters.  Units in the names (s, km, m, h)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    c2_cycle_s: float = Field(gt=0, le=600, description="Period of the C2 cycle (s).")
    track_delay_s: float = Field(
        ge=0, le=3600, description="From first detection by a coalition sensor to a track (s)."
    )
    ground_track_delay_s: float = Field(
        ge=0,
        le=3600,
        description="From entering Ukrainian airspace to a track by national surveillance (s).",
    )
    reaction_s: float = Field(ge=0, le=3600, description="From tasking to a fighter's dash (s).")
    look_s: float = Field(ge=0, le=600, description="Between shots at one threat (s).")
    max_shots_per_engagement: int = Field(
        ge=1, le=8, description="Shots at most at one threat in one pass."
    )
    min_pk: float = Field(
        gt=0, le=1, description="Least single-shot Pk for a weapon to be used against a category."
    )
    max_dash_km: float = Field(
        gt=0, le=2000, description="Farthest a fighter leaves its station for an intercept (km)."
    )
    scramble_delay_s: float = Field(
        ge=0, le=86400, description="From an unplanned return to its relief taking off (s)."
    )
    fighter_altitude_m: float = Field(gt=0, le=20000, description="CAP altitude (m).")
    region_value: float = Field(
        ge=0, le=1000, description="Value at risk of a threat aimed at a region, not an asset."
    )
    time_penalty_per_h: float = Field(
        ge=0, le=1000, description="Weapon assignment's penalty per hour to intercept."
    )
    low_altitude_m: float = Field(
        ge=0, le=20000, description="Below this height (m) ground radars track late."
    )
    ground_track_delay_low_s: float = Field(
        ge=0, le=86400, description="Track delay (s) of national surveillance for low threats."
    )
    fighter_radar_ref_rcs_m2: float = Field(
        gt=0,
        le=100,
        description="Radar cross-section (m^2) at which the catalog's fighter radar ranges apply.",
    )
    horizon_after_arrival_s: float = Field(
        ge=0,
        le=86400,
        description="How long (s) the shield's loop runs on after the last threat arrives.",
    )
    weapon_policy: dict[str, list[Literal["gun", "rocket", "missile"]]] = Field(
        description="Kinds of weapon fighters may use against each threat category."
    )
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _named_policy(cls, data: Any) -> Any:
        return with_named_policy(data)  # a policy name becomes its mapping and its note

    @field_validator("weapon_policy")
    @classmethod
    def _policy_keys(
        cls, v: dict[str, list[Literal["gun", "rocket", "missile"]]]
    ) -> dict[str, list[Literal["gun", "rocket", "missile"]]]:
        unknown = [k for k in v if k not in CATEGORIES]
        if unknown:
            raise ValueError(
                f"unknown threat categories {', '.join(map(repr, unknown))}; expected some of:"
                f" {', '.join(CATEGORIES)}"
            )
        return v

    @model_validator(mode="after")
    def _noted(self) -> EngineParams:
        missing = [f for f in type(self).model_fields if f != "sources" and f not in self.sources]
        if missing:
            raise ValueError(f"no source note for {', '.join(missing)}")
        bad = [f"{k} ({problem})" for k, v in self.sources.items() if (problem := check_note(v))]
        if bad:
            raise ValueError(f"bad source notes: {'; '.join(bad)}")
        return self


def _read_catalog_yaml(name: str) -> dict[str, Any]:
    text = resources.files("skyshield.data.catalog").joinpath(name).read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict), f"{name} must hold a mapping"
    return data


@cache
def _shipped(name: str) -> dict[str, Any]:
    """A shipped parameter file, read once per process (callers copy before changing it)."""
    return _read_catalog_yaml(name)


def _problems(exc: ValidationError) -> list[tuple[FieldPath, str]]:
    return [
        (tuple(err["loc"]), str(err["msg"]).removeprefix("Value error, ")) for err in exc.errors()
    ]


def load_engine_params(overrides: Mapping[str, Any] | None = None) -> EngineParams:
    """The catalog's engine parameters with ``overrides`` (a scenario's ``engine``) on top.

    An overridden number's note becomes :data:`ENGINE_OVERRIDE_NOTE` unless the overrides give
    their own in ``sources``.  :class:`ParamsError` (section ``engine``) on bad values.
    """
    data = copy.deepcopy(_shipped(ENGINE_FILE))
    over = dict(overrides or {})
    own_notes = over.pop("sources", None) or {}
    for key, value in over.items():
        data[key] = value
        data["sources"][key] = ENGINE_OVERRIDE_NOTE
    if isinstance(own_notes, Mapping):
        data["sources"].update(own_notes)
    try:
        return EngineParams.model_validate(data)
    except ValidationError as exc:
        raise ParamsError("engine", _problems(exc)) from None


# ----------------------------------------------------------------------------- ground


def _threat_keys() -> dict[str, str]:
    """Valid keys of the parameter maps and the category each stands for."""
    keys = {c: c for c in CATEGORIES}
    keys.update({tid: tc.category for tid, tc in load_catalog().threats.items()})
    return keys


def _check_keys(values: Mapping[str, float], *, terminal_only_zero: bool = False) -> None:
    """Raise ``ValueError`` for keys that are neither a category nor a catalog class id, and
    (if asked) for non-zero values of ballistic or aeroballistic keys."""
    keys = _threat_keys()
    unknown = [k for k in values if k not in keys]
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(map(repr, unknown))}: expected threat categories"
            f" ({', '.join(CATEGORIES)}) or threat class ids of the catalog"
        )
    if terminal_only_zero:
        bad = [k for k, v in values.items() if keys[k] in TERMINAL_ONLY and v != 0]
        if bad:
            raise ValueError(
                f"{', '.join(bad)}: ballistic and aeroballistic threats meet only terminal"
                " defences; expected 0 or no entry"
            )


#: A probability, 0..1.
Probability = Annotated[float, Field(ge=0, le=1, strict=True)]

#: A rate per 100 km, >= 0.
Rate = Annotated[float, Field(ge=0, le=1000, strict=True)]

#: An angle in degrees (a number, never a string).
Degrees = Annotated[float, Field(strict=True)]

#: A spread on the log-odds scale, 0..5.
Spread = Annotated[float, Field(ge=0, le=5, strict=True)]


class TerminalDefence(Sourced):
    """Terminal defence of one protected asset (or of every asset of a kind).

    ``range_km``: aim points within this distance of the asset are covered.  ``pk``: single-shot
    kill probability by threat category or class id.  ``shots_per_threat``: shots at most per
    threat (shoot-look-shoot).  ``magazine``: shots per night for the whole site.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    range_km: float = Field(gt=0, le=500)
    pk: dict[str, Probability]
    shots_per_threat: int = Field(ge=1, le=MAX_SHOTS_PER_THREAT)
    magazine: int = Field(ge=0, le=1_000_000)

    noted_fields: ClassVar[tuple[str, ...]] = ("range_km", "pk", "shots_per_threat", "magazine")

    @field_validator("pk")
    @classmethod
    def _pk_keys(cls, v: dict[str, float]) -> dict[str, float]:
        _check_keys(v)
        return v


class AirDefenceSite(TerminalDefence):
    """A positioned air-defence site that is not a protected asset (a Patriot battery, a SAMP/T
    or an IRIS-T fire unit): ``position`` is ``[lon, lat]`` in degrees (WGS84).  It engages,
    like a terminal defence, the threats whose aim point lies within ``range_km`` of it."""

    position: tuple[Degrees, Degrees] = Field(strict=False)  # YAML gives a list

    noted_fields: ClassVar[tuple[str, ...]] = (
        "position",
        "range_km",
        "pk",
        "shots_per_threat",
        "magazine",
    )

    @field_validator("position")
    @classmethod
    def _lonlat(cls, v: tuple[float, float]) -> tuple[float, float]:
        lon, lat = v
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ValueError(f"position {list(v)} is not [lon, lat] in degrees")
        return v


class DefendedSite(Protocol):
    """What :meth:`GroundParams.site_defence` needs of a protected asset."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...


class GroundParams(Sourced):
    """Parameters of Ukraine's own defences (the model: :mod:`skyshield.engine.ground`).

    ``ew_loss``: probability 0..1 that a threat is susceptible to electronic warfare at all
    (the level its EW loss probability reaches on a long route).  ``ew_per_100km``: rate per
    100 km flown over free Ukraine at which a susceptible threat is lost to EW.
    ``area_per_100km``: attrition rate per 100 km flown over free Ukraine of a killable threat.
    ``area_max``: probability 0..1 that a threat is killable by area defences at all (1 where
    not given).  ``night_sd``: spread (standard deviation on the log-odds scale) of the
    night-to-night variation of the defences' effectiveness against a category or class (0
    where not given).  ``terminal_kinds``: terminal defence of every asset of a kind;
    ``terminal_sites``: of one asset by id (wins over its kind); ``air_defence_sites``:
    positioned sites that are not assets (Patriot batteries and the like).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    ew_loss: dict[str, Probability]
    ew_per_100km: dict[str, Rate]
    area_per_100km: dict[str, Rate]
    area_max: dict[str, Probability]
    night_sd: dict[str, Spread] = Field(default_factory=dict)
    terminal_kinds: dict[AssetKind, TerminalDefence] = Field(default_factory=dict)
    terminal_sites: dict[str, TerminalDefence] = Field(default_factory=dict)
    air_defence_sites: dict[str, AirDefenceSite] = Field(default_factory=dict)

    noted_fields = ("ew_loss", "ew_per_100km", "area_per_100km", "area_max", "night_sd")

    @field_validator("ew_loss", "ew_per_100km", "area_per_100km")
    @classmethod
    def _layer_keys(cls, v: dict[str, float]) -> dict[str, float]:
        _check_keys(v, terminal_only_zero=True)
        return v

    @field_validator("area_max", "night_sd")
    @classmethod
    def _any_keys(cls, v: dict[str, float]) -> dict[str, float]:
        _check_keys(v)  # area_max is harmless for ballistic threats: they have no area rate
        return v

    @property
    def max_shots(self) -> int:
        """Most shots any terminal defence or air-defence site fires at one threat."""
        specs = [
            *self.terminal_kinds.values(),
            *self.terminal_sites.values(),
            *self.air_defence_sites.values(),
        ]
        return max((s.shots_per_threat for s in specs), default=1)

    def site_defence(self, asset: DefendedSite) -> TerminalDefence | None:
        """The terminal defence of ``asset``: its own, else its kind's, else None."""
        own = self.terminal_sites.get(asset.id)
        return own if own is not None else self.terminal_kinds.get(asset.kind)  # type: ignore[call-overload]


def _note_overrides(merged: dict[str, Any], over: Mapping[str, Any], noted: Sequence[str]) -> None:
    """Give each number that ``over`` sets without its own note :data:`OVERRIDE_NOTE`."""
    own = over.get("sources")
    own_notes = own if isinstance(own, Mapping) else {}
    notes = merged.get("sources")
    if not isinstance(notes, dict):
        return
    notes = dict(notes)
    for f in noted:
        if f in over and f not in own_notes:
            notes[f] = OVERRIDE_NOTE
    merged["sources"] = notes


def load_ground_params(overrides: Mapping[str, Any] | None = None) -> GroundParams:
    """The shipped ground-defence parameters with a scenario's ``ground_defences`` merged over
    them key by key (nested maps merge).

    A number set by ``overrides`` without a note in its own ``sources`` gets
    :data:`OVERRIDE_NOTE`.  A new entry of ``terminal_sites`` must be complete.  Bad values raise
    :class:`ParamsError` (section ``ground_defences``) with the path of each bad field.
    """
    base = copy.deepcopy(_shipped(GROUND_FILE))
    over: Mapping[str, Any] = overrides or {}
    if not isinstance(over, Mapping):
        raise ParamsError(
            "ground_defences", [((), f"expected a mapping, got {type(over).__name__}")]
        )
    merged = deep_merge(base, over)
    _note_overrides(merged, over, GroundParams.noted_fields)
    for group, model in (
        ("terminal_kinds", TerminalDefence),
        ("terminal_sites", TerminalDefence),
        ("air_defence_sites", AirDefenceSite),
    ):
        sub_over, sub = over.get(group), merged.get(group)
        if isinstance(sub_over, Mapping) and isinstance(sub, dict):
            for name, spec_over in sub_over.items():
                if isinstance(spec_over, Mapping) and isinstance(sub.get(name), dict):
                    sub[name] = dict(sub[name])
                    _note_overrides(sub[name], spec_over, model.noted_fields)
    try:
        return GroundParams.model_validate(merged)
    except ValidationError as exc:
        raise ParamsError("ground_defences", _problems(exc)) from None


# ----------------------------------------------------------------------------- overrides


class Overrides(BaseModel):
    """A section of a scenario that overrides parameters key by key: every field optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    def as_mapping(self) -> dict[str, Any]:
        """The fields the scenario sets, as plain mappings (unset fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)


def _optional(info: FieldInfo, annotation: Any) -> tuple[Any, FieldInfo]:
    """A field like ``info`` (same constraints and description) that may be left out."""
    new = copy.copy(info)
    new.default = None
    new.default_factory = None
    return annotation | None, new


def _partial(model: type[BaseModel], name: str, nested: dict[str, Any]) -> type[Overrides]:
    """``model`` with every field optional (``nested`` replaces some fields' types), for the
    section of a scenario that overrides it."""
    fields: dict[str, Any] = {
        f: _optional(info, nested.get(f, info.annotation)) for f, info in model.model_fields.items()
    }
    return create_model(name, __base__=Overrides, __doc__=model.__doc__, **fields)


#: A terminal defence as a scenario overrides it (complete when it names a new site).
TerminalOverrides: type[Overrides] = _partial(TerminalDefence, "TerminalOverrides", {})

#: An air-defence site as a scenario overrides it (complete when it names a new site).
AirDefenceOverrides: type[Overrides] = _partial(AirDefenceSite, "AirDefenceOverrides", {})

#: A scenario's ``engine:`` section (the weapon policy by name, e.g. ``missiles-only``, or as a
#: mapping of threat category to weapon kinds).
EngineOverrides: type[Overrides] = _partial(
    EngineParams,
    "EngineOverrides",
    {"weapon_policy": str | dict[str, list[Literal["gun", "rocket", "missile"]]]},
)

#: A scenario's ``ground_defences:`` section.
GroundOverrides: type[Overrides] = _partial(
    GroundParams,
    "GroundOverrides",
    {
        "terminal_kinds": dict[AssetKind, TerminalOverrides],  # type: ignore[valid-type]
        "terminal_sites": dict[str, TerminalOverrides],  # type: ignore[valid-type]
        "air_defence_sites": dict[str, AirDefenceOverrides],  # type: ignore[valid-type]
    },
)

__all__ = [
    "CATEGORIES",
    "ENGINE_FILE",
    "ENGINE_OVERRIDE_NOTE",
    "GROUND_FILE",
    "MAX_SHOTS_PER_THREAT",
    "OVERRIDE_NOTE",
    "TERMINAL_ONLY",
    "AirDefenceOverrides",
    "AirDefenceSite",
    "AssetKind",
    "EngineOverrides",
    "EngineParams",
    "GroundOverrides",
    "GroundParams",
    "Overrides",
    "ParamsError",
    "TerminalDefence",
    "TerminalOverrides",
    "load_engine_params",
    "load_ground_params",
]
