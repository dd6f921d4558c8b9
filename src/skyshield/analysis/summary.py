"""Every metric of a set of replications as a table of means and 95 % intervals."""

from __future__ import annotations

import pandas as pd

from skyshield.analysis.stats import mean_interval

#: Metrics listed first, in this order (the rest follow alphabetically).
HEADLINE = (
    "baseline.hits_on_assets", "shield.hits_on_assets", "marginal.hits_on_assets_avoided",
    "baseline.protection_ratio", "shield.protection_ratio", "marginal.leakers_avoided",
    "shield.killed_fighter", "baseline.killed_ground", "shield.killed_ground", "baseline.lost_ew",
    "shield.sorties", "shield.flight_hours", "shield.shots", "shield.shield_cost_usd",
    "marginal.cost_per_hit_avoided_usd", "shield.cost_exchange_ratio", "shield.pilot_exposure_min_km",
)  # fmt: skip


def metric_table(reps: pd.DataFrame, metrics: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Mean and 95 % interval of each metric over the replications (one row per replication,
    one column per metric, as :meth:`Store.run_metrics` gives them).  Hits per asset and shots
    per weapon type absent in a replication count as 0.  ``metrics`` picks and orders the metrics; by default the headline
    ones come first, then the rest alphabetically."""
    present = [c for c in reps.columns if c not in ("rep", "seed")]
    if metrics is None:
        order = [m for m in HEADLINE if m in present] + sorted(
            m for m in present if m not in HEADLINE
        )
    else:
        order = list(metrics)
    rows = []
    for m in order:
        values = reps[m] if m in reps else pd.Series(dtype=float)
        if ".hits." in m or ".weapons." in m:
            values = values.fillna(0.0)
        iv = mean_interval(values.to_numpy(float))
        rows.append(
            {"metric": m, "mean": iv.mean, "ci95_low": iv.low, "ci95_high": iv.high, "n": iv.n}
        )
    return pd.DataFrame(rows)
