"""Where replications run: this process, a pool of local processes, or a Dask cluster.

:func:`open_executor` gives an :class:`Executor`; :func:`run_replications` runs ``(index, seed)``
pairs of a world on it in blocks and hands each finished block, in order, to a callback (the
studies store them and report progress).  Results never depend on the executor or the number
of workers (:mod:`skyshield.execution.blocks`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager

from skyshield.analysis.uncertainty import Runnable
from skyshield.errors import InputError, Problem
from skyshield.execution.blocks import Block, Executor, Rep, Task, replication_seeds, run_block
from skyshield.execution.local import LocalProcesses

#: What stops a run without it failing: Ctrl-C, SIGTERM/SIGHUP (SystemExit), a consumer that
#: stops, or a worker process killed from outside (by a signal or for lack of memory); such a
#: run is ``interrupted`` in the store and resumable.
STOPPED = (KeyboardInterrupt, SystemExit, GeneratorExit, BrokenProcessPool)


def stopped_by(exc: BaseException) -> bool:
    """Whether ``exc`` is one of :data:`STOPPED` or was directly caused by one.  A signal that
    arrives while compiled code has called back into Python raises its exception there, and
    numba (or CPython) then raises ``SystemError: ... returned a result with an exception set``
    with the stop as its cause: such a run was stopped, not failed."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, STOPPED):
            return True
        seen.add(id(cause))
        cause = cause.__cause__
    return False


#: Replications a task runs one after the other (a block): small enough for smooth progress
#: and a quick stop, large enough that sending the world to a worker is paid rarely.
BLOCK_SIZE = 5


def max_workers() -> int:
    """Most local worker processes allowed without ``force``: twice the CPUs of this machine."""
    return 2 * (os.cpu_count() or 1)


@contextmanager
def open_executor(
    workers: int | None = None, dask: str | None = None, *, force: bool = False
) -> Iterator[Executor]:
    """The executor asked for, closed (workers, cluster and client too) when the block ends.

    Without ``dask``: ``workers`` local processes (default 1: this process).  With
    ``dask="local"``: a Dask LocalCluster of ``workers`` single-threaded processes (default 2) on
    this machine.  With a scheduler address (``tcp://host:8786``): that cluster's workers,
    whatever ``workers`` says.  InputError if ``workers`` is below 1, above :func:`max_workers`
    for local processes (unless ``force``), or the scheduler cannot be reached.
    """
    if workers is not None and workers < 1:
        raise InputError([Problem("workers", "", "expected a whole number of at least 1")])
    if workers is not None and dask in (None, "local") and workers > max_workers() and not force:
        raise InputError(
            [
                Problem(
                    "workers",
                    "",
                    f"{workers} worker processes on a machine with {os.cpu_count()} CPUs; expected"
                    f" at most {max_workers()} (twice the CPUs; --force to start more)",
                )
            ]
        )
    if dask is None:
        yield LocalProcesses(workers or 1)
        return
    from skyshield.execution.dask import dask_executor

    with dask_executor(dask, workers) as ex:
        yield ex


def run_replications(
    world: Runnable,
    reps: list[tuple[int, int]],
    executor: Executor | None = None,
    on_block: Callable[[list[Rep]], None] | None = None,
    block_size: int = BLOCK_SIZE,
) -> list[Rep]:
    """Run replications ``(index, seed)`` of ``world`` in blocks of ``block_size`` on
    ``executor`` (default: this process).

    ``on_block`` is called with each finished block, in order (e.g. to store it and to show
    progress); the result is every replication, in order.
    """
    done: list[Rep] = []

    def keep(_: int, block: list[Rep]) -> None:
        done.extend(block)
        if on_block is not None:
            on_block(block)

    run_worlds([(world, reps)], executor, keep, block_size)
    return done


def run_worlds(
    runs: list[tuple[Runnable, list[tuple[int, int]]]],
    executor: Executor | None = None,
    on_block: Callable[[int, list[Rep]], None] | None = None,
    block_size: int = BLOCK_SIZE,
) -> None:
    """Run the replications ``(index, seed)`` of several worlds on one executor at once (the
    nights of a month keep every worker busy), in blocks of ``block_size``.

    ``on_block(k, block)`` is called with each finished block of the ``k``-th world, in the order
    of the worlds and then of their blocks."""
    ex = executor if executor is not None else LocalProcesses(1)
    tasks: list[Task] = []
    owner: list[int] = []
    for k, (world, reps) in enumerate(runs):
        for i in range(0, len(reps), block_size):
            tasks.append((world, reps[i : i + block_size]))
            owner.append(k)
    if not tasks:
        return
    with closing(ex.map_tasks(tasks)) as results:
        for k, block in zip(owner, results, strict=True):
            if on_block is not None:
                on_block(k, block)


__all__ = [
    "BLOCK_SIZE",
    "STOPPED",
    "Block",
    "Executor",
    "LocalProcesses",
    "Rep",
    "Task",
    "max_workers",
    "open_executor",
    "replication_seeds",
    "run_block",
    "run_replications",
    "run_worlds",
    "stopped_by",
]
