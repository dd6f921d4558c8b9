"""A replication's night as a scene: per-object tracks in degrees and metres, kills, zones and
places, the common input of every export format.

Times are seconds after the night's start (``t = 0``, the engine's clock), turned into UTC
timestamps with :meth:`Scene.when`.  The scene covers the night as the engine counts it: from
``t = 0`` to the last arrival.  A threat's track runs from its launch, through its route's
waypoints, to its fate (its position and time from the threat table: killed, lost, or arrived).
A fighter's track is built from its legs (transit out, dashes, returns, transit back; between
legs it holds its station) and clipped to the night, so an aircraft already on station at
``t = 0`` starts there; sorties entirely outside the night are left out.  Altitudes: a threat
flies at its class's altitude (catalog ``altitude_m``), a fighter at the engine's
``fighter_altitude_m``, climbing from and descending to 0 m at its base along its transits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from skyshield.geo import Projection
from skyshield.studies.replay import Replay

F64 = NDArray[np.float64]

#: Fates that end a threat before it arrives: each gives a kill event.
KILL_FATES = ("killed_fighter", "killed_ground", "lost_ew")

#: Tolerance (km) to which zones are simplified before they are turned into degrees.
ZONE_SIMPLIFY_KM = 1.0


@dataclass(frozen=True)
class Track:
    """One object's path: ``t_s`` (s after the night's start), ``lon``/``lat`` (degrees) and
    ``alt_m`` (metres) per sample, in time order.

    ``kind`` is ``fighter`` or ``threat``; ``cls`` the aircraft type or threat class; ``fate``
    the threat's fate (empty for fighters); ``info`` further attributes as text (nation, base,
    station; launch area, aim, killer).
    """

    id: str
    kind: str
    cls: str
    name: str
    fate: str
    t_s: F64
    lon: F64
    lat: F64
    alt_m: F64
    info: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kill:
    """A threat's end before arrival: its track id, fate, time (s), place (degrees, m) and what
    ended it (``by``: the aircraft id, ground layer or ``ew``; ``by_track``: the fighter's track
    id for a fighter kill, else empty)."""

    threat: str
    fate: str
    t_s: float
    lon: float
    lat: float
    alt_m: float
    by: str
    by_track: str = ""


@dataclass(frozen=True)
class Place:
    """A fixed point: a protected asset, a CAP station, an air base or an AEW orbit (degrees;
    ``radius_km`` of an asset or orbit, else 0)."""

    id: str
    kind: str
    name: str
    lon: float
    lat: float
    radius_km: float = 0.0


@dataclass(frozen=True)
class Scene:
    """Everything a replay shows: tracks, kills, zones (degree geometries by name), places,
    from ``t = 0`` (``start``, UTC) to ``end_s``."""

    title: str
    start: datetime
    end_s: float
    tracks: list[Track]
    kills: list[Kill]
    zones: dict[str, BaseGeometry]
    places: list[Place]

    def when(self, t_s: float) -> datetime:
        """The UTC time ``t_s`` seconds after the start."""
        return self.start + timedelta(seconds=float(t_s))

    def iso(self, t_s: float) -> str:
        """``t_s`` as an ISO 8601 UTC timestamp with milliseconds, e.g. 2025-06-07T17:00:00.000Z."""
        return self.when(t_s).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fighter_track_id(aircraft: str) -> str:
    """Track id of an aircraft of the sortie table (its id with ``/`` as ``-``)."""
    return "fighter-" + aircraft.replace("/", "-")


def build_scene(
    *,
    title: str,
    start: datetime,
    end_s: float,
    threats: pd.DataFrame,
    waypoints: pd.DataFrame,
    sorties: pd.DataFrame,
    legs: pd.DataFrame,
    projection: Projection,
    fighter_altitude_m: float,
    zones_km: Mapping[str, BaseGeometry] | None = None,
    places: Sequence[Place] = (),
) -> Scene:
    """The scene of one defence's outcome tables (see the module docstring).

    ``threats``, ``sorties`` and ``legs`` are the engine's threat, sortie and fighter-leg
    tables, ``waypoints`` the threats' routes (``threat``, ``t_s``, ``x_km``, ``y_km``);
    ``zones_km`` geometries in theatre km; ``start`` an aware datetime.
    """
    start_utc = start.astimezone(UTC)
    tracks = _threat_tracks(threats, waypoints, projection)
    tracks += _fighter_tracks(sorties, legs, projection, fighter_altitude_m, end_s)
    zones = {
        name: _to_degrees(geom.simplify(ZONE_SIMPLIFY_KM), projection)
        for name, geom in (zones_km or {}).items()
    }
    return Scene(title, start_utc, end_s, tracks, _kills(threats, tracks), zones, list(places))


def scene_from_replay(replay: Replay, defence: str = "shield") -> Scene:
    """The scene of one defence (``shield`` or ``baseline``) of a re-simulated replication,
    with the theatre's zones (patrol, engagement, hostile) and the scenario's assets, CAP
    stations, bases and AEW orbits."""
    world, oc = replay.world, replay.outcomes[defence]
    ls = world.ls
    th = ls.theatre
    s = ls.scenario
    places = [Place(a.id, "asset", a.name, *a.position, a.radius_km) for a in ls.assets]
    places += [Place(c.id, "station", f"CAP {c.id}", *c.position) for c in s.cap.stations]
    used = sorted({p.base for m in s.coalition.members for p in m.pledges})
    places += [Place(b, "base", ls.bases[b].name, *ls.bases[b].position) for b in used]
    places += [Place(o.id, "aew", f"AEW {o.type}", *o.position, o.radius_km) for o in s.aew_orbits]
    title = (
        f"{s.name}: night {world.night.name}, run {replay.run['run_id']}"
        f" replication {replay.rep} (seed {replay.seed}), {defence}"
    )
    return build_scene(
        title=title,
        start=world.night.start,
        end_s=oc.night_h * 3600.0,
        threats=oc.threats,
        waypoints=replay.waypoints,
        sorties=oc.sorties,
        legs=oc.fighter_legs,
        projection=th.projection,
        fighter_altitude_m=world.params.fighter_altitude_m,
        zones_km={
            "patrol": th.patrol_zone_km,
            "engagement": th.engagement_zone_km,
            "hostile": th.hostile_km,
        },
        places=places,
    )


def _to_degrees(geom: BaseGeometry, projection: Projection) -> BaseGeometry:
    def inv(coords: F64) -> F64:
        lon, lat = projection.to_lonlat(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, inv)


def _threat_tracks(
    threats: pd.DataFrame, waypoints: pd.DataFrame, projection: Projection
) -> list[Track]:
    """Launch, the waypoints before the fate time, then the fate's time and place."""
    wp = waypoints.sort_values(["threat", "t_s"], kind="stable")
    lon, lat = projection.to_lonlat(wp["x_km"].to_numpy(float), wp["y_km"].to_numpy(float))
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    t = wp["t_s"].to_numpy(float)
    ids = wp["threat"].to_numpy()
    bounds = np.searchsorted(ids, threats["threat"].to_numpy(), side="left")
    ends = np.searchsorted(ids, threats["threat"].to_numpy(), side="right")
    out = []
    for row, a, b in zip(threats.itertuples(index=False), bounds, ends, strict=True):
        fate_t = float(row.fate_time_s)
        keep = a + 1 + np.flatnonzero(t[a + 1 : b] < fate_t)
        sel = np.concatenate([[a], keep])
        alt = float(row.altitude_m)
        out.append(
            Track(
                id=f"threat-{row.threat}",
                kind="threat",
                cls=str(row.class_id),
                name=f"{row.class_id} #{row.threat}",
                fate=str(row.fate),
                t_s=np.append(t[sel], fate_t),
                lon=np.append(lon[sel], float(row.fate_lon)),
                lat=np.append(lat[sel], float(row.fate_lat)),
                alt_m=np.full(len(sel) + 1, alt),
                info={
                    "category": str(row.category),
                    "launch_area": str(row.launch_area),
                    "aim": f"{row.aim_kind} {row.aim_id}",
                    "killed_by": str(row.killed_by),
                    "fate_asset": str(row.fate_asset),
                },
            )
        )
    return out


def _fighter_tracks(
    sorties: pd.DataFrame,
    legs: pd.DataFrame,
    projection: Projection,
    altitude_m: float,
    end_s: float,
) -> list[Track]:
    """Each aircraft's leg end points in time order, clipped to ``[0, end_s]``."""
    out = []
    by_aircraft = dict(tuple(legs.groupby("aircraft", sort=False))) if len(legs) else {}
    for so in sorties.itertuples(index=False):
        lg = by_aircraft.get(so.aircraft)
        if lg is None:
            continue
        lg = lg.sort_values(["t0_s", "t1_s"], kind="stable")
        t = np.column_stack([lg["t0_s"], lg["t1_s"]]).ravel().astype(float)
        x = np.column_stack([lg["x0_km"], lg["x1_km"]]).ravel().astype(float)
        y = np.column_stack([lg["y0_km"], lg["y1_km"]]).ravel().astype(float)
        at_base = np.zeros(len(t), dtype=bool)
        at_base[0] = lg["phase"].iloc[0] == "transit_out"
        at_base[-1] = lg["phase"].iloc[-1] == "transit_back"
        z = np.where(at_base, 0.0, altitude_m)
        order = np.argsort(t, kind="stable")
        t, x, y, z = t[order], x[order], y[order], z[order]
        first = np.concatenate([[True], np.diff(t) > 0])  # one sample per time
        t, x, y, z = t[first], x[first], y[first], z[first]
        if not (t[-1] > 0.0 and t[0] < end_s):
            continue  # not airborne during the night
        lo, hi = max(t[0], 0.0), min(t[-1], end_s)
        inside = (t > lo) & (t < hi)
        ts = np.concatenate([[lo], t[inside], [hi]])
        xs = np.concatenate([[np.interp(lo, t, x)], x[inside], [np.interp(hi, t, x)]])
        ys = np.concatenate([[np.interp(lo, t, y)], y[inside], [np.interp(hi, t, y)]])
        zs = np.concatenate([[np.interp(lo, t, z)], z[inside], [np.interp(hi, t, z)]])
        lon, lat = projection.to_lonlat(xs, ys)
        out.append(
            Track(
                id=fighter_track_id(str(so.aircraft)),
                kind="fighter",
                cls=str(so.type),
                name=f"{so.type} {so.aircraft}",
                fate="",
                t_s=ts,
                lon=np.asarray(lon, float),
                lat=np.asarray(lat, float),
                alt_m=zs,
                info={
                    "aircraft": str(so.aircraft),
                    "nation": str(so.nation),
                    "base": str(so.base),
                    "station": str(so.station),
                    "kills": str(int(so.kills)),
                    "weapons_spent": str(int(so.weapons_spent)),
                },
            )
        )
    return out


def _kills(threats: pd.DataFrame, tracks: list[Track]) -> list[Kill]:
    """A kill event per threat whose fate is one of :data:`KILL_FATES`, at its fate's time and
    place (the end of its track)."""
    fighters = {tr.info["aircraft"] for tr in tracks if tr.kind == "fighter"}
    out = []
    for row in threats[threats["fate"].isin(KILL_FATES)].itertuples(index=False):
        by = str(row.killed_by)
        out.append(
            Kill(
                threat=f"threat-{row.threat}",
                fate=str(row.fate),
                t_s=float(row.fate_time_s),
                lon=float(row.fate_lon),
                lat=float(row.fate_lat),
                alt_m=float(row.altitude_m),
                by=by,
                by_track=fighter_track_id(by) if by in fighters else "",
            )
        )
    return sorted(out, key=lambda k: k.t_s)
