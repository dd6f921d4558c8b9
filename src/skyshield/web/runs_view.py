"""Runs of the store as the page shows them: the list, one run's metrics, two runs compared.

Two runs are compared metric by metric: each run's mean with its 95 % interval, and the
difference (B minus A) with its 95 % interval.  Runs with the same base seed share their
replication seeds (common random numbers); their replications are paired by seed and the
interval is that of the mean paired difference (Student's t).  Otherwise the runs are
independent and the interval is Welch's.  Costs per unit of effect (ratios of means) are shown
without a difference interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from skyshield.analysis import MIN_INTERVAL_N, mean_interval, metric_table
from skyshield.analysis.summary import RATIOS, metric_values
from skyshield.runs import Store
from skyshield.runs.store import RUNNING

#: Runs listed at most (newest first).
MAX_RUNS_LISTED = 500


def plain(v: Any) -> Any:
    """A value as JSON: NaN and infinities as None, NumPy numbers as Python, times as ISO text."""
    if isinstance(v, float | np.floating):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return v


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-able rows (NaN and infinities as null, times as ISO text)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def list_runs(store: Store) -> list[dict[str, Any]]:
    """Every run, newest first (at most :data:`MAX_RUNS_LISTED`)."""
    return records(store.runs().head(MAX_RUNS_LISTED))


def run_detail(store: Store, run_id: str) -> dict[str, Any]:
    """One run's row (without its scenario text) and its metric table."""
    row = {k: plain(v) for k, v in store.run(run_id).items() if k != "scenario_text"}
    row["status"] = status_now(store, run_id, row["status"])
    return {"run": row, "metrics": records(metric_table(store.run_metrics(run_id)))}


def status_now(store: Store, run_id: str, stored: str) -> str:
    """A run's status as the list of runs gives it (a ``running`` run whose process is gone
    reads ``interrupted``)."""
    if stored != RUNNING:
        return stored
    listed = store.runs()
    mine = listed.loc[listed["run_id"] == run_id, "status"]
    return str(mine.iloc[0]) if len(mine) else stored


def welch_interval(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Welch's interval for ``mean(b) - mean(a)`` of two independent samples (finite values
    only); NaN when either has fewer than :data:`MIN_INTERVAL_N` values; the difference itself
    when neither has any spread."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < MIN_INTERVAL_N or len(b) < MIN_INTERVAL_N:
        return math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff = float(b.mean() - a.mean())
    if va + vb == 0:
        return diff, diff
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2.0, dof) * math.sqrt(va + vb))
    return diff - half, diff + half


def compare_runs(store: Store, run_a: str, run_b: str) -> dict[str, Any]:
    """Two runs side by side with the difference B - A and its interval, metric by metric."""
    ra, rb = store.run(run_a), store.run(run_b)
    ra["status"] = status_now(store, run_a, ra["status"])
    rb["status"] = status_now(store, run_b, rb["status"])
    reps_a, reps_b = store.run_metrics(run_a), store.run_metrics(run_b)
    paired = int(ra["base_seed"]) == int(rb["base_seed"])
    ta = metric_table(reps_a).set_index("metric")
    tb = metric_table(reps_b).set_index("metric")
    order = list(ta.index) + [m for m in tb.index if m not in ta.index]
    common = (
        reps_a[["seed"]].merge(reps_b[["seed"]], on="seed")["seed"] if paired else pd.Series([])
    )
    rows = []
    for m in order:
        row: dict[str, Any] = {"metric": m}
        for tag, table in (("a", ta), ("b", tb)):
            for col in ("mean", "ci95_low", "ci95_high", "n"):
                row[f"{col}_{tag}"] = table.loc[m, col] if m in table.index else math.nan
        row["difference"] = row["mean_b"] - row["mean_a"]
        low = high = math.nan
        if m in RATIOS or m not in ta.index or m not in tb.index:
            pass
        elif paired and len(common):
            va = metric_values(reps_a.set_index("seed"), m).reindex(common)
            vb = metric_values(reps_b.set_index("seed"), m).reindex(common)
            iv = mean_interval((vb - va).to_numpy(float))
            low, high = iv.low, iv.high
        else:
            low, high = welch_interval(
                metric_values(reps_a, m).to_numpy(float), metric_values(reps_b, m).to_numpy(float)
            )
        row["difference_low"], row["difference_high"] = low, high
        rows.append({k: plain(v) for k, v in row.items()})
    return {
        "a": {k: plain(v) for k, v in ra.items() if k != "scenario_text"},
        "b": {k: plain(v) for k, v in rb.items() if k != "scenario_text"},
        "paired": bool(paired and len(common)),
        "pairs": len(common),
        "rows": rows,
    }
