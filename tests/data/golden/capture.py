"""Capture the engine's golden outcome tables (run once, on the engine the tables pin down).

Run: ``.venv/bin/python tests/data/golden/capture.py``.  Writes, next to this file, the outcome
tables of a few seeds of the reference scenario against two nights: the reference raid and the
largest night of the shipped record (2025-06-28, 538 weapons), for both defences:

* ``fates.parquet``: every threat's fate, when and where, what killed it, terminal shots;
* ``engagements.parquet``: every fighter shot (time, aircraft, threat, weapon, Pk, kill, point);
* ``sorties.parquet``: every sortie (times, hours, fuel, weapons, kills);
* ``legs.parquet``: every fighter leg;
* ``metrics.parquet``: the replication's metrics (``analysis.replication_metrics``);
* ``sample_metrics.parquet`` and ``sample_fates.parquet``: a sample of 200 further replications
  of the reference raid (seeds 1000-1199): every replication's metrics, and its count of each
  fate per threat category and defence, for the statistical-equivalence test.

``tests/test_engine_golden.py`` replays the same seeds and compares the tables bit for bit.  The
tables were first captured from the engine before its kernel was rewritten (the compiled kernel
reproduced them exactly); they were captured again for the recalibrated ground layer (losses at a
distance over free Ukraine, night-to-night variation, Patriot-class sites).  Re-capture only for a
deliberate modelling change, and say so in the commit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skyshield.analysis.metrics import replication_metrics
from skyshield.engine.api import build_world
from skyshield.engine.sim import run_replication

HERE = Path(__file__).parent

#: (night, seeds) captured: the reference raid and the record's largest night.
CASES: tuple[tuple[str, tuple[int, ...]], ...] = (("reference", (1, 2, 3)), ("2025-06-28", (1, 2)))

#: Columns kept of the per-threat table (the rest is the flown raid, not the engine's answer).
FATE_COLUMNS = [
    "threat",
    "fate",
    "fate_time_s",
    "fate_x_km",
    "fate_y_km",
    "fate_asset",
    "killed_by",
    "terminal_shots",
]


def capture() -> dict[str, pd.DataFrame]:
    """The golden tables, one frame per kind, each row tagged with night, seed and defence."""
    parts: dict[str, list[pd.DataFrame]] = {
        k: [] for k in ("fates", "engagements", "sorties", "legs", "metrics")
    }
    for night, seeds in CASES:
        world = build_world("reference", night)
        for seed in seeds:
            out = run_replication(world, seed)
            tag = {"night": night, "seed": seed}
            for defence, oc in out.items():
                key = {**tag, "defence": defence}
                parts["fates"].append(oc.threats[FATE_COLUMNS].assign(**key))
                parts["engagements"].append(oc.engagements.assign(**key))
                parts["sorties"].append(oc.sorties.assign(**key))
                parts["legs"].append(oc.fighter_legs.assign(**key))
            m = replication_metrics(out, world.catalog)
            parts["metrics"].append(
                pd.DataFrame({"metric": list(m), "value": list(m.values())}).assign(**tag)
            )
    return {k: pd.concat([p for p in v if len(p)], ignore_index=True) for k, v in parts.items()}


#: Seeds of the statistical sample (the reference raid).
SAMPLE_SEEDS = range(1000, 1200)


def capture_sample() -> dict[str, pd.DataFrame]:
    """Metrics and fate counts per threat category of :data:`SAMPLE_SEEDS` on the reference."""
    world = build_world("reference", "reference")
    metrics, fates = [], []
    for seed in SAMPLE_SEEDS:
        out = run_replication(world, seed)
        metrics.append({"seed": seed, **replication_metrics(out, world.catalog)})
        for defence, oc in out.items():
            counts = oc.threats.groupby(["category", "fate"]).size().rename("count").reset_index()
            fates.append(counts.assign(seed=seed, defence=defence))
    return {
        "sample_metrics": pd.DataFrame(metrics),
        "sample_fates": pd.concat(fates, ignore_index=True),
    }


def main() -> None:
    """Capture and write the tables (zstd-compressed Parquet)."""
    for name, df in {**capture(), **capture_sample()}.items():
        df.to_parquet(HERE / f"{name}.parquet", compression="zstd", index=False)
        print(f"{name}: {len(df)} rows")


if __name__ == "__main__":
    main()
