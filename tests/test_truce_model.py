"""The truce monitor's count model on synthetic data with a known effect.

Counts are negative binomial (NB2) with a trend and weekday effects, drawn from seeded
generators; 8 weeks of fit nights, then a 7-night window whose mean is multiplied by 0.2 (an
80 % drop) or by 1 (no change).  Each claim is checked over 12 seeds, with a number of misses
a calibrated 90 % interval would rarely exceed (stated at each assertion)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from skyshield.errors import InputError
from skyshield.truce.compare import compare, predictive_p
from skyshield.truce.model import MIN_FIT_NIGHTS, fit_counts, fitted_mean, simulate

ORIGIN = dt.date(2025, 3, 3)  # a Monday: the window's first night
WEEKDAY_EFFECT = np.array([0.0, 0.1, -0.1, 0.2, 0.0, 0.3, -0.2])  # log scale, Monday first
SEEDS = range(12)
LEVEL = 0.90


def synthetic(
    seed: int, effect: float, base: float = 80.0, alpha: float = 0.3, fit_nights: int = 56
) -> tuple[list[dt.date], np.ndarray, list[dt.date], np.ndarray]:
    """Fit nights and counts, window nights and counts (7 nights, mean times ``effect``)."""
    rng = np.random.default_rng(seed)
    nights = [ORIGIN + dt.timedelta(days=i - fit_nights) for i in range(fit_nights + 7)]
    weeks = np.array([(d - ORIGIN).days / 7 for d in nights])
    mu = base * np.exp(0.03 * weeks + WEEKDAY_EFFECT[[d.weekday() for d in nights]])
    mu[fit_nights:] *= effect
    y = rng.poisson(rng.gamma(1 / alpha, mu * alpha)).astype(float)
    return nights[:fit_nights], y[:fit_nights], nights[fit_nights:], y[fit_nights:]


def monitor(seed: int, effect: float) -> tuple[float, float, float]:
    """(ratio_low, ratio_high, p_drop) of the window's total."""
    fit_n, fit_y, win_n, win_y = synthetic(seed, effect)
    fit = fit_counts(fit_n, fit_y, ORIGIN)
    assert fit.model == "trend+weekday"
    draws = simulate(fit, win_n, np.random.default_rng(1000 + seed), 2000)
    c = compare([win_y], [draws], [fitted_mean(fit, win_n)], LEVEL)
    assert c.ratio_low is not None and c.ratio_high is not None
    assert c.ratio_low <= (c.ratio or 0.0) <= c.ratio_high
    return c.ratio_low, c.ratio_high, c.p_drop


@pytest.fixture(scope="module")
def drops() -> list[tuple[float, float, float]]:
    return [monitor(s, 0.2) for s in SEEDS]


@pytest.fixture(scope="module")
def no_change() -> list[tuple[float, float, float]]:
    return [monitor(s, 1.0) for s in SEEDS]


def test_an_80_percent_drop_is_flagged_on_every_seed(
    drops: list[tuple[float, float, float]],
) -> None:
    assert all(hi < 1.0 for _, hi, _ in drops)
    assert all(p < 0.01 for _, _, p in drops)


def test_the_ratio_interval_covers_the_injected_drop(
    drops: list[tuple[float, float, float]],
) -> None:
    covered = sum(lo <= 0.2 <= hi for lo, hi, _ in drops)
    # a calibrated 90 % interval covers at most 8 of 12 with probability 2.6 %
    assert covered >= 9, drops


def test_no_change_is_not_flagged(no_change: list[tuple[float, float, float]]) -> None:
    small = sum(p < 0.05 for _, _, p in no_change)
    # without a change p is about uniform: 3 or more of 12 below 0.05 has probability 2 %
    assert small <= 2, no_change
    covered = sum(lo <= 1.0 <= hi for lo, hi, _ in no_change)
    assert covered >= 9, no_change


def test_the_fit_recovers_trend_weekday_and_dispersion() -> None:
    fit_n, fit_y, _, _ = synthetic(0, 1.0, base=200.0, alpha=0.1, fit_nights=140)
    fit = fit_counts(fit_n, fit_y, ORIGIN)
    coef, se = fit.coefficients(), fit.standard_errors()
    for term, true in (("trend_per_week", 0.03), ("fri", 0.2), ("sat", 0.3), ("alpha", 0.1)):
        assert abs(coef[term] - true) < 3 * se[term], (term, coef[term], se[term])
    assert fit.pearson_chi2_df is not None and 0.6 < fit.pearson_chi2_df < 1.5


def test_the_same_seed_gives_the_same_draws() -> None:
    fit_n, fit_y, win_n, _ = synthetic(3, 1.0)
    fit = fit_counts(fit_n, fit_y, ORIGIN)
    a = simulate(fit, win_n, np.random.default_rng(7), 500)
    b = simulate(fit, win_n, np.random.default_rng(7), 500)
    assert np.array_equal(a.y, b.y) and np.array_equal(a.mu, b.mu)


def test_all_zero_fit_nights_fall_back_to_a_rate_near_zero() -> None:
    nights = [ORIGIN - dt.timedelta(days=i) for i in range(28, 0, -1)]
    fit = fit_counts(nights, np.zeros(28), ORIGIN)
    assert fit.model == "rate" and fit.launched == 0
    assert "no launches" in fit.notes[0]
    # Jeffreys posterior Gamma(0.5, 28): mean 0.5 / 28 launches a night
    assert fitted_mean(fit, [ORIGIN])[0] == pytest.approx(0.5 / 28)
    draws = simulate(fit, [ORIGIN], np.random.default_rng(1), 1000)
    c = compare([np.zeros(1)], [draws], [fitted_mean(fit, [ORIGIN])], LEVEL, with_ratio=False)
    assert c.ratio is None and c.low == 0 and c.p_drop > 0.9


def test_a_silent_weekday_drops_the_weekday_effects() -> None:
    fit_n, fit_y, _, _ = synthetic(5, 1.0)
    fit_y[[d.weekday() == 6 for d in fit_n]] = 0.0  # no launches on any Sunday
    fit = fit_counts(fit_n, fit_y, ORIGIN)
    assert fit.model == "trend"
    assert any("sun" in note for note in fit.notes)


def test_too_few_fit_nights_is_a_domain_error() -> None:
    nights = [ORIGIN - dt.timedelta(days=i) for i in range(MIN_FIT_NIGHTS - 1, 0, -1)]
    with pytest.raises(InputError, match="too few nights"):
        fit_counts(nights, np.ones(len(nights)), ORIGIN)


def test_predictive_p_counts_ties_and_never_reaches_zero() -> None:
    totals = np.array([0.0, 1.0, 2.0, 3.0])
    assert predictive_p(totals, 1.0) == (3 / 5, 4 / 5)
    assert predictive_p(totals, -1.0) == (1 / 5, 1.0)


def test_nothing_observed_gives_a_ratio_interval_from_zero() -> None:
    fit_n, fit_y, win_n, _ = synthetic(2, 1.0)
    fit = fit_counts(fit_n, fit_y, ORIGIN)
    draws = simulate(fit, win_n, np.random.default_rng(2), 1000)
    c = compare([np.zeros(7)], [draws], [fitted_mean(fit, win_n)], LEVEL)
    assert c.ratio == 0 and c.ratio_low == 0
    assert c.ratio_high is not None and 0 < c.ratio_high < 0.05
    assert c.p_drop == pytest.approx(1 / 1001)
