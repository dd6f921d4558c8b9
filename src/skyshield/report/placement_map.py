"""Map of a CAP placement: candidates, sampled threat paths, the MILP's and the greedy stations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from skyshield.files import save_figure
from skyshield.placement import CapPlacement
from skyshield.report.labels import Label, place_labels
from skyshield.report.maps import (
    FORCES_EXTENT,
    asset_labels,
    base_map,
    circle_lonlat,
    km_to_lonlat,
    outside_legend,
)
from skyshield.scenario import LoadedScenario

#: At most this many sampled paths are drawn (an even subset), to keep the map readable.
MAX_PATHS_DRAWN = 1500


def plot_placement_map(ls: LoadedScenario, result: CapPlacement, path: Path) -> Path:
    """Write a map (PNG, SVG or PDF by suffix, in degrees) of ``result`` over the scenario's
    theatre."""
    fig, ax, handles = base_map(ls, FORCES_EXTENT)
    proj = ls.theatre.projection
    paths = result.paths
    step = max(1, len(paths) // MAX_PATHS_DRAWN)
    segs = [km_to_lonlat(proj, *paths.route(i).T) for i in range(0, len(paths), step)]
    ax.add_collection(LineCollection(segs, colors="#8e44ad", linewidths=0.4, alpha=0.12))
    handles.append(
        Line2D([], [], color="#8e44ad", alpha=0.5, label=f"sampled threat paths ({len(paths)})")
    )
    cand = km_to_lonlat(proj, *result.candidates.km.T)
    cx, cy = cand.T
    ax.plot(cx, cy, ".", color="#555", ms=2.5, zorder=4)
    handles.append(
        Line2D([], [], marker=".", ls="none", color="#555", label=f"candidates ({len(cx)})")
    )
    for st in ls.scenario.cap.stations:
        x, y = st.position
        ax.plot(x, y, "s", ms=7, mfc="none", mec="#1565c0", mew=1.5, zorder=6)
    handles.append(
        Line2D(
            [],
            [],
            marker="s",
            ls="none",
            mfc="none",
            mec="#1565c0",
            mew=1.5,
            label=f"the scenario's stations ({len(ls.scenario.cap.stations)})",
        )
    )
    drone_reach = max((r for r in result.reach_km.values() if np.isfinite(r)), default=0.0)
    labels = []
    for i, c in enumerate(result.best.stations):
        x, y = cand[c]
        ax.plot(x, y, "o", ms=11, mfc="#0b6e0b", mec="white", mew=1.5, zorder=7)
        ax.plot(*circle_lonlat(proj, (x, y), drone_reach).T, ":", color="#0b6e0b", lw=0.8)
        labels.append(
            Label(x, y, f"cap-{i + 1}", {"fontsize": 8, "weight": "bold", "color": "#0b6e0b"})
        )
    for c in result.greedy.stations:
        x, y = cand[c]
        ax.plot(x, y, "x", ms=10, color="#d35400", mew=2.2, zorder=8)
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            ls="none",
            mfc="#0b6e0b",
            mec="white",
            ms=10,
            label=f"MILP stations ({len(result.best.stations)}), reach {drone_reach:.0f} km",
        ),
        Line2D(
            [],
            [],
            marker="x",
            ls="none",
            color="#d35400",
            mew=2,
            ms=9,
            label=f"greedy stations ({len(result.greedy.stations)})",
        ),
    ]
    outside_legend(ax, handles)
    k = result.per_night
    ax.set_title(
        f"{ls.scenario.name}: {len(result.best.stations)} CAP stations against raid"
        f" {result.night.name!r}\nexpected value engaged per night: MILP {result.best.objective * k:,.0f},"
        f" greedy {result.greedy.objective * k:,.0f}, the scenario's stations {result.current * k:,.0f}"
        f" (gap {result.best.gap:.2%})",
        fontsize=11,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    place_labels(ax, [*labels, *asset_labels(ls)])
    save_figure(fig, path)
    return path
