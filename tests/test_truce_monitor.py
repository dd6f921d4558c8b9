"""The truce monitor end to end on synthetic record rows: a drop with one night that broke
the truce, a threshold, a truce on targets, nights left out of the fit, and its errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyshield.errors import InputError
from skyshield.record.importer import KYIV
from skyshield.truce import TOTAL, TruceResult, custom_window, run_monitor, verdict

FIRST = dt.date(2025, 3, 3)  # the truce's first night
BREAK_NIGHT = dt.date(2025, 3, 5)


def report(night: dt.date, launched: float, target: str = "Ukraine") -> dict[str, Any]:
    """A Shahed report from 20:00 on ``night`` to 08:00 the next morning."""
    start = pd.Timestamp(dt.datetime.combine(night, dt.time(20), tzinfo=KYIV))
    return {
        "night": night,
        "time_start": start,
        "time_end": start + pd.Timedelta(hours=12),
        "date_only": False,
        "class_key": "shahed-136",
        "category": "drone",
        "launched": float(launched),
        "target": target,
        "target_main": "",
        "target_regions": [],
        "affected_regions": [],
    }


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Ten weeks of nightly reports (NB counts, mean 100, alpha 0.2), then a week of truce
    with no launch but 5 on one night, then a week after."""
    rng = np.random.default_rng(11)
    out = []
    for i in range(-70, 14):
        night = FIRST + dt.timedelta(days=i)
        if 0 <= i < 7:
            n = 5.0 if night == BREAK_NIGHT else 0.0
        else:
            n = float(rng.poisson(rng.gamma(5.0, 20.0)))
        if n:
            out.append(report(night, n))
    return pd.DataFrame(out)


def window(**fields: Any) -> Any:
    base: dict[str, Any] = {
        "name": "test",
        "title": "Test truce",
        "kind": "launches",
        "from": FIRST,
        "to": FIRST + dt.timedelta(days=6),
        "classes": ("shahed-136",),
        "notes": ("assumption: test",),
    }
    return custom_window(base | fields)


def run(rows: pd.DataFrame, w: Any, **kw: Any) -> TruceResult:
    return run_monitor(rows, w, np.random.default_rng(3), draws=1000, **kw)


def test_a_drop_and_the_night_that_broke_it(rows: pd.DataFrame) -> None:
    result = run(rows, window())
    c = result.total
    assert c.observed == 5.0
    assert c.ratio_high is not None and c.ratio_high < 0.1 and c.p_drop < 0.01
    assert result.breaks["night"].tolist() == [BREAK_NIGHT]
    assert result.breaks["status"].tolist() == ["broken"]
    text = verdict(result)
    assert text[0].startswith("Test truce: launches fell to") and "broken on 1 night(s)" in text[0]
    assert f"Night of {BREAK_NIGHT} broken: 5 launched" in " ".join(text)


def test_the_table_adds_up(rows: pd.DataFrame) -> None:
    result = run(rows, window())
    t = result.nights
    truce = t[t["period"] == "truce"]
    parts = truce[["inside_hours", "overlapping", "outside_hours"]].sum(axis=1)
    assert np.allclose(parts, truce["observed"])
    total = truce[truce["class"] == TOTAL]
    assert total["observed"].sum() == result.total.observed
    assert (truce["low"] <= truce["high"]).all() and (truce["low"] >= 0).all()
    fit = t[(t["period"] == "fit") & (t["class"] == TOTAL)]
    assert len(fit) == 56 and fit["night"].max() == FIRST - dt.timedelta(days=1)


def test_a_threshold_lets_a_few_launches_pass(rows: pd.DataFrame) -> None:
    result = run(rows, window(), threshold=10)
    assert result.breaks.empty
    assert "none with more than 10 launches" in verdict(result)[0]


def test_a_report_overlapping_the_end_is_a_possible_break(rows: pd.DataFrame) -> None:
    # the truce ends at 02:00 after its last night: that night's 20:00-08:00 report overlaps
    extra = pd.DataFrame([report(FIRST + dt.timedelta(days=6), 40)])
    ends = dt.datetime.combine(FIRST + dt.timedelta(days=7), dt.time(2), tzinfo=KYIV)
    starts = dt.datetime.combine(FIRST, dt.time(18), tzinfo=KYIV)
    result = run(pd.concat([rows, extra], ignore_index=True), window(starts=starts, ends=ends))
    assert result.window.coverage(FIRST + dt.timedelta(days=6)) == "partial"
    statuses = dict(zip(result.breaks["night"], result.breaks["status"], strict=True))
    assert statuses == {BREAK_NIGHT: "broken", FIRST + dt.timedelta(days=6): "possibly broken"}
    # the partial night is left out of the totals
    assert result.total.observed == 5.0


def test_a_truce_on_targets_is_judged_on_the_record_words(rows: pd.DataFrame) -> None:
    w = window(kind="targets", target_words=("energy", "substation"))
    silent = run(rows, w)
    assert silent.targets is not None and silent.targets.window_nights_named == ()
    assert "launch counts cannot settle" in " ".join(verdict(silent))
    named = pd.concat(
        [rows, pd.DataFrame([report(BREAK_NIGHT, 3, target="Kyiv oblast, energy facility")])],
        ignore_index=True,
    )
    result = run(named, w)
    assert result.targets is not None
    assert result.targets.window_nights_named == (BREAK_NIGHT,)
    assert result.breaks["status"].tolist() == ["targets named"]
    assert f"Broken, by the record's own words, on the nights of {BREAK_NIGHT}" in " ".join(
        verdict(result)
    )


def test_nights_of_other_truces_are_left_out_of_the_fit(rows: pd.DataFrame) -> None:
    left = {FIRST - dt.timedelta(days=d): "other" for d in (10, 11)}
    result = run(rows, window(), leave_out=left)
    assert dict(result.fit_left_out) == left
    assert result.classes[0].fit.nights == 54


def test_a_window_outside_the_record_names_its_span(rows: pd.DataFrame) -> None:
    late = window(**{"from": FIRST + dt.timedelta(days=30), "to": FIRST + dt.timedelta(days=31)})
    with pytest.raises(
        InputError, match="the record covers the nights from 2024-12-23 to 2025-03-16"
    ):
        run(rows, late)


def test_too_few_nights_before_the_window(rows: pd.DataFrame) -> None:
    with pytest.raises(InputError, match=r"too few nights to fit.*fit on 10 weeks or fewer"):
        run(rows, window(), fit_weeks=12)
    with pytest.raises(InputError, match="at least 3 weeks"):
        run(rows, window(), fit_weeks=2)
