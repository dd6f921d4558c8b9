"""Maps of the theatre, drawn in theatre kilometres (a conformal projection) with matplotlib."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from skyshield.files import save_figure
from skyshield.forces import ForcePlan
from skyshield.geo.layers import load_builtin
from skyshield.raids import Threats
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
#: (xmin, xmax, ymin, ymax) in km: western Ukraine and the bases; all of the raid's launch areas.
FORCES_EXTENT = (-1150.0, 700.0, -620.0, 650.0)
RAID_EXTENT = (-800.0, 1300.0, -750.0, 800.0)


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
    ls: LoadedScenario, extent: tuple[float, float, float, float], zones: bool = True
) -> tuple[Figure, Axes, list[object]]:
    """Countries, Ukraine, hostile areas, zones, graticule and protected assets; legend handles."""
    th = ls.theatre
    fig = Figure(figsize=(12, 9), dpi=110)
    ax = fig.subplots()
    ax.set_facecolor("#dfe9f3")
    x0, x1, y0, y1 = extent
    for iso, feat in sorted(th.countries.items()):
        geom = th.to_km(feat.geometry)
        draw_geometry(ax, geom, facecolor="#f4f1ea", edgecolor="#9a9a9a", lw=0.5)
        c = geom.representative_point()
        if iso != "UKR" and x0 < c.x < x1 and y0 < c.y < y1:
            ax.annotate(iso, (c.x, c.y), color="#888", fontsize=8, ha="center")
    draw_geometry(ax, th.ukraine_km, facecolor="#fbf6d9", edgecolor="#555", lw=0.9)
    for coast in load_builtin("coast"):
        for line in getattr(th.to_km(coast.geometry), "geoms", [th.to_km(coast.geometry)]):
            ax.plot(*np.asarray(line.coords).T, color="#4a7fb0", lw=0.6)
    draw_geometry(
        ax, th.hostile_km, facecolor="#e8a0a0", edgecolor="#a33", lw=0.6, hatch="//", alpha=0.7
    )
    t = ls.scenario.theatre
    handles: list[object] = [
        Patch(
            facecolor="#e8a0a0",
            hatch="//",
            edgecolor="#a33",
            label="hostile: " + ", ".join(t.hostile),
        )
    ]
    if zones:
        draw_geometry(ax, th.engagement_zone_km, facecolor="#c9e4c5", edgecolor="none", alpha=0.8)
        draw_geometry(
            ax, th.patrol_zone_km, facecolor="#7fbf7b", edgecolor="#2d6a2a", lw=0.8, alpha=0.8
        )
        handles += [
            Patch(
                facecolor="#7fbf7b",
                edgecolor="#2d6a2a",
                label=f"patrol zone ({t.patrol_standoff_km:g} km standoff)",
            ),
            Patch(facecolor="#c9e4c5", label=f"engagement zone ({t.engage_standoff_km:g} km)"),
        ]
    proj = th.projection
    for lon in range(14, 50, 4):
        lats = np.linspace(40, 60, 60)
        xs, ys = proj.to_km(np.full_like(lats, lon), lats)
        ax.plot(xs, ys, color="#bbb", lw=0.3, zorder=0)
    for lat in range(42, 60, 2):
        lons = np.linspace(12, 50, 90)
        xs, ys = proj.to_km(lons, np.full_like(lons, lat))
        ax.plot(xs, ys, color="#bbb", lw=0.3, zorder=0)
    for a in ls.assets:
        x, y = proj.point_km(a.position)
        size = 11 if a.kind == "nuclear" else 7
        ax.plot(
            x, y, _ASSET_MARKERS[a.kind], color="#1f3b73", ms=size, mec="white", mew=0.6, zorder=5
        )
        if a.kind in ("city", "nuclear"):
            ax.annotate(
                a.name,
                (x, y),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize=7.5,
                color="#1f3b73",
            )
    handles += [
        Line2D([], [], marker="*", ls="none", color="#1f3b73", ms=11, label="nuclear plant"),
        Line2D([], [], marker="o", ls="none", color="#1f3b73", ms=7, label="city"),
        Line2D([], [], marker="s", ls="none", color="#1f3b73", ms=6, label="energy site"),
        Line2D([], [], marker="D", ls="none", color="#1f3b73", ms=6, label="port"),
    ]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("km east of 31°E (Lambert conformal conic, parallels 45°N and 53°N)")
    ax.set_ylabel("km north of 49°N")
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


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def plot_force_map(ls: LoadedScenario, plan: ForcePlan | None, path: Path) -> Path:
    """Write a PNG map: zones, hostile areas, assets, bases, CAP stations, AEW and tankers."""
    s = ls.scenario
    fig, ax, handles = base_map(ls, FORCES_EXTENT)
    proj = ls.theatre.projection
    for icao in sorted({p.base for m in s.coalition.members for p in m.pledges}):
        x, y = proj.point_km(ls.bases[icao].position)
        n = sum(p.count for m in s.coalition.members for p in m.pledges if p.base == icao)
        ax.plot(x, y, "^", color="#6a1b9a", ms=9, mec="white")
        ax.annotate(
            f"{icao} ({n})",
            (x, y),
            xytext=(5, -10),
            textcoords="offset points",
            fontsize=7.5,
            color="#6a1b9a",
        )
    held = {} if plan is None else dict(zip(plan.stations.station, plan.stations.held, strict=True))
    for st in s.cap.stations:
        x, y = proj.point_km(st.position)
        colour = "#0b6e0b" if held.get(st.id, True) else "#d35400"
        ax.plot(x, y, "o", ms=8 + 3 * st.aircraft, mfc="none", mec=colour, mew=2.2)
        ax.annotate(
            f"{st.id} x{st.aircraft}",
            (x, y),
            xytext=(8, 6),
            textcoords="offset points",
            fontsize=7.5,
            weight="bold",
        )
    for o in s.aew_orbits:
        x, y = proj.point_km(o.position)
        ax.add_patch(Circle((x, y), o.radius_km, fill=False, ls="--", color="#00838f", lw=1.5))
        ax.annotate(
            o.id,
            (x, y),
            xytext=(0, -14),
            textcoords="offset points",
            fontsize=7.5,
            color="#00838f",
            ha="center",
        )
    for tr in s.tanker_tracks:
        (xa, ya), (xb, yb) = proj.point_km(tr.start), proj.point_km(tr.end)
        ax.plot([xa, xb], [ya, yb], "-", color="#ef6c00", lw=2.5)
        ax.annotate(
            tr.id,
            ((xa + xb) / 2, (ya + yb) / 2),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7.5,
            color="#ef6c00",
        )
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            ls="none",
            mfc="none",
            mec="#0b6e0b",
            mew=2,
            ms=10,
            label="CAP station held",
        ),
        Line2D(
            [],
            [],
            marker="o",
            ls="none",
            mfc="none",
            mec="#d35400",
            mew=2,
            ms=10,
            label="CAP station short",
        ),
        Line2D([], [], marker="^", ls="none", color="#6a1b9a", ms=9, label="host base (jets)"),
        Line2D([], [], ls="--", color="#00838f", label="AEW orbit"),
        Line2D([], [], color="#ef6c00", lw=2.5, label="tanker track"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=7.5, framealpha=0.9)
    t = s.theatre
    title = f"{s.name}: patrol zone ({t.patrol_standoff_km:g} km standoff) and engagement zone ({t.engage_standoff_km:g} km)"
    if plan is not None:
        title += f"\n{plan.stations_held} of {len(plan.stations)} CAP stations held 24/7 with {int(plan.pools.pledged.sum())} pledged jets"
    ax.set_title(title, fontsize=11)
    return _save(fig, path)


def plot_raid_map(ls: LoadedScenario, threats: Threats, path: Path, title: str) -> Path:
    """Write a PNG map of a night's threats: routes coloured by category, launch and aim points."""
    fig, ax, handles = base_map(ls, RAID_EXTENT, zones=False)
    for cat in sorted(set(threats.category.tolist())):
        idx = np.flatnonzero(threats.category == cat)
        segs = [
            np.column_stack(
                [
                    threats.x_km[threats.offsets[i] : threats.offsets[i + 1]],
                    threats.y_km[threats.offsets[i] : threats.offsets[i + 1]],
                ]
            )
            for i in idx
        ]
        colour = _CATEGORY_COLOURS.get(cat, "#7f8c8d")
        alpha = 0.25 if len(idx) > 200 else 0.6
        ax.add_collection(LineCollection(segs, colors=colour, linewidths=0.6, alpha=alpha))
        handles.append(Line2D([], [], color=colour, lw=1.5, label=f"{cat} ({len(idx)})"))
    first, last = threats.offsets[:-1], threats.offsets[1:] - 1
    ax.plot(threats.x_km[first], threats.y_km[first], ".", color="#b71c1c", ms=3, alpha=0.5)
    ax.plot(threats.x_km[last], threats.y_km[last], "x", color="#000", ms=3, alpha=0.5)
    handles += [
        Line2D([], [], marker=".", ls="none", color="#b71c1c", label="launch point"),
        Line2D([], [], marker="x", ls="none", color="#000", label="aim point"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=7.5, framealpha=0.9)
    ax.set_title(title, fontsize=11)
    return _save(fig, path)
