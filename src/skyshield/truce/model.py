"""A count model of nightly launches of one class, fitted on the nights before a truce, and
draws of what it predicts for the truce's nights.

The model (:func:`fit_counts`) is a negative binomial regression (NB2: variance
``mu + alpha * mu**2``) of the launches of a night on a linear trend (per week, counted from
the truce's first night) and day-of-week effects (the weekday of the night's evening, Monday
the reference), fitted by maximum likelihood with statsmodels' discrete ``NegativeBinomial``,
which estimates the dispersion ``alpha`` with the coefficients.  Launch counts of a class are
strongly overdispersed (a quiet night, then a raid of hundreds), so a Poisson model would give
intervals far too narrow; NB2 with ``alpha`` by MLE is the smallest model that lets the spread
grow with the level.

When the full model cannot be fitted, simpler ones are tried in turn, and the fit says which
was used and why (:attr:`CountFit.notes`):

1. ``trend+weekday``: skipped when some weekday has no launches in the fit nights (its effect
   would run off to minus infinity: separation);
2. ``trend``; 3. ``constant`` (a negative binomial with a constant mean);
4. ``rate``: a constant Poisson rate with a Jeffreys prior, whose posterior is
   Gamma(0.5 + launches, nights).  Used when no fit night has a launch (the prediction is then
   close to 0 and says so) or when every negative binomial fit failed (overdispersion is then
   not modelled and the intervals are too narrow; the notes say so).

A negative binomial fit is accepted when the optimiser converged, every estimate is finite,
the covariance matrix is positive definite and no coefficient (nor log ``alpha``) has a
standard error above :data:`MAX_LOG_SE` (a larger one means the data cannot pin it down).

Diagnostics: ``alpha`` and its standard error, and the Pearson chi-square over its degrees of
freedom (about 1 for a model whose variance matches the data; well above 1: more spread than
the model allows, its intervals too narrow).

:func:`simulate` draws the parameters from their approximate sampling distribution
(multivariate normal in the coefficients and log ``alpha``, from the inverse Hessian), then a
count for each night from the negative binomial with those parameters (a gamma-Poisson
mixture), so the prediction intervals carry both the uncertainty of the fit and the night's own
randomness.  Every draw comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from skyshield.errors import InputError, Problem

ModelName = Literal["trend+weekday", "trend", "constant", "rate"]
FloatArray = npt.NDArray[np.float64]

#: Fewest nights a fit accepts (three weeks: each weekday three times).
MIN_FIT_NIGHTS = 21
#: Largest standard error (log scale) of an accepted coefficient or of log alpha.
MAX_LOG_SE = 5.0
#: Largest log mean a draw may take (exp(20) is about 5e8 launches): guards overflow only.
MAX_LOG_MU = 20.0
#: Iterations allowed to the optimiser.
MAX_ITER = 500

_WEEKDAYS = ("tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CountFit:
    """A fitted count model of one class's nightly launches (see the module's docstring).

    ``beta`` are the coefficients named by ``terms`` (log scale; ``trend_per_week`` per week
    from ``origin``); ``cov`` the covariance of ``(beta, log alpha)``.  For the ``rate`` model
    ``beta``/``cov`` are empty and ``rate_shape``/``rate_nights`` give the Gamma posterior of
    the nightly rate.
    """

    model: ModelName
    notes: tuple[str, ...]
    origin: dt.date
    nights: int
    nights_with_launches: int
    launched: float
    terms: tuple[str, ...]
    beta: FloatArray
    cov: FloatArray
    alpha: float
    alpha_se: float | None
    pearson_chi2_df: float | None
    rate_shape: float = 0.0
    rate_nights: float = 0.0

    def coefficients(self) -> dict[str, float]:
        """Coefficients by term (log scale) and ``alpha``."""
        out = {t: float(b) for t, b in zip(self.terms, self.beta, strict=True)}
        if self.model != "rate":
            out["alpha"] = self.alpha
        return out

    def standard_errors(self) -> dict[str, float]:
        """Standard errors of :meth:`coefficients` (``alpha``'s by the delta method)."""
        se = np.sqrt(np.diag(self.cov)) if self.cov.size else np.zeros(0)
        out = {t: float(se[i]) for i, t in enumerate(self.terms)}
        if self.model != "rate" and self.alpha_se is not None:
            out["alpha"] = self.alpha_se
        return out


@dataclass(frozen=True)
class Draws:
    """Draws of a fit's prediction for some nights: ``mu`` (draws x nights) the mean launches
    of each night under the drawn parameters, ``alpha`` (draws) the drawn dispersion (0: a
    Poisson draw) and ``y`` (draws x nights) simulated launches."""

    mu: FloatArray
    alpha: FloatArray
    y: FloatArray


def design(nights: Sequence[dt.date], origin: dt.date, model: ModelName) -> FloatArray:
    """Design matrix (nights x terms) of ``model``: intercept, trend in weeks from ``origin``,
    and weekday indicators (Tuesday .. Sunday; Monday is the reference)."""
    n = len(nights)
    if model == "rate":
        return np.zeros((n, 0))
    cols: list[FloatArray] = [np.ones(n)]
    if model in ("trend+weekday", "trend"):
        cols.append(np.array([(d - origin).days / 7.0 for d in nights], dtype=float))
    if model == "trend+weekday":
        wd = np.array([d.weekday() for d in nights])
        cols.extend((wd == k).astype(float) for k in range(1, 7))
    return np.column_stack(cols)


def terms_of(model: ModelName) -> tuple[str, ...]:
    """Names of the coefficients of ``model``."""
    if model == "rate":
        return ()
    names = ["intercept"]
    if model in ("trend+weekday", "trend"):
        names.append("trend_per_week")
    if model == "trend+weekday":
        names.extend(_WEEKDAYS)
    return tuple(names)


@dataclass(frozen=True)
class _NBResult:
    beta: FloatArray
    alpha: float
    cov_log: FloatArray
    alpha_se: float


def _try_negative_binomial(y: FloatArray, x: FloatArray) -> tuple[_NBResult | None, str]:
    """Fit NB2 by maximum likelihood; the result, or None and why it was not accepted."""
    from statsmodels.discrete.discrete_model import NegativeBinomial

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = NegativeBinomial(y, x, loglike_method="nb2").fit(
                method="bfgs", maxiter=MAX_ITER, disp=0
            )
            params = np.asarray(res.params, dtype=float)
            cov = np.asarray(res.cov_params(), dtype=float)
            converged = bool(res.mle_retvals.get("converged", False))
        except (np.linalg.LinAlgError, ValueError, OverflowError, FloatingPointError) as exc:
            return None, f"the fit failed ({type(exc).__name__})"
    if not converged:
        return None, "the optimiser did not converge"
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(cov))):
        return None, "non-finite estimates"
    alpha = float(params[-1])
    if not alpha > 0.0:
        return None, f"dispersion at its bound (alpha = {alpha:.3g})"
    jac = np.ones(len(params))
    jac[-1] = 1.0 / alpha
    cov_log = cov * np.outer(jac, jac)
    try:
        np.linalg.cholesky(cov_log)
    except np.linalg.LinAlgError:
        return None, "the covariance matrix is not positive definite"
    se = np.sqrt(np.diag(cov_log))
    if np.any(se > MAX_LOG_SE):
        return None, f"a standard error above {MAX_LOG_SE:g} on the log scale (poorly determined)"
    return _NBResult(params[:-1], alpha, cov_log, float(math.sqrt(cov[-1, -1]))), ""


def _pearson_chi2_df(y: FloatArray, mu: FloatArray, alpha: float, k: int) -> float | None:
    dof = len(y) - k
    if dof <= 0:
        return None
    return float(np.sum((y - mu) ** 2 / (mu + alpha * mu**2)) / dof)


def _rate_fit(y: FloatArray, origin: dt.date, notes: list[str], nonzero: int) -> CountFit:
    return CountFit(
        model="rate",
        notes=tuple(notes),
        origin=origin,
        nights=len(y),
        nights_with_launches=nonzero,
        launched=float(y.sum()),
        terms=(),
        beta=np.zeros(0),
        cov=np.zeros((0, 0)),
        alpha=0.0,
        alpha_se=None,
        pearson_chi2_df=None,
        rate_shape=0.5 + float(y.sum()),
        rate_nights=float(len(y)),
    )


def fit_counts(nights: Sequence[dt.date], counts: npt.ArrayLike, origin: dt.date) -> CountFit:
    """Fit the count model to launches ``counts`` (one a night, >= 0) on ``nights``; ``origin``
    is the night the trend counts weeks from (the truce's first night).  InputError when there
    are fewer than :data:`MIN_FIT_NIGHTS` nights or a count is negative or not finite."""
    y = np.asarray(counts, dtype=float)
    if len(y) != len(nights):
        raise ValueError(f"{len(y)} counts for {len(nights)} nights")
    if len(y) < MIN_FIT_NIGHTS:
        raise InputError(
            [
                Problem(
                    "<fit>",
                    "nights",
                    f"too few nights to fit: {len(y)}, at least {MIN_FIT_NIGHTS} needed",
                )
            ]
        )
    if not np.all(np.isfinite(y)) or np.any(y < 0):
        raise InputError([Problem("<fit>", "counts", "expected finite counts >= 0")])
    nonzero = int(np.count_nonzero(y))
    if nonzero == 0:
        return _rate_fit(
            y, origin, [f"no launches in the {len(y)} fit nights: a constant rate near 0"], 0
        )
    notes: list[str] = []
    weekdays = np.array([d.weekday() for d in nights])
    for model in ("trend+weekday", "trend", "constant"):
        if model == "trend+weekday":
            silent = [d for d in range(7) if not np.any(y[weekdays == d] > 0)]
            if silent:
                names = ", ".join(("mon", *_WEEKDAYS)[d] for d in silent)
                notes.append(f"no weekday effects: no launches on any {names} of the fit nights")
                continue
        x = design(nights, origin, model)
        res, why = _try_negative_binomial(y, x)
        if res is None:
            notes.append(f"{model} model not used: {why}")
            continue
        mu = np.exp(x @ res.beta)
        return CountFit(
            model=model,
            notes=tuple(notes),
            origin=origin,
            nights=len(y),
            nights_with_launches=nonzero,
            launched=float(y.sum()),
            terms=terms_of(model),
            beta=res.beta,
            cov=res.cov_log,
            alpha=res.alpha,
            alpha_se=res.alpha_se,
            pearson_chi2_df=_pearson_chi2_df(y, mu, res.alpha, x.shape[1] + 1),
        )
    notes.append(
        "no negative binomial fit: a constant Poisson rate, without overdispersion"
        " (its intervals are too narrow)"
    )
    return _rate_fit(y, origin, notes, nonzero)


def fitted_mean(fit: CountFit, nights: Sequence[dt.date]) -> FloatArray:
    """Mean launches of each night at the estimates (no parameter uncertainty)."""
    if fit.model == "rate":
        return np.full(len(nights), fit.rate_shape / fit.rate_nights)
    x = design(nights, fit.origin, fit.model)
    return np.exp(np.minimum(x @ fit.beta, MAX_LOG_MU))


def simulate(
    fit: CountFit, nights: Sequence[dt.date], rng: np.random.Generator, draws: int
) -> Draws:
    """``draws`` predictions of the launches on ``nights`` (see the module's docstring)."""
    n = len(nights)
    if fit.model == "rate":
        rate = rng.gamma(fit.rate_shape, 1.0 / fit.rate_nights, size=draws)
        mu = np.repeat(rate[:, None], n, axis=1)
        return Draws(mu=mu, alpha=np.zeros(draws), y=rng.poisson(mu).astype(float))
    mean = np.append(fit.beta, math.log(fit.alpha))
    theta = rng.multivariate_normal(mean, fit.cov, size=draws, method="cholesky")
    x = design(nights, fit.origin, fit.model)
    mu = np.exp(np.minimum(theta[:, :-1] @ x.T, MAX_LOG_MU))
    alpha = np.exp(theta[:, -1])
    shape = np.repeat((1.0 / alpha)[:, None], n, axis=1)
    lam = rng.gamma(shape, mu / shape)
    return Draws(mu=mu, alpha=alpha, y=rng.poisson(lam).astype(float))


__all__ = [
    "MAX_LOG_SE",
    "MIN_FIT_NIGHTS",
    "CountFit",
    "Draws",
    "ModelName",
    "design",
    "fit_counts",
    "fitted_mean",
    "simulate",
    "terms_of",
]
