"""Analytic kinematics on piecewise-linear routes: positions, sensor entry times, intercepts.

Routes use the compressed layout of :class:`skyshield.raids.Threats`: threat ``i`` owns the
waypoints ``offsets[i]:offsets[i + 1]`` of ``x_km``, ``y_km`` (theatre kilometres) and ``t_s``
(seconds after the night's start).  Times do not decrease along a route and the threat moves
at constant velocity between consecutive waypoints (a *leg*), so every quantity here is solved
in closed form per leg and never stepped to (docs/engine.md).

All functions are pure and vectorised: the work over many threats, or many (threat, fighter)
pairs times their legs, is done in flat NumPy arrays.  The legs of one route follow each other
in time, so the first leg with a solution holds the earliest one.

Units: positions and distances km, times s, speeds km/h at the interface (converted to km/s
once inside).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

SECONDS_PER_HOUR = 3600.0

#: Default slack (km) added to the fighter's reach in :func:`earliest_intercept`: 1 mm.
INTERCEPT_TOL_KM = 1e-6


class Positions(NamedTuple):
    """Positions of threats at given times (km); NaN where ``valid`` is False."""

    x_km: F64
    y_km: F64
    valid: Bool


class Intercept(NamedTuple):
    """Earliest intercept of each pair: time (s, +inf if none) and the threat's position there
    (km, NaN if none)."""

    t_s: F64
    x_km: F64
    y_km: F64


def _routes(
    offsets: ArrayLike, x_km: ArrayLike, y_km: ArrayLike, t_s: ArrayLike, validate: bool = True
) -> tuple[I64, F64, F64, F64]:
    """The route arrays as int64/float64, checked for the compressed layout unless
    ``validate`` is False (for callers that checked the same arrays once already)."""
    off = np.asarray(offsets, dtype=np.int64)
    x = np.asarray(x_km, dtype=np.float64)
    y = np.asarray(y_km, dtype=np.float64)
    t = np.asarray(t_s, dtype=np.float64)
    if not validate:
        return off, x, y, t
    if off.ndim != 1 or off.size == 0 or off[0] != 0:
        raise ValueError(
            "offsets must be a 1-D array starting at 0 (one entry per threat, plus one)"
        )
    if not (x.ndim == y.ndim == t.ndim == 1 and x.size == y.size == t.size == off[-1]):
        raise ValueError(
            f"x_km, y_km and t_s must be 1-D arrays of offsets[-1] = {off[-1]} waypoints; "
            f"got {x.shape}, {y.shape}, {t.shape}"
        )
    if np.any(np.diff(off) < 1):
        raise ValueError("every route needs at least one waypoint (offsets must increase)")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y)) and np.all(np.isfinite(t))):
        raise ValueError("waypoints must be finite")
    dt = np.diff(t)
    dt[off[1:-1] - 1] = 0.0  # no leg joins two routes
    if np.any(dt < 0):
        raise ValueError("waypoint times must not decrease along a route")
    return off, x, y, t


def _check_idx(idx: I64, n: int) -> None:
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(f"threat index out of range 0..{n - 1}")


def _legs_of(offsets: I64, threat: I64) -> tuple[I64, I64, I64]:
    """The legs of each entry of ``threat``, flattened in order.

    Returns ``(owner, j, jn)``: for each leg, the position in ``threat`` it belongs to and the
    indices of its first and last waypoints (``jn = j + 1``).  A one-waypoint route gets one
    degenerate leg ``j = jn``, so that it is an instant like any zero-duration leg.
    """
    first = offsets[threat]
    n_pts = offsets[threat + 1] - first
    n_legs = np.maximum(n_pts - 1, 1)
    owner = np.repeat(np.arange(threat.size, dtype=np.int64), n_legs)
    start = np.cumsum(n_legs) - n_legs
    j = first[owner] + np.arange(owner.size, dtype=np.int64) - start[owner]
    jn = np.where(n_pts[owner] > 1, j + 1, j)
    return owner, j, jn


def _first_hit(owner: I64, hit: Bool) -> tuple[I64, I64]:
    """For flat legs sorted by owner: the owners with a hit and the index of their first hit."""
    where = np.flatnonzero(hit)
    own = owner[where]
    first = np.ones(own.size, dtype=bool)
    first[1:] = own[1:] != own[:-1]
    return own[first], where[first]


def positions_at(
    offsets: ArrayLike,
    x_km: ArrayLike,
    y_km: ArrayLike,
    t_s: ArrayLike,
    idx: ArrayLike,
    when_s: ArrayLike,
    *,
    validate: bool = True,
) -> Positions:
    """Positions (km) of threats ``idx`` at times ``when_s`` (s).

    ``idx`` and ``when_s`` broadcast against each other (e.g. ``idx[:, None]`` and a row of times
    gives a threats x times grid); the three results have the broadcast shape.  ``valid`` is False
    before launch and after arrival (the route's first and last waypoint times are included),
    and the positions there are NaN.  At a waypoint time the position is that waypoint.
    """
    off, x, y, t = _routes(offsets, x_km, y_km, t_s, validate)
    i_b, w_b = np.broadcast_arrays(
        np.asarray(idx, dtype=np.int64), np.asarray(when_s, dtype=np.float64)
    )
    shape = i_b.shape
    i, w = i_b.ravel(), w_b.ravel()
    _check_idx(i, off.size - 1)

    lo, hi = off[i], off[i + 1] - 1
    valid = (w >= t[lo]) & (w <= t[hi])
    # Vectorised bisection within each route: keep t[lo] <= w and (t[hi] > w or hi = last).
    while True:
        active = hi - lo > 1
        if not active.any():
            break
        mid = (lo + hi) // 2
        right = t[mid] <= w
        lo = np.where(active & right, mid, lo)
        hi = np.where(active & ~right, mid, hi)
    dt = t[hi] - t[lo]
    frac = np.ones_like(w)  # a zero-duration leg (or a one-waypoint route) is at its end
    np.divide(w - t[lo], dt, out=frac, where=dt > 0)
    frac = np.clip(frac, 0.0, 1.0)
    px = np.where(valid, x[lo] + frac * (x[hi] - x[lo]), np.nan)
    py = np.where(valid, y[lo] + frac * (y[hi] - y[lo]), np.nan)
    return Positions(px.reshape(shape), py.reshape(shape), valid.reshape(shape))


def circle_entry_times(
    offsets: ArrayLike,
    x_km: ArrayLike,
    y_km: ArrayLike,
    t_s: ArrayLike,
    cx_km: ArrayLike,
    cy_km: ArrayLike,
    r_km: ArrayLike,
    *,
    validate: bool = True,
) -> F64:
    """First time (s) each threat is inside the circle of centre ``(cx_km, cy_km)``, radius
    ``r_km`` (e.g. a sensor's detection circle); shape ``(n_threats,)``.

    The centre and radius are scalars or per-threat arrays of shape ``(n_threats,)`` (detection
    range depends on the threat class).  The entry time is the infimum of the times at which the
    distance is *strictly* less than ``r_km``: the launch time if the route starts inside (or on
    the circle, heading in), +inf if the route never enters, including a route that only touches
    the circle (tangent) or ends on it.  Each leg is solved exactly: with ``A`` its start, ``D``
    its displacement and ``C`` the centre, ``|A - C + s D|^2 = r^2`` is the quadratic
    ``a s^2 + 2 b s + c = 0`` in the leg fraction ``s`` in ``[0, 1]``, solved with the
    numerically stable formula.
    """
    off, x, y, t = _routes(offsets, x_km, y_km, t_s, validate)
    n = off.size - 1
    cx, cy, r = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), (n,))[None, :]
        for v in (cx_km, cy_km, r_km)
    )
    out: F64 = circle_entry_grid(off, x, y, t, cx, cy, r, validate=False)[0]
    return out


def circle_entry_grid(
    offsets: ArrayLike,
    x_km: ArrayLike,
    y_km: ArrayLike,
    t_s: ArrayLike,
    cx_km: ArrayLike,
    cy_km: ArrayLike,
    r_km: ArrayLike,
    *,
    validate: bool = True,
) -> F64:
    """:func:`circle_entry_times` for ``m`` circles at once: shape ``(m, n_threats)``.

    ``cx_km``, ``cy_km`` and ``r_km`` broadcast to ``(m, n_threats)`` (e.g. centres ``(m, 1)``
    and radii per circle and threat); row ``k`` is bit for bit what ``circle_entry_times`` gives
    for circle ``k``.
    """
    off, x, y, t = _routes(offsets, x_km, y_km, t_s, validate)
    n = off.size - 1
    cx, cy, r = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (cx_km, cy_km, r_km))
    )
    if cx.ndim != 2 or cx.shape[1] != n:
        raise ValueError(f"circles must broadcast to (m, {n}); got {cx.shape}")
    if np.any(r < 0):
        raise ValueError("r_km must not be negative")
    m = cx.shape[0]
    out = np.full((m, n), np.inf)
    first = off[:-1]
    start_in = np.hypot(x[first] - cx, y[first] - cy) < r
    out[start_in] = np.broadcast_to(t[first], (m, n))[start_in]

    owner, j, jn = _legs_of(off, np.arange(n, dtype=np.int64))
    ax, ay = x[j] - cx[:, owner], y[j] - cy[:, owner]
    dx, dy = x[jn] - x[j], y[jn] - y[j]
    ro = r[:, owner]
    dist, length = np.hypot(ax, ay), np.hypot(dx, dy)
    a = length * length
    b = ax * dx + ay * dy
    c = (dist - ro) * (dist + ro)
    # b^2 - a c rewritten as r^2 |D|^2 - (A x D)^2: no cancellation between large terms when
    # the leg heads for the centre (rounding then only matters at true tangency)
    cross = np.abs(ax * dy - ay * dx)
    disc = (ro * length - cross) * (ro * length + cross)
    hit = (a > 0) & (disc > 0)
    sq = np.sqrt(np.where(hit, disc, 0.0))
    q = -(b + np.copysign(sq, b))  # |q| = |b| + sqrt(disc) > 0 where hit
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s1, s2 = q / a, c / q
    s_in, s_out = np.fmin(s1, s2), np.fmax(s1, s2)
    hit &= (s_in < 1.0) & (s_out > 0.0)
    s = np.where(hit, np.maximum(s_in, 0.0), 0.0)
    t_leg = t[j] + s * (t[jn] - t[j])  # s = 0 gives t[j] exactly
    # legs of all circles in one flat order: circle, then threat (so first hits are per both)
    own, k = _first_hit((np.arange(m)[:, None] * n + owner).ravel(), hit.ravel())
    flat = out.ravel()
    flat[own] = np.minimum(flat[own], t_leg.ravel()[k])
    return flat.reshape(m, n)


def _earliest_nonpositive(qa: F64, qb: F64, qc: F64, disc: F64, lo: F64, hi: F64) -> F64:
    """Smallest ``tau`` in ``[lo, hi]`` with ``qa tau^2 + 2 qb tau + qc <= 0``; +inf if none.

    ``disc`` is ``qb^2 - qa qc``, computed by the caller in a well-conditioned form.  The set
    where the quadratic is not positive is written as at most two closed intervals ``I1``
    before ``I2`` from its roots (stable formula), then intersected with ``[lo, hi]``.
    """
    sq = np.sqrt(np.maximum(disc, 0.0))
    q = -(qb + np.copysign(sq, qb))
    if (qa < 0).all():
        # the usual case, a fighter faster than the threat: only the downward branch below,
        # (-inf, rho1] and [rho2, inf) where disc > 0 (there q != 0), everything elsewhere; the
        # same values without the cost of silencing divisions by zero elsewhere
        two = disc > 0
        r1, r2 = q / qa, np.divide(qc, q, out=np.zeros_like(q), where=two)
        ok1 = lo <= np.minimum(np.where(two, np.fmin(r1, r2), np.inf), hi)
        e2 = np.maximum(np.where(two, np.fmax(r1, r2), np.inf), lo)
        return np.where(ok1, lo, np.where(two & (e2 <= hi), e2, np.inf))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r1, r2 = q / qa, qc / q
        rho1, rho2 = np.fmin(r1, r2), np.fmax(r1, r2)
        linear = -qc / (2.0 * qb)
    inf = np.full_like(qa, np.inf)
    lo1, hi1, lo2, hi2 = inf.copy(), -inf, inf.copy(), -inf  # empty intervals
    # opens upward: [rho1, rho2]
    m = (qa > 0) & (disc >= 0)
    lo1, hi1 = np.where(m, rho1, lo1), np.where(m, rho2, hi1)
    # opens downward: (-inf, rho1] and [rho2, inf), or everything
    m = (qa < 0) & (disc > 0)
    lo1, hi1 = np.where(m, -inf, lo1), np.where(m, rho1, hi1)
    lo2, hi2 = np.where(m, rho2, lo2), np.where(m, inf, hi2)
    m = ((qa < 0) & (disc <= 0)) | ((qa == 0) & (qb == 0) & (qc <= 0))
    lo1, hi1 = np.where(m, -inf, lo1), np.where(m, inf, hi1)
    # linear: 2 qb tau + qc <= 0
    m = (qa == 0) & (qb > 0)
    lo1, hi1 = np.where(m, -inf, lo1), np.where(m, linear, hi1)
    m = (qa == 0) & (qb < 0)
    lo1, hi1 = np.where(m, linear, lo1), np.where(m, inf, hi1)

    e1, e2 = np.maximum(lo1, lo), np.maximum(lo2, lo)
    ok1 = e1 <= np.minimum(hi1, hi)
    ok2 = e2 <= np.minimum(hi2, hi)
    return np.where(ok1, e1, np.where(ok2, e2, np.inf))


def earliest_intercept(
    offsets: ArrayLike,
    x_km: ArrayLike,
    y_km: ArrayLike,
    t_s: ArrayLike,
    idx: ArrayLike,
    fx_km: ArrayLike,
    fy_km: ArrayLike,
    t0_s: ArrayLike,
    v_dash_kmh: ArrayLike,
    reaction_s: ArrayLike,
    weapon_range_km: ArrayLike,
    *,
    tol_km: float = INTERCEPT_TOL_KM,
    validate: bool = True,
) -> Intercept:
    """Earliest intercept of threat ``idx[k]`` by a fighter at ``(fx_km[k], fy_km[k])`` free at
    ``t0_s[k]``.

    The fighter starts a straight dash at ``v_dash_kmh`` after ``reaction_s`` and its weapon
    reaches ``weapon_range_km``; with ``t1 = t0 + reaction`` and ``r(t)`` the threat's position,
    the intercept time is the earliest ``t*`` in ``[max(t1, launch), arrival]`` with::

        |r(t*) - p_f| <= v_dash (t* - t1) + R_weapon + tol_km

    +inf (and a NaN point) if there is none: the threat is too fast, or arrives first, or
    ``t1`` is after its arrival.  ``t* = t1`` exactly if the threat is in reach at ``t1``.
    All inputs after the route arrays broadcast together (scalars or arrays, e.g. one speed for
    all pairs); the results have the broadcast shape.

    Method: on a leg starting at ``A`` at time ``ta`` with velocity ``u`` (km/s), put
    ``tau = t - ta``, ``W = A - p_f`` and ``c0 = R + tol_km + v (ta - t1)``; for ``t >= t1``
    the right side is non-negative, so the condition is the quadratic
    ``(|u|^2 - v^2) tau^2 + 2 (W.u - c0 v) tau + |W|^2 - c0^2 <= 0``, solved exactly on the
    leg's part of ``[t1, arrival]``; all pairs x legs at once.  Zero-length legs (hover) have
    ``u = 0``; zero-duration legs, and one-waypoint routes, are single instants.

    Tolerance: ``tol_km`` (default 1e-6 km = 1 mm) widens the reach so that rounding does not
    lose a threat exactly at weapon range at ``t1`` or a path that only touches the reach; it
    moves ``t*`` earlier by at most ``tol_km / (closing rate)``.  Roots come from the stable
    quadratic formula in leg-local time, with the discriminant in the cancellation-free form
    ``|c0 u - v W|^2 - (W x u)^2``; a transversal crossing is accurate to well under a
    microsecond at theatre scales.  Where the reach only grazes the path, ``t*`` itself is
    ill-conditioned (its error grows like the square root of rounding) but the miss distance
    at ``t*`` stays within ``tol_km`` plus about 1e-7 km (checked against sampling in tests).
    """
    off, x, y, t = _routes(offsets, x_km, y_km, t_s, validate)
    bc = np.broadcast_arrays(
        np.asarray(idx, dtype=np.int64),
        *(
            np.asarray(v, dtype=np.float64)
            for v in (fx_km, fy_km, t0_s, v_dash_kmh, reaction_s, weapon_range_km)
        ),
    )
    shape = bc[0].shape
    i = bc[0].ravel()
    fx, fy, t0, v_kmh, react, rng_km = (np.asarray(a.ravel(), dtype=np.float64) for a in bc[1:])
    _check_idx(i, off.size - 1)
    if np.any(v_kmh < 0) or np.any(react < 0) or np.any(rng_km < 0) or tol_km < 0:
        raise ValueError("v_dash_kmh, reaction_s, weapon_range_km and tol_km must not be negative")
    n = i.size
    t1 = t0 + react
    v = v_kmh / SECONDS_PER_HOUR

    owner, j, jn = _legs_of(off, i)
    ta, dur = t[j], t[jn] - t[j]
    ux, uy = _leg_velocity(x[jn] - x[j], y[jn] - y[j], dur)
    tau, lo = _leg_intercept(
        ta, dur, x[j], y[j], ux, uy, fx[owner], fy[owner], v[owner], t1[owner], rng_km[owner],
        tol_km,
    )  # fmt: skip

    own, k = _first_hit(owner, np.isfinite(tau))
    t_star = np.full(n, np.inf)
    px, py = np.full(n, np.nan), np.full(n, np.nan)
    tk = tau[k]
    # t* = t1 exactly when the intercept is at t1 (ta + (t1 - ta) may differ in the last bit)
    t_star[own] = np.where((tk == lo[k]) & (lo[k] > 0), t1[owner][k], ta[k] + tk)
    px[own] = x[j[k]] + ux[k] * tk
    py[own] = y[j[k]] + uy[k] * tk
    return Intercept(t_star.reshape(shape), px.reshape(shape), py.reshape(shape))


def _leg_velocity(dx_km: F64, dy_km: F64, dur_s: F64) -> tuple[F64, F64]:
    """Velocity (km/s) on legs of displacement ``(dx, dy)`` km and duration ``dur`` s; 0 on a
    zero-duration leg."""
    ux, uy = np.zeros_like(dur_s), np.zeros_like(dur_s)
    np.divide(dx_km, dur_s, out=ux, where=dur_s > 0)
    np.divide(dy_km, dur_s, out=uy, where=dur_s > 0)
    return ux, uy


def _leg_intercept(
    ta: F64,
    dur: F64,
    ax: F64,
    ay: F64,
    ux: F64,
    uy: F64,
    fx: F64,
    fy: F64,
    v: F64,
    t1: F64,
    rng_km: F64,
    tol_km: float,
) -> tuple[F64, F64]:
    """Earliest intercept on single legs (see :func:`earliest_intercept`), elementwise over
    broadcastable arrays: the leg starts at ``(ax, ay)`` km at ``ta`` s, lasts ``dur`` s at
    velocity ``(ux, uy)`` km/s; the fighter at ``(fx, fy)`` km dashes at ``v`` km/s from
    ``t1`` s with a weapon reaching ``rng_km``.

    Returns ``(tau, lo)``: the intercept's time after ``ta`` (s; +inf if none on the leg) and
    the earliest admissible ``tau``, ``max(t1 - ta, 0)``.
    """
    wx, wy = ax - fx, ay - fy
    c0 = rng_km + tol_km + v * (ta - t1)
    speed, dist = np.hypot(ux, uy), np.hypot(wx, wy)
    qa = (speed - v) * (speed + v)
    qb = wx * ux + wy * uy - c0 * v
    qc = (dist - c0) * (dist + c0)
    # qb^2 - qa qc rewritten as |c0 u - v W|^2 - (W x u)^2 (see circle_entry_times)
    reach = np.hypot(c0 * ux - v * wx, c0 * uy - v * wy)
    cross = np.abs(wx * uy - wy * ux)
    disc = (reach - cross) * (reach + cross)
    lo = np.maximum(t1 - ta, 0.0)
    return _earliest_nonpositive(qa, qb, qc, disc, lo, dur), lo


class RouteTable:
    """One night's routes laid out for many small queries (the C2 cycle, shots).

    The same layout as :func:`positions_at` and :func:`earliest_intercept` take, checked once and
    padded to a rectangle: row ``i`` holds threat ``i``'s waypoints (times padded with +inf) and
    legs (padded legs are empty: duration -1 s).  :meth:`positions` and :meth:`intercept` give
    bit-for-bit the results of those functions, without expanding legs at each call.
    """

    def __init__(self, offsets: ArrayLike, x_km: ArrayLike, y_km: ArrayLike, t_s: ArrayLike):
        off, x, y, t = _routes(offsets, x_km, y_km, t_s)
        n = off.size - 1
        n_pts = np.diff(off)
        width = int(n_pts.max()) if n else 1
        col = np.arange(width)
        have = col[None, :] < n_pts[:, None]
        at = np.where(have, off[:-1, None] + col[None, :], 0)
        self.x_km, self.y_km = x[at], y[at]
        self.t_s = np.where(have, t[at], np.inf)
        #: index of each route's last waypoint
        self.last = n_pts - 1
        # leg k of a route runs from waypoint k to k + 1 (one-waypoint routes: one instant)
        nxt = np.minimum(col[:-1] + 1, self.last[:, None]) if width > 1 else np.zeros((n, 1), int)
        first = np.broadcast_to(np.arange(nxt.shape[1]), nxt.shape)
        leg = (first < self.last[:, None]) | ((first == 0) & (self.last[:, None] == 0))
        rows = np.arange(n)[:, None]
        leg_ta = np.where(leg, self.t_s[rows, first], 0.0)
        leg_dur = np.where(leg, self.t_s[rows, nxt] - leg_ta, -1.0)
        leg_x = np.where(leg, self.x_km[rows, first], 0.0)
        leg_y = np.where(leg, self.y_km[rows, first], 0.0)
        dx = np.where(leg, self.x_km[rows, nxt] - leg_x, 0.0)
        dy = np.where(leg, self.y_km[rows, nxt] - leg_y, 0.0)
        ux, uy = _leg_velocity(dx, dy, leg_dur)
        #: per threat, the legs' start time (s), duration (s), start (km) and velocity (km/s)
        self.legs = np.stack([leg_ta, leg_dur, leg_x, leg_y, ux, uy], axis=1)

    def positions(self, idx: I64, when_s: F64) -> Positions:
        """Positions of threats ``idx`` at times ``when_s`` (1-D, same length), as
        :func:`positions_at`."""
        tw = self.t_s[idx]
        rows = np.arange(idx.size)
        last = self.last[idx]
        valid = (when_s >= tw[:, 0]) & (when_s <= tw[rows, last])
        lo = np.clip((tw <= when_s[:, None]).sum(axis=1) - 1, 0, np.maximum(last - 1, 0))
        hi = np.minimum(lo + 1, last)
        t_lo = tw[rows, lo]
        dt = tw[rows, hi] - t_lo
        frac = np.ones_like(when_s)
        np.divide(when_s - t_lo, dt, out=frac, where=dt > 0)
        frac = np.clip(frac, 0.0, 1.0)
        xs, ys = self.x_km[idx], self.y_km[idx]
        x_lo, y_lo = xs[rows, lo], ys[rows, lo]
        px = np.where(valid, x_lo + frac * (xs[rows, hi] - x_lo), np.nan)
        py = np.where(valid, y_lo + frac * (ys[rows, hi] - y_lo), np.nan)
        return Positions(px, py, valid)

    def intercept(
        self,
        idx: I64,
        fx_km: F64,
        fy_km: F64,
        t1_s: F64,
        v_km_s: F64,
        weapon_range_km: F64,
        tol_km: float = INTERCEPT_TOL_KM,
    ) -> Intercept:
        """Earliest intercepts as :func:`earliest_intercept`, for 1-D arrays of equal length;
        ``t1_s`` is the dash's start (free time plus reaction) and ``v_km_s`` the dash speed in
        km/s (``v_dash_kmh / 3600``)."""
        ta, dur, ax, ay, ux, uy = self.legs[idx].transpose(1, 0, 2)
        t1 = t1_s[:, None]
        tau, lo = _leg_intercept(
            ta, dur, ax, ay, ux, uy, fx_km[:, None], fy_km[:, None], v_km_s[:, None], t1,
            weapon_range_km[:, None], tol_km,
        )  # fmt: skip
        hit = np.isfinite(tau)
        own = np.flatnonzero(hit.any(axis=1))
        k = hit[own].argmax(axis=1)
        t_star = np.full(idx.size, np.inf)
        px, py = np.full(idx.size, np.nan), np.full(idx.size, np.nan)
        tk, lk, tak = tau[own, k], lo[own, k], ta[own, k]
        t_star[own] = np.where((tk == lk) & (lk > 0), t1_s[own], tak + tk)
        px[own] = ax[own, k] + ux[own, k] * tk
        py[own] = ay[own, k] + uy[own, k] * tk
        return Intercept(t_star, px, py)
