"""Run a stored run again and check that it reproduces its numbers: every replication's
metrics and every threat's fate, after checking that what the store holds is whole."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from skyshield.analysis.uncertainty import UncertainWorld, is_uncertain, load_uncertainty
from skyshield.errors import InputError, Problem
from skyshield.execution import Executor, Rep, replication_seeds, run_replications
from skyshield.runs import Store
from skyshield.runs.provenance import stored_scenario
from skyshield.studies.inputs import RecordRef, world_of
from skyshield.studies.progress import Progress, ProgressFn, no_progress
from skyshield.version import __version__

#: The columns of a fate that a rerun must reproduce exactly.
_FATE_KEYS = ("rep", "defence", "threat", "fate", "fate_asset", "killed_by")


@dataclass(frozen=True)
class Rerun:
    """The outcome of a rerun: replications run again, metrics that differ (by name),
    replications whose threats' fates differ (by index), and metrics this version computes
    that the run's version did not store (``metrics_new``, not compared); ``made_by`` the
    version of skyshield that made the run, ``now`` this one (numbers may differ between
    versions where the model changed: the changelog says where)."""

    run_id: str
    replications: int
    metrics_differ: list[str]
    fates_differ: list[int]
    metrics_new: list[str] = field(default_factory=list)
    made_by: str = ""
    now: str = ""

    @property
    def same(self) -> bool:
        """True if every metric and every fate came out the same."""
        return not self.metrics_differ and not self.fates_differ


def _check_whole(store: Store, run_id: str, n: int, threats: int) -> pd.DataFrame:
    """The run's stored metrics; InputError unless every replication is stored with its
    metrics and one fate per threat and defence (nothing deleted or half-written)."""
    metrics = store.run_metrics(run_id)
    counts = store.fate_counts(run_id)
    problems = []
    have = set(metrics["rep"]) if len(metrics) else set()
    if have != set(range(n)):
        problems.append(f"{len(have)} of its {n} replications have metrics")
    full = counts[counts["threats"] == threats]
    whole = full.groupby("rep").size()
    complete = set(whole[whole == 2].index)
    if complete != set(range(n)):
        problems.append(
            f"{len(complete)} of its {n} replications have every threat's fate ({threats}"
            " threats, two defences)"
        )
    if problems:
        raise InputError(
            [
                Problem(
                    str(store.path),
                    f"run {run_id}",
                    "cannot check that the run reproduces: "
                    + "; ".join(problems)
                    + " (an interrupted run: `skyshield mc --resume`; else the store was edited)",
                )
            ]
        )
    return metrics


def rerun(
    store: Store,
    run_id: str,
    *,
    executor: Executor | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
) -> Rerun:
    """Simulate every replication of stored run ``run_id`` again and compare its metrics
    (to rounding) and its threats' fates (exactly) with the stored ones."""
    row = store.run(run_id)
    n, night = int(row["replications"]), int(row["night"])
    world = world_of(stored_scenario(row), str(row["raid"]), night, record, store)
    stored = _check_whole(store, run_id, n, world.night.total)
    show = progress or no_progress
    show(Progress("rerun", 0, n, run_id=run_id))
    finished = 0

    def on_block(block: list[Rep]) -> None:
        nonlocal finished
        finished += len(block)
        show(Progress("rerun", finished, n, run_id=run_id))

    runnable = (
        UncertainWorld(world, load_uncertainty(world.ls))
        if is_uncertain(str(row["kind"]))
        else world
    )
    again = run_replications(
        runnable, list(enumerate(replication_seeds(int(row["base_seed"]), n))), executor, on_block
    )
    fresh = pd.DataFrame([{"rep": r.rep, "seed": r.seed, **r.metrics} for r in again])
    cols = sorted(c for c in stored.columns if c not in ("rep", "seed"))
    new_metrics = sorted(c for c in fresh.columns if c not in stored.columns)
    differ = [
        c
        for c in cols
        if c not in fresh
        or not np.allclose(stored[c].to_numpy(float), fresh[c].to_numpy(float), equal_nan=True)
    ]
    keys = list(_FATE_KEYS)
    old = store.run_fates(run_id)[keys].sort_values(keys[:3], ignore_index=True)
    new = (
        pd.concat([r.fates.assign(rep=r.rep) for r in again], ignore_index=True)[keys]
        .sort_values(keys[:3], ignore_index=True)
        .astype(old.dtypes.to_dict())
    )
    mismatch = (
        (old != new).any(axis=1) if len(old) == len(new) else pd.Series(True, index=old.index)
    )
    bad_reps = (
        sorted({int(r) for r in old.loc[mismatch, "rep"]})
        if len(old) == len(new)
        else list(range(n))
    )
    return Rerun(run_id, n, differ, bad_reps, new_metrics, str(row["code_version"]), __version__)
