"""The server's reads of the run store, kept where that is safe.

Every store operation opens the file and closes it again (other processes write to it: the
command line, the jobs' workers), which costs tens of milliseconds; under many readers that
would be most of an answer's time.  So the server keeps what cannot change and briefly what
can:

- a run that is ``done`` never changes: its detail, and the comparison of two such runs, are
  kept (the least recently used beyond :data:`KEPT` dropped);
- a run's number of replications never changes;
- the list of runs is kept for :data:`LIST_TTL_S` (a new run shows up within that time), and
  dropped at once when a job of this server ends.

The store object itself is made once (its creation upgrades an old store and marks the runs
of dead processes interrupted); a store file that does not exist yet is not created by a read.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skyshield.runs import Store
from skyshield.runs.store import DONE
from skyshield.web.runs_view import compare_runs, list_runs, run_detail

#: Seconds the list of runs is kept.
LIST_TTL_S = 2.0

#: Details and comparisons of finished runs kept.
KEPT = 256


class StoreReads:
    """Reads of the store at ``path`` (see the module docstring), thread-safe."""

    def __init__(self, path: Path, wait_s: float) -> None:
        self.path = path
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._list: tuple[float, list[dict[str, Any]]] | None = None
        self._kept: OrderedDict[tuple[str, ...], Any] = OrderedDict()
        self._replications: dict[str, int] = {}

    def store(self) -> Store | None:
        """The store, or None while its file does not exist."""
        with self._lock:
            if self._store is None and self.path.exists():
                self._store = Store(self.path, wait_s=self.wait_s)
            return self._store

    def changed(self) -> None:
        """Forget the list of runs (a job of this server ended)."""
        with self._lock:
            self._list = None

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first (kept :data:`LIST_TTL_S`)."""
        with self._lock:
            if self._list is not None and time.monotonic() - self._list[0] < LIST_TTL_S:
                return self._list[1]
        store = self.store()
        listed = [] if store is None else list_runs(store)
        with self._lock:
            self._list = (time.monotonic(), listed)
        return listed

    def run(self, run_id: str) -> dict[str, Any]:
        """One run's detail (InputError if there is none), kept once it is done."""
        return self._kept_if_done(
            ("run", run_id), lambda s: run_detail(s, run_id), lambda d: d["run"]["status"] == DONE
        )

    def compare(self, a: str, b: str) -> dict[str, Any]:
        """Two runs compared (:func:`compare_runs`), kept once both are done."""
        return self._kept_if_done(
            ("compare", a, b),
            lambda s: compare_runs(s, a, b),
            lambda d: d["a"]["status"] == DONE and d["b"]["status"] == DONE,
        )

    def replications(self, run_id: str) -> int:
        """How many replications run ``run_id`` has (InputError if there is no such run)."""
        with self._lock:
            if run_id in self._replications:
                return self._replications[run_id]
        n = int(self._need().run(run_id)["replications"])
        with self._lock:
            self._replications[run_id] = n
        return n

    def _need(self) -> Store:
        from skyshield.errors import InputError, Problem

        store = self.store()
        if store is None:
            raise InputError([Problem(str(self.path), "run", "the run store is empty")])
        return store

    def _kept_if_done(
        self,
        key: tuple[str, ...],
        read: Callable[[Store], dict[str, Any]],
        done: Callable[[dict[str, Any]], bool],
    ) -> dict[str, Any]:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                found: dict[str, Any] = self._kept[key]
                return found
        value = read(self._need())
        if done(value):
            with self._lock:
                self._kept[key] = value
                while len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
        return value
