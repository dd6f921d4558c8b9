"""Sensitivity: each key assumption (a factor) at its low and its high value, one at a time, on
the base case's replication seeds; the paired differences from the base as a tornado table
(:mod:`skyshield.analysis.sensitivity`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skyshield.analysis.sensitivity import (
    LEVELS,
    Factor,
    Variant,
    known_metric,
    load_factors,
    make_variant,
    parameter_tree,
    scenario_data,
    tornado_table,
)
from skyshield.engine.api import build_world
from skyshield.errors import InputError, Problem
from skyshield.execution import Executor
from skyshield.runs import Store
from skyshield.scenario import LoadedScenario, scenario_from_data
from skyshield.studies.defaults import DEFAULT_METRIC
from skyshield.studies.inputs import RaidRef, RecordRef, ScenarioRef, loaded, night_of, raid_ref
from skyshield.studies.limits import MAX_REPLICATIONS, check_count
from skyshield.studies.progress import ProgressFn
from skyshield.studies.runner import Stage, run_world


@dataclass(frozen=True)
class SensitivityResult:
    """The base case's run and replications, every variant's (factor at a level, run id,
    replications), the tornado table for ``metric`` (:func:`tornado_table`) and the raid as
    stored."""

    base: LoadedScenario
    raid_ref: str
    metric: str
    base_run: str | None
    base_replications: pd.DataFrame
    variants: list[tuple[Variant, str | None, pd.DataFrame]]
    factors: list[Factor]
    runs: int
    seed: int
    seconds: float

    @property
    def table(self) -> pd.DataFrame:
        """The tornado table: one row per factor, largest swing first."""
        runs = [(v, run_id or "", reps) for v, run_id, reps in self.variants]
        return tornado_table(self.base_replications, runs, self.metric)


def sensitivity(
    scenario: ScenarioRef,
    *,
    runs: int,
    factors: Path | None = None,
    metric: str = DEFAULT_METRIC,
    raid: RaidRef = None,
    night: int = 1,
    seed: int = 1,
    executor: Executor | None = None,
    store: Store | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
    force: bool = False,
) -> SensitivityResult:
    """The base case and every factor of ``factors`` (a YAML factor file; default the shipped
    one) at its low and high value, ``runs`` replications each on the same seeds.  Every
    variant is built and checked before anything runs."""
    t0 = time.perf_counter()
    check_count("runs", runs, MAX_REPLICATIONS, force=force)
    if not known_metric(metric):
        raise InputError(
            [
                Problem(
                    "metric",
                    "",
                    f"not a metric: {metric!r}; expected e.g."
                    " shield.hits_on_assets, baseline.hits_on_assets,"
                    " marginal.hits_on_assets_avoided (see `skyshield mc`)",
                )
            ]
        )
    base = loaded(scenario)
    fs, origin = load_factors(factors)
    data, tree = scenario_data(base), parameter_tree(base)
    base_dir = next((src.base_dir for src in base.chain if src.base_dir is not None), None)
    variants = [make_variant(data, tree, f, lv, origin) for f in fs for lv in LEVELS]
    scenarios = [
        scenario_from_data(v.data, f"{base.origin} with {v.factor.id} {v.level}", base_dir)
        for v in variants
    ]
    ref = raid_ref(base, raid)
    the_night = night_of(base, raid, night, record, store)
    steps = 1 + len(variants)

    def one(ls: LoadedScenario, k: int, desc: str) -> tuple[str | None, pd.DataFrame]:
        res = run_world(
            build_world(ls, the_night),
            kind="sensitivity",
            raid_ref=ref,
            night=night,
            base_seed=seed,
            replications=runs,
            store=store,
            executor=executor,
            progress=progress,
            stage=Stage(desc, k, steps),
        )
        return res.run_id, res.replications

    base_run, base_reps = one(base, 1, "base case")
    out = []
    for k, (v, ls) in enumerate(zip(variants, scenarios, strict=True), 2):
        run_id, reps = one(ls, k, f"{v.factor.id} at {v.level}")
        out.append((v, run_id, reps))
    return SensitivityResult(
        base, ref, metric, base_run, base_reps, out, fs, runs, seed, time.perf_counter() - t0
    )
