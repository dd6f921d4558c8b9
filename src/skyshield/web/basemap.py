"""An optional local base map: raster tiles from an MBTiles file (SQLite) given at start.

Nothing is fetched: the page shows the project's own layers on a plain background unless the
user points the server to a raster MBTiles file (PNG, JPEG or WebP tiles, e.g. made with
``gdal_translate -of MBTILES``).  Vector MBTiles need a style and fonts and are refused.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from skyshield.errors import InputError, Problem

#: Media types of the raster tile formats an MBTiles file may declare.
MEDIA = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}

#: Deepest zoom level served.
MAX_ZOOM = 22


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def check_basemap(path: Path) -> str:
    """The tile format of an MBTiles file; InputError naming the file if it is not a raster
    MBTiles file."""
    if not path.is_file():
        raise InputError([Problem(str(path), "--basemap", "no such file")])
    try:
        with closing(_connect(path)) as con:
            row = con.execute("SELECT value FROM metadata WHERE name = 'format'").fetchone()
            con.execute("SELECT 1 FROM tiles LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        raise InputError(
            [Problem(str(path), "--basemap", f"not an MBTiles file ({exc})")]
        ) from None
    fmt = str(row[0]).lower() if row else "png"
    if fmt not in MEDIA:
        raise InputError(
            [
                Problem(
                    str(path),
                    "--basemap",
                    f"tiles in format {fmt!r}: expected raster tiles ({', '.join(MEDIA)})",
                )
            ]
        )
    return fmt


def tile(path: Path, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """Tile ``z/x/y`` (XYZ numbering, y down) and its media type, or None if there is none."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    with closing(_connect(path)) as con:
        row = con.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),  # MBTiles rows count from the south (TMS)
        ).fetchone()
        fmt = con.execute("SELECT value FROM metadata WHERE name = 'format'").fetchone()
    if row is None:
        return None
    return bytes(row[0]), MEDIA.get(str(fmt[0]).lower() if fmt else "png", "image/png")
