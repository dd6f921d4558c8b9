"""How the engine and the region geometry compile their hot loops: numba's ``njit``, cached on
disk, typed for mypy.

Every loop of the kernel is plain Python over NumPy arrays and scalars, compiled by numba when
first called; the machine code is kept under ``__pycache__`` (or numba's user-wide cache) for
the next process.  With the environment variable ``NUMBA_DISABLE_JIT=1`` the same functions run
as ordinary Python: slower, but debuggable line by line, and the test suite passes either way.

``error_model="numpy"``: a division by zero gives inf or NaN as in NumPy instead of raising (the
kernel guards its divisions, so this only spares the compiled code the checks).

The cache is stamped with the sources of every compiled module.  numba keys a function's cached
code on the modification time of the file that defines it, but a compiled function carries the
code of the compiled functions it calls, which may live in other files: after an edit of
``geo/regions.py`` alone, ``engine/shield.py``'s cached loop would still run the old region
tests.  :class:`EngineCache` (numba's function cache with another source stamp) keys every
compiled function on a digest of all the modules of :data:`COMPILED_PACKAGES` instead.  It builds on ``numba.core.caching``, an
internal module of numba: should a numba release change it, the engine fails at import.

:func:`is_ready` reads that cache (so that a first run can say it compiles), with the same
internals.  :func:`borrowed` spares the compiled loops numba's reference counting of the arrays
they are given (see there); it builds on numba's extension API (an intrinsic rewriting an
array's data model), so a numba release that changes that model fails its compilation and
``tests/test_borrowed.py``, not silently.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any, TypeVar, cast

import numba
from numba.core import cgutils, types
from numba.core.caching import CompileResultCacheImpl, FunctionCache, IndexDataCacheFile
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


#: The packages whose modules hold compiled functions (the geometry of regions, the engine).
COMPILED_PACKAGES = ("skyshield.geo", "skyshield.engine")


@cache
def engine_stamp() -> str:
    """Digest (SHA-256, hex) of the source of every module of :data:`COMPILED_PACKAGES`."""
    digest = hashlib.sha256()
    for package in COMPILED_PACKAGES:
        for f in sorted(resources.files(package).iterdir(), key=lambda p: p.name):
            if f.name.endswith(".py"):
                digest.update(f"{package}/{f.name}".encode())
                digest.update(f.read_bytes())
    return digest.hexdigest()


class _StampedLocator:
    """numba's cache locator for a function, with the engine's stamp as the source stamp."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def get_source_stamp(self) -> str:
        return engine_stamp()


class _StampedImpl(CompileResultCacheImpl):
    def __init__(self, py_func: Callable[..., Any]) -> None:
        super().__init__(py_func)  # type: ignore[no-untyped-call]
        self._locator = _StampedLocator(self._locator)


class _TolerantIndex(IndexDataCacheFile):
    """numba's index of a function's cached code, read as empty when it cannot be unpickled:
    an index written by another version of the code may name classes that have since moved
    (numba unpickles it before it compares the stamps), and the code is then compiled anew and
    the index written over."""

    def _load_index(self) -> dict[Any, Any]:
        try:
            return cast(dict[Any, Any], super()._load_index())  # type: ignore[no-untyped-call]
        except (ImportError, AttributeError, EOFError, pickle.UnpicklingError):
            return {}


class EngineCache(FunctionCache):
    """numba's on-disk cache of a compiled function, valid while no compiled module changes."""

    _impl_class = _StampedImpl

    def __init__(self, py_func: Callable[..., Any]) -> None:
        super().__init__(py_func)  # type: ignore[no-untyped-call]
        self._cache_file = _TolerantIndex(  # type: ignore[no-untyped-call]
            cache_path=self._cache_path,
            filename_base=self._impl.filename_base,
            source_stamp=self._impl.locator.get_source_stamp(),
        )


def _compiled(fn: F, **options: Any) -> F:
    """``fn`` compiled by numba with ``options``, cached as :class:`EngineCache` (numba's own
    ``enable_caching`` sets up its per-file cache the same way)."""
    dispatcher = numba.njit(error_model="numpy", **options)(fn)
    if hasattr(dispatcher, "py_func"):  # not with NUMBA_DISABLE_JIT=1
        dispatcher._cache = EngineCache(dispatcher.py_func)
    return cast(F, dispatcher)


def jit(fn: F) -> F:
    """``fn`` compiled in nopython mode on first call, with its machine code cached on disk."""
    return _compiled(fn)


def jit_inline(fn: F) -> F:
    """:func:`jit` for a small helper: inlined where a compiled function calls it (one
    compilation less each; compile time matters as much as run time for short runs)."""
    return _compiled(fn, inline="always")


def is_ready(fn: Callable[..., Any]) -> bool:
    """Whether the compiled function ``fn`` runs without being compiled first: it was compiled
    in this process already, or the disk cache holds its machine code for this version of the
    code and this machine (True with the JIT off)."""
    dispatcher = cast(Any, fn)
    if not hasattr(dispatcher, "py_func") or dispatcher.signatures:
        return True
    cache = dispatcher._cache
    if not isinstance(cache, EngineCache):
        return False
    machine = dispatcher.targetctx.codegen().magic_tuple()
    try:
        index = cache._cache_file._load_index()  # type: ignore[no-untyped-call]
    except Exception:  # an index that cannot be read holds no code this process can use
        return False
    return any(key[1] == machine for key in index)


def borrowed(x: T) -> T:
    """``x`` (an array, or a tuple or named tuple holding arrays) as views that skip numba's
    reference counting, for use inside the compiled function that received ``x``.

    numba counts references to every array a compiled function holds, with atomic operations,
    and does so again each time a helper with a loop is inlined or called: a named tuple of
    nine arrays costs eighteen of them a call.  In the engine's loops these counts took about
    60 % of the compiled time (measured with ``perf``).  The views returned here carry no
    reference count (numba's own arrays over external memory look the same), so the compiler
    drops those operations.  They are safe while the caller holds ``x``: use them only inside
    the function that received ``x``, and never return them, store them in anything that
    outlives the call or hand them to Python (object mode, a callback): a view without an owner
    becomes an array that does not own its data.  Writes through them reach ``x``.  Run as plain Python (the JIT off),
    ``x`` itself is returned."""
    return x


def _borrowable(ty: Any) -> bool:
    """Whether numba type ``ty`` is an array, a number or a tuple of borrowable items: the
    types :func:`_unmanaged` handles (anything else reference-counted, a string say, would be
    released once too often)."""
    if isinstance(ty, types.BaseTuple):
        return all(_borrowable(item) for item in ty.types)  # type: ignore[attr-defined]
    return isinstance(ty, types.Array | types.Number | types.Boolean)


@overload(borrowed)
def _borrowed_compiled(x: Any) -> Any:
    if not _borrowable(x):
        raise TypingError(f"borrowed takes arrays, numbers and tuples of them, not {x}")

    def impl(x: Any) -> Any:
        return _unmanaged_views(x)  # type: ignore[call-arg]  # (typing context supplied by numba)

    return impl


@intrinsic
def _unmanaged_views(typingctx: Any, x: Any) -> Any:
    """numba intrinsic: ``x`` with every array in it rebuilt without its reference count."""

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return _unmanaged(context, builder, sig.args[0], args[0])

    return x(x), codegen


def _unmanaged(context: Any, builder: Any, ty: Any, value: Any) -> Any:
    """The LLVM value ``value`` of numba type ``ty`` (:func:`_borrowable`) with the memory owner
    (``meminfo``) and Python parent of every array in it set to null, recursively through
    tuples; numbers as they are."""
    if isinstance(ty, types.Array):
        view = context.make_array(ty)(context, builder, value=value)
        view.meminfo = cgutils.get_null_value(view.meminfo.type)  # type: ignore[no-untyped-call]
        view.parent = cgutils.get_null_value(view.parent.type)  # type: ignore[no-untyped-call]
        return view._getvalue()
    if isinstance(ty, types.BaseTuple):
        for i, item in enumerate(ty.types):  # type: ignore[attr-defined]  # (every tuple type has it)
            inner = _unmanaged(context, builder, item, builder.extract_value(value, i))
            value = builder.insert_value(value, inner, i)
    return value
