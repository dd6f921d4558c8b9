"""The engagement engine: hand geometry, invariants over seeds, determinism, monotonicity."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from skyshield.engine.api import SimulationResult, build_world
from skyshield.engine.names import FATES
from skyshield.engine.shield import KILL_DRAWS, ShieldRun
from skyshield.engine.sim import flown_threats, run_replication
from skyshield.engine.world import World
from skyshield.raids import Night, ThreatGroup, Threats
from skyshield.scenario import LoadedScenario, load_scenario
from skyshield.studies import simulate

ONE_F16_AT_LVIV = """\
name: one-f16
coalition:
  members:
    - nation: Poland
      iso_a3: POL
      pledges: [{type: F-16, count: 20, base: EPRZ}]
cap:
  stations:
    - {id: lviv, position: [24.3, 49.8], aircraft: 1}
"""

SMALL_NIGHT = Night(
    name="small-night",
    start="2025-06-07T20:00:00+03:00",  # type: ignore[arg-type]
    groups=[
        ThreatGroup(threat="shahed-136", count=60, launch_area="kursk", launch_end_h=4.0),
        ThreatGroup(
            threat="shahed-136", count=60, launch_area="primorsko-akhtarsk", launch_end_h=4.0
        ),
        ThreatGroup(threat="shahed-136", count=40, launch_area="hvardiiske", launch_end_h=4.0),
        ThreatGroup(
            threat="kh-101", count=10, launch_area="engels", launch_start_h=4.0, launch_end_h=5.0
        ),
        ThreatGroup(
            threat="kalibr", count=5, launch_area="black-sea", launch_start_h=4.0, launch_end_h=5.0
        ),
        ThreatGroup(
            threat="iskander-m", count=3, launch_area="kursk", launch_start_h=5.0, launch_end_h=6.0
        ),
    ],
)


MONO_NIGHT = Night(
    name="mono-night",
    start="2025-06-07T20:00:00+03:00",  # type: ignore[arg-type]
    groups=[
        ThreatGroup(threat="shahed-136", count=40, launch_area="kursk", launch_end_h=3.0),
        ThreatGroup(
            threat="shahed-136", count=40, launch_area="primorsko-akhtarsk", launch_end_h=3.0
        ),
        ThreatGroup(
            threat="kh-101", count=5, launch_area="engels", launch_start_h=3.0, launch_end_h=4.0
        ),
    ],
)


@pytest.fixture(scope="module")
def one_f16(tmp_path_factory: pytest.TempPathFactory) -> LoadedScenario:
    p = tmp_path_factory.mktemp("sc") / "one.yaml"
    p.write_text(ONE_F16_AT_LVIV, encoding="utf-8")
    return load_scenario(p)


@pytest.fixture(scope="module")
def world(reference: LoadedScenario) -> World:
    return build_world(reference, SMALL_NIGHT)


def straight(
    class_id: str,
    category: str,
    start: tuple[float, float],
    end: tuple[float, float],
    speed_kmh: float,
) -> Threats:
    """One threat flying a straight leg from ``start`` to ``end`` (km), launched at t = 0."""
    length = float(np.hypot(end[0] - start[0], end[1] - start[1]))
    return Threats(
        night="hand",
        class_id=np.array([class_id]),
        category=np.array([category]),
        group=np.array([0]),
        launch_area=np.array(["kursk"]),
        aim_kind=np.array(["region"]),
        aim_id=np.array(["x"]),
        speed_kmh=np.array([speed_kmh]),
        altitude_m=np.array([100.0]),
        offsets=np.array([0, 2]),
        x_km=np.array([start[0], end[0]]),
        y_km=np.array([start[1], end[1]]),
        t_s=np.array([0.0, length / speed_kmh * 3600.0]),
    )


def hand_run(w: World, threats: Threats) -> pd.DataFrame:
    """The shots of a shield night over ``threats``, tracked from t = 0, never lost to the
    ground layers, with fresh aircraft on station (far from bingo, whatever the random phase)."""
    n = len(threats)
    rng = np.random.default_rng(0)
    run = ShieldRun(
        w, threats, np.full(n, np.inf), rng, rng.random((n, KILL_DRAWS)), track_s=np.zeros(n)
    )
    run.start()
    on = int(run.fleet.tally[0])
    run.fleet.arrive_s[:on], run.fleet.bingo_s[:on] = -60.0, 4 * 3600.0
    run.loop()
    return run.result().shots


def test_intercept_time_matches_closed_form(one_f16: LoadedScenario) -> None:
    w = build_world(one_f16, SMALL_NIGHT)
    sx, sy = w.positions_km["lviv"]
    # a drone 200 km east of the station flying straight at it at 180 km/h, tracked at t = 0
    threats = straight("shahed-136", "drone", (sx + 200.0, sy), (sx - 10.0, sy), 180.0)
    shots = hand_run(w, threats)
    [eng] = [e for _, e in shots.iterrows() if e["shot"] == 1]
    gun = w.catalog.weapons[eng["weapon"]]
    assert eng["weapon"] == "gun-20mm"  # the cheapest adequate weapon against a drone
    f16 = w.catalog.fighters["F-16"]
    # C2 at t = 0, reaction 60 s: at t1 = 60 s the drone is 200 - 180 * 60/3600 = 197 km away.
    # Closing at 180 + 1450 km/h, the fighter's reach (gun range R) meets it after
    # (197 - R) / 1630 h: t* = 60 + (197 - R) / 1630 * 3600 s.
    t1 = w.params.reaction_s
    gap = 200.0 - 180.0 * t1 / 3600.0
    expected = t1 + (gap - gun.range_km) / (180.0 + f16.dash_speed_kmh) * 3600.0
    assert eng["time_s"] == pytest.approx(expected, abs=1.0)


def test_never_engaged_outside_the_engagement_zone(one_f16: LoadedScenario) -> None:
    w = build_world(one_f16, SMALL_NIGHT)
    proj = w.ls.theatre.projection
    # a drone flying east along 52 N over Belarus: within a dash and a shot of the Lviv station
    # (about 245 km) but never inside Ukraine, so never inside the engagement zone
    a, b = proj.point_km((24.5, 52.0)), proj.point_km((28.0, 52.0))
    threats = straight("shahed-136", "drone", a, b, 180.0)
    sx, sy = w.positions_km["lviv"]
    assert shapely.LineString([a, b]).distance(shapely.Point(sx, sy)) < w.params.max_dash_km + 25
    assert hand_run(w, threats).empty
    # the same drone flying the same way 150 km further south, over Ukraine, is engaged
    a2, b2 = proj.point_km((24.5, 50.6)), proj.point_km((28.0, 50.6))
    assert len(hand_run(w, straight("shahed-136", "drone", a2, b2, 180.0))) >= 1


def test_too_fast_is_not_engaged(one_f16: LoadedScenario) -> None:
    w = build_world(one_f16, SMALL_NIGHT)
    sx, sy = w.positions_km["lviv"]
    # a cruise missile at 3,000 km/h flying away from the station: no intercept exists
    assert hand_run(
        w, straight("kalibr", "cruise", (sx + 30.0, sy), (sx + 600.0, sy), 3000.0)
    ).empty
    # the same missile at 700 km/h is caught (the geometry, not the class, decides)
    assert (
        len(hand_run(w, straight("kalibr", "cruise", (sx + 30.0, sy), (sx + 600.0, sy), 700.0)))
        >= 1
    )


@pytest.mark.parametrize("seed", range(10))
def test_invariants(world: World, seed: int) -> None:
    out = run_replication(world, seed)
    for oc in out.values():
        th = oc.threats
        assert th["fate"].isin(FATES).all() and len(th) == 178  # exactly one fate each
        assert (th["fate_time_s"] >= th["launch_time_s"] - 1e-6).all()
        assert (th["fate_time_s"] <= th["arrival_time_s"] + 1e-6).all()
    sh = out["shield"]
    th, so, en, legs = sh.threats, sh.sorties, sh.engagements, sh.fighter_legs
    # the same threats fly in both runs (common random numbers)
    assert np.array_equal(out["baseline"].threats["path_km"], th["path_km"])
    # fuel never below zero: every aircraft lands with at least its reserve, and (independently
    # of the engine's bingo bookkeeping) its time on station plus the extra fuel of its dashes
    # never exceeds the time on station the plan gave it
    assert (so["fuel_left_h"] >= 0).all()
    reserve = so["type"].map(lambda t: world.catalog.fighters[t].reserve_h)
    assert (so["fuel_left_h"] >= reserve - 1e-9).all()
    factor = so["type"].map(lambda t: world.catalog.fighters[t].dash_fuel_factor)
    burn = so["station_h"] + so["dash_h"] * (factor - 1.0)
    assert (burn <= so["planned_station_h"] + 1e-6).all()
    assert np.allclose(so["flight_h"], so["station_h"] + 2 * so["transit_h"])
    # no dash longer than the limit
    dashes = legs[legs["phase"] == "dash"]
    length = np.hypot(dashes["x1_km"] - dashes["x0_km"], dashes["y1_km"] - dashes["y0_km"])
    assert (length <= world.params.max_dash_km + 1e-6).all()
    # every shot: the threat inside the engagement zone, within the weapon's range, and a weapon
    # the policy allows against its category
    if len(en):
        category_of = th.set_index("threat")["category"]
        pos = positions_at_frame(world, out["shield"], en)
        assert shapely.contains_xy(world.engage_zone, pos[:, 0], pos[:, 1]).all()
        gap = np.hypot(
            pos[:, 0] - en["x_km"].to_numpy(float), pos[:, 1] - en["y_km"].to_numpy(float)
        )
        reach = en["weapon"].map(lambda w: world.catalog.weapons[w].range_km).to_numpy(float)
        assert (gap <= reach + 1e-3).all()
        for w_id, cat_ in zip(en["weapon"], category_of.loc[en["threat"]], strict=True):
            assert world.catalog.weapons[w_id].kind in world.params.weapon_policy[cat_]
    # weapons spent never exceed the loadout; kills never exceed shots
    for ac, shots in en.groupby("aircraft"):
        ftype = so.loc[so["aircraft"] == ac, "type"].iloc[0]
        loadout = world.catalog.fighters[ftype].loadout
        for weapon, n in shots.groupby("weapon").size().items():
            assert n <= loadout[str(weapon)]
        assert shots["kill"].sum() <= len(shots)
    assert (th["fate"] == "killed_fighter").sum() == en["kill"].sum()
    # an aircraft is never in two places at once: its legs follow each other in time
    for _, g in legs.sort_values(["aircraft", "t0_s"]).groupby("aircraft"):
        assert (g["t0_s"].to_numpy()[1:] >= g["t1_s"].to_numpy()[:-1] - 1e-6).all()
    # no fighter position is ever within the engagement standoff of hostile territory
    theatre = world.ls.theatre
    standoff = world.ls.scenario.theatre.engage_standoff_km
    lines = shapely.linestrings(
        np.stack(
            [legs[["x0_km", "y0_km"]].to_numpy(float), legs[["x1_km", "y1_km"]].to_numpy(float)],
            axis=1,
        )
    )
    assert shapely.distance(lines, theatre.hostile_km).min() >= standoff - 1e-6


def positions_at_frame(world: World, oc: object, en: pd.DataFrame) -> np.ndarray:
    """Threat positions (km) at each shot, from the replication's routes (re-flown)."""
    from skyshield.engine.kinematics import positions_at
    from skyshield.raids import fly

    routes_ss = np.random.SeedSequence(oc.seed).spawn(4)[0]  # type: ignore[attr-defined]
    th = fly(world.night, world.ctx, np.random.default_rng(routes_ss))
    p = positions_at(
        th.offsets,
        th.x_km,
        th.y_km,
        th.t_s,
        en["threat"].to_numpy(int),
        en["time_s"].to_numpy(float),
    )
    return np.column_stack([p.x_km, p.y_km])


def test_determinism_in_process_and_pool(world: World) -> None:
    a = run_replication(world, 11)
    b = run_replication(world, 11)
    with ProcessPoolExecutor(max_workers=2) as pool:
        c, d = pool.map(run_replication, [world, world], [11, 12])
    for defence in a:
        for table in ("threats", "sorties", "engagements", "fighter_legs"):
            pd.testing.assert_frame_equal(getattr(a[defence], table), getattr(b[defence], table))
            pd.testing.assert_frame_equal(getattr(a[defence], table), getattr(c[defence], table))
    assert not a["shield"].threats["path_km"].equals(d["shield"].threats["path_km"])


@pytest.mark.slow
def test_more_jets_never_more_hits_in_expectation(
    reference: LoadedScenario, tmp_path: Path
) -> None:
    """Paired over 50 seeds (common random numbers): no jets, half of every pledge, the
    reference's 120 jets.  Each step up gives no more hits on protected assets on average, beyond
    two standard errors of the paired difference; and the jets do stop some."""
    halved = tmp_path / "halved.yaml"
    members = "\n".join(
        f"    - nation: {m.nation}\n      iso_a3: {m.iso_a3}\n      pledges:\n"
        + "\n".join(
            f"        - {{type: {p.type}, count: {max(p.count // 2, 1)}, base: {p.base}}}"
            for p in m.pledges
        )
        for m in reference.scenario.coalition.members
    )
    halved.write_text(
        f"name: halved\nextends: reference\ncoalition:\n  members:\n{members}\n", encoding="utf-8"
    )
    w1 = build_world(load_scenario(halved), MONO_NIGHT)
    w2 = build_world(reference, MONO_NIGHT)
    none_, half, full = [], [], []
    for seed in range(50):
        o1 = run_replication(w1, seed)  # baseline (no jets) and the halved force
        o2 = run_replication(w2, seed, ("shield",))
        none_.append(float((o1["baseline"].threats["fate"] == "hit_asset").sum()))
        half.append(float((o1["shield"].threats["fate"] == "hit_asset").sum()))
        full.append(float((o2["shield"].threats["fate"] == "hit_asset").sum()))
    for fewer, more in ((none_, half), (half, full), (none_, full)):
        d = np.array(more) - np.array(fewer)
        assert d.mean() <= 2 * d.std(ddof=1) / np.sqrt(len(d)) + 1e-9
    assert np.mean(full) < np.mean(none_)  # and the jets do stop something


def test_python_api_returns_tables() -> None:
    res = simulate("small", SMALL_NIGHT, seed=3)
    assert isinstance(res, SimulationResult)
    assert set(res.outcomes) == {"baseline", "shield"}
    assert len(res.threats) == 178 and {"fate", "fate_time_s", "killed_by"} <= set(
        res.threats.columns
    )
    assert res.marginal_effect().keys() >= {"hits_on_assets_avoided", "by_asset"}


def test_aew_detection_by_hand() -> None:
    """An AEW at 9,000 m with 200 km reference range at 0.1 m^2 against a 0.1 m^2 target at 100 m:
    horizon 4.12 (sqrt(9000) + sqrt(100)) = 432 km, so the range is 200 km.  A target flying
    straight at it from 500 km at 720 km/h is seen after (500 - 200) / 720 h = 1,500 s."""
    from skyshield.engine.sensors import Sensor, detection_range_km, detection_times

    assert detection_range_km(9000.0, 200.0, 0.1, np.array([100.0]), np.array([0.1]))[
        0
    ] == pytest.approx(200.0)
    # a smaller target (0.01 m^2) is seen at 200 * 0.1^(1/4) = 112.5 km
    assert detection_range_km(9000.0, 200.0, 0.1, np.array([100.0]), np.array([0.01]))[
        0
    ] == pytest.approx(112.47, rel=1e-3)
    th = straight("kh-101", "cruise", (500.0, 0.0), (0.0, 0.0), 720.0)
    t = detection_times(th, np.array([0.1]), [Sensor("aew", 0.0, 0.0, 9000.0, 200.0, 0.1)])
    assert t[0] == pytest.approx(1500.0, abs=1e-6)


def test_flown_threats_are_the_replications_threats(world: World) -> None:
    """Maps and replays draw the routes of a replication with flown_threats: the same threats,
    launched and arriving at the same times as in the outcome tables."""
    threats = flown_threats(world, 77)
    table = run_replication(world, 77)["shield"].threats
    assert len(threats) == len(table)
    np.testing.assert_array_equal(threats.arrival_time_s, table["arrival_time_s"].to_numpy(float))
    np.testing.assert_array_equal(threats.class_id, table["class_id"].to_numpy())
