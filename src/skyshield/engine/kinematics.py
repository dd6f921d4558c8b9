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

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from skyshield.geo.jit import jit, jit_inline

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
        ta,
        dur,
        x[j],
        y[j],
        ux,
        uy,
        fx[owner],
        fy[owner],
        v[owner],
        t1[owner],
        rng_km[owner],
        tol_km,
    )

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


# ----------------------------------------------------------------------------- one route, compiled
#
# The kernel's C2 cycle and shots ask about one threat at a time, thousands of times a night:
# the same arithmetic as the vectorised functions above, as compiled scalar loops over the
# route's own waypoints (the compressed layout, nothing copied).  Each gives bit for bit what
# its vectorised counterpart gives (tested).


@jit_inline
def _ieee_div(a: float, b: float) -> float:
    """``a / b`` as IEEE arithmetic has it (inf or NaN for ``b = 0``) in compiled and plain
    Python alike."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


@jit_inline
def _fmin(a: float, b: float) -> float:
    """``numpy.fmin``: the lesser, ignoring a NaN."""
    if a != a:
        return b
    if b != b:
        return a
    return a if a <= b else b


@jit_inline
def _fmax(a: float, b: float) -> float:
    """``numpy.fmax``: the greater, ignoring a NaN."""
    if a != a:
        return b
    if b != b:
        return a
    return a if a >= b else b


@jit_inline
def earliest_nonpositive(
    qa: float, qb: float, qc: float, disc: float, lo: float, hi: float
) -> float:
    """:func:`_earliest_nonpositive` for one quadratic: the least ``tau`` in ``[lo, hi]`` with
    ``qa tau^2 + 2 qb tau + qc <= 0``; inf if none."""
    sq = math.sqrt(max(disc, 0.0))
    q = -(qb + math.copysign(sq, qb))
    inf = math.inf
    lo1, hi1, lo2, hi2 = inf, -inf, inf, -inf  # empty intervals
    if qa != 0.0:
        r1, r2 = _ieee_div(q, qa), _ieee_div(qc, q)
        rho1, rho2 = _fmin(r1, r2), _fmax(r1, r2)
        if qa > 0.0 and disc >= 0.0:  # opens upward: [rho1, rho2]
            lo1, hi1 = rho1, rho2
        elif qa < 0.0 and disc > 0.0:  # opens downward: (-inf, rho1] and [rho2, inf)
            lo1, hi1, lo2, hi2 = -inf, rho1, rho2, inf
        elif qa < 0.0 and disc <= 0.0:  # downward without real roots: everywhere
            lo1, hi1 = -inf, inf
    elif qb == 0.0:
        if qc <= 0.0:
            lo1, hi1 = -inf, inf
    elif qb > 0.0:  # linear: 2 qb tau + qc <= 0
        lo1, hi1 = -inf, _ieee_div(-qc, 2.0 * qb)
    else:
        lo1, hi1 = _ieee_div(-qc, 2.0 * qb), inf
    e1 = lo1 if lo1 >= lo else lo
    if e1 <= (hi1 if hi1 <= hi else hi):
        return e1
    e2 = lo2 if lo2 >= lo else lo
    if e2 <= (hi2 if hi2 <= hi else hi):
        return e2
    return inf


@jit
def route_position(
    offsets: I64, x_km: F64, y_km: F64, t_s: F64, i: int, when_s: float
) -> tuple[float, float, bool]:
    """Position (km) of threat ``i`` at ``when_s`` (s) and whether it is in flight then: one
    entry of :func:`positions_at` (NaN and False before launch and after arrival)."""
    a, b = offsets[i], offsets[i + 1] - 1
    if not (t_s[a] <= when_s <= t_s[b]):
        return math.nan, math.nan, False
    passed = 0  # waypoints at or before when_s
    for k in range(a, b + 1):
        if t_s[k] <= when_s:
            passed += 1
    lo = a + min(max(passed - 1, 0), max(b - a - 1, 0))
    hi = min(lo + 1, b)
    dt = t_s[hi] - t_s[lo]
    frac = (when_s - t_s[lo]) / dt if dt > 0 else 1.0
    frac = min(max(frac, 0.0), 1.0)
    return x_km[lo] + frac * (x_km[hi] - x_km[lo]), y_km[lo] + frac * (y_km[hi] - y_km[lo]), True


@jit
def route_positions(
    offsets: I64, x_km: F64, y_km: F64, t_s: F64, idx: I64, when_s: F64
) -> tuple[F64, F64, Bool]:
    """:func:`route_position` of threats ``idx`` at times ``when_s`` (1-D, same length)."""
    n = len(idx)
    px, py, ok = np.empty(n), np.empty(n), np.empty(n, dtype=np.bool_)
    for k in range(n):
        px[k], py[k], ok[k] = route_position(offsets, x_km, y_km, t_s, idx[k], when_s[k])
    return px, py, ok


@jit_inline
def route_intercept(
    offsets: I64,
    x_km: F64,
    y_km: F64,
    t_s: F64,
    i: int,
    fx_km: float,
    fy_km: float,
    t1_s: float,
    v_km_s: float,
    weapon_range_km: float,
    tol_km: float,
) -> tuple[float, float, float]:
    """Earliest intercept of threat ``i`` by a fighter at ``(fx_km, fy_km)`` dashing at
    ``v_km_s`` (km/s) from ``t1_s`` with a weapon reaching ``weapon_range_km``: one entry of
    :func:`earliest_intercept` (time s, inf if none; the threat's position km, NaN if none).
    The legs are tried in route order and the first with a solution holds the earliest."""
    a, b = offsets[i], offsets[i + 1] - 1
    for k in range(a, max(b, a + 1)):  # a one-waypoint route is one instant (a leg k -> k)
        kn = min(k + 1, b)
        ta, ax, ay = t_s[k], x_km[k], y_km[k]
        dur = t_s[kn] - ta
        lo = max(t1_s - ta, 0.0)
        if lo > dur:
            continue  # the leg ends before the dash starts: no solution on it
        ux = (x_km[kn] - ax) / dur if dur > 0 else 0.0
        uy = (y_km[kn] - ay) / dur if dur > 0 else 0.0
        wx, wy = ax - fx_km, ay - fy_km
        c0 = weapon_range_km + tol_km + v_km_s * (ta - t1_s)
        speed, dist = np.hypot(ux, uy), np.hypot(wx, wy)
        qa = (speed - v_km_s) * (speed + v_km_s)
        qb = wx * ux + wy * uy - c0 * v_km_s
        qc = (dist - c0) * (dist + c0)
        reach = np.hypot(c0 * ux - v_km_s * wx, c0 * uy - v_km_s * wy)
        cross = abs(wx * uy - wy * ux)
        disc = (reach - cross) * (reach + cross)
        tau = earliest_nonpositive(qa, qb, qc, disc, lo, dur)
        if tau < math.inf:
            t_star = t1_s if (tau == lo and lo > 0) else ta + tau
            return t_star, ax + ux * tau, ay + uy * tau
    return math.inf, math.nan, math.nan


#: Margin (km) by which a route's bounding box must clear a circle for :func:`circle_entries`
#: to skip the route without testing its legs (a metre: far above rounding, far below any
#: distance that matters).
BOX_MARGIN_KM = 1e-3


@jit
def route_boxes(offsets: I64, x_km: F64, y_km: F64) -> F64:
    """Bounding box of each route of the compressed layout: ``(n, 4)`` rows of x min, x max,
    y min, y max (km)."""
    n = len(offsets) - 1
    box = np.empty((n, 4))
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        box[i, 0], box[i, 1] = x_km[a:b].min(), x_km[a:b].max()
        box[i, 2], box[i, 3] = y_km[a:b].min(), y_km[a:b].max()
    return box


@jit
def circle_entries(
    offsets: I64, x_km: F64, y_km: F64, t_s: F64, cx_km: F64, cy_km: F64, r_km: F64
) -> F64:
    """:func:`circle_entry_grid` for circles ``k`` at ``(cx_km[k], cy_km[k])`` with radius
    ``r_km[k, i]`` against threat ``i``, bit for bit, as a compiled loop that stops at each
    route's first leg into the circle: shape ``(m, n_threats)``."""
    m, n = r_km.shape
    out = np.full((m, n), np.inf)
    box = route_boxes(offsets, x_km, y_km)
    for k in range(m):
        cx, cy = cx_km[k], cy_km[k]
        for i in range(n):
            r = r_km[k, i]
            gap_x = max(box[i, 0] - cx, cx - box[i, 1], 0.0)
            gap_y = max(box[i, 2] - cy, cy - box[i, 3], 0.0)
            if gap_x * gap_x + gap_y * gap_y > (r + BOX_MARGIN_KM) ** 2:
                continue  # the whole route stays out of the circle
            a0, b = offsets[i], offsets[i + 1] - 1
            if np.hypot(x_km[a0] - cx, y_km[a0] - cy) < r:
                out[k, i] = t_s[a0]
            for j in range(a0, max(b, a0 + 1)):  # a one-waypoint route: one instant
                jn = min(j + 1, b)
                ax, ay = x_km[j] - cx, y_km[j] - cy
                dx, dy = x_km[jn] - x_km[j], y_km[jn] - y_km[j]
                dist, length = np.hypot(ax, ay), np.hypot(dx, dy)
                a = length * length
                cross = abs(ax * dy - ay * dx)
                disc = (r * length - cross) * (r * length + cross)
                if not (a > 0 and disc > 0):
                    continue
                bb = ax * dx + ay * dy
                c = (dist - r) * (dist + r)
                q = -(bb + math.copysign(math.sqrt(disc), bb))
                s1, s2 = q / a, c / q
                s_in, s_out = _fmin(s1, s2), _fmax(s1, s2)
                if s_in < 1.0 and s_out > 0.0:
                    s = s_in if s_in >= 0.0 else 0.0
                    out[k, i] = min(out[k, i], t_s[j] + s * (t_s[jn] - t_s[j]))
                    break
    return out
