"""One night's raid against Ukraine's own defences (baseline) and the coalition's fighters (shield).

A replication (docs/engine.md):

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
from skyshield.engine.fighters import Aircraft, SlotSpec, new_aircraft, rosters, station_slots
from skyshield.engine.ground import (
    GroundDraws,
    draw_ground,
    ground_fate_time,
    resolve_terminal,
)
from skyshield.engine.kernel import EventQueue
from skyshield.engine.kinematics import RouteTable, circle_entry_grid, positions_at
from skyshield.engine.names import DEFENCES, FATES
from skyshield.engine.sensors import Sensor, detection_times, entry_times, ukraine_outline
from skyshield.forces import ForcePlan
from skyshield.raids import Night, RaidContext, Threats, fly
from skyshield.scenario import LoadedScenario
from skyshield.scenario.params import EngineParams, GroundParams

F64 = NDArray[np.float64]


#: Reference RCS (m^2) of the catalog's fighter radar ranges ("a ~0.1 m^2 low target").
FIGHTER_RADAR_REF_RCS_M2 = 0.1

#: Margin (km) by which a dash must stay inside the disc around its station that lies in the
#: engagement zone to skip the exact zone test (10 m: far above rounding).
ZONE_CLEAR_MARGIN_KM = 0.01

#: Slack (km) of the lower bound on a leg's distance to hostile territory in ``_exposure``.
EXPOSURE_BOUND_SLACK_KM = 1e-6

#: Cost of a (fighter, threat) pair that is not feasible, in the assignment's cost matrix.
_NO_PAIR = 1e12


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
        self.free_ukraine = self.ctx.free_ukraine_km
        # where a shot can be taken at a threat: within weapon range of the engagement zone
        longest = max((w.range_km for w in self.catalog.weapons.values()), default=0.0)
        self.shot_reach = self.engage_zone.buffer(longest).simplify(0.5)
        self.ukraine = ukraine_outline(th.ukraine_km)
        self._prepare()
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
        self.rosters = rosters(self.plan.assignments, self.plan.stations, self.positions_km)
        # radius (km) of the disc around each station that lies inside the engagement zone, less
        # a margin of ZONE_CLEAR_MARGIN_KM (0 for a station outside it)
        self.zone_clear_km = {
            sid: max(float(shapely.distance(self.engage_zone.boundary, shapely.Point(x, y)))
                     - ZONE_CLEAR_MARGIN_KM, 0.0)
            if shapely.contains_xy(self.engage_zone, x, y) else 0.0
            for sid, (x, y) in self.positions_km.items()
        }  # fmt: skip

    def _prepare(self) -> None:
        """Prepare the geometries that point and line tests use (lost when pickled)."""
        for g in (self.engage_zone, self.shot_reach, self.ukraine, self.free_ukraine):
            shapely.prepare(g)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepare()


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


class WeaponChoices:
    """The weapon an aircraft uses against each threat category (:func:`_weapon_for`), cached by
    its type and the weapons it has left: row ``row(ac)`` of ``ok`` (it has one), ``pk``,
    ``range_km`` (km) and ``weapon`` (ids), one column per category."""

    def __init__(self, catalog: Catalog, params: EngineParams, categories: list[str]) -> None:
        self.catalog, self.params, self.categories = catalog, params, categories
        self._rows: dict[tuple[str, tuple[str, ...]], int] = {}
        self._of: dict[str, int] = {}
        self.weapon: list[list[str]] = []
        self.ok = np.zeros((0, len(categories)), dtype=bool)
        self.pk = np.zeros((0, len(categories)))
        self.range_km = np.zeros((0, len(categories)))

    def row(self, ac: Aircraft) -> int:
        """The row of ``ac``'s choices (added on first use); call :meth:`forget` when one of
        its weapons runs out."""
        r = self._of.get(ac.id)
        if r is None:
            r = self._of[ac.id] = self._row(ac)
        return r

    def forget(self, ac: Aircraft) -> None:
        """``ac`` has run out of a weapon: look its row up again."""
        self._of.pop(ac.id, None)

    def _row(self, ac: Aircraft) -> int:
        key = (ac.spec.type, tuple(w for w, n in ac.weapons.items() if n > 0))
        r = self._rows.get(key)
        if r is None:
            picks = [_weapon_for(ac, c, self.catalog, self.params) for c in self.categories]
            self.weapon.append([p[0] if p else "" for p in picks])
            self.ok = np.vstack([self.ok, [p is not None for p in picks]])
            self.pk = np.vstack([self.pk, [p[1] if p else 0.0 for p in picks]])
            self.range_km = np.vstack([self.range_km, [p[2] if p else 0.0 for p in picks]])
            r = self._rows[key] = len(self.weapon) - 1
        return r


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
        self.routes = RouteTable(threats.offsets, threats.x_km, threats.y_km, threats.t_s)
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
        # engageable, not killed by a fighter and no fighter on its way: a candidate of C2
        self.waiting = self.engageable.copy()
        self.slots: list[SlotSpec] = station_slots(world.rosters, rng)
        self.current: list[Aircraft | None] = [None] * len(self.slots)
        self.aircraft: list[Aircraft] = []
        self.engagements: list[dict[str, Any]] = []
        self.legs: list[dict[str, Any]] = []
        self.serial = 0
        self.c2_times: set[float] = set()
        self.stations = sorted({s.station for s in self.slots})
        self.station_of = np.array([self.stations.index(s.station) for s in self.slots], dtype=int)
        # per slot: the station's position (km), dash and cruise speeds (km/h), the dash's fuel
        # factor and the radius (km) of the disc around the station that lies in the zone
        types = [cat.fighters[s.type] for s in self.slots]
        self.slot_x = np.array([s.x_km for s in self.slots])
        self.slot_y = np.array([s.y_km for s in self.slots])
        self.slot_vd = np.array([f.dash_speed_kmh for f in types])
        self.slot_vc = np.array([f.cruise_speed_kmh for f in types])
        self.slot_factor = np.array([f.dash_fuel_factor for f in types])
        self.slot_clear = np.array([world.zone_clear_km[s.station] for s in self.slots])
        # the weapon each fighter uses against each threat category (see _choice)
        self.categories, self.cat_code = np.unique(threats.category, return_inverse=True)
        self.choices = WeaponChoices(cat, self.p, [str(c) for c in self.categories])
        # when threat i first comes within reach of station s: the longest dash, plus the range of
        # the longest weapon adequate against its category among the station's types, plus how
        # far the threat flies while a fighter reacts and dashes that far
        self.near_s = np.full((n, len(self.stations)), np.inf)
        # when threat i first comes within a dash and a shot of station s
        self.close_s = np.full((n, len(self.stations)), np.inf)
        lag_h = (self.p.reaction_s + self.p.c2_cycle_s) / 3600.0
        reach = np.full((len(self.stations), n), -1.0)
        close = np.full((len(self.stations), n), -1.0)
        for k, sid in enumerate(self.stations):
            kinds = {sl.type for sl in self.slots if sl.station == sid}
            v_dash = min(cat.fighters[ft].dash_speed_kmh for ft in kinds)
            for c in self.categories:
                ranges = [
                    cat.weapons[wid].range_km
                    for ft in kinds
                    for wid in cat.fighters[ft].loadout
                    if cat.weapons[wid].pk.get(str(c), 0.0) >= self.p.min_pk  # type: ignore[call-overload]
                ]
                if ranges:
                    mine = threats.category == c
                    v_threat = float(threats.speed_kmh[mine].max())
                    run_km = v_threat * (lag_h + self.p.max_dash_km / v_dash)
                    reach[k, mine] = self.p.max_dash_km + max(ranges) + run_km
                    close[k, mine] = self.p.max_dash_km + max(ranges)
        if len(self.stations) and n:
            centre = np.array([world.positions_km[sid] for sid in self.stations] * 2)
            entry = circle_entry_grid(
                threats.offsets,
                threats.x_km,
                threats.y_km,
                threats.t_s,
                centre[:, :1],
                centre[:, 1:],
                np.maximum(np.concatenate([reach, close]), 1e-9),
                validate=False,
            )
            ok = reach > 0
            self.near_s.T[ok] = entry[: len(self.stations)][ok]
            self.close_s.T[ok] = entry[len(self.stations) :][ok]
        # when threat i enters the engagement zone, and the window [from, to) in which it can be
        # a candidate: tracked, and not yet dead or arrived (start())
        self.zone_entry_s = np.full(n, np.inf)
        self.cand_from_s = np.full(n, np.inf)
        self.cand_to_s = np.minimum(self.death_s, self.arrival_s)
        # pairs (threat, slot) with no intercept at some time never get one later
        self.unreachable = np.zeros((n, len(self.slots)), dtype=bool)
        self.horizon_s = float(np.max(self.arrival_s)) + 600.0 if n else 0.0

    # --- scheduling helpers -------------------------------------------------------------
    def c2_time(self, t: float) -> float:
        """The first C2 cycle boundary at or after ``t`` (s)."""
        cycle = self.p.c2_cycle_s
        return max(math.ceil(t / cycle - 1e-9) * cycle, t)

    def request_c2(self, t: float) -> None:
        """Schedule a C2 cycle at the first cycle boundary at or after ``t``."""
        tc = self.c2_time(t)
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
        schedule when threats come within reach of stations.

        A threat coming within reach asks for a C2 cycle; several in the same cycle need only
        one, so only the first of each cycle is scheduled (the others would find it requested).
        """
        for k, spec in enumerate(self.slots):
            self.put_on_station(k, -self.rng.random() * spec.time_on_station_h * 3600.0)
        zone_s = entry_times(self.th, self.w.shot_reach)
        self.zone_entry_s = entry_times(self.th, self.w.engage_zone)
        self.cand_from_s = np.where(self.engageable, self.track_s, np.inf)
        # where each threat is when it is first both in the zone and within a dash and a shot of
        # each station (see on_c2)
        n, n_st = self.close_s.shape
        self.meet_s = np.maximum(self.zone_entry_s[:, None], self.close_s)
        at = np.isfinite(self.meet_s)
        self.meet_x, self.meet_y = np.full((n, n_st), np.nan), np.full((n, n_st), np.nan)
        self.meet_ok = np.zeros((n, n_st), dtype=bool)
        if at.any():
            pos = self.routes.positions(np.nonzero(at)[0], self.meet_s[at])
            self.meet_x[at], self.meet_y[at], self.meet_ok[at] = pos
        near: list[F64] = []
        for k, sid in enumerate(self.stations):
            v_dash = min(
                self.w.catalog.fighters[s.type].dash_speed_kmh
                for s in self.slots
                if s.station == sid
            )
            lead_s = self.p.max_dash_km / v_dash * 3600.0 + self.p.reaction_s + self.p.c2_cycle_s
            when = np.maximum(np.maximum(self.track_s, self.near_s[:, k]), zone_s - lead_s)
            ok = self.engageable & np.isfinite(when) & (when < self.cand_to_s)
            near.append(when[ok])
        when = np.concatenate(near) if near else np.zeros(0)
        cycle = self.p.c2_cycle_s
        tc = np.maximum(np.ceil(when / cycle - 1e-9) * cycle, when)  # c2_time, vectorised
        order = np.lexsort((when, tc))
        first = order[np.r_[True, tc[order][1:] != tc[order][:-1]]] if len(order) else order
        for w in when[first]:
            self.q.schedule(float(w), "near")

    def loop(self) -> None:
        """Process events up to the horizon, then let aircraft still out fly home."""
        while len(self.q) and self.q.peek_time() <= self.horizon_s:
            t, kind, payload = self.q.pop()
            getattr(self, f"on_{kind}")(t, payload)
        for ac in self.aircraft:
            if not math.isfinite(ac.depart_s):
                self.depart(ac, max(ac.bingo_s, ac.busy_until_s))

    def on_near(self, t: float, _: object) -> None:
        """A threat comes within reach of a station: a C2 cycle."""
        self.request_c2(t)

    def on_relief(self, t: float, payload: tuple[int, str, float]) -> None:
        """A slot's aircraft reaches bingo: a fresh one takes over."""
        slot, ac_id, bingo = payload
        ac = self.current[slot]
        if ac is None or ac.id != ac_id or ac.bingo_s != bingo:
            return  # a stale relief: the aircraft left early or its bingo moved
        if ac.busy_until_s <= t:
            self.depart(ac, t)
        self.put_on_station(slot, t)
        self.request_c2(t)

    def on_arrive(self, t: float, slot: int) -> None:
        """An unplanned relief arrives on an empty slot."""
        self.put_on_station(slot, t)
        self.request_c2(t)

    def on_free(self, t: float, ac: Aircraft) -> None:
        """An aircraft is back on station after an engagement."""
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
        """Threat evaluation and weapon assignment at ``t`` (module docstring): all (free
        fighter, candidate threat) pairs at once, as flat arrays."""
        self.c2_times.discard(t)
        free = self.free_aircraft(t)
        if not free:
            return
        cand = np.flatnonzero(self.waiting & (self.cand_from_s <= t) & (self.cand_to_s > t))
        if not len(cand):
            return
        # pairs: the threat is within reach of the fighter's station, was not found unreachable
        # by it, and the fighter has a weapon for its category
        slots = np.array([ac.spec.slot for ac in free])
        rows = np.array([self.choices.row(ac) for ac in free])
        cc = self.cat_code[cand]
        armed = self.choices.ok[rows][:, cc]
        armed &= t >= self.near_s[cand][:, self.station_of[slots]].T
        armed &= ~self.unreachable[cand][:, slots].T
        kk, ci = np.nonzero(armed)
        if not len(kk):
            return
        ii, sl, wrow, wcat = cand[ci], slots[kk], rows[kk], cc[ci]
        pk, rng_km = self.choices.pk[wrow, wcat], self.choices.range_km[wrow, wcat]
        fx, fy, vd, vc = self.slot_x[sl], self.slot_y[sl], self.slot_vd[sl], self.slot_vc[sl]
        bingo = np.array([ac.bingo_s for ac in free])[kk]
        reaction = self.p.reaction_s
        hit = self.routes.intercept(ii, fx, fy, np.full(len(ii), t + reaction), vd / 3600.0, rng_km)
        ts, px, py = hit.t_s, hit.x_km, hit.y_km
        # a threat met before it enters the engagement zone, or before it comes within a dash and a
        # shot of the station, is met when it first does both instead, if the fighter can reach
        # that point by then (shots are only taken inside the zone, dashes are limited)
        st = self.station_of[sl]
        tz = self.meet_s[ii, st]
        late = np.flatnonzero(np.isfinite(ts) & np.isfinite(tz) & (tz > ts))
        if len(late):
            il, sk, tl = ii[late], st[late], tz[late]
            zx, zy = self.meet_x[il, sk], self.meet_y[il, sk]
            gap = np.hypot(zx - fx[late], zy - fy[late]) - rng_km[late]
            can = self.meet_ok[il, sk] & (gap <= vd[late] * (tl - t - reaction) / 3600.0)
            sel = late[can]
            ts[sel], px[sel], py[sel] = tl[can], zx[can], zy[can]
        # an intercept only gets later if started later: none, or none before the threat arrives,
        # means never for this slot (with its present weapons)
        never = ~np.isfinite(ts) | (ts >= self.arrival_s[ii])
        self.unreachable[ii[never], sl[never]] = True
        d = np.hypot(px - fx, py - fy)
        dash_km = np.maximum(d - rng_km, 0.0)
        frac = np.divide(dash_km, d, out=np.zeros_like(d), where=d > 0)
        qx, qy = fx + (px - fx) * frac, fy + (py - fy) * frac
        dash_s = dash_km / vd * 3600.0
        return_s = dash_km / vc * 3600.0
        extra_s = dash_s * (self.slot_factor[sl] - 1.0)
        shots_s = self.p.look_s * (self.p.max_shots_per_engagement - 1)
        ok = ~never & (dash_km <= self.p.max_dash_km)
        ok &= ts + shots_s + return_s <= bingo - extra_s
        # the shot point and the dash lie in the zone: at once if within the disc around the
        # station that lies in the zone, else checked exactly
        check = np.flatnonzero(ok & (d >= self.slot_clear[sl]))
        if len(check):
            ends = np.empty((len(check), 2, 2))
            ends[:, 0, 0], ends[:, 0, 1] = fx[check], fy[check]
            ends[:, 1, 0], ends[:, 1, 1] = qx[check], qy[check]
            lines = shapely.linestrings(ends)
            zone = self.w.engage_zone
            ok[check] = shapely.covers(zone, lines) & shapely.contains_xy(
                zone, px[check], py[check]
            )
        # intercepts further ahead than the fighter needs to get there wait for a later cycle
        start_s = ts - dash_s - reaction
        early = ok & (start_s > t + self.p.c2_cycle_s)
        if early.any():
            for s_time in np.unique(
                np.ceil(start_s[early] / self.p.c2_cycle_s) * self.p.c2_cycle_s
            ):
                self.request_c2(float(s_time))
            ok &= ~early
        if not ok.any():
            return
        r_ok = np.flatnonzero(ok)
        score = (
            self.value[ii[r_ok]] * pk[r_ok] - self.p.time_penalty_per_h * (ts[r_ok] - t) / 3600.0
        )
        cols, col_of = np.unique(ii[r_ok], return_inverse=True)
        cost = np.full((len(free), len(cols)), _NO_PAIR)
        cost[kk[r_ok], col_of] = -score  # each (fighter, threat) pair occurs once
        pair = np.full((len(free), len(cols)), -1)
        pair[kk[r_ok], col_of] = r_ok
        for a, b in zip(*linear_sum_assignment(cost), strict=True):
            if cost[a, b] >= _NO_PAIR:
                continue
            r = int(pair[a, b])
            ac, i = free[int(a)], int(cols[b])
            self.waiting[i] = False
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
                    self.choices.weapon[wrow[r]][wcat[r]],
                    float(qx[r]),
                    float(qy[r]),
                    float(dash_km[r]),
                    float(dash_s[r]),
                ),
            )

    def on_engage(
        self, t: float, payload: tuple[Aircraft, int, str, float, float, float, float]
    ) -> None:
        """A fighter reaches its shot point: shoot-look-shoot at the threat."""
        ac, i, weapon, qx, qy, dash_km, dash_s = payload
        cat = self.w.catalog
        ac.dash_h += dash_s / 3600.0
        ac.bingo_s -= dash_s * (ac.ftype.dash_fuel_factor - 1.0)
        slot = ac.spec.slot
        if self.current[slot] is ac:
            self.q.schedule(ac.bingo_s, "relief", (slot, ac.id, ac.bingo_s))
        category = str(self.th.category[i])
        last = t
        for shot in range(self.p.max_shots_per_engagement):
            ts = t + shot * self.p.look_s
            if not (self.killed_s[i] == np.inf and ts < self.death_s[i] and ts < self.arrival_s[i]):
                break  # killed, lost or arrived by now
            pos = self.routes.positions(np.array([i]), np.array([ts]))
            x, y = float(pos.x_km[0]), float(pos.y_km[0])
            gap = float(np.hypot(x - qx, y - qy))
            if not (bool(pos.valid[0]) and shapely.contains_xy(self.w.engage_zone, x, y)):
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
                self.choices.forget(ac)
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
        self.waiting[i] = self.killed_s[i] == np.inf
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
    routes_ss, ground_ss, fighter_ss, kill_ss = _streams(seed)
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
            run.track_s,
        )  # fmt: skip
    return out


def _exposure(world: World, legs: pd.DataFrame) -> float:
    """Least distance (km) of any fighter leg to hostile territory; inf without legs.

    Every leg has one end on its station: a leg of length ``L`` from a station at distance
    ``D`` cannot come closer than ``D - L``, nor (at that end) be further than ``D``, so only
    the legs that could beat the nearest station are measured exactly (each distinct leg once).
    """
    if legs.empty:
        return math.inf
    hostile = world.ls.theatre.hostile_km
    xy = legs[["x0_km", "y0_km", "x1_km", "y1_km"]].to_numpy(float)
    outbound = legs["phase"].isin(("transit_back", "dash")).to_numpy()
    station = np.where(outbound[:, None], xy[:, :2], xy[:, 2:])
    points, which = np.unique(station, axis=0, return_inverse=True)
    d_station = shapely.distance(shapely.points(points), hostile)[which.ravel()]
    length = np.hypot(xy[:, 2] - xy[:, 0], xy[:, 3] - xy[:, 1])
    lower = d_station - length - EXPOSURE_BOUND_SLACK_KM
    lines, _ = np.unique(xy[lower <= d_station.min()], axis=0, return_inverse=True)
    return float(shapely.distance(shapely.linestrings(lines.reshape(-1, 2, 2)), hostile).min())


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
