"""The main job: sortie generation, Monte Carlo of the raid with Ukraine's defences alone and
with the shield, a sizing sweep over the coalition's size, and one sample night kept whole for
the map.  :func:`skyshield.report.write_briefing` turns the result into the briefing report."""

from __future__ import annotations

import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skyshield.analysis.sweep import TOTAL_AIRCRAFT
from skyshield.analysis.uncertainty import UNCERTAIN_KIND, UncertainWorld, load_uncertainty
from skyshield.engine.world import World
from skyshield.errors import InputError, Problem
from skyshield.execution import Executor
from skyshield.runs import Store
from skyshield.studies.counterfactual import (
    RecordCounterfactual,
    latest_month,
    record_counterfactual,
)
from skyshield.studies.defaults import (
    DEFAULT_RECENT_RUNS,
    DEFAULT_RUNS,
    DEFAULT_SWEEP_RUNS,
    SWEEP_FRACTIONS,
)
from skyshield.studies.inputs import (
    RaidRef,
    RecordRef,
    ScenarioRef,
    loaded,
    raid_ref,
    record_rows,
    world_of,
)
from skyshield.studies.limits import MAX_REPLICATIONS, check_count
from skyshield.studies.progress import Progress, ProgressFn, no_progress
from skyshield.studies.runner import Stage, run_world
from skyshield.studies.samples import SampleNight, sample_night
from skyshield.studies.sweeps import sweep


@dataclass(frozen=True)
class Assessment:
    """Everything the briefing shows: the world, the main Monte Carlo run's replications (one
    row each, one column per metric, as :meth:`Store.run_metrics` gives them), the sample
    night, the sizing sweep's table (``set:<path>``, ``run_id`` and each metric with
    ``.low``/``.high``; None without a sweep) and provenance: the run id and store (None when
    not stored), the base seed, where the replications ran, the command that reproduces it and
    the time each stage took (s); and the latest month of the record replayed with and without
    the shield (None if left out); and the main run's replications again with the uncertain
    inputs drawn anew for each (``total``, None if left out)."""

    world: World
    raid_ref: str
    run_id: str | None
    store: Path | None
    seed: int
    workers: str
    reps: pd.DataFrame
    sample: SampleNight
    sweep: pd.DataFrame | None
    sweep_path: str
    sweep_runs: int
    command: str
    timings_s: dict[str, float]
    recent: RecordCounterfactual | None = None
    total: pd.DataFrame | None = None


def sizing_points(pledged: int, jets: Sequence[int] | None) -> list[int]:
    """The coalition sizes of the sizing sweep, ascending: ``jets`` if given (each at least
    1), else :data:`SWEEP_FRACTIONS` of the pledged jets; none when nothing is pledged (there
    are no pledges to scale)."""
    if pledged == 0:
        if jets:
            raise InputError(
                [
                    Problem(
                        "sweep_jets",
                        "",
                        "the scenario pledges no aircraft, so"
                        " there are no pledges to scale; leave out the sizing points",
                    )
                ]
            )
        return []
    if jets is None:
        return sorted({max(1, round(pledged * f)) for f in SWEEP_FRACTIONS})
    values = sorted(set(jets))
    if values and values[0] < 1:
        raise InputError(
            [Problem("sweep_jets", "", f"expected coalition sizes of at least 1, got {values[0]}")]
        )
    return values


def reproduce_command(
    scenario: str,
    ref: str,
    night: int,
    runs: int,
    seed: int,
    jets: list[int],
    sweep_runs: int,
    recent_runs: int = 0,
    uncertainty: bool = True,
) -> str:
    """The ``skyshield assess`` command line that reproduces an assessment."""
    options = ["--raid", ref, "--night", str(night), "--runs", str(runs), "--seed", str(seed)]
    options += (
        ["--sweep-runs", str(sweep_runs), "--sweep-jets", ",".join(map(str, jets))]
        if jets
        else ["--no-sweep"]
    )
    options += ["--record-runs", str(recent_runs)] if recent_runs else ["--no-record"]
    options += [] if uncertainty else ["--no-uncertainty"]
    return shlex.join(["skyshield", "assess", scenario, *options])


def _scenario_name(origin: str) -> str:
    if origin.startswith("<builtin ") and origin.endswith(">"):
        return origin.removeprefix("<builtin ").removesuffix(">")
    return origin


def assess(
    scenario: ScenarioRef,
    *,
    raid: RaidRef = None,
    night: int = 1,
    runs: int = DEFAULT_RUNS,
    sweep_runs: int = DEFAULT_SWEEP_RUNS,
    sweep_jets: Sequence[int] | None = None,
    seed: int = 1,
    executor: Executor | None = None,
    store: Store | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
    recent_runs: int = DEFAULT_RECENT_RUNS,
    uncertainty: bool = True,
    force: bool = False,
) -> Assessment:
    """The main job on ``scenario`` against ``raid`` (default: the scenario's, else
    ``reference``): ``runs`` replications with and without the shield, then (unless
    ``sweep_jets`` is empty) a sizing sweep of ``sweep_runs`` replications at each coalition
    size (default: 1/3, 2/3, 1 and 4/3 of the pledged jets), on the same seeds; and (unless
    ``recent_runs`` is 0) the latest month of the record, every night with ``recent_runs``
    replications (:func:`~skyshield.studies.counterfactual.record_counterfactual`), so that
    the designed stress case stands beside what recent nights would have looked like.  With
    ``uncertainty`` (the default), the main run's replications run again with the uncertain
    inputs drawn anew for each (:mod:`skyshield.analysis.uncertainty`): the headline's total
    intervals."""
    check_count("runs", runs, MAX_REPLICATIONS, force=force)
    check_count("sweep_runs", sweep_runs, MAX_REPLICATIONS, force=force)
    show = progress or no_progress
    timings: dict[str, float] = {}
    t = time.perf_counter()
    ls = loaded(scenario)
    jets = sizing_points(ls.scenario.coalition.total_aircraft, sweep_jets)
    world = world_of(ls, raid, night, record, store)
    ref = raid_ref(ls, raid)
    timings["forces"] = time.perf_counter() - t
    steps = 1 + len(jets)
    t = time.perf_counter()
    main = run_world(
        world,
        kind="assess",
        raid_ref=ref,
        night=night,
        base_seed=seed,
        replications=runs,
        store=store,
        executor=executor,
        progress=show,
        stage=Stage("monte carlo", 1, steps),
    )
    timings["monte_carlo"] = time.perf_counter() - t
    t = time.perf_counter()
    total = None
    if uncertainty:
        total = run_world(
            UncertainWorld(world, load_uncertainty(ls)),
            kind=UNCERTAIN_KIND["assess"],
            raid_ref=ref,
            night=night,
            base_seed=seed,
            replications=runs,
            store=store,
            executor=executor,
            progress=show,
            stage=Stage("monte carlo with parameter uncertainty", 1, 1),
        ).replications
    timings["uncertainty"] = time.perf_counter() - t
    t = time.perf_counter()
    table = None
    if jets:

        def shifted(p: Progress) -> None:
            show(Progress(f"sizing sweep, {p.stage}", p.done, p.total, p.step + 1, steps, p.run_id))

        sized = sweep(
            ls,
            [(TOTAL_AIRCRAFT, jets)],
            raid=raid,
            night=night,
            record=record,
            runs=sweep_runs,
            seed=seed,
            executor=executor,
            store=store,
            progress=shifted,
            kind="sweep",
            force=force,
        )
        table = sized.table
        if store is None:
            table["run_id"] = ""
    timings["sweep"] = time.perf_counter() - t
    t = time.perf_counter()
    recent = None
    if recent_runs:
        first, last = latest_month(record_rows(record, store)())
        recent = record_counterfactual(
            ls,
            first,
            last,
            runs_per_night=recent_runs,
            seed=seed,
            executor=executor,
            store=store,
            record=record,
            progress=progress,
            force=force,
        )
    timings["recent_record"] = time.perf_counter() - t
    t = time.perf_counter()
    first_seed = int(main.replications["seed"].iloc[0])
    sample = sample_night(world, 0, first_seed)
    timings["sample_night"] = time.perf_counter() - t
    where = executor.describe() if executor is not None else "1 local process"
    command = reproduce_command(
        _scenario_name(ls.origin),
        ref,
        night,
        runs,
        seed,
        jets,
        sweep_runs,
        recent_runs,
        uncertainty,
    )
    return Assessment(
        world,
        ref,
        main.run_id,
        store.path if store else None,
        seed,
        where,
        main.replications,
        sample,
        table,
        TOTAL_AIRCRAFT,
        sweep_runs,
        command,
        timings,
        recent,
        total,
    )
