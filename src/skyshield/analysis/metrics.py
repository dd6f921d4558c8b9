"""The metrics of one replication (docs/engine.md, "Costs and the night") as a flat mapping name -> number."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from skyshield.catalog import Catalog
from skyshield.engine.names import FATES
from skyshield.engine.sim import Outcome

#: Per-defence figures taken from :meth:`Outcome.summary` (counts, hours, USD).
SUMMARY_KEYS = (
    "threats",
    *FATES,
    "leakers",
    "hits_on_assets",
    "sorties",
    "flight_hours",
    "threats_engaged",
    "shots",
    "weapon_cost_usd",
    "flight_cost_usd",
    "support_cost_usd",
    "shield_cost_usd",
    "cost_per_fighter_kill_usd",
    "cost_exchange_ratio",
    "pilot_exposure_min_km",
    "night_h",
)


def replication_metrics(outcomes: dict[str, Outcome], catalog: Catalog) -> dict[str, float]:
    """Flat metrics of one replication: ``<defence>.<figure>``, hits per asset as
    ``<defence>.hits.<asset>``, shots per weapon type as ``<defence>.weapons.<weapon>`` (both
    only where not 0), protection ratio, and, with both defences, ``marginal.*``
    (baseline minus shield, :func:`marginal_metrics`) and the shield's cost per hit avoided."""
    out: dict[str, float] = {}
    for name, oc in outcomes.items():
        s = oc.summary(catalog)
        for k in SUMMARY_KEYS:
            out[f"{name}.{k}"] = float(s[k])
        aimed = oc.threats["aim_kind"].to_numpy(dtype=str) == "asset"
        at_assets = int(np.count_nonzero(aimed))
        hits_aimed = int(
            np.count_nonzero(aimed & (oc.threats["fate"].to_numpy(dtype=str) == "hit_asset"))
        )
        out[f"{name}.protection_ratio"] = 1.0 - hits_aimed / at_assets if at_assets else math.nan
        for asset, n in s["hits_by_asset"].items():
            out[f"{name}.hits.{asset}"] = float(n)
        for weapon, n in s["weapons"].items():
            out[f"{name}.weapons.{weapon}"] = float(n)
    if {"baseline", "shield"} <= set(outcomes):
        out.update(marginal_metrics(out))
    return out


def marginal_metrics(m: dict[str, float]) -> dict[str, float]:
    """What the shield changes in one replication, from its ``baseline.*`` and ``shield.*``
    metrics ``m`` (counts a night; the same threats fly in both runs):

    - ``hits_on_assets_avoided``, ``leakers_avoided``: baseline minus shield;
    - ``other_leakers_avoided``: leakers avoided that would not have hit a protected asset (they
      would have hit elsewhere or come down outside the protected area);
    - ``killed_ground_fewer``, ``lost_ew_fewer``: how many fewer threats Ukraine's ground
      defences kill and electronic warfare downs with the shield (fighters took them first);
    - ``stopped_anyway``: the sum of those two, the fighter kills the ground layer would have
      stopped without the shield; with no fighter kills in the baseline, fighter kills equal
      ``stopped_anyway + leakers_avoided`` (every threat ends one way);
    - ``cost_per_hit_avoided_usd``: the shield's cost over the hits avoided (NaN without one).
    """
    avoided = m["baseline.hits_on_assets"] - m["shield.hits_on_assets"]
    leakers = m["baseline.leakers"] - m["shield.leakers"]
    ground = m["baseline.killed_ground"] - m["shield.killed_ground"]
    ew = m["baseline.lost_ew"] - m["shield.lost_ew"]
    cost = m["shield.shield_cost_usd"]
    return {
        "marginal.hits_on_assets_avoided": avoided,
        "marginal.leakers_avoided": leakers,
        "marginal.other_leakers_avoided": leakers - avoided,
        "marginal.killed_ground_fewer": ground,
        "marginal.lost_ew_fewer": ew,
        "marginal.stopped_anyway": ground + ew,
        "marginal.cost_per_hit_avoided_usd": cost / avoided if avoided > 0 else math.nan,
    }


#: Columns of the per-threat fate table of a replication (as stored in the run store).
FATE_COLUMNS = (
    "defence",
    "threat",
    "class_id",
    "aim_id",
    "fate",
    "fate_asset",
    "killed_by",
    "fate_time_s",
)


def threat_fates(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """Every threat's fate in each defence of one replication: one row per (defence, threat),
    with its class, aim, fate, the asset it hit (or ""), what killed it (or "") and when (s)."""
    frames = [oc.threats.assign(defence=name) for name, oc in outcomes.items()]
    if not frames:
        return pd.DataFrame(columns=list(FATE_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(FATE_COLUMNS)]
