"""One night's raid against Ukraine's own defences (baseline) and the coalition's fighters (shield).

A replication (DESIGN.md section 4):

1. the raid is flown along seeded routes (:func:`skyshield.raids.fly`);
2. Ukraine's ground layer draws, per threat, when it is lost to electronic warfare or killed by
   area defences (:mod:`skyshield.engine.ground`);
3. *shield only*: tracks form from the coalition's AEW orbits, the fighters' radars and
   Ukraine's surveillance (:mod:`skyshield.engine.sensors`); a discrete-event loop runs the C2
   cycle, the intercepts and the fighters' relief (this module, :mod:`skyshield.engine.fighters`);
4. terminal defences at the assets engage the threats still flying when they arrive, in order of
   arrival, while magazines last;
5. every threat gets exactly one fate.

The baseline and the shield share the routes and the ground layer's random numbers (common
random numbers: the seed's streams are spawned per component), so their difference is the
shield's effect, not noise.

The C2 cycle runs every ``c2_cycle_s`` while a tracked threat is within reach of a station with a
free fighter (``max_dash_km`` plus weapon range); otherwise the loop waits for the next event
(a track, a fighter free again, a relief).  At a cycle, threat evaluation and weapon assignment
score every feasible (fighter, threat) pair by ``value x Pk - time_penalty x hours to
intercept`` and pair them by linear assignment (:func:`scipy.optimize.linear_sum_assignment`).
A pair is feasible when the earliest intercept (exact, per leg) comes before the threat dies to
the ground layer or arrives, the fighter's whole dash (to its shot point) lies in the engagement
zone, the dash is at most ``max_dash_km``, and the fighter is back on station by its
(dash-adjusted) bingo time.  A pair whose intercept lies further ahead than the fighter needs to
get there waits for a later cycle, so fighters are not sent early.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from skyshield.catalog import Catalog
from skyshield.engine.fighters import Aircraft, SlotSpec, new_aircraft, station_slots
from skyshield.engine.ground import (
    GroundDraws,
    GroundParams,
    draw_ground,
    ground_fate_time,
    resolve_terminal,
)
from skyshield.engine.kernel import EventQueue
from skyshield.engine.kinematics import circle_entry_times, earliest_intercept, positions_at
from skyshield.engine.names import DEFENCES, FATES
from skyshield.engine.params import EngineParams
from skyshield.engine.sensors import Sensor, detection_times, entry_times, ukraine_outline
from skyshield.forces import ForcePlan
from skyshield.raids import Night, RaidContext, Threats, fly
from skyshield.scenario import LoadedScenario

F64 = NDArray[np.float64]


#: Reference RCS (m^2) of the catalog's fighter radar ranges ("a ~0.1 m^2 low target").
FIGHTER_RADAR_REF_RCS_M2 = 0.1


@dataclass
class World:
    """What every replication of one scenario and night shares (built once)."""

    ls: LoadedScenario
    plan: ForcePlan
    ctx: RaidContext
    night: Night
    params: EngineParams
    ground: GroundParams
    catalog: Catalog = field(init=False)

    def __post_init__(self) -> None:
        self.catalog = self.ls.catalog
        th = self.ls.theatre
        self.engage_zone = th.engagement_zone_km
        shapely.prepare(self.engage_zone)
        self.free_ukraine = self.ctx.free_ukraine_km
        # where a shot can be taken at a threat: within weapon range of the engagement zone
        longest = max((w.range_km for w in self.catalog.weapons.values()), default=0.0)
        self.shot_reach = self.engage_zone.buffer(longest).simplify(0.5)
        shapely.prepare(self.shot_reach)
        self.ukraine = ukraine_outline(th.ukraine_km)
        proj = th.projection
        self.positions_km: dict[str, tuple[float, float]] = {
            st.id: proj.point_km(st.position) for st in self.ls.scenario.cap.stations
        }
        self.positions_km.update({b: proj.point_km(v.position) for b, v in self.ls.bases.items()})
        self.aew = [
            Sensor(o.id, *proj.point_km(o.position), self.catalog.aew[o.type].altitude_m,
                   self.catalog.aew[o.type].ref_range_km, self.catalog.aew[o.type].ref_rcs_m2)
            for o in self.ls.scenario.aew_orbits
        ]  # fmt: skip
        self.asset_km = np.array([proj.point_km(a.position) for a in self.ls.assets]).reshape(-1, 2)


@dataclass
class Outcome:
    """The outcome tables of one defence in one replication (pandas), and its seed.

    ``night_h`` is the night's length (first launch to last arrival, from t = 0), over which
    flight hours and costs are counted; ``support_cost_usd`` the AEW and tanker cost of the
    night (the force plan's daily cost, pro rata); ``exposure_km`` the least distance of any
    fighter leg to hostile territory.
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

    def summary(self, catalog: Catalog) -> dict[str, Any]:
        """Headline figures: fates, hits per asset, sorties, flight hours, weapons, cost (USD)."""
        th, so, en = self.threats, self.sorties, self.engagements
        fates = {f: int((th["fate"] == f).sum()) for f in FATES}
        hits = th[th["fate"] == "hit_asset"].groupby("fate_asset").size().to_dict()
        weapons = en.groupby("weapon").size().to_dict() if len(en) else {}
        weapon_cost = float(sum(n * catalog.weapons[w].cost_usd for w, n in weapons.items()))
        fh = float(so["night_flight_h"].sum()) if len(so) else 0.0
        flight_cost = float(so["flight_cost_usd"].sum()) if len(so) else 0.0
        killed_value = float(th.loc[th["fate"] == "killed_fighter", "cost_usd"].sum())
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
            "hits_by_asset": {str(k): int(v) for k, v in hits.items()},
            "night_h": self.night_h,
            "sorties": len(so),
            "flight_hours": fh,
            "threats_engaged": int(en["threat"].nunique()) if len(en) else 0,
            "weapons": {str(k): int(v) for k, v in weapons.items()},
            "shots": len(en),
            "weapon_cost_usd": weapon_cost,
            "flight_cost_usd": flight_cost,
            "support_cost_usd": self.support_cost_usd,
            "shield_cost_usd": cost,
            "pilot_exposure_min_km": self.exposure_km,
            "cost_per_fighter_kill_usd": cost / kills if kills else math.nan,
            "cost_exchange_ratio": killed_value / cost if cost else math.nan,
        }


def _weapon_for(
    ac: Aircraft, category: str, catalog: Catalog, params: EngineParams
) -> tuple[str, float, float] | None:
    """Cheapest weapon left that the policy allows and that is adequate (Pk >= ``min_pk``)
    against ``category``: (id, Pk, range km); None if there is none."""
    allowed = params.weapon_policy.get(category, [])
    best: tuple[float, str] | None = None
    for wid, n in ac.weapons.items():
        if n <= 0:
            continue
        w = catalog.weapons[wid]
        pk = w.pk.get(category, 0.0)  # type: ignore[call-overload]
        if w.kind in allowed and pk >= params.min_pk and (best is None or w.cost_usd < best[0]):
            best = (w.cost_usd, wid)
    if best is None:
        return None
    w = catalog.weapons[best[1]]
    return best[1], float(w.pk[category]), float(w.range_km)  # type: ignore[index]


class ShieldRun:
    """The discrete-event part of one shield replication: fighters, C2, engagements."""

    def __init__(
        self,
        world: World,
        threats: Threats,
        death_s: F64,
        track_s: F64,
        rng: np.random.Generator,
        kill_u: F64 | None = None,
    ) -> None:
        self.w, self.th, self.rng = world, threats, rng
        # kill draws per (threat, shot at it): the same luck for a threat whatever the force
        self.kill_u = kill_u if kill_u is not None else rng.random((len(threats), 16))
        self.shots_at = np.zeros(len(threats), dtype=np.int64)
        self.p = world.params
        self.q = EventQueue()
        n = len(threats)
        self.death_s = death_s
        self.arrival_s = threats.arrival_time_s
        self.track_s = track_s
        cat = world.catalog
        self.engageable = np.array([cat.threats[c].fighter_engageable for c in threats.class_id])
        self.value = np.where(
            threats.aim_kind == "asset",
            [
                next((a.value for a in world.ls.assets if a.id == aid), world.params.region_value)
                for aid in threats.aim_id
            ],
            world.params.region_value,
        ).astype(float)
        self.killed_s = np.full(n, np.inf)
        self.kill_by = np.full(n, "", dtype=object)
        self.engaged = np.zeros(n, dtype=bool)
        self.slots: list[SlotSpec] = station_slots(
            world.plan.assignments, world.plan.stations, world.positions_km, rng
        )
        self.current: list[Aircraft | None] = [None] * len(self.slots)
        self.aircraft: list[Aircraft] = []
        self.engagements: list[dict[str, Any]] = []
        self.legs: list[dict[str, Any]] = []
        self.serial = 0
        self.c2_times: set[float] = set()
        self.stations = sorted({s.station for s in self.slots})
        self.station_of = np.array([self.stations.index(s.station) for s in self.slots], dtype=int)
        # when threat i first comes within reach of station s: the longest dash, plus the range of
        # the longest weapon adequate against its category among the station's types, plus how
        # far the threat flies while a fighter reacts and dashes that far
        self.near_s = np.full((n, len(self.stations)), np.inf)
        # when threat i first comes within a dash and a shot of station s
        self.close_s = np.full((n, len(self.stations)), np.inf)
        lag_h = (self.p.reaction_s + self.p.c2_cycle_s) / 3600.0
        for k, sid in enumerate(self.stations):
            types = {sl.type for sl in self.slots if sl.station == sid}
            v_dash = min(cat.fighters[ft].dash_speed_kmh for ft in types)
            reach = np.full(n, -1.0)
            close = np.full(n, -1.0)
            for c in np.unique(threats.category):
                ranges = [
                    cat.weapons[wid].range_km
                    for ft in types
                    for wid in cat.fighters[ft].loadout
                    if cat.weapons[wid].pk.get(str(c), 0.0) >= self.p.min_pk  # type: ignore[call-overload]
                ]
                if ranges:
                    mine = threats.category == c
                    v_threat = float(threats.speed_kmh[mine].max())
                    run_km = v_threat * (lag_h + self.p.max_dash_km / v_dash)
                    reach[mine] = self.p.max_dash_km + max(ranges) + run_km
                    close[mine] = self.p.max_dash_km + max(ranges)
            x, y = world.positions_km[sid]
            ok = reach > 0
            if ok.any():
                for target, radius in ((self.near_s, reach), (self.close_s, close)):
                    target[ok, k] = circle_entry_times(
                        threats.offsets,
                        threats.x_km,
                        threats.y_km,
                        threats.t_s,
                        x,
                        y,
                        np.maximum(radius, 1e-9),
                    )[ok]
        # when threat i becomes a candidate for station s, and enters the engagement zone (start())
        self.active_s = np.full((n, len(self.stations)), np.inf)
        self.zone_entry_s = np.full(n, np.inf)
        # pairs (threat, slot) with no intercept at some time never get one later
        self.unreachable = np.zeros((n, len(self.slots)), dtype=bool)
        self.horizon_s = float(np.max(self.arrival_s)) + 600.0 if n else 0.0

    # --- scheduling helpers -------------------------------------------------------------
    def request_c2(self, t: float) -> None:
        """Schedule a C2 cycle at the first cycle boundary at or after ``t``."""
        cycle = self.p.c2_cycle_s
        tc = max(math.ceil(t / cycle - 1e-9) * cycle, t)
        if tc not in self.c2_times:
            self.c2_times.add(tc)
            self.q.schedule(tc, "c2")

    def put_on_station(self, slot: int, arrive_s: float) -> None:
        """A fresh aircraft takes the slot at ``arrive_s``; its relief is scheduled at bingo."""
        self.serial += 1
        ac = new_aircraft(self.slots[slot], self.w.catalog, arrive_s, self.serial)
        self.aircraft.append(ac)
        self.current[slot] = ac
        self.unreachable[:, slot] = False  # a fresh loadout
        self.q.schedule(ac.bingo_s, "relief", (slot, ac.id, ac.bingo_s))
        self.legs.append(
            self._leg(
                ac,
                ac.takeoff_s,
                ac.arrive_s,
                (ac.spec.base_x_km, ac.spec.base_y_km),
                (ac.spec.x_km, ac.spec.y_km),
                "transit_out",
            )
        )

    @staticmethod
    def _leg(
        ac: Aircraft,
        t0: float,
        t1: float,
        a: tuple[float, float],
        b: tuple[float, float],
        phase: str,
    ) -> dict[str, Any]:
        return {
            "aircraft": ac.id,
            "phase": phase,
            "t0_s": t0,
            "t1_s": t1,
            "x0_km": a[0],
            "y0_km": a[1],
            "x1_km": b[0],
            "y1_km": b[1],
        }

    def depart(self, ac: Aircraft, t: float) -> None:
        """The aircraft leaves its station for base at ``t`` (once)."""
        if math.isfinite(ac.depart_s):
            return
        ac.depart_s = t
        s = (ac.spec.x_km, ac.spec.y_km)
        self.legs.append(
            self._leg(ac, t, ac.land_s, s, (ac.spec.base_x_km, ac.spec.base_y_km), "transit_back")
        )

    # --- the run --------------------------------------------------------------------------
    def run(self) -> None:
        """Run the night to its horizon."""
        self.start()
        self.loop()

    def start(self) -> None:
        """Put the first aircraft on station (a random phase of their time on station each) and
        schedule when each threat comes within reach of each station."""
        for k, spec in enumerate(self.slots):
            self.put_on_station(k, -self.rng.random() * spec.time_on_station_h * 3600.0)
        zone_s = entry_times(self.th, self.w.shot_reach)
        self.zone_entry_s = entry_times(self.th, self.w.engage_zone)
        for k, sid in enumerate(self.stations):
            v_dash = min(
                self.w.catalog.fighters[s.type].dash_speed_kmh
                for s in self.slots
                if s.station == sid
            )
            lead_s = self.p.max_dash_km / v_dash * 3600.0 + self.p.reaction_s + self.p.c2_cycle_s
            when = np.maximum(np.maximum(self.track_s, self.near_s[:, k]), zone_s - lead_s)
            ok = (
                self.engageable
                & np.isfinite(when)
                & (when < np.minimum(self.death_s, self.arrival_s))
            )
            self.active_s[:, k] = np.where(ok, when, np.inf)
            for i in np.flatnonzero(ok):
                self.q.schedule(float(when[i]), "near", int(i))

    def loop(self) -> None:
        """Process events up to the horizon, then let aircraft still out fly home."""
        while len(self.q) and self.q.peek_time() <= self.horizon_s:
            t, kind, payload = self.q.pop()
            getattr(self, f"on_{kind}")(t, payload)
        for ac in self.aircraft:
            if not math.isfinite(ac.depart_s):
                self.depart(ac, max(ac.bingo_s, ac.busy_until_s))

    def on_near(self, t: float, i: int) -> None:
        self.request_c2(t)

    def on_relief(self, t: float, payload: tuple[int, str, float]) -> None:
        slot, ac_id, bingo = payload
        ac = self.current[slot]
        if ac is None or ac.id != ac_id or ac.bingo_s != bingo:
            return  # a stale relief: the aircraft left early or its bingo moved
        if ac.busy_until_s <= t:
            self.depart(ac, t)
        self.put_on_station(slot, t)
        self.request_c2(t)

    def on_arrive(self, t: float, slot: int) -> None:
        self.put_on_station(slot, t)
        self.request_c2(t)

    def on_free(self, t: float, ac: Aircraft) -> None:
        slot = ac.spec.slot
        if self.current[slot] is not ac:
            self.depart(ac, t)  # relieved while busy
            return
        if not ac.has_weapons() or t >= ac.bingo_s:
            self.depart(ac, t)
            self.current[slot] = None
            self.q.schedule(t + self.p.scramble_delay_s + ac.transit_s, "arrive", slot)
            return
        self.request_c2(t)

    def free_aircraft(self, t: float) -> list[Aircraft]:
        """Aircraft on station, not busy, with weapons and time before bingo."""
        return [
            ac
            for ac in self.current
            if ac is not None
            and ac.busy_until_s <= t
            and ac.arrive_s <= t < ac.bingo_s
            and ac.has_weapons()
        ]

    def on_c2(self, t: float, _: object) -> None:
        self.c2_times.discard(t)
        free = self.free_aircraft(t)
        if not free:
            return
        th, cat = self.th, self.w.catalog
        alive = (self.killed_s == np.inf) & (self.death_s > t) & (self.arrival_s > t)
        cand_mask = self.engageable & ~self.engaged & alive & (self.track_s <= t)
        cand = np.flatnonzero(cand_mask)
        parts: list[tuple[int, NDArray[np.int64], str, float, float]] = []
        for k, ac in enumerate(free):
            slot = ac.spec.slot
            idx = cand[
                (self.near_s[cand, self.station_of[slot]] <= t) & ~self.unreachable[cand, slot]
            ]
            if not len(idx):
                continue
            cats = th.category[idx]
            for c in np.unique(cats):
                w = _weapon_for(ac, str(c), cat, self.p)
                if w is not None:
                    parts.append((k, idx[cats == c], *w))
        if not parts:
            return
        kk = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
        ii = np.concatenate([p[1] for p in parts])
        weapon = np.concatenate([np.full(len(p[1]), p[2], dtype=object) for p in parts])
        pk = np.concatenate([np.full(len(p[1]), p[3]) for p in parts])
        rng_km = np.concatenate([np.full(len(p[1]), p[4]) for p in parts])
        fx = np.array([free[k].spec.x_km for k in kk])
        fy = np.array([free[k].spec.y_km for k in kk])
        vd = np.array([free[k].ftype.dash_speed_kmh for k in kk])
        vc = np.array([free[k].ftype.cruise_speed_kmh for k in kk])
        factor = np.array([free[k].ftype.dash_fuel_factor for k in kk])
        bingo = np.array([free[k].bingo_s for k in kk])
        hit = earliest_intercept(
            th.offsets, th.x_km, th.y_km, th.t_s, ii, fx, fy, t, vd, self.p.reaction_s, rng_km
        )
        ts, px, py = hit.t_s.copy(), hit.x_km.copy(), hit.y_km.copy()
        # a threat met before it enters the engagement zone, or before it comes within a dash and a
        # shot of the station, is met when it first does both instead, if the fighter can reach
        # that point by then (shots are only taken inside the zone, dashes are limited)
        st_k = self.station_of[np.array([free[k].spec.slot for k in kk], dtype=int)]
        tz = np.maximum(self.zone_entry_s[ii], self.close_s[ii, st_k])
        late = np.flatnonzero(np.isfinite(ts) & np.isfinite(tz) & (tz > ts))
        if len(late):
            pz = positions_at(
                th.offsets, th.x_km, th.y_km, th.t_s, ii[late], tz[late], validate=False
            )
            gap = np.hypot(pz.x_km - fx[late], pz.y_km - fy[late]) - rng_km[late]
            can = pz.valid & (gap <= vd[late] * (tz[late] - t - self.p.reaction_s) / 3600.0)
            sel = late[can]
            ts[sel], px[sel], py[sel] = tz[sel], pz.x_km[can], pz.y_km[can]
        # an intercept only gets later if started later: none, or none before the threat arrives,
        # means never for this slot (with its present weapons)
        never = ~np.isfinite(ts) | (ts >= self.arrival_s[ii])
        slots_of = np.array([free[k].spec.slot for k in kk[never]], dtype=int)
        self.unreachable[ii[never], slots_of] = True
        d = np.hypot(px - fx, py - fy)
        dash_km = np.maximum(d - rng_km, 0.0)
        frac = np.divide(dash_km, d, out=np.zeros_like(d), where=d > 0)
        qx, qy = fx + (px - fx) * frac, fy + (py - fy) * frac
        dash_s = dash_km / vd * 3600.0
        return_s = dash_km / vc * 3600.0
        extra_s = dash_s * (factor - 1.0)
        shots_s = self.p.look_s * (self.p.max_shots_per_engagement - 1)
        ok = np.isfinite(ts) & (ts < self.arrival_s[ii]) & (dash_km <= self.p.max_dash_km)
        ok &= ts + shots_s + return_s <= bingo - extra_s
        okz = np.zeros_like(ok)
        if ok.any():
            sel = np.flatnonzero(ok)
            dash_lines = shapely.linestrings(
                np.stack(
                    [np.column_stack([fx[sel], fy[sel]]), np.column_stack([qx[sel], qy[sel]])],
                    axis=1,
                )
            )
            okz[sel] = shapely.covers(self.w.engage_zone, dash_lines) & shapely.contains_xy(
                self.w.engage_zone, px[sel], py[sel]
            )
        ok &= okz
        # intercepts further ahead than the fighter needs to get there wait for a later cycle
        start_s = ts - dash_s - self.p.reaction_s
        early = ok & (start_s > t + self.p.c2_cycle_s)
        for s_time in np.unique(np.ceil(start_s[early] / self.p.c2_cycle_s) * self.p.c2_cycle_s):
            self.request_c2(float(s_time))
        ok &= ~early
        if ok.any():
            score = self.value[ii] * pk - self.p.time_penalty_per_h * (ts - t) / 3600.0
            cols = np.unique(ii[ok])
            big = 1e12
            cost = np.full((len(free), len(cols)), big)
            col_of = {int(c): j for j, c in enumerate(cols)}
            for r in np.flatnonzero(ok):
                cost[kk[r], col_of[int(ii[r])]] = min(cost[kk[r], col_of[int(ii[r])]], -score[r])
            best_row = {(int(kk[r]), int(ii[r])): r for r in np.flatnonzero(ok)}
            for a, b in zip(*linear_sum_assignment(cost), strict=True):
                if cost[a, b] >= big:
                    continue
                r = best_row[(int(a), int(cols[b]))]
                ac, i = free[int(a)], int(cols[b])
                self.engaged[i] = True
                ac.busy_until_s = math.inf
                dash0 = float(ts[r] - dash_s[r])
                self.legs.append(
                    self._leg(
                        ac,
                        dash0,
                        float(ts[r]),
                        (float(fx[r]), float(fy[r])),
                        (float(qx[r]), float(qy[r])),
                        "dash",
                    )
                )
                self.q.schedule(
                    float(ts[r]),
                    "engage",
                    (
                        ac,
                        i,
                        str(weapon[r]),
                        float(qx[r]),
                        float(qy[r]),
                        float(dash_km[r]),
                        float(dash_s[r]),
                    ),
                )

    def on_engage(
        self, t: float, payload: tuple[Aircraft, int, str, float, float, float, float]
    ) -> None:
        ac, i, weapon, qx, qy, dash_km, dash_s = payload
        cat = self.w.catalog
        ac.dash_h += dash_s / 3600.0
        ac.bingo_s -= dash_s * (ac.ftype.dash_fuel_factor - 1.0)
        slot = ac.spec.slot
        if self.current[slot] is ac:
            self.q.schedule(ac.bingo_s, "relief", (slot, ac.id, ac.bingo_s))
        category = str(self.th.category[i])
        last = t
        th = self.th
        for shot in range(self.p.max_shots_per_engagement):
            ts = t + shot * self.p.look_s
            if not (self.killed_s[i] == np.inf and ts < self.death_s[i] and ts < self.arrival_s[i]):
                break  # killed, lost or arrived by now
            pos = positions_at(th.offsets, th.x_km, th.y_km, th.t_s, i, ts, validate=False)
            gap = float(np.hypot(float(pos.x_km) - qx, float(pos.y_km) - qy))
            in_zone = shapely.contains_xy(self.w.engage_zone, float(pos.x_km), float(pos.y_km))
            if not (bool(pos.valid) and bool(in_zone)):
                break  # never shoot at a threat outside the engagement zone
            w = weapon if ac.weapons.get(weapon, 0) > 0 else None
            if w is None:
                alt = _weapon_for(ac, category, cat, self.p)
                if alt is None:
                    break
                w = alt[0]
            if gap > cat.weapons[w].range_km + 1e-6:
                break  # the threat has flown out of reach of the shot point
            pk = float(cat.weapons[w].pk.get(category, 0.0))  # type: ignore[call-overload]
            ac.weapons[w] -= 1
            ac.spent[w] = ac.spent.get(w, 0) + 1
            if ac.weapons[w] == 0:
                self.unreachable[:, slot] = False  # its cheapest weapon, and so its reach, changes
            kill = bool(self.kill_u[i, min(int(self.shots_at[i]), self.kill_u.shape[1] - 1)] < pk)
            self.shots_at[i] += 1
            self.engagements.append(
                {"time_s": ts, "aircraft": ac.id, "threat": i, "weapon": w, "shot": shot + 1, "pk": pk,
                 "kill": kill, "x_km": qx, "y_km": qy}
            )  # fmt: skip
            last = ts
            if kill:
                self.killed_s[i] = ts
                self.kill_by[i] = ac.id
                ac.kills += 1
                break
        self.engaged[i] = False
        ret_s = dash_km / ac.ftype.cruise_speed_kmh * 3600.0
        ac.busy_until_s = last + ret_s
        self.legs.append(
            self._leg(ac, last, ac.busy_until_s, (qx, qy), (ac.spec.x_km, ac.spec.y_km), "return")
        )
        self.q.schedule(ac.busy_until_s, "free", ac)
        if self.killed_s[i] == np.inf:
            self.request_c2(t)


def _fates(
    world: World, threats: Threats, draws: GroundDraws, killed_s: F64, kill_by: NDArray[Any]
) -> pd.DataFrame:
    """The per-threat table: exactly one fate each, with its time, place and cause."""
    n = len(threats)
    cat = world.catalog
    death_s, cause = ground_fate_time(draws)
    arrival = threats.arrival_time_s
    by_fighter = killed_s < np.minimum(death_s, arrival)
    by_ground_early = ~by_fighter & (death_s < arrival)
    alive = ~by_fighter & ~by_ground_early
    term = resolve_terminal(
        threats, alive, world.ls.assets, world.ls.theatre.projection, world.ground, draws
    )
    fate = np.empty(n, dtype=object)
    fate_s = np.where(by_fighter, killed_s, np.where(by_ground_early, death_s, arrival))
    fate[by_fighter] = "killed_fighter"
    fate[by_ground_early & (cause == "ew")] = "lost_ew"
    fate[by_ground_early & (cause != "ew")] = "killed_ground"
    fate[alive & term.killed] = "killed_ground"
    arrived = alive & ~term.killed
    last = threats.offsets[1:] - 1
    ax, ay = threats.x_km[last], threats.y_km[last]
    d = np.hypot(ax[:, None] - world.asset_km[None, :, 0], ay[:, None] - world.asset_km[None, :, 1])
    radius = np.array([a.radius_km for a in world.ls.assets])
    inside = d <= radius[None, :]
    at_asset = inside.any(axis=1)
    nearest = np.where(at_asset, np.argmin(np.where(inside, d, np.inf), axis=1), -1)
    in_zone = shapely.contains_xy(world.engage_zone, ax, ay)
    fate[arrived & at_asset] = "hit_asset"
    fate[arrived & ~at_asset & in_zone] = "hit_elsewhere"
    fate[arrived & ~at_asset & ~in_zone] = "outside_protected_area"
    pos = positions_at(
        threats.offsets, threats.x_km, threats.y_km, threats.t_s, np.arange(n), fate_s
    )
    fx = np.where(arrived, ax, pos.x_km)
    fy = np.where(arrived, ay, pos.y_km)
    lon, lat = world.ls.theatre.projection.to_lonlat(fx, fy)
    killer = np.where(
        by_fighter,
        kill_by,
        np.where(by_ground_early, cause, np.where(alive & term.killed, term.site, "")),
    )
    asset_ids = np.array([a.id for a in world.ls.assets] + [""], dtype=object)
    df = threats.to_frame(world.ls.theatre.projection)
    df["fate"] = fate.astype(str)
    df["fate_time_s"] = fate_s
    df["fate_x_km"], df["fate_y_km"], df["fate_lon"], df["fate_lat"] = fx, fy, lon, lat
    df["fate_asset"] = np.where(fate == "hit_asset", asset_ids[nearest], "")
    df["killed_by"] = killer.astype(str)
    df["terminal_shots"] = term.shots
    df["cost_usd"] = [cat.threats[c].cost_usd for c in threats.class_id]
    return df


def run_replication(
    world: World, seed: int, defences: tuple[str, ...] = DEFENCES
) -> dict[str, Outcome]:
    """One replication: the night flown once, each defence run on common random numbers."""
    routes_ss, ground_ss, fighter_ss, kill_ss = np.random.SeedSequence(seed).spawn(4)
    threats = fly(world.night, world.ctx, np.random.default_rng(routes_ss))
    draws = draw_ground(threats, world.free_ukraine, world.ground, np.random.default_rng(ground_ss))
    death_s, _ = ground_fate_time(draws)
    out: dict[str, Outcome] = {}
    n = len(threats)
    night_s = float(threats.arrival_time_s.max()) if n else 0.0
    empty_legs = pd.DataFrame(
        columns=["aircraft", "phase", "t0_s", "t1_s", "x0_km", "y0_km", "x1_km", "y1_km"]
    )
    for defence in defences:
        if defence == "baseline":
            df = _fates(world, threats, draws, np.full(n, np.inf), np.full(n, "", dtype=object))
            out[defence] = Outcome(
                defence, seed, df, _sortie_frame([], world), _engagement_frame([], df), empty_legs,
                night_s / 3600.0,
            )  # fmt: skip
            continue
        rcs = np.array([world.catalog.threats[c].rcs_m2 for c in threats.class_id])
        low = threats.altitude_m < world.params.low_altitude_m
        delay = np.where(
            low, world.params.ground_track_delay_low_s, world.params.ground_track_delay_s
        )
        ground_track = entry_times(threats, world.ukraine) + delay
        kill_u = np.random.default_rng(kill_ss).random((n, 16))
        run = ShieldRun(
            world, threats, death_s, ground_track, np.random.default_rng(fighter_ss), kill_u
        )
        sensors = list(world.aew)
        for sid in run.stations:
            types = {s.type for s in run.slots if s.station == sid}
            radar = max(world.catalog.fighters[t].radar_range_km for t in types)
            sensors.append(
                Sensor(
                    f"cap:{sid}",
                    *world.positions_km[sid],
                    world.params.fighter_altitude_m,
                    radar,
                    FIGHTER_RADAR_REF_RCS_M2,
                )
            )
        coalition = detection_times(threats, rcs, sensors) + world.params.track_delay_s
        run.track_s = np.minimum(ground_track, coalition)
        run.run()
        df = _fates(world, threats, draws, run.killed_s, run.kill_by)
        legs = pd.DataFrame(run.legs, columns=empty_legs.columns) if run.legs else empty_legs
        support = float(world.plan.support["cost_per_day_usd"].sum()) * night_s / 86400.0
        out[defence] = Outcome(
            defence, seed, df, _sortie_frame(run.aircraft, world, night_s),
            _engagement_frame(run.engagements, df), legs, night_s / 3600.0, support, _exposure(world, legs),
        )  # fmt: skip
    return out


def _exposure(world: World, legs: pd.DataFrame) -> float:
    """Least distance (km) of any fighter leg to hostile territory; inf without legs."""
    if legs.empty:
        return math.inf
    a = legs[["x0_km", "y0_km"]].to_numpy(float)
    b = legs[["x1_km", "y1_km"]].to_numpy(float)
    lines = shapely.linestrings(np.stack([a, b], axis=1))
    return float(shapely.distance(lines, world.ls.theatre.hostile_km).min())


def _sortie_frame(aircraft: list[Aircraft], world: World, night_s: float = 0.0) -> pd.DataFrame:
    cols = ["aircraft", "nation", "type", "base", "station", "refuelled", "takeoff_s", "on_station_s",
            "off_station_s", "landing_s", "station_h", "planned_station_h", "transit_h", "flight_h", "night_flight_h", "dash_h", "fuel_left_h",
            "weapons_spent", "kills", "flight_cost_usd"]  # fmt: skip
    rows = []
    for ac in aircraft:
        flight_h = (ac.land_s - ac.takeoff_s) / 3600.0
        night_h = max(min(ac.land_s, night_s) - max(ac.takeoff_s, 0.0), 0.0) / 3600.0
        rows.append(
            {
                "aircraft": ac.id, "nation": ac.spec.nation, "type": ac.spec.type, "base": ac.spec.base,
                "station": ac.spec.station, "refuelled": ac.spec.refuelled, "takeoff_s": ac.takeoff_s,
                "on_station_s": ac.arrive_s, "off_station_s": ac.depart_s, "landing_s": ac.land_s,
                "station_h": (ac.depart_s - ac.arrive_s) / 3600.0, "flight_h": flight_h,
                "planned_station_h": ac.spec.time_on_station_h, "transit_h": ac.transit_s / 3600.0,
                "night_flight_h": night_h, "dash_h": ac.dash_h,
                "fuel_left_h": ac.fuel_left_h, "weapons_spent": int(sum(ac.spent.values())), "kills": ac.kills,
                "flight_cost_usd": night_h * ac.ftype.cost_per_flight_hour_usd,
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _engagement_frame(rows: list[dict[str, Any]], threats: pd.DataFrame) -> pd.DataFrame:
    cols = [
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
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    df["class_id"] = threats["class_id"].to_numpy()[df["threat"].to_numpy()]
    return df[cols]
