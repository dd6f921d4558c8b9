"""A scene as KML 2.2 for Google Earth: time-stamped tracks that play with the time slider.

One ``Placemark`` per object with a ``gx:Track`` (``when`` and ``gx:coord`` lon lat alt,
altitude absolute in metres) and a ``TimeSpan``; a style per fate (fighters blue; threats by
fate: killed by fighters green, by the ground layer yellow, lost to EW grey, hits on assets red,
elsewhere orange, outside the protected area purple).  Folders: fighters, threats (a subfolder
per fate), kills (points with a time stamp), zones (polygons), places (assets, CAP stations,
bases, AEW orbits).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from skyshield.export.tracks import Scene, Track

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"

#: Colours (KML order: alpha, blue, green, red) by fate, and for fighters.
COLOURS = {
    "fighter": "ffff8000",
    "killed_fighter": "ff00c000",
    "killed_ground": "ff00d0ff",
    "lost_ew": "ff909090",
    "hit_asset": "ff0000ff",
    "hit_elsewhere": "ff0080ff",
    "outside_protected_area": "ffc040a0",
}

#: Zone fill colours (translucent) and names.
ZONE_STYLE = {
    "patrol": ("4000ff00", "Patrol zone (CAP stations)"),
    "engagement": ("3000ffff", "Engagement zone (shots)"),
    "hostile": ("400000ff", "Hostile territory"),
}


def _k(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, _k(tag))
    if text is not None:
        el.text = text
    return el


def _style(doc: ET.Element, sid: str, colour: str, width: float) -> None:
    st = _sub(doc, "Style")
    st.set("id", sid)
    icon = _sub(st, "IconStyle")
    _sub(icon, "color", colour)
    _sub(icon, "scale", "0.6")
    line = _sub(st, "LineStyle")
    _sub(line, "color", colour)
    _sub(line, "width", f"{width:g}")


def _folder(parent: ET.Element, name: str) -> ET.Element:
    f = _sub(parent, "Folder")
    _sub(f, "name", name)
    return f


def _track(parent: ET.Element, scene: Scene, tr: Track) -> None:
    pm = _sub(parent, "Placemark")
    pm.set("id", tr.id)
    _sub(pm, "name", tr.name)
    details = ", ".join(f"{k}: {v}" for k, v in tr.info.items() if v)
    _sub(
        pm, "description", f"{tr.kind} {tr.cls}{', fate: ' + tr.fate if tr.fate else ''}; {details}"
    )
    span = _sub(pm, "TimeSpan")
    _sub(span, "begin", scene.iso(tr.t_s[0]))
    _sub(span, "end", scene.iso(tr.t_s[-1]))
    _sub(pm, "styleUrl", f"#{tr.fate or 'fighter'}")
    track = ET.SubElement(pm, f"{{{GX_NS}}}Track")
    _sub(track, "altitudeMode", "absolute")
    for t in tr.t_s:
        _sub(track, "when", scene.iso(t))
    for lon, lat, alt in zip(tr.lon, tr.lat, tr.alt_m, strict=True):
        ET.SubElement(track, f"{{{GX_NS}}}coord").text = f"{lon:.7f} {lat:.7f} {alt:.1f}"


def _ring(parent: ET.Element, tag: str, coords: list[tuple[float, ...]]) -> None:
    ring = _sub(_sub(parent, tag), "LinearRing")
    _sub(ring, "coordinates", " ".join(f"{c[0]:.6f},{c[1]:.6f}" for c in coords))


def _polygons(parent: ET.Element, geom: BaseGeometry) -> None:
    polys = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
    holder = _sub(parent, "MultiGeometry") if isinstance(geom, MultiPolygon) else parent
    for poly in polys:
        if not isinstance(poly, Polygon) or poly.is_empty:
            continue
        el = _sub(holder, "Polygon")
        _ring(el, "outerBoundaryIs", list(poly.exterior.coords))
        for hole in poly.interiors:
            _ring(el, "innerBoundaryIs", list(hole.coords))


def _placemark(parent: ET.Element, pid: str, name: str) -> ET.Element:
    pm = _sub(parent, "Placemark")
    pm.set("id", pid)
    _sub(pm, "name", name)
    return pm


def to_kml(scene: Scene) -> str:
    """The scene as a KML 2.2 document (see the module docstring)."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)
    root = ET.Element(_k("kml"))
    doc = _sub(root, "Document")
    _sub(doc, "name", scene.title)
    _sub(doc, "description", "Simulated night (skyshield); times UTC, altitudes in metres.")
    span = _sub(doc, "TimeSpan")
    _sub(span, "begin", scene.iso(0.0))
    _sub(span, "end", scene.iso(scene.end_s))
    for sid, colour in COLOURS.items():
        _style(doc, sid, colour, 3.0 if sid == "fighter" else 1.5)
    for zone, (fill, _) in ZONE_STYLE.items():
        st = _sub(doc, "Style")
        st.set("id", f"style-zone-{zone}")
        _sub(_sub(st, "LineStyle"), "color", "ff" + fill[2:])
        _sub(_sub(st, "PolyStyle"), "color", fill)
    fighters = _folder(doc, "Fighters")
    for tr in scene.tracks:
        if tr.kind == "fighter":
            _track(fighters, scene, tr)
    threats = _folder(doc, "Threats")
    fates = sorted({tr.fate for tr in scene.tracks if tr.kind == "threat"})
    for fate in fates:
        sub = _folder(threats, fate.replace("_", " "))
        for tr in scene.tracks:
            if tr.kind == "threat" and tr.fate == fate:
                _track(sub, scene, tr)
    kills = _folder(doc, "Kills")
    for kill in scene.kills:
        pm = _placemark(kills, f"kill-{kill.threat}", f"{kill.threat} {kill.fate}")
        _sub(pm, "description", f"{kill.fate.replace('_', ' ')} by {kill.by}")
        _sub(_sub(pm, "TimeStamp"), "when", scene.iso(kill.t_s))
        _sub(pm, "styleUrl", f"#{kill.fate}")
        pt = _sub(pm, "Point")
        _sub(pt, "altitudeMode", "absolute")
        _sub(pt, "coordinates", f"{kill.lon:.7f},{kill.lat:.7f},{kill.alt_m:.1f}")
    zones = _folder(doc, "Zones")
    for name, geom in scene.zones.items():
        pm = _placemark(zones, f"zone-{name}", ZONE_STYLE.get(name, ("", name))[1])
        _sub(pm, "styleUrl", f"#style-zone-{name}")
        _polygons(pm, geom)
    places = _folder(doc, "Places")
    for p in scene.places:
        pm = _placemark(places, f"{p.kind}-{p.id}", p.name)
        _sub(pm, "description", f"{p.kind} {p.id}")
        _sub(_sub(pm, "Point"), "coordinates", f"{p.lon:.7f},{p.lat:.7f}")
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
