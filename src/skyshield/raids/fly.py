"""Fly a night: turn its threat groups into threats with routes, from a seeded generator.

For every weapon of a group: its class (a combined record class such as ``kh-101+kalibr`` is
resolved to one of its classes with equal probability), its launch time (uniform over the
group's window), its launch point (uniform over the launch area's disc), its speed (triangular
between the class's bounds, mode at its typical speed), its aim point and its route.

Aim points: a group aimed at named assets or regions picks among them (assets by their value
weight, regions equally); a group aimed at "anywhere" picks a protected asset with probability
``asset_share`` (by value weight, or equally if ``by_value`` is False: the scenario's
``targets``) and otherwise a region of free Ukraine equally.  A region aim
is its centre plus a normal scatter of ``region_scatter_km``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from skyshield.catalog import Catalog
from skyshield.errors import InputError, Problem
from skyshield.geo import Theatre, geodesic_km
from skyshield.raids.routes import RouteRules, draw_routes
from skyshield.raids.spec import Night, ThreatGroup
from skyshield.raids.threats import Threats
from skyshield.scenario import Asset

#: Box (lon0, lat0, lon1, lat1, degrees) to which NATO territory is clipped for route tests:
#: the borders that routes into Ukraine can meet.  A route straying beyond it is not tested.
_FORBIDDEN_BOX = (18.0, 43.0, 32.0, 55.0)

#: NATO members in the theatre whose airspace routes avoid unless a scenario allows it.
NATO_IN_THEATRE = ("POL", "ROU", "SVK", "HUN", "BGR", "LTU", "LVA", "EST", "CZE", "TUR")


class Place(Protocol):
    """A named place of a gazetteer: id and ``[lon, lat]`` position."""

    @property
    def id(self) -> str:
        """The place's id in its gazetteer."""
        ...

    @property
    def position(self) -> tuple[float, float]:
        """``[lon, lat]`` in degrees."""
        ...


class Area(Place, Protocol):
    """A launch area: a place with a radius (km)."""

    @property
    def radius_km(self) -> float:
        """Radius (km) of the area launches are spread over."""
        ...


@dataclass(frozen=True)
class AimChoices:
    """What a group's aim points are drawn from (the same for every replication of a night):
    the assets (ids, km positions, weights) and regions (ids, km centres) within the weapons'
    reach, and the probability of aiming at an asset rather than a region."""

    asset_ids: np.ndarray
    asset_km: np.ndarray
    asset_p: np.ndarray
    region_ids: np.ndarray
    region_km: np.ndarray
    share: float


@dataclass
class RaidContext:
    """What flying a raid needs: catalog, theatre, protected assets and the gazetteers."""

    catalog: Catalog
    theatre: Theatre
    assets: list[Asset]
    launch_areas: dict[str, Area]
    regions: dict[str, Place]
    asset_share: float = 0.6
    by_value: bool = True
    region_scatter_km: float = 20.0
    allow_nato_overflight: bool = False
    avoid_km: tuple[tuple[float, float, float], ...] = ()
    _aim_choices: dict[tuple[object, ...], tuple[object, object, AimChoices]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def rules(self) -> RouteRules:
        """Route rules: forbidden territory (km), the safe interior point and the anchors.

        The NATO outline is clipped to :data:`_FORBIDDEN_BOX` (where routes into Ukraine can
        meet it), which keeps the test exact there and fast.
        """
        th = self.theatre
        forbidden = None
        if not self.allow_nato_overflight:
            exact = unary_union(
                [
                    shapely.make_valid(th.to_km(th.countries[c].geometry))
                    for c in NATO_IN_THEATRE
                    if c in th.countries
                ]
            )
            lon0, lat0, lon1, lat1 = _FORBIDDEN_BOX
            box = th.to_km(shapely.box(lon0, lat0, lon1, lat1).segmentize(0.1))
            forbidden = exact.intersection(box)
            shapely.prepare(forbidden)
        centre = self.free_ukraine_km.representative_point()
        anchors = tuple(map(tuple, self.km_of([r.position for r in self.free_regions])))
        return RouteRules(forbidden, (centre.x, centre.y), self.avoid_km, anchors)

    def km_of(self, lonlats: list[tuple[float, float]]) -> np.ndarray:
        """Positions ``(n, 2)`` in theatre km of ``[lon, lat]`` pairs (one projection call)."""
        arr = np.asarray(lonlats, dtype=float).reshape(-1, 2)
        x, y = self.theatre.projection.to_km(arr[:, 0], arr[:, 1])
        return np.column_stack([x, y])

    @cached_property
    def free_ukraine_km(self) -> BaseGeometry:
        """Ukraine less hostile territory, km (prepared for fast point tests)."""
        free = self.theatre.ukraine_km.difference(self.theatre.hostile_km)
        shapely.prepare(free)
        return free

    @cached_property
    def free_regions(self) -> tuple[Place, ...]:
        """Regions whose centre lies outside hostile territory (targets of 'anywhere')."""
        regions = list(self.regions.values())
        xy = self.km_of([r.position for r in regions])
        hostile = shapely.contains_xy(self.theatre.hostile_km, xy[:, 0], xy[:, 1])
        return tuple(r for r, h in zip(regions, hostile, strict=True) if not h)

    def within_range(
        self, area: str, places: list[Asset] | list[Place], reach_km: float
    ) -> list[int]:
        """Indices of ``places`` within ``reach_km`` (geodesic) of launch area ``area``'s centre."""
        if not places:
            return []
        lon, lat = self.launch_areas[area].position
        pos = np.asarray([p.position for p in places], dtype=float)
        d = geodesic_km(lon, lat, pos[:, 0], pos[:, 1])
        return [int(i) for i in np.flatnonzero(d <= reach_km)]

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


def _scatter(ctx: RaidContext, centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Points scattered around regions' centres, kept inside free Ukraine (10 tries each)."""
    pts = centres.copy()
    todo = np.arange(len(centres))
    for _ in range(10):
        if not len(todo):
            break
        trial = centres[todo] + rng.normal(0.0, ctx.region_scatter_km, size=(len(todo), 2))
        ok = shapely.contains_xy(ctx.free_ukraine_km, trial[:, 0], trial[:, 1])
        pts[todo[ok]] = trial[ok]
        todo = todo[~ok]
    return pts


def _aim_choices(ctx: RaidContext, g: ThreatGroup) -> AimChoices:
    """The :class:`AimChoices` of group ``g``, worked out once for the group and the inputs it
    depends on (the weapons' reach, the asset share and weighting, the gazetteers: a copy of
    the context with other drawn inputs gets choices of its own)."""
    reach = max(ctx.catalog.threats[c].range_km for c in g.threat.split("+"))
    key = (
        g.launch_area,
        g.threat,
        tuple(g.aim.assets),
        tuple(g.aim.regions),
        reach,
        ctx.asset_share,
        ctx.by_value,
        id(ctx.assets),
        id(ctx.regions),
    )
    known = ctx._aim_choices.get(key)
    if known is not None and known[0] is ctx.assets and known[1] is ctx.regions:
        return known[2]
    if g.aim.assets or g.aim.regions:
        assets = [a for a in ctx.assets if a.id in set(g.aim.assets)]
        regions = [ctx.regions[r] for r in g.aim.regions]
        value = sum(a.value for a in assets)
        share = value / (value + len(regions)) if assets and regions else float(bool(assets))
    else:
        assets, regions, share = ctx.assets, list(ctx.free_regions), ctx.asset_share
    # keep to targets within the weapons' range of the launch area, if any are
    in_range_a = [assets[i] for i in ctx.within_range(g.launch_area, assets, reach)]
    in_range_r = [regions[i] for i in ctx.within_range(g.launch_area, regions, reach)]
    if in_range_a or in_range_r:
        assets, regions = in_range_a, in_range_r
    if not assets:
        share = 0.0
    if not regions:
        share = 1.0
    w = np.array([a.value if ctx.by_value else 1.0 for a in assets], dtype=float)
    choices = AimChoices(
        asset_ids=np.array([a.id for a in assets], dtype=object),
        asset_km=ctx.km_of([a.position for a in assets]),
        asset_p=w / w.sum() if len(w) else w,
        region_ids=np.array([r.id for r in regions], dtype=object),
        region_km=ctx.km_of([r.position for r in regions]),
        share=share,
    )
    ctx._aim_choices[key] = (ctx.assets, ctx.regions, choices)
    return choices


def _aims(
    ctx: RaidContext, g: ThreatGroup, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kinds, ids and km positions ``(n, 2)`` of ``n`` aim points for group ``g``."""
    c = _aim_choices(ctx, g)
    to_asset = rng.random(n) < c.share
    kinds = np.where(to_asset, "asset", "region")
    ids = np.empty(n, dtype=object)
    pts = np.zeros((n, 2))
    na = int(to_asset.sum())
    if na:
        pick = rng.choice(len(c.asset_ids), size=na, p=c.asset_p)
        ids[to_asset] = c.asset_ids[pick]
        pts[to_asset] = c.asset_km[pick]
    if n - na:
        pick = rng.integers(len(c.region_ids), size=n - na)
        ids[~to_asset] = c.region_ids[pick]
        pts[~to_asset] = _scatter(ctx, c.region_km[pick], rng)
    return kinds, ids.astype(str), pts


def fly(
    night: Night, ctx: RaidContext, rng: np.random.Generator, origin: str = "<raid>"
) -> Threats:
    """Threats of ``night`` with their routes; the same ``rng`` state gives the same threats."""
    ctx.check(night, origin)
    cat, proj, rules = ctx.catalog, ctx.theatre.projection, ctx.rules
    parts: list[dict[str, np.ndarray]] = []
    for gi, g in enumerate(night.groups):
        n = g.count
        if n == 0:
            continue
        names = g.threat.split("+")
        which = rng.integers(len(names), size=n)
        classes = np.asarray(names)[which]
        t0 = np.sort(rng.uniform(g.launch_start_h, g.launch_end_h, size=n)) * 3600.0
        area = ctx.launch_areas[g.launch_area]
        centre = np.asarray(proj.point_km(area.position))
        rad = area.radius_km * np.sqrt(rng.random(n))
        ang = rng.uniform(0.0, 2 * np.pi, n)
        starts = centre + np.column_stack([rad * np.cos(ang), rad * np.sin(ang)])
        kinds, ids, aims = _aims(ctx, g, n, rng)
        tcs = [cat.threats[c] for c in names]
        lo = np.array([tc.speed_min_kmh for tc in tcs])[which]
        hi = np.array([tc.speed_max_kmh for tc in tcs])[which]
        mode = np.clip(np.array([tc.speed_kmh for tc in tcs])[which], lo, hi)
        speed = np.where(hi > lo, rng.triangular(lo, mode, np.where(hi > lo, hi, lo + 1.0)), mode)
        category = np.array([tc.category for tc in tcs])[which]
        counts = np.zeros(n, dtype=np.int64)
        drawn: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for c in sorted(set(category.tolist())):
            sel = np.flatnonzero(category == c)
            cnt, pts = draw_routes(starts[sel], aims[sel], c, rules, rng)
            counts[sel] = cnt
            drawn.append((sel, cnt, pts))
        xy = np.empty((int(counts.sum()), 2))
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        for sel, cnt, pts in drawn:  # each category's waypoints to their threats' places
            xy[np.repeat(first[sel] - np.cumsum(cnt) + cnt, cnt) + np.arange(len(pts))] = pts
        parts.append(
            {
                "class_id": classes.astype(str),
                "category": category,
                "group": np.full(n, gi, dtype=np.int64),
                "launch_area": np.full(n, g.launch_area),
                "aim_kind": kinds,
                "aim_id": ids,
                "speed_kmh": speed.astype(float),
                "altitude_m": np.array([tc.altitude_m for tc in tcs], dtype=float)[which],
                "counts": counts,
                "xy": xy,
                "t0": t0,
            }
        )
    return _assemble(night.name, parts)


def _assemble(name: str, parts: list[dict[str, np.ndarray]]) -> Threats:
    """Join the groups' arrays and compute waypoint times (constant speed along each route)."""
    if not parts:
        empty_s = np.zeros(0, dtype=str)
        empty_f = np.zeros(0)
        return Threats(
            name,
            empty_s,
            empty_s,
            np.zeros(0, dtype=np.int64),
            empty_s,
            empty_s,
            empty_s,
            empty_f,
            empty_f,
            np.zeros(1, dtype=np.int64),
            empty_f,
            empty_f,
            empty_f,
        )

    def cat(key: str) -> np.ndarray:
        return np.concatenate([p[key] for p in parts])

    counts, xy, t0, speed = cat("counts"), cat("xy"), cat("t0"), cat("speed_kmh")
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    seg = np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1]))
    seg = np.concatenate([[0.0], seg])
    seg[offsets[:-1]] = 0.0  # the first waypoint of a route starts afresh
    cum = np.cumsum(seg)
    owner = np.repeat(np.arange(len(counts)), counts)
    along = cum - cum[offsets[:-1]][owner]
    t = t0[owner] + along / speed[owner] * 3600.0
    return Threats(
        night=name,
        class_id=cat("class_id").astype(str),
        category=cat("category").astype(str),
        group=cat("group"),
        launch_area=cat("launch_area").astype(str),
        aim_kind=cat("aim_kind").astype(str),
        aim_id=cat("aim_id").astype(str),
        speed_kmh=speed,
        altitude_m=cat("altitude_m"),
        offsets=offsets,
        x_km=xy[:, 0].copy(),
        y_km=xy[:, 1].copy(),
        t_s=t,
    )
