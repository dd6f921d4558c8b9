"""The shipped baseline (Ukraine's own defences, no fighters) against the record of 2025.

The issue's requirement: with the baseline defence parameters shipped, the destroyed rate of
each main threat class on the built-in reference raid lies within the range the record shows
for 2025 (the min..max of its monthly destroyed rates).  The reference raid's routes are long
(aimed far west), so this checks that area attrition saturates rather than killing nearly
everything on long routes (see ``benchmarks/calibrate_ground.py`` for the full tables).

Main classes checked: the four of the reference raid (shahed-136, kh-101, kalibr, iskander-m).
Left out: iskander-k and kh-59, main classes of the record's calibration, because the reference
raid has none (``benchmarks/calibrate_ground.py`` checks them on the record's own nights).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from skyshield.engine.api import build_world
from skyshield.engine.sim import run_replication
from skyshield.record import summarise

#: Main classes flown by the reference raid.
MAIN = ("shahed-136", "kh-101", "kalibr", "iskander-m")

#: The record's 2025 (the shipped snapshot covers 2025-01..06).
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)

#: A month counts for a class's range when it has at least this many launched (with
#: ``destroyed`` given), as in the calibration.
MIN_MONTH = 5

#: Seeds of the reference raid.
SEEDS = range(8)


def record_ranges(rows: pd.DataFrame) -> dict[str, tuple[float, float, int]]:
    """Min and max over 2025's months of the record's destroyed rate, and the number of months
    counted, per main class."""
    table = summarise(rows, START, END, by="month")
    cols = ["destroyed", "launched_destroyed_known"]
    monthly = table.groupby(["class_key", "period"])[cols].sum()
    monthly = monthly[monthly["launched_destroyed_known"] >= MIN_MONTH]
    rate = monthly["destroyed"] / monthly["launched_destroyed_known"]
    by_class = rate.groupby(level="class_key")
    lo, hi, months = by_class.min(), by_class.max(), by_class.size()
    return {c: (float(lo[c]), float(hi[c]), int(months[c])) for c in MAIN if c in months}


@pytest.fixture(scope="module")
def ranges(record_rows: pd.DataFrame) -> dict[str, tuple[float, float, int]]:
    return record_ranges(record_rows)


@pytest.fixture(scope="module")
def baseline_fates() -> pd.DataFrame:
    """Class and fate of every threat of the reference raid's baseline runs, with the seed."""
    world = build_world("reference", "reference")
    parts = []
    for seed in SEEDS:
        th = run_replication(world, seed, ("baseline",))["baseline"].threats
        parts.append(th[["class_id", "fate"]].assign(seed=seed))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("class_id", MAIN)
def test_reference_raid_destroyed_rate_within_the_2025_record(
    ranges: dict[str, tuple[float, float, int]], baseline_fates: pd.DataFrame, class_id: str
) -> None:
    assert class_id in ranges, f"the record has no month of 2025 with {MIN_MONTH}+ {class_id}"
    lo, hi, months = ranges[class_id]
    assert months >= 2 and lo < hi  # a range, not one month
    mine = baseline_fates[baseline_fates["class_id"] == class_id]
    assert set(mine["seed"]) == set(SEEDS), f"the reference raid has no {class_id}"
    per_seed = mine.groupby("seed")["fate"].apply(lambda f: float((f == "killed_ground").mean()))
    destroyed = float(np.mean(per_seed))
    assert lo <= destroyed <= hi, (
        f"{class_id}: destroyed {destroyed:.3f}, record {lo:.2f}..{hi:.2f}"
    )
