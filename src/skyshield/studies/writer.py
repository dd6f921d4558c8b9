"""Finished replications on their way to the run store, written a few seconds' worth at a time.

Every write opens the store file, and DuckDB reads its catalog on opening and checkpoints on
closing, which costs tens of milliseconds on a store of some size: written block by block
(five replications), a long run spent more time opening the store than its workers spent on
some replications.  :class:`BlockWriter` writes the first block at once, then keeps finished
blocks and writes them together, in one transaction, once :data:`WRITE_EVERY_S` has passed since
its last write, and whatever it holds when the run ends, is stopped or fails (what was computed
is stored; only a process killed outright, ``kill -9``, loses its last seconds of work, which a
resumed run computes again with the same seeds).
"""

from __future__ import annotations

import math
import time

from skyshield.execution import Rep
from skyshield.runs import Store

#: Seconds between two writes of finished replications to the store.
WRITE_EVERY_S = 2.0


class BlockWriter:
    """Blocks of replications of one or more runs, written to ``store`` every ``every_s``."""

    def __init__(self, store: Store, every_s: float = WRITE_EVERY_S) -> None:
        self.store, self.every_s = store, every_s
        self.waiting: dict[str, list[Rep]] = {}
        self.last = -math.inf  # the first block is written at once

    def add(self, run_id: str, block: list[Rep]) -> None:
        """Keep a finished block of run ``run_id``; write all kept blocks if it is time."""
        self.waiting.setdefault(run_id, []).extend(block)
        if time.monotonic() - self.last >= self.every_s:
            self.write()

    def write(self) -> None:
        """Write every kept block now, in one transaction."""
        if self.waiting:
            self.store.add_replications(self.waiting)
            self.waiting = {}
        self.last = time.monotonic()


__all__ = ["WRITE_EVERY_S", "BlockWriter"]
