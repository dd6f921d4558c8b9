"""The engine's answers do not move: outcome tables bit for bit against golden files.

``tests/data/golden/*.parquet`` were captured by ``tests/data/golden/capture.py`` from the engine
before its kernel was rewritten for speed: the tables of seeds 1-3 of the reference scenario
against the reference raid and of seeds 1-2 against the record's largest night (2025-06-28),
both defences, and the metrics of 200 further replications of the reference (seeds 1000-1199).
Every table (fates, shots, sorties, fighter legs, metrics) must come out identical, value for
value, and so must the metrics of the first 40 sampled replications: a faster kernel may not
change what it decides.  (Identical, not statistically equivalent: the new kernel draws the
same random numbers in the same order, so any difference is a change of the model.)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skyshield.analysis.metrics import replication_metrics
from skyshield.engine.api import build_world
from skyshield.engine.sim import Outcome, run_replication
from skyshield.engine.world import World

GOLDEN = Path(__file__).parent / "data" / "golden"

#: (night, seed) of the golden tables.
CASES = [("reference", 1), ("reference", 2), ("reference", 3), ("2025-06-28", 1), ("2025-06-28", 2)]


@cache
def golden(name: str) -> pd.DataFrame:
    return pd.read_parquet(GOLDEN / f"{name}.parquet")


@cache
def world(night: str) -> World:
    return build_world("reference", night)


def stored(name: str, night: str, seed: int, defence: str | None = None) -> pd.DataFrame:
    df = golden(name)
    keep = (df["night"] == night) & (df["seed"] == seed)
    if defence is not None:
        keep &= df["defence"] == defence
    return df[keep].drop(columns=[c for c in ("night", "seed", "defence") if c in df])


def assert_same(ours: pd.DataFrame, theirs: pd.DataFrame, what: str) -> None:
    """Equal value for value (floats exactly, NaN where NaN), whatever the string dtypes."""
    assert list(ours.columns) == list(theirs.columns), what
    assert len(ours) == len(theirs), f"{what}: {len(ours)} rows, golden {len(theirs)}"
    for col in ours.columns:
        a, b = ours[col].to_numpy(), theirs[col].to_numpy()
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            same = np.array_equal(a.astype(float), b.astype(float), equal_nan=True)
        else:
            same = [str(x) for x in a] == [str(x) for x in b]
        assert same, f"{what}: column {col} differs"


@pytest.mark.parametrize(("night", "seed"), CASES)
def test_outcome_tables_are_the_golden_ones(night: str, seed: int) -> None:
    w = world(night)
    out = run_replication(w, seed)
    fate_cols = [c for c in golden("fates").columns if c not in ("night", "seed", "defence")]
    for defence, oc in out.items():
        at = f"{night} seed {seed} {defence}"
        assert_same(oc.threats[fate_cols], stored("fates", night, seed, defence), f"{at} fates")
        for table in ("engagements", "sorties", "fighter_legs"):
            name = "legs" if table == "fighter_legs" else table
            ours: pd.DataFrame = getattr(oc, table)
            theirs = stored(name, night, seed, defence)
            if ours.empty:
                assert theirs.empty, f"{at} {table}: none, golden {len(theirs)}"
            else:
                assert_same(
                    ours.reset_index(drop=True), theirs.reset_index(drop=True), f"{at} {table}"
                )
    assert_metrics(out, w, night, seed)


def assert_metrics(out: dict[str, Outcome], w: World, night: str, seed: int) -> None:
    ours = replication_metrics(out, w.catalog)
    theirs = stored("metrics", night, seed).set_index("metric")["value"].to_dict()
    assert set(ours) == set(theirs)
    for k, v in ours.items():
        assert v == theirs[k] or (np.isnan(v) and np.isnan(theirs[k])), f"{night} {seed}: {k}"


@pytest.mark.slow
def test_sampled_replications_have_the_golden_metrics() -> None:
    """The metrics of 40 replications of the reference raid, every one of them, exactly."""
    sample = golden("sample_metrics").set_index("seed")
    w = world("reference")
    for seed in sample.index[:40]:
        ours = replication_metrics(run_replication(w, int(seed)), w.catalog)
        theirs = sample.loc[seed]
        for k, v in ours.items():
            assert v == theirs[k] or (np.isnan(v) and np.isnan(theirs[k])), f"seed {seed}: {k}"
