"""The force-allocation MILP against brute-force enumeration on small instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from skyshield.forces.plan import Option, allocate


def feasible(c: np.ndarray, need: np.ndarray, avail: np.ndarray, subset: tuple[int, ...]) -> bool:
    """Can the pools hold every station of ``subset`` fully?  (An LP, solved independently.)"""
    n_p, _ = c.shape
    pairs = [(i, j) for i in range(n_p) for j in subset if np.isfinite(c[i, j])]
    if not pairs:
        return len(subset) == 0
    a_eq = np.zeros((len(subset), len(pairs)))
    a_ub = np.zeros((n_p, len(pairs)))
    for k, (i, j) in enumerate(pairs):
        a_eq[subset.index(j), k] = 1.0
        a_ub[i, k] = c[i, j]
    res = linprog(np.zeros(len(pairs)), A_ub=a_ub, b_ub=avail, A_eq=a_eq, b_eq=need[list(subset)])
    return bool(res.status == 0)


def brute_force_max_held(c: np.ndarray, need: np.ndarray, avail: np.ndarray) -> int:
    n_s = c.shape[1]
    for k in range(n_s, 0, -1):
        if any(feasible(c, need, avail, sub) for sub in itertools.combinations(range(n_s), k)):
            return k
    return 0


def options_of(c: np.ndarray) -> list[Option]:
    """Dry options for every finite entry of a pool x station cost matrix."""
    return [
        Option(i, j, False, float(c[i, j]), 0.0, 0.0)
        for i in range(c.shape[0])
        for j in range(c.shape[1])
        if np.isfinite(c[i, j])
    ]


def on_station_matrix(c: np.ndarray, opts: list[Option], x: np.ndarray) -> np.ndarray:
    m = np.zeros_like(c)
    for o, v in zip(opts, x, strict=True):
        m[o.pool, o.station] += v
    return m


@pytest.mark.parametrize("seed", range(12))
def test_milp_holds_as_many_stations_as_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_p, n_s = rng.integers(1, 4), rng.integers(1, 6)
    c = rng.uniform(3.0, 12.0, size=(n_p, n_s))
    c[rng.random(size=c.shape) < 0.2] = np.inf  # some pools cannot reach some stations
    need = rng.integers(1, 5, size=n_s).astype(float)
    avail = rng.integers(4, 30, size=n_p).astype(float)
    opts = options_of(c)
    sol = allocate(opts, need, avail)
    x = on_station_matrix(c, opts, sol.on_station)
    used = np.where(np.isfinite(c), c, 0.0) * x
    assert np.all(x >= 0)
    assert np.all(used.sum(axis=1) <= avail + 1e-6), "a pool gave more aircraft than pledged"
    assert np.all(x.sum(axis=0) <= need + 1e-6), "a station got more than it needs"
    assert np.array_equal(sol.held, x.sum(axis=0) >= need - 1e-6)
    assert int(sol.held.sum()) == brute_force_max_held(c, need, avail)


def test_hand_case_one_pool_two_stations() -> None:
    # One pool of 10 aircraft; station A needs 2 on station at 4 aircraft each (8 aircraft),
    # station B needs 2 at 3 each (6).  Both together need 14 > 10, so exactly one is held
    # fully, and the aircraft left over go to partly cover the other: all 10 are put to work.
    c = np.array([[4.0, 3.0]])
    opts = options_of(c)
    sol = allocate(opts, np.array([2.0, 2.0]), np.array([10.0]))
    assert sol.held.sum() == 1
    assert (c * on_station_matrix(c, opts, sol.on_station)).sum() == pytest.approx(10.0)


def test_tanker_fuel_limits_wet_options() -> None:
    # One pool of 10 aircraft, one station needing 2 on station.  Dry it costs 6 aircraft per
    # aircraft on station (12 > 10: not held); wet it costs 4 (8 aircraft) but burns 20 t of
    # tanker fuel a day per aircraft on station.
    dry = Option(0, 0, False, 6.0, 0.0, 500.0)
    wet = Option(0, 0, True, 4.0, 20.0, 500.0)
    need, avail = np.array([2.0]), np.array([10.0])
    plenty = allocate([dry, wet], need, avail, fuel_capacity_t=100.0)
    assert plenty.held.all()
    # With 20 t a day only 1 aircraft can be kept on station wet (4 aircraft), leaving 6 for
    # 1 dry: 4 + 6 = 10 aircraft hold 2 on station exactly.
    tight = allocate([dry, wet], need, avail, fuel_capacity_t=20.0)
    assert tight.held.all()
    assert tight.on_station == pytest.approx([1.0, 1.0])
    # With 10 t a day: 0.5 wet (2 aircraft) + 8 / 6 = 1.33 dry: 1.83 < 2, not held.
    short = allocate([dry, wet], need, avail, fuel_capacity_t=10.0)
    assert not short.held.any()
    assert short.on_station.sum() == pytest.approx(0.5 + 8.0 / 6.0)


def test_earlier_station_wins_when_either_can_be_held() -> None:
    # Two stations needing 2 each; 20 aircraft hold either (cost 10 -> 20, cost 5 -> 10) but not
    # both (30).  The first station of the file comes first.
    opts = [Option(0, 0, False, 10.0, 0.0, 0.0), Option(0, 1, False, 5.0, 0.0, 0.0)]
    sol = allocate(opts, np.array([2.0, 2.0]), np.array([20.0]))
    assert sol.held.tolist() == [True, False]


def test_holding_a_station_beats_partial_cover() -> None:
    # Station 0 needs 1 at cost 140; station 1 needs 200 at cost 1; the pool has 150 aircraft.
    # Holding station 0 (140 aircraft) is possible; station 1 never is.  Weighted objectives
    # that trade cover against stations held get this wrong.
    opts = [Option(0, 0, False, 140.0, 0.0, 0.0), Option(0, 1, False, 1.0, 0.0, 0.0)]
    sol = allocate(opts, np.array([1.0, 200.0]), np.array([150.0]))
    assert sol.held.tolist() == [True, False]
    assert sol.on_station == pytest.approx([1.0, 10.0])  # the 10 aircraft left cover station 1


def test_fewest_aircraft_among_equal_cover() -> None:
    # One station needing 1; two pools reach it, at 4 and at 6 aircraft per aircraft on station.
    opts = [Option(0, 0, False, 6.0, 0.0, 0.0), Option(1, 0, False, 4.0, 0.0, 0.0)]
    sol = allocate(opts, np.array([1.0]), np.array([10.0, 10.0]))
    assert sol.on_station == pytest.approx([0.0, 1.0])
