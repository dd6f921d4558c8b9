"""How the engine compiles its hot loops: numba's ``njit``, cached on disk, typed for mypy.

Every loop of the kernel is plain Python over NumPy arrays and scalars, compiled by numba when
first called (``cache=True`` keeps the machine code under ``__pycache__`` for the next
process).  With the environment variable ``NUMBA_DISABLE_JIT=1`` the same functions run as
ordinary Python: slower, but debuggable line by line, and the test suite passes either way.

``error_model="numpy"``: a division by zero gives inf or NaN as in NumPy instead of raising
(the kernel guards its divisions, so this only spares the compiled code the checks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def jit(fn: F) -> F:
    """``fn`` compiled in nopython mode on first call, with its machine code cached on disk."""
    return cast(F, numba.njit(cache=True, error_model="numpy")(fn))


def jit_inline(fn: F) -> F:
    """:func:`jit` for a small helper: inlined where a compiled function calls it (one
    compilation less each; compile time matters as much as run time for short runs)."""
    return cast(F, numba.njit(cache=True, error_model="numpy", inline="always")(fn))
