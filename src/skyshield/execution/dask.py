"""Replications on a Dask cluster: a LocalCluster on this machine, or a running scheduler.

The :class:`World` is scattered once to every worker (about 1 MB pickled); each task is then a
block of ``(index, seed)`` pairs and returns that block's metrics (index, seed and about 70
floats a replication).  Results are taken as they finish and yielded in the blocks' order, so a
run on Dask stores and aggregates exactly what a local run does.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import warnings
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import dask
from distributed import Client, LocalCluster, as_completed
from distributed.comm.addressing import parse_address, parse_host_port
from distributed.comm.registry import backends

from skyshield.errors import InputError, Problem
from skyshield.execution.blocks import Rep, Task, run_block
from skyshield.version import __version__

#: How long to try to reach a scheduler before giving up (s).
CONNECT_TIMEOUT_S = 5.0
#: How long a scheduler may take to have its first worker (s).
WORKER_WAIT_S = 10.0
#: Workers of a LocalCluster when ``--workers`` is not given.
LOCAL_WORKERS = 2


@dataclass(frozen=True)
class DaskExecutor:
    """Blocks of replications as tasks of a Dask client's cluster."""

    client: Client
    where: str

    def describe(self) -> str:
        """E.g. ``Dask LocalCluster (2 workers)``."""
        return f"Dask {self.where} ({len(self.client.scheduler_info()['workers'])} workers)"

    def map_tasks(self, tasks: list[Task]) -> Generator[list[Rep], None, None]:
        """Scatter each distinct world to every worker once, submit one task a block, yield
        results in the order of ``tasks``."""
        scattered: dict[int, Any] = {}
        for world, _ in tasks:
            if id(world) not in scattered:
                scattered[id(world)] = self.client.scatter(world, broadcast=True, hash=False)  # type: ignore[no-untyped-call]
        futures = [self.client.submit(run_block, scattered[id(w)], b, pure=False) for w, b in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        finished: dict[int, list[Rep]] = {}
        nxt = 0
        try:
            for fut in as_completed(futures, loop=self.client.loop):  # type: ignore[no-untyped-call]
                finished[index[fut.key]] = fut.result()
                while nxt in finished:
                    yield finished.pop(nxt)
                    nxt += 1
        finally:  # on an error or Ctrl-C, nothing is left running on the cluster
            self.client.cancel([*futures, *scattered.values()])  # type: ignore[no-untyped-call]


def skyshield_version() -> str:
    """The version of skyshield where this runs (called on each worker of a remote cluster)."""
    return __version__


def _problem(address: str, what: str) -> InputError:
    return InputError([Problem("dask", address, what)])


def _check_address(address: str) -> None:
    """InputError unless ``address`` reads as ``[scheme://]host:port`` with a scheme Dask knows."""
    expected = "expected `local` or a scheduler's address such as tcp://host:8786"
    try:
        scheme, loc = parse_address(address)
        host, _ = parse_host_port(loc)
    except ValueError as exc:
        raise _problem(address, f"{expected} ({exc})") from None
    if scheme not in backends or not host:
        raise _problem(address, expected)


def _check_reachable(address: str) -> None:
    """InputError unless something accepts a TCP connection at the scheduler's host and port
    within :data:`CONNECT_TIMEOUT_S` (checked before Dask's client, whose own failure takes
    longer and speaks of other things)."""
    scheme, loc = parse_address(address)
    if scheme not in ("tcp", "tls"):
        return
    host, port = parse_host_port(loc)
    try:
        conn = socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S)
    except OSError as exc:
        raise _problem(
            address,
            f"cannot reach a Dask scheduler there ({exc.strerror or exc}); expected `local` or"
            " the address of a running `dask scheduler`, e.g. tcp://host:8786",
        ) from None
    with conn:
        first = _first_bytes(conn)
    # a scheduler greets with a frame count (a small little-endian uint64); another server
    # (a web server, a proxy) answers with text that Dask would read as a length of exabytes
    if len(first) == 8 and int.from_bytes(first, "little") > MAX_GREETING_FRAMES:
        shown = first.decode("ascii", errors="replace").strip()
        raise _problem(
            address,
            f"something answers there, but not a Dask scheduler (it sent {shown!r}); expected"
            " `local` or the address of a running `dask scheduler`, e.g. tcp://host:8786",
        )


#: Seconds to wait for a scheduler's first bytes (it sends them as soon as it accepts).
GREETING_WAIT_S = 1.0

#: Most frames a scheduler's greeting announces (it sends one or a few).
MAX_GREETING_FRAMES = 1_000


def _first_bytes(conn: socket.socket) -> bytes:
    """The first 8 bytes the server sends within :data:`GREETING_WAIT_S` (fewer if it sends
    fewer or nothing)."""
    conn.settimeout(GREETING_WAIT_S)
    got = b""
    try:
        while len(got) < 8:
            chunk = conn.recv(8 - len(got))
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    return got


def _check_workers(client: Client, address: str) -> None:
    """InputError unless the cluster has a worker and every worker runs this skyshield."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        raise _problem(
            address,
            f"the scheduler has no worker after {WORKER_WAIT_S:.0f} s; "
            f"expected `dask worker {address}` running where skyshield is installed",
        ) from None
    try:
        versions = client.run(skyshield_version)
    except Exception as exc:  # e.g. a worker without skyshield cannot unpickle the call
        raise _problem(
            address,
            f"a worker cannot run skyshield ({type(exc).__name__}: {exc}); "
            f"expected skyshield {__version__} installed on every worker",
        ) from None
    other = sorted({str(v) for v in versions.values()} - {__version__})
    if other:
        raise _problem(
            address,
            f"workers run skyshield {', '.join(other)}; expected {__version__} "
            "like this machine (the same seeds must give the same replications)",
        )


#: Dask settings of a LocalCluster that keep the workers' housekeeping threads from taking the
#: GIL from the replications every few milliseconds: no statistical profiler (every 10 ms by
#: default), event-loop health checks every second (20 ms) and slower system and memory
#: monitors.  They cut the overhead against local processes from about 19 % to about 10 % on
#: 2 cores (100 replications of the reference); a remote cluster's workers take them from the
#: environment (docs/montecarlo.md).
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Ignore Ctrl-C (SIGINT) while a LocalCluster starts its worker processes, which inherit
    that: Ctrl-C then interrupts this process alone, which closes the cluster in order, instead
    of every worker printing a traceback.  (Only the main thread can set signal handlers.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextmanager
def dask_executor(address: str, workers: int | None = None) -> Iterator[DaskExecutor]:
    """A Dask executor, closed with its client (and LocalCluster) when the block ends.

    ``address`` is ``local`` (a LocalCluster of ``workers`` single-threaded worker processes,
    default 2, listening on 127.0.0.1 only, no dashboard) or a scheduler's address such as
    ``tcp://host:8786`` (``workers`` is then ignored: the cluster has the workers it has).
    """
    if address == "local":
        with dask.config.set(QUIET_WORKERS), _workers_ignore_ctrl_c(), warnings.catch_warnings():
            # the scheduler's HTTP port moves if 8787 is taken: no need to say so
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers or LOCAL_WORKERS,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        with (
            dask.config.set(QUIET_WORKERS),
            cluster,
            Client(cluster, set_as_default=False) as client,  # type: ignore[no-untyped-call]
        ):
            yield DaskExecutor(client, "LocalCluster")
        return
    _check_address(address)
    _check_reachable(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)  # type: ignore[no-untyped-call]
    except Exception as exc:  # OSError on a timeout, ValueError on a malformed address, ...
        raise _problem(
            address,
            f"cannot reach a Dask scheduler ({exc}); expected `local` or the "
            "address of a running `dask scheduler`, e.g. tcp://host:8786",
        ) from None
    with client:
        _check_workers(client, address)
        yield DaskExecutor(client, f"scheduler {address}")
