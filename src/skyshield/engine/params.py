"""Engine parameters (catalog ``engine.yaml``), with a scenario's ``engine`` overrides."""

from __future__ import annotations

from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skyshield.catalog.policies import with_named_policy
from skyshield.errors import InputError, Problem


class EngineParams(BaseModel):
    """C2, sensor, engagement and relief parameters.  Units in the names (s, km, m, h)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    c2_cycle_s: float = Field(gt=0, le=600)
    track_delay_s: float = Field(ge=0, le=3600)
    ground_track_delay_s: float = Field(ge=0, le=3600)
    reaction_s: float = Field(ge=0, le=3600)
    look_s: float = Field(ge=0, le=600)
    max_shots_per_engagement: int = Field(ge=1, le=8)
    min_pk: float = Field(gt=0, le=1)
    max_dash_km: float = Field(gt=0, le=2000)
    scramble_delay_s: float = Field(ge=0, le=86400)
    fighter_altitude_m: float = Field(gt=0, le=20000)
    region_value: float = Field(ge=0, le=1000)
    time_penalty_per_h: float = Field(ge=0, le=1000)
    low_altitude_m: float = Field(ge=0, le=20000)
    ground_track_delay_low_s: float = Field(ge=0, le=86400)
    weapon_policy: dict[str, list[Literal["gun", "rocket", "missile"]]]
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _named_policy(cls, data: Any) -> Any:
        return with_named_policy(data)  # a policy name becomes its mapping and its note

    @model_validator(mode="after")
    def _noted(self) -> EngineParams:
        missing = [f for f in type(self).model_fields if f != "sources" and f not in self.sources]
        if missing:
            raise ValueError(f"no source note for {', '.join(missing)}")
        return self


def load_engine_params(
    overrides: dict[str, Any] | None = None, origin: str = "<scenario>"
) -> EngineParams:
    """The catalog's engine parameters with ``overrides`` (a scenario's ``engine``) on top.

    An overridden number's note becomes ``assumption: set by the scenario``.
    """
    text = resources.files("skyshield.data.catalog").joinpath("engine.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    for key, value in (overrides or {}).items():
        data[key] = value
        data["sources"][key] = "assumption: set by the scenario"
    try:
        return EngineParams.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [
                Problem(origin, "engine." + ".".join(str(p) for p in e["loc"]), str(e["msg"]))
                for e in exc.errors()
            ]
        ) from None
