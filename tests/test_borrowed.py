"""``borrowed``: views of a compiled function's arrays without numba's reference counting read
and write the caller's memory exactly as the arrays themselves do."""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
from numpy.typing import NDArray

from skyshield.geo.jit import borrowed


class Table(NamedTuple):
    """A named tuple of arrays and a scalar, like the engine's tables."""

    x: NDArray[np.float64]
    n: NDArray[np.int64]
    scale: float


@numba.njit
def _scaled_sum(table: Table, extra: NDArray[np.float64]) -> NDArray[np.float64]:
    """Through borrowed views: count a call in ``table.n[0]``, write ``x * scale`` back into
    ``x`` and return a new array of running sums of ``x + extra``."""
    table, extra = borrowed((table, extra))
    table.n[0] += 1
    out = np.empty(len(table.x))
    total = 0.0
    for i in range(len(table.x)):
        table.x[i] *= table.scale
        total += table.x[i] + extra[i]
        out[i] = total
    return out


def test_borrowed_views_read_and_write_the_callers_arrays() -> None:
    table = Table(np.array([1.0, 2.0, 4.0]), np.zeros(1, dtype=np.int64), 0.5)
    extra = np.array([10.0, 20.0, 30.0])
    out = _scaled_sum(table, extra)
    np.testing.assert_array_equal(table.x, [0.5, 1.0, 2.0])  # written through the views
    np.testing.assert_array_equal(out, [10.5, 31.5, 63.5])  # a new array, owned by the caller
    assert table.n[0] == 1
    _scaled_sum(table, extra)  # again: the arrays are intact and still the caller's
    np.testing.assert_array_equal(table.x, [0.25, 0.5, 1.0])
    assert table.n[0] == 2
    del table
    out[:] = 0.0  # the returned array is valid on its own
    assert out.sum() == 0.0


def test_borrowed_is_the_identity_in_plain_python() -> None:
    table = Table(np.ones(2), np.zeros(1, dtype=np.int64), 1.0)
    assert borrowed(table) is table
