"""Plain-text renderings of scenarios and force plans for the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from skyshield.forces import ForcePlan
    from skyshield.scenario import LoadedScenario


def table(df: pd.DataFrame, floats: str = "{:,.1f}") -> str:
    """A DataFrame as text, no index: float columns formatted with ``floats``, except those
    whose values are all whole numbers (counts stored as floats), shown as whole numbers."""
    import numpy as np
    import pandas as pd

    if df.empty:
        return "  (none)"
    fmt = {}
    for c in df.columns:
        if pd.api.types.is_float_dtype(df[c]):
            x = df[c].to_numpy(float)
            x = x[np.isfinite(x)]
            whole = len(x) > 0 and bool(np.all(x == np.round(x)))
            fmt[c] = "{:,.0f}".format if whole else floats.format
    return str(df.to_string(index=False, formatters=fmt))


def counts_text(counts: Mapping[str, float], none: str = "none") -> str:
    """Counts by name as text, largest first, zeros left out: ``71 gun-20mm, 2 AIM-9X``."""
    shown = sorted(((n, k) for k, n in counts.items() if n), key=lambda nk: (-nk[0], nk[1]))
    return ", ".join(f"{n:,.0f} {k}" for n, k in shown) or none


def scenario_summary(ls: LoadedScenario) -> str:
    """A short description of a scenario: theatre, assets, coalition, support, CAP plan."""
    s = ls.scenario
    t = s.theatre
    lines = [
        f"Scenario {s.name!r} ({ls.origin})",
        f"  {s.description}".rstrip(),
        f"  start: {s.start.isoformat()}",
        f"  hostile: {', '.join(t.hostile)}; patrol standoff {t.patrol_standoff_km:g} km,"
        f" engagement standoff {t.engage_standoff_km:g} km",
        f"  protected assets ({len(ls.assets)}): " + ", ".join(a.name for a in ls.assets),
        f"  coalition: {len(s.coalition.members)} members, {s.coalition.total_aircraft} aircraft",
    ]
    for m in s.coalition.members:
        pl = ", ".join(f"{p.count} {p.type} at {p.base}" for p in m.pledges)
        lines.append(f"    {m.nation} ({m.iso_a3}): {pl}")
    lines.append(f"  AEW orbits: {', '.join(f'{o.id} ({o.type})' for o in s.aew_orbits) or 'none'}")
    lines.append(
        f"  tanker tracks: {', '.join(f'{t.id} ({t.type})' for t in s.tanker_tracks) or 'none'}"
    )
    lines.append(
        f"  CAP stations ({len(s.cap.stations)}, air refuelling {'on' if s.cap.use_tankers else 'off'}): "
        + ", ".join(f"{c.id} x{c.aircraft}" for c in s.cap.stations)
    )
    for w in ls.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


def plan_report(plan: ForcePlan) -> str:
    """The sortie-generation tables: stations, then by base, type and nation, then shortfalls."""
    t = plan.totals()
    st = plan.stations[
        [
            "station",
            "on_station_required",
            "on_station_held",
            "aircraft",
            "sorties_per_day",
            "flight_hours_per_day",
            "cost_per_day_usd",
        ]
    ]
    out = [
        f"CAP stations held 24/7: {t['stations_held']:.0f} of {t['stations']:.0f}"
        f" ({t['on_station_held']:.1f} of {t['on_station_required']:.0f} aircraft on station)",
        f"Aircraft: {t['aircraft_pledged']:.0f} pledged, {t['aircraft_committed']:.1f} committed"
        f" ({t['aircraft_for_held_stations']:.1f} to the stations held),"
        f" {t['aircraft_spare']:.1f} spare (enough for about"
        f" {t['spare_could_hold_on_station']:.1f} more on station)",
        f"Per day: {t['fighter_sorties_per_day']:.0f} fighter sorties,"
        f" {t['fighter_flight_hours_per_day']:.0f} flight hours,"
        f" fighters {t['fighter_cost_per_day_usd'] / 1e6:.2f} M USD,"
        f" support {t['support_cost_per_day_usd'] / 1e6:.2f} M USD;"
        f" tanker fuel {t['tanker_fuel_used_t_per_day']:.0f} of"
        f" {t['tanker_fuel_capacity_t_per_day']:.0f} t a day",
        f"Closest a fighter comes to hostile territory (transits): {t['pilot_exposure_min_km']:.0f} km",
        "",
        "Stations",
        table(st),
        "",
        "Who holds which station",
        table(
            plan.assignments[
                [
                    "station",
                    "nation",
                    "type",
                    "base",
                    "refuelled",
                    "transit_km",
                    "on_station",
                    "aircraft",
                    "time_on_station_h",
                    "sorties_per_day",
                    "limited_by",
                ]
            ]
        ),
    ]
    for key in ("base", "type", "nation"):
        out += ["", f"By {key}", table(plan.by(key))]
    out += ["", "Support", table(plan.support)]
    out += ["", "What is short"]
    if plan.shortfalls:
        out += [f"  - {s}" for s in plan.shortfalls]
    elif len(plan.stations):
        out.append("  nothing: every station is held")
    else:
        out.append("  the scenario has no CAP stations")
    if plan.notes:
        out += ["", "Notes"] + [f"  - {n}" for n in plan.notes if n not in plan.shortfalls]
    return "\n".join(out)
