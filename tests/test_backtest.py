"""The backtest of Ukraine's defences: the rolling origin never fits on the month it predicts,
PIT and interval coverage on a synthetic case with a known answer, the ground fit recovers
known parameters, and an end-to-end CLI run on a small hand-made record."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyshield.cli.main import main
from skyshield.engine import ground_fit
from skyshield.engine.ground import NIGHT_DF
from skyshield.engine.ground_fit import fit_group, free_parameters
from skyshield.record import SCHEMA_COLUMNS, read_record
from skyshield.scenario import LoadedScenario
from skyshield.scenario.params import load_ground_params
from skyshield.studies import backtests as backtest
from skyshield.studies.backtests import (
    _interval,
    drift_sd,
    month_range,
    randomised_pit,
    run_backtest,
    stratified_sample,
    training_months,
)

# ----------------------------------------------------------------------------- a small record

#: Nights of May and June 2025: a small drone raid, a few cruise and ballistic missiles.
NIGHTS = [dt.date(2025, 5, d) for d in (3, 10, 17)] + [dt.date(2025, 6, d) for d in (2, 9, 16)]


def small_record(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    rows = []
    for k, night in enumerate(NIGHTS):
        start = f"{night.isoformat()} 20:00"
        end = f"{(night + dt.timedelta(days=1)).isoformat()} 06:00"
        for model, launched, destroyed, not_reached, place in (
            ("Shahed-136/131", 12 + 2 * k, 8 + k, 2, "Kursk oblast and Bryansk oblast"),
            ("X-101/X-555", 3, 2, 0, "Engels-2"),
            ("Iskander-M", 2, k % 2, 0, "Bryansk oblast"),
        ):
            rows.append(
                {c: "" for c in SCHEMA_COLUMNS}
                | {
                    "time_start": start,
                    "time_end": end,
                    "model": model,
                    "launched": str(launched),
                    "destroyed": str(destroyed),
                    "not_reach_goal": str(not_reached),
                    "launch_place": place,
                    "target": "Ukraine",
                    "affected region": "['Kyiv oblast', 'Chernihiv oblast']",
                }
            )
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(SCHEMA_COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return path


# ----------------------------------------------------------------------------- rolling origin


def test_training_months_are_before_the_predicted_one() -> None:
    obs = pd.DataFrame(
        {
            "group": ["drones"] * 5,
            "month": [dt.date(2025, m, 1) for m in (1, 2, 3, 4, 5)],
            "at_risk": [10.0, 10.0, 10.0, 500.0, 10.0],
        }
    )
    june, april = dt.date(2025, 6, 1), dt.date(2025, 4, 1)
    assert training_months(june, "drones", obs, 2, 0.0) == [
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 1),
    ]
    # too few weapons in the last two months: the window reaches further back
    assert training_months(april, "drones", obs, 2, 25.0) == [
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 1),
    ]
    assert training_months(dt.date(2025, 1, 1), "drones", obs, 2, 0.0) == []


@pytest.mark.slow
def test_fitting_sees_only_nights_before_the_predicted_month(
    tmp_path: Path, reference: LoadedScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = read_record(small_record(tmp_path)).rows
    seen: list[tuple[Any, ...]] = []
    real = backtest.fit_ground

    def spy(exposures: pd.DataFrame, observations: pd.DataFrame, *a: Any, **k: Any) -> Any:
        seen.append((set(exposures["night"]), set(observations["night"])))
        return real(exposures, observations, *a, **k)

    monkeypatch.setattr(backtest, "fit_ground", spy)
    res = run_backtest(reference, rows, [dt.date(2025, 6, 1)], replications=2, seed=5)
    assert len(seen) == 3  # one fit per group
    for exposure_nights, observed_nights in seen:
        assert exposure_nights and observed_nights
        assert all(d < dt.date(2025, 6, 1) for d in exposure_nights | observed_nights)
    # the prediction is of June's nights only, and the fits are recorded with their data
    assert set(res.nights["month"]) == {dt.date(2025, 6, 1)}
    fits = res.fits[res.fits["parameter"] == "night_sd"]
    assert set(fits["last_night"]) == {dt.date(2025, 5, 17)}
    assert all(f == ["2025-05"] for f in fits["train_months"])


def test_a_month_without_earlier_data_is_refused(tmp_path: Path, reference: LoadedScenario) -> None:
    from skyshield.errors import InputError

    rows = read_record(small_record(tmp_path)).rows
    with pytest.raises(InputError, match="no month before 2025-05"):
        run_backtest(reference, rows, [dt.date(2025, 5, 1)], replications=2)
    with pytest.raises(InputError, match="no night with launches in 2025-07"):
        run_backtest(reference, rows, [dt.date(2025, 7, 1)], replications=2)


def test_month_range() -> None:
    assert month_range(dt.date(2024, 11, 5), dt.date(2025, 2, 1)) == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]


def test_stratified_sample_takes_one_night_per_size_stratum() -> None:
    nights = {dt.date(2025, 6, d): float(d * 10) for d in range(1, 31)}
    got = stratified_sample(nights, 3, np.random.default_rng(1))
    assert len(got) == 3 and got == sorted(got)
    days = [d.day for d in got]
    assert 1 <= days[0] <= 10 < days[1] <= 20 < days[2] <= 30
    assert stratified_sample(nights, 40, np.random.default_rng(1)) == sorted(nights)


def test_drift_by_hand() -> None:
    months = [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]
    obs = pd.DataFrame(
        {
            "group": "drones",
            "month": months,
            "at_risk": 1000.0,
            "got_through": [99.5, 999.5 / 11.0 * 1.0, 99.5, 99.5],
        }
    )
    # shares with odds 1/9 then 1/10 ... computed here the documented way
    y, n = obs["got_through"].to_numpy(), obs["at_risk"].to_numpy()
    odds = np.log((y + 0.5) / (n - y + 0.5))
    noise = 1 / (y + 0.5) + 1 / (n - y + 0.5)
    want = np.sqrt(max(np.var(np.diff(odds), ddof=1) - np.mean(noise[1:] + noise[:-1]), 0.0))
    assert drift_sd(obs, "drones", dt.date(2025, 5, 1), 6) == pytest.approx(want)
    assert drift_sd(obs, "drones", dt.date(2025, 3, 1), 6) == 0.0  # two months: too few
    flat = obs.assign(got_through=100.0)
    assert drift_sd(flat, "drones", dt.date(2025, 5, 1), 6) == 0.0


# ----------------------------------------------------------------------------- PIT and coverage


def test_pit_by_hand() -> None:
    samples = np.array([0, 1, 1, 2])
    assert randomised_pit(samples, 1, 0.5) == pytest.approx(0.5)  # F(0) = .25, F(1) = .75
    assert randomised_pit(samples, 0, 0.0) == 0.0
    assert randomised_pit(samples, 5, 0.3) == 1.0
    assert _interval(np.arange(100)) == (4, 94)


def test_pit_is_uniform_and_coverage_nominal_when_the_model_is_right() -> None:
    rng = np.random.default_rng(2025)
    nights, reps = 2000, 400
    n = rng.integers(20, 300, nights)
    p = rng.beta(2, 12, nights)
    pits, inside = [], []
    for k in range(nights):
        model = rng.binomial(n[k], p[k], reps)
        y = rng.binomial(n[k], p[k])
        pits.append(randomised_pit(model, y, rng.random()))
        lo, hi = _interval(model)
        inside.append(lo <= y <= hi)
    hist, _ = np.histogram(pits, bins=10, range=(0, 1))
    assert np.all(np.abs(hist / nights - 0.1) < 0.025)
    assert 0.88 <= np.mean(inside) <= 0.96
    # a model too sure of itself (half the spread) covers far fewer nights
    narrow = []
    for k in range(300):
        model = np.rint(n[k] * p[k] + 0.5 * (rng.binomial(n[k], p[k], reps) - n[k] * p[k]))
        lo, hi = _interval(model)
        narrow.append(lo <= rng.binomial(n[k], p[k]) <= hi)
    assert np.mean(narrow) < 0.75


# ----------------------------------------------------------------------------- the fit


@pytest.mark.slow
def test_fit_recovers_known_drone_parameters() -> None:
    """Counts drawn from the model itself, with known caps, rates and night spread."""
    rng = np.random.default_rng(7)
    base = load_ground_params()
    truth = {
        "ew_loss": 0.55,
        "ew_per_100km": 2.0,
        "area_max": 0.9,
        "area_per_100km": 3.0,
        "night_sd": 0.5,
    }
    params = ground_fit.merged(base, ground_fit.overrides_of({"drones": truth}, base))
    nights, rows = [], []
    for k in range(60):
        night = dt.date(2025, 1, 1) + dt.timedelta(days=k)
        size = int(rng.integers(60, 200))
        inside = rng.uniform(5.0, 500.0, size) * (rng.random() < 0.8) + rng.uniform(0, 40, size)
        frame = pd.DataFrame(
            {
                "night": night,
                "group": "drones",
                "class_id": "shahed-136",
                "category": "drone",
                "inside_km": inside,
                "site": "",
                "shots": 0,
            }
        )
        z = float(rng.standard_t(NIGHT_DF))
        p_ew, p_dead, p_thru = ground_fit.fate_probabilities(frame, params, [], z)
        fate = np.array(
            [
                rng.choice(3, p=np.array([a, b, c]) / (a + b + c))
                for a, b, c in zip(p_ew, p_dead, p_thru, strict=True)
            ]
        )
        nights.append(frame)
        rows.append(
            {
                "night": night,
                "group": "drones",
                "convention": "separate",
                "at_risk": float(size),
                "not_reached": float((fate == 0).sum()),
                "got_through": float((fate == 2).sum()),
            }
        )
    values, fit = fit_group("drones", pd.concat(nights), pd.DataFrame(rows), base, [])
    assert fit.converged and fit.nights == 60
    assert values["ew_loss"] == pytest.approx(truth["ew_loss"], abs=0.08)
    assert values["area_max"] == pytest.approx(truth["area_max"], abs=0.05)
    assert values["night_sd"] == pytest.approx(truth["night_sd"], abs=0.25)
    # the share that gets through on long routes is what matters most: within a point
    leak = (1 - values["ew_loss"]) * (1 - values["area_max"])
    assert leak == pytest.approx((1 - 0.55) * (1 - 0.9), abs=0.01)
    assert {f.name for f in free_parameters(base)["drones"]} == set(truth)


# ----------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_cli_backtest_one_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bt"
    code = main(
        [
            "record",
            "backtest",
            "--from",
            "2025-06",
            "--to",
            "2025-06",
            "--reps",
            "3",
            "--sample",
            "2",
            "--record",
            str(small_record(tmp_path)),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "Mean absolute error by month" in text and "90 % predictive interval" in text
    for name in (
        "backtest.json",
        "monthly.csv",
        "nights.csv",
        "fits.csv",
        "monthly.png",
        "pit.png",
    ):
        assert (out / name).stat().st_size > 0, name
    doc = json.loads((out / "backtest.json").read_text(encoding="utf-8"))
    assert doc["settings"]["months"] == ["2025-06"] and doc["settings"]["sample"] == 2
    assert {r["group"] for r in doc["mae"]} == {"drones", "cruise", "ballistic"}
    assert len({r["night"] for r in doc["nights"]}) == 2
    fitted = {(r["group"], r["parameter"]) for r in doc["fits"]}
    assert ("ballistic", "site_pk") in fitted and ("drones", "area_max") in fitted
    assert all(r["last_night"] < "2025-06-01" for r in doc["fits"] if r.get("last_night"))
    for r in doc["monthly"]:
        assert 0.0 <= r["model_share"] <= 1.0 and 0.0 <= r["record_share"] <= 1.0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "June", "--to", "2025-06"], "--from"),
        (["--from", "2025-06", "--to", "2025-05"], "before --from"),
    ],
)
def test_cli_backtest_bad_months_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["record", "backtest", *args]) == 2
    assert words in capsys.readouterr().err
