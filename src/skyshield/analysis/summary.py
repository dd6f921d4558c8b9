"""Every metric of a set of replications as a table of means and 95 % intervals
(:mod:`skyshield.analysis.stats` says how each kind of metric gets its interval)."""

from __future__ import annotations

import pandas as pd

from skyshield.analysis.stats import mean_interval, metric_kind, ratio_interval

#: Metrics listed first, in this order (the rest follow alphabetically).
HEADLINE = (
    "baseline.hits_on_assets",
    "shield.hits_on_assets",
    "marginal.hits_on_assets_avoided",
    "baseline.protection_ratio",
    "shield.protection_ratio",
    "marginal.leakers_avoided",
    "shield.killed_fighter",
    "baseline.killed_ground",
    "shield.killed_ground",
    "baseline.lost_ew",
    "shield.sorties",
    "shield.flight_hours",
    "shield.shots",
    "shield.shield_cost_usd",
    "marginal.cost_per_hit_avoided_usd",
    "shield.cost_exchange_ratio",
    "shield.pilot_exposure_min_km",
)


#: Costs per unit of effect, reported as a ratio of means over all replications (numerator,
#: denominator), not as the mean of per-replication ratios (:func:`ratio_interval`).
RATIOS = {
    "marginal.cost_per_hit_avoided_usd": (
        "shield.shield_cost_usd",
        "marginal.hits_on_assets_avoided",
    ),
    "shield.cost_per_fighter_kill_usd": ("shield.shield_cost_usd", "shield.killed_fighter"),
}


def metric_values(reps: pd.DataFrame, metric: str) -> pd.Series:
    """A metric over the replications (NaN where undefined); hits per asset and shots per
    weapon type, stored only where not 0, count as 0 where absent."""
    values = reps[metric] if metric in reps else pd.Series(float("nan"), index=reps.index)
    return values.fillna(0.0) if ".hits." in metric or ".weapons." in metric else values


def metric_table(reps: pd.DataFrame, metrics: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Mean and 95 % interval of each metric over the replications (one row per replication,
    one column per metric, as :meth:`Store.run_metrics` gives them).  Hits per asset and shots
    per weapon type absent in a replication count as 0; the costs per unit of effect in
    :data:`RATIOS` are ratios of means with a delta-method interval.  ``metrics`` picks and orders the metrics; by default the headline
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
        values = metric_values(reps, m)
        num, den = RATIOS.get(m, ("", ""))
        if num in reps and den in reps:
            iv = ratio_interval(reps[num].to_numpy(float), reps[den].to_numpy(float))
        else:
            iv = mean_interval(values.to_numpy(float), kind=metric_kind(m))
        rows.append(
            {"metric": m, "mean": iv.mean, "ci95_low": iv.low, "ci95_high": iv.high, "n": iv.n}
        )
    return pd.DataFrame(rows)
