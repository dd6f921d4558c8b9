"""Means with 95 % confidence intervals over replications (Student's t)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """Mean of ``n`` replications and its two-sided confidence interval ``[low, high]``."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (the "±" figure)."""
        return (self.high - self.low) / 2.0


def mean_interval(values: ArrayLike, level: float = 0.95) -> Interval:
    """Mean and its ``level`` confidence interval, ``t_{n-1} · s / sqrt(n)`` either side.

    Values that are not finite (a metric undefined in a replication, e.g. cost per kill with no
    kill, or the pilot exposure of a run without fighters) are left out; ``n`` counts the rest.
    With fewer than two values the interval is the mean itself (n = 1) or NaN (n = 0).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    if n == 1:
        return Interval(m, m, m, 1)
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return Interval(m, m - half, m + half, n)


def ratio_interval(numerator: ArrayLike, denominator: ArrayLike, level: float = 0.95) -> Interval:
    """Ratio of the means ``mean(x) / mean(y)`` over paired replications and its ``level``
    interval by the delta method: the variance of ``R`` is that of ``x - R y`` over
    ``n mean(y)^2``, with ``t_{n-1}``.

    Used for costs per unit of effect (cost per hit avoided, per kill): a mean of per-replication
    ratios would drop the replications with no effect (a ratio undefined there) and so overstate
    the effect; the ratio of means keeps every replication.  Pairs with a non-finite value are
    left out; with ``mean(y) <= 0`` the ratio is undefined (NaN).
    """
    x, y = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n == 0 or y.mean() <= 0:
        return Interval(math.nan, math.nan, math.nan, n)
    r = float(x.mean() / y.mean())
    if n == 1:
        return Interval(r, r, r, 1)
    resid = x - r * y
    se = float(resid.std(ddof=1) / (math.sqrt(n) * y.mean()))
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1) * se)
    return Interval(r, r - half, r + half, n)
