"""One replication of a stored run, simulated again: the same scenario, raid and seed give the
same night, with every table (and the threats' routes) for replays and exports.

A run is found by its id in a run store, or through an assessment folder whose ``summary.json``
names the run (``run_id``) and its store (``store``, an absolute path).  Replication ``rep`` of a
run with base seed ``S`` and ``N`` replications has the seed
``SeedSequence(S).spawn(N)[rep]`` (:func:`~skyshield.execution.replication_seeds`); the
re-simulated metrics are compared with the stored ones, so a replay that no longer matches its
run (the code changed since) is noticed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from skyshield.analysis import replication_metrics
from skyshield.engine.api import build_world
from skyshield.engine.sim import Outcome, flown_threats, run_replication
from skyshield.engine.world import World
from skyshield.errors import InputError, Problem
from skyshield.execution import replication_seeds
from skyshield.runs import Store
from skyshield.runs.provenance import stored_scenario


def locate_run(target: str, store_path: Path) -> tuple[Path, str]:
    """The store file and run id that ``target`` names: an assessment folder with a
    ``summary.json`` holding ``run_id`` and ``store``, or a run id in ``store_path``."""
    folder = Path(target)
    if folder.is_dir():
        summary = folder / "summary.json"
        try:
            doc = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(
                [Problem(str(summary), "", f"expected the summary.json of an assessment ({exc})")]
            ) from None
        if not isinstance(doc, dict) or not doc.get("run_id") or not doc.get("store"):
            raise InputError(
                [
                    Problem(
                        str(summary),
                        "run_id/store",
                        "expected the run id and the store of a Monte Carlo run"
                        " (this assessment has none)",
                    )
                ]
            )
        return Path(str(doc["store"])), str(doc["run_id"])
    return store_path, target


def open_store(path: Path) -> Store:
    """An existing run store; InputError if there is no file at ``path``."""
    if not path.exists():
        raise InputError([Problem(str(path), "", "no run store here (run `skyshield mc` first)")])
    return Store(path)


@dataclass(frozen=True)
class Replay:
    """Replication ``rep`` of stored run ``run_id``, simulated again.

    ``outcomes`` are the tables by defence (``baseline``, ``shield``); ``waypoints`` the threats'
    routes (one row per waypoint: ``threat``, ``seq``, ``x_km``, ``y_km``, ``t_s``, theatre km and
    s after the night's start); ``metrics`` the replication's metrics now, ``stored`` those the
    run stored for it (empty if that replication was never stored).
    """

    run: dict[str, Any]
    rep: int
    seed: int
    world: World
    outcomes: dict[str, Outcome]
    waypoints: pd.DataFrame
    metrics: dict[str, float]
    stored: dict[str, float]

    def differences(self) -> list[str]:
        """Metrics whose re-simulated value differs from the stored one (NaN equals NaN)."""
        if not self.stored:
            return []
        out = []
        for k in sorted(set(self.metrics) | set(self.stored)):
            a, b = self.metrics.get(k, math.nan), self.stored.get(k, math.nan)
            if not (math.isnan(a) and math.isnan(b)) and not math.isclose(a, b, rel_tol=1e-9):
                out.append(k)
        return out


def replay_run(
    store: Store,
    run_id: str,
    rep: int,
    record_rows: Callable[[], pd.DataFrame] | None = None,
) -> Replay:
    """Rebuild the world of stored run ``run_id`` and simulate its replication ``rep`` again.

    ``record_rows`` supplies the record when the run's raid is a date of it (as for ``mc``).
    InputError if the run does not exist, ``rep`` is out of range or the scenario changed.
    """
    row = store.run(run_id)
    n = int(row["replications"])
    if not 0 <= rep < n:
        raise InputError(
            [Problem("rep", "", f"expected 0..{n - 1} (run {run_id} has {n} replications)")]
        )
    seed = replication_seeds(int(row["base_seed"]), n)[rep]
    world = build_world(
        stored_scenario(row), str(row["raid"]), night=int(row["night"]), record_rows=record_rows
    )
    outcomes = run_replication(world, seed)
    waypoints = flown_threats(world, seed).waypoints_frame()
    stored_rows = store.run_metrics(run_id)
    stored: dict[str, float] = {}
    if not stored_rows.empty and rep in set(stored_rows["rep"]):
        mine = stored_rows[stored_rows["rep"] == rep].iloc[0]
        stored = {
            str(k): float(v) for k, v in mine.items() if k not in ("rep", "seed") and pd.notna(v)
        }
    return Replay(
        row,
        rep,
        seed,
        world,
        outcomes,
        waypoints,
        replication_metrics(outcomes, world.catalog),
        stored,
    )
