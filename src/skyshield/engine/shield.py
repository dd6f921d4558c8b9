"""The shield's night: fighters on CAP, C2 cycles and intercepts, as a compiled event loop.

The kernel that decides a night, in the order it runs (docs/engine.md, "The shield's night"):

1. **slots** (:func:`skyshield.engine.fighters.station_slots`): how many aircraft each station
   holds tonight, and of which type;
2. **detect** (:func:`tracks`): when each threat becomes a track (Ukraine's surveillance, the
   AEW orbits, the fighters' radars);
3. **reach** (:func:`reach`): when each threat first comes within reach of each station, and
   where it is when it is first both in the engagement zone and within a dash and a shot;
4. **the event loop** (:func:`loop`), over one heap of events (:mod:`skyshield.engine.kernel`):
   a C2 cycle **evaluates** every free fighter against every candidate threat
   (:func:`evaluate`: exact intercept, zone, dash and fuel), **assigns** by linear assignment
   (:func:`assign`) and tasks the pairs; an **engagement** (:func:`engage`) fires
   shoot-look-shoot at the intercept point; reliefs, returns and unplanned reliefs keep the
   stations filled (:func:`relieve`, :func:`come_back`);
5. the fighters still out fly home (:func:`finish`); the tables are read off the state.

State lives in a few typed records of NumPy arrays (:class:`Raid`, :class:`Slots`,
:class:`Arms`, :class:`Rules` read-only; :class:`Picture`, :class:`Fleet`, :class:`Shots`,
:class:`FighterLegs` and the :class:`~skyshield.engine.kernel.Events` queue written by the loop),
so the loop compiles with numba (:mod:`skyshield.geo.jit`) and runs as plain Python with
``NUMBA_DISABLE_JIT=1``.  Tables that grow during the night (aircraft, shots, legs, events) are
checked for room before each event and grown by :class:`ShieldRun` between events.

Units: km, s; speeds km/h unless named ``_km_s``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from skyshield.engine.assignment import min_cost_assignment
from skyshield.engine.fighters import SlotSpec, station_slots
from skyshield.engine.ground import ClassIndex
from skyshield.engine.kernel import (
    ARRIVE,
    C2,
    ENGAGE,
    FREE,
    NEAR,
    NOBODY,
    RELIEF,
    Events,
    code,
    has_room,
    new_events,
    next_time,
    pop,
    schedule,
)
from skyshield.engine.kinematics import (
    INTERCEPT_TOL_KM,
    circle_entries,
    route_intercept,
    route_position,
    route_positions,
)
from skyshield.engine.sensors import Sensor, detection_times
from skyshield.geo.jit import borrowed, jit, jit_inline
from skyshield.geo.regions import Region, StationView, dash_covered, entry_times, point_in
from skyshield.raids import Threats

if TYPE_CHECKING:
    from skyshield.engine.world import World

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

#: Phases of a fighter leg, in the order of their codes 0..3.
PHASES = ("transit_out", "dash", "return", "transit_back")
TRANSIT_OUT, DASH, RETURN, TRANSIT_BACK = (code(k) for k in range(4))

#: Cost of a (fighter, threat) pair that is not feasible, in the assignment's cost matrix.
NO_PAIR = 1e12

#: Slack (km) on a weapon's range when a shot is taken from the intercept point (1 mm:
#: rounding, not geometry).
SHOT_RANGE_SLACK_KM = 1e-6

#: A time within this fraction of a cycle after a C2 boundary counts as on it (rounding).
C2_SNAP = 1e-9

#: Smallest radius (km) of a reach circle (a category without a weapon has none).
MIN_REACH_KM = 1e-9

#: Kill draws per threat: the n-th shot at a threat uses draw n (the last for any further shot),
#: so two forces that shoot at a threat differently still share its luck.  Part of the layout of
#: the replication's kill stream: changing it changes every shield result.
KILL_DRAWS = 16

#: What :func:`loop` returns.
DONE, NEED_ROOM = code(0), code(1)


# ----------------------------------------------------------------------------- state


class Raid(NamedTuple):
    """The threats as the shield sees them (read-only).  Per threat: the route (compressed
    layout of :class:`~skyshield.raids.Threats`), arrival, the ground layer's kill or loss time
    (C2 does not know it; shots stop at it), when it may be a candidate of C2 (tracked and
    engageable; inf if never), value at risk, category code, the draws deciding its kills.  Per
    station and threat (``[station, threat]``): when it comes within reach, and when and where
    it is first both in the engagement zone and within a dash and a shot (``meet_ok`` False:
    not in flight then)."""

    offsets: I64
    x_km: F64
    y_km: F64
    t_s: F64
    arrival_s: F64
    death_s: F64
    candidate_from_s: F64
    value: F64
    category: I64
    kill_u: F64
    near_s: F64
    meet_s: F64
    meet_x_km: F64
    meet_y_km: F64
    meet_ok: Bool


class Slots(NamedTuple):
    """Per slot (one aircraft at a time on a station): station index (and its index in the
    world's :class:`~skyshield.geo.regions.StationView`), station and base position
    (km), aircraft type index, one-way transit (s), time on station (h), radius (km) of the disc
    around the station inside the engagement zone, dash and cruise speeds (km/h), dash fuel
    factor."""

    station: I64
    vantage: I64
    x_km: F64
    y_km: F64
    base_x_km: F64
    base_y_km: F64
    type: I64
    transit_s: F64
    on_station_h: F64
    clear_km: F64
    dash_kmh: F64
    cruise_kmh: F64
    fuel_factor: F64


class Arms(NamedTuple):
    """Weapons by aircraft type, at positions ``p`` in the order of the type's loadout: global
    weapon index (-1: none), rounds carried, unit cost (USD), range (km); per threat category
    ``c``: single-shot Pk and whether the weapon is *adequate* (its kind allowed against the
    category by the weapon policy and ``Pk >= min_pk``)."""

    weapon: I64
    loadout: I64
    cost_usd: F64
    range_km: F64
    pk: F64
    adequate: Bool


class Rules(NamedTuple):
    """The engine parameters the loop uses (s, km, h; see ``EngineParams``), and the horizon
    (s) after which it stops."""

    c2_cycle_s: float
    reaction_s: float
    look_s: float
    max_shots: int
    max_dash_km: float
    scramble_delay_s: float
    time_penalty_per_h: float
    horizon_s: float


class Picture(NamedTuple):
    """The air picture as C2 keeps it.  Per threat: when a fighter killed it (inf) and which
    aircraft (-1), whether it waits for a fighter (engageable, alive, none on its way), shots
    taken at it; per slot and threat: no intercept is possible any more with the slot's
    present weapons.  Per slot: the aircraft on station (-1 if none)."""

    killed_s: F64
    kill_by: I64
    waiting: Bool
    shots_at: I64
    unreachable: Bool
    current: I64


class Fleet(NamedTuple):
    """One row per sortie (grows).  Times s, ``dash_h`` hours of dash; ``left`` rounds left per
    loadout position; ``task_*``: the intercept it is flying (threat, weapon position, shot
    point km, dash km and s).  ``tally[0]`` rows are in use, ``tally[1]`` is the last serial."""

    slot: I64
    serial: I64
    takeoff_s: F64
    arrive_s: F64
    bingo_s: F64
    depart_s: F64
    busy_until_s: F64
    dash_h: F64
    kills: I64
    spent: I64
    left: I64
    task_threat: I64
    task_weapon: I64
    task_x_km: F64
    task_y_km: F64
    task_dash_km: F64
    task_dash_s: F64
    tally: I64


class Shots(NamedTuple):
    """One row per shot (grows): time s, aircraft, threat, global weapon index, shot number in
    the engagement, Pk, kill, the shot point (km).  ``tally[0]`` rows in use."""

    time_s: F64
    aircraft: I64
    threat: I64
    weapon: I64
    shot: I64
    pk: F64
    kill: Bool
    x_km: F64
    y_km: F64
    tally: I64


class FighterLegs(NamedTuple):
    """One row per fighter leg (grows): aircraft, phase (:data:`PHASES`), times s, ends km.
    ``tally[0]`` rows in use."""

    aircraft: I64
    phase: I64
    t0_s: F64
    t1_s: F64
    x0_km: F64
    y0_km: F64
    x1_km: F64
    y1_km: F64
    tally: I64


class Pending(NamedTuple):
    """C2 cycles requested and not yet run (times s; ``tally[0]`` in use): one event each."""

    time_s: F64
    tally: I64


T = TypeVar("T", Fleet, Shots, FighterLegs, Events, Pending)


def grown(table: T, rows: int) -> T:
    """``table`` with room for ``rows`` rows, its contents and tally kept."""
    resized: dict[str, Any] = {}
    for name in table._fields:
        if name != "tally":
            old: NDArray[Any] = getattr(table, name)
            new = np.zeros((rows, *old.shape[1:]), dtype=old.dtype)
            new[: len(old)] = old
            resized[name] = new
    return table._replace(**resized)


def _f64(rows: int) -> F64:
    return np.zeros(rows)


def _i64(rows: int) -> I64:
    return np.zeros(rows, dtype=np.int64)


def new_fleet(rows: int, positions: int) -> Fleet:
    """An empty :class:`Fleet` with room for ``rows`` sorties of up to ``positions`` weapons."""
    return Fleet(
        slot=_i64(rows),
        serial=_i64(rows),
        takeoff_s=_f64(rows),
        arrive_s=_f64(rows),
        bingo_s=_f64(rows),
        depart_s=_f64(rows),
        busy_until_s=_f64(rows),
        dash_h=_f64(rows),
        kills=_i64(rows),
        spent=_i64(rows),
        left=np.zeros((rows, positions), dtype=np.int64),
        task_threat=_i64(rows),
        task_weapon=_i64(rows),
        task_x_km=_f64(rows),
        task_y_km=_f64(rows),
        task_dash_km=_f64(rows),
        task_dash_s=_f64(rows),
        tally=_i64(2),
    )


def new_shots(rows: int) -> Shots:
    """An empty :class:`Shots` with room for ``rows`` shots."""
    return Shots(
        time_s=_f64(rows),
        aircraft=_i64(rows),
        threat=_i64(rows),
        weapon=_i64(rows),
        shot=_i64(rows),
        pk=_f64(rows),
        kill=np.zeros(rows, dtype=bool),
        x_km=_f64(rows),
        y_km=_f64(rows),
        tally=_i64(1),
    )


def new_legs(rows: int) -> FighterLegs:
    """An empty :class:`FighterLegs` with room for ``rows`` legs."""
    return FighterLegs(
        aircraft=_i64(rows),
        phase=_i64(rows),
        t0_s=_f64(rows),
        t1_s=_f64(rows),
        x0_km=_f64(rows),
        y0_km=_f64(rows),
        x1_km=_f64(rows),
        y1_km=_f64(rows),
        tally=_i64(1),
    )


# ----------------------------------------------------------------------------- small steps


@jit_inline
def c2_time(rules: Rules, t: float) -> float:
    """The first C2 cycle boundary at or after ``t`` (s)."""
    cycle = rules.c2_cycle_s
    return max(math.ceil(t / cycle - C2_SNAP) * cycle, t)


@jit
def request_c2(ev: Events, pending: Pending, rules: Rules, t: float) -> None:
    """Schedule a C2 cycle at the first boundary at or after ``t``, unless one is pending."""
    tc = c2_time(rules, t)
    for k in range(pending.tally[0]):
        if pending.time_s[k] == tc:
            return
    pending.time_s[pending.tally[0]] = tc
    pending.tally[0] += 1
    schedule(ev, tc, C2, NOBODY, 0.0)


@jit_inline
def _c2_done(pending: Pending, t: float) -> None:
    n = pending.tally[0]
    for k in range(n):
        if pending.time_s[k] == t:
            pending.time_s[k] = pending.time_s[n - 1]
            pending.tally[0] = n - 1
            return


@jit_inline
def add_leg(
    legs: FighterLegs,
    ac: int,
    phase: int,
    t0: float,
    t1: float,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
) -> None:
    """Log a fighter leg."""
    k = legs.tally[0]
    legs.aircraft[k], legs.phase[k], legs.t0_s[k], legs.t1_s[k] = ac, phase, t0, t1
    legs.x0_km[k], legs.y0_km[k], legs.x1_km[k], legs.y1_km[k] = x0, y0, x1, y1
    legs.tally[0] = k + 1


@jit
def put_on_station(
    slots: Slots,
    arms: Arms,
    pic: Picture,
    fleet: Fleet,
    legs: FighterLegs,
    ev: Events,
    slot: int,
    arrive_s: float,
) -> None:
    """A fresh aircraft takes ``slot`` at ``arrive_s`` with a full loadout; its relief is
    scheduled at its bingo time."""
    ac = fleet.tally[0]
    fleet.tally[0] += 1
    fleet.tally[1] += 1
    kind = slots.type[slot]
    fleet.slot[ac], fleet.serial[ac] = slot, fleet.tally[1]
    fleet.takeoff_s[ac] = arrive_s - slots.transit_s[slot]
    fleet.arrive_s[ac] = arrive_s
    fleet.bingo_s[ac] = arrive_s + slots.on_station_h[slot] * 3600.0
    fleet.depart_s[ac], fleet.busy_until_s[ac] = np.inf, -np.inf
    fleet.dash_h[ac], fleet.kills[ac], fleet.spent[ac] = 0.0, 0, 0
    for p in range(fleet.left.shape[1]):
        fleet.left[ac, p] = arms.loadout[kind, p]
    pic.current[slot] = ac
    pic.unreachable[slot, :] = False  # a fresh loadout
    schedule(ev, fleet.bingo_s[ac], RELIEF, ac, fleet.bingo_s[ac])
    add_leg(
        legs,
        ac,
        TRANSIT_OUT,
        fleet.takeoff_s[ac],
        arrive_s,
        slots.base_x_km[slot],
        slots.base_y_km[slot],
        slots.x_km[slot],
        slots.y_km[slot],
    )


@jit_inline
def depart(slots: Slots, fleet: Fleet, legs: FighterLegs, ac: int, t: float) -> None:
    """Aircraft ``ac`` leaves its station for base at ``t`` (once)."""
    if fleet.depart_s[ac] < np.inf:
        return
    fleet.depart_s[ac] = t
    s = fleet.slot[ac]
    add_leg(
        legs,
        ac,
        TRANSIT_BACK,
        t,
        t + slots.transit_s[s],
        slots.x_km[s],
        slots.y_km[s],
        slots.base_x_km[s],
        slots.base_y_km[s],
    )


@jit_inline
def has_weapons(fleet: Fleet, ac: int) -> bool:
    """Any round left (a loop: numba compiles no generator into ``any``)."""
    for p in range(fleet.left.shape[1]):  # noqa: SIM110
        if fleet.left[ac, p] > 0:
            return True
    return False


@jit_inline
def choose_weapon(arms: Arms, fleet: Fleet, kind: int, ac: int, category: int) -> int:
    """The cheapest adequate weapon ``ac`` has left against ``category``: its loadout position
    (the first of equal cost), -1 if none."""
    best = -1
    for p in range(fleet.left.shape[1]):
        if (fleet.left[ac, p] > 0 and arms.adequate[kind, category, p]) and (
            best < 0 or arms.cost_usd[kind, p] < arms.cost_usd[kind, best]
        ):
            best = p
    return best


# ----------------------------------------------------------------------------- C2


@jit
def free_fighters(t: float, pic: Picture, fleet: Fleet) -> I64:
    """Aircraft on station at ``t``, not busy, before bingo, with weapons; in slot order."""
    out = np.empty(len(pic.current), dtype=np.int64)
    n = 0
    for slot in range(len(pic.current)):
        ac = pic.current[slot]
        if ac < 0:
            continue
        if (
            fleet.busy_until_s[ac] <= t
            and fleet.arrive_s[ac] <= t < fleet.bingo_s[ac]
            and has_weapons(fleet, ac)
        ):
            out[n] = ac
            n += 1
    return out[:n]


@jit
def candidates(t: float, raid: Raid, pic: Picture) -> I64:
    """Threats C2 may assign at ``t``: waiting, tracked, neither dead nor arrived."""
    out = np.empty(len(raid.arrival_s), dtype=np.int64)
    n = 0
    for i in range(len(raid.arrival_s)):
        if pic.waiting[i] and raid.candidate_from_s[i] <= t < min(
            raid.death_s[i], raid.arrival_s[i]
        ):
            out[n] = i
            n += 1
    return out[:n]


#: Outcomes of a pair in :func:`evaluate`.
FEASIBLE, NEVER, EARLY, INFEASIBLE = (code(k) for k in range(4))


class Pairs(NamedTuple):
    """(fighter, threat) pairs of one C2 cycle: the fighter's row in the free list and its
    aircraft, the threat's position in the candidate list and the threat, weapon position, intercept time (s) and the shot point (km), dash
    (km, s), score, and :data:`FEASIBLE`, :data:`NEVER` (no intercept before arrival, ever),
    :data:`EARLY` (feasible but not yet time to go) or :data:`INFEASIBLE`; ``start_s`` is when
    an early fighter would have to leave."""

    row: I64
    aircraft: I64
    pos: I64
    threat: I64
    weapon: I64
    t_s: F64
    x_km: F64
    y_km: F64
    dash_km: F64
    dash_s: F64
    score: F64
    status: I64
    start_s: F64


@jit
def evaluate(
    t: float,
    free: I64,
    cand: I64,
    raid: Raid,
    slots: Slots,
    arms: Arms,
    rules: Rules,
    fleet: Fleet,
    pic: Picture,
    zone: Region,
    view: StationView,
) -> Pairs:
    """Threat evaluation at ``t``: every free fighter against every candidate threat within its
    station's reach, with a weapon for it and not found unreachable.

    Per pair: the earliest intercept (exact on each leg); a threat met before it enters the
    engagement zone, or before it comes within a dash and a shot of the station, is met when it
    first does both instead, if the fighter can get there by then.  The pair is feasible when
    the intercept comes before arrival, the dash is at most ``max_dash_km``, the fighter is back
    on station after its shots by its bingo time less the dash's extra fuel, and the dash and
    the shot point lie in the zone; it is early if the fighter need not leave before the next
    cycle.  Score: value x Pk - time penalty x hours to intercept."""
    n_st, n_cat = raid.near_s.shape[0], arms.pk.shape[1]
    within = np.empty((n_st, len(cand)), dtype=np.int64)  # candidates in reach of a station
    n_within = np.full(n_st, -1, dtype=np.int64)  # -1: not listed yet
    weapon_for = np.empty(n_cat, dtype=np.int64)
    n = 0
    cap = len(free) * len(cand)
    row = np.empty(cap, dtype=np.int64)
    acs = np.empty(cap, dtype=np.int64)
    pos = np.empty(cap, dtype=np.int64)
    thr = np.empty(cap, dtype=np.int64)
    wpn = np.empty(cap, dtype=np.int64)
    for r in range(len(free)):
        ac = free[r]
        slot = fleet.slot[ac]
        st, kind = slots.station[slot], slots.type[slot]
        if n_within[st] < 0:
            m = 0
            for c in range(len(cand)):
                if t >= raid.near_s[st, cand[c]]:
                    within[st, m] = c
                    m += 1
            n_within[st] = m
        for g in range(n_cat):
            weapon_for[g] = choose_weapon(arms, fleet, kind, ac, g)
        for m in range(n_within[st]):
            c = within[st, m]
            i = cand[c]
            p = weapon_for[raid.category[i]]
            if p < 0 or pic.unreachable[slot, i]:
                continue
            row[n], acs[n], pos[n], thr[n], wpn[n] = r, ac, c, i, p
            n += 1
    ts, px, py, score, start = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    dash_km, dash_s = np.empty(n), np.empty(n)
    status = np.full(n, INFEASIBLE, dtype=np.int64)
    shots_s = rules.look_s * (rules.max_shots - 1)
    for k in range(n):
        ac, i, p = acs[k], thr[k], wpn[k]
        slot = fleet.slot[ac]
        st, kind = slots.station[slot], slots.type[slot]
        fx, fy, vd = slots.x_km[slot], slots.y_km[slot], slots.dash_kmh[slot]
        rng_km, pk = arms.range_km[kind, p], arms.pk[kind, raid.category[i], p]
        tk, xk, yk = route_intercept(
            raid.offsets,
            raid.x_km,
            raid.y_km,
            raid.t_s,
            i,
            fx,
            fy,
            t + rules.reaction_s,
            vd / 3600.0,
            rng_km,
            INTERCEPT_TOL_KM,
        )
        tz = raid.meet_s[st, i]
        if tk < np.inf and tz < np.inf and tz > tk:
            zx, zy = raid.meet_x_km[st, i], raid.meet_y_km[st, i]
            gap = np.hypot(zx - fx, zy - fy) - rng_km
            if raid.meet_ok[st, i] and gap <= vd * (tz - t - rules.reaction_s) / 3600.0:
                tk, xk, yk = tz, zx, zy
        ts[k], score[k] = tk, 0.0
        if not (tk < np.inf and tk < raid.arrival_s[i]):
            status[k] = NEVER
            continue
        d = np.hypot(xk - fx, yk - fy)
        dkm = max(d - rng_km, 0.0)
        frac = dkm / d if d > 0 else 0.0
        qx, qy = fx + (xk - fx) * frac, fy + (yk - fy) * frac
        dsec = dkm / vd * 3600.0
        return_s = dkm / slots.cruise_kmh[slot] * 3600.0
        extra_s = dsec * (slots.fuel_factor[slot] - 1.0)
        px[k], py[k], dash_km[k], dash_s[k] = qx, qy, dkm, dsec
        if not (
            dkm <= rules.max_dash_km and tk + shots_s + return_s <= fleet.bingo_s[ac] - extra_s
        ):
            continue
        if d >= slots.clear_km[slot] and not (
            dash_covered(zone, view, slots.vantage[slot], qx, qy) and point_in(zone, xk, yk)
        ):
            continue
        start[k] = tk - dsec - rules.reaction_s
        if start[k] > t + rules.c2_cycle_s:
            status[k] = EARLY
            continue
        status[k] = FEASIBLE
        score[k] = raid.value[i] * pk - rules.time_penalty_per_h * (tk - t) / 3600.0
    return Pairs(
        row[:n],
        acs[:n],
        pos[:n],
        thr[:n],
        wpn[:n],
        ts,
        px,
        py,
        dash_km,
        dash_s,
        score,
        status,
        start,
    )


@jit
def assign(n_free: int, n_cand: int, pairs: Pairs) -> I64:
    """Weapon assignment: the feasible pairs that maximise the total score, each fighter and
    each threat at most once (minimum-cost assignment on ``-score``, one column per threat with
    a feasible pair, in candidate order); pair indices in fighter order."""
    col = np.full(n_cand, -1, dtype=np.int64)
    for k in range(len(pairs.status)):
        if pairs.status[k] == FEASIBLE:
            col[pairs.pos[k]] = 0
    n_cols = 0
    for c in range(n_cand):
        if col[c] == 0:
            col[c] = n_cols
            n_cols += 1
    cost = np.full((n_free, n_cols), NO_PAIR)
    which = np.full((n_free, n_cols), -1, dtype=np.int64)
    for k in range(len(pairs.status)):
        if pairs.status[k] == FEASIBLE:
            cost[pairs.row[k], col[pairs.pos[k]]] = -pairs.score[k]
            which[pairs.row[k], col[pairs.pos[k]]] = k
    rows, picked = min_cost_assignment(cost)
    out = np.empty(len(rows), dtype=np.int64)
    n = 0
    for k in range(len(rows)):
        if cost[rows[k], picked[k]] < NO_PAIR:
            out[n] = which[rows[k], picked[k]]
            n += 1
    return out[:n]


@jit
def c2_cycle(
    t: float,
    raid: Raid,
    slots: Slots,
    arms: Arms,
    rules: Rules,
    pic: Picture,
    fleet: Fleet,
    legs: FighterLegs,
    ev: Events,
    pending: Pending,
    zone: Region,
    view: StationView,
) -> None:
    """A C2 cycle at ``t``: evaluate, remember the pairs that never can be, ask for a cycle
    when early pairs will be due, assign, and send each chosen fighter on its dash."""
    _c2_done(pending, t)
    free = free_fighters(t, pic, fleet)
    if len(free) == 0:
        return
    cand = candidates(t, raid, pic)
    if len(cand) == 0:
        return
    pairs = evaluate(t, free, cand, raid, slots, arms, rules, fleet, pic, zone, view)
    for k in range(len(pairs.status)):
        if pairs.status[k] == NEVER:
            pic.unreachable[fleet.slot[pairs.aircraft[k]], pairs.threat[k]] = True
        elif pairs.status[k] == EARLY:  # (distinct boundaries: the order does not matter)
            request_c2(
                ev,
                pending,
                rules,
                math.ceil(pairs.start_s[k] / rules.c2_cycle_s) * rules.c2_cycle_s,
            )
    for k in assign(len(free), len(cand), pairs):
        ac, i = pairs.aircraft[k], pairs.threat[k]
        slot = fleet.slot[ac]
        pic.waiting[i] = False
        fleet.busy_until_s[ac] = np.inf
        fleet.task_threat[ac], fleet.task_weapon[ac] = i, pairs.weapon[k]
        fleet.task_x_km[ac], fleet.task_y_km[ac] = pairs.x_km[k], pairs.y_km[k]
        fleet.task_dash_km[ac], fleet.task_dash_s[ac] = pairs.dash_km[k], pairs.dash_s[k]
        add_leg(
            legs,
            ac,
            DASH,
            pairs.t_s[k] - pairs.dash_s[k],
            pairs.t_s[k],
            slots.x_km[slot],
            slots.y_km[slot],
            pairs.x_km[k],
            pairs.y_km[k],
        )
        schedule(ev, pairs.t_s[k], ENGAGE, ac, 0.0)


# ----------------------------------------------------------------------------- engagements


@jit
def engage(
    t: float,
    ac: int,
    raid: Raid,
    slots: Slots,
    arms: Arms,
    rules: Rules,
    pic: Picture,
    fleet: Fleet,
    shots: Shots,
    legs: FighterLegs,
    ev: Events,
    pending: Pending,
    zone: Region,
) -> None:
    """Aircraft ``ac`` reaches its shot point at ``t``: the dash's fuel is booked (bingo comes
    forward, so its relief is rescheduled); up to ``max_shots`` shots ``look_s`` apart while the
    threat is alive, in flight, inside the engagement zone and within the weapon's range of the
    shot point, each killing with the weapon's Pk (the threat's own draw for its n-th shot);
    then the fighter returns to its station."""
    i, p = fleet.task_threat[ac], fleet.task_weapon[ac]
    qx, qy = fleet.task_x_km[ac], fleet.task_y_km[ac]
    slot = fleet.slot[ac]
    kind, category = slots.type[slot], raid.category[i]
    fleet.dash_h[ac] += fleet.task_dash_s[ac] / 3600.0
    fleet.bingo_s[ac] -= fleet.task_dash_s[ac] * (slots.fuel_factor[slot] - 1.0)
    if pic.current[slot] == ac:
        schedule(ev, fleet.bingo_s[ac], RELIEF, ac, fleet.bingo_s[ac])
    last = t
    for shot in range(rules.max_shots):
        ts = t + shot * rules.look_s
        if not (pic.killed_s[i] == np.inf and ts < raid.death_s[i] and ts < raid.arrival_s[i]):
            break  # killed, lost or arrived by now
        x, y, flying = route_position(raid.offsets, raid.x_km, raid.y_km, raid.t_s, i, ts)
        gap = np.hypot(x - qx, y - qy)
        if not (flying and point_in(zone, x, y)):
            break  # never shoot at a threat outside the engagement zone
        w = p if fleet.left[ac, p] > 0 else choose_weapon(arms, fleet, kind, ac, category)
        if w < 0:
            break
        if gap > arms.range_km[kind, w] + SHOT_RANGE_SLACK_KM:
            break  # the threat has flown out of reach of the shot point
        pk = arms.pk[kind, category, w]
        fleet.left[ac, w] -= 1
        fleet.spent[ac] += 1
        if fleet.left[ac, w] == 0:
            pic.unreachable[slot, :] = False  # its cheapest weapon, and so its reach, changes
        kill = raid.kill_u[i, min(pic.shots_at[i], raid.kill_u.shape[1] - 1)] < pk
        pic.shots_at[i] += 1
        k = shots.tally[0]
        shots.time_s[k], shots.aircraft[k], shots.threat[k], shots.weapon[k] = (
            ts,
            ac,
            i,
            arms.weapon[kind, w],
        )
        shots.shot[k], shots.pk[k], shots.kill[k], shots.x_km[k], shots.y_km[k] = (
            shot + 1,
            pk,
            kill,
            qx,
            qy,
        )
        shots.tally[0] = k + 1
        last = ts
        if kill:
            pic.killed_s[i], pic.kill_by[i] = ts, ac
            fleet.kills[ac] += 1
            break
    pic.waiting[i] = pic.killed_s[i] == np.inf
    fleet.busy_until_s[ac] = last + fleet.task_dash_km[ac] / slots.cruise_kmh[slot] * 3600.0
    add_leg(
        legs, ac, RETURN, last, fleet.busy_until_s[ac], qx, qy, slots.x_km[slot], slots.y_km[slot]
    )
    schedule(ev, fleet.busy_until_s[ac], FREE, ac, 0.0)
    if pic.killed_s[i] == np.inf:
        request_c2(ev, pending, rules, t)


# ----------------------------------------------------------------------------- reliefs


@jit
def relieve(
    t: float,
    ac: int,
    bingo_s: float,
    slots: Slots,
    arms: Arms,
    rules: Rules,
    pic: Picture,
    fleet: Fleet,
    legs: FighterLegs,
    ev: Events,
    pending: Pending,
) -> None:
    """``ac`` reaches the bingo time ``bingo_s`` its relief was planned for: the next aircraft
    takes the slot and ``ac`` goes home (once back from an intercept).  A relief planned for a
    bingo time that has moved, or for an aircraft no longer on station, is stale."""
    slot = fleet.slot[ac]
    if pic.current[slot] != ac or fleet.bingo_s[ac] != bingo_s:
        return
    if fleet.busy_until_s[ac] <= t:
        depart(slots, fleet, legs, ac, t)
    put_on_station(slots, arms, pic, fleet, legs, ev, slot, t)
    request_c2(ev, pending, rules, t)


@jit
def come_back(
    t: float,
    ac: int,
    slots: Slots,
    rules: Rules,
    pic: Picture,
    fleet: Fleet,
    legs: FighterLegs,
    ev: Events,
    pending: Pending,
) -> None:
    """``ac`` is back on station at ``t``: home if relieved meanwhile; home, with an unplanned
    relief ``scramble_delay_s`` plus a transit later, if out of weapons or past bingo; else free
    for the next cycle."""
    slot = fleet.slot[ac]
    if pic.current[slot] != ac:
        depart(slots, fleet, legs, ac, t)  # relieved while busy
        return
    if not has_weapons(fleet, ac) or t >= fleet.bingo_s[ac]:
        depart(slots, fleet, legs, ac, t)
        pic.current[slot] = -1
        schedule(ev, t + rules.scramble_delay_s + slots.transit_s[slot], ARRIVE, slot, 0.0)
        return
    request_c2(ev, pending, rules, t)


# ----------------------------------------------------------------------------- the loop


@jit
def loop(
    raid: Raid,
    slots: Slots,
    arms: Arms,
    rules: Rules,
    pic: Picture,
    fleet: Fleet,
    shots: Shots,
    legs: FighterLegs,
    ev: Events,
    pending: Pending,
    zone: Region,
    view: StationView,
) -> int:
    """Handle events in time order up to the horizon.  Returns :data:`DONE`, or
    :data:`NEED_ROOM` (before an event that might not fit in a table; grow and call again)."""
    # the tables as views without numba's reference counting (see borrowed): the caller holds them
    raid, slots, arms, rules, pic, fleet, shots, legs, ev, pending, zone, view = borrowed(
        (raid, slots, arms, rules, pic, fleet, shots, legs, ev, pending, zone, view)
    )
    n_slots = len(pic.current)
    cycles = int(rules.horizon_s / rules.c2_cycle_s) + 2
    while ev.tally[0] > 0 and next_time(ev) <= rules.horizon_s:
        if not (
            has_room(ev, n_slots + cycles + 2)
            and pending.tally[0] + cycles + 2 <= len(pending.time_s)
            and fleet.tally[0] + 1 <= len(fleet.slot)
            and shots.tally[0] + rules.max_shots <= len(shots.time_s)
            and legs.tally[0] + n_slots + 2 <= len(legs.phase)
        ):
            return NEED_ROOM
        t, kind, who, stamp = pop(ev)
        if kind == NEAR:
            request_c2(ev, pending, rules, t)
        elif kind == C2:
            c2_cycle(t, raid, slots, arms, rules, pic, fleet, legs, ev, pending, zone, view)
        elif kind == ENGAGE:
            engage(t, who, raid, slots, arms, rules, pic, fleet, shots, legs, ev, pending, zone)
        elif kind == FREE:
            come_back(t, who, slots, rules, pic, fleet, legs, ev, pending)
        elif kind == RELIEF:
            relieve(t, who, stamp, slots, arms, rules, pic, fleet, legs, ev, pending)
        elif kind == ARRIVE:
            put_on_station(slots, arms, pic, fleet, legs, ev, who, t)
            request_c2(ev, pending, rules, t)
    return DONE


@jit
def start(
    slots: Slots,
    arms: Arms,
    pic: Picture,
    fleet: Fleet,
    legs: FighterLegs,
    ev: Events,
    arrive_s: F64,
    near_s: F64,
) -> None:
    """The night begins: slot ``k``'s first aircraft arrives on station at ``arrive_s[k]`` (its
    relief scheduled), then the ``near`` events at ``near_s``."""
    slots, arms, pic, fleet, legs, ev = borrowed((slots, arms, pic, fleet, legs, ev))
    for k in range(len(arrive_s)):
        put_on_station(slots, arms, pic, fleet, legs, ev, k, arrive_s[k])
    for w in near_s:
        schedule(ev, w, NEAR, NOBODY, 0.0)


@jit
def finish(slots: Slots, fleet: Fleet, legs: FighterLegs) -> None:
    """After the horizon: every aircraft still out leaves at its bingo time, or when back from
    its intercept if later (``legs`` must have room for one leg per aircraft)."""
    slots, fleet, legs = borrowed((slots, fleet, legs))
    for ac in range(fleet.tally[0]):
        if not fleet.depart_s[ac] < np.inf:
            depart(slots, fleet, legs, ac, max(fleet.bingo_s[ac], fleet.busy_until_s[ac]))


# ----------------------------------------------------------------------------- set-up (NumPy)


def tracks(world: World, threats: Threats, stations: list[str], slots: list[SlotSpec]) -> F64:
    """When each threat becomes a track (s, inf if never): the earlier of Ukraine's
    surveillance (``ground_track_delay_s`` after it enters Ukraine, ``ground_track_delay_low_s``
    if it flies below ``low_altitude_m``) and the coalition's sensors (the AEW orbits and the
    radars of the fighters on each station, ``track_delay_s`` after first detection)."""
    p, cat = world.params, world.catalog
    low = threats.altitude_m < p.low_altitude_m
    delay = np.where(low, p.ground_track_delay_low_s, p.ground_track_delay_s)
    ground = (
        entry_times(world.regions.ukraine, threats.offsets, threats.x_km, threats.y_km, threats.t_s)
        + delay
    )
    sensors = list(world.aew)
    for sid in stations:
        types = {s.type for s in slots if s.station == sid}
        radar = max(cat.fighters[t].radar_range_km for t in types)
        sensors.append(
            Sensor(
                f"cap:{sid}",
                *world.positions_km[sid],
                p.fighter_altitude_m,
                radar,
                p.fighter_radar_ref_rcs_m2,
            )
        )
    rcs = ClassIndex.of_threats(threats).each(lambda c: cat.threats[c].rcs_m2)
    coalition = detection_times(threats, rcs, sensors) + p.track_delay_s
    return np.asarray(np.minimum(ground, coalition), dtype=np.float64)


def reach(
    world: World, threats: Threats, stations: list[str], slots: list[SlotSpec], categories: Any
) -> tuple[F64, F64]:
    """Per station and threat: when the threat first comes within *reach* of the station (the
    longest dash, plus the range of the longest weapon adequate against its category among the
    station's types, plus how far such a threat flies while a fighter reacts and dashes that
    far), and when it first comes within a dash and a shot; inf if never or if no weapon
    there is adequate."""
    p, cat = world.params, world.catalog
    n, n_st = len(threats), len(stations)
    near_s = np.full((n_st, n), np.inf)
    close_s = np.full((n_st, n), np.inf)
    lag_h = (p.reaction_s + p.c2_cycle_s) / 3600.0
    far = np.full((n_st, n), -1.0)
    close = np.full((n_st, n), -1.0)
    for k, sid in enumerate(stations):
        kinds = {sl.type for sl in slots if sl.station == sid}
        v_dash = min(cat.fighters[ft].dash_speed_kmh for ft in kinds)
        for c in categories:
            ranges = [
                cat.weapons[wid].range_km
                for ft in kinds
                for wid in cat.fighters[ft].loadout
                if cat.weapons[wid].pk.get(str(c), 0.0) >= p.min_pk  # type: ignore[call-overload]
            ]
            if ranges:
                mine = threats.category == c
                v_threat = float(threats.speed_kmh[mine].max())
                run_km = v_threat * (lag_h + p.max_dash_km / v_dash)
                far[k, mine] = p.max_dash_km + max(ranges) + run_km
                close[k, mine] = p.max_dash_km + max(ranges)
    if n_st and n:
        centre = np.array([world.positions_km[sid] for sid in stations] * 2)
        entry = circle_entries(
            threats.offsets,
            threats.x_km,
            threats.y_km,
            threats.t_s,
            centre[:, 0].copy(),
            centre[:, 1].copy(),
            np.maximum(np.concatenate([far, close]), MIN_REACH_KM),
        )
        ok = far > 0
        near_s[ok] = entry[:n_st][ok]
        close_s[ok] = entry[n_st:][ok]
    return near_s, close_s


def near_times(
    world: World,
    stations: list[str],
    slots: list[SlotSpec],
    track_s: F64,
    near_s: F64,
    reach_entry_s: F64,
    engageable: Bool,
    candidate_to_s: F64,
) -> F64:
    """Times of the ``near`` events: when a tracked threat first comes within reach of a
    station, or within a dash, a reaction and a cycle of flying into weapon reach of the zone;
    one per C2 cycle (several in one cycle need only the first)."""
    p, cat = world.params, world.catalog
    near: list[F64] = []
    for k, sid in enumerate(stations):
        v_dash = min(cat.fighters[s.type].dash_speed_kmh for s in slots if s.station == sid)
        lead_s = p.max_dash_km / v_dash * 3600.0 + p.reaction_s + p.c2_cycle_s
        when = np.maximum(np.maximum(track_s, near_s[k]), reach_entry_s - lead_s)
        ok = engageable & np.isfinite(when) & (when < candidate_to_s)
        near.append(when[ok])
    when = np.concatenate(near) if near else np.zeros(0)
    cycle = p.c2_cycle_s
    tc = np.maximum(np.ceil(when / cycle - C2_SNAP) * cycle, when)  # c2_time, vectorised
    order = np.lexsort((when, tc))
    first = order[np.r_[True, tc[order][1:] != tc[order][:-1]]] if len(order) else order
    return np.asarray(when[first], dtype=np.float64)


def arms_of(world: World, types: list[str], categories: list[str]) -> tuple[Arms, list[str]]:
    """The :class:`Arms` table of aircraft ``types`` against threat ``categories``, and the
    global weapon ids its indices refer to."""
    cat, p = world.catalog, world.params
    weapons = sorted(cat.weapons)
    width = max((len(cat.fighters[t].loadout) for t in types), default=1)
    shape = (len(types), width)
    weapon = np.full(shape, -1, dtype=np.int64)
    loadout = np.zeros(shape, dtype=np.int64)
    cost, rng = np.zeros(shape), np.zeros(shape)
    pk = np.zeros((len(types), len(categories), width))
    adequate = np.zeros((len(types), len(categories), width), dtype=bool)
    for k, t in enumerate(types):
        for j, (wid, rounds) in enumerate(cat.fighters[t].loadout.items()):
            w = cat.weapons[wid]
            weapon[k, j], loadout[k, j] = weapons.index(wid), rounds
            cost[k, j], rng[k, j] = w.cost_usd, w.range_km
            for c, name in enumerate(categories):
                pk[k, c, j] = float(w.pk.get(name, 0.0))  # type: ignore[call-overload]
                allowed = w.kind in p.weapon_policy.get(name, [])
                adequate[k, c, j] = allowed and pk[k, c, j] >= p.min_pk
    return Arms(weapon, loadout, cost, rng, pk, adequate), weapons


class ShieldResult(NamedTuple):
    """What the shield did in one replication: per threat the time a fighter killed it (inf)
    and the aircraft's id (""); the sorties, shots and fighter legs as tables; events handled;
    when each threat became a track for C2 (s, inf: never)."""

    killed_s: F64
    kill_by: NDArray[np.object_]
    sorties: pd.DataFrame
    shots: pd.DataFrame
    legs: pd.DataFrame
    events: int
    track_s: F64


class ShieldRun:
    """One shield replication: the state records, set up from the world and the night's
    threats (:meth:`start`), the event loop run to the end (:meth:`loop`), the tables
    (:meth:`result`).  ``rng`` draws the stations' fractions of an aircraft, then the first
    aircraft's phases; ``kill_u`` holds each threat's kill draws (:data:`KILL_DRAWS` a threat);
    ``track_s`` gives when each threat is tracked instead of detecting it (for hand cases)."""

    def __init__(
        self,
        world: World,
        threats: Threats,
        death_s: F64,
        rng: np.random.Generator,
        kill_u: F64,
        track_s: F64 | None = None,
    ) -> None:
        self.world, self.threats, self.rng = world, threats, rng
        p, cat = world.params, world.catalog
        n = len(threats)
        self.slot_specs = station_slots(world.rosters, rng)
        specs = self.slot_specs
        self.stations = sorted({s.station for s in specs})
        types = sorted({s.type for s in specs})
        categories, code = np.unique(threats.category, return_inverse=True)
        self.arms, self.weapon_ids = arms_of(world, types, [str(c) for c in categories])
        ftypes = [cat.fighters[s.type] for s in specs]
        self.slots = Slots(
            station=np.array([self.stations.index(s.station) for s in specs], dtype=np.int64),
            vantage=np.array(
                [world.regions.station_ids.index(s.station) for s in specs], dtype=np.int64
            ),
            x_km=np.array([s.x_km for s in specs]),
            y_km=np.array([s.y_km for s in specs]),
            base_x_km=np.array([s.base_x_km for s in specs]),
            base_y_km=np.array([s.base_y_km for s in specs]),
            type=np.array([types.index(s.type) for s in specs], dtype=np.int64),
            transit_s=np.array(
                [
                    s.transit_km / f.cruise_speed_kmh * 3600.0
                    for s, f in zip(specs, ftypes, strict=True)
                ]
            ),
            on_station_h=np.array([s.time_on_station_h for s in specs]),
            clear_km=np.array([world.zone_clear_km[s.station] for s in specs]),
            dash_kmh=np.array([f.dash_speed_kmh for f in ftypes]),
            cruise_kmh=np.array([f.cruise_speed_kmh for f in ftypes]),
            fuel_factor=np.array([f.dash_fuel_factor for f in ftypes]),
        )
        arrival = threats.arrival_time_s
        engageable = (
            ClassIndex.of_threats(threats).each(lambda c: cat.threats[c].fighter_engageable) > 0
        )
        self.track_s = tracks(world, threats, self.stations, specs) if track_s is None else track_s
        near_s, close_s = reach(world, threats, self.stations, specs, categories)
        regions = world.regions
        routes = (threats.offsets, threats.x_km, threats.y_km, threats.t_s)
        reach_entry = entry_times(regions.shot_reach, *routes)
        zone_entry = entry_times(regions.zone, *routes)
        meet_s = np.maximum(zone_entry[None, :], close_s)
        meet_x, meet_y = np.full(meet_s.shape, np.nan), np.full(meet_s.shape, np.nan)
        meet_ok = np.zeros(meet_s.shape, dtype=bool)
        at = np.isfinite(meet_s)
        meet_x[at], meet_y[at], meet_ok[at] = route_positions(
            *routes, np.nonzero(at)[1], meet_s[at]
        )
        candidate_to = np.minimum(death_s, arrival)
        self.near_event_s = near_times(
            world, self.stations, specs, self.track_s, near_s, reach_entry, engageable, candidate_to
        )
        assets = {a.id: a.value for a in world.ls.assets}
        aims, aim_of = np.unique(threats.aim_id, return_inverse=True)
        value = np.where(
            threats.aim_kind == "asset",
            np.array([assets.get(str(a), p.region_value) for a in aims], dtype=float)[
                aim_of.reshape(-1)
            ],
            p.region_value,
        )
        self.raid = Raid(
            *routes,
            arrival_s=arrival,
            death_s=death_s,
            candidate_from_s=np.where(engageable, self.track_s, np.inf),
            value=value,
            category=code.astype(np.int64).reshape(-1),
            kill_u=kill_u,
            near_s=near_s,
            meet_s=meet_s,
            meet_x_km=meet_x,
            meet_y_km=meet_y,
            meet_ok=meet_ok,
        )
        n_slots = len(specs)
        self.night_s = float(np.max(arrival)) if n else 0.0
        self.horizon_s = self.night_s + p.horizon_after_arrival_s if n else 0.0
        self.rules = Rules(
            c2_cycle_s=float(p.c2_cycle_s),
            reaction_s=float(p.reaction_s),
            look_s=float(p.look_s),
            max_shots=int(p.max_shots_per_engagement),
            max_dash_km=float(p.max_dash_km),
            scramble_delay_s=float(p.scramble_delay_s),
            time_penalty_per_h=float(p.time_penalty_per_h),
            horizon_s=self.horizon_s,
        )
        self.pic = Picture(
            killed_s=np.full(n, np.inf),
            kill_by=np.full(n, -1, dtype=np.int64),
            waiting=engageable.copy(),
            shots_at=np.zeros(n, dtype=np.int64),
            unreachable=np.zeros((n_slots, n), dtype=bool),
            current=np.full(n_slots, -1, dtype=np.int64),
        )
        cycles = int(self.horizon_s / p.c2_cycle_s) + 2
        self.fleet = new_fleet(4 * n_slots + 16, self.arms.loadout.shape[1])
        self.shots = new_shots(n + 64)
        self.legs = new_legs(8 * n_slots + n + 64)
        self.events = new_events(len(self.near_event_s) + 2 * (n_slots + cycles) + 64)
        self.pending = Pending(np.zeros(2 * cycles + 16), _i64(1))

    def start(self) -> None:
        """Put the first aircraft on station (each at a random point of its time on station) and
        schedule the ``near`` events."""
        phase_s = np.array(
            [-self.rng.random() * s.time_on_station_h * 3600.0 for s in self.slot_specs]
        )
        start(
            self.slots,
            self.arms,
            self.pic,
            self.fleet,
            self.legs,
            self.events,
            phase_s,
            self.near_event_s,
        )

    def loop(self) -> None:
        """Run the event loop to the horizon (growing tables as needed), then send the aircraft
        still out home."""
        zone, view = self.world.regions.zone, self.world.regions.stations
        while True:
            status = loop(
                self.raid,
                self.slots,
                self.arms,
                self.rules,
                self.pic,
                self.fleet,
                self.shots,
                self.legs,
                self.events,
                self.pending,
                zone,
                view,
            )
            if status == DONE:
                break
            self.fleet = grown(self.fleet, 2 * len(self.fleet.slot))
            self.shots = grown(self.shots, 2 * len(self.shots.time_s))
            self.legs = grown(self.legs, 2 * len(self.legs.phase))
            self.events = grown(self.events, 2 * len(self.events.time_s))
            self.pending = grown(self.pending, 2 * len(self.pending.time_s))
        n_ac = int(self.fleet.tally[0])
        if self.legs.tally[0] + n_ac > len(self.legs.phase):
            self.legs = grown(self.legs, int(self.legs.tally[0]) + n_ac)
        finish(self.slots, self.fleet, self.legs)

    def run(self) -> ShieldResult:
        """The whole night: :meth:`start`, :meth:`loop`, :meth:`result`."""
        self.start()
        self.loop()
        return self.result()

    def aircraft_ids(self) -> NDArray[np.object_]:
        """Each aircraft's id: ``station/slot/serial``."""
        fl = self.fleet
        n = int(fl.tally[0])
        return np.array(
            [
                f"{self.slot_specs[s].station}/{s}/{k}"
                for s, k in zip(fl.slot[:n], fl.serial[:n], strict=True)
            ],
            dtype=object,
        )

    def result(self) -> ShieldResult:
        """The tables of the night (after :meth:`loop`)."""
        ids = self.aircraft_ids()
        cat = self.world.catalog
        fl, sh, lg = self.fleet, self.shots, self.legs
        n_ac, n_sh, n_lg = int(fl.tally[0]), int(sh.tally[0]), int(lg.tally[0])
        kill_by = np.where(
            self.pic.kill_by >= 0, ids[np.maximum(self.pic.kill_by, 0)] if n_ac else "", ""
        )
        specs = self.slot_specs
        slot = fl.slot[:n_ac]
        types = [specs[s].type for s in slot]
        transit_s = self.slots.transit_s[slot]
        reserve = np.array([cat.fighters[t].reserve_h for t in types])
        hourly = np.array([cat.fighters[t].cost_per_flight_hour_usd for t in types])
        depart, arrive, takeoff = fl.depart_s[:n_ac], fl.arrive_s[:n_ac], fl.takeoff_s[:n_ac]
        land = depart + transit_s
        night_h = (
            np.maximum(np.minimum(land, self.night_s) - np.maximum(takeoff, 0.0), 0.0) / 3600.0
        )
        sorties = pd.DataFrame(
            {
                "aircraft": ids,
                "nation": [specs[s].nation for s in slot],
                "type": types,
                "base": [specs[s].base for s in slot],
                "station": [specs[s].station for s in slot],
                "refuelled": [specs[s].refuelled for s in slot],
                "takeoff_s": takeoff,
                "on_station_s": arrive,
                "off_station_s": depart,
                "landing_s": land,
                "station_h": (depart - arrive) / 3600.0,
                "planned_station_h": self.slots.on_station_h[slot],
                "transit_h": self.slots.transit_s[slot] / 3600.0 if n_ac else np.zeros(0),
                "flight_h": (land - takeoff) / 3600.0,
                "night_flight_h": night_h,
                "dash_h": fl.dash_h[:n_ac],
                "fuel_left_h": reserve + (fl.bingo_s[:n_ac] - depart) / 3600.0,
                "weapons_spent": fl.spent[:n_ac],
                "kills": fl.kills[:n_ac],
                "flight_cost_usd": night_h * hourly,
            }
        )
        weapon_ids = np.array(self.weapon_ids, dtype=object)
        shots = pd.DataFrame(
            {
                "time_s": sh.time_s[:n_sh],
                "aircraft": ids[sh.aircraft[:n_sh]] if n_sh else [],
                "threat": sh.threat[:n_sh],
                "class_id": self.threats.class_id[sh.threat[:n_sh]],
                "weapon": weapon_ids[sh.weapon[:n_sh]] if n_sh else [],
                "shot": sh.shot[:n_sh],
                "pk": sh.pk[:n_sh],
                "kill": sh.kill[:n_sh],
                "x_km": sh.x_km[:n_sh],
                "y_km": sh.y_km[:n_sh],
            }
        )
        phases = np.array(PHASES, dtype=object)
        legs = pd.DataFrame(
            {
                "aircraft": ids[lg.aircraft[:n_lg]] if n_lg else [],
                "phase": phases[lg.phase[:n_lg]],
                "t0_s": lg.t0_s[:n_lg],
                "t1_s": lg.t1_s[:n_lg],
                "x0_km": lg.x0_km[:n_lg],
                "y0_km": lg.y0_km[:n_lg],
                "x1_km": lg.x1_km[:n_lg],
                "y1_km": lg.y1_km[:n_lg],
            }
        )
        return ShieldResult(
            self.pic.killed_s,
            kill_by.astype(object),
            sorties,
            shots,
            legs,
            int(self.events.tally[2]),
            self.track_s,
        )
