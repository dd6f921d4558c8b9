"""Replications in this process or in a pool of local worker processes.

Worker processes never outlive the process that started them: each worker ignores Ctrl-C (the
parent handles it and ends the pool), sits in its own process group (a terminal's signals reach
the parent only), asks the kernel to kill it when its parent dies (Linux ``PR_SET_PDEATHSIG``),
and watches its parent (:data:`WATCH_PARENT_S`) in case the kernel cannot.  When a run ends for
any reason other than success (an error, Ctrl-C, SIGTERM), the blocks not yet started are
dropped and the workers are terminated at once instead of finishing their blocks.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from skyshield.execution.blocks import Rep, Task, run_block

#: How often a worker checks that its parent is still alive (s).
WATCH_PARENT_S = 0.5

#: ``prctl`` option that sends a signal to a process when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    """End this worker as soon as ``parent`` is no longer its parent (it died)."""
    stop = threading.Event()
    while not stop.wait(WATCH_PARENT_S):
        if os.getppid() != parent:
            os._exit(1)


def init_worker(parent: int) -> None:
    """Set up a worker process so that it never outlives ``parent`` (the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):  # not the parent's handlers: just end
        signal.signal(sig, signal.SIG_DFL)
    os.setpgrp()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def end_workers(pool: ProcessPoolExecutor) -> None:
    """Drop the blocks not yet started and terminate the pool's workers now."""
    pool.shutdown(wait=False, cancel_futures=True)
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=1.0)
        if child.is_alive():
            child.kill()


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes that ignore Ctrl-C and die with this one; shut
    down when the block ends, its workers terminated at once if the block was left by an error,
    Ctrl-C, SIGTERM or a consumer that stopped early."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=init_worker,
        initargs=(os.getpid(),),
    )
    finished = False
    try:
        yield pool
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            end_workers(pool)


@contextmanager
def process_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``workers`` processes for studies that submit their own tasks (None for 1:
    run in this process), with the same hygiene as :class:`LocalProcesses`."""
    if workers <= 1:
        yield None
        return
    with _pool(workers) as pool:
        yield pool


@dataclass(frozen=True)
class LocalProcesses:
    """``workers`` processes of this machine (1: this process, no pool)."""

    workers: int = 1

    def describe(self) -> str:
        """E.g. ``2 local processes``."""
        return "1 local process" if self.workers <= 1 else f"{self.workers} local processes"

    def map_tasks(self, tasks: list[Task]) -> Generator[list[Rep], None, None]:
        """Run the tasks here or in a process pool (a task's world is pickled with it)."""
        if self.workers <= 1:
            for world, block in tasks:
                yield run_block(world, block)
            return
        with _pool(min(self.workers, len(tasks)) or 1) as pool:
            yield from pool.map(run_block, *zip(*tasks, strict=True))
