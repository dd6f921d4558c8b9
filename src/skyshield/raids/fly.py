"""Fly a night: turn its threat groups into threats with routes, from a seeded generator.

For every weapon of a group: its class (a combined record class such as ``kh-101+kalibr`` is
resolved to one of its classes with equal probability), its launch time (uniform over the
group's window), its launch point (uniform over the launch area's disc), its speed (triangular
between the class's bounds, mode at its typical speed), its aim point and its route.

Aim points: a group aimed at named assets or regions picks among them (assets by their value
weight, regions equally); a group aimed at "anywhere" picks a protected asset with probability
``asset_share`` (by value weight) and otherwise a region of free Ukraine equally.  A region aim
is its centre plus a normal scatter of ``region_scatter_km``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from skyshield.catalog import Catalog
from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre, geodesic_km
from skyshield.raids.routes import RouteRules, draw_route, leg_times_s
from skyshield.raids.spec import Night, ThreatGroup
from skyshield.raids.threats import Threats
from skyshield.scenario import Asset

#: NATO members in the theatre whose airspace routes avoid unless a scenario allows it.
NATO_IN_THEATRE = ("POL", "ROU", "SVK", "HUN", "BGR", "LTU", "LVA", "EST", "CZE", "TUR")


class Place(Protocol):
    """A named place of a gazetteer: id and ``[lon, lat]`` position."""

    @property
    def id(self) -> str: ...

    @property
    def position(self) -> tuple[float, float]: ...


class Area(Place, Protocol):
    """A launch area: a place with a radius (km)."""

    @property
    def radius_km(self) -> float: ...


@dataclass
class RaidContext:
    """What flying a raid needs: catalog, theatre, protected assets and the gazetteers."""

    catalog: Catalog
    theatre: Theatre
    assets: list[Asset]
    launch_areas: dict[str, Area]
    regions: dict[str, Place]
    asset_share: float = 0.6
    region_scatter_km: float = 20.0
    allow_nato_overflight: bool = False
    avoid_km: tuple[tuple[float, float, float], ...] = ()
    _rules: RouteRules | None = field(default=None, repr=False)
    _free: BaseGeometry | None = field(default=None, repr=False)

    @property
    def rules(self) -> RouteRules:
        """Route rules: forbidden territory (km) and the safe interior point."""
        if self._rules is None:
            th = self.theatre
            forbidden = None
            if not self.allow_nato_overflight:
                forbidden = unary_union(
                    [
                        shapely.make_valid(th.to_km(th.countries[c].geometry))
                        for c in NATO_IN_THEATRE
                        if c in th.countries
                    ]
                )
                shapely.prepare(forbidden)
            centre = self.free_ukraine_km.representative_point()
            anchors = tuple(
                self.theatre.projection.point_km(r.position) for r in self.free_regions()
            )
            self._rules = RouteRules(forbidden, (centre.x, centre.y), self.avoid_km, anchors)
        return self._rules

    @property
    def free_ukraine_km(self) -> BaseGeometry:
        """Ukraine less hostile territory, km (prepared for fast point tests)."""
        if self._free is None:
            self._free = self.theatre.ukraine_km.difference(self.theatre.hostile_km)
            shapely.prepare(self._free)
        return self._free

    def free_regions(self) -> list[Place]:
        """Regions whose centre lies outside hostile territory (targets of 'anywhere')."""
        hostile = self.theatre.hostile_km
        return [
            r
            for r in self.regions.values()
            if not hostile.covers(self.theatre.point_km(r.position))
        ]

    def check(self, night: Night, origin: str) -> None:
        """Clear errors for unknown classes, launch areas, assets and regions of a night."""
        problems = []
        assets = {a.id for a in self.assets}
        for i, g in enumerate(night.groups):
            at = f"{night.name}.groups[{i}]"
            for c in g.threat.split("+"):
                if c not in self.catalog.threats:
                    problems.append(Problem(origin, f"{at}.threat", f"unknown threat class {c!r}"))
            if g.launch_area not in self.launch_areas:
                problems.append(
                    Problem(origin, f"{at}.launch_area", f"unknown launch area {g.launch_area!r}")
                )
            problems += [
                Problem(origin, f"{at}.aim.assets", f"unknown asset {a!r}")
                for a in g.aim.assets
                if a not in assets
            ]
            problems += [
                Problem(origin, f"{at}.aim.regions", f"unknown region {r!r}")
                for r in g.aim.regions
                if r not in self.regions
            ]
        if problems:
            raise InputError(problems)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(geodesic_km(a[0], a[1], b[0], b[1]))


def _scatter(ctx: RaidContext, centre: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A point scattered around a region's centre, kept inside free Ukraine (10 tries)."""
    free = ctx.free_ukraine_km
    for _ in range(10):
        p = centre + rng.normal(0.0, ctx.region_scatter_km, 2)
        if free.contains(shapely.Point(p)):
            return np.asarray(p)
    return centre


def _aims(
    ctx: RaidContext, g: ThreatGroup, n: int, rng: np.random.Generator
) -> tuple[list[str], list[str], np.ndarray]:
    """Kinds, ids and km positions of ``n`` aim points for group ``g``."""
    proj = ctx.theatre.projection
    if g.aim.assets or g.aim.regions:
        assets = [a for a in ctx.assets if a.id in set(g.aim.assets)]
        regions = [ctx.regions[r] for r in g.aim.regions]
        share = (
            sum(a.value for a in assets) / (sum(a.value for a in assets) + len(regions))
            if assets and regions
            else float(bool(assets))
        )
    else:
        assets, regions, share = ctx.assets, ctx.free_regions(), ctx.asset_share
    # keep to targets within the weapons' range of the launch area, if any are
    reach = max(ctx.catalog.threats[c].range_km for c in g.threat.split("+"))
    origin = ctx.launch_areas[g.launch_area].position
    in_range_a = [a for a in assets if _km(origin, a.position) <= reach]
    in_range_r = [r for r in regions if _km(origin, r.position) <= reach]
    if in_range_a or in_range_r:
        assets, regions = in_range_a, in_range_r
    if not assets:
        share = 0.0
    if not regions:
        share = 1.0
    kinds, ids = [], []
    pts = np.zeros((n, 2))
    w = np.array([a.value for a in assets], dtype=float)
    for k in range(n):
        if rng.random() < share:
            a = assets[int(rng.choice(len(assets), p=w / w.sum()))]
            kinds.append("asset")
            ids.append(a.id)
            pts[k] = proj.point_km(a.position)
        else:
            r = regions[int(rng.integers(len(regions)))]
            kinds.append("region")
            ids.append(r.id)
            pts[k] = _scatter(ctx, np.asarray(proj.point_km(r.position)), rng)
    return kinds, ids, pts


def fly(
    night: Night, ctx: RaidContext, rng: np.random.Generator, origin: str = "<raid>"
) -> Threats:
    """Threats of ``night`` with their routes; the same ``rng`` state gives the same threats."""
    ctx.check(night, origin)
    cat, proj, rules = ctx.catalog, ctx.theatre.projection, ctx.rules
    cols: dict[str, list[object]] = {
        k: []
        for k in ("class_id", "category", "group", "area", "aim_kind", "aim_id", "speed", "alt")
    }
    xs, ys, ts, offsets = [], [], [], [0]
    for gi, g in enumerate(night.groups):
        n = g.count
        if n == 0:
            continue
        classes = g.threat.split("+")
        picks = [classes[int(i)] for i in rng.integers(len(classes), size=n)]
        t0 = np.sort(rng.uniform(g.launch_start_h, g.launch_end_h, size=n)) * 3600.0
        area = ctx.launch_areas[g.launch_area]
        centre = np.asarray(proj.point_km(area.position))
        rad = area.radius_km * np.sqrt(rng.random(n))
        ang = rng.uniform(0.0, 2 * np.pi, n)
        starts = centre + np.column_stack([rad * np.cos(ang), rad * np.sin(ang)])
        kinds, ids, aims = _aims(ctx, g, n, rng)
        for k in range(n):
            tc = cat.threats[picks[k]]
            lo, hi = tc.speed_min_kmh, tc.speed_max_kmh
            mode = min(max(tc.speed_kmh, lo), hi)
            speed = float(rng.triangular(lo, mode, hi)) if hi > lo else tc.speed_kmh
            pts = draw_route(starts[k], aims[k], tc.category, rules, rng)
            xs.append(pts[:, 0])
            ys.append(pts[:, 1])
            ts.append(leg_times_s(pts, speed, float(t0[k])))
            offsets.append(offsets[-1] + len(pts))
            for key, val in (
                ("class_id", tc.id),
                ("category", tc.category),
                ("group", gi),
                ("area", g.launch_area),
                ("aim_kind", kinds[k]),
                ("aim_id", ids[k]),
                ("speed", speed),
                ("alt", tc.altitude_m),
            ):
                cols[key].append(val)

    def cat_arr(key: str) -> np.ndarray:
        return np.asarray(cols[key], dtype=str)

    empty = np.zeros(0)
    return Threats(
        night=night.name,
        class_id=cat_arr("class_id"),
        category=cat_arr("category"),
        group=np.asarray(cols["group"], dtype=np.int64),
        launch_area=cat_arr("area"),
        aim_kind=cat_arr("aim_kind"),
        aim_id=cat_arr("aim_id"),
        speed_kmh=np.asarray(cols["speed"], dtype=float),
        altitude_m=np.asarray(cols["alt"], dtype=float),
        offsets=np.asarray(offsets, dtype=np.int64),
        x_km=np.concatenate(xs) if xs else empty,
        y_km=np.concatenate(ys) if ys else empty,
        t_s=np.concatenate(ts) if ts else empty,
    )
