"""Export formats by name and by file name, and rendering a scene to the bytes of a file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from skyshield.errors import InputError, Problem
from skyshield.export.acmi import to_acmi, zip_acmi
from skyshield.export.czml import czml_text
from skyshield.export.geojson import geojson_text
from skyshield.export.kml import to_kml
from skyshield.export.tracks import Scene

#: Format names and the file endings that imply them.
FORMATS = {
    "acmi": (".zip.acmi", ".txt.acmi", ".acmi"),
    "kml": (".kml",),
    "kmz": (".kmz",),
    "geojson": (".geojson", ".json"),
    "czml": (".czml",),
}


def format_for(path: Path, fmt: str | None) -> str:
    """The format to write ``path`` in: ``fmt`` if given (checked), else the one its name
    implies; InputError if neither names a known format."""
    names = ", ".join(FORMATS)
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError([Problem("format", "", f"expected one of {names}, got {fmt!r}")])
        return fmt
    name = path.name.lower()
    for f, endings in FORMATS.items():
        if name.endswith(endings):
            return f
    raise InputError(
        [
            Problem(
                str(path), "--out", f"cannot tell the format from the name; give --format ({names})"
            )
        ]
    )


def kmz(kml: str) -> bytes:
    """KML zipped as KMZ: one archive member, ``doc.kml`` (what Google Earth opens first)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("doc.kml", date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, kml.encode("utf-8"))
    return buf.getvalue()


def render(scene: Scene, fmt: str, path: Path) -> bytes:
    """The bytes of ``path`` holding ``scene`` in format ``fmt``; ACMI is zipped when the name
    ends in ``.zip.acmi`` (the archive holds ``<name>.txt.acmi``); KMZ is KML zipped."""
    if fmt == "acmi":
        text = to_acmi(scene)
        if path.name.lower().endswith(".zip.acmi"):
            return zip_acmi(text, path.name[: -len(".zip.acmi")] + ".txt.acmi")
        return text.encode("utf-8")
    if fmt == "kml":
        return to_kml(scene).encode("utf-8")
    if fmt == "kmz":
        return kmz(to_kml(scene))
    if fmt == "geojson":
        return geojson_text(scene).encode("utf-8")
    if fmt == "czml":
        return czml_text(scene).encode("utf-8")
    raise InputError([Problem("format", "", f"expected one of {', '.join(FORMATS)}")])
