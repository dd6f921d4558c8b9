"""Map of one simulated night: threat tracks coloured by fate, fighter legs, stations, AEW orbits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from skyshield.engine.sim import Outcome
from skyshield.forces import ForcePlan
from skyshield.raids import Threats
from skyshield.report.maps import base_map
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
#: (xmin, xmax, ymin, ymax) in theatre km: the coalition's bases in the west to the launch areas
#: in the east.
NIGHT_EXTENT = (-1150.0, 1300.0, -750.0, 800.0)


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
    """The night of ``outcome`` (normally the shield run) on the theatre map: every threat's
    track coloured by its fate, with a marker where it ended; the fighters' legs (transit,
    station, dash); bases, CAP stations (held or short), AEW orbits and tanker tracks; zones,
    hostile areas and protected assets from :func:`~skyshield.report.maps.base_map`."""
    fig, ax, handles = base_map(ls, NIGHT_EXTENT)
    fig.set_size_inches(13, 8.6)
    proj = ls.theatre.projection
    s = ls.scenario
    for tr in s.tanker_tracks:
        (xa, ya), (xb, yb) = proj.point_km(tr.start), proj.point_km(tr.end)
        ax.plot([xa, xb], [ya, yb], "-", color="#ef6c00", lw=2.5, zorder=3)
    for o in s.aew_orbits:
        x, y = proj.point_km(o.position)
        ax.add_patch(
            Circle((x, y), o.radius_km, fill=False, ls="--", color="#00838f", lw=1.5, zorder=3)
        )
    for icao in sorted({p.base for m in s.coalition.members for p in m.pledges}):
        x, y = proj.point_km(ls.bases[icao].position)
        ax.plot(x, y, "^", color="#6a1b9a", ms=8, mec="white", zorder=6)
    legs = outcome.fighter_legs
    if len(legs):
        segs = np.stack(
            [legs[["x0_km", "y0_km"]].to_numpy(float), legs[["x1_km", "y1_km"]].to_numpy(float)],
            axis=1,
        )
        ax.add_collection(LineCollection(list(segs), colors="#202020", linewidths=0.7, alpha=0.6))
    fate = outcome.threats
    tracks = flown_tracks(threats, fate)
    fates = fate["fate"].to_numpy(str)
    for name, (colour, label, _) in sorted(FATE_STYLE.items(), key=lambda kv: kv[1][2]):
        idx = np.flatnonzero(fates == name)
        if not len(idx):
            continue
        alpha = 0.25 if len(idx) > 200 else 0.6
        ax.add_collection(
            LineCollection([tracks[i] for i in idx], colors=colour, linewidths=0.6, alpha=alpha)
        )
        ax.plot(fate["fate_x_km"].to_numpy(float)[idx], fate["fate_y_km"].to_numpy(float)[idx],
                "x" if name.startswith(("killed", "lost")) else "o", color=colour, ms=3, alpha=0.8)  # fmt: skip
        handles.append(Line2D([], [], color=colour, lw=2, label=f"{label} ({len(idx)})"))
    held = dict(zip(plan.stations.station, plan.stations.held, strict=True))
    for st in s.cap.stations:
        x, y = proj.point_km(st.position)
        colour = "#0b6e0b" if held.get(st.id, True) else "#d35400"
        ax.plot(x, y, "o", ms=8 + 3 * st.aircraft, mfc="none", mec=colour, mew=2.2, zorder=7)
        ax.annotate(st.id, (x, y), xytext=(8, 6), textcoords="offset points", fontsize=7.5,
                    weight="bold", zorder=7)  # fmt: skip
    handles += [
        Line2D([], [], color="#202020", lw=1, label="fighter legs (transit, dash)"),
        Line2D([], [], marker="o", ls="none", mfc="none", mec="#0b6e0b", mew=2, ms=10,
               label="CAP station held"),
        Line2D([], [], marker="^", ls="none", color="#6a1b9a", ms=8, label="host base"),
        Line2D([], [], ls="--", color="#00838f", label="AEW orbit"),
        Line2D([], [], color="#ef6c00", lw=2.5, label="tanker track"),
    ]  # fmt: skip
    if not all(held.get(st.id, True) for st in s.cap.stations):
        handles.append(Line2D([], [], marker="o", ls="none", mfc="none", mec="#d35400", mew=2,
                              ms=10, label="CAP station short"))  # fmt: skip
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.9, ncol=2)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig
