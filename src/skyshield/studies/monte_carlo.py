"""Monte Carlo of one night: N replications with Ukraine's defences alone and with the shield,
on common random numbers, every metric's mean with its interval."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from skyshield.analysis import metric_table
from skyshield.engine.sim import World
from skyshield.execution import Executor
from skyshield.runs import Store
from skyshield.runs.provenance import stored_scenario
from skyshield.studies.inputs import (
    RaidRef,
    RecordRef,
    ScenarioRef,
    loaded,
    night_of,
    raid_ref,
    world_of,
)
from skyshield.studies.limits import MAX_REPLICATIONS, check_count
from skyshield.studies.progress import ProgressFn
from skyshield.studies.runner import Stage, run_world


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo run: its world, its stored run (None if not stored), its base seed, the
    raid as stored, one row per replication (``rep``, ``seed``, one column per metric) and the
    wall time of this call (s)."""

    world: World
    run_id: str | None
    base_seed: int
    raid_ref: str
    replications: pd.DataFrame
    seconds: float

    @property
    def table(self) -> pd.DataFrame:
        """Every metric's mean and interval (:func:`skyshield.analysis.metric_table`)."""
        return metric_table(self.replications)


def montecarlo(
    scenario: ScenarioRef,
    *,
    raid: RaidRef = None,
    night: int = 1,
    runs: int,
    seed: int = 1,
    executor: Executor | None = None,
    store: Store | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
    force: bool = False,
) -> MonteCarloResult:
    """``runs`` replications of ``raid`` (default: the scenario's, else ``reference``; a date
    reads ``record``, see :func:`skyshield.studies.inputs.record_rows`) against ``scenario``,
    on ``executor`` (default: this process), stored in ``store`` if given.

    Replication ``k`` has the seed ``SeedSequence(seed).spawn(runs)[k]``: the same inputs give
    the same numbers on any machine and executor.  More than
    :data:`~skyshield.studies.limits.MAX_REPLICATIONS` need ``force``.
    """
    check_count("runs", runs, MAX_REPLICATIONS, force=force)
    ls = loaded(scenario)
    world = world_of(ls, night_of(ls, raid, night, record, store))
    ref = raid_ref(ls, raid)
    res = run_world(world, kind="mc", raid_ref=ref, night=night, base_seed=seed,
                    replications=runs, store=store, executor=executor, progress=progress,
                    stage=Stage("monte carlo"))  # fmt: skip
    return MonteCarloResult(world, res.run_id, seed, ref, res.replications, res.seconds)


def resume_montecarlo(
    run_id: str,
    *,
    store: Store,
    executor: Executor | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
) -> MonteCarloResult:
    """Continue stored run ``run_id``: only its missing replications run, with the seeds they
    would have had, so the result equals an uninterrupted run's."""
    row = store.run(run_id)
    n, base, night = int(row["replications"]), int(row["base_seed"]), int(row["night"])
    ls = loaded(stored_scenario(row))
    ref = str(row["raid"])
    world = world_of(ls, ref, night, record, store)
    res = run_world(world, kind=str(row["kind"]), raid_ref=ref, night=night, base_seed=base,
                    replications=n, store=store, executor=executor, progress=progress,
                    stage=Stage("monte carlo"), resume_run=run_id)  # fmt: skip
    return MonteCarloResult(world, run_id, base, ref, res.replications, res.seconds)
