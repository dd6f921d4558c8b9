"""Writing output files so that a crash never leaves half a file where a good one was."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    import pandas as pd


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it and a
    rename, creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    tmp.replace(path)


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
