"""The force-allocation MILP against brute-force enumeration on small instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from skyshield.forces.plan import allocate


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


@pytest.mark.parametrize("seed", range(12))
def test_milp_holds_as_many_stations_as_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_p, n_s = rng.integers(1, 4), rng.integers(1, 6)
    c = rng.uniform(3.0, 12.0, size=(n_p, n_s))
    c[rng.random(size=c.shape) < 0.2] = np.inf  # some pools cannot reach some stations
    need = rng.integers(1, 5, size=n_s).astype(float)
    avail = rng.integers(4, 30, size=n_p).astype(float)
    x = allocate(c, need, avail)
    used = np.where(np.isfinite(c), c, 0.0) * x
    assert np.all(x >= 0)
    assert np.all(x[~np.isfinite(c)] == 0)
    assert np.all(used.sum(axis=1) <= avail + 1e-6), "a pool gave more aircraft than pledged"
    assert np.all(x.sum(axis=0) <= need + 1e-6), "a station got more than it needs"
    held = int(np.sum(x.sum(axis=0) >= need - 1e-6))
    assert held == brute_force_max_held(c, need, avail)


def test_hand_case_one_pool_two_stations() -> None:
    # One pool of 10 aircraft; station A needs 2 on station at 4 aircraft each (8 aircraft),
    # station B needs 2 at 3 each (6).  Both together need 14 > 10, so exactly one is held
    # fully, and the aircraft left over go to partly cover the other: all 10 are put to work.
    c = np.array([[4.0, 3.0]])
    x = allocate(c, np.array([2.0, 2.0]), np.array([10.0]))
    held = x.sum(axis=0) >= np.array([2.0, 2.0]) - 1e-6
    assert held.sum() == 1
    assert (c * x).sum() == pytest.approx(10.0)  # every aircraft is put to work
