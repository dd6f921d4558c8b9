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
