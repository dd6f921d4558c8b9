"""What the shield would have done on the nights of the record: every night flown with and
without the shield on common random numbers; totals are sums of nights; the shield never adds
hits on protected assets on the same random numbers."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from skyshield.execution import LocalProcesses
from skyshield.runs import Store
from skyshield.studies.counterfactual import (
    NIGHT_FIGURES,
    night_values,
    record_counterfactual,
    sum_interval,
)

JUNE_7, JUNE_9 = dt.date(2025, 6, 7), dt.date(2025, 6, 9)


@pytest.fixture(scope="module")
def three_nights(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = Store(tmp_path_factory.mktemp("cf") / "s.duckdb")
    cf = record_counterfactual(
        "small", JUNE_7, JUNE_9, runs_per_night=3, seed=4, executor=LocalProcesses(2), store=store
    )
    return cf, store


@pytest.mark.slow
def test_every_night_is_flown_and_stored(three_nights) -> None:  # type: ignore[no-untyped-def]
    cf, store = three_nights
    assert [n.night for n in cf.nights] + cf.skipped == [JUNE_7, dt.date(2025, 6, 8), JUNE_9]
    runs = store.runs().set_index("run_id")
    for n in cf.nights:
        assert runs.loc[n.run_id, "raid"] == n.night.isoformat()
        assert runs.loc[n.run_id, "status"] == "done" and runs.loc[n.run_id, "stored"] == 3
        assert n.weapons > 0 and len(n.replications) == 3


@pytest.mark.slow
def test_the_shield_never_adds_hits_on_the_same_random_numbers(three_nights) -> None:  # type: ignore[no-untyped-def]
    cf, _ = three_nights
    for n in cf.nights:
        b = night_values(n.replications, "hits_baseline")
        s = night_values(n.replications, "hits_shield")
        assert np.all(s <= b), n.night
        assert np.array_equal(night_values(n.replications, "hits_avoided"), b - s)


@pytest.mark.slow
def test_totals_are_sums_of_the_nights(three_nights) -> None:  # type: ignore[no-untyped-def]
    cf, _ = three_nights
    table, totals, per_night = cf.table(), cf.totals(), cf.per_night()
    for figure in NIGHT_FIGURES:
        assert totals[figure].mean == pytest.approx(table[figure].sum())
        assert per_night[figure].mean == pytest.approx(table[figure].mean())
        assert totals[figure].n == 9
    assert table["hits_baseline"].isna().sum() == 0
    assert table["hits_baseline.low"].isna().all()  # 3 replications a night: no interval
    top = cf.most_changed(2)
    best = sorted((v for v in table["hits_avoided"] if v > 0), reverse=True)[:2]
    assert top["hits_avoided"].tolist() == best


def test_sum_interval_by_hand() -> None:
    # two nights of 5 replications each: means 2 and 4, variances 2.5 and 1.0
    a, b = np.array([0.0, 1, 2, 3, 4]), np.array([3.0, 3, 4, 5, 5])
    iv = sum_interval([a, b])
    va, vb = 2.5 / 5, 1.0 / 5
    dof = (va + vb) ** 2 / (va**2 / 4 + vb**2 / 4)
    from scipy import stats

    half = stats.t.ppf(0.975, dof) * math.sqrt(va + vb)
    assert (iv.mean, iv.n) == (6.0, 10)
    assert (iv.low, iv.high) == pytest.approx((6 - half, 6 + half))
    count = sum_interval([a, b], kind="nonnegative")
    k = math.exp(half / 6)
    assert (count.low, count.high) == pytest.approx((6 / k, 6 * k))
    assert math.isnan(sum_interval([a[:4]]).low)  # 4 replications in all: no interval


def test_a_range_without_launches_says_where_the_record_runs(tmp_path: Path) -> None:
    from skyshield.errors import InputError

    with pytest.raises(InputError, match="the record runs from 2022"):
        record_counterfactual("small", dt.date(2030, 1, 1), dt.date(2030, 1, 31), runs_per_night=1)


@pytest.mark.slow
def test_assess_record_range_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from skyshield.cli.main import main

    out = tmp_path / "out"
    args = [
        "assess",
        "small",
        "--record",
        "2025-06-07..2025-06-08",
        "--record-runs",
        "2",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Over the 2 nights of the record from 2025-06-07 to 2025-06-08" in text
    doc = json.loads((out / "record.json").read_text())
    assert doc["nights"] == 2 and doc["replications_per_night"] == 2
    assert (out / "record_nights.png").read_bytes()[:4] == b"\x89PNG"
    assert len((out / "record_nights.csv").read_text().splitlines()) == 3
    bad = ["assess", "small", "--record", "2025-06-09..2025-06-01"]
    with pytest.raises(SystemExit) as exc:
        main(bad)
    assert exc.value.code == 2


def test_verdict_figures_subtract_as_printed() -> None:
    """Totals are sums of per-night means (not whole numbers): printed to one unit, 76.5 and
    61.0 leave 15.5, where whole numbers rounded half to even gave 76 - 61 = 16."""
    from skyshield.analysis.stats import Interval
    from skyshield.report.counterfactual import _text

    nan = float("nan")
    assert [_text(Interval(x, nan, nan, 2), unit=0.1) for x in (76.5, 61.0, 15.5)] == [
        "76.5",
        "61.0",
        "15.5",
    ]
    assert _text(Interval(1234.5, 1200.04, 1270.0, 5)) == "1,230 [1,200, 1,270]"
