"""A sweep: Monte Carlo over a grid of scenario variants, each point a stored run on the same
replication seeds, with a table of the key metrics (means and intervals) per point.

Every point is built and checked before anything runs; its raid is the one the point sets
(``raid`` is a field like any other), else the one given, else the scenario's.  Points whose
worlds have the same effective inputs (:mod:`skyshield.studies.fingerprint`) would give the
same numbers: the sweep refuses to run them and says which field changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from skyshield.analysis.sweep import grid, sweep_row, sweep_variant
from skyshield.engine.api import build_world
from skyshield.engine.world import World
from skyshield.errors import InputError, Problem
from skyshield.execution import Executor
from skyshield.raids import Night
from skyshield.runs import Store
from skyshield.scenario import LoadedScenario
from skyshield.studies.fingerprint import fingerprint
from skyshield.studies.inputs import RaidRef, RecordRef, ScenarioRef, loaded, night_of, raid_ref
from skyshield.studies.limits import MAX_REPLICATIONS, MAX_SWEEP_POINTS, check_count
from skyshield.studies.progress import ProgressFn
from skyshield.studies.runner import Stage, run_world


@dataclass(frozen=True)
class SweepPoint:
    """One point: its field values, its world, its stored run (None if not stored), its
    replications and how many of them were found stored (a resumed point)."""

    values: dict[str, Any]
    world: World
    run_id: str | None
    replications: pd.DataFrame
    reused: int

    @property
    def label(self) -> str:
        """``path=value, ...``"""
        return ", ".join(f"{p}={v}" for p, v in self.values.items())


@dataclass(frozen=True)
class SweepResult:
    """A sweep's points and its table: one row per point with ``set:PATH`` columns, ``run_id``
    and each key metric with ``.low``/``.high`` (:func:`skyshield.analysis.sweep.sweep_row`)."""

    base: LoadedScenario
    paths: list[str]
    points: list[SweepPoint]
    runs: int
    seed: int
    seconds: float

    @property
    def table(self) -> pd.DataFrame:
        """The sweep table."""
        return pd.DataFrame(
            [sweep_row(p.values, p.run_id or "", p.replications) for p in self.points]
        )


def _same_inputs(labels: list[str], prints: list[str]) -> None:
    """InputError if two points have the same fingerprint (the module docstring)."""
    first: dict[str, int] = {}
    twins = []
    for k, fp in enumerate(prints):
        if fp in first:
            twins.append((first[fp], k))
        else:
            first[fp] = k
    if twins:
        pairs = "; ".join(
            f"point {a + 1} ({labels[a]}) and point {b + 1} ({labels[b]})" for a, b in twins
        )
        raise InputError(
            [
                Problem(
                    "sets",
                    "",
                    f"{pairs} have the same effective inputs, so they would give the same"
                    " numbers: the change reaches nothing the engine uses (for a weapon's Pk,"
                    " check that the weapon policy lets fighters fire it at that threat"
                    " category, and that the Pk is at least the engine's min_pk); nothing was run",
                )
            ]
        )


def sweep(
    scenario: ScenarioRef,
    sets: Sequence[tuple[str, Sequence[Any]]],
    *,
    zipped: bool = False,
    raid: RaidRef = None,
    night: int = 1,
    runs: int,
    seed: int = 1,
    executor: Executor | None = None,
    store: Store | None = None,
    record: RecordRef = None,
    progress: ProgressFn | None = None,
    resume: bool = False,
    kind: str = "sweep",
    force: bool = False,
) -> SweepResult:
    """Monte Carlo of every point of the grid of ``sets`` (``[(dotted path, values), ...]``;
    every combination, or the values side by side with ``zipped``), ``runs`` replications a
    point on the same seeds.

    With ``resume``, a point already stored by this code version (same scenario text, raid,
    seed and replications) is reused and a point cut short runs only its missing replications.
    """
    t0 = time.perf_counter()
    check_count("runs", runs, MAX_REPLICATIONS, force=force)
    given = [(p, list(v)) for p, v in sets]
    points = grid(given, zipped)
    check_count("points", len(points), MAX_SWEEP_POINTS, force=force)
    base = loaded(scenario)
    variants = [sweep_variant(base, point) for point in points]  # all checked before any run
    nights: dict[tuple[str, int], Night] = {}
    worlds, refs = [], []
    for point, ls in zip(points, variants, strict=True):
        own = "raid" in point
        ref = raid_ref(ls, None) if own or raid is None else raid_ref(ls, raid)
        key = (ref, night)
        if key not in nights:
            source: RaidRef = None if own else raid
            nights[key] = night_of(ls, source, night, record, store)
        worlds.append(build_world(ls, nights[key]))
        refs.append(ref)
    labels = [", ".join(f"{p}={v}" for p, v in point.items()) for point in points]
    _same_inputs(labels, [fingerprint(w) for w in worlds])
    done: list[SweepPoint] = []
    for k, (point, world, ref) in enumerate(zip(points, worlds, refs, strict=True)):
        found = None
        if resume and store is not None:
            found = store.find_run(kind, world.ls.text, ref, night, seed, runs)
        reused = len(store.done_reps(found)) if found and store is not None else 0
        res = run_world(
            world,
            kind=kind,
            raid_ref=ref,
            night=night,
            base_seed=seed,
            replications=runs,
            store=store,
            executor=executor,
            progress=progress,
            stage=Stage(f"point {k + 1}/{len(points)}: {labels[k]}", k + 1, len(points)),
            resume_run=found,
        )
        done.append(SweepPoint(point, world, res.run_id, res.replications, reused))
    return SweepResult(base, [p for p, _ in given], done, runs, seed, time.perf_counter() - t0)
