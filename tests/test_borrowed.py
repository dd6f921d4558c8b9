"""``borrowed``: views of a compiled function's arrays without numba's reference counting read
and write the caller's memory exactly as the arrays themselves do, leave other fields as they
are, and do leave the compiled code without reference counting."""

from __future__ import annotations

import re
from typing import NamedTuple

import numba
import numpy as np
import pytest
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


class Named(NamedTuple):
    """Arrays beside a reference-counted field that is not an array (a string)."""

    x: NDArray[np.float64]
    name: str


@numba.njit
def _labelled_total(named: Named) -> tuple[str, float]:
    named = borrowed(named)
    return named.name + "!", named.x.sum()


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="nothing is compiled with the JIT off")
def test_only_arrays_numbers_and_tuples_of_them_are_borrowed() -> None:
    """A string's reference would be released once too often: refused when compiling."""
    with pytest.raises(numba.core.errors.TypingError, match="borrowed takes arrays"):
        _labelled_total(Named(np.array([1.0, 2.0]), "zone"))


@numba.njit(inline="always")
def _upto(table: Table, i: int) -> float:
    """An inlined helper with a loop and an early exit, like the engine's region tests."""
    total = 0.0
    for k in range(i + 1):
        if table.x[k] < 0:
            return -1.0
        total += table.x[k] * table.scale
    return total


@numba.njit
def _running_counted(table: Table) -> NDArray[np.float64]:
    out = np.empty(len(table.x))
    for i in range(len(table.x)):
        out[i] = _upto(table, i)
    return out


@numba.njit
def _running_borrowed(table: Table) -> NDArray[np.float64]:
    table = borrowed(table)
    out = np.empty(len(table.x))
    for i in range(len(table.x)):
        out[i] = _upto(table, i)
    return out


def _reference_counts(fn: object) -> int:
    """Calls to numba's reference counting in the compiled body of ``fn`` (one signature)."""
    ir = next(iter(fn.inspect_llvm().values()))  # type: ignore[attr-defined]
    body = ir.split("\ndefine ")[1]
    return len(re.findall(r"call void @NRT_(?:incref|decref)\(", body[: body.find("\n}\n")]))


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="nothing is compiled with the JIT off")
def test_the_compiled_loop_over_borrowed_views_counts_no_references() -> None:
    table = Table(np.array([1.0, 2.0, 3.0]), np.zeros(1, dtype=np.int64), 2.0)
    np.testing.assert_array_equal(_running_borrowed(table), _running_counted(table))
    assert _reference_counts(_running_counted) > 0  # the tuple's arrays, at every inlined call
    assert _reference_counts(_running_borrowed) == 0
