"""Observed launches against the model's prediction: expected totals with prediction
intervals, the ratio observed/expected with an interval, and one-sided predictive p-values.

* **Expected** launches are the model's mean at its estimates (what ``predict`` of a GLM
  gives); the **prediction interval** is the central ``level`` interval of the simulated
  launches (what the nights would have seen without a change, nightly randomness and fit
  uncertainty included).
* **p_drop** is the one-sided predictive p-value of a drop: the share of simulated totals at or
  below the observed total, ``(1 + #{Y <= y}) / (1 + draws)``.  Small: so few launches would
  rarely happen without a change.  **p_rise** is the same for a rise (``Y >= y``).
* **Ratio** observed/expected: the point value is observed / expected.  Its interval is that
  of the rate ratio ``rho`` in the model "the truce's nights see ``rho`` times the predicted
  mean, with the fitted dispersion": for each parameter draw, the posterior of ``rho`` (flat
  prior on ``rho >= 0``) on a grid; these are averaged over the draws, so both the window's
  own randomness and the fit's uncertainty widen the interval, while the window's counts do
  not feed back into the fit (the expectation comes from the nights before only).  The
  interval is equal-tailed; when nothing was observed it is ``[0, level quantile]``.  Over
  several classes ``rho`` is one common ratio.  No ratio is given below
  :data:`MIN_EXPECTED_FOR_RATIO` expected launches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from skyshield.truce.model import Draws, FloatArray

#: Fewest expected launches for which a ratio observed/expected is given: below one launch
#: the ratio says nothing (its interval runs over orders of magnitude).
MIN_EXPECTED_FOR_RATIO = 1.0
#: Parameter draws used for the ratio's posterior (the first ones of each class).
RATIO_DRAWS = 800
#: Points of the ratio's grid: a coarse pass over 21 units of log ratio finds where the
#: posterior lies, a fine pass resolves it.
COARSE_POINTS, FINE_POINTS = 120, 240


@dataclass(frozen=True)
class Comparison:
    """Observed vs predicted launches over a set of nights (counts of weapons; ratio and
    p-values dimensionless).  ``ratio*`` are None when the fit nights had no launches or fewer
    than :data:`MIN_EXPECTED_FOR_RATIO` are expected."""

    observed: float
    expected: float
    low: float
    high: float
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    p_drop: float
    p_rise: float


def predictive_p(totals: FloatArray, observed: float) -> tuple[float, float]:
    """One-sided predictive p-values (drop, rise) of ``observed`` against simulated totals."""
    n = len(totals)
    below = int(np.count_nonzero(totals <= observed))
    above = int(np.count_nonzero(totals >= observed))
    return (1 + below) / (1 + n), (1 + above) / (1 + n)


def interval(values: FloatArray, level: float, axis: int = 0) -> tuple[FloatArray, FloatArray]:
    """Central ``level`` interval of ``values`` along ``axis`` (lower, upper quantiles)."""
    tail = (1.0 - level) / 2.0
    lo = np.quantile(values, tail, axis=axis)
    hi = np.quantile(values, 1.0 - tail, axis=axis)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def _loglik(y: FloatArray, draws: Draws, rho: FloatArray) -> FloatArray:
    """Log-likelihood (draws x grid) of window counts ``y`` (nights) if each night's mean were
    ``rho`` times the drawn mean, under the drawn dispersion, up to terms free of ``rho``."""
    s = min(len(draws.alpha), RATIO_DRAWS)
    mu, alpha = draws.mu[:s], draws.alpha[:s]
    total_y = float(y.sum())
    log_rho = np.log(rho)
    out = np.empty((s, len(rho)))
    poisson = alpha <= 0.0
    if np.any(poisson):
        out[poisson] = total_y * log_rho[None, :] - np.outer(mu[poisson].sum(1), rho)
    nb = ~poisson
    if np.any(nb):
        r = 1.0 / alpha[nb]
        m = mu[nb]
        # sum over nights of (r + y) log(r + rho mu): draws x grid x nights, in chunks
        acc = np.empty((len(r), len(rho)))
        for start in range(0, len(r), 100):
            sl = slice(start, start + 100)
            inner = r[sl, None, None] + rho[None, :, None] * m[sl, None, :]
            acc[sl] = np.sum((r[sl, None, None] + y[None, None, :]) * np.log(inner), axis=2)
        out[nb] = total_y * log_rho[None, :] - acc
    return out


def _posterior(log_rho: FloatArray, ys: Sequence[FloatArray], draws: Sequence[Draws]) -> FloatArray:
    """Weights of ``rho`` on a log grid: each draw's posterior (flat prior in ``rho``)
    normalised on the grid, then averaged over the draws."""
    rho = np.exp(log_rho)
    logpost = np.sum([_loglik(y, d, rho) for y, d in zip(ys, draws, strict=True)], axis=0)
    logpost = logpost + log_rho[None, :]  # flat in rho on a log grid
    logpost -= logsumexp(logpost, axis=1, keepdims=True)
    w = np.exp(logsumexp(logpost, axis=0) - np.log(logpost.shape[0]))
    return np.asarray(w / w.sum(), dtype=float)


def _quantile(log_rho: FloatArray, w: FloatArray, q: float) -> float:
    cdf = np.cumsum(w)
    return float(np.exp(np.interp(q, cdf, log_rho)))


def ratio_interval(
    ys: Sequence[FloatArray], draws: Sequence[Draws], expected: float, level: float
) -> tuple[float, float]:
    """Interval of the common rate ratio of window counts ``ys`` (one array of nights a class)
    to the predictions ``draws`` (same order), whose expected total is ``expected`` (> 0);
    see the module's docstring."""
    observed = float(sum(y.sum() for y in ys))
    center = np.log((observed + 0.5) / expected)
    log_rho = np.linspace(center - 14.0, center + 7.0, COARSE_POINTS)
    w = _posterior(log_rho, ys, draws)
    cdf = np.cumsum(w)
    lo_i = max(int(np.searchsorted(cdf, 1e-6)) - 1, 0)
    hi_i = min(int(np.searchsorted(cdf, 1.0 - 1e-6)) + 1, COARSE_POINTS - 1)
    log_rho = np.linspace(log_rho[lo_i], log_rho[hi_i], FINE_POINTS)
    w = _posterior(log_rho, ys, draws)
    if observed == 0:
        return 0.0, _quantile(log_rho, w, level)
    tail = (1.0 - level) / 2.0
    return _quantile(log_rho, w, tail), _quantile(log_rho, w, 1.0 - tail)


def compare(
    ys: Sequence[FloatArray],
    draws: Sequence[Draws],
    means: Sequence[FloatArray],
    level: float,
    with_ratio: bool = True,
) -> Comparison:
    """Observed launches ``ys`` (one array of nights a class) against their predictions
    ``draws`` and the model's means at its estimates ``means`` (same order), summed over
    nights and classes.  ``with_ratio``: give the ratio (not when the fit saw no launch); it
    is None anyway below :data:`MIN_EXPECTED_FOR_RATIO` expected launches."""
    observed = float(sum(y.sum() for y in ys))
    totals = np.sum([d.y.sum(axis=1) for d in draws], axis=0)
    expected = float(sum(m.sum() for m in means))
    lo, hi = interval(totals, level)
    p_drop, p_rise = predictive_p(totals, observed)
    ratio = ratio_low = ratio_high = None
    if with_ratio and expected >= MIN_EXPECTED_FOR_RATIO:
        ratio = observed / expected
        ratio_low, ratio_high = ratio_interval(ys, draws, expected, level)
    return Comparison(
        observed=observed,
        expected=expected,
        low=float(lo),
        high=float(hi),
        ratio=ratio,
        ratio_low=ratio_low,
        ratio_high=ratio_high,
        p_drop=p_drop,
        p_rise=p_rise,
    )


__all__ = [
    "MIN_EXPECTED_FOR_RATIO",
    "Comparison",
    "compare",
    "interval",
    "predictive_p",
    "ratio_interval",
]
