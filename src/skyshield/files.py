"""Writing output files so that a crash never leaves half a file where a good one was, nothing
but a regular file is ever replaced, and two jobs never write one folder at once.

:func:`write_atomic` writes through a temporary file beside the target and a rename; it refuses
to replace a symbolic link, a device or a folder (a caller that means to write through a link
resolves it first), removes its temporary file if anything fails, and names the file in every
error (a full disk included).  :func:`output_folder` holds a folder for one job: a second job
asking for it is refused, and if the job fails, the files it added are removed and a note says
which ones it replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from skyshield.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

#: The lock file of a folder a job writes (removed when the job ends).
LOCK_NAME = ".skyshield-lock"

#: The note left in a folder whose job failed after replacing some of its files.
INCOMPLETE_NAME = "INCOMPLETE.txt"


def check_writable(path: Path) -> None:
    """InputError unless ``path`` is new or a regular file (not a symbolic link, a device, a
    pipe or a folder)."""
    if path.is_symlink():
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "is a symbolic link: refusing to replace it (name the file it points to, or"
                    " give --follow-symlinks to write there)",
                )
            ]
        )
    if path.exists() and not path.is_file():
        raise InputError(
            [Problem(str(path), "", "exists and is not a regular file: refusing to replace it")]
        )


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it and a
    rename, creating the folder if needed (see the module docstring)."""
    check_writable(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


class _Figure(Protocol):
    def savefig(self, fname: BinaryIO, *, format: str) -> None: ...


def save_figure(fig: _Figure, path: Path) -> None:
    """Save a matplotlib figure to ``path`` atomically, in the format its suffix names (png,
    svg, pdf)."""
    buf = io.BytesIO()
    fig.savefig(buf, format=path.suffix.lstrip(".").lower() or "png")
    write_atomic(path, buf.getvalue())


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV (no index) atomically."""
    write_atomic(path, frame.to_csv(index=False))


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet (no index) atomically."""
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    write_atomic(path, buf.getvalue())


@contextlib.contextmanager
def output_folder(path: Path) -> Iterator[Path]:
    """Hold folder ``path`` (created if needed) while a job writes it.

    InputError if ``path`` is not a folder, or another process holds it.  If the block fails,
    the files the job added are removed (the folder too, if the job created it and it is left
    empty), and :data:`INCOMPLETE_NAME` lists the files it replaced; on success a note left by
    an earlier failure is removed.
    """
    if path.exists() and not path.is_dir():
        raise InputError([Problem(str(path), "--out", "exists and is not a folder")])
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    lock_path = path / LOCK_NAME
    lock = open(lock_path, "a+")  # noqa: SIM115 - held until the block ends
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise InputError(
            [
                Problem(
                    str(path),
                    "--out",
                    "another skyshield job is writing this folder; wait for it, or give another"
                    " --out",
                )
            ]
        ) from None
    before = {p.name: p.stat().st_mtime_ns for p in path.iterdir() if p.is_file()}
    try:
        yield path
    except BaseException:
        _undo(path, before, created)
        raise
    else:
        with contextlib.suppress(FileNotFoundError):
            (path / INCOMPLETE_NAME).unlink()
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock_path.unlink()
        lock.close()


def _undo(path: Path, before: dict[str, int], created: bool) -> None:
    """Remove the files a failed job added to ``path``; note the ones it replaced."""
    replaced = []
    for p in sorted(path.iterdir()):
        if p.name in (LOCK_NAME, INCOMPLETE_NAME) or not p.is_file():
            continue
        if p.name not in before:
            with contextlib.suppress(OSError):
                p.unlink()
        elif p.stat().st_mtime_ns != before[p.name]:
            replaced.append(p.name)
    if replaced:
        with contextlib.suppress(OSError):
            (path / INCOMPLETE_NAME).write_text(
                "A skyshield job writing this folder failed. These files were replaced by it and"
                " no longer match the others:\n" + "\n".join(replaced) + "\n",
                encoding="utf-8",
            )
    if created and not any(p.name != LOCK_NAME for p in path.iterdir()):
        with contextlib.suppress(OSError):
            (path / LOCK_NAME).unlink()
            path.rmdir()
