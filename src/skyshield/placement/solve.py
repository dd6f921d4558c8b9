"""Choose CAP stations among candidates: the placement MILP (HiGHS) and a greedy rival.

The program (docs/placement.md).  ``x_c`` is 1 when candidate ``c`` becomes a station, ``y_p``
the share of path ``p`` covered, ``z_o`` the aircraft that option ``o`` (a pool of aircraft at a
candidate, see :class:`Supply`) keeps on station:

    maximise    sum_p v_p y_p
    subject to  y_p <= sum_c a_pc x_c                 (a path counts only if a station covers it)
                sum_c x_c = K
                sum_{o at c} z_o = n x_c             (a station has n aircraft on it, 24 h)
                sum_{o of pool q} k_o z_o <= A_q     (aircraft of each pool: sortie closed form)
                sum_o f_o z_o <= F                   (tanker fuel a day)
                x binary, 0 <= y <= 1, z >= 0.

Paths with the same coverage row are merged (their values add) and paths no candidate covers
are dropped before solving: the optimum is unchanged and the program much smaller.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

#: HiGHS status of :func:`scipy.optimize.milp` for a solved program.
_OPTIMAL = 0

#: Relative gaps below this are rounding in the solver's bound, reported as 0.
_ROUNDING = 1e-9

#: Aircraft of slack in the greedy's quick test of what the pools have left.
_ROOM_TOL = 1e-6


@dataclass(frozen=True)
class Supply:
    """What holding a station at each candidate costs, as *options*: pool ``pool[o]`` keeping
    aircraft on station at candidate ``candidate[o]``, needing ``cost[o]`` aircraft and
    ``fuel_t[o]`` tanker fuel a day (t) per aircraft kept on station.

    ``pool_aircraft[q]``: aircraft of pool ``q``; ``fuel_capacity_t``: tanker fuel a day of all
    tracks (``inf`` for no limit); ``on_station``: aircraft on each chosen station around the
    clock; ``candidates``: how many candidates there are.
    """

    candidates: int
    candidate: I64
    pool: I64
    cost: F64
    fuel_t: F64
    pool_aircraft: F64
    fuel_capacity_t: float = math.inf
    on_station: float = 1.0

    @classmethod
    def budget(cls, cost: F64, budget: float) -> Supply:
        """The simple model: holding candidate ``c`` costs ``cost[c]`` aircraft (``inf``: it
        cannot be held) out of one pool of ``budget`` aircraft."""
        cost = np.asarray(cost, dtype=float)
        ok = np.flatnonzero(np.isfinite(cost))
        return cls(
            candidates=len(cost),
            candidate=ok.astype(np.int64),
            pool=np.zeros(len(ok), dtype=np.int64),
            cost=cost[ok],
            fuel_t=np.zeros(len(ok)),
            pool_aircraft=np.array([float(budget)]),
        )

    @property
    def holdable(self) -> Bool:
        """Candidates that some option can hold (those with none are never chosen)."""
        out = np.zeros(self.candidates, dtype=bool)
        out[self.candidate] = True
        return out

    def station_aircraft(self) -> F64:
        """Aircraft a station at each candidate takes from the cheapest pool (``inf`` if none)."""
        best = np.full(self.candidates, math.inf)
        np.minimum.at(best, self.candidate, self.cost * self.on_station)
        return best

    def constraints(self, offset: int) -> list[LinearConstraint]:
        """Pool rows (and the tanker-fuel row) on the option variables ``z``, which are the last
        variables of a program, starting at column ``offset``."""
        n_o, n_q = len(self.cost), len(self.pool_aircraft)
        pools = sp.csr_array((self.cost, (self.pool, np.arange(n_o))), shape=(n_q, n_o))
        rows = [
            LinearConstraint(
                sp.hstack([sp.csr_array((n_q, offset)), pools]), -np.inf, self.pool_aircraft
            )
        ]
        if math.isfinite(self.fuel_capacity_t) and self.fuel_t.any():
            fuel = sp.hstack([sp.csr_array((1, offset)), sp.csr_array(self.fuel_t[None, :])])
            rows.append(LinearConstraint(fuel, -np.inf, self.fuel_capacity_t))
        return rows

    def link(self, n_between: int) -> LinearConstraint:
        """``sum_{o at c} z_o - n x_c = 0`` for every candidate, with the ``x`` first and
        ``n_between`` other variables between them and the ``z``."""
        n, n_o = self.candidates, len(self.cost)
        at = sp.csr_array((np.ones(n_o), (self.candidate, np.arange(n_o))), shape=(n, n_o))
        rows = sp.hstack(
            [sp.diags_array(np.full(n, -self.on_station)), sp.csr_array((n, n_between)), at]
        )
        return LinearConstraint(rows, 0.0, 0.0)

    def min_aircraft(self, chosen: list[int]) -> float | None:
        """Fewest aircraft that hold stations at all of ``chosen`` (an LP), or None if the pools
        (and tanker fuel) cannot hold them together."""
        n, n_o = self.candidates, len(self.cost)
        if not self.holdable[chosen].all():
            return None
        fixed = np.zeros(n)
        fixed[chosen] = 1.0
        res = milp(
            np.concatenate([np.zeros(n), self.cost]),
            constraints=[self.link(0), *self.constraints(n)],
            bounds=Bounds(
                np.concatenate([fixed, np.zeros(n_o)]),
                np.concatenate([fixed, np.full(n_o, np.inf)]),
            ),
        )
        return float(res.fun) if res.status == _OPTIMAL else None


@dataclass(frozen=True)
class Choice:
    """A set of stations (candidate indices, in order of choice or of index) and its value.

    ``objective``: value of the paths covered; ``bound``: the best value any choice could
    have, as proven by the solver (``objective`` for greedy, which proves nothing: ``nan``);
    ``gap``: relative optimality gap ``(bound - objective) / objective``; ``seconds``: wall
    time; ``status``: the solver's message.
    """

    stations: list[int]
    objective: float
    bound: float
    gap: float
    seconds: float
    status: str


def covered_value(cover: Bool, value: F64, stations: list[int], q: float = 1.0) -> float:
    """Expected value engaged: ``sum_p value[p] (1 - (1 - q) ** n_p)`` with ``n_p`` the
    ``stations`` that cover path ``p`` (each engages it with probability ``q``, independently;
    with ``q = 1`` the value of the paths covered at all)."""
    if not stations:
        return 0.0
    n = np.asarray(cover)[:, stations].sum(axis=1)
    return float(np.asarray(value) @ (1.0 - (1.0 - q) ** n))


def merge_paths(cover: Bool, value: F64) -> tuple[Bool, F64]:
    """Rows of ``cover`` that some candidate covers, identical rows merged, values summed."""
    cover, value = np.asarray(cover, dtype=bool), np.asarray(value, dtype=float)
    keep = cover.any(axis=1) & (value > 0)
    if not keep.any():
        return np.zeros((0, cover.shape[1]), dtype=bool), np.zeros(0, dtype=float)
    packed = np.packbits(cover[keep], axis=1)
    uniq, inverse = np.unique(packed, axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=value[keep], minlength=len(uniq))
    rows = np.unpackbits(uniq, axis=1, count=cover.shape[1]).astype(bool)
    return rows, np.asarray(merged, dtype=float)


def max_stations(supply: Supply) -> int:
    """The most stations the pools can hold together (a small MILP without coverage)."""
    n, n_o = supply.candidates, len(supply.cost)
    if n_o == 0:
        return 0
    cons = [supply.link(0), *supply.constraints(n)]
    res = milp(
        -np.concatenate([np.ones(n), np.zeros(n_o)]),
        constraints=cons,
        integrality=np.concatenate([np.ones(n), np.zeros(n_o)]),
        bounds=Bounds(0, np.concatenate([supply.holdable.astype(float), np.full(n_o, np.inf)])),
    )
    return round(-float(res.fun)) if res.x is not None else 0


def solve_placement(
    cover: Bool,
    value: F64,
    k: int,
    supply: Supply,
    q: float = 1.0,
    time_limit_s: float | None = None,
    rel_gap: float = 0.0,
) -> Choice:
    """At most ``k`` stations that engage the most expected path value (see
    :func:`covered_value`) with the aircraft of ``supply``.

    ``cover[p, c]``: candidate ``c`` covers path ``p``; ``value[p]``: what path ``p`` puts at
    risk; ``q``: probability that a covering station engages it.  The expected value is
    concave in the number of covering stations, so it is the sum of levels ``j = 1..J`` of
    weight ``q (1 - q) ** (j - 1)``, each at most 1 and together at most the cover: the
    program stays linear.  HiGHS stops at ``time_limit_s`` (then the best choice found and
    the gap are returned; :class:`TimeoutError` if it found none) or when the relative gap is
    at most ``rel_gap`` (0: proven optimal).  Fewer than ``k`` stations are chosen only when
    the aircraft cannot hold ``k`` together with the best value (see :func:`_fill`).
    """
    t0 = time.perf_counter()
    if not 0.0 < q <= 1.0:
        raise ValueError("q must be in (0, 1]")
    cover = np.asarray(cover, dtype=bool)
    n, n_o = supply.candidates, len(supply.cost)
    if cover.shape[1] != n:
        raise ValueError(f"cover has {cover.shape[1]} columns for {n} candidates")
    rows, v = merge_paths(cover, value)
    n_p = len(v)
    levels = 1 if q == 1.0 else max(1, min(k, int(rows.sum(axis=1).max(initial=0))))
    weight = q * (1.0 - q) ** np.arange(levels)
    n_y = n_p * levels
    # A row covered by most candidates is written with its complement, exactly:
    # sum_{c covers p} x_c = s - sum_{c does not} x_c with s = sum_c x_c (fewer nonzeros).
    flip = rows.sum(axis=1) > n / 2
    signed = np.where(flip[:, None], ~rows, rows).astype(float) * np.where(flip, 1.0, -1.0)[:, None]
    cov = sp.hstack(
        [
            sp.csr_array(signed),
            sp.csr_array(-flip.astype(float)[:, None]),
            sp.hstack([sp.eye_array(n_p, format="csr")] * levels),
            sp.csr_array((n_p, n_o)),
        ]
    )
    card = sp.hstack(
        [sp.csr_array(np.ones((1, n))), sp.csr_array([[-1.0]]), sp.csr_array((1, n_y + n_o))]
    )
    cons = [
        LinearConstraint(cov, -np.inf, 0.0),
        LinearConstraint(card, 0.0, 0.0),
        supply.link(1 + n_y),
        *supply.constraints(n + 1 + n_y),
    ]
    options: dict[str, float] = {"mip_rel_gap": rel_gap}
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    res = milp(
        np.concatenate([np.zeros(n + 1), -np.kron(weight, v), np.zeros(n_o)]),
        constraints=cons,
        integrality=np.concatenate([np.ones(n), np.zeros(1 + n_y + n_o)]),
        bounds=Bounds(
            0.0,
            np.concatenate(
                [supply.holdable.astype(float), [k], np.ones(n_y), np.full(n_o, np.inf)]
            ),
        ),
        options=options,
    )
    if res.x is None:  # only a time limit can stop HiGHS before it finds x = 0
        raise TimeoutError(f"no choice of stations found within {time_limit_s} s")
    chosen = [int(c) for c in np.flatnonzero(res.x[:n] > 0.5)]
    chosen = _fill(chosen, cover, value, k, supply, q)
    objective = covered_value(cover, value, chosen, q)
    bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else objective
    bound = max(bound, objective)
    gap = (bound - objective) / objective if objective > 0 else 0.0
    gap = 0.0 if gap < _ROUNDING else gap
    return Choice(chosen, objective, bound, gap, time.perf_counter() - t0, str(res.message))


def _fill(
    chosen: list[int], cover: Bool, value: F64, k: int, supply: Supply, q: float
) -> list[int]:
    """``chosen`` topped up to ``k`` stations where the aircraft allow, when the optimum needs
    fewer: each time the holdable candidate that adds the most value (none adds less than
    nothing; ties: the lowest index)."""
    out = list(chosen)
    while len(out) < k and (pick := _best_holdable(cover, value, out, supply, q)) is not None:
        out.append(pick)
    return sorted(out)


def _best_holdable(
    cover: Bool, value: F64, chosen: list[int], supply: Supply, q: float
) -> int | None:
    """The candidate that adds the most value to ``chosen`` and that the pools can hold with
    it (ties: the lowest index); None if none can.

    A candidate needs at least its cheapest station's aircraft on top of the fewest that
    ``chosen`` takes, so candidates beyond the pools' total are skipped without an LP.
    """
    n = np.asarray(cover)[:, chosen].sum(axis=1) if chosen else np.zeros(len(cover))
    gain = (np.asarray(value, dtype=float) * q * (1.0 - q) ** n) @ np.asarray(cover, dtype=float)
    gain[chosen] = -np.inf
    used = supply.min_aircraft(chosen)
    if used is None:
        return None
    room = float(supply.pool_aircraft.sum()) - used + _ROOM_TOL
    gain = np.where(supply.station_aircraft() <= room, gain, -np.inf)
    for c in np.argsort(-gain, kind="stable"):
        if not np.isfinite(gain[c]):
            return None
        if supply.min_aircraft([*chosen, int(c)]) is not None:
            return int(c)
    return None


def greedy_placement(cover: Bool, value: F64, k: int, supply: Supply, q: float = 1.0) -> Choice:
    """Add, ``k`` times, the candidate that adds the most expected value and that the pools
    can still hold with those chosen before (ties: the lowest index); stops early if none can."""
    t0 = time.perf_counter()
    chosen: list[int] = []
    while len(chosen) < k and (pick := _best_holdable(cover, value, chosen, supply, q)) is not None:
        chosen.append(pick)
    obj = covered_value(cover, value, chosen, q)
    return Choice(chosen, obj, math.nan, math.nan, time.perf_counter() - t0, "greedy")
