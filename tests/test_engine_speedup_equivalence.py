"""The engine's fast paths give bit for bit what the plain functions give.

``RouteTable`` (padded per-threat legs for the C2 cycle) against ``positions_at`` and
``earliest_intercept``; ``circle_entry_grid`` (many circles at once) against
``circle_entry_times``; the bounded pilot-exposure search against measuring every leg; and a
pickled world keeps its geometry prepared.
"""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray

from skyshield.engine.api import build_world
from skyshield.engine.kinematics import (
    RouteTable,
    circle_entry_grid,
    circle_entry_times,
    earliest_intercept,
    positions_at,
)
from skyshield.engine.sim import _exposure, run_replication
from skyshield.raids import Night, ThreatGroup
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
    return offsets, x, y, t  # fmt: skip


def same(a: tuple[F64, ...], b: tuple[F64, ...]) -> bool:
    return all(np.array_equal(u, v, equal_nan=True) for u, v in zip(a, b, strict=True))


@pytest.mark.parametrize("seed", range(4))
def test_route_table_equals_the_plain_functions(seed: int) -> None:
    off, x, y, t = random_routes(seed)
    table = RouteTable(off, x, y, t)
    rng = np.random.default_rng(100 + seed)
    k = 4000
    idx = rng.integers(0, len(off) - 1, k)
    when = rng.uniform(-1000, 40000, k)
    when[:200] = t[off[idx[:200]]]  # exactly at launch
    assert same(table.positions(idx, when), positions_at(off, x, y, t, idx, when))
    fx, fy = rng.uniform(-400, 400, k), rng.uniform(-400, 400, k)
    t0 = rng.uniform(-1000, 40000, k)
    v = rng.choice([1450.0, 2100.0], k)
    reach = rng.choice([0.0, 1.5, 8.0, 60.0], k)
    plain = earliest_intercept(off, x, y, t, idx, fx, fy, t0, v, 60.0, reach)
    fast = table.intercept(idx, fx, fy, t0 + 60.0, v / 3600.0, reach)
    assert np.isfinite(plain.t_s).sum() > k // 10  # the case is not vacuous
    assert same(fast, plain)
    # a fighter faster than every threat leg takes the solver's usual branch, one slower than
    # some takes its general branch
    fastest = np.full(k, 1e6)
    assert same(
        table.intercept(idx, fx, fy, t0 + 60.0, fastest / 3600.0, reach),
        earliest_intercept(off, x, y, t, idx, fx, fy, t0, fastest, 60.0, reach),
    )
    slow = table.intercept(idx, fx, fy, t0 + 60.0, np.full(k, 1e-4), reach)
    assert same(slow, earliest_intercept(off, x, y, t, idx, fx, fy, t0, 0.36, 60.0, reach))


@pytest.mark.parametrize("seed", range(3))
def test_circle_entry_grid_rows_are_circle_entry_times(seed: int) -> None:
    off, x, y, t = random_routes(seed)
    n = len(off) - 1
    rng = np.random.default_rng(seed)
    cx, cy = rng.uniform(-300, 300, (5, 1)), rng.uniform(-300, 300, (5, 1))
    r = rng.uniform(0, 300, (5, n))
    grid = circle_entry_grid(off, x, y, t, cx, cy, r)
    assert np.isfinite(grid).any()
    for k in range(5):
        one = circle_entry_times(off, x, y, t, cx[k, 0], cy[k, 0], r[k])
        assert np.array_equal(grid[k], one)


def test_exposure_bound_equals_measuring_every_leg(reference: LoadedScenario) -> None:
    world = build_world(reference, NIGHT)
    for seed in range(3):
        legs = run_replication(world, seed, ("shield",))["shield"].fighter_legs
        assert {"dash", "return", "transit_out", "transit_back"} <= set(legs["phase"])
        a = legs[["x0_km", "y0_km"]].to_numpy(float)
        b = legs[["x1_km", "y1_km"]].to_numpy(float)
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        every = float(shapely.distance(lines, world.ls.theatre.hostile_km).min())
        assert _exposure(world, legs) == every


def test_pickled_world_is_prepared_and_gives_the_same_night(reference: LoadedScenario) -> None:
    world = build_world(reference, NIGHT)
    copy = pickle.loads(pickle.dumps(world))
    for g in (copy.engage_zone, copy.shot_reach, copy.ukraine, copy.free_ukraine):
        assert shapely.is_prepared(g)
    a, b = run_replication(world, 7), run_replication(copy, 7)
    for d in a:
        assert a[d].threats.equals(b[d].threats)
        assert a[d].engagements.equals(b[d].engagements)
