"""Maps of the theatre, drawn in theatre kilometres (a conformal projection) with matplotlib."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from skyshield.forces import ForcePlan
from skyshield.scenario import LoadedScenario

_ASSET_MARKERS = {"city": "o", "nuclear": "*", "energy": "s", "port": "D", "other": "."}


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


def plot_force_map(ls: LoadedScenario, plan: ForcePlan | None, path: Path) -> Path:
    """Write a PNG map: zones, hostile areas, assets, bases, CAP stations, AEW and tankers."""
    th = ls.theatre
    s = ls.scenario
    fig, ax = plt.subplots(figsize=(12, 9), dpi=110)
    ax.set_facecolor("#dfe9f3")
    for iso, feat in sorted(th.countries.items()):
        draw_geometry(ax, th.to_km(feat.geometry), facecolor="#f4f1ea", edgecolor="#9a9a9a", lw=0.5)
        if iso != "UKR":
            c = th.to_km(feat.geometry).representative_point()
            if -1300 < c.x < 900 and -700 < c.y < 800:
                ax.annotate(iso, (c.x, c.y), color="#888", fontsize=8, ha="center")
    draw_geometry(ax, th.ukraine_km, facecolor="#fbf6d9", edgecolor="#555", lw=0.9)
    draw_geometry(
        ax, th.hostile_km, facecolor="#e8a0a0", edgecolor="#a33", lw=0.6, hatch="//", alpha=0.7
    )
    draw_geometry(ax, th.engagement_zone_km, facecolor="#c9e4c5", edgecolor="none", alpha=0.8)
    draw_geometry(
        ax, th.patrol_zone_km, facecolor="#7fbf7b", edgecolor="#2d6a2a", lw=0.8, alpha=0.8
    )

    proj = th.projection
    for a in ls.assets:
        x, y = proj.point_km(a.position)
        ax.plot(
            x,
            y,
            _ASSET_MARKERS[a.kind],
            color="#1f3b73",
            ms=7 if a.kind != "nuclear" else 11,
            mec="white",
            mew=0.6,
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
    used_bases = {p.base for m in s.coalition.members for p in m.pledges}
    for icao in sorted(used_bases):
        b = ls.bases[icao]
        x, y = proj.point_km(b.position)
        ax.plot(x, y, "^", color="#6a1b9a", ms=9, mec="white")
        n = sum(p.count for m in s.coalition.members for p in m.pledges if p.base == icao)
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
        ok = held.get(st.id, True)
        ax.plot(
            x,
            y,
            "o",
            ms=8 + 3 * st.aircraft,
            mfc="none",
            mec="#0b6e0b" if ok else "#d35400",
            mew=2.2,
        )
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
        (x0, y0), (x1, y1) = proj.point_km(tr.start), proj.point_km(tr.end)
        ax.plot([x0, x1], [y0, y1], "-", color="#ef6c00", lw=2.5)
        ax.annotate(
            tr.id,
            ((x0 + x1) / 2, (y0 + y1) / 2),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7.5,
            color="#ef6c00",
        )

    for lon in range(14, 46, 4):
        lats = np.linspace(42, 58, 50)
        xs, ys = proj.to_km(np.full_like(lats, lon), lats)
        ax.plot(xs, ys, color="#bbb", lw=0.3, zorder=0)
    for lat in range(42, 58, 2):
        lons = np.linspace(12, 48, 80)
        xs, ys = proj.to_km(lons, np.full_like(lons, lat))
        ax.plot(xs, ys, color="#bbb", lw=0.3, zorder=0)

    ax.set_xlim(-1150, 700)
    ax.set_ylim(-620, 650)
    ax.set_aspect("equal")
    ax.set_xlabel("km east of 31°E (Lambert conformal conic, parallels 45°N and 53°N)")
    ax.set_ylabel("km north of 49°N")
    t = s.theatre
    title = f"{s.name}: patrol zone ({t.patrol_standoff_km:g} km standoff) and engagement zone ({t.engage_standoff_km:g} km)"
    if plan is not None:
        title += f"\n{plan.stations_held} of {len(plan.stations)} CAP stations held 24/7 with {int(plan.pools.pledged.sum())} pledged jets"
    ax.set_title(title, fontsize=11)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(
            facecolor="#e8a0a0",
            hatch="//",
            edgecolor="#a33",
            label="hostile: " + ", ".join(t.hostile),
        ),
        Patch(facecolor="#7fbf7b", edgecolor="#2d6a2a", label="patrol zone (CAP stations)"),
        Patch(facecolor="#c9e4c5", label="engagement zone (shots)"),
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
        Line2D([], [], marker="*", ls="none", color="#1f3b73", ms=11, label="nuclear plant"),
        Line2D([], [], marker="o", ls="none", color="#1f3b73", ms=7, label="city"),
        Line2D([], [], marker="s", ls="none", color="#1f3b73", ms=6, label="energy site"),
        Line2D([], [], marker="D", ls="none", color="#1f3b73", ms=6, label="port"),
        Line2D([], [], ls="--", color="#00838f", label="AEW orbit"),
        Line2D([], [], color="#ef6c00", lw=2.5, label="tanker track"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=7.5, framealpha=0.9)
    src = "Borders: Natural Earth (public domain). Russian-held territory: approximate"
    occ_date = th.occupied.properties.get("as_of")
    if occ_date:
        src += f", as of {occ_date}"
    fig.text(0.99, 0.005, src + ".", ha="right", va="bottom", fontsize=7, color="#555")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
