"""The engagement engine: hand geometry, invariants over seeds, determinism, monotonicity."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from skyshield.engine.api import SimulationResult, build_world, simulate
from skyshield.engine.sim import FATES, ShieldRun, World, run_replication
from skyshield.raids import Night, ThreatGroup, Threats
from skyshield.scenario import LoadedScenario, load_scenario

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


def hand_run(w: World, threats: Threats) -> ShieldRun:
    run = ShieldRun(w, threats, np.full(1, np.inf), np.zeros(1), np.random.default_rng(0))
    run.start()
    for ac in run.aircraft:  # a fresh aircraft, far from bingo, whatever the random phase
        ac.arrive_s, ac.bingo_s = -60.0, 4 * 3600.0
    run.loop()
    return run


def test_intercept_time_matches_closed_form(one_f16: LoadedScenario) -> None:
    w = build_world(one_f16, SMALL_NIGHT)
    sx, sy = w.positions_km["lviv"]
    # a drone 200 km east of the station flying straight at it at 180 km/h, tracked at t = 0
    threats = straight("shahed-136", "drone", (sx + 200.0, sy), (sx - 10.0, sy), 180.0)
    run = hand_run(w, threats)
    [eng] = [e for e in run.engagements if e["shot"] == 1]
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
    # a drone flying across the east (Kharkiv area), far outside the engagement zone
    proj = w.ls.theatre.projection
    a, b = proj.point_km((37.5, 50.2)), proj.point_km((35.5, 49.5))
    run = hand_run(w, straight("shahed-136", "drone", a, b, 180.0))
    assert run.engagements == []


def test_too_fast_is_not_engaged(one_f16: LoadedScenario) -> None:
    w = build_world(one_f16, SMALL_NIGHT)
    sx, sy = w.positions_km["lviv"]
    # a cruise missile at 3,000 km/h flying away from the station: no intercept exists
    run = hand_run(w, straight("kalibr", "cruise", (sx + 30.0, sy), (sx + 600.0, sy), 3000.0))
    assert run.engagements == []
    # the same missile at 700 km/h is caught (the geometry, not the class, decides)
    run = hand_run(w, straight("kalibr", "cruise", (sx + 30.0, sy), (sx + 600.0, sy), 700.0))
    assert len(run.engagements) >= 1


@pytest.mark.parametrize("seed", range(4))
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
    # fuel never below zero: every aircraft lands with at least its reserve
    assert (so["fuel_left_h"] >= 0).all()
    reserve = so["type"].map(lambda t: world.catalog.fighters[t].reserve_h)
    assert (so["fuel_left_h"] >= reserve - 1e-9).all()
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


def test_determinism_in_process_and_pool(world: World) -> None:
    a = run_replication(world, 11)
    b = run_replication(world, 11)
    with ProcessPoolExecutor(max_workers=2) as pool:
        c, d = pool.map(run_replication, [world, world], [11, 12])
    for defence in a:
        for table in ("threats", "sorties", "engagements"):
            pd.testing.assert_frame_equal(getattr(a[defence], table), getattr(b[defence], table))
            pd.testing.assert_frame_equal(getattr(a[defence], table), getattr(c[defence], table))
    assert not a["shield"].threats["fate"].equals(d["shield"].threats["fate"]) or not a[
        "shield"
    ].threats["path_km"].equals(d["shield"].threats["path_km"])


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
    m = res.marginal_effect()
    assert (
        m["hits_on_assets_avoided"]
        == (res["baseline"].threats["fate"] == "hit_asset").sum()
        - (res["shield"].threats["fate"] == "hit_asset").sum()
    )
