"""A scene as a Tacview flight recording: ACMI 2.1 text, optionally zipped.

The file starts with the two mandatory header lines and the global properties
(``0,ReferenceTime=...`` is the night's start, UTC); then time frames ``#t`` (s after the
reference time, ms precision), each with the objects that have a sample then
(``id,T=lon|lat|alt``; an object's first line also carries ``Name``, ``Type``, ``Coalition``,
``Color``, ``CallSign``, ``Group``), kill events (``0,Event=Destroyed|id|...``; a fighter kill
names the fighter as the second object) and the removal of objects at their last sample
(``-id``).  Object ids are hexadecimal, numbered from 1 in the scene's order.  Tacview
interpolates positions between samples, which is exact here: tracks are piecewise linear.
"""

from __future__ import annotations

import io
import zipfile

from skyshield.export.tracks import Scene, Track
from skyshield.version import __version__

#: ACMI type tags by threat category (fighters are ``Air+FixedWing``).
TYPE_BY_CATEGORY = {
    "drone": "Air+FixedWing",
    "decoy": "Air+FixedWing",
    "recon_drone": "Air+FixedWing",
    "jet_drone": "Air+FixedWing",
    "cruise": "Weapon+Missile",
    "ballistic": "Weapon+Missile",
    "aeroballistic": "Weapon+Missile",
}


def _props(tr: Track) -> str:
    if tr.kind == "fighter":
        kind, coalition, color = "Air+FixedWing", "Coalition", "Blue"
        group = tr.info["station"]
    else:
        kind = TYPE_BY_CATEGORY.get(tr.info["category"], "Air+FixedWing")
        coalition, color, group = "Russia", "Red", tr.info["launch_area"]
    return (
        f",Name={_text(tr.cls)},Type={kind},Coalition={coalition},Color={color}"
        f",CallSign={_text(tr.name)},Group={_text(group)}"
    )


def _text(s: str) -> str:
    """A property value with ACMI's reserved comma escaped."""
    return s.replace(",", "\\,").replace("\n", " ")


def to_acmi(scene: Scene) -> str:
    """The scene as ACMI 2.1 text (see the module docstring)."""
    acmi_id = {tr.id: f"{k + 1:x}" for k, tr in enumerate(scene.tracks)}
    # (time, order within a frame: 0 samples, 1 events, 2 removals, sequence, line)
    lines: list[tuple[float, int, int, str]] = []
    seq = 0
    for tr in scene.tracks:
        oid = acmi_id[tr.id]
        for k, (t, lon, lat, alt) in enumerate(zip(tr.t_s, tr.lon, tr.lat, tr.alt_m, strict=True)):
            extra = _props(tr) if k == 0 else ""
            lines.append(
                (round(float(t), 3), 0, seq, f"{oid},T={lon:.7f}|{lat:.7f}|{alt:.1f}{extra}")
            )
            seq += 1
        lines.append((round(float(tr.t_s[-1]), 3), 2, seq, f"-{oid}"))
        seq += 1
    for kill in scene.kills:
        ids = acmi_id[kill.threat] + (f"|{acmi_id[kill.by_track]}" if kill.by_track else "")
        text = _text(f"{kill.threat} {kill.fate.replace('_', ' ')} ({kill.by})")
        lines.append((round(kill.t_s, 3), 1, seq, f"0,Event=Destroyed|{ids}|{text}"))
        seq += 1
    lines.sort()
    out = [
        "FileType=text/acmi/tacview",
        "FileVersion=2.1",
        f"0,ReferenceTime={scene.start.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"0,Title={_text(scene.title)}",
        f"0,DataSource=skyshield {__version__}",
        "0,Comments=Simulated night (not a record of real flights)",
    ]
    frame: float | None = None
    for t, _, _, line in lines:
        if t != frame:
            out.append(f"#{t:.3f}")
            frame = t
        out.append(line)
    return "\n".join(out) + "\n"


def zip_acmi(text: str, name: str) -> bytes:
    """ACMI text as a zip archive holding one entry ``name`` (Tacview's ``.zip.acmi``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, text)
    return buf.getvalue()
