"""A small discrete-event kernel: one heap of ``(time, sequence, kind, payload)``.

The sequence number breaks ties in the order events were scheduled, so a run is deterministic.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any


class EventQueue:
    """Events in time order (s); ties in scheduling order."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str, Any]] = []
        self._seq = itertools.count()

    def schedule(self, time_s: float, kind: str, payload: Any = None) -> None:
        """Add an event at ``time_s``."""
        heapq.heappush(self._heap, (time_s, next(self._seq), kind, payload))

    def pop(self) -> tuple[float, str, Any]:
        """The next event: time, kind, payload."""
        t, _, kind, payload = heapq.heappop(self._heap)
        return t, kind, payload

    def peek_time(self) -> float:
        """Time of the next event (inf if none)."""
        return self._heap[0][0] if self._heap else float("inf")

    def __len__(self) -> int:
        return len(self._heap)
