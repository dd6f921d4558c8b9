"""Options and progress shared by the commands that run replications (mc, sweep, sensitivity,
assess): where they run, and a progress bar on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skyshield.runs.executor import Executor


def add_executor_args(p: argparse.ArgumentParser, local_default: int = 1) -> None:
    """``--workers K`` and ``--dask local|ADDRESS``: where a command's replications run
    (``local_default`` local processes unless told otherwise)."""
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"worker processes: local ones (default {local_default}), or a Dask LocalCluster's"
        " with --dask local (default 2); ignored with a scheduler address",
    )
    p.add_argument(
        "--dask",
        metavar="local|ADDRESS",
        default=None,
        help="run on Dask: 'local' starts a LocalCluster here; an address such as"
        " tcp://host:8786 uses a running scheduler and its workers",
    )
    p.set_defaults(local_workers=local_default)


def open_executor_of(args: argparse.Namespace) -> AbstractContextManager[Executor]:
    """The executor that ``--workers`` and ``--dask`` ask for (see :func:`add_executor_args`)."""
    from skyshield.runs.executor import open_executor

    workers = args.workers
    if workers is None and not args.dask:
        workers = args.local_workers
    return open_executor(workers, args.dask)


def progress_printer(total: int, done_before: int = 0) -> Callable[[int], None]:
    """A progress callback for :func:`run_and_store`: redraws on stderr a bar like
    ``[######..] 5/15 replications, 3 s, about 6 s to go`` for a run of ``total`` replications
    of which ``done_before`` were stored before (a resumed run); time counts from now."""
    t0 = time.perf_counter()
    width = 24

    def show(finished: int) -> None:
        done = done_before + finished
        el = time.perf_counter() - t0
        left = el / finished * (total - done)
        full = width * done // total
        print(
            f"\r  [{'#' * full}{'.' * (width - full)}] {done}/{total} replications,"
            f" {el:.0f} s, about {left:.0f} s to go ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def seed(text: str) -> int:
    """``--seed``: a whole number of at least 0 (NumPy's seed sequences take no negatives)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {text!r}")
    return value
