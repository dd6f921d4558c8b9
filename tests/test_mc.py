"""Monte Carlo: intervals, seeds, executors and the stored run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.analysis import mean_interval, metric_table
from skyshield.analysis.stats import ratio_interval
from skyshield.cli.main import main
from skyshield.engine.api import build_world
from skyshield.engine.names import FATES
from skyshield.execution import LocalProcesses, replication_seeds, run_replications
from skyshield.raids import Night, ThreatGroup
from skyshield.runs import Store

NIGHT = Night(
    name="mc-night",
    start="2025-06-07T20:00:00+03:00",  # type: ignore[arg-type]
    groups=[
        ThreatGroup(threat="shahed-136", count=40, launch_area="kursk", launch_end_h=3.0),
        ThreatGroup(
            threat="kh-101", count=4, launch_area="engels", launch_start_h=3.0, launch_end_h=4.0
        ),
    ],
)


def test_interval_by_hand() -> None:
    """Ten values 1, 2, ..., 10: mean 5.5, s = 3.0277, se = 0.95743, t(0.975, 9) = 2.26216.
    As a difference: 5.5 -+ 2.1659; as a count: 5.5 x exp(-+ 2.26216 x 0.95743 / 5.5)."""
    x = np.arange(1.0, 11.0)
    half = 2.262157 * np.std(x, ddof=1) / np.sqrt(10)
    iv = mean_interval(x)
    assert (iv.mean, iv.n) == (5.5, 10)
    assert (iv.low, iv.high) == pytest.approx((5.5 - half, 5.5 + half), rel=1e-6)
    k = np.exp(half / 5.5)
    count = mean_interval(x, kind="nonnegative")
    assert (count.low, count.high) == pytest.approx((5.5 / k, 5.5 * k), rel=1e-6)
    share = mean_interval(x / 20, kind="share")  # 0.05 .. 0.5, mean 0.275: logit scale
    z, h = np.log(0.275 / 0.725), half / 20 / (0.275 * 0.725)
    assert (share.low, share.high) == pytest.approx(
        (1 / (1 + np.exp(-(z - h))), 1 / (1 + np.exp(-(z + h)))), rel=1e-6
    )
    assert mean_interval([np.nan, np.inf, 4.0]).n == 1  # undefined values are left out
    same = mean_interval([3.0] * 12, kind="nonnegative")
    assert (same.low, same.high) == (3.0, 3.0)


def test_no_interval_from_fewer_than_ten_replications() -> None:
    iv = mean_interval([1.0, 2.0, 30.0], kind="nonnegative")
    assert iv.mean == 11.0 and np.isnan(iv.low) and np.isnan(iv.high)
    assert np.isnan(ratio_interval([10.0] * 9, [2.0] * 9).low)


@pytest.mark.parametrize(
    ("draw", "mean", "kind"),
    [
        (lambda rng: rng.poisson(3.0, 10).astype(float), 3.0, "nonnegative"),
        (lambda rng: rng.normal(5.0, 2.0, 20), 5.0, "difference"),
        (lambda rng: rng.binomial(40, 0.85, 12) / 40, 0.85, "share"),
    ],
)
def test_intervals_cover_the_true_mean_95_percent_of_the_time(
    draw: object, mean: float, kind: str
) -> None:
    """1,000 repetitions (fixed seed): each interval covers the true mean in 93-97 %."""
    rng = np.random.default_rng(2024)
    covered = 0
    for _ in range(1000):
        iv = mean_interval(draw(rng), kind=kind)  # type: ignore[operator,arg-type]
        covered += iv.low <= mean <= iv.high
    assert 0.93 <= covered / 1000 <= 0.97


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=40),
    st.sampled_from(["nonnegative", "share"]),
)
def test_intervals_never_leave_the_range_of_what_they_measure(counts: list[int], kind: str) -> None:
    """Counts never get a negative bound; shares stay in [0, 1] (the ``-44.9 to 132.9 hits``
    and ``84-103 %`` of small samples are impossible); fewer than 10 values get none."""
    x = np.asarray(counts, dtype=float) / (5.0 if kind == "share" else 1.0)
    iv = mean_interval(x, kind=kind)  # type: ignore[arg-type]
    if len(x) < 10:
        assert np.isnan(iv.low) and np.isnan(iv.high)
        return
    assert 0.0 <= iv.low <= iv.mean <= iv.high
    if kind == "share":
        assert iv.high <= 1.0


@pytest.mark.slow
@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.floats(0, 1e7), st.integers(min_value=0, max_value=40)),
        min_size=10,
        max_size=40,
    )
)
def test_cost_per_effect_never_below_zero(pairs: list[tuple[float, int]]) -> None:
    cost = np.array([c for c, _ in pairs])
    avoided = np.array([a for _, a in pairs], dtype=float)
    iv = ratio_interval(cost, avoided)
    if avoided.mean() > 0:
        assert iv.low >= 0 and iv.low <= iv.mean <= iv.high


def test_seeds_are_reproducible_and_distinct() -> None:
    a, b = replication_seeds(7, 50), replication_seeds(7, 50)
    assert a == b and len(set(a)) == 50
    assert replication_seeds(7, 10) == a[:10]  # a longer run extends a shorter one
    assert replication_seeds(8, 10) != a[:10]


@pytest.mark.slow
def test_same_aggregates_with_one_and_two_workers() -> None:
    world = build_world("small", NIGHT)
    reps = list(enumerate(replication_seeds(3, 6)))
    one = run_replications(world, reps, LocalProcesses(1), block_size=2)
    two = run_replications(world, reps, LocalProcesses(2), block_size=2)
    assert [(r.rep, r.seed) for r in one] == [(r.rep, r.seed) for r in two]
    # compared as tables, where NaN (e.g. cost per hit avoided with none avoided) equals NaN
    pd.testing.assert_frame_equal(
        pd.DataFrame([r.metrics for r in one]), pd.DataFrame([r.metrics for r in two])
    )


@pytest.mark.slow
def test_mc_command_stores_every_replication(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    assert main(["mc", "small", "--raid", "2025-06-08", "--runs", "4", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "marginal.hits_on_assets_avoided" in out and "ci95_low" in out
    con = duckdb.connect(str(store), read_only=True)
    try:
        status = con.execute(
            "SELECT status, replications, scenario_sha256 FROM runs.runs"
        ).fetchall()
        reps = con.execute("SELECT count(DISTINCT rep) FROM runs.metrics").fetchone()
    finally:
        con.close()
    assert [(s, n) for s, n, _ in status] == [("done", 4)] and len(status[0][2]) == 64
    assert reps is not None and reps[0] == 4


@pytest.mark.slow
def test_stored_fates_one_per_threat_and_equal_to_the_metrics(tmp_path: Path) -> None:
    """The run store keeps every threat's fate: exactly one per (replication, defence, threat),
    and their counts are the stored metrics; `runs export --table fates` writes them."""
    store = tmp_path / "s.duckdb"
    assert main(["mc", "small", "--raid", "2025-06-08", "--runs", "3", "--store", str(store)]) == 0
    with Store(store) as s:
        run_id = str(s.runs()["run_id"].iloc[0])
        fates, metrics = s.run_fates(run_id), s.run_metrics(run_id).set_index("rep")
    n_threats = int(metrics["shield.threats"].iloc[0])
    assert len(fates) == 3 * 2 * n_threats
    assert not fates.duplicated(["rep", "defence", "threat"]).any()
    assert set(fates["fate"]) <= set(FATES)
    counts = fates.groupby(["rep", "defence", "fate"]).size()
    for (rep, defence, fate), n in counts.items():
        assert metrics.loc[rep, f"{defence}.{fate}"] == n
    hits = fates[fates["fate"] == "hit_asset"]
    assert (hits["fate_asset"] != "").all() and (
        fates.loc[fates["fate"] != "hit_asset", "fate_asset"] == ""
    ).all()
    out = tmp_path / "fates.parquet"
    assert (
        main(
            ["runs", "export", run_id, "--table", "fates", "--out", str(out), "--store", str(store)]
        )
        == 0
    )
    pd.testing.assert_frame_equal(pd.read_parquet(out), fates)


def test_mc_bad_runs_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", "small", "--runs", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_absent_hits_and_weapons_count_as_zero() -> None:
    """A weapon fired in one replication of two has a mean of half its shots, not all of them."""
    reps = pd.DataFrame(
        {
            "rep": [0, 1],
            "seed": [1, 2],
            "shield.weapons.AIM-9X": [4.0, np.nan],
            "shield.hits.kyiv": [np.nan, 2.0],
            "shield.sorties": [10.0, 12.0],
        }
    )
    table = metric_table(reps).set_index("metric")
    assert table.loc["shield.weapons.AIM-9X", "mean"] == 2.0
    assert table.loc["shield.hits.kyiv", "mean"] == 1.0
    assert table.loc["shield.sorties", "mean"] == 11.0
    assert (table["n"] == 2).all()


def test_ratio_of_means_by_hand() -> None:
    """Cost per hit avoided is total cost over total hits avoided, every replication counted:
    a night with nothing avoided raises the ratio instead of being dropped."""
    cost, avoided = np.array([10.0] * 10), np.array([2.0, 0.0, 4.0] * 3 + [2.0])
    iv = ratio_interval(cost, avoided)
    assert iv.mean == 5.0 and iv.n == 10  # 100 / 20; the mean of the defined ratios is larger
    resid = cost - 5.0 * avoided
    se = resid.std(ddof=1) / (np.sqrt(10) * 2.0)
    k = np.exp(2.262157 * se / 5.0)  # t(0.975, 9), on the log scale
    assert (iv.low, iv.high) == pytest.approx((5.0 / k, 5.0 * k), rel=1e-6)
    assert np.isnan(ratio_interval([1.0, 2.0], [0.0, 0.0]).mean)  # nothing avoided at all
    cost, avoided = cost[:3], avoided[:3]
    reps = pd.DataFrame(
        {
            "rep": [0, 1, 2],
            "seed": [1, 2, 3],
            "shield.shield_cost_usd": cost,
            "marginal.hits_on_assets_avoided": avoided,
            "marginal.cost_per_hit_avoided_usd": cost / np.where(avoided > 0, avoided, np.nan),
        }
    )
    row = metric_table(reps).set_index("metric").loc["marginal.cost_per_hit_avoided_usd"]
    assert (row["mean"], row["n"]) == (5.0, 3)
