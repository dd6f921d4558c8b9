"""The raid generator: fit on the record, statistical checks, hand cases, determinism."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from skyshield.errors import InputError
from skyshield.raids import fit, generate, parse_window, sample_counts
from skyshield.raids.generator import KYIV, window_totals

JUNE = (date(2025, 6, 1), date(2025, 6, 30))


@pytest.mark.slow
def test_fitted_month_median_within_15_percent(record_rows: pd.DataFrame) -> None:
    """For every class launched on at least 5 nights of June 2025, the generator's median
    monthly launches lie within 15 % of the record's."""
    model = fit(record_rows, *JUNE)
    totals = window_totals(model, 400, np.random.default_rng(2024))
    median = totals.groupby("class_key")["launched"].median()
    checked = []
    for cm in model.classes:
        if cm.record_nights >= 5:
            checked.append(cm.class_key)
            assert median[cm.class_key] == pytest.approx(cm.record_total, rel=0.15), cm.class_key
    assert "shahed-136" in checked and len(checked) >= 5


def test_nightly_size_distribution_not_rejected(record_rows: pd.DataFrame) -> None:
    """Two-sample Kolmogorov-Smirnov test of Shahed sizes on attack nights: not rejected at 1 %."""
    model = fit(record_rows, *JUNE)
    june = record_rows[(record_rows["night"] >= JUNE[0]) & (record_rows["night"] <= JUNE[1])]
    rec = june[june["class_key"] == "shahed-136"].groupby("night")["launched"].sum()
    gen = sample_counts(model, 300, np.random.default_rng(99))
    gen = gen[(gen["class_key"] == "shahed-136") & (gen["launched"] > 0)]["launched"]
    assert len(rec) == 30
    assert ks_2samp(rec.to_numpy(), gen.to_numpy()).pvalue > 0.01


def rows_for(sizes: dict[int, int], cls: str = "shahed-136") -> pd.DataFrame:
    """Synthetic record rows: ``sizes`` maps a June 2025 day to weapons launched that night."""
    out = []
    for day, n in sizes.items():
        start = datetime(2025, 6, day, 20, 0, tzinfo=KYIV)
        out.append(
            {
                "night": date(2025, 6, day),
                "class_key": cls,
                "launched": float(n),
                "launch_areas": ["kursk", "oryol"],
                "time_start": pd.Timestamp(start),
                "time_end": pd.Timestamp(start) + pd.Timedelta(hours=12),
            }
        )
    return pd.DataFrame(out)


def test_hand_case_constant_nights() -> None:
    # 10 nights of June with 100 each: p = 10/30, no spread, no trend, level log(100)
    rows = rows_for({d: 100 for d in range(1, 31, 3)})
    [cm] = fit(rows, *JUNE).classes
    assert cm.p == pytest.approx(10 / 30)
    assert cm.sigma == pytest.approx(0.0)
    assert cm.b == pytest.approx(0.0, abs=1e-12)
    assert cm.record_total == 1000
    # two areas named on every row share the weapons equally
    assert dict(zip(cm.areas, cm.area_weights, strict=True)) == {"kursk": 0.5, "oryol": 0.5}
    # launches start 8 h after noon, windows 12 h long
    assert set(cm.timing) == {(8.0, 12.0)}


def test_hand_case_trend() -> None:
    # sizes doubling every 10 nights: the fitted trend is 2^(1/10) - 1 = 7.18 % a night
    rows = rows_for({1: 100, 11: 200, 21: 400})
    [cm] = fit(rows, *JUNE).classes
    assert np.exp(cm.b) - 1 == pytest.approx(2 ** (1 / 10) - 1, rel=1e-9)
    assert cm.sigma == pytest.approx(0.0, abs=1e-9)


def test_generated_nights_are_valid_and_deterministic(record_rows: pd.DataFrame) -> None:
    model = fit(record_rows, *JUNE)
    a = generate(model, 10, np.random.default_rng(7), "x")
    b = generate(model, 10, np.random.default_rng(7), "x")
    assert a == b
    assert [n.name for n in a] == [f"x-{i:03d}" for i in range(1, 11)]
    for n in a:
        for g in n.groups:
            assert g.count > 0 and g.launch_end_h >= g.launch_start_h >= 0


@pytest.mark.parametrize("bad", ["2025-13", "June", "2025-06-30:2025-06-01"])
def test_bad_window(bad: str) -> None:
    with pytest.raises(InputError):
        parse_window(bad)


def test_window_parsing() -> None:
    assert parse_window("2025-02") == (date(2025, 2, 1), date(2025, 2, 28))
    assert parse_window("2025-01-05:2025-01-20") == (date(2025, 1, 5), date(2025, 1, 20))
