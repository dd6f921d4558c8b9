"""Means over replications with 95 % intervals that stay within the range of what they measure.

A metric is one of three kinds (:func:`metric_kind`):

- a *count or amount* that cannot be negative (hits, kills, sorties, costs, km): Student's t
  interval of the mean on the log scale, ``mean x exp(+-t se / mean)`` (the delta method), so it
  never goes below 0 and widens upwards when few replications are not zero;
- a *share* in [0, 1] (protection ratio): Student's t on the logit scale, so it stays in [0, 1];
- a *difference* that may have either sign (hits avoided, paired differences): Student's t.

Costs per unit of effect are ratios of means with a delta-method interval on the log scale
(:func:`ratio_interval`).  A metric the same in every replication gets that value as its
interval.  With fewer than :data:`MIN_INTERVAL_N` replications no interval is given (NaN): a
95 % figure from a handful of replications would pretend to a confidence it does not have.
Checked by simulation in the tests: coverage 93-97 % from 10 replications of counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

#: Fewest replications that get an interval.
MIN_INTERVAL_N = 10

#: What the intervals are, for tables, reports and ``summary.json``.
INTERVAL_METHOD = (
    "95 % intervals of the mean over replications: Student's t on the log scale for counts and"
    " costs (never below 0), on the logit scale for shares (within 0-100 %), plain for"
    " differences; ratios of means by the delta method on the log scale; no interval with fewer"
    f" than {MIN_INTERVAL_N} replications"
)

#: The kinds of metric (the module docstring).
Kind = Literal["nonnegative", "share", "difference"]


@dataclass(frozen=True)
class Interval:
    """Mean of ``n`` replications and its two-sided confidence interval ``[low, high]`` (NaN
    when there is none)."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN without an interval)."""
        return (self.high - self.low) / 2.0


def metric_kind(metric: str) -> Kind:
    """The kind of a per-replication metric, from its name: ``marginal.*`` differences,
    ``*.protection_ratio`` shares, everything else counts and amounts that cannot be negative."""
    if metric.endswith("protection_ratio"):
        return "share"
    if metric.startswith("marginal.") or metric.startswith("delta"):
        return "difference"
    return "nonnegative"


def mean_interval(values: ArrayLike, level: float = 0.95, kind: Kind = "difference") -> Interval:
    """Mean of the finite ``values`` and its ``level`` interval for a metric of ``kind``.

    Values that are not finite (a metric undefined in a replication, e.g. cost per kill with no
    kill) are left out; ``n`` counts the rest.  NaN interval with fewer than
    :data:`MIN_INTERVAL_N` values; NaN mean with none.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    if n < MIN_INTERVAL_N:
        return Interval(m, math.nan, math.nan, n)
    if np.all(x == x[0]):
        return Interval(m, m, m, n)
    t = float(stats.t.ppf(0.5 + level / 2.0, n - 1))
    se = float(x.std(ddof=1) / math.sqrt(n))
    if kind == "nonnegative" and m > 0 and x.min() >= 0:
        k = math.exp(t * se / m)
        return Interval(m, m / k, m * k, n)
    if kind == "share" and 0 < m < 1 and x.min() >= 0 and x.max() <= 1:
        centre, half = math.log(m / (1 - m)), t * se / (m * (1 - m))
        return Interval(m, _expit(centre - half), _expit(centre + half), n)
    return Interval(m, m - t * se, m + t * se, n)


def _expit(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def ratio_interval(numerator: ArrayLike, denominator: ArrayLike, level: float = 0.95) -> Interval:
    """Ratio of the means ``mean(x) / mean(y)`` over paired replications and its ``level``
    interval: the delta method gives the standard error of ``R`` from the residuals
    ``x - R y`` (``se(R) = sd(x - R y) / (sqrt(n) mean(y))``), applied on the log scale so that
    a positive ratio keeps a positive interval.

    Used for costs per unit of effect (cost per hit avoided, per kill): a mean of per-replication
    ratios would drop the replications with no effect (a ratio undefined there) and so overstate
    the effect; the ratio of means keeps every replication.  Pairs with a non-finite value are
    left out; with ``mean(y) <= 0`` the ratio is undefined (NaN); no interval with fewer than
    :data:`MIN_INTERVAL_N` pairs.
    """
    x, y = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n == 0 or y.mean() <= 0:
        return Interval(math.nan, math.nan, math.nan, n)
    r = float(x.mean() / y.mean())
    if n < MIN_INTERVAL_N:
        return Interval(r, math.nan, math.nan, n)
    resid = x - r * y
    se = float(resid.std(ddof=1) / (math.sqrt(n) * y.mean()))
    t = float(stats.t.ppf(0.5 + level / 2.0, n - 1))
    if r > 0 and x.min() >= 0:
        k = math.exp(t * se / r)
        return Interval(r, r / k, r * k, n)
    return Interval(r, r - t * se, r + t * se, n)
