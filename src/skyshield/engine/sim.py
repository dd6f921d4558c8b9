"""One replication: a night's raid against Ukraine's own defences (baseline) and with the
coalition's fighters (shield).

1. **fly**: the raid is flown along seeded routes (:func:`skyshield.raids.fly`);
2. **ground**: Ukraine's ground layer draws, per threat, when it is lost to electronic warfare or
   killed by area defences (:mod:`skyshield.engine.ground`);
3. **shield** (shield only): tracks, C2 cycles, intercepts and reliefs in the compiled event
   loop of :mod:`skyshield.engine.shield`;
4. **resolve**: terminal defences at the assets engage the threats still flying when they arrive,
   in order of arrival, while magazines last, and every threat gets exactly one fate
   (:func:`_fates`).

The baseline and the shield share the routes and the ground layer's random numbers (common
random numbers: the seed's streams are spawned per component), so their difference is the
shield's effect, not noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from skyshield.catalog import Catalog
from skyshield.engine.ground import (
    ClassIndex,
    GroundDraws,
    assign_sites,
    defended_sites,
    draw_ground,
    ground_fate_time,
    resolve_terminal,
)
from skyshield.engine.kinematics import positions_at
from skyshield.engine.names import DEFENCES, FATES
from skyshield.engine.shield import KILL_DRAWS, ShieldRun
from skyshield.engine.shield import loop as shield_loop
from skyshield.engine.world import World
from skyshield.geo.jit import is_ready
from skyshield.geo.regions import (
    least_distance,
)
from skyshield.raids import Night, Threats, fly

F64 = NDArray[np.float64]

#: Columns of the sortie, shot and fighter-leg tables (see :class:`Outcome`).
SORTIE_COLUMNS = (
    "aircraft",
    "nation",
    "type",
    "base",
    "station",
    "refuelled",
    "takeoff_s",
    "on_station_s",
    "off_station_s",
    "landing_s",
    "station_h",
    "planned_station_h",
    "transit_h",
    "flight_h",
    "night_flight_h",
    "dash_h",
    "fuel_left_h",
    "weapons_spent",
    "kills",
    "flight_cost_usd",
)
SHOT_COLUMNS = (
    "time_s",
    "aircraft",
    "threat",
    "class_id",
    "weapon",
    "shot",
    "pk",
    "kill",
    "x_km",
    "y_km",
)
LEG_COLUMNS = ("aircraft", "phase", "t0_s", "t1_s", "x0_km", "y0_km", "x1_km", "y1_km")

#: The baseline's (empty) sortie, shot and fighter-leg tables, copied for each replication
#: (building an empty frame from its columns costs about 0.4 ms, a copy a tenth of that).
_NO_FIGHTERS = tuple(
    pd.DataFrame(columns=list(c)) for c in (SORTIE_COLUMNS, SHOT_COLUMNS, LEG_COLUMNS)
)


@dataclass
class Outcome:
    """The outcome tables of one defence in one replication (pandas), and its seed.

    ``night_h`` is the night's length (first launch to last arrival, from t = 0), over which
    flight hours and costs are counted; ``support_cost_usd`` the AEW and tanker cost of the
    night (the force plan's daily cost, pro rata); ``exposure_km`` the least distance of any
    fighter leg to hostile territory; ``tracked_s`` (shield only, None for the baseline) the
    time (s) each threat became a track for the coalition's C2, by threat (inf: never).
    """

    defence: str
    seed: int
    threats: pd.DataFrame
    sorties: pd.DataFrame
    engagements: pd.DataFrame
    fighter_legs: pd.DataFrame
    night_h: float = 0.0
    support_cost_usd: float = 0.0
    exposure_km: float = math.inf
    tracked_s: F64 | None = None

    def summary(self, catalog: Catalog) -> dict[str, Any]:
        """Headline figures: fates, hits per asset, sorties, flight hours, weapons, cost (USD)."""
        th, so, en = self.threats, self.sorties, self.engagements
        fate = th["fate"].to_numpy(dtype=str)
        fates = {f: int(np.count_nonzero(fate == f)) for f in FATES}
        hits = _counts(th["fate_asset"].to_numpy(dtype=str)[fate == "hit_asset"])
        weapons = _counts(en["weapon"].to_numpy(dtype=str))
        weapon_cost = float(sum(n * catalog.weapons[w].cost_usd for w, n in weapons.items()))
        fh = float(so["night_flight_h"].sum()) if len(so) else 0.0
        flight_cost = float(so["flight_cost_usd"].sum()) if len(so) else 0.0
        killed_value = float(th["cost_usd"][fate == "killed_fighter"].sum())
        cost = weapon_cost + flight_cost + self.support_cost_usd
        kills = fates["killed_fighter"]
        return {
            "defence": self.defence,
            "seed": self.seed,
            "threats": len(th),
            **fates,
            "leakers": fates["hit_asset"]
            + fates["hit_elsewhere"]
            + fates["outside_protected_area"],
            "hits_on_assets": fates["hit_asset"],
            "hits_by_asset": hits,
            "night_h": self.night_h,
            "sorties": len(so),
            "flight_hours": fh,
            "threats_engaged": len(np.unique(en["threat"].to_numpy())),
            "weapons": weapons,
            "shots": len(en),
            "weapon_cost_usd": weapon_cost,
            "flight_cost_usd": flight_cost,
            "support_cost_usd": self.support_cost_usd,
            "shield_cost_usd": cost,
            "pilot_exposure_min_km": self.exposure_km,
            "cost_per_fighter_kill_usd": cost / kills if kills else math.nan,
            "cost_exchange_ratio": killed_value / cost if cost else math.nan,
        }


class NightTable(NamedTuple):
    """What the fate tables of one replication's defences share: the threats' own columns
    (:meth:`Threats.to_frame`; and cost, USD), each one's earliest death on the ground layers (time s,
    cause), and where each arrives: at a protected asset (the nearest whose radius holds it, -1
    if none), inside the engagement zone; the terminal site that would engage it and that
    site's Pk (:func:`assign_sites`)."""

    frame: pd.DataFrame
    cost_usd: F64
    death_s: F64
    cause: NDArray[np.str_]
    nearest: NDArray[np.int64]
    in_zone: NDArray[np.bool_]
    terminal: tuple[NDArray[np.int64], F64]


def night_table(world: World, threats: Threats, draws: GroundDraws) -> NightTable:
    """The :class:`NightTable` of a replication."""
    death_s, cause = ground_fate_time(draws)
    last = threats.offsets[1:] - 1
    ax, ay = threats.x_km[last], threats.y_km[last]
    d = np.hypot(ax[:, None] - world.asset_km[None, :, 0], ay[:, None] - world.asset_km[None, :, 1])
    radius = np.array([a.radius_km for a in world.ls.assets])
    inside = d <= radius[None, :]
    nearest = np.where(inside.any(axis=1), np.argmin(np.where(inside, d, np.inf), axis=1), -1)
    frame = threats.to_frame(world.ls.theatre.projection)
    cost = ClassIndex.of_threats(threats).each(lambda c: world.catalog.threats[c].cost_usd)
    in_zone = shapely.contains_xy(world.engage_zone, ax, ay)
    sites = defended_sites(world.ls.assets, world.ground)
    terminal = assign_sites(
        ax, ay, threats.class_id, threats.category, sites, world.ls.theatre.projection
    )
    return NightTable(
        frame,
        cost,
        death_s,
        cause,
        nearest.astype(np.int64),
        np.asarray(in_zone),
        terminal,
    )


def _counts(values: NDArray[np.str_]) -> dict[str, int]:
    """How many times each distinct value occurs, in sorted order."""
    keys, n = np.unique(values, return_counts=True)
    return {str(k): int(v) for k, v in zip(keys, n, strict=True)}


def _fates(
    world: World,
    threats: Threats,
    draws: GroundDraws,
    night: NightTable,
    killed_s: F64,
    kill_by: NDArray[Any],
) -> pd.DataFrame:
    """The per-threat table of one defence: exactly one fate each, with its time, place and
    cause (``killed_s``, ``kill_by``: when a fighter killed it and which, inf and "" if none)."""
    n = len(threats)
    death_s, cause = night.death_s, night.cause
    arrival = threats.arrival_time_s
    by_fighter = killed_s < np.minimum(death_s, arrival)
    by_ground_early = ~by_fighter & (death_s < arrival)
    alive = ~by_fighter & ~by_ground_early
    term = resolve_terminal(
        threats,
        alive,
        world.ls.assets,
        world.ls.theatre.projection,
        world.ground,
        draws,
        night.terminal,
    )
    fate = np.empty(n, dtype=object)
    fate_s = np.where(by_fighter, killed_s, np.where(by_ground_early, death_s, arrival))
    fate[by_fighter] = "killed_fighter"
    fate[by_ground_early & (cause == "ew")] = "lost_ew"
    fate[by_ground_early & (cause != "ew")] = "killed_ground"
    fate[alive & term.killed] = "killed_ground"
    arrived = alive & ~term.killed
    at_asset = night.nearest >= 0
    fate[arrived & at_asset] = "hit_asset"
    fate[arrived & ~at_asset & night.in_zone] = "hit_elsewhere"
    fate[arrived & ~at_asset & ~night.in_zone] = "outside_protected_area"
    pos = positions_at(
        threats.offsets,
        threats.x_km,
        threats.y_km,
        threats.t_s,
        np.arange(n),
        fate_s,
        validate=False,
    )
    last = threats.offsets[1:] - 1
    fx = np.where(arrived, threats.x_km[last], pos.x_km)
    fy = np.where(arrived, threats.y_km[last], pos.y_km)
    lon, lat = world.ls.theatre.projection.to_lonlat(fx, fy)
    killer = np.where(
        by_fighter,
        kill_by,
        np.where(by_ground_early, cause, np.where(alive & term.killed, term.site, "")),
    )
    asset_ids = np.array([a.id for a in world.ls.assets] + [""], dtype=object)
    cols = {
        "fate": fate.astype(str),
        "fate_time_s": fate_s,
        "fate_x_km": fx,
        "fate_y_km": fy,
        "fate_lon": lon,
        "fate_lat": lat,
        "fate_asset": np.where(fate == "hit_asset", asset_ids[night.nearest], ""),
        "killed_by": killer.astype(str),
        "terminal_shots": term.shots,
        "cost_usd": night.cost_usd,
    }
    return pd.concat([night.frame, pd.DataFrame(cols, index=night.frame.index)], axis=1)


def _streams(seed: int) -> list[np.random.SeedSequence]:
    """The independent streams of replication ``seed``: routes, ground, fighters, kills."""
    return np.random.SeedSequence(seed).spawn(4)


def flown_threats(world: World, seed: int) -> Threats:
    """The threats of replication ``seed`` as flown (routes and times): what
    :func:`run_replication` runs its defences on, for maps and replays."""
    return fly(world.night, world.ctx, np.random.default_rng(_streams(seed)[0]))


def run_replication(
    world: World, seed: int, defences: tuple[str, ...] = DEFENCES
) -> dict[str, Outcome]:
    """One replication: the night flown once, each defence run on common random numbers."""
    return _replicate(world, world.night, seed, defences)


def kernel_ready() -> bool:
    """Whether the engine's compiled loops run without compiling first (compiled in this
    process, or cached on disk for this version and machine): when not, the first
    :func:`warm_up` takes about a minute of CPU."""
    return is_ready(shield_loop)


def warm_up(world: World) -> None:
    """Compile the engine's loops for ``world`` (or load them from numba's cache, a fraction of
    a second) by running a one-threat night of it, so that the replications that follow, and
    worker processes started afterwards, find them compiled."""
    if not world.night.groups:
        return
    group = world.night.groups[0].model_copy(update={"count": 1})
    _replicate(world, world.night.model_copy(update={"groups": [group]}), 0, DEFENCES)


def _replicate(
    world: World, raid: Night, seed: int, defences: tuple[str, ...]
) -> dict[str, Outcome]:
    """:func:`run_replication` of another night ``raid`` in ``world``."""
    routes_ss, ground_ss, fighter_ss, kill_ss = _streams(seed)
    threats = fly(raid, world.ctx, np.random.default_rng(routes_ss))
    draws = draw_ground(threats, world.free_ukraine, world.ground, np.random.default_rng(ground_ss))
    night = night_table(world, threats, draws)
    death_s = night.death_s
    out: dict[str, Outcome] = {}
    n = len(threats)
    night_s = float(threats.arrival_time_s.max()) if n else 0.0
    for defence in defences:
        if defence == "baseline":
            df = _fates(
                world, threats, draws, night, np.full(n, np.inf), np.full(n, "", dtype=object)
            )
            sorties, shots, legs = (empty.copy() for empty in _NO_FIGHTERS)
            out[defence] = Outcome(defence, seed, df, sorties, shots, legs, night_s / 3600.0)
            continue
        kill_u = np.random.default_rng(kill_ss).random((n, KILL_DRAWS))
        fighter_rng = np.random.default_rng(fighter_ss)
        res = ShieldRun(world, threats, death_s, fighter_rng, kill_u).run()
        df = _fates(world, threats, draws, night, res.killed_s, res.kill_by)
        support = float(world.plan.support["cost_per_day_usd"].sum()) * night_s / 86400.0
        out[defence] = Outcome(
            defence,
            seed,
            df,
            res.sorties,
            res.shots,
            res.legs,
            night_s / 3600.0,
            support,
            _exposure(world, res.legs),
            res.track_s,
        )
    return out


def _exposure(world: World, legs: pd.DataFrame) -> float:
    """Least distance (km) of any fighter leg to hostile territory; inf without legs."""
    xy = legs[list(LEG_COLUMNS[4:])].to_numpy(float)
    rg = world.regions
    return least_distance(rg.hostile, rg.hostile_blocks, xy[:, 0], xy[:, 1], xy[:, 2], xy[:, 3])
