"""The raid file: nights of threat groups, declared once as pydantic models.

A *group* is ``count`` weapons of one catalog class (or a combined class of the record such as
``kh-101+kalibr``) launched from one launch area over a window of hours after the night's start,
aimed at protected assets or regions of Ukraine.  Routes are drawn from a group when a raid is
flown (see :mod:`skyshield.raids.routes`), from a seeded generator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from skyshield.catalog.models import Number, Whole
from skyshield.scenario.limits import check_date

#: Most weapons in one group, and hours after a night's start, that a raid file can state at
#: all (far beyond any real raid: the limits in force, lower and adjustable, are
#: :data:`~skyshield.scenario.limits.RAID_WEAPONS` and :data:`~skyshield.scenario.limits.NIGHT_HOURS`).
MAX_GROUP_COUNT = 10_000_000
MAX_LAUNCH_H = 10_000.0


class Model(BaseModel):
    """Base of raid-file models: unknown fields are errors; numbers are finite numbers (never
    text, true/false, NaN or infinity)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Aim(Model):
    """Where a group is aimed: asset ids and region (oblast) ids with weights.

    Empty lists mean "anywhere in Ukraine": the default target model of the raid applies.
    """

    assets: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)


class ThreatGroup(Model):
    """``count`` weapons of class ``threat`` from ``launch_area`` over a launch window (h)."""

    threat: str = Field(description="Catalog class id, or ids joined by '+' for a combined class.")
    count: Whole = Field(ge=0, le=MAX_GROUP_COUNT)
    launch_area: str = Field(description="Launch-area id of the gazetteer.")
    launch_start_h: Number = Field(
        0.0, ge=0, le=MAX_LAUNCH_H, description="Hours after the night's start."
    )
    launch_end_h: Number = Field(0.0, ge=0, le=MAX_LAUNCH_H)
    aim: Aim = Field(default_factory=Aim)

    @model_validator(mode="after")
    def _window(self) -> ThreatGroup:
        if self.launch_end_h < self.launch_start_h:
            raise ValueError("launch_end_h must not be before launch_start_h")
        return self


class Night(Model):
    """One night's raid."""

    name: str
    start: datetime = Field(description="Start of the night (timezone required).")
    source: str = Field("", description="Where the night comes from (record, generator, ...).")
    groups: list[ThreatGroup] = Field(default_factory=list)

    @field_validator("start", mode="before")
    @classmethod
    def _not_a_number(cls, v: Any) -> Any:
        if isinstance(v, bool | int | float):
            raise ValueError("expected a date and time such as 2025-06-08T20:00:00+03:00")
        return v

    @field_validator("start")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("start needs a time zone, e.g. 2025-06-08T20:00:00+03:00")
        return check_date(v)

    @property
    def last_launch_h(self) -> float:
        """Hours from the night's start to its last launch (0 for a night without groups)."""
        return max((g.launch_end_h for g in self.groups), default=0.0)

    @property
    def total(self) -> int:
        """Weapons in the night."""
        return sum(g.count for g in self.groups)


class RaidFile(Model):
    """A raid file: one or more nights."""

    nights: list[Night] = Field(min_length=1)
