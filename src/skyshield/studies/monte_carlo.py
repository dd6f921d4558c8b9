"""Monte Carlo of one night: N replications with Ukraine's defences alone and with the shield,
on common random numbers, every metric's mean with its interval."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from skyshield.analysis import metric_table
from skyshield.analysis.uncertainty import (
    UNCERTAIN_KIND,
    UncertainWorld,
    is_uncertain,
    load_uncertainty,
)
from skyshield.engine.world import World
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

    total: pd.DataFrame | None = None
    total_run_id: str | None = None

    @property
    def table(self) -> pd.DataFrame:
        """Every metric's mean and interval (:func:`skyshield.analysis.metric_table`); with
        parameter uncertainty, also ``total_mean``, ``total_low`` and ``total_high``: the same
        replications with the uncertain inputs drawn anew for each (the total interval beside
        the dice-only one)."""
        table = metric_table(self.replications)
        if self.total is None:
            return table
        total = metric_table(self.total, tuple(table["metric"]))
        return table.assign(
            total_mean=total["mean"].to_numpy(),
            total_low=total["ci95_low"].to_numpy(),
            total_high=total["ci95_high"].to_numpy(),
        )


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
    uncertainty: bool = False,
    force: bool = False,
) -> MonteCarloResult:
    """``runs`` replications of ``raid`` (default: the scenario's, else ``reference``; a date
    reads ``record``, see :func:`skyshield.studies.inputs.record_rows`) against ``scenario``,
    on ``executor`` (default: this process), stored in ``store`` if given.

    Replication ``k`` has the seed ``SeedSequence(seed).spawn(runs)[k]``: the same inputs give
    the same numbers on any machine and executor.  More than
    :data:`~skyshield.studies.limits.MAX_REPLICATIONS` need ``force``.  With ``uncertainty``,
    the same replications run a second time with the uncertain inputs drawn anew for each
    (:mod:`skyshield.analysis.uncertainty`; stored as a run of kind ``mc+uncertainty``).
    """
    check_count("runs", runs, MAX_REPLICATIONS, force=force)
    ls = loaded(scenario)
    world = world_of(ls, night_of(ls, raid, night, record, store))
    ref = raid_ref(ls, raid)
    steps = 2 if uncertainty else 1
    res = run_world(
        world,
        kind="mc",
        raid_ref=ref,
        night=night,
        base_seed=seed,
        replications=runs,
        store=store,
        executor=executor,
        progress=progress,
        stage=Stage("monte carlo", 1, steps),
    )
    if not uncertainty:
        return MonteCarloResult(world, res.run_id, seed, ref, res.replications, res.seconds)
    total = run_world(
        UncertainWorld(world, load_uncertainty(ls)),
        kind=UNCERTAIN_KIND["mc"],
        raid_ref=ref,
        night=night,
        base_seed=seed,
        replications=runs,
        store=store,
        executor=executor,
        progress=progress,
        stage=Stage("monte carlo with parameter uncertainty", 2, steps),
    )
    return MonteCarloResult(
        world,
        res.run_id,
        seed,
        ref,
        res.replications,
        res.seconds + total.seconds,
        total.replications,
        total.run_id,
    )


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
    kind = str(row["kind"])
    runnable = UncertainWorld(world, load_uncertainty(ls)) if is_uncertain(kind) else world
    res = run_world(
        runnable,
        kind=kind,
        raid_ref=ref,
        night=night,
        base_seed=base,
        replications=n,
        store=store,
        executor=executor,
        progress=progress,
        stage=Stage("monte carlo"),
        resume_run=run_id,
    )
    return MonteCarloResult(world, run_id, base, ref, res.replications, res.seconds)
