"""The engine's compiled paths give bit for bit what the plain (vectorised, or shapely and
SciPy) functions give.

Per-route positions and intercepts (:func:`route_position`, :func:`route_intercept`) against
``positions_at`` and ``earliest_intercept``; the compiled regions (entry times, point and segment
tests, distances) against shapely; the assignment solver against SciPy; the event heap's order;
``circle_entry_grid`` against ``circle_entry_times``; pilot exposure against measuring every leg;
and a pickled world gives the same night.  All of them also run with ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from shapely.geometry.base import BaseGeometry

from skyshield.engine.api import build_world
from skyshield.engine.assignment import min_cost_assignment
from skyshield.engine.ground import Legs, inside_pieces
from skyshield.engine.kernel import new_events, pop, schedule
from skyshield.engine.kinematics import (
    circle_entries,
    circle_entry_grid,
    circle_entry_times,
    earliest_intercept,
    positions_at,
    route_intercept,
    route_positions,
)
from skyshield.engine.sim import _exposure, flown_threats, run_replication
from skyshield.engine.world import World
from skyshield.geo.regions import (
    blocks_of,
    dash_covered,
    entry_times,
    least_distance,
    point_in,
    region_of,
    routes_meet,
    segment_covered,
    segment_distance,
    view_of,
)
from skyshield.raids import Night, ThreatGroup, Threats
from skyshield.scenario import LoadedScenario

F64 = NDArray[np.float64]
Routes = tuple[NDArray[np.int64], F64, F64, F64]

NIGHT = Night(
    name="equivalence",
    start="2025-06-07T20:00:00+03:00",  # type: ignore[arg-type]
    groups=[
        ThreatGroup(threat="shahed-136", count=40, launch_area="kursk", launch_end_h=3.0),
        ThreatGroup(threat="shahed-136", count=40, launch_area="hvardiiske", launch_end_h=3.0),
        ThreatGroup(
            threat="kh-101", count=8, launch_area="engels", launch_start_h=3.0, launch_end_h=4.0
        ),
    ],
)


@pytest.fixture(scope="module")
def world(reference: LoadedScenario) -> World:
    return build_world(reference, NIGHT)


def random_routes(seed: int, n: int = 300) -> Routes:
    """Routes of 1 to 6 waypoints with repeated times (hover, zero-duration legs) and speeds
    from drones to faster-than-fighter missiles."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 7, n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    m = int(offsets[-1])
    x, y = rng.uniform(-400, 400, m), rng.uniform(-400, 400, m)
    dt = rng.choice([0.0, 60.0, 600.0, 3000.0], m)
    t = np.concatenate(
        [np.cumsum(dt[a:b]) + rng.uniform(0, 20000) for a, b in itertools.pairwise(offsets)]
    )
    same = rng.random(m) < 0.1  # hover: a waypoint repeated at a later time
    x[1:][same[1:]], y[1:][same[1:]] = x[:-1][same[1:]], y[:-1][same[1:]]
    return offsets, x, y, t


def same(a: tuple[F64, ...], b: tuple[F64, ...]) -> bool:
    return all(np.array_equal(u, v, equal_nan=True) for u, v in zip(a, b, strict=True))


def intercepts(
    routes: Routes, idx: NDArray[np.int64], fx: F64, fy: F64, t1: F64, v_km_s: F64, reach: F64
) -> tuple[F64, F64, F64]:
    out = np.array(
        [
            route_intercept(*routes, i, a, b, c, d, e, 1e-6)
            for i, a, b, c, d, e in zip(idx, fx, fy, t1, v_km_s, reach, strict=True)
        ]
    )
    return out[:, 0], out[:, 1], out[:, 2]


@pytest.mark.parametrize("seed", range(4))
def test_route_functions_equal_the_vectorised_ones(seed: int) -> None:
    routes = off, x, y, t = random_routes(seed)
    rng = np.random.default_rng(100 + seed)
    k = 2000
    idx = rng.integers(0, len(off) - 1, k)
    when = rng.uniform(-1000, 40000, k)
    when[:200] = t[off[idx[:200]]]  # exactly at launch
    assert same(route_positions(*routes, idx, when), positions_at(off, x, y, t, idx, when))
    fx, fy = rng.uniform(-400, 400, k), rng.uniform(-400, 400, k)
    t0 = rng.uniform(-1000, 40000, k)
    v = rng.choice([1450.0, 2100.0], k)
    reach = rng.choice([0.0, 1.5, 8.0, 60.0], k)
    plain = earliest_intercept(off, x, y, t, idx, fx, fy, t0, v, 60.0, reach)
    assert np.isfinite(plain.t_s).sum() > k // 10  # the case is not vacuous
    assert same(intercepts(routes, idx, fx, fy, t0 + 60.0, v / 3600.0, reach), plain)
    # a fighter faster than every threat leg, and one slower than some (the general branch)
    for kmh in (1e6, 0.36):
        speed = np.full(k, kmh)
        plain = earliest_intercept(off, x, y, t, idx, fx, fy, t0, speed, 60.0, reach)
        assert same(intercepts(routes, idx, fx, fy, t0 + 60.0, speed / 3600.0, reach), plain)


@pytest.mark.parametrize("seed", range(3))
def test_circle_entries_are_circle_entry_times(seed: int) -> None:
    off, x, y, t = random_routes(seed)
    n = len(off) - 1
    rng = np.random.default_rng(seed)
    cx, cy = rng.uniform(-300, 300, (5, 1)), rng.uniform(-300, 300, (5, 1))
    r = rng.uniform(0, 300, (5, n))
    r[:, :10] = 0.0  # circles of no radius: never entered
    grid = circle_entry_grid(off, x, y, t, cx, cy, r)
    assert np.isfinite(grid).any()
    for k in range(5):
        one = circle_entry_times(off, x, y, t, cx[k, 0], cy[k, 0], r[k])
        assert np.array_equal(grid[k], one)
    assert np.array_equal(circle_entries(off, x, y, t, cx[:, 0], cy[:, 0], r), grid)


@pytest.mark.parametrize("seed", range(3))
def test_circle_entries_skip_no_route_at_the_edge_of_its_box(seed: int) -> None:
    """Circles whose radius is each route's least distance from the centre, give or take a
    metre or less: the routes skipped by their bounding box are those the full test misses."""
    off, x, y, t = random_routes(seed)
    n = len(off) - 1
    cx, cy = np.array([0.0, 400.0]), np.array([0.0, -250.0])
    least = np.array(
        [
            [
                shapely.distance(
                    shapely.Point(cx[k], cy[k]),
                    shapely.LineString(np.column_stack([x[a:b], y[a:b]]))
                    if b - a > 1
                    else shapely.Point(x[a], y[a]),
                )
                for a, b in itertools.pairwise(off)
            ]
            for k in range(2)
        ]
    )
    rng = np.random.default_rng(seed)
    r = np.maximum(least + rng.uniform(-1e-3, 1e-3, (2, n)), 0.0)
    grid = circle_entry_grid(off, x, y, t, cx[:, None], cy[:, None], r)
    assert np.isfinite(grid).any() and not np.isfinite(grid).all()
    assert np.array_equal(circle_entries(off, x, y, t, cx, cy, r), grid)


def test_route_crossing_is_shapely_intersects(world: World) -> None:
    """The compiled crossing test of forbidden (NATO) territory says of every route what
    ``shapely.intersects`` says: 3,000 routes of 2-4 waypoints from inside Ukraine towards and
    across the border, and routes that end exactly on a vertex of the border, run along one of
    its edges, or pass a micrometre from a vertex."""
    rules = world.ctx.rules
    forbidden = rules.forbidden_km
    assert forbidden is not None
    rng = np.random.default_rng(5)
    x0, y0 = rules.safe_point_km
    routes = [
        np.vstack(
            [
                [x0, y0],
                np.column_stack([x0 + rng.uniform(-900, 300, k), y0 + rng.uniform(-600, 600, k)]),
            ]
        )
        for k in rng.integers(1, 4, 3000)
    ]
    vertices = shapely.get_coordinates(forbidden)
    for v, w in itertools.islice(itertools.pairwise(vertices), 0, len(vertices) - 1, 37):
        routes += [
            np.array([[x0, y0], v]),  # ends on a vertex
            np.array([v, w]),  # along an edge
            np.array([[x0, y0], v + (w - v) * 0.5]),  # ends on an edge
            np.array([[x0, y0], v + 1e-9 * (v - [x0, y0])]),  # a micrometre beyond a vertex
            np.array([[x0, y0], v - 1e-9 * (v - [x0, y0])]),  # a micrometre short of it
        ]
    counts = np.array([len(r) for r in routes])
    points = np.concatenate(routes)
    lines = shapely.linestrings(points, indices=np.repeat(np.arange(len(routes)), counts))
    exact = shapely.intersects(lines, forbidden)
    assert 100 < exact.sum() < len(routes) - 100
    assert np.array_equal(rules.crossing(counts, points), exact)


@pytest.mark.parametrize("seed", range(4))
def test_routes_meet_is_shapely_intersects_on_a_grid(seed: int) -> None:
    """Polygons (some with a hole) and routes on a small integer grid, so that routes end on
    vertices, run along edges and touch corners often: ``routes_meet`` says what shapely does."""
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(12):
        poly = shapely.Polygon(rng.integers(0, 12, (int(rng.integers(3, 9)), 2))).buffer(0)
        if rng.random() < 0.3:
            corner = rng.integers(2, 8, 2)
            poly = poly.difference(shapely.box(*corner, *(corner + 2)))
        if poly.is_empty:
            continue
        counts = rng.integers(2, 4, 100)
        points = rng.integers(-2, 14, (int(counts.sum()), 2)).astype(float)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        lines = shapely.linestrings(points, indices=np.repeat(np.arange(100), counts))
        got = routes_meet(region_of(poly), offsets, points[:, 0].copy(), points[:, 1].copy())
        assert np.array_equal(got, shapely.intersects(lines, poly))
        checked += 1
    assert checked >= 6


def test_exposure_equals_measuring_every_leg(world: World) -> None:
    for seed in range(3):
        legs = run_replication(world, seed, ("shield",))["shield"].fighter_legs
        assert {"dash", "return", "transit_out", "transit_back"} <= set(legs["phase"])
        a = legs[["x0_km", "y0_km"]].to_numpy(float)
        b = legs[["x1_km", "y1_km"]].to_numpy(float)
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        every = float(shapely.distance(lines, world.ls.theatre.hostile_km).min())
        assert _exposure(world, legs) == every


def test_pickled_world_is_prepared_and_gives_the_same_night(world: World) -> None:
    copy = pickle.loads(pickle.dumps(world))
    for g in (copy.engage_zone, copy.shot_reach, copy.ukraine, copy.free_ukraine):
        assert shapely.is_prepared(g)
    a, b = run_replication(world, 7), run_replication(copy, 7)
    for d in a:
        assert a[d].threats.equals(b[d].threats)
        assert a[d].engagements.equals(b[d].engagements)


def shapely_inside_pieces(legs: Legs, sel: NDArray[np.int64], region: BaseGeometry) -> tuple:  # type: ignore[type-arg]
    """The engine's former implementation of ``inside_pieces`` (shapely's STR tree for the
    candidate edges, NumPy for the crossings), kept as the reference of the compiled one."""
    tol = 1e-9
    sel = sel[legs.length_km[sel] > 0]
    rings = shapely.get_rings(shapely.get_parts(region))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = ring[1:] == ring[:-1]
    e0, e1 = coords[:-1][same_ring], coords[1:][same_ring]
    tree = shapely.STRtree(shapely.linestrings(np.stack([e0, e1], axis=1)))
    px, py = legs.x0[sel], legs.y0[sel]
    rx, ry = legs.x1[sel] - px, legs.y1[sel] - py
    ends = np.column_stack([legs.x1[sel], legs.y1[sel]])
    li, ei = tree.query(shapely.linestrings(np.stack([np.column_stack([px, py]), ends], axis=1)))
    qpx, qpy = e0[ei, 0] - px[li], e0[ei, 1] - py[li]
    sx, sy = e1[ei, 0] - e0[ei, 0], e1[ei, 1] - e0[ei, 1]
    lrx, lry = rx[li], ry[li]
    den = lrx * sy - lry * sx
    rr = lrx * lrx + lry * lry
    crossing = np.abs(den) > tol * np.sqrt(rr * (sx * sx + sy * sy))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(crossing, (qpx * sy - qpy * sx) / den, np.nan)
        u = np.where(crossing, (qpx * lry - qpy * lrx) / den, np.nan)
    hit = crossing & (t >= -tol) & (t <= 1 + tol) & (u >= -tol) & (u <= 1 + tol)
    off_line = np.abs(qpx * lry - qpy * lrx)
    along = ~crossing & (off_line <= tol * np.sqrt(rr) * np.maximum(np.hypot(qpx, qpy), 1.0))
    t_q = (qpx * lrx + qpy * lry) / rr
    t_e = ((qpx + sx) * lrx + (qpy + sy) * lry) / rr
    m = len(sel)
    split_leg = np.concatenate([li[hit], li[along], li[along], np.arange(m), np.arange(m)])
    split_t = np.clip(
        np.concatenate([t[hit], t_q[along], t_e[along], np.zeros(m), np.ones(m)]), 0.0, 1.0
    )
    order = np.lexsort((split_t, split_leg))
    split_leg, split_t = split_leg[order], split_t[order]
    part = (split_leg[1:] == split_leg[:-1]) & (split_t[1:] > split_t[:-1])
    k = split_leg[:-1][part]
    ta, tb = split_t[:-1][part], split_t[1:][part]
    mid = 0.5 * (ta + tb)
    inside = shapely.intersects_xy(region, px[k] + mid * rx[k], py[k] + mid * ry[k])
    k, ta, tb = k[inside], ta[inside], tb[inside]
    leg = sel[k]
    ln = legs.length_km[leg]
    joins = np.concatenate([[False], (leg[1:] == leg[:-1]) & (ta[1:] == tb[:-1])])
    first = np.flatnonzero(~joins)
    last = np.concatenate([first[1:], [len(leg)]]) - 1
    return leg[first], ta[first] * ln[first], tb[last] * ln[last]


def shapely_entry_times(threats: Threats, area: BaseGeometry) -> F64:
    """The first time each route is inside ``area`` by :func:`shapely_inside_pieces` (the
    engine's former ``sensors.entry_times``)."""
    out = np.full(len(threats), np.inf)
    legs = Legs.of(threats)
    leg, s0, _ = shapely_inside_pieces(legs, np.arange(len(legs.owner)), area)
    owners, first = np.unique(legs.owner[leg], return_index=True)
    out[owners] = legs.point(leg[first], s0[first])[0]
    return out


@pytest.mark.parametrize("name", ["zone", "shot_reach", "ukraine", "free_ukraine"])
def test_region_pieces_and_entry_times_are_the_shapely_ones(world: World, name: str) -> None:
    area = getattr(world, {"zone": "engage_zone"}.get(name, name))
    rg = region_of(area)
    for seed in range(2):
        th = flown_threats(world, seed)
        mine = entry_times(rg, th.offsets, th.x_km, th.y_km, th.t_s)
        assert np.isfinite(mine).sum() > len(th) // 4
        assert np.array_equal(mine, shapely_entry_times(th, area))
        legs = Legs.of(th)
        sel = np.flatnonzero(np.random.default_rng(seed).random(len(legs.owner)) < 0.7)
        ours = inside_pieces(legs, sel, area)
        assert len(ours[0]) > 100
        assert all(
            np.array_equal(a, b)
            for a, b in zip(ours, shapely_inside_pieces(legs, sel, area), strict=True)
        )


def test_region_points_and_segments_agree_with_shapely(world: World) -> None:
    zone = world.engage_zone
    rg = region_of(zone)
    rng = np.random.default_rng(5)
    x0, y0, x1, y1 = zone.bounds
    n = 3000
    px, py = rng.uniform(x0 - 50, x1 + 50, n), rng.uniform(y0 - 50, y1 + 50, n)
    inside = np.array([point_in(rg, a, b) for a, b in zip(px, py, strict=True)])
    assert 0.2 < inside.mean() < 0.8
    assert np.array_equal(inside, shapely.contains_xy(zone, px, py))
    stations = np.array([world.positions_km[s.id] for s in world.ls.scenario.cap.stations])
    k = rng.integers(0, len(stations), n)
    ang, dist = rng.uniform(0, 2 * np.pi, n), rng.uniform(0, 300, n)
    qx, qy = stations[k, 0] + dist * np.cos(ang), stations[k, 1] + dist * np.sin(ang)
    lines = shapely.linestrings(np.stack([stations[k], np.column_stack([qx, qy])], axis=1))
    covered = shapely.covers(zone, lines)
    assert 0.2 < covered.mean() < 0.9
    ours = [segment_covered(rg, *stations[j], a, b) for j, a, b in zip(k, qx, qy, strict=True)]
    assert np.array_equal(ours, covered)
    view = view_of(rg, stations)
    dashes = [dash_covered(rg, view, j, a, b) for j, a, b in zip(k, qx, qy, strict=True)]
    assert np.array_equal(dashes, covered)


def test_segment_distances_are_the_shapely_ones(world: World) -> None:
    hostile = world.ls.theatre.hostile_km
    rg = region_of(hostile)
    blocks = blocks_of(rg)
    rng = np.random.default_rng(6)
    n = 1000
    stations = np.array([world.positions_km[s.id] for s in world.ls.scenario.cap.stations])
    a = stations[rng.integers(0, len(stations), n)]
    ang, dist = rng.uniform(0, 2 * np.pi, n), rng.uniform(0, 400, n)
    b = a + np.column_stack([dist * np.cos(ang), dist * np.sin(ang)])
    b[:20] = a[:20]  # points
    b[20:40] = hostile.representative_point().coords[0]  # ending inside
    exact = shapely.distance(shapely.linestrings(np.stack([a, b], axis=1)), hostile)
    ours = np.array([segment_distance(rg, blocks, *p, *q) for p, q in zip(a, b, strict=True)])
    assert np.array_equal(ours, exact)
    assert least_distance(rg, blocks, a[:, 0], a[:, 1], b[:, 0], b[:, 1]) == exact.min()


def test_assignment_is_scipys_on_random_and_tied_costs() -> None:
    rng = np.random.default_rng(7)
    for it in range(600):
        nr, nc = (int(v) for v in rng.integers(1, 8, 2))
        if it % 3 == 0:
            cost = rng.normal(size=(nr, nc))
        elif it % 3 == 1:  # many ties
            cost = rng.integers(0, 3, (nr, nc)).astype(float)
        else:  # fighters of one station score alike; infeasible pairs cost 1e12
            cost = np.tile(rng.normal(size=nc), (nr, 1))
            cost[rng.random((nr, nc)) < 0.4] = 1e12
        rows, cols = linear_sum_assignment(cost)
        ours = min_cost_assignment(cost)
        assert np.array_equal(ours[0], rows) and np.array_equal(ours[1], cols), cost


def test_events_come_out_by_time_then_scheduling_order() -> None:
    rng = np.random.default_rng(8)
    times = rng.integers(0, 20, 300).astype(float)  # many ties
    ev = new_events(len(times))
    for k, t in enumerate(times):
        schedule(ev, t, np.int64(k % 6), np.int64(k), 0.0)
    popped = [pop(ev) for _ in range(len(times))]
    order = np.lexsort((np.arange(len(times)), times))
    assert [int(p[2]) for p in popped] == order.tolist()
    assert [p[0] for p in popped] == sorted(times.tolist())
    assert ev.tally[0] == 0 and ev.tally[2] == len(times)
