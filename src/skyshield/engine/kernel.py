"""The discrete-event kernel: one event type, one heap ordered by time and sequence number.

An event is a row of :class:`Events`: when (s), what (``kind``, one of :data:`EVENT_KINDS`),
whom (``who``: an aircraft or a slot, -1 for none) and a ``stamp`` (a time the handler checks,
e.g. the bingo time a relief was planned for).  The heap holds the rows in the array order of a
binary heap keyed by ``(time_s, seq)``; the sequence number is given at scheduling, so events at
the same time come out in the order they were scheduled and a run is deterministic (SimPy's
``(time, priority, id)`` heap, without the priority).

The arrays have a fixed capacity; the loop that schedules checks there is room for what an
event can add before handling it (:func:`has_room`) and the caller grows them when there is not
(:func:`skyshield.engine.shield.grown`).  Compiled (:mod:`skyshield.geo.jit`).
"""

from __future__ import annotations

from typing import NamedTuple, cast

import numpy as np
from numpy.typing import NDArray

from skyshield.geo.jit import jit, jit_inline

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def code(k: int) -> int:
    """The integer ``k`` as a NumPy integer: a constant that compiled code takes as a value of
    its type, not as a literal to specialise on (one compilation for all event kinds)."""
    return cast(int, np.int64(k))


#: Event kinds, in the order of their codes 0..5 (see docs/engine.md for what each does).
EVENT_KINDS = ("near", "c2", "engage", "free", "relief", "arrive")
NEAR, C2, ENGAGE, FREE, RELIEF, ARRIVE = (code(k) for k in range(6))

#: ``who`` of an event about nobody in particular.
NOBODY = code(-1)


class Events(NamedTuple):
    """Pending events (a binary heap by ``(time_s, seq)`` over the first ``tally[0]`` rows)
    and the kernel's counters: ``tally`` = (events pending, next sequence number, events
    handled)."""

    time_s: F64
    seq: I64
    kind: I64
    who: I64
    stamp: F64
    tally: I64


def new_events(capacity: int) -> Events:
    """An empty queue with room for ``capacity`` events."""
    return Events(
        time_s=np.zeros(capacity),
        seq=np.zeros(capacity, dtype=np.int64),
        kind=np.zeros(capacity, dtype=np.int64),
        who=np.zeros(capacity, dtype=np.int64),
        stamp=np.zeros(capacity),
        tally=np.zeros(3, dtype=np.int64),
    )


@jit_inline
def has_room(ev: Events, needed: int) -> bool:
    """True if ``needed`` more events fit."""
    return bool(ev.tally[0] + needed <= len(ev.time_s))


@jit_inline
def _before(ev: Events, a: int, b: int) -> bool:
    return bool(
        ev.time_s[a] < ev.time_s[b] or (ev.time_s[a] == ev.time_s[b] and ev.seq[a] < ev.seq[b])
    )


@jit_inline
def _swap(ev: Events, a: int, b: int) -> None:
    ev.time_s[a], ev.time_s[b] = ev.time_s[b], ev.time_s[a]
    ev.seq[a], ev.seq[b] = ev.seq[b], ev.seq[a]
    ev.kind[a], ev.kind[b] = ev.kind[b], ev.kind[a]
    ev.who[a], ev.who[b] = ev.who[b], ev.who[a]
    ev.stamp[a], ev.stamp[b] = ev.stamp[b], ev.stamp[a]


@jit
def schedule(ev: Events, time_s: float, kind: int, who: int, stamp: float) -> None:
    """Add an event (there must be room: :func:`has_room`)."""
    k = ev.tally[0]
    ev.time_s[k], ev.seq[k], ev.kind[k], ev.who[k], ev.stamp[k] = (
        time_s,
        ev.tally[1],
        kind,
        who,
        stamp,
    )
    ev.tally[0] += 1
    ev.tally[1] += 1
    while k > 0:  # sift up
        parent = (k - 1) // 2
        if not _before(ev, k, parent):
            break
        _swap(ev, k, parent)
        k = parent


@jit_inline
def next_time(ev: Events) -> float:
    """Time of the next event (s); inf if none."""
    return ev.time_s[0] if ev.tally[0] > 0 else np.inf


@jit
def pop(ev: Events) -> tuple[float, int, int, float]:
    """Remove the next event: (time s, kind, who, stamp)."""
    out = (ev.time_s[0], ev.kind[0], ev.who[0], ev.stamp[0])
    ev.tally[0] -= 1
    ev.tally[2] += 1
    n = ev.tally[0]
    _swap(ev, 0, n)
    k = 0
    while True:  # sift down
        child = 2 * k + 1
        if child >= n:
            break
        if child + 1 < n and _before(ev, child + 1, child):
            child += 1
        if not _before(ev, child, k):
            break
        _swap(ev, k, child)
        k = child
    return out
