"""Replications as independent tasks: blocks of seeds run in local worker processes.

Replication ``k`` of a run with base seed ``S`` uses the seed drawn from
``SeedSequence(S).spawn(N)[k]``, so the same ``S`` and ``N`` give the same replications on any
machine and any number of workers; blocks are gathered in order, so aggregates do not depend on
the worker count either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from skyshield.analysis import replication_metrics
from skyshield.engine.sim import World, run_replication
from skyshield.runs.store import Store

#: One replication's result: its index, its seed and its metrics.
Rep = tuple[int, int, dict[str, float]]


def replication_seeds(base_seed: int, n: int) -> list[int]:
    """The seeds of replications ``0..n-1`` of a run with ``base_seed`` (64-bit integers)."""
    return [
        int(ss.generate_state(1, dtype=np.uint64)[0])
        for ss in np.random.SeedSequence(base_seed).spawn(n)
    ]


def run_block(world: World, reps: list[tuple[int, int]]) -> list[Rep]:
    """Run replications ``(index, seed)`` of ``world`` (baseline and shield) and return metrics."""
    return [
        (k, seed, replication_metrics(run_replication(world, seed), world.catalog))
        for k, seed in reps
    ]


def run_replications(
    world: World,
    reps: list[tuple[int, int]],
    workers: int = 1,
    on_block: Callable[[list[Rep]], None] | None = None,
    block_size: int = 5,
) -> list[Rep]:
    """Run replications in blocks on ``workers`` local processes (1: in this process).

    ``on_block`` is called with each finished block, in order (e.g. to store it and to show
    progress); the result is every replication, in order.
    """
    blocks = [reps[i : i + block_size] for i in range(0, len(reps), block_size)]
    done: list[Rep] = []

    def take(block: list[Rep]) -> None:
        done.extend(block)
        if on_block is not None:
            on_block(block)

    if workers <= 1:
        for b in blocks:
            take(run_block(world, b))
        return done
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(run_block, [world] * len(blocks), blocks):
            take(result)
    return done


def run_and_store(
    store: Store,
    run_id: str,
    world: World,
    reps: list[tuple[int, int]],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run replications of a stored run, store each block as it finishes (one transaction each),
    mark the run done with its wall time, and return all its replications' metrics.

    ``progress`` is called with the number of replications finished so far in this call.
    """
    t0 = time.perf_counter()
    finished = 0

    def on_block(block: list[Rep]) -> None:
        nonlocal finished
        store.add_replications(run_id, block)
        finished += len(block)
        if progress is not None:
            progress(finished)

    run_replications(world, reps, workers, on_block)
    store.finish_run(run_id, time.perf_counter() - t0)
    return store.run_metrics(run_id)
