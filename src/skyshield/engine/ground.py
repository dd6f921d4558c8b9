"""Ukraine's own ground-based defences, the "baseline" (docs/engine.md).

Three layers act on every threat of a night, independently of any fighter:

1. **Electronic warfare** ("not reached the target" in the record): a threat is *susceptible*
   to EW with probability ``ew_loss``; a susceptible threat has an EW loss distance, exponential
   with the rate ``ew_per_100km`` per 100 km, and is lost where it has flown that distance
   inside free Ukraine, if it gets that far before arrival.
2. **Area defences** (mobile fire groups, interceptor drones, SAM belts, and whatever else
   brings threats down away from the assets): a threat is *killable* by area defences with
   probability ``area_max``; a killable threat has a kill distance, exponential with the rate
   ``area_per_100km`` per 100 km, and dies where it has flown that distance inside free Ukraine,
   if it gets that far.  So over a length ``L`` inside, each layer's probability is
   ``cap * (1 - exp(-rate * L))``: it grows with the route at first and levels off at the cap
   on long routes (some threats, by altitude, route or luck, are never brought down however far
   they fly), and a threat aimed just across the front line meets little of either layer.  The
   length inside is exact per leg (each leg is split where it crosses the border of free
   Ukraine, see :func:`inside_pieces`); the earlier of the two distances decides the cause.
3. **Terminal defences** at protected assets (per asset kind, or per asset id) and at
   positioned **air-defence sites** that are not assets (Patriot batteries and the like): a
   threat still flying at arrival whose aim point lies within ``range_km`` of a site is engaged
   by the nearest such site that has a Pk against it, at its arrival, in the order of arrival,
   shoot-look-shoot with up to ``shots_per_threat`` shots while the site's ``magazine`` (shots
   per night) lasts; each shot kills with ``pk``.

Ballistic and aeroballistic threats meet only terminal defences (no EW, no area attrition).

**Night-to-night variation.**  The record's nights differ far more than chance alone would make
them (weather, crews, tactics).  Each night draws one number ``z`` (Student's t with
:data:`NIGHT_DF` degrees of freedom: most nights near the mean, a few far from it); a threat's
defences on that night are shifted by ``night_sd * z`` on the log-odds scale: its EW
susceptibility, its area killability and every terminal shot's Pk (a positive ``z`` is a
better night for the defence).  ``night_sd`` 0 (the default) gives every night the same odds.

Parameter maps (``ew_loss``, ``ew_per_100km``, ``area_per_100km``, ``area_max``, ``night_sd``,
``pk``) are keyed by threat category or by threat class id; a class key wins over its category,
a threat whose class and category are both absent gets 0, except in ``area_max``, where it gets
1 (no cap).  The parameters are declared in :mod:`skyshield.scenario.params`; the shipped values
live in ``skyshield/data/catalog/ground.yaml`` with their calibration on the record
(:mod:`skyshield.engine.ground_fit`, ``benchmarks/calibrate_ground.py``).

Randomness: :func:`draw_ground` draws every random number of this module from the generator it
is given, in a fixed order, so a baseline run and a shield run that share the draws see the
same luck (common random numbers).  Units: km, s; rates per 100 km; probabilities 0..1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit
from shapely.geometry.base import BaseGeometry

from skyshield.geo import Projection
from skyshield.geo.regions import Region, region_of
from skyshield.geo.regions import inside_pieces as inside_pieces_compiled
from skyshield.raids.threats import Threats
from skyshield.scenario.models import Asset
from skyshield.scenario.params import (
    MAX_SHOTS_PER_THREAT,
    TERMINAL_ONLY,
    GroundParams,
    TerminalDefence,
)

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]
Str = NDArray[np.str_]


class ClassIndex(NamedTuple):
    """The distinct classes of a set of threats (with each one's category) and, per threat,
    the index of its class: maps keyed by class or category are looked up once per class."""

    classes: Str
    categories: Str
    inverse: I64

    @classmethod
    def of(cls, class_id: Str, category: Str) -> ClassIndex:
        """The index of threats with classes ``class_id`` and categories ``category``."""
        classes, first, inverse = np.unique(class_id, return_index=True, return_inverse=True)
        return cls(classes, np.asarray(category)[first], inverse.reshape(-1))

    @classmethod
    def of_threats(cls, threats: Threats) -> ClassIndex:
        """The index of ``threats``."""
        return cls.of(threats.class_id, threats.category)

    def lookup(self, values: Mapping[str, float], default: float = 0.0) -> F64:
        """Value of a map keyed by category or class id for each threat (class key first,
        ``default`` if neither is given)."""
        looked = [
            float(values.get(str(c), values.get(str(g), default)))
            for c, g in zip(self.classes, self.categories, strict=True)
        ]
        return np.asarray(looked, dtype=np.float64)[self.inverse]

    def each(self, value: Callable[[str], float]) -> F64:
        """``value(class id)`` for each threat (e.g. a catalog attribute), asked once a class."""
        return np.array([value(str(c)) for c in self.classes], dtype=np.float64)[self.inverse]


def per_threat(
    values: Mapping[str, float], class_id: Str, category: Str, default: float = 0.0
) -> F64:
    """Value of a map keyed by category or class id for each threat (class key first,
    ``default`` if neither is given); one look-up per distinct class."""
    return ClassIndex.of(class_id, category).lookup(values, default)


# ----------------------------------------------------------------------------- route geometry


@dataclass(frozen=True)
class Legs:
    """The straight legs of all routes, flat: leg ``k`` runs from ``(x0, y0)`` at ``t0`` to
    ``(x1, y1)`` at ``t1`` (km, s) and belongs to threat ``owner[k]``; threat ``i`` owns legs
    ``start[i]:start[i + 1]``, in route order.  ``cum_km[k]`` is the length of legs ``0..k-1``
    (so ``cum_km`` has one more entry than there are legs)."""

    owner: I64
    start: I64
    x0: F64
    y0: F64
    x1: F64
    y1: F64
    t0: F64
    t1: F64
    length_km: F64
    cum_km: F64

    @classmethod
    def of(cls, threats: Threats) -> Legs:
        """The legs of ``threats``' routes (a one-waypoint route has none)."""
        off = threats.offsets
        n, nw = len(threats), int(off[-1])
        keep = np.ones(max(nw - 1, 0), dtype=bool)
        ends = off[1:-1] - 1
        keep[ends[ends < nw - 1]] = False
        j = np.flatnonzero(keep)
        counts = np.maximum(np.diff(off) - 1, 0)
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        x, y, t = threats.x_km, threats.y_km, threats.t_s
        length = np.hypot(x[j + 1] - x[j], y[j + 1] - y[j])
        return cls(
            owner=np.repeat(np.arange(n, dtype=np.int64), counts),
            start=start,
            x0=x[j],
            y0=y[j],
            x1=x[j + 1],
            y1=y[j + 1],
            t0=t[j],
            t1=t[j + 1],
            length_km=length,
            cum_km=np.concatenate([[0.0], np.cumsum(length)]),
        )

    def path_km(self) -> F64:
        """Route length of each threat, km."""
        return np.asarray(self.cum_km[self.start[1:]] - self.cum_km[self.start[:-1]])

    def point(self, leg: I64, s_km: F64) -> tuple[F64, F64, F64]:
        """Time (s) and position (km) at ``s_km`` along leg ``leg`` (clipped to the leg)."""
        ln = self.length_km[leg]
        frac = np.clip(np.divide(s_km, ln, out=np.zeros_like(ln), where=ln > 0), 0.0, 1.0)
        t = self.t0[leg] + frac * (self.t1[leg] - self.t0[leg])
        x = self.x0[leg] + frac * (self.x1[leg] - self.x0[leg])
        y = self.y0[leg] + frac * (self.y1[leg] - self.y0[leg])
        return t, x, y

    def at_distance(self, threat: I64, s_km: F64) -> tuple[F64, F64, F64]:
        """Time (s) and position (km) of each ``threat`` after ``s_km`` along its route
        (``0 <= s_km <=`` its route length; every such threat must have a leg)."""
        lo, hi = self.start[threat], self.start[threat + 1] - 1
        target = self.cum_km[lo] + s_km
        leg = np.clip(np.searchsorted(self.cum_km, target, side="right") - 1, lo, hi)
        return self.point(leg, target - self.cum_km[leg])


#: Compiled border indexes per region (keyed by ``id``; the region is kept alive with them), so
#: that the regions a world reuses at every replication are indexed once.
_REGIONS: dict[int, tuple[BaseGeometry, Region]] = {}

#: Regions whose border index is kept (the oldest is dropped first).
_REGIONS_KEPT = 16


def _region(region: BaseGeometry) -> Region:
    """The compiled index of ``region``'s border (:func:`skyshield.geo.regions.region_of`),
    cached per region."""
    hit = _REGIONS.get(id(region))
    if hit is not None and hit[0] is region:
        return hit[1]
    indexed = region_of(region)
    if len(_REGIONS) >= _REGIONS_KEPT:
        del _REGIONS[next(iter(_REGIONS))]
    _REGIONS[id(region)] = (region, indexed)
    return indexed


def inside_pieces(legs: Legs, sel: I64, region: BaseGeometry) -> tuple[I64, F64, F64]:
    """The parts of legs ``sel`` inside ``region`` (boundary included), exactly.

    Each leg is split at every point where it meets an edge of the region's border (the
    crossing solved in closed form); each part is inside or outside as a whole, and its midpoint
    says which.  Returns ``(leg, s0, s1)`` per inside part: the leg index and the part's start
    and end along the leg (km), in the order of ``sel`` then ``s0`` (so in route order for an
    increasing ``sel``).  Agrees with ``shapely.intersection(leg, region)``.  Compiled:
    :func:`skyshield.geo.regions.inside_pieces`.
    """
    sel = np.asarray(sel, dtype=np.int64)
    if not len(sel) or region.is_empty:
        empty = np.zeros(0)
        return np.zeros(0, dtype=np.int64), empty, empty
    return inside_pieces_compiled(
        _region(region), legs.x0, legs.y0, legs.x1, legs.y1, legs.length_km, sel
    )


def inside_km(legs: Legs, region: BaseGeometry, n: int) -> F64:
    """Length of each of ``n`` threats' routes inside ``region``, km."""
    leg, s0, s1 = inside_pieces(legs, np.arange(len(legs.owner)), region)
    return np.bincount(legs.owner[leg], weights=s1 - s0, minlength=n).astype(np.float64)


# ----------------------------------------------------------------------------- draws

#: Degrees of freedom of the night's variation (Student's t): heavy-tailed, so that a few
#: nights far from the mean are expected, as the record shows (a modelling choice).
NIGHT_DF = 3.0


def shifted(p: F64, shift: F64) -> F64:
    """Probabilities ``p`` moved by ``shift`` on the log-odds scale (broadcast together);
    0 and 1 stay where they are."""
    p, shift = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(shift, dtype=float))
    out = p.copy()
    inner = (p > 0.0) & (p < 1.0)
    out[inner] = expit(logit(p[inner]) + shift[inner])
    return out


@dataclass(frozen=True)
class GroundDraws:
    """The ground layers' luck for one night, per threat.

    ``t_ew_s``, ``x_ew_km``, ``y_ew_km``: when and where the threat is lost to electronic
    warfare (+inf and NaN if it is not).  ``t_area_s``, ``x_area_km``, ``y_area_km``: when and
    where area defences kill it (+inf and NaN if they do not).  ``u_terminal``: uniforms
    ``(n, max_shots)`` for the terminal shots at it, in shot order.  ``inside_km``: length of
    its route over free Ukraine (km; 0 where neither EW nor area rate applies, as it is not
    computed there).  ``night_shift``: the night's shift of its defences on the log-odds scale
    (``night_sd * z``; None is no shift).
    """

    t_ew_s: F64
    x_ew_km: F64
    y_ew_km: F64
    t_area_s: F64
    x_area_km: F64
    y_area_km: F64
    u_terminal: F64
    inside_km: F64
    night_shift: F64 | None = None

    def __len__(self) -> int:
        return len(self.t_ew_s)

    def shift(self) -> F64:
        """:attr:`night_shift`, zeros if there is none."""
        return self.night_shift if self.night_shift is not None else np.zeros(len(self))


def draw_ground(
    threats: Threats,
    free_ukraine_km: BaseGeometry,
    params: GroundParams,
    rng: np.random.Generator,
) -> GroundDraws:
    """Draw the EW losses, area kills and terminal uniforms of a night's threats.

    Every random number of the ground layers is drawn here, in this fixed order whatever the
    parameters: ``n`` uniforms (is the threat susceptible to EW?, below ``ew_loss``), ``n``
    uniforms (its EW loss distance, ``-ln(1 - u)`` over the EW rate), ``n`` standard
    exponentials (area kill distance, divided by the threat's rate), then
    :data:`MAX_SHOTS_PER_THREAT` ``x n`` uniforms for the terminal shots, of which the first
    ``max_shots`` rows are used (shot ``j`` of threat ``i`` takes draw ``j * n + i``, so the
    first shots keep their luck when ``max_shots`` changes), then ``n`` uniforms (is the threat
    killable by area defences?, below ``area_max``), then one Student's t (the night's
    variation, :data:`NIGHT_DF`).  The terminal block has the same size whatever
    ``max_shots``, so the later draws do not move when it changes.  Two runs of a night that
    share the generator's state (baseline and shield) see the same luck.
    ``free_ukraine_km``: free Ukraine in theatre km (:attr:`RaidContext.free_ukraine_km`).
    """
    n = len(threats)
    u_lost = rng.random(n)
    u_where = rng.random(n)
    e_area = rng.standard_exponential(n)
    u_terminal = np.ascontiguousarray(rng.random((MAX_SHOTS_PER_THREAT, n))[: params.max_shots].T)
    u_killable = rng.random(n)
    z_night = float(rng.standard_t(NIGHT_DF))

    legs = Legs.of(threats)
    has_leg = np.diff(legs.start) > 0
    flying = has_leg & ~np.isin(threats.category, TERMINAL_ONLY)  # ballistic: terminal only
    index = ClassIndex.of_threats(threats)
    shift = index.lookup(params.night_sd) * z_night
    susceptible = u_lost < shifted(index.lookup(params.ew_loss), shift)
    killable = u_killable < shifted(index.lookup(params.area_max, default=1.0), shift)
    ew_rate = index.lookup(params.ew_per_100km) / 100.0
    area_rate = index.lookup(params.area_per_100km) / 100.0

    t_ew, x_ew, y_ew = np.full(n, np.inf), np.full(n, np.nan), np.full(n, np.nan)
    t_area, x_area, y_area = np.full(n, np.inf), np.full(n, np.nan), np.full(n, np.nan)
    inside = np.zeros(n)
    exposed = np.flatnonzero(((ew_rate > 0) | (area_rate > 0)) & flying)
    if len(exposed):
        sel = np.flatnonzero(np.isin(legs.owner, exposed))
        path = _InsidePath.of(legs, sel, free_ukraine_km, n)
        inside = path.inside_km
        with np.errstate(divide="ignore"):
            d_ew = np.where(susceptible & (ew_rate > 0), -np.log1p(-u_where) / ew_rate, np.inf)
            d_area = np.where(killable & (area_rate > 0), e_area / area_rate, np.inf)
        d_ew[~flying], d_area[~flying] = np.inf, np.inf
        t_ew, x_ew, y_ew = path.at(d_ew)
        t_area, x_area, y_area = path.at(d_area)
    return GroundDraws(t_ew, x_ew, y_ew, t_area, x_area, y_area, u_terminal, inside, shift)


@dataclass(frozen=True)
class _InsidePath:
    """The parts of the threats' routes inside a region, in route order, to find the point
    where a threat has flown a given distance inside (km)."""

    legs: Legs
    leg: I64
    s0: F64
    cum: F64
    first: I64
    inside_km: F64

    @classmethod
    def of(cls, legs: Legs, sel: I64, region: BaseGeometry, n: int) -> _InsidePath:
        leg, s0, s1 = inside_pieces(legs, sel, region)
        owner = legs.owner[leg]
        cum = np.concatenate([[0.0], np.cumsum(s1 - s0)])
        first = np.searchsorted(owner, np.arange(n + 1))
        return cls(legs, leg, s0, cum, first, cum[first[1:]] - cum[first[:-1]])

    def at(self, dist: F64) -> tuple[F64, F64, F64]:
        """Time (s) and position (km) where each threat has flown ``dist`` km inside; +inf and
        NaN where ``dist`` is not less than its length inside."""
        n = len(dist)
        t, x, y = np.full(n, np.inf), np.full(n, np.nan), np.full(n, np.nan)
        hit = np.flatnonzero(dist < self.inside_km)
        if len(hit):
            target = self.cum[self.first[hit]] + dist[hit]
            piece = np.searchsorted(self.cum, target, side="right") - 1
            piece = np.clip(piece, self.first[hit], self.first[hit + 1] - 1)
            s = self.s0[piece] + (target - self.cum[piece])
            t[hit], x[hit], y[hit] = self.legs.point(self.leg[piece], s)
        return t, x, y


class GroundFate(NamedTuple):
    """Each threat's earliest death on its way to the target: time (s, +inf if none) and
    cause (``"ew"``, ``"area"`` or ``""``)."""

    t_s: F64
    cause: Str


def ground_fate_time(draws: GroundDraws) -> GroundFate:
    """The earliest of the EW loss and the area kill of each threat (EW on a tie)."""
    t = np.minimum(draws.t_ew_s, draws.t_area_s)
    ew = np.isfinite(draws.t_ew_s) & (draws.t_ew_s <= draws.t_area_s)
    cause = np.where(ew, "ew", np.where(np.isfinite(draws.t_area_s), "area", ""))
    return GroundFate(t, cause.astype(np.str_))


# ----------------------------------------------------------------------------- terminal


@dataclass(frozen=True)
class TerminalResult:
    """Terminal engagements of a night, per threat: ``killed``; ``site`` (id of the asset whose
    defence fired at it, "" if none); ``shots`` fired at it.  Per site: ``magazine`` (shots per
    night) and ``magazine_used`` (shots fired)."""

    killed: Bool
    site: Str
    shots: I64
    magazine: dict[str, int]
    magazine_used: dict[str, int]


class Site(NamedTuple):
    """A site that fires terminal shots: its id, position ``(lon, lat)`` (degrees) and
    defence."""

    id: str
    position: tuple[float, float]
    defence: TerminalDefence


def defended_sites(assets: Sequence[Asset], params: GroundParams) -> list[Site]:
    """The defended assets (their own or their kind's terminal defence), then the
    air-defence sites of ``params``.  An air-defence site may not share an asset's id."""
    sites = [Site(a.id, a.position, d) for a in assets if (d := params.site_defence(a)) is not None]
    ids = {a.id for a in assets}
    clash = sorted(ids & set(params.air_defence_sites))
    if clash:
        raise ValueError(f"air-defence site ids {clash} are also asset ids; rename the sites")
    sites += [Site(k, d.position, d) for k, d in params.air_defence_sites.items()]
    return sites


def aim_points(threats: Threats) -> tuple[F64, F64]:
    """Aim point (the route's last waypoint) of each threat, km."""
    last = threats.offsets[1:] - 1
    return threats.x_km[last], threats.y_km[last]


def assign_sites(
    aim_x_km: F64,
    aim_y_km: F64,
    class_id: Str,
    category: Str,
    sites: Sequence[Site],
    projection: Projection,
) -> tuple[I64, F64]:
    """The site that would engage each threat at arrival: the index into ``sites`` of the
    nearest site whose ``range_km`` covers its aim point (km) and whose Pk against its class
    is above 0 (-1 if none), and that Pk (0 if none; before the night's shift)."""
    n = len(aim_x_km)
    if not sites or not n:
        return np.full(n, -1, dtype=np.int64), np.zeros(n)
    ax, ay = np.asarray(aim_x_km, dtype=float), np.asarray(aim_y_km, dtype=float)
    pos = np.asarray([projection.point_km(s.position) for s in sites])
    dist = np.hypot(ax[None, :] - pos[:, :1], ay[None, :] - pos[:, 1:])  # (S, n)
    classes = ClassIndex.of(class_id, category)
    pk = np.stack([classes.lookup(s.defence.pk) for s in sites])
    reach = np.asarray([s.defence.range_km for s in sites])[:, None]
    covered = (dist <= reach) & (pk > 0)
    nearest = np.argmin(np.where(covered, dist, np.inf), axis=0)
    some = covered.any(axis=0)
    index = np.where(some, nearest, -1).astype(np.int64)
    return index, np.where(some, pk[nearest, np.arange(n)], 0.0)


def resolve_terminal(
    threats: Threats,
    alive: Bool,
    assets: Sequence[Asset],
    projection: Projection,
    params: GroundParams,
    draws: GroundDraws,
    assigned: tuple[I64, F64] | None = None,
) -> TerminalResult:
    """Terminal engagements at the defended assets, in order of arrival.

    ``alive``: the threat still flies at its arrival (not killed by a fighter, not lost on the
    ground layers).  A live threat whose aim point lies within ``range_km`` of a site
    (:func:`defended_sites`: defended assets and air-defence sites) with ``pk > 0`` against it
    is assigned to the nearest such site.  Each site takes its threats in arrival order (then
    threat index) and fires shoot-look-shoot: shot ``j`` at threat ``i`` kills if
    ``u_terminal[i, j] <`` the Pk shifted by the night (``draws.night_shift``), up to
    ``shots_per_threat`` shots, until the magazine is empty (a threat met by an empty magazine
    is not engaged; one met by its last shots gets only those).  ``assigned``: the threats'
    sites and Pk (:func:`assign_sites`), when already worked out for these threats (they do
    not depend on ``alive``: one night's defences share them).
    """
    n = len(threats)
    alive = np.asarray(alive, dtype=bool)
    if alive.shape != (n,):
        raise ValueError(f"alive must have one entry per threat ({n}), got shape {alive.shape}")
    sites = defended_sites(assets, params)
    killed = np.zeros(n, dtype=bool)
    site_of = np.full(n, "", dtype=object)
    shots = np.zeros(n, dtype=np.int64)
    magazine = {s.id: s.defence.magazine for s in sites}
    used = dict.fromkeys(magazine, 0)
    if not sites or not n:
        return TerminalResult(killed, site_of.astype(np.str_), shots, magazine, used)

    if assigned is None:
        assigned = assign_sites(
            *aim_points(threats), threats.class_id, threats.category, sites, projection
        )
    site_index, pk_assigned = assigned
    cand = np.flatnonzero((site_index >= 0) & alive)
    if not len(cand):
        return TerminalResult(killed, site_of.astype(np.str_), shots, magazine, used)
    site = site_index[cand]
    p = shifted(pk_assigned[cand], draws.shift()[cand])
    k_max = np.asarray([s.defence.shots_per_threat for s in sites])[site]

    # shots wanted: up to and including the first kill, at most k_max
    col = np.arange(draws.u_terminal.shape[1])[None, :]
    hits = (draws.u_terminal[cand] < p[:, None]) & (col < k_max[:, None])
    would_kill: Bool = np.asarray(hits.any(axis=1), dtype=bool)
    wanted = np.where(would_kill, np.argmax(hits, axis=1) + 1, k_max)

    # magazines, in arrival order per site
    order = np.lexsort((cand, threats.arrival_time_s[cand], site))
    s_o, w_o = site[order], wanted[order]
    cum = np.cumsum(w_o)
    grp_first = np.searchsorted(s_o, s_o)  # first index of each entry's site group
    before = cum - w_o - (cum[grp_first] - w_o[grp_first])
    mag = np.asarray([s.defence.magazine for s in sites])[s_o]
    fired = np.clip(mag - before, 0, w_o)
    kill_o = would_kill[order] & (fired == w_o)

    idx = cand[order]
    shots[idx] = fired
    killed[idx] = kill_o
    names = np.asarray([s.id for s in sites], dtype=object)
    site_of[idx] = np.where(fired > 0, names[s_o], "")
    spent = np.bincount(s_o, weights=fired, minlength=len(sites))
    used = {s.id: int(spent[j]) for j, s in enumerate(sites)}
    return TerminalResult(killed, site_of.astype(np.str_), shots, magazine, used)


__all__ = [
    "NIGHT_DF",
    "ClassIndex",
    "GroundDraws",
    "GroundFate",
    "Legs",
    "Site",
    "TerminalResult",
    "aim_points",
    "assign_sites",
    "defended_sites",
    "draw_ground",
    "ground_fate_time",
    "inside_km",
    "inside_pieces",
    "per_threat",
    "resolve_terminal",
    "shifted",
]
