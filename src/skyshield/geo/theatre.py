"""The theatre: countries, hostile areas, and the zones where fighters may patrol and shoot.

*Hostile* areas are countries (ISO 3166 alpha-3 codes, e.g. ``RUS``, ``BLR``) and ``occupied``
(Russian-held Ukraine); :attr:`Theatre.hostile_names` is the one list of the valid names.  The
*patrol zone* is Ukraine less everything within ``patrol_standoff_km`` of a hostile area; the
*engagement zone* the same with ``engage_standoff_km``.  All zone geometry is in theatre kilometres (see
:mod:`skyshield.geo.projection`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from skyshield.geo.layers import Feature, load_builtin, load_file
from skyshield.geo.projection import Projection

#: The name of the Russian-held territory among hostile areas.
OCCUPIED = "occupied"

#: The defended country (ISO alpha-3): never a hostile area.
DEFENDED = "UKR"

#: Buffers are polygons; 32 segments per quarter circle keep them within 0.1 km of a circle
#: of 200 km radius.
_QUAD_SEGS = 32

#: Hostile outlines are simplified by this much (km) before buffering, for speed.
_SIMPLIFY_KM = 0.2


@dataclass(frozen=True)
class TheatreConfig:
    """What is hostile and how far fighters stay from it (km)."""

    hostile: tuple[str, ...] = ("RUS", OCCUPIED)
    patrol_standoff_km: float = 200.0
    engage_standoff_km: float = 150.0
    occupied_file: Path | None = None


@dataclass
class Theatre:
    """Layers and derived zones for one :class:`TheatreConfig`; zones are computed once, lazily."""

    config: TheatreConfig = field(default_factory=TheatreConfig)
    projection: Projection = field(default_factory=Projection)

    @cached_property
    def countries(self) -> dict[str, Feature]:
        """Shipped countries by ISO alpha-3 code, in degrees."""
        return {str(f.properties["iso_a3"]): f for f in load_builtin("countries")}

    @cached_property
    def occupied(self) -> Feature:
        """Russian-held Ukraine (shipped, or the user's file), in degrees.

        A bad user file raises :class:`~skyshield.errors.InputError` naming the file and the
        feature, on every access (a failure is not cached).
        """
        if self.config.occupied_file is None:
            feats = load_builtin("occupied")
        else:
            feats = load_file(self.config.occupied_file)
        geom = unary_union([f.geometry for f in feats])
        props = feats[0].properties if feats else {}
        return Feature(geom, props)

    def to_km(self, geom: BaseGeometry) -> BaseGeometry:
        """A degree geometry projected to theatre kilometres."""

        def fwd(coords: np.ndarray) -> np.ndarray:
            x, y = self.projection.to_km(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geom, fwd)

    def to_lonlat(self, geom: BaseGeometry) -> BaseGeometry:
        """A theatre-kilometre geometry back to degrees."""

        def inv(coords: np.ndarray) -> np.ndarray:
            lon, lat = self.projection.to_lonlat(coords[:, 0], coords[:, 1])
            return np.column_stack([lon, lat])

        return shapely.transform(geom, inv)

    @cached_property
    def hostile_names(self) -> tuple[str, ...]:
        """Every name a hostile area may have: :data:`OCCUPIED` and the shipped countries' codes
        (Ukraine excepted), sorted."""
        return (*sorted(c for c in self.countries if c != DEFENDED), OCCUPIED)

    def hostile_feature(self, name: str) -> Feature:
        """One hostile area by name (one of :attr:`hostile_names`); ``KeyError`` if unknown."""
        if name not in self.hostile_names:
            raise KeyError(name)
        return self.occupied if name == OCCUPIED else self.countries[name]

    @cached_property
    def ukraine_km(self) -> BaseGeometry:
        """Ukraine within its internationally recognised borders, km."""
        return self.to_km(self.countries[DEFENDED].geometry)

    @cached_property
    def hostile_km(self) -> BaseGeometry:
        """Union of the hostile areas, km."""
        parts = [self.to_km(self.hostile_feature(n).geometry) for n in self.config.hostile]
        return unary_union(parts)

    @cached_property
    def _hostile_simple_km(self) -> BaseGeometry:
        return self.hostile_km.simplify(_SIMPLIFY_KM)

    def _zone(self, standoff_km: float) -> BaseGeometry:
        keep_out = self._hostile_simple_km.buffer(standoff_km + _SIMPLIFY_KM, quad_segs=_QUAD_SEGS)
        return self.ukraine_km.difference(keep_out)

    @cached_property
    def patrol_zone_km(self) -> BaseGeometry:
        """Where CAP stations may lie: Ukraine less ``patrol_standoff_km`` around hostile areas."""
        return self._zone(self.config.patrol_standoff_km)

    @cached_property
    def engagement_zone_km(self) -> BaseGeometry:
        """Where fighters may shoot: Ukraine less ``engage_standoff_km`` around hostile areas."""
        return self._zone(self.config.engage_standoff_km)

    def point_km(self, lonlat: tuple[float, float] | list[float]) -> shapely.Point:
        """A ``[lon, lat]`` pair as a shapely point in km."""
        return shapely.Point(self.projection.point_km(lonlat))

    def in_patrol_zone(self, lonlat: tuple[float, float] | list[float]) -> bool:
        """True if the point lies in the patrol zone."""
        return bool(self.patrol_zone_km.covers(self.point_km(lonlat)))

    def in_engagement_zone(self, lonlat: tuple[float, float] | list[float]) -> bool:
        """True if the point lies in the engagement zone."""
        return bool(self.engagement_zone_km.covers(self.point_km(lonlat)))

    def distance_to_hostile_km(self, lonlat: tuple[float, float] | list[float]) -> float:
        """Projected distance (km) from the point to the nearest hostile area; 0 inside one.

        Infinite if nothing is hostile.
        """
        return self.distance_km(self.point_km(lonlat))

    def distance_km(self, geom_km: BaseGeometry) -> float:
        """Least distance (km) from a theatre-km geometry to hostile areas; 0 if they touch,
        infinite if nothing is hostile."""
        if self.hostile_km.is_empty:
            return math.inf
        return float(self.hostile_km.distance(geom_km))

    def in_ukraine(self, lonlat: tuple[float, float] | list[float]) -> bool:
        """True if the point lies in Ukraine (internationally recognised borders)."""
        return bool(self.ukraine_km.covers(self.point_km(lonlat)))
