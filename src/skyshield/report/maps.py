"""Maps of the theatre in longitude and latitude (degrees), drawn with matplotlib.

The engine works in theatre kilometres (a conformal projection); the maps convert its tracks,
legs, zones and circles back to degrees, and draw them with one degree of longitude shortened
by the cosine of the map's middle latitude, so shapes look as on a plain atlas page.  Labels
are placed so that they do not collide (:mod:`skyshield.report.labels`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from skyshield.files import save_figure
from skyshield.forces import ForcePlan
from skyshield.geo.layers import load_builtin
from skyshield.geo.projection import Projection
from skyshield.raids import Threats
from skyshield.report.labels import Label, place_labels
from skyshield.report.numbers import aircraft
from skyshield.report.stations import station_status
from skyshield.scenario import LoadedScenario

_ASSET_MARKERS = {"city": "o", "nuclear": "*", "energy": "s", "port": "D", "other": "."}
_CATEGORY_COLOURS = {
    "drone": "#8e44ad",
    "decoy": "#bb8fce",
    "jet_drone": "#5b2c6f",
    "recon_drone": "#a569bd",
    "cruise": "#c0392b",
    "ballistic": "#1a1a1a",
    "aeroballistic": "#1a1a1a",
    "other": "#7f8c8d",
}
#: (west, east, south, north) in degrees: western Ukraine and the coalition's bases; and the
#: whole raid from its launch areas in Russia.
FORCES_EXTENT = (15.0, 40.0, 43.5, 55.0)
RAID_EXTENT = (19.0, 49.0, 42.0, 56.5)

#: Width (inches) kept for the legend to the right of a map.
_LEGEND_IN = 3.4
#: Margins (inches) around the map: left, bottom (axis labels), top (a two-line title).
_LEFT_IN, _BOTTOM_IN, _TOP_IN = 0.8, 0.75, 0.75

#: Colours of CAP stations held, short and empty.
HELD, SHORT, EMPTY = "#0b6e0b", "#d35400", "#c0392b"


def km_to_lonlat(proj: Projection, x_km: np.ndarray, y_km: np.ndarray) -> np.ndarray:
    """Theatre kilometres to an array of (lon, lat) rows, degrees."""
    lon, lat = proj.to_lonlat(np.asarray(x_km, float), np.asarray(y_km, float))
    return np.column_stack([lon, lat])


def circle_lonlat(
    proj: Projection, centre: Sequence[float], radius_km: float, n: int = 72
) -> np.ndarray:
    """A circle of ``radius_km`` around ``centre`` (lon, lat), drawn in theatre kilometres and
    returned as (lon, lat) rows."""
    x, y = proj.point_km(list(centre))
    a = np.linspace(0.0, 2.0 * math.pi, n + 1)
    return km_to_lonlat(proj, x + radius_km * np.cos(a), y + radius_km * np.sin(a))


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def draw_geometry(ax: Axes, geom: BaseGeometry, **style: object) -> None:
    """Fill a (multi)polygon with holes on ``ax``."""
    for poly in _polygons(geom):
        verts: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            c = np.full(len(xy), MplPath.LINETO)
            c[0] = MplPath.MOVETO
            verts.append(xy)
            codes.append(c)
        if verts:
            ax.add_patch(PathPatch(MplPath(np.concatenate(verts), np.concatenate(codes)), **style))


def base_map(
    ls: LoadedScenario,
    extent: tuple[float, float, float, float],
    zones: bool = True,
    width_in: float = 14.0,
) -> tuple[Figure, Axes, list[object]]:
    """Countries, Ukraine, hostile areas, zones and protected assets (marked, not labelled:
    :func:`asset_labels` gives their labels) on axes in degrees, ``width_in`` inches wide with
    room for a legend on the right and as tall as the extent needs; the legend handles so far."""
    th = ls.theatre
    west, east, south, north = extent
    aspect = 1.0 / math.cos(math.radians((south + north) / 2.0))
    map_w = width_in - _LEGEND_IN - _LEFT_IN - 0.2
    height_in = map_w * (north - south) * aspect / (east - west) + _BOTTOM_IN + _TOP_IN
    fig = Figure(figsize=(width_in, height_in), dpi=110)
    ax = fig.subplots()
    fig.subplots_adjust(
        left=_LEFT_IN / width_in,
        right=(_LEFT_IN + map_w) / width_in,
        bottom=_BOTTOM_IN / height_in,
        top=1.0 - _TOP_IN / height_in,
    )
    ax.set_facecolor("#dfe9f3")
    for iso, feat in sorted(th.countries.items()):
        draw_geometry(ax, feat.geometry, facecolor="#f4f1ea", edgecolor="#9a9a9a", lw=0.5)
        c = feat.geometry.representative_point()
        if iso != "UKR" and west < c.x < east and south < c.y < north:
            ax.annotate(iso, (c.x, c.y), color="#888", fontsize=8, ha="center")
    draw_geometry(ax, th.countries["UKR"].geometry, facecolor="#fbf6d9", edgecolor="#555", lw=0.9)
    for coast in load_builtin("coast"):
        for line in getattr(coast.geometry, "geoms", [coast.geometry]):
            ax.plot(*np.asarray(line.coords).T, color="#4a7fb0", lw=0.6)
    t = ls.scenario.theatre
    hostile = unary_union([th.hostile_feature(n).geometry for n in t.hostile])
    draw_geometry(ax, hostile, facecolor="#e8a0a0", edgecolor="#a33", lw=0.6, hatch="//", alpha=0.7)
    handles: list[object] = [
        Patch(
            facecolor="#e8a0a0",
            hatch="//",
            edgecolor="#a33",
            label="hostile: " + ", ".join(t.hostile),
        )
    ]
    if zones:
        draw_geometry(
            ax,
            th.to_lonlat(th.engagement_zone_km),
            facecolor="#c9e4c5",
            edgecolor="none",
            alpha=0.8,
        )
        draw_geometry(
            ax,
            th.to_lonlat(th.patrol_zone_km),
            facecolor="#7fbf7b",
            edgecolor="#2d6a2a",
            lw=0.8,
            alpha=0.8,
        )
        handles += [
            Patch(
                facecolor="#7fbf7b",
                edgecolor="#2d6a2a",
                label=f"patrol zone, CAP stations ({t.patrol_standoff_km:g} km standoff)",
            ),
            Patch(
                facecolor="#c9e4c5",
                label=f"engagement zone, fighters shoot ({t.engage_standoff_km:g} km)",
            ),
        ]
    for a in ls.assets:
        size_ = 11 if a.kind == "nuclear" else 7
        ax.plot(
            *a.position,
            _ASSET_MARKERS[a.kind],
            color="#1f3b73",
            ms=size_,
            mec="white",
            mew=0.6,
            zorder=5,
        )
    handles += [
        Line2D([], [], marker="*", ls="none", color="#1f3b73", ms=11, label="nuclear plant"),
        Line2D([], [], marker="o", ls="none", color="#1f3b73", ms=7, label="city"),
        Line2D([], [], marker="s", ls="none", color="#1f3b73", ms=6, label="energy site"),
        Line2D([], [], marker="D", ls="none", color="#1f3b73", ms=6, label="port"),
    ]
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.grid(color="#999", lw=0.3, alpha=0.6)
    ax.set_axisbelow(False)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}°E")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}°N")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    src = "Borders: Natural Earth (public domain). Russian-held territory: approximate"
    occ_date = th.occupied.properties.get("as_of")
    fig.text(
        0.99,
        0.005,
        src + (f", as of {occ_date}." if occ_date else "."),
        ha="right",
        va="bottom",
        fontsize=7,
        color="#555",
    )
    return fig, ax, handles


def asset_labels(ls: LoadedScenario) -> list[Label]:
    """Labels of the protected cities and nuclear plants (the other assets are marked only)."""
    return [
        Label(*a.position, a.name, {"color": "#1f3b73"})
        for a in ls.assets
        if a.kind in ("city", "nuclear")
    ]


def station_colour(held: float, required: float) -> str:
    """A CAP station's colour: held around the clock, short, or empty (no aircraft)."""
    return {"held": HELD, "short": SHORT, "empty": EMPTY}[station_status(held, required)]


def station_handles(colours: set[str]) -> list[object]:
    """Legend entries of the station colours in use."""
    names = {HELD: "CAP station held 24/7", SHORT: "CAP station short", EMPTY: "CAP station empty"}
    return [
        Line2D([], [], marker="o", ls="none", mfc="none", mec=c, mew=2, ms=10, label=names[c])
        for c in (HELD, SHORT, EMPTY)
        if c in colours
    ]


def draw_forces(
    ax: Axes, ls: LoadedScenario, plan: ForcePlan | None, handles: list[object]
) -> list[Label]:
    """Host bases, CAP stations (sized by aircraft, coloured by how well they are held), AEW
    orbits and tanker tracks; adds their legend entries and returns their labels."""
    s = ls.scenario
    proj = ls.theatre.projection
    labels: list[Label] = []
    for o in s.aew_orbits:
        ax.plot(
            *circle_lonlat(proj, o.position, o.radius_km).T, "--", color="#00838f", lw=1.5, zorder=3
        )
        labels.append(Label(*o.position, o.id, {"color": "#00838f"}))
    for tr in s.tanker_tracks:
        ax.plot(
            [tr.start[0], tr.end[0]],
            [tr.start[1], tr.end[1]],
            "-",
            color="#ef6c00",
            lw=2.5,
            zorder=3,
        )
        mid = ((tr.start[0] + tr.end[0]) / 2, (tr.start[1] + tr.end[1]) / 2)
        labels.append(Label(*mid, tr.id, {"color": "#ef6c00"}))
    pledged: dict[str, int] = {}
    for m in s.coalition.members:
        for p in m.pledges:
            pledged[p.base] = pledged.get(p.base, 0) + p.count
    for icao, n in sorted(pledged.items()):
        lon, lat = ls.bases[icao].position
        ax.plot(lon, lat, "^", color="#6a1b9a", ms=8, mec="white", zorder=6)
        labels.append(Label(lon, lat, f"{icao} ({n})", {"color": "#6a1b9a"}))
    rows = {} if plan is None else {r.station: r for r in plan.stations.itertuples(index=False)}
    used = set()
    for st in s.cap.stations:
        r = rows.get(st.id)
        colour = HELD if r is None else station_colour(r.on_station_held, r.on_station_required)
        used.add(colour)
        ax.plot(
            *st.position, "o", ms=8 + 3 * st.aircraft, mfc="none", mec=colour, mew=2.2, zorder=7
        )
        held = "" if r is None else f" {aircraft(r.on_station_held)}/{st.aircraft}"
        labels.append(Label(*st.position, f"{st.id}{held}", {"weight": "bold", "color": "#222"}))
    handles += [
        *station_handles(used),
        Line2D(
            [],
            [],
            marker="^",
            ls="none",
            color="#6a1b9a",
            ms=8,
            label="host base, ICAO code (jets pledged)",
        ),
        Line2D([], [], ls="--", color="#00838f", label="AEW orbit (airborne radar)"),
        Line2D([], [], color="#ef6c00", lw=2.5, label="tanker track (air refuelling)"),
    ]
    return labels


def outside_legend(ax: Axes, handles: Sequence[object]) -> None:
    """The legend to the right of the map, so that it hides nothing."""
    ax.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7.5,
        framealpha=0.95,
        borderaxespad=0.0,
    )


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path)
    return path


def plot_force_map(ls: LoadedScenario, plan: ForcePlan | None, path: Path) -> Path:
    """Write a PNG map: zones, hostile areas, assets, bases, CAP stations (with the aircraft
    the plan holds on each), AEW orbits and tanker tracks."""
    s = ls.scenario
    fig, ax, handles = base_map(ls, FORCES_EXTENT)
    labels = draw_forces(ax, ls, plan, handles)
    outside_legend(ax, handles)
    t = s.theatre
    title = (
        f"{s.name}: CAP stations (aircraft on station held / required), host bases, AEW"
        f" and tankers; patrol standoff {t.patrol_standoff_km:g} km"
    )
    if plan is not None:
        title += (
            f"\n{plan.stations_held} of {len(plan.stations)} CAP stations held 24/7 with"
            f" {int(plan.pools.pledged.sum())} pledged jets"
        )
    ax.set_title(title, fontsize=11)
    place_labels(ax, [*labels, *asset_labels(ls)])
    return _save(fig, path)


def plot_raid_map(ls: LoadedScenario, threats: Threats, path: Path, title: str) -> Path:
    """Write a PNG map of a night's threats: routes coloured by category, launch and aim points."""
    fig, ax, handles = base_map(ls, RAID_EXTENT, zones=False)
    proj = ls.theatre.projection
    first, last = threats.offsets[:-1], threats.offsets[1:] - 1
    lonlat = km_to_lonlat(proj, threats.x_km, threats.y_km)
    for cat in sorted(set(threats.category.tolist())):
        idx = np.flatnonzero(threats.category == cat)
        segs = [lonlat[first[i] : last[i] + 1] for i in idx]
        colour = _CATEGORY_COLOURS.get(cat, "#7f8c8d")
        alpha = 0.25 if len(idx) > 200 else 0.6
        ax.add_collection(LineCollection(segs, colors=colour, linewidths=0.6, alpha=alpha))
        handles.append(Line2D([], [], color=colour, lw=1.5, label=f"{cat} ({len(idx)})"))
    ax.plot(*lonlat[first].T, ".", color="#b71c1c", ms=3, alpha=0.5)
    ax.plot(*lonlat[last].T, "x", color="#000", ms=3, alpha=0.5)
    handles += [
        Line2D([], [], marker=".", ls="none", color="#b71c1c", label="launch point"),
        Line2D([], [], marker="x", ls="none", color="#000", label="aim point"),
    ]
    outside_legend(ax, handles)
    ax.set_title(title, fontsize=11)
    place_labels(ax, asset_labels(ls))
    return _save(fig, path)
