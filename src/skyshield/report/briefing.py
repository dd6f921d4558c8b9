"""The summary of an assessment (:class:`skyshield.studies.Assessment`).

:func:`assessment_summary` turns an assessment into the mapping written as
``summary.json``; the HTML report takes every number it shows from that mapping, so the two
cannot disagree.  Units: counts a night, USD, km, s.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from skyshield.analysis import INTERVAL_METHOD, Interval, mean_interval, metric_table
from skyshield.analysis.summary import metric_values
from skyshield.engine.names import DEFENCES, FATES
from skyshield.engine.sim import World
from skyshield.report.counterfactual import counterfactual_summary
from skyshield.runs import text_sha256
from skyshield.studies import Assessment
from skyshield.version import __version__

#: Headline figures of ``summary.json`` (key -> the stored replication metric).
HEADLINE_METRICS = {
    "hits_on_assets_baseline": "baseline.hits_on_assets",
    "hits_on_assets_shield": "shield.hits_on_assets",
    "hits_on_assets_avoided": "marginal.hits_on_assets_avoided",
    "protection_ratio_baseline": "baseline.protection_ratio",
    "protection_ratio_shield": "shield.protection_ratio",
    "killed_by_fighters": "shield.killed_fighter",
    "sorties": "shield.sorties",
    "flight_hours": "shield.flight_hours",
    "shots": "shield.shots",
    "weapon_cost_usd": "shield.weapon_cost_usd",
    "cost_per_night_usd": "shield.shield_cost_usd",
    "cost_per_hit_avoided_usd": "marginal.cost_per_hit_avoided_usd",
    "cost_exchange_ratio": "shield.cost_exchange_ratio",
    "pilot_exposure_min_km": "shield.pilot_exposure_min_km",
}


def interval_json(iv: Interval) -> dict[str, float | int | None]:
    """An interval as JSON numbers (None where undefined)."""
    return {"mean": clean(iv.mean), "low": clean(iv.low), "high": clean(iv.high), "n": iv.n}


def clean(x: float) -> float | None:
    """A float for JSON: None if it is not finite."""
    return float(x) if math.isfinite(x) else None


def asset_hits(reps: pd.DataFrame, world: World) -> list[dict[str, Any]]:
    """Hits a night on each protected asset, without and with the shield, and the hits avoided
    (paired by replication), with 95 % intervals; assets by baseline hits, most first."""
    rows = []
    for a in world.ls.assets:
        b = metric_values(reps, f"baseline.hits.{a.id}").to_numpy(float)
        s = metric_values(reps, f"shield.hits.{a.id}").to_numpy(float)
        rows.append(
            {
                "asset": a.id,
                "name": a.name,
                "kind": a.kind,
                "value": a.value,
                "baseline": interval_json(mean_interval(b, kind="nonnegative")),
                "shield": interval_json(mean_interval(s, kind="nonnegative")),
                "avoided": interval_json(mean_interval(b - s)),
            }
        )
    return sorted(rows, key=lambda r: (-(r["baseline"]["mean"] or 0.0), r["asset"]))


def assessment_summary(a: Assessment) -> dict[str, Any]:
    """The summary of an assessment (``summary.json``): provenance, the force plan's totals,
    every metric's mean and 95 % interval, the headline figures, hits per asset, kills by layer,
    the sample night, the sizing sweep and the timings."""
    w = a.world
    ls, plan, night = w.ls, w.plan, w.night
    table = metric_table(a.reps)
    metrics = {
        str(r.metric): interval_json(Interval(r.mean, r.ci95_low, r.ci95_high, int(r.n)))
        for r in table.itertuples(index=False)
    }
    totals = plan.totals()
    # the headline's figures are the metric table's (costs per effect as ratios of means)
    shown = metric_table(a.reps, tuple(HEADLINE_METRICS.values())).itertuples(index=False)
    headline: dict[str, Any] = {
        k: interval_json(Interval(r.mean, r.ci95_low, r.ci95_high, int(r.n)))
        for k, r in zip(HEADLINE_METRICS, shown, strict=True)
    }
    headline_total = None
    if a.total is not None:
        shown_total = metric_table(a.total, tuple(HEADLINE_METRICS.values())).itertuples(
            index=False
        )
        headline_total = {
            k: interval_json(Interval(r.mean, r.ci95_low, r.ci95_high, int(r.n)))
            for k, r in zip(HEADLINE_METRICS, shown_total, strict=True)
        }
    headline.update(
        stations_held=int(totals["stations_held"]),
        stations=int(totals["stations"]),
        jets_committed=clean(totals["aircraft_committed"]),
        jets_pledged=int(totals["aircraft_pledged"]),
    )
    by_class: dict[str, int] = {}
    for g in night.groups:
        by_class[g.threat] = by_class.get(g.threat, 0) + g.count
    shield = a.sample.outcomes["shield"]
    sample_summary = {d: oc.summary(w.catalog) for d, oc in a.sample.outcomes.items()}
    sweep = None
    if a.sweep is not None:
        col = f"set:{a.sweep_path}"
        measured = [
            c for c in a.sweep.columns if c.startswith(("baseline.", "shield.", "marginal."))
        ]
        names = [c for c in measured if not c.endswith((".low", ".high"))]
        sweep = {
            "path": a.sweep_path,
            "runs": a.sweep_runs,
            "points": [
                {
                    "value": row[col].item() if hasattr(row[col], "item") else row[col],
                    "run_id": str(row["run_id"]),
                    "metrics": {
                        m: {
                            "mean": clean(float(row[m])),
                            "low": clean(float(row[f"{m}.low"])),
                            "high": clean(float(row[f"{m}.high"])),
                        }
                        for m in names
                    },
                }
                for _, row in a.sweep.iterrows()
            ],
        }
    return {
        "scenario": ls.scenario.name,
        "description": ls.scenario.description,
        "origin": ls.origin,
        "scenario_sha256": text_sha256(ls.text),
        "raid": {
            "ref": a.raid_ref,
            "night": night.name,
            "source": night.source,
            "weapons": night.total,
            "by_class": by_class,
        },
        "version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": a.seed,
        "replications": len(a.reps),
        "workers": a.workers,
        "run_id": a.run_id,
        "store": str(a.store.resolve()) if a.store else None,
        "command": a.command,
        "rerun": (
            f"skyshield runs rerun {a.run_id} --store {a.store.resolve()}"
            if a.run_id and a.store
            else None
        ),
        "totals": {k: clean(v) for k, v in totals.items()},
        "shortfalls": list(plan.shortfalls),
        "interval_method": INTERVAL_METHOD,
        "headline": headline,
        "headline_total": headline_total,
        "uncertain_inputs": (
            "the same replications with the uncertain inputs drawn anew for each: kill"
            " probabilities, detection ranges, C2 and reaction times, drone speed, the ground"
            " layer's effectiveness, costs and the share aimed at protected assets, each between"
            " its sensitivity range's low and high value"
            if a.total is not None
            else None
        ),
        "kills_by_layer": {
            d: {f: metrics.get(f"{d}.{f}", interval_json(mean_interval([]))) for f in FATES}
            for d in DEFENCES
        },
        "hits_by_asset": asset_hits(a.reps, w),
        "metrics": metrics,
        "sample_night": {
            "rep": a.sample.rep,
            "seed": a.sample.seed,
            "fates": {d: {f: int(s[f]) for f in FATES} for d, s in sample_summary.items()},
            "sorties": len(shield.sorties),
            "shots": len(shield.engagements),
            "weapons": sample_summary["shield"]["weapons"],
        },
        "sweep": sweep,
        "timings_s": {k: round(v, 2) for k, v in a.timings_s.items()},
        "recent_record": counterfactual_summary(a.recent) if a.recent is not None else None,
    }
