"""Replications as independent tasks: blocks of seeds run in local processes or on Dask.

Replication ``k`` of a run with base seed ``S`` uses the seed drawn from
``SeedSequence(S).spawn(N)[k]``, so the same ``S`` and ``N`` give the same replications on any
machine, any number of workers and any executor.  A task is a block of ``(index, seed)`` pairs
run against one :class:`World`; every executor delivers the blocks' results in the blocks'
order, so the replications, their stored rows and every aggregate are identical whether they ran
in this process, in ``K`` local processes or on a Dask cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple, Protocol

import numpy as np
import pandas as pd

from skyshield.analysis import replication_metrics, threat_fates
from skyshield.engine.sim import World, run_replication
from skyshield.errors import InputError, Problem
from skyshield.runs.store import Store


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


def run_block(world: World, reps: Block) -> list[Rep]:
    """Run replications ``(index, seed)`` of ``world`` (baseline and shield); their metrics
    and fates."""
    out = []
    for k, seed in reps:
        outcomes = run_replication(world, seed)
        out.append(
            Rep(k, seed, replication_metrics(outcomes, world.catalog), threat_fates(outcomes))
        )
    return out


class Executor(Protocol):
    """Where blocks of replications run."""

    def describe(self) -> str:
        """A few words saying where the replications run (for the command's first line)."""
        ...

    def map_blocks(self, world: World, blocks: list[Block]) -> Generator[list[Rep], None, None]:
        """Run every block against ``world``; yield their results in the order of ``blocks``.

        Closing the generator early cancels the blocks not yet run."""
        ...


@dataclass(frozen=True)
class LocalProcesses:
    """``workers`` processes of this machine (1: this process, no pool)."""

    workers: int = 1

    def describe(self) -> str:
        """E.g. ``2 local processes``."""
        return "1 local process" if self.workers <= 1 else f"{self.workers} local processes"

    def map_blocks(self, world: World, blocks: list[Block]) -> Generator[list[Rep], None, None]:
        """Run the blocks here or in a process pool (the world is pickled with each block)."""
        if self.workers <= 1:
            for b in blocks:
                yield run_block(world, b)
            return
        pool = ProcessPoolExecutor(max_workers=self.workers)
        try:
            yield from pool.map(run_block, repeat(world), blocks)
        finally:  # on an error or Ctrl-C, blocks not yet started are dropped, not run
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def open_executor(workers: int | None = None, dask: str | None = None) -> Iterator[Executor]:
    """The executor a command asked for, closed (cluster and client too) when the block ends.

    Without ``dask``: ``workers`` local processes (default 1).  With ``dask="local"``: a Dask
    LocalCluster of ``workers`` single-threaded processes (default 2) on this machine.  With a
    scheduler address (``tcp://host:8786``): that cluster's workers, whatever ``workers`` says.
    InputError if ``workers`` is below 1 or the scheduler cannot be reached.
    """
    if workers is not None and workers < 1:
        raise InputError([Problem("--workers", "", "expected a whole number of at least 1")])
    if dask is None:
        yield LocalProcesses(workers or 1)
        return
    from skyshield.runs.dask_exec import dask_executor

    with dask_executor(dask, workers) as ex:
        yield ex


def run_replications(
    world: World,
    reps: list[tuple[int, int]],
    workers: int = 1,
    on_block: Callable[[list[Rep]], None] | None = None,
    block_size: int = 5,
    executor: Executor | None = None,
) -> list[Rep]:
    """Run replications in blocks of ``block_size`` on ``executor`` (default: ``workers`` local
    processes; 1: in this process).

    ``on_block`` is called with each finished block, in order (e.g. to store it and to show
    progress); the result is every replication, in order.
    """
    ex = executor if executor is not None else LocalProcesses(workers)
    blocks = [reps[i : i + block_size] for i in range(0, len(reps), block_size)]
    done: list[Rep] = []
    if not blocks:
        return done
    with closing(ex.map_blocks(world, blocks)) as results:
        for block in results:
            done.extend(block)
            if on_block is not None:
                on_block(block)
    return done


def run_and_store(
    store: Store,
    run_id: str,
    world: World,
    reps: list[tuple[int, int]],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Run replications of a stored run on ``executor`` (default: ``workers`` local processes),
    store each block as it finishes (one transaction each), mark the run done with its wall time
    (s), and return all its replications' metrics (one row per replication, by index).

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

    run_replications(world, reps, workers, on_block, executor=executor)
    store.finish_run(run_id, time.perf_counter() - t0)
    return store.run_metrics(run_id)
