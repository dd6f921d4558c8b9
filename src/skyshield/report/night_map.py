"""Map of one simulated night: threat tracks coloured by fate, fighter legs, stations, AEW orbits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from skyshield.engine.sim import Outcome
from skyshield.forces import ForcePlan
from skyshield.raids import Threats
from skyshield.report.labels import place_labels
from skyshield.report.maps import asset_labels, base_map, draw_forces, km_to_lonlat, outside_legend
from skyshield.scenario import LoadedScenario

#: Fate -> (colour, legend text, drawing order: later on top).
FATE_STYLE: dict[str, tuple[str, str, int]] = {
    "lost_ew": ("#9e9e9e", "lost to electronic warfare", 0),
    "killed_ground": ("#3f7fd0", "killed by Ukraine's ground defences", 1),
    "outside_protected_area": ("#a0522d", "reached a point outside the protected area", 2),
    "hit_elsewhere": ("#f08c00", "hit elsewhere in the protected area", 3),
    "hit_asset": ("#d62020", "hit a protected asset", 4),
    "killed_fighter": ("#10a010", "killed by the shield's fighters", 5),
}
#: (west, east, south, north) in degrees: the coalition's bases in the west to the launch areas
#: in the east.
NIGHT_EXTENT = (15.0, 49.0, 42.0, 56.5)


def flown_tracks(threats: Threats, fate: pd.DataFrame) -> list[np.ndarray]:
    """Each threat's route as flown: its waypoints before its fate time, then its fate point
    (``fate`` is the outcome's per-threat table, in threat order); arrays of (x_km, y_km)."""
    tracks = []
    end_t = fate["fate_time_s"].to_numpy(float)
    end_x, end_y = fate["fate_x_km"].to_numpy(float), fate["fate_y_km"].to_numpy(float)
    for i in range(len(threats)):
        a, b = threats.offsets[i], threats.offsets[i + 1]
        keep = threats.t_s[a:b] < end_t[i]
        xy = np.column_stack([threats.x_km[a:b][keep], threats.y_km[a:b][keep]])
        tracks.append(np.vstack([xy, [end_x[i], end_y[i]]]))
    return tracks


def plot_night_map(
    ls: LoadedScenario, plan: ForcePlan, threats: Threats, outcome: Outcome, title: str
) -> Figure:
    """The night of ``outcome`` (normally the shield run) on the theatre map, in degrees: every
    threat's track coloured by its fate, with a marker where it ended; the fighters' legs
    (transit, station, dash); bases, CAP stations (held, short or empty), AEW orbits and tanker
    tracks; zones, hostile areas and protected assets from
    :func:`~skyshield.report.maps.base_map`."""
    fig, ax, handles = base_map(ls, NIGHT_EXTENT)
    proj = ls.theatre.projection
    legs = outcome.fighter_legs
    if len(legs):
        a = km_to_lonlat(proj, legs["x0_km"].to_numpy(float), legs["y0_km"].to_numpy(float))
        b = km_to_lonlat(proj, legs["x1_km"].to_numpy(float), legs["y1_km"].to_numpy(float))
        ax.add_collection(
            LineCollection(
                list(np.stack([a, b], axis=1)),
                colors="#202020",
                linewidths=0.7,
                alpha=0.6,
                zorder=4,
            )
        )
    fate = outcome.threats
    tracks = [km_to_lonlat(proj, t[:, 0], t[:, 1]) for t in flown_tracks(threats, fate)]
    ends = km_to_lonlat(proj, fate["fate_x_km"].to_numpy(float), fate["fate_y_km"].to_numpy(float))
    fates = fate["fate"].to_numpy(str)
    fate_handles = []
    for name, (colour, label, _) in sorted(FATE_STYLE.items(), key=lambda kv: kv[1][2]):
        idx = np.flatnonzero(fates == name)
        if not len(idx):
            continue
        alpha = 0.25 if len(idx) > 200 else 0.6
        ax.add_collection(
            LineCollection([tracks[i] for i in idx], colors=colour, linewidths=0.6, alpha=alpha)
        )
        ax.plot(
            *ends[idx].T,
            "x" if name.startswith(("killed", "lost")) else "o",
            color=colour,
            ms=3,
            alpha=0.8,
        )
        fate_handles.append(Line2D([], [], color=colour, lw=2, label=f"{label} ({len(idx)})"))
    labels = draw_forces(ax, ls, plan, handles)
    handles += [
        Line2D([], [], color="#202020", lw=1, label="fighter legs (transit, dash)"),
        *fate_handles,
    ]
    outside_legend(ax, handles)
    ax.set_title(title, fontsize=11)
    place_labels(ax, [*labels, *asset_labels(ls)])
    return fig
