"""Routes: from a launch point through turn points to an aim point, drawn from a seeded generator.

Per threat category a :class:`RouteStyle` says how many turn points a route has and how far they
stray from the straight line (as a fraction of its length):

* drones and decoys fly dog-legs (2-3 turns, wide offsets) and a lingering approach: a last turn
  point 15-40 km from the target, so the final leg comes in from an unpredictable bearing;
* cruise missiles fly 1-2 gentler turns at low altitude, and turn around *avoid areas* (known
  defended areas, as circles) that a leg would cross;
* ballistic and aeroballistic missiles fly straight.

A route never crosses the *forbidden* territory it is given (NATO states by default): a route
that would is redrawn with its turn points pulled towards a safe interior point, and failing
that flown via the shortest chain of one or two *anchors* (interior points such as the centres of
the regions of free Ukraine) that avoids it; if none does, :class:`NoRoute` is raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from skyshield.geo.regions import Region, region_of, routes_meet

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class RouteStyle:
    """How routes of one category look: turn points, their spread (fraction of the route length),
    and the lingering approach (km from the aim point; 0 for none)."""

    min_turns: int
    max_turns: int
    spread: float
    approach_min_km: float = 0.0
    approach_max_km: float = 0.0


#: Route styles by threat category.  Assumptions of the project (documented in docs/raids.md):
#: the record gives launch areas and targets, not tracks.
STYLES: dict[str, RouteStyle] = {
    "drone": RouteStyle(2, 3, 0.08, 15.0, 40.0),
    "decoy": RouteStyle(2, 3, 0.08, 15.0, 40.0),
    "jet_drone": RouteStyle(1, 2, 0.08, 10.0, 25.0),
    "recon_drone": RouteStyle(2, 3, 0.08, 15.0, 40.0),
    "cruise": RouteStyle(1, 2, 0.06),
    "ballistic": RouteStyle(0, 0, 0.0),
    "aeroballistic": RouteStyle(0, 0, 0.0),
    "other": RouteStyle(0, 0, 0.0),
}


@dataclass(frozen=True)
class RouteRules:
    """Where routes may not go (km geometry) and what they turn around.

    ``forbidden_km``: territory no leg may cross (NATO states unless a scenario allows it);
    ``safe_point_km``: an interior point of Ukraine used to pull a route off forbidden territory;
    ``anchors_km``: interior points a route may be sent through when pulling is not enough;
    ``avoid_km``: circles ``(x, y, radius)`` that cruise missiles turn around.

    ``forbidden``, the territory as a compiled :class:`~skyshield.geo.regions.Region`, answers
    the crossing tests: the same answers as ``shapely.intersects`` with the territory (GEOS's
    own steps and robust predicates), about thirty times faster for a route near its border.
    """

    forbidden_km: BaseGeometry | None
    safe_point_km: tuple[float, float]
    avoid_km: tuple[tuple[float, float, float], ...] = ()
    anchors_km: tuple[tuple[float, float], ...] = ()
    forbidden: Region | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.forbidden_km is not None:
            object.__setattr__(self, "forbidden", region_of(self.forbidden_km))

    def crossing(self, counts: NDArray[np.int64], points: F64) -> NDArray[np.bool_]:
        """Whether each route (``counts[i]`` waypoints of ``points``, ``(m, 2)`` km, one route
        after another) crosses, or touches, forbidden territory."""
        if self.forbidden is None or not len(counts):
            return np.zeros(len(counts), dtype=bool)
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        xy = np.asarray(points, dtype=np.float64)
        return routes_meet(self.forbidden, offsets, xy[:, 0].copy(), xy[:, 1].copy())


class NoRoute(ValueError):
    """No route between two points avoids the forbidden territory."""


def draw_route(
    start: F64, aim: F64, category: str, rules: RouteRules, rng: np.random.Generator
) -> F64:
    """Waypoints ``(k, 2)`` in km from ``start`` to ``aim`` for one threat of ``category``."""
    style = STYLES.get(category, STYLES["other"])
    for pull in (0.0, 0.35, 0.7, 1.0):
        pts = _candidate(start, aim, style, rng, pull, rules.safe_point_km)
        if category == "cruise" and rules.avoid_km:
            pts = _around(pts, rules.avoid_km)
        if _allowed(pts, rules):
            return pts
    return _via_anchors(start, aim, rules)


def _via_anchors(start: F64, aim: F64, rules: RouteRules) -> F64:
    """The shortest route through one, then two, anchors that avoids forbidden territory."""
    anchors = [np.asarray(a, dtype=float) for a in (rules.safe_point_km, *rules.anchors_km)]

    def length(pts: list[F64]) -> float:
        return float(sum(np.hypot(*(b - a)) for a, b in pairwise(pts)))

    singles = sorted(([start, a, aim] for a in anchors), key=length)
    for pts in singles:
        if _allowed(np.asarray(pts), rules):
            return np.asarray(pts, dtype=float)
    pairs = sorted(([start, a, b, aim] for a in anchors for b in anchors if a is not b), key=length)
    for pts in pairs:
        if _allowed(np.asarray(pts), rules):
            return np.asarray(pts, dtype=float)
    raise NoRoute(
        f"no route from {start.round(1).tolist()} to {aim.round(1).tolist()} km avoids forbidden territory"
    )


def _candidate(
    start: F64,
    aim: F64,
    style: RouteStyle,
    rng: np.random.Generator,
    pull: float,
    safe: tuple[float, float],
) -> F64:
    d = aim - start
    length = float(np.hypot(*d))
    if length < 1e-9:
        return np.array([start, aim])
    normal = np.array([-d[1], d[0]]) / length
    n_turns = int(rng.integers(style.min_turns, style.max_turns + 1)) if style.max_turns else 0
    fractions = np.sort(rng.uniform(0.15, 0.85, size=n_turns))
    offsets = rng.normal(0.0, style.spread * length, size=n_turns)
    turns = start + fractions[:, None] * d + offsets[:, None] * normal
    if pull > 0 and n_turns:
        turns = (1.0 - pull) * turns + pull * np.asarray(safe)
    pts = [start, *turns]
    if style.approach_max_km > 0 and length > 2 * style.approach_max_km:
        r = rng.uniform(style.approach_min_km, style.approach_max_km)
        # come in from a bearing within +-90 degrees of the direct approach
        back = -d / length
        ang = rng.uniform(-np.pi / 2, np.pi / 2)
        rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
        pts.append(aim + r * (rot @ back))
    pts.append(aim)
    return np.asarray(pts, dtype=float)


def _around(pts: F64, avoid: tuple[tuple[float, float, float], ...], passes: int = 4) -> F64:
    """Keep a route out of avoid circles: push turn points out, detour legs that cross."""
    out = pts.copy()
    for cx, cy, r in avoid:
        c = np.array([cx, cy])
        for k in range(1, len(out) - 1):  # turn points inside a circle move to 1.2 r
            gap = float(np.hypot(*(out[k] - c)))
            if gap < r:
                side = out[k] - c if gap > 1e-9 else np.array([0.0, 1.0])
                out[k] = c + side / np.hypot(*side) * r * 1.2
    for _ in range(passes):
        new = [out[0]]
        for a, b in pairwise(out):
            for cx, cy, r in avoid:
                c = np.array([cx, cy])
                ab = b - a
                denom = float(ab @ ab)
                t = 0.0 if denom == 0 else float(np.clip((c - a) @ ab / denom, 0.0, 1.0))
                closest = a + t * ab
                gap = float(np.hypot(*(closest - c)))
                ends_out = np.hypot(*(b - c)) > r and np.hypot(*(a - c)) > r
                if gap < r and 0.0 < t < 1.0 and ends_out:
                    side = closest - c if gap > 1e-9 else np.array([-ab[1], ab[0]])
                    new.append(c + side / np.hypot(*side) * r * 1.2)
            new.append(b)
        if len(new) == len(out):
            break
        out = np.asarray(new, dtype=float)
    return out


def _allowed(pts: F64, rules: RouteRules) -> bool:
    return not rules.crossing(np.array([len(pts)]), pts)[0]


def draw_routes(
    starts: F64, aims: F64, category: str, rules: RouteRules, rng: np.random.Generator
) -> tuple[NDArray[np.int64], F64]:
    """Routes of many threats of one category at once: ``(counts, points)``.

    ``counts[i]`` waypoints of threat ``i`` follow each other in ``points`` (``(m, 2)``, km).
    The same rules as :func:`draw_route`, drawn in bulk with NumPy; the few routes that cross
    forbidden territory are redrawn one by one with :func:`draw_route`.
    """
    style = STYLES.get(category, STYLES["other"])
    n = len(starts)
    d = aims - starts
    length = np.hypot(d[:, 0], d[:, 1])
    safe_len = np.where(length > 1e-9, length, 1.0)
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / safe_len[:, None]
    k = style.max_turns
    n_turns = rng.integers(style.min_turns, k + 1, size=n) if k else np.zeros(n, dtype=np.int64)
    frac = np.sort(rng.uniform(0.15, 0.85, size=(n, k)), axis=1)
    off = rng.normal(0.0, 1.0, size=(n, k)) * (style.spread * length)[:, None]
    turns = (
        starts[:, None, :] + frac[..., None] * d[:, None, :] + off[..., None] * normal[:, None, :]
    )
    use_turn = (np.arange(k)[None, :] < n_turns[:, None]) & (length[:, None] > 1e-9)
    cols = [starts[:, None, :], turns]
    masks = [np.ones((n, 1), dtype=bool), use_turn]
    if style.approach_max_km > 0:
        r = rng.uniform(style.approach_min_km, style.approach_max_km, size=n)
        ang = rng.uniform(-np.pi / 2, np.pi / 2, size=n)
        back = -d / safe_len[:, None]
        rot = np.column_stack(
            [
                np.cos(ang) * back[:, 0] - np.sin(ang) * back[:, 1],
                np.sin(ang) * back[:, 0] + np.cos(ang) * back[:, 1],
            ]
        )
        cols.append((aims + r[:, None] * rot)[:, None, :])
        masks.append((length > 2 * style.approach_max_km)[:, None])
    cols.append(aims[:, None, :])
    masks.append(np.ones((n, 1), dtype=bool))
    grid, mask = np.concatenate(cols, axis=1), np.concatenate(masks, axis=1)
    counts, points = mask.sum(axis=1), grid[mask]
    if category == "cruise" and rules.avoid_km:
        counts, points = _joined([_around(r, rules.avoid_km) for r in _split(counts, points)])
    if rules.forbidden_km is not None and n:
        crossing = np.flatnonzero(rules.crossing(counts, points))
        if len(crossing):
            redrawn = {
                int(i): draw_route(starts[i], aims[i], category, rules, rng) for i in crossing
            }
            counts, points = _replaced(counts, points, redrawn)
    return counts.astype(np.int64), points


def _split(counts: NDArray[np.int64], points: F64) -> list[F64]:
    """Routes as a list of ``(k, 2)`` arrays from their counts and joined waypoints."""
    return np.split(points, np.cumsum(counts)[:-1])


def _replaced(
    counts: NDArray[np.int64], points: F64, routes: dict[int, F64]
) -> tuple[NDArray[np.int64], F64]:
    """Counts and joined waypoints with route ``i`` replaced by ``routes[i]`` for each key: the
    few redrawn routes spliced in, the others left in one piece."""
    ends = np.cumsum(counts)
    pieces, done = [], 0
    for i in sorted(routes):
        pieces += [points[done : ends[i] - counts[i]], routes[i]]
        done = int(ends[i])
    pieces.append(points[done:])
    new_counts = np.array(counts, dtype=np.int64)
    new_counts[list(routes)] = [len(r) for r in routes.values()]
    return new_counts, np.concatenate(pieces)


def _joined(routes: list[F64]) -> tuple[NDArray[np.int64], F64]:
    """Counts and joined waypoints ``(m, 2)`` of a list of routes."""
    counts = np.array([len(r) for r in routes], dtype=np.int64)
    return counts, np.concatenate(routes) if routes else np.zeros((0, 2))
