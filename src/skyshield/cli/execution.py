"""Options and progress shared by the commands that run studies (mc, sweep, sensitivity,
assess, rerun): where they run, the store and the record they use, and a progress bar on
stderr drawn from the studies' progress reports."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skyshield.execution import Executor
    from skyshield.runs import RecordChoice, Store
    from skyshield.studies import Progress, ProgressFn

#: Largest seed NumPy's seed sequences take in one word (any larger number is refused).
MAX_SEED = 2**63 - 1


def add_executor_args(p: argparse.ArgumentParser, local_default: int = 1) -> None:
    """``--workers K``, ``--dask local|ADDRESS`` and ``--force``: where a command's
    replications run (``local_default`` local processes unless told otherwise)."""
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
    p.add_argument(
        "--force",
        action="store_true",
        help="allow more replications or workers than the limits (docs/limits.md)",
    )
    p.set_defaults(local_workers=local_default)


def open_executor_of(args: argparse.Namespace) -> AbstractContextManager[Executor]:
    """The executor that ``--workers`` and ``--dask`` ask for (see :func:`add_executor_args`)."""
    from skyshield.execution import open_executor

    workers = args.workers
    if workers is None and not args.dask:
        workers = args.local_workers
    return open_executor(workers, args.dask, force=getattr(args, "force", False))


def add_store_arg(p: argparse.ArgumentParser) -> None:
    """``--store PATH`` (default: ``$SKYSHIELD_STORE`` or the user's data folder) and
    ``--wait SECONDS``."""
    p.add_argument(
        "--store",
        type=Path,
        default=None,
        help="run store (default: $SKYSHIELD_STORE, else ~/.local/share/skyshield/store.duckdb)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long to wait for another process using the store (default 30)",
    )


def store_path_of(args: argparse.Namespace) -> Path:
    """The store file ``--store`` names, else the default."""
    from skyshield.runs import default_store_path

    path: Path = args.store or default_store_path()
    return path


def open_store_of(args: argparse.Namespace) -> Store:
    """The run store of ``--store`` (created if new), waiting ``--wait`` seconds for another
    process; says so on stderr when an older store was upgraded."""
    from skyshield.runs import DEFAULT_WAIT_S, Store

    wait = args.wait if getattr(args, "wait", None) is not None else DEFAULT_WAIT_S
    store = Store(store_path_of(args), wait_s=wait)
    if store.upgraded_from is not None:
        print(
            f"note: upgraded the run store {store.path} from layout version"
            f" {store.upgraded_from} to {store.schema_version} (its runs and imports are kept)",
            file=sys.stderr,
        )
    return store


def add_record_arg(p: argparse.ArgumentParser) -> None:
    """``--record CSV``: use this file instead of the store's import or the snapshot."""
    p.add_argument(
        "--record",
        type=Path,
        default=None,
        help="record CSV to use (default: the import in use in the store, else the shipped"
        " snapshot)",
    )


def record_of(args: argparse.Namespace) -> RecordChoice | None:
    """The record ``--record`` names (read now), or None: the studies then use the store's."""
    from skyshield.runs.records import aliases_from_env, record_from_csv

    path = getattr(args, "record", None)
    return record_from_csv(path, aliases_from_env()) if path is not None else None


def lazy_record_of(args: argparse.Namespace) -> Callable[[], RecordChoice]:
    """The record a command uses, chosen only when a raid needs it: ``--record`` if given, else
    the import in use in ``--store`` (if the store exists), else the shipped snapshot."""
    from skyshield.runs import choose_record

    return lambda: choose_record(getattr(args, "record", None), store_path_of(args))


def announce_compiling() -> None:
    """Say on stderr, if it is a terminal, that the engine is about to be compiled (once per
    machine and version, about a minute), so that a first run's wait is explained; nothing if
    its compiled code is cached."""
    from skyshield.engine.sim import kernel_ready

    if sys.stderr.isatty() and not kernel_ready():
        print(
            "compiling the engine first: once per machine and version of Sky Shield, about a"
            " minute",
            file=sys.stderr,
            flush=True,
        )


def progress_printer() -> ProgressFn:
    """A progress callback that draws, on stderr, a line per stage and a bar like
    ``[######..] 5/15 replications, 3 s, about 6 s to go``; time counts from each stage's
    first report.  Made before a study starts, it first says if the engine is to be compiled
    (:func:`announce_compiling`)."""
    announce_compiling()
    state: dict[str, object] = {"stage": None, "t0": 0.0, "first": 0}
    width = 24

    def show(p: Progress) -> None:
        if state["stage"] != (p.stage, p.step):
            if state["stage"] is not None:
                print(file=sys.stderr)
            steps = f"[{p.step}/{p.steps}] " if p.steps > 1 else ""
            run = f", run {p.run_id}" if p.run_id else ""
            print(f"{steps}{p.stage}{run}", file=sys.stderr, flush=True)
            state.update(stage=(p.stage, p.step), t0=time.perf_counter(), first=p.done)
        total = max(p.total, 1)
        el = time.perf_counter() - float(state["t0"])  # type: ignore[arg-type]
        ran = p.done - int(state["first"])  # type: ignore[call-overload]
        left = f", about {el / ran * (p.total - p.done):.0f} s to go" if ran > 0 else ""
        full = width * p.done // total
        print(
            f"\r  [{'#' * full}{'.' * (width - full)}] {p.done}/{p.total} replications,"
            f" {el:.0f} s{left} ",
            end="\n" if p.done >= p.total else "",
            file=sys.stderr,
            flush=True,
        )
        if p.done >= p.total:
            state["stage"] = None

    return show


def seed(text: str) -> int:
    """``--seed``: a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to {MAX_SEED} (2**63 - 1), got {text!r}"
        )
    return value
