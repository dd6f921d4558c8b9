"""Replications as independent tasks: blocks of ``(index, seed)`` pairs run against one world.

Replication ``k`` of a run with base seed ``S`` uses the seed drawn from
``SeedSequence(S).spawn(N)[k]`` (:func:`replication_seeds`), so the same ``S`` and ``N`` give the
same replications on any machine, any number of workers and any executor.  Every executor
delivers the blocks' results in the blocks' order, so the replications, their stored rows and
every aggregate are identical whether they ran in this process, in ``K`` local processes or on a
Dask cluster.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import NamedTuple, Protocol

import numpy as np
import pandas as pd

from skyshield.analysis import replication_metrics, threat_fates
from skyshield.analysis.uncertainty import Runnable, UncertainWorld
from skyshield.engine.sim import run_replication


class Rep(NamedTuple):
    """One replication's result: its index, its seed, its metrics and its threats' fates."""

    rep: int
    seed: int
    metrics: dict[str, float]
    fates: pd.DataFrame


#: One task: replications ``(index, seed)`` run one after the other by one worker.
Block = list[tuple[int, int]]


def replication_seeds(base_seed: int, n: int) -> list[int]:
    """The seeds of replications ``0..n-1`` of a run with ``base_seed`` (64-bit integers)."""
    return [
        int(ss.generate_state(1, dtype=np.uint64)[0])
        for ss in np.random.SeedSequence(base_seed).spawn(n)
    ]


def run_block(world: Runnable, reps: Block) -> list[Rep]:
    """Run replications ``(index, seed)`` of ``world`` (baseline and shield; with parameter
    uncertainty, each on its own draw of the inputs); their metrics and fates."""
    out = []
    for k, seed in reps:
        w = world.for_seed(seed) if isinstance(world, UncertainWorld) else world
        outcomes = run_replication(w, seed)
        out.append(Rep(k, seed, replication_metrics(outcomes, w.catalog), threat_fates(outcomes)))
    return out


#: One task: a block of replications of one world.
Task = tuple[Runnable, Block]


class Executor(Protocol):
    """Where blocks of replications run."""

    def describe(self) -> str:
        """A few words saying where the replications run (``2 local processes``)."""
        ...

    def map_tasks(self, tasks: list[Task]) -> Generator[list[Rep], None, None]:
        """Run every block against its world (several worlds may share the workers, e.g. the
        nights of a month); yield the results in the order of ``tasks``.

        Closing the generator early cancels the tasks not yet run."""
        ...
