"""Analytic kinematics: hand-computed cases, brute-force references and vectorisation.

Brute-force references sample the route with ``np.interp`` (independent of the module's leg
search) and test the defining condition at each sample.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from skyshield.engine import (
    INTERCEPT_TOL_KM,
    circle_entry_times,
    earliest_intercept,
    positions_at,
)

F64 = NDArray[np.float64]
Routes = tuple[NDArray[np.int64], F64, F64, F64]
Waypoint = tuple[float, float, float]


def routes(*paths: list[Waypoint]) -> Routes:
    """Compressed layout (offsets, x_km, y_km, t_s) of routes given as (x km, y km, t s) lists."""
    pts = [np.asarray(p, dtype=np.float64).reshape(-1, 3) for p in paths]
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in pts])]).astype(np.int64)
    allp = np.concatenate(pts)
    return offsets, allp[:, 0], allp[:, 1], allp[:, 2]


def timed(xy: list[tuple[float, float]], speed_kmh: float, launch_s: float) -> list[Waypoint]:
    """Waypoints flown at a constant speed from ``launch_s``."""
    t = launch_s
    out = [(xy[0][0], xy[0][1], t)]
    for (x0, y0), (x1, y1) in itertools.pairwise(xy):
        t += math.hypot(x1 - x0, y1 - y0) / speed_kmh * 3600.0
        out.append((x1, y1, t))
    return out


def interp_route(path: list[Waypoint], when: F64) -> tuple[F64, F64]:
    """Independent reference position: np.interp over the route's waypoint times."""
    p = np.asarray(path, dtype=np.float64)
    return np.interp(when, p[:, 2], p[:, 0]), np.interp(when, p[:, 2], p[:, 1])


# ---------------------------------------------------------------- positions_at

PATH = [(0.0, 0.0, 100.0), (100.0, 0.0, 1100.0), (100.0, 50.0, 1600.0)]


def test_positions_at_leg_ends_and_mid_leg() -> None:
    # Leg 1: (0,0) -> (100,0) over 100..1100 s (0.1 km/s); leg 2: (100,0) -> (100,50) over
    # 1100..1600 s.  t = 600 is half of leg 1: (50, 0); t = 1350 half of leg 2: (100, 25).
    r = routes(PATH)
    when = np.array([100.0, 600.0, 1100.0, 1350.0, 1600.0])
    px, py, ok = positions_at(*r, 0, when)
    np.testing.assert_allclose(px, [0.0, 50.0, 100.0, 100.0, 100.0], atol=1e-12)
    np.testing.assert_allclose(py, [0.0, 0.0, 0.0, 25.0, 50.0], atol=1e-12)
    assert ok.all()


def test_positions_at_invalid_before_launch_and_after_arrival() -> None:
    r = routes(PATH)
    px, py, ok = positions_at(*r, 0, [99.999, 1600.001, -1e9, 1e9])
    assert not ok.any()
    assert np.isnan(px).all() and np.isnan(py).all()


def test_positions_at_broadcasts_threats_by_times() -> None:
    # Second threat: (0,0) -> (0,-60) over 0..600 s.  Grid of 2 threats x 3 times.
    r = routes(PATH, [(0.0, 0.0, 0.0), (0.0, -60.0, 600.0)])
    px, py, ok = positions_at(*r, np.array([[0], [1]]), np.array([50.0, 300.0, 1100.0]))
    assert px.shape == py.shape == ok.shape == (2, 3)
    np.testing.assert_array_equal(ok, [[False, True, True], [True, True, False]])
    np.testing.assert_allclose(px[0, 1:], [20.0, 100.0])
    np.testing.assert_allclose(py[1, :2], [-5.0, -30.0])


def test_positions_at_one_waypoint_route_and_zero_length_legs() -> None:
    # A one-waypoint route exists only at its time; a hover (zero-length leg) holds position;
    # a repeated waypoint (zero-duration leg) changes nothing.
    r = routes([(5.0, 6.0, 10.0)], [(0, 0, 0), (0, 0, 100), (0, 0, 100), (10, 0, 200)])
    px, py, ok = positions_at(*r, [0, 0, 1, 1, 1], [10.0, 11.0, 50.0, 100.0, 150.0])
    np.testing.assert_array_equal(ok, [True, False, True, True, True])
    np.testing.assert_allclose(px[[0, 2, 3, 4]], [5.0, 0.0, 0.0, 5.0])
    assert py[0] == 6.0


@settings(max_examples=60, deadline=None)
@given(
    xy=st.lists(st.tuples(st.floats(-300, 300), st.floats(-300, 300)), min_size=2, max_size=6),
    speed=st.floats(100.0, 3000.0),
    frac=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
)
def test_positions_at_matches_interp(
    xy: list[tuple[float, float]], speed: float, frac: list[float]
) -> None:
    path = timed(xy, speed, 1000.0)
    t_end = path[-1][2]
    when = 1000.0 + np.asarray(frac) * (t_end - 1000.0)
    px, py, ok = positions_at(*routes(path), 0, when)
    rx, ry = interp_route(path, when)
    assert ok.all()
    # tolerance: rounding of km-scale interpolation, 1e-9 km
    np.testing.assert_allclose(px, rx, atol=1e-9)
    np.testing.assert_allclose(py, ry, atol=1e-9)


# ---------------------------------------------------------------- circle_entry_times


def test_circle_entry_hand_case() -> None:
    # Straight path y = 30 from (-100, 30) to (100, 30), 200 km in 2000 s (0.1 km/s = 360 km/h),
    # launched at 1000 s.  Circle: centre (0, 0), r = 50.  The chord is at x = +-sqrt(50^2 - 30^2)
    # = +-40, so the path enters at x = -40, 60 km after launch: 60 / 0.1 = 600 s -> t = 1600 s.
    r = routes([(-100.0, 30.0, 1000.0), (100.0, 30.0, 3000.0)])
    assert circle_entry_times(*r, 0.0, 0.0, 50.0)[0] == pytest.approx(1600.0, abs=1e-9)


def test_circle_entry_on_second_leg() -> None:
    # Leg 1 (0,200)->(0,100) over 0..1000 s: the distance from (0, y) to the centre (100, 100)
    # is >= 100 km > r = 50 km, so no entry.  Leg 2 (0,100)->(200,100) over
    # 1000..3000 s (0.1 km/s) enters the r = 50 circle at x = 50: 50 km / 0.1 = 500 s -> 1500 s.
    r = routes([(0.0, 200.0, 0.0), (0.0, 100.0, 1000.0), (200.0, 100.0, 3000.0)])
    assert circle_entry_times(*r, 100.0, 100.0, 50.0)[0] == pytest.approx(1500.0, abs=1e-9)


def test_circle_entry_tangent_miss_and_start_inside() -> None:
    r = routes(
        [(-100.0, 50.0, 0.0), (100.0, 50.0, 2000.0)],  # tangent at (0, 50): never inside
        [(-100.0, 60.0, 0.0), (100.0, 60.0, 2000.0)],  # miss
        [(10.0, 0.0, 500.0), (200.0, 0.0, 2400.0)],  # starts inside: launch time
        [(50.0, 0.0, 700.0), (-100.0, 0.0, 2200.0)],  # starts on the circle heading in
        [(50.0, 0.0, 700.0), (100.0, 0.0, 1200.0)],  # starts on the circle heading out
        [(-100.0, 0.0, 0.0), (-50.0, 0.0, 500.0)],  # ends on the circle
        [(20.0, 0.0, 900.0)],  # one waypoint, inside
    )
    got = circle_entry_times(*r, 0.0, 0.0, 50.0)
    np.testing.assert_array_equal(got, [np.inf, np.inf, 500.0, 700.0, np.inf, np.inf, 900.0])


def test_circle_entry_per_threat_radius() -> None:
    # Same path along y = 0 from x = -100, 0.1 km/s from t = 0; radii 30, 60, 90 (per threat):
    # entries at x = -30, -60, -90, i.e. 70, 40, 10 km flown -> 700, 400, 100 s.
    p = [(-100.0, 0.0, 0.0), (100.0, 0.0, 2000.0)]
    got = circle_entry_times(*routes(p, p, p), 0.0, 0.0, np.array([30.0, 60.0, 90.0]))
    np.testing.assert_allclose(got, [700.0, 400.0, 100.0], atol=1e-9)


coord = st.floats(-100.0, 100.0)


@settings(max_examples=150, deadline=None)
@given(
    xy=st.lists(st.tuples(coord, coord), min_size=1, max_size=5),
    speed=st.floats(100.0, 3000.0),
    centre=st.tuples(coord, coord),
    radius=st.floats(0.0, 80.0),
)
def test_circle_entry_vs_sampling(
    xy: list[tuple[float, float]], speed: float, centre: tuple[float, float], radius: float
) -> None:
    # Reference: the distance sampled at 5001 times plus every waypoint time.  Tolerance 1e-7 km
    # on distances (rounding), none on times: the entry is before the first sample strictly
    # inside, at most r from the centre, and no earlier sample is inside.
    path = timed(xy, speed, 250.0)
    entry = circle_entry_times(*routes(path), centre[0], centre[1], radius)[0]
    ts = np.unique(
        np.concatenate([np.linspace(path[0][2], path[-1][2], 5001), [p[2] for p in path]])
    )
    sx, sy = interp_route(path, ts)
    d = np.hypot(sx - centre[0], sy - centre[1])
    inside = d < radius - 1e-7
    if inside.any():
        assert entry <= ts[np.argmax(inside)] + 1e-9
    if np.isfinite(entry):
        ex, ey = interp_route(path, np.array([entry]))
        assert math.hypot(ex[0] - centre[0], ey[0] - centre[1]) <= radius + 1e-7
        assert np.all(d[ts < entry] >= radius - 1e-7)
        assert path[0][2] <= entry <= path[-1][2]


# ---------------------------------------------------------------- earliest_intercept

V_DASH = 1000.0  # km/h
REACTION = 60.0  # s
R_WPN = 5.0  # km


def test_intercept_hand_case_one_leg() -> None:
    # Drone (0,0) -> (300,0) at 180 km/h = 0.05 km/s from t = 0: r(t) = (0.05 t, 0), arrival
    # 300 / 0.05 = 6000 s.  Fighter at (150, 50), free at 0, reaction 60 s, dash 1000 km/h
    # = 1/3.6 km/s, weapon 5 km.  Reach: 5 + (t - 60)/3.6 = (t - 42)/3.6.  Squaring
    #   (0.05 t - 150)^2 + 50^2 = (t - 42)^2 / 12.96
    #   12.96 (0.0025 t^2 - 15 t + 25000) = t^2 - 84 t + 1764
    #   0.0324 t^2 - 194.4 t + 324000 = t^2 - 84 t + 1764
    #   0.9676 t^2 + 110.4 t - 322236 = 0
    #   t* = (-110.4 + sqrt(110.4^2 + 4 * 0.9676 * 322236)) / (2 * 0.9676)
    #      = (-110.4 + sqrt(1259370.3744)) / 1.9352 = (-110.4 + 1122.2167) / 1.9352 = 522.849 s
    # Check: drone at 26.142 km; distance sqrt(123.858^2 + 50^2) = 133.569 km; reach
    # (522.849 - 42) / 3.6 = 133.569 km.
    # The module widens the reach by tol_km; with tol_km = 0 it solves exactly this equation.
    a, b, c = 0.9676, 110.4, -322236.0
    t_hand = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    assert t_hand == pytest.approx(522.849, abs=1e-3)
    r = routes([(0.0, 0.0, 0.0), (300.0, 0.0, 6000.0)])
    t, x, y = earliest_intercept(*r, 0, 150.0, 50.0, 0.0, V_DASH, REACTION, R_WPN, tol_km=0.0)
    assert t[()] == pytest.approx(t_hand, abs=1e-6)
    assert x[()] == pytest.approx(0.05 * t_hand, abs=1e-9)
    assert y[()] == 0.0
    # Default tolerance: earlier by at most tol / closing rate (>= 1/3.6 - 0.05 km/s here).
    t_tol = earliest_intercept(*r, 0, 150.0, 50.0, 0.0, V_DASH, REACTION, R_WPN).t_s[()]
    assert 0.0 <= t_hand - t_tol <= INTERCEPT_TOL_KM / (1 / 3.6 - 0.05) + 1e-9


def test_intercept_faster_threat_moving_away_is_never_reached() -> None:
    # Threat (0,0) -> (1000,0) at 3000 km/h = 0.8333 km/s; fighter behind it at (-50, 0).
    # Distance 50 + 0.8333 t grows faster than the reach 5 + (t - 60)/3.6 (0.2778 km/s) and
    # starts larger (100 km vs 5 km at t = 60): never.
    r = routes([(0.0, 0.0, 0.0), (1000.0, 0.0, 1200.0)])
    t, x, y = earliest_intercept(*r, 0, -50.0, 0.0, 0.0, V_DASH, REACTION, R_WPN)
    assert t[()] == np.inf and np.isnan(x[()]) and np.isnan(y[()])


def test_intercept_threat_arrives_first() -> None:
    # Drone (0,0) -> (100,0) at 180 km/h arrives at 2000 s.  Fighter at (100, 600): distance
    # >= 600 km always; reach at arrival 5 + 1940/3.6 = 543.89 km < 600: no intercept.
    # From (100, 540) it is just feasible before arrival:
    #   (100 - 0.05 t)^2 + 540^2 = (t - 42)^2 / 12.96
    #   0.9676 t^2 + 45.6 t - 3906972 = 0  ->  t* = 1986.0 s < 2000 s.
    r = routes([(0.0, 0.0, 0.0), (100.0, 0.0, 2000.0)])
    t = earliest_intercept(
        *r, [0, 0], 100.0, [600.0, 540.0], 0.0, V_DASH, REACTION, R_WPN, tol_km=0.0
    )
    a, b, c = 0.9676, 45.6, -3906972.0
    t_hand = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    assert t.t_s[0] == np.inf
    assert t.t_s[1] == pytest.approx(t_hand, abs=1e-6)
    assert 1980.0 < t_hand < 2000.0
    # And free only after arrival: nothing.
    late = earliest_intercept(*r, 0, 50.0, 0.0, 1950.0, V_DASH, REACTION, R_WPN)
    assert late.t_s[()] == np.inf


def test_intercept_already_in_range() -> None:
    # At t1 = 0 + 60 s the drone is at (3, 0); the fighter at (3, 4) is 4 km away <= 5 km:
    # t* = t0 + reaction = 60 s exactly, at (3, 0).
    r = routes([(0.0, 0.0, 0.0), (300.0, 0.0, 6000.0)])
    t, x, y = earliest_intercept(*r, 0, 3.0, 4.0, 0.0, V_DASH, REACTION, R_WPN)
    assert t[()] == 60.0
    assert (x[()], y[()]) == pytest.approx((3.0, 0.0), abs=1e-12)
    # t0 + reaction falling inside a later leg, with a non-round time: still exactly t1.
    r2 = routes([(0.0, 0.0, 0.0), (10.0, 0.0, 200.0), (10.0, 100.0, 2200.0)])
    t0 = 1000.1 / 3.0
    t1 = t0 + REACTION
    t, x, y = earliest_intercept(*r2, 0, 10.0, 0.05 * (t1 - 200.0), t0, V_DASH, REACTION, R_WPN)
    assert t[()] == t1


def test_intercept_fighter_ready_before_launch() -> None:
    # Drone launched at 1000 s from (0, 0); fighter at (0, 3), ready at 60 s: in range at
    # launch, so t* = 1000 s (the launch), not before.
    r = routes([(0.0, 0.0, 1000.0), (300.0, 0.0, 7000.0)])
    assert earliest_intercept(*r, 0, 0.0, 3.0, 0.0, V_DASH, REACTION, R_WPN).t_s[()] == 1000.0


def test_intercept_on_second_leg_hand_and_brute_force() -> None:
    # Route (0,0) -> (200,0) over 0..2000 s, then (200,0) -> (200,200) over 2000..4000 s
    # (0.1 km/s).  Fighter (500, 300), free at 0, reaction 300 s, dash 600 km/h = 1/6 km/s,
    # weapon 5 km.  Leg 1: distance >= 300 km (y gap) > reach <= 5 + 1700/6 = 288.3 km: none.
    # Leg 2, tau = t - 2000: threat (200, 0.1 tau), reach (1730 + tau)/6:
    #   (1730 + tau)^2 = 36 (300^2 + (300 - 0.1 tau)^2)
    #   0.64 tau^2 + 5620 tau - 3487100 = 0  ->  tau = 581.9 s, t* = 2581.9 s.
    path = [(0.0, 0.0, 0.0), (200.0, 0.0, 2000.0), (200.0, 200.0, 4000.0)]
    res = earliest_intercept(*routes(path), 0, 500.0, 300.0, 0.0, 600.0, 300.0, 5.0, tol_km=0.0)
    a, b, c = 0.64, 5620.0, -3487100.0
    t_hand = 2000.0 + (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    assert res.t_s[()] == pytest.approx(t_hand, abs=1e-6)
    assert (res.x_km[()], res.y_km[()]) == pytest.approx((200.0, 0.1 * (t_hand - 2000.0)), abs=1e-9)
    # Brute force: first 0.1 s sample where the condition holds; agree within 0.1 s.
    ts = np.arange(300.0, 4000.0 + 1e-9, 0.1)
    sx, sy = interp_route(path, ts)
    ok = np.hypot(sx - 500.0, sy - 300.0) <= 5.0 + (600.0 / 3600.0) * (ts - 300.0)
    assert ok.any()
    t_brute = ts[np.argmax(ok)]
    assert abs(res.t_s[()] - t_brute) <= 0.1
    assert res.t_s[()] <= t_brute


def test_intercept_degenerate_legs_change_nothing() -> None:
    # A repeated waypoint (zero-duration leg) and a leg flown at a hover end (zero-length leg
    # of positive duration, inserted at the end) leave the answer for a given route unchanged.
    plain = [(0.0, 0.0, 0.0), (200.0, 0.0, 2000.0), (200.0, 200.0, 4000.0)]
    doubled = [plain[0], plain[1], plain[1], plain[2]]
    hover = [*plain, (200.0, 200.0, 4500.0)]
    r = routes(plain, doubled, hover)
    res = earliest_intercept(*r, [0, 1, 2], 500.0, 300.0, 0.0, 600.0, 300.0, 5.0)
    assert res.t_s[1] == pytest.approx(res.t_s[0], abs=1e-9)
    assert res.t_s[2] == pytest.approx(res.t_s[0], abs=1e-9)
    # A hovering threat is caught during the hover: (0,0) held 0..3000 s, fighter 100 km away,
    # dash 360 km/h = 0.1 km/s, no reaction, weapon 0: 100 km / 0.1 = 1000 s (tol 0).
    r = routes([(0.0, 0.0, 0.0), (0.0, 0.0, 3000.0)])
    res = earliest_intercept(*r, 0, 100.0, 0.0, 0.0, 360.0, 0.0, 0.0, tol_km=0.0)
    assert res.t_s[()] == pytest.approx(1000.0, abs=1e-9)


def test_stationary_fighter_is_circle_entry() -> None:
    # With no dash speed the fighter's reach is the weapon circle: t* = the entry time of that
    # circle (non-strict vs strict inside makes no difference for a transversal crossing).
    r = routes([(-100.0, 30.0, 1000.0), (100.0, 30.0, 3000.0)])
    t = earliest_intercept(*r, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 50.0, tol_km=0.0).t_s[()]
    assert t == pytest.approx(circle_entry_times(*r, 0.0, 0.0, 50.0)[0], abs=1e-9)
    assert t == pytest.approx(1600.0, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    xy=st.lists(st.tuples(st.floats(-300, 300), st.floats(-300, 300)), min_size=1, max_size=5),
    speed=st.floats(100.0, 3000.0),
    launch=st.floats(0.0, 2000.0),
    fighter=st.tuples(st.floats(-300, 300), st.floats(-300, 300)),
    t0=st.floats(0.0, 3000.0),
    v_dash=st.floats(0.0, 2500.0),
    reaction=st.floats(0.0, 600.0),
    weapon=st.floats(0.0, 20.0),
)
def test_intercept_vs_sampling(
    xy: list[tuple[float, float]],
    speed: float,
    launch: float,
    fighter: tuple[float, float],
    t0: float,
    v_dash: float,
    reaction: float,
    weapon: float,
) -> None:
    # Reference: g(t) = |r(t) - p| - R - v (t - t1) sampled at 5001 times plus the waypoint
    # times in [max(t1, launch), arrival].  Tolerance 1e-7 km on g (rounding); t* is before the
    # first sample with g < 0, has g(t*) <= tol_km, and no earlier sample has g < 0.
    path = timed(xy, speed, launch)
    res = earliest_intercept(*routes(path), 0, fighter[0], fighter[1], t0, v_dash, reaction, weapon)
    t_star = res.t_s[()]
    t1 = t0 + reaction
    start, end = max(t1, path[0][2]), path[-1][2]
    v = v_dash / 3600.0

    def g(when: F64) -> F64:
        sx, sy = interp_route(path, when)
        return np.hypot(sx - fighter[0], sy - fighter[1]) - weapon - v * (when - t1)

    if start <= end:
        ts = np.linspace(start, end, 5001)
        ts = np.unique(np.concatenate([ts, [p[2] for p in path if start <= p[2] <= end]]))
        gs = g(ts)
        if (gs < -1e-7).any():
            assert t_star <= ts[np.argmax(gs < -1e-7)] + 1e-9
    if np.isfinite(t_star):
        assert start <= t_star <= end
        assert g(np.array([t_star]))[0] <= INTERCEPT_TOL_KM + 1e-7
        assert np.all(gs[ts < t_star] >= -1e-7)
        ex, ey = interp_route(path, np.array([t_star]))
        assert (res.x_km[()], res.y_km[()]) == pytest.approx((ex[0], ey[0]), abs=1e-7)
    else:
        assert np.isnan(res.x_km[()])


# ---------------------------------------------------------------- vectorisation


def random_routes(rng: np.random.Generator, n: int) -> tuple[Routes, list[list[Waypoint]]]:
    paths = []
    for _ in range(n):
        k = int(rng.integers(1, 7))
        xy = [(float(a), float(b)) for a, b in rng.uniform(-300, 300, size=(k, 2))]
        paths.append(timed(xy, float(rng.uniform(150, 1000)), float(rng.uniform(0, 3600))))
    return routes(*paths), paths


def test_batch_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(20240601)
    r, paths = random_routes(rng, 40)
    m = 200
    idx = rng.integers(0, 40, m)
    fx, fy = rng.uniform(-300, 300, m), rng.uniform(-300, 300, m)
    t0 = rng.uniform(0, 5000, m)
    v = rng.uniform(400, 2000, m)
    batch = earliest_intercept(*r, idx, fx, fy, t0, v, 60.0, 5.0)
    assert batch.t_s.shape == (m,)
    assert np.isfinite(batch.t_s).any() and np.isinf(batch.t_s).any()
    for k in range(m):
        one = earliest_intercept(*routes(paths[idx[k]]), 0, fx[k], fy[k], t0[k], v[k], 60.0, 5.0)
        np.testing.assert_array_equal(
            [one.t_s, one.x_km, one.y_km], [batch.t_s[k], batch.x_km[k], batch.y_km[k]]
        )

    radii = rng.uniform(10, 150, 40)
    entries = circle_entry_times(*r, 20.0, -30.0, radii)
    assert np.isfinite(entries).any() and np.isinf(entries).any()
    for i in range(40):
        assert circle_entry_times(*routes(paths[i]), 20.0, -30.0, radii[i])[0] == entries[i]

    when = rng.uniform(0, 8000, m)
    px, py, ok = positions_at(*r, idx, when)
    for k in range(m):
        pos = positions_at(*routes(paths[idx[k]]), 0, when[k])
        assert bool(pos.valid) == ok[k]
        np.testing.assert_array_equal([pos.x_km, pos.y_km], [px[k], py[k]])


def test_intercept_broadcasts_to_a_grid() -> None:
    # 2 threats x 3 fighters, parameters as scalars.
    r = routes([(0.0, 0.0, 0.0), (300.0, 0.0, 6000.0)], [(0.0, 0.0, 0.0), (0.0, 300.0, 6000.0)])
    fx = np.array([150.0, 3.0, -50.0])
    res = earliest_intercept(
        *r, np.array([[0], [1]]), fx, np.array([50.0, 4.0, 0.0]), 0.0, V_DASH, REACTION, R_WPN
    )
    assert res.t_s.shape == res.x_km.shape == (2, 3)
    assert res.t_s[0, 1] == 60.0
    for i in range(2):
        for k in range(3):
            assert (
                res.t_s[i, k]
                == earliest_intercept(
                    *r, i, fx[k], [50.0, 4.0, 0.0][k], 0.0, V_DASH, REACTION, R_WPN
                ).t_s[()]
            )


def test_bad_layout_is_rejected() -> None:
    o, x, y, t = routes([(0.0, 0.0, 10.0), (1.0, 0.0, 5.0)])
    with pytest.raises(ValueError, match="must not decrease"):
        positions_at(o, x, y, t, 0, 7.0)
    with pytest.raises(ValueError, match="offsets"):
        circle_entry_times(np.array([1, 2]), x, y, t, 0.0, 0.0, 1.0)
    with pytest.raises(IndexError):
        earliest_intercept(*routes([(0.0, 0.0, 0.0)]), 1, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0)
