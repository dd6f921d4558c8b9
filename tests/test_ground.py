"""Ukraine's own defences (engine/ground.py): hand-computed cases, invariants on the reference
raid, determinism and common random numbers, a seeded check of the attrition probability, and
the parameters' loading and checks.

Hand-computed cases replay the documented draw order of ``draw_ground`` on a fresh generator
of the same seed: uniforms (susceptible to EW?), uniforms (EW distance), standard exponentials
(area distance), the terminal uniforms (a block of ``MAX_SHOTS_PER_THREAT`` rows), uniforms
(killable by area defences?), then one Student's t (the night's variation).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import yaml
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from skyshield.engine.ground import (
    NIGHT_DF,
    GroundDraws,
    Legs,
    aim_points,
    assign_sites,
    defended_sites,
    draw_ground,
    ground_fate_time,
    inside_pieces,
    per_threat,
    resolve_terminal,
    shifted,
)
from skyshield.errors import InputError
from skyshield.geo import Projection
from skyshield.raids import RaidContext, Threats, fly, load_raid, raid_context
from skyshield.scenario import Asset, LoadedScenario, load_scenario
from skyshield.scenario.params import (
    MAX_SHOTS_PER_THREAT,
    OVERRIDE_NOTE,
    AirDefenceSite,
    GroundParams,
    ParamsError,
    TerminalDefence,
    load_ground_params,
)

F64 = NDArray[np.float64]

NOTES = {f: "assumption: test" for f in GroundParams.noted_fields}
SITE_NOTES = {f: "assumption: test" for f in ("range_km", "pk", "shots_per_threat", "magazine")}
BIG_BOX = shapely.box(-2000.0, -2000.0, 2000.0, 2000.0)
PROJ = Projection()


def params(
    ew_loss: dict[str, float] | None = None,
    area: dict[str, float] | None = None,
    sites: dict[str, TerminalDefence] | None = None,
    kinds: dict[str, TerminalDefence] | None = None,
    ew_rate: dict[str, float] | None = None,
    area_max: dict[str, float] | None = None,
    night_sd: dict[str, float] | None = None,
    air: dict[str, AirDefenceSite] | None = None,
) -> GroundParams:
    """Parameters built directly (not from the catalog file)."""
    return GroundParams(
        ew_loss=ew_loss or {},
        ew_per_100km=ew_rate or {},
        area_per_100km=area or {},
        area_max=area_max or {},
        night_sd=night_sd or {},
        terminal_kinds=kinds or {},
        terminal_sites=sites or {},
        air_defence_sites=air or {},
        sources=NOTES,
    )


def site(range_km: float, pk: dict[str, float], shots: int, magazine: int) -> TerminalDefence:
    return TerminalDefence(
        range_km=range_km, pk=pk, shots_per_threat=shots, magazine=magazine, sources=SITE_NOTES
    )


def make_threats(
    paths: list[list[tuple[float, float]]],
    category: str | list[str] = "drone",
    class_id: str | list[str] = "shahed-136",
    speed_kmh: float = 150.0,
    launch_s: list[float] | None = None,
) -> Threats:
    """Threats flying ``paths`` (km) at a constant speed from ``launch_s`` (default 0)."""
    n = len(paths)
    cats = [category] * n if isinstance(category, str) else category
    classes = [class_id] * n if isinstance(class_id, str) else class_id
    starts = launch_s or [0.0] * n
    xs, ys, ts, counts = [], [], [], []
    for p, t0 in zip(paths, starts, strict=True):
        xy = np.asarray(p, dtype=float)
        along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
        xs.append(xy[:, 0])
        ys.append(xy[:, 1])
        ts.append(t0 + along / speed_kmh * 3600.0)
        counts.append(len(xy))
    s = np.asarray
    return Threats(
        night="test",
        class_id=s(classes, dtype=str),
        category=s(cats, dtype=str),
        group=np.zeros(n, dtype=np.int64),
        launch_area=np.full(n, "nowhere"),
        aim_kind=np.full(n, "region"),
        aim_id=np.full(n, "r"),
        speed_kmh=np.full(n, speed_kmh),
        altitude_m=np.full(n, 1000.0),
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        x_km=np.concatenate(xs),
        y_km=np.concatenate(ys),
        t_s=np.concatenate(ts),
    )


def replay_draws(seed: int, n: int) -> tuple[F64, F64, F64]:
    """The first three draws of ``draw_ground`` (EW susceptible?, EW distance uniforms, area
    distance at rate 1/km)."""
    rng = np.random.default_rng(seed)
    return rng.random(n), rng.random(n), rng.standard_exponential(n)


def replay_all(seed: int, n: int) -> tuple[F64, F64, float, np.random.Generator]:
    """The terminal block ``(MAX_SHOTS_PER_THREAT, n)``, the killable uniforms and the night's
    ``z`` (the last draws of ``draw_ground``), and the generator after them."""
    rng = np.random.default_rng(seed)
    rng.random(n), rng.random(n), rng.standard_exponential(n)
    block = rng.random((MAX_SHOTS_PER_THREAT, n))
    killable = rng.random(n)
    return block, killable, float(rng.standard_t(NIGHT_DF)), rng


# ----------------------------------------------------------------------------- area attrition


def test_straight_route_fully_inside_kill_point_by_hand() -> None:
    n, rate = 60, 0.5  # per 100 km; route 300 km at 150 km/h launched at t = 100 s
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)]] * n, launch_s=[100.0] * n)
    d = draw_ground(th, BIG_BOX, params(area={"drone": rate}), np.random.default_rng(11))
    _, _, e = replay_draws(11, n)
    dist = e / (rate / 100.0)
    killed = dist < 300.0
    assert 0 < killed.sum() < n
    np.testing.assert_array_equal(np.isfinite(d.t_area_s), killed)
    np.testing.assert_allclose(d.x_area_km[killed], dist[killed], atol=1e-9)
    np.testing.assert_allclose(d.y_area_km[killed], 0.0, atol=1e-12)
    np.testing.assert_allclose(d.t_area_s[killed], 100.0 + dist[killed] / 150.0 * 3600.0)
    assert np.all(np.isnan(d.x_area_km[~killed]))
    np.testing.assert_allclose(d.inside_km, 300.0)
    assert np.all(np.isinf(d.t_ew_s))  # no EW loss without an ew_loss


def test_kill_distance_counts_only_km_inside_across_pieces_and_legs() -> None:
    # free region: two boxes x 0..100 and 200..300; route x -50..350 with a turn point at 150
    region = shapely.union(shapely.box(0, -50, 100, 50), shapely.box(200, -50, 300, 50))
    n, rate = 300, 1.0
    th = make_threats([[(-50.0, 0.0), (150.0, 0.0), (350.0, 0.0)]] * n, speed_kmh=200.0)
    d = draw_ground(th, region, params(area={"drone": rate}), np.random.default_rng(5))
    _, _, e = replay_draws(5, n)
    dist = e / (rate / 100.0)
    killed = dist < 200.0
    assert killed.sum() > 50 and (dist[killed] > 100).sum() > 10  # both boxes seen
    x = np.where(dist < 100.0, dist, 200.0 + dist - 100.0)
    np.testing.assert_allclose(d.inside_km, 200.0)
    np.testing.assert_array_equal(np.isfinite(d.t_area_s), killed)
    np.testing.assert_allclose(d.x_area_km[killed], x[killed], atol=1e-9)
    np.testing.assert_allclose(d.t_area_s[killed], (x[killed] + 50.0) / 200.0 * 3600.0)


def test_attrition_probability_matches_exp_within_3_standard_errors() -> None:
    n, rate, length = 4000, 0.5, 200.0
    th = make_threats([[(0.0, 0.0), (120.0, 0.0), (120.0, 80.0)]] * n)
    d = draw_ground(th, BIG_BOX, params(area={"drone": rate}), np.random.default_rng(2025))
    p = 1.0 - math.exp(-rate / 100.0 * length)
    se = math.sqrt(p * (1.0 - p) / n)
    assert abs(np.isfinite(d.t_area_s).mean() - p) < 3.0 * se


def test_area_max_zero_never_kills_and_one_is_the_pure_exponential() -> None:
    n, rate = 400, 0.5  # route 300 km, all inside; EW and terminal draws in play too
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)]] * n)
    kyiv = {"kyiv": site(30.0, {"drone": 0.5}, 2, 100)}

    def run(cap: dict[str, float] | None) -> GroundDraws:
        p = params(ew_loss={"drone": 0.5}, area={"drone": rate}, area_max=cap, sites=kyiv)
        return draw_ground(th, BIG_BOX, p, np.random.default_rng(11))

    never, always, unset = run({"drone": 0.0}), run({"drone": 1.0}), run(None)
    assert not np.isfinite(never.t_area_s).any()
    np.testing.assert_allclose(never.inside_km, 300.0)  # still measured
    _, _, e = replay_draws(11, n)
    dist = e / (rate / 100.0)
    killed = dist < 300.0
    assert 0 < killed.sum() < n
    np.testing.assert_array_equal(np.isfinite(always.t_area_s), killed)
    np.testing.assert_allclose(always.x_area_km[killed], dist[killed], atol=1e-9)
    # no entry means no cap: the same as area_max = 1
    for name in GroundDraws.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(always, name), getattr(unset, name))
    # the cap leaves the older draws alone: EW losses and terminal uniforms are unchanged
    for name in ("t_ew_s", "x_ew_km", "y_ew_km", "u_terminal", "inside_km"):
        np.testing.assert_array_equal(getattr(never, name), getattr(always, name))


def test_only_killable_threats_die_by_hand_and_class_key_wins() -> None:
    n, rate = 400, 0.5
    th = make_threats(
        [[(0.0, 0.0), (300.0, 0.0)]] * n,
        category=["drone"] * (n // 2) + ["cruise"] * (n // 2),
        class_id=["shahed-136"] * (n // 2) + ["kh-101"] * (n // 2),
    )
    cap = {"drone": 0.4, "cruise": 0.0, "kh-101": 0.7}
    p = params(area={"drone": rate, "cruise": rate}, area_max=cap)
    d = draw_ground(th, BIG_BOX, p, np.random.default_rng(21))
    _, _, e = replay_draws(21, n)
    _, u_killable, _, _ = replay_all(21, n)
    dist = e / (rate / 100.0)
    killable = u_killable < np.repeat([0.4, 0.7], n // 2)
    killed = killable & (dist < 300.0)
    assert (killable & ~killed).sum() > 0 and (~killable & (dist < 300.0)).sum() > 0
    np.testing.assert_array_equal(np.isfinite(d.t_area_s), killed)
    np.testing.assert_allclose(d.x_area_km[killed], dist[killed], atol=1e-9)


def test_saturating_probability_within_3_standard_errors() -> None:
    n, rate, cap = 4000, 0.5, 0.6
    short, long = 200.0, 3000.0  # 1 - exp(-15) on the long route: it levels off at the cap
    th = make_threats([[(0.0, 0.0), (short, 0.0)]] * n + [[(0.0, 0.0), (long, 0.0)]] * n)
    p = params(area={"drone": rate}, area_max={"drone": cap})
    d = draw_ground(th, BIG_BOX, p, np.random.default_rng(2026))
    killed = np.isfinite(d.t_area_s)
    for got, length in ((killed[:n], short), (killed[n:], long)):
        want = cap * (1.0 - math.exp(-rate / 100.0 * length))
        assert abs(got.mean() - want) < 3.0 * math.sqrt(want * (1.0 - want) / n)


def test_later_draws_do_not_move_whatever_max_shots() -> None:
    n = 300
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)]] * n)
    area, cap = {"drone": 0.5}, {"drone": 0.5}
    two = params(area=area, area_max=cap, sites={"k": site(30.0, {"drone": 0.5}, 2, 9)})
    five = params(area=area, area_max=cap, sites={"k": site(30.0, {"drone": 0.5}, 5, 9)})
    rng_two, rng_five = np.random.default_rng(17), np.random.default_rng(17)
    a = draw_ground(th, BIG_BOX, two, rng_two)
    b = draw_ground(th, BIG_BOX, five, rng_five)
    block, u_killable, _, after = replay_all(17, n)
    np.testing.assert_array_equal(a.u_terminal, block[:2].T)
    np.testing.assert_array_equal(b.u_terminal, block[:5].T)
    # the same killable threats, so the same area kills, with two shots or five
    np.testing.assert_array_equal(a.t_area_s, b.t_area_s)
    _, _, e = replay_draws(17, n)
    np.testing.assert_array_equal(np.isfinite(a.t_area_s), (u_killable < 0.5) & (e / 0.005 < 300))
    # nothing is drawn after the night's variation, whatever max_shots
    assert rng_two.random() == rng_five.random() == after.random()


def test_routes_that_never_enter_the_region_have_nothing_inside() -> None:
    region = shapely.box(1000.0, 1000.0, 1100.0, 1100.0)
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)], [(0.0, 50.0), (100.0, 50.0), (100.0, 150.0)]])
    legs = Legs.of(th)
    leg, s0, s1 = inside_pieces(legs, np.arange(len(legs.owner)), region)
    assert len(leg) == len(s0) == len(s1) == 0
    d = draw_ground(th, region, params(area={"drone": 100.0}), np.random.default_rng(0))
    np.testing.assert_array_equal(d.inside_km, [0.0, 0.0])
    assert np.all(np.isinf(d.t_area_s))


def test_inside_pieces_agree_with_shapely_intersection(ctx: RaidContext, ref: Threats) -> None:
    legs = Legs.of(ref)
    leg, s0, s1 = inside_pieces(legs, np.arange(len(legs.owner)), ctx.free_ukraine_km)
    assert np.all(s1 > s0) and np.all(np.diff(leg) >= 0)
    per_leg = np.bincount(leg, weights=s1 - s0, minlength=len(legs.owner))
    ab = np.stack([np.column_stack([legs.x0, legs.y0]), np.column_stack([legs.x1, legs.y1])], 1)
    exact = shapely.length(shapely.intersection(shapely.linestrings(ab), ctx.free_ukraine_km))
    np.testing.assert_allclose(per_leg, exact, atol=1e-6)
    # every piece's ends lie in the region (boundary included)
    _, x0, y0 = legs.point(leg, s0)
    _, x1, y1 = legs.point(leg, s1)
    near = ctx.free_ukraine_km.buffer(1e-6)
    assert shapely.intersects_xy(near, x0, y0).all() and shapely.intersects_xy(near, x1, y1).all()


# ----------------------------------------------------------------------------- electronic warfare


def test_ew_loss_distance_inside_by_hand() -> None:
    # L-shaped route 100 + 100 km; free Ukraine is x >= 50: 150 km inside; all susceptible
    region = shapely.box(50.0, -500.0, 500.0, 500.0)
    n, rate = 400, 1.0  # per 100 km: mean loss distance 100 km
    th = make_threats([[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]] * n, launch_s=[60.0] * n)
    p = params(ew_loss={"drone": 1.0}, ew_rate={"drone": rate})
    d = draw_ground(th, region, p, np.random.default_rng(9))
    _, u_where, _ = replay_draws(9, n)
    dist = -np.log1p(-u_where) / (rate / 100.0)
    lost = dist < 150.0
    assert 0 < lost.sum() < n
    np.testing.assert_array_equal(np.isfinite(d.t_ew_s), lost)
    along = 50.0 + dist[lost]  # from the launch: 50 km outside, then the distance inside
    np.testing.assert_allclose(d.t_ew_s[lost], 60.0 + along / 150.0 * 3600.0)
    x = np.where(along <= 100.0, along, 100.0)
    y = np.where(along <= 100.0, 0.0, along - 100.0)
    np.testing.assert_allclose(d.x_ew_km[lost], x, atol=1e-9)
    np.testing.assert_allclose(d.y_ew_km[lost], y, atol=1e-9)
    np.testing.assert_allclose(d.inside_km, 150.0)


def test_ew_probability_saturates_within_3_standard_errors() -> None:
    n, rate, cap = 4000, 1.0, 0.7
    short, long = 60.0, 3000.0
    th = make_threats([[(0.0, 0.0), (short, 0.0)]] * n + [[(0.0, 0.0), (long, 0.0)]] * n)
    p = params(ew_loss={"drone": cap}, ew_rate={"drone": rate})
    d = draw_ground(th, BIG_BOX, p, np.random.default_rng(33))
    lost = np.isfinite(d.t_ew_s)
    for got, length in ((lost[:n], short), (lost[n:], long)):
        want = cap * (1.0 - math.exp(-rate / 100.0 * length))
        assert abs(got.mean() - want) < 3.0 * math.sqrt(want * (1.0 - want) / n)


def test_ew_loss_probability_per_class_and_category() -> None:
    n = 3000
    th = make_threats(
        [[(0.0, 0.0), (100.0, 0.0)]] * n,
        category=["drone"] * (n // 2) + ["cruise"] * (n // 2),
        class_id=["shahed-136"] * (n // 2) + ["kh-101"] * (n // 2),
    )
    p = params(
        ew_loss={"drone": 0.6, "cruise": 0.9, "kh-101": 0.1},
        ew_rate={"drone": 1000.0, "cruise": 1000.0},
    )
    d = draw_ground(th, BIG_BOX, p, np.random.default_rng(4))
    u_lost, u_where, _ = replay_draws(4, n)
    within = -np.log1p(-u_where) / 10.0 < 100.0
    want = (u_lost < np.repeat([0.6, 0.1], n // 2)) & within  # the class key wins
    np.testing.assert_array_equal(np.isfinite(d.t_ew_s), want)


def test_without_an_ew_rate_nothing_is_lost_to_ew() -> None:
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)]] * 50)
    d = draw_ground(th, BIG_BOX, params(ew_loss={"drone": 1.0}), np.random.default_rng(1))
    assert np.all(np.isinf(d.t_ew_s))


def test_ballistic_untouched_by_ew_and_area() -> None:
    th = make_threats(
        [[(0.0, 0.0), (400.0, 0.0)]] * 3,
        category=["drone", "ballistic", "aeroballistic"],
        class_id=["shahed-136", "iskander-m", "kinzhal"],
    )
    p = params(ew_loss={"drone": 1.0}, ew_rate={"drone": 5.0}, area={"drone": 1000.0})
    d = draw_ground(th, BIG_BOX, p, np.random.default_rng(0))
    fate = ground_fate_time(d)
    assert np.isfinite(fate.t_s[0])
    assert np.all(np.isinf(fate.t_s[1:])) and list(fate.cause[1:]) == ["", ""]
    for bad in ({"ew_loss": {"ballistic": 0.1}}, {"area_per_100km": {"iskander-m": 0.2}}):
        with pytest.raises(ParamsError, match="only terminal"):
            load_ground_params(bad)


# ----------------------------------------------------------------------------- fates


def test_ground_fate_is_the_earliest_and_ew_wins_a_tie() -> None:
    inf, nan = np.inf, np.nan
    d = GroundDraws(
        t_ew_s=np.array([10.0, 30.0, inf, inf, 5.0]),
        x_ew_km=np.array([1.0, 1.0, nan, nan, 1.0]),
        y_ew_km=np.array([1.0, 1.0, nan, nan, 1.0]),
        t_area_s=np.array([20.0, 25.0, 7.0, inf, 5.0]),
        x_area_km=np.array([2.0, 2.0, 2.0, nan, 2.0]),
        y_area_km=np.array([2.0, 2.0, 2.0, nan, 2.0]),
        u_terminal=np.zeros((5, 1)),
        inside_km=np.zeros(5),
    )
    fate = ground_fate_time(d)
    np.testing.assert_array_equal(fate.t_s, [10.0, 25.0, 7.0, inf, 5.0])
    assert list(fate.cause) == ["ew", "area", "area", "", "ew"]


def test_invariants_on_the_reference_raid(ctx: RaidContext, ref: Threats) -> None:
    p = load_ground_params()
    d = draw_ground(ref, ctx.free_ukraine_km, p, np.random.default_rng(3))
    fate = ground_fate_time(d)
    launch, arrival = ref.launch_time_s, ref.arrival_time_s
    ew, area = np.isfinite(d.t_ew_s), np.isfinite(d.t_area_s)
    assert ew.any() and area.any()
    np.testing.assert_array_equal(ew, np.isfinite(d.x_ew_km) & np.isfinite(d.y_ew_km))
    np.testing.assert_array_equal(area, np.isfinite(d.x_area_km) & np.isfinite(d.y_area_km))
    # one ground death time at most: the earliest, with its cause
    dead = np.isfinite(fate.t_s)
    np.testing.assert_array_equal(dead, ew | area)
    assert set(fate.cause[dead]) <= {"ew", "area"} and set(fate.cause[~dead]) == {""}
    assert np.all(fate.t_s[fate.cause == "ew"] == d.t_ew_s[fate.cause == "ew"])
    assert np.all(fate.t_s[fate.cause == "area"] == d.t_area_s[fate.cause == "area"])
    ballistic = np.isin(ref.category, ["ballistic", "aeroballistic"])
    assert not dead[ballistic].any()
    for t, x, y, hit in (
        (d.t_ew_s, d.x_ew_km, d.y_ew_km, ew),
        (d.t_area_s, d.x_area_km, d.y_area_km, area),
    ):
        i = np.flatnonzero(hit)
        assert np.all(t[i] >= launch[i]) and np.all(t[i] <= arrival[i])
        for k in i:  # the point is where the route is at that time
            sl = slice(ref.offsets[k], ref.offsets[k + 1])
            assert np.interp(t[k], ref.t_s[sl], ref.x_km[sl]) == pytest.approx(x[k], abs=1e-6)
            assert np.interp(t[k], ref.t_s[sl], ref.y_km[sl]) == pytest.approx(y[k], abs=1e-6)
    near = ctx.free_ukraine_km.buffer(1e-6)
    assert shapely.intersects_xy(near, d.x_area_km[area], d.y_area_km[area]).all()
    # EW points lie over free Ukraine too
    assert shapely.intersects_xy(near, d.x_ew_km[ew], d.y_ew_km[ew]).all()
    legs = Legs.of(ref)
    assert np.all(d.inside_km <= legs.path_km() + 1e-9)

    # terminal: only live threats, at most shots_per_threat, magazines respected
    alive = ~dead
    term = resolve_terminal(ref, alive, ctx.assets, ctx.theatre.projection, p, d)
    assert not (term.killed & ~alive).any() and not (term.shots[~alive] > 0).any()
    assert np.all((term.shots > 0) == (term.site != ""))
    assert np.all(term.shots[term.killed] > 0)
    for sid, used in term.magazine_used.items():
        assert used == term.shots[term.site == sid].sum() <= term.magazine[sid]
    assert term.shots.max() <= p.max_shots
    # the sites worked out once for the night (as a replication shares them between its
    # defences) give the same engagements as working them out again
    sites = defended_sites(ctx.assets, p)
    ax, ay = aim_points(ref)
    once = assign_sites(ax, ay, ref.class_id, ref.category, sites, ctx.theatre.projection)
    again = resolve_terminal(ref, alive, ctx.assets, ctx.theatre.projection, p, d, once)
    for field in ("killed", "site", "shots"):
        assert np.array_equal(getattr(again, field), getattr(term, field))
    assert again.magazine_used == term.magazine_used


# ----------------------------------------------------------------------------- randomness


def test_same_seed_same_draws_and_other_seeds_differ(ctx: RaidContext, ref: Threats) -> None:
    p = load_ground_params()
    a = draw_ground(ref, ctx.free_ukraine_km, p, np.random.default_rng(42))
    b = draw_ground(ref, ctx.free_ukraine_km, p, np.random.default_rng(42))
    c = draw_ground(ref, ctx.free_ukraine_km, p, np.random.default_rng(43))
    for name in GroundDraws.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.u_terminal, c.u_terminal)
    assert not np.array_equal(np.isfinite(a.t_area_s), np.isfinite(c.t_area_s))


def test_common_random_numbers_across_variants() -> None:
    n = 500
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)]] * n)
    kyiv = site(30.0, {"drone": 0.5}, 2, 100)
    one = params(area={"drone": 0.3}, sites={"kyiv": kyiv})
    other = params(
        area={"drone": 0.6}, sites={"kyiv": site(30.0, {"drone": 0.5}, 3, 100)}
    )  # twice the rate, one more shot
    a = draw_ground(th, BIG_BOX, one, np.random.default_rng(8))
    b = draw_ground(th, BIG_BOX, other, np.random.default_rng(8))
    # the same exponential: every kill at the lower rate happens at half the distance
    ka = np.isfinite(a.t_area_s)
    assert np.isfinite(b.t_area_s[ka]).all() and np.isfinite(b.t_area_s).sum() > ka.sum()
    np.testing.assert_allclose(b.x_area_km[ka], a.x_area_km[ka] / 2.0)
    # the first shots keep their luck when max_shots grows
    assert a.u_terminal.shape == (n, 2) and b.u_terminal.shape == (n, 3)
    np.testing.assert_array_equal(a.u_terminal, b.u_terminal[:, :2])


# ----------------------------------------------------------------------------- terminal


def asset(aid: str, kind: str, lonlat: tuple[float, float]) -> Asset:
    return Asset(id=aid, name=aid, kind=kind, position=lonlat, value=1.0, radius_km=5.0)


KYIV = asset("kyiv", "city", (30.52, 50.45))


def towards(target: tuple[float, float], n: int, arrivals: list[float]) -> Threats:
    """``n`` threats flying 150 km due north to ``target`` (km), arriving at ``arrivals`` (s)."""
    x, y = target
    paths = [[(x, y - 150.0), (x, y)] for _ in range(n)]
    return make_threats(paths, launch_s=[a - 3600.0 for a in arrivals])


def draws_with(u: list[list[float]]) -> GroundDraws:
    n = len(u)
    inf = np.full(n, np.inf)
    nan = np.full(n, np.nan)
    return GroundDraws(inf, nan, nan, inf, nan, nan, np.asarray(u, dtype=float), np.zeros(n))


def test_terminal_magazine_runs_out_in_arrival_order() -> None:
    th = towards(PROJ.point_km(KYIV.position), 4, [4000.0, 1000.0, 3000.0, 2000.0])
    alive = np.ones(4, dtype=bool)
    u = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.2, 0.9]]
    # arrival order 1, 3, 2, 0: threat 1 needs 2 shots (kill), 3 one (kill), 2 two (misses)
    p = params(sites={"kyiv": site(20.0, {"drone": 0.5}, 2, 5)})
    r = resolve_terminal(th, alive, [KYIV], PROJ, p, draws_with(u))
    assert list(r.shots) == [0, 2, 2, 1]
    assert list(r.killed) == [False, True, False, True]
    assert list(r.site) == ["", "kyiv", "kyiv", "kyiv"]
    assert r.magazine == {"kyiv": 5} and r.magazine_used == {"kyiv": 5}
    # four shots: threat 2 gets its first shot only; had it hit, it would die
    p4 = params(sites={"kyiv": site(20.0, {"drone": 0.5}, 2, 4)})
    r4 = resolve_terminal(th, alive, [KYIV], PROJ, p4, draws_with(u))
    assert list(r4.shots) == [0, 2, 1, 1] and not r4.killed[2]
    u_hit = [[0.1, 0.1], [0.9, 0.1], [0.3, 0.9], [0.2, 0.9]]
    r4 = resolve_terminal(th, alive, [KYIV], PROJ, p4, draws_with(u_hit))
    assert list(r4.shots) == [0, 2, 1, 1] and list(r4.killed) == [False, True, True, True]
    # a dead threat is not engaged and spends nothing: the magazine reaches threat 0
    dead1 = np.array([True, False, True, True])
    r = resolve_terminal(th, dead1, [KYIV], PROJ, p, draws_with(u))
    assert list(r.shots) == [1, 0, 2, 1] and list(r.killed) == [True, False, False, True]


def test_terminal_range_pk_and_nearest_site() -> None:
    kx, ky = PROJ.point_km(KYIV.position)
    hpp = asset("kyiv-hpp", "energy", (30.49, 50.59))
    hx, hy = PROJ.point_km(hpp.position)
    paths = [
        [(kx, ky - 100.0), (kx + 25.0, ky)],  # 25 km from Kyiv: in range
        [(kx, ky - 100.0), (kx + 45.0, ky)],  # 45 km: out of range
        [(hx, hy - 100.0), (hx, hy)],  # at the HPP: its own (nearer) defence
        [(kx, ky - 100.0), (kx, ky)],  # ballistic at Kyiv
        [(hx, hy - 100.0), (hx, hy)],  # ballistic at the HPP: only Kyiv has a Pk for it
    ]
    th = make_threats(
        paths,
        category=["drone", "drone", "drone", "ballistic", "ballistic"],
        class_id=["shahed-136"] * 3 + ["iskander-m"] * 2,
        launch_s=[0.0, 10.0, 20.0, 30.0, 40.0],
    )
    p = params(
        sites={"kyiv": site(40.0, {"drone": 0.5, "ballistic": 0.5}, 2, 100)},
        kinds={"energy": site(10.0, {"drone": 0.5}, 1, 10)},
    )
    u = [[0.1, 0.1]] * 5
    r = resolve_terminal(th, np.ones(5, bool), [KYIV, hpp], PROJ, p, draws_with(u))
    assert list(r.site) == ["kyiv", "", "kyiv-hpp", "kyiv", "kyiv"]
    assert list(r.killed) == [True, False, True, True, True]
    assert r.magazine_used == {"kyiv": 3, "kyiv-hpp": 1}
    # no defended asset at all: nothing happens
    r = resolve_terminal(th, np.ones(5, bool), [KYIV], PROJ, params(), draws_with(u))
    assert not r.killed.any() and r.magazine == {}


def air_site(lonlat: tuple[float, float], pk: dict[str, float], magazine: int) -> AirDefenceSite:
    notes = {f: "assumption: test" for f in AirDefenceSite.noted_fields}
    return AirDefenceSite(
        position=lonlat,
        range_km=30.0,
        pk=pk,
        shots_per_threat=2,
        magazine=magazine,
        sources=notes,
    )


def test_air_defence_sites_engage_what_their_pk_names() -> None:
    kx, ky = PROJ.point_km(KYIV.position)
    far = (kx + 300.0, ky)
    paths = [
        [(kx, ky - 100.0), (kx, ky)],
        [(kx, ky - 100.0), (kx + 10.0, ky)],
        [(kx, ky - 100.0), (kx, ky)],
        [(far[0], far[1] - 100.0), far],
    ]
    th = make_threats(
        paths,
        category=["ballistic", "aeroballistic", "drone", "ballistic"],
        class_id=["iskander-m", "kinzhal", "shahed-136", "iskander-m"],
        launch_s=[0.0, 10.0, 20.0, 30.0],
    )
    patriot = air_site(KYIV.position, {"ballistic": 0.6, "aeroballistic": 0.6}, 3)
    p = params(sites={"kyiv": site(40.0, {"drone": 0.5}, 2, 100)}, air={"patriot": patriot})
    u = [[0.7, 0.1], [0.1, 0.9], [0.1, 0.1], [0.1, 0.1]]
    r = resolve_terminal(th, np.ones(4, bool), [KYIV], PROJ, p, draws_with(u))
    # the drone goes to the asset's defence (the Patriot has no Pk against it); the far
    # Iskander meets nothing; the Patriot's three shots: two at the first, one at the second
    assert list(r.site) == ["patriot", "patriot", "kyiv", ""]
    assert list(r.shots) == [2, 1, 1, 0] and list(r.killed) == [True, True, True, False]
    assert r.magazine_used == {"kyiv": 1, "patriot": 3}
    with pytest.raises(ValueError, match="also asset ids"):
        defended_sites([KYIV], params(air={"kyiv": patriot}))


def test_night_variation_shifts_every_layer_by_hand() -> None:
    n, sd = 2000, 0.8
    th = make_threats([[(0.0, 0.0), (300.0, 0.0)]] * n)
    base = {"ew_loss": {"drone": 0.3}, "ew_rate": {"drone": 2.0}, "area": {"drone": 1.0}}
    p = params(**base, area_max={"drone": 0.4}, night_sd={"drone": sd})
    d = draw_ground(th, BIG_BOX, p, np.random.default_rng(12))
    u_lost, u_where, e = replay_draws(12, n)
    _, u_killable, z, _ = replay_all(12, n)
    assert abs(z) > 0.05
    odds = sd * z
    susceptible = u_lost < 1.0 / (1.0 + np.exp(-(np.log(0.3 / 0.7) + odds)))
    killable = u_killable < 1.0 / (1.0 + np.exp(-(np.log(0.4 / 0.6) + odds)))
    d_ew = np.where(susceptible, -np.log1p(-u_where) / 0.02, np.inf)
    d_area = np.where(killable, e / 0.01, np.inf)
    np.testing.assert_array_equal(np.isfinite(d.t_ew_s), d_ew < 300.0)
    np.testing.assert_array_equal(np.isfinite(d.t_area_s), d_area < 300.0)
    np.testing.assert_allclose(d.shift(), odds)
    # without a spread the night is ignored: the same as the mean night
    flat = draw_ground(
        th, BIG_BOX, params(**base, area_max={"drone": 0.4}), np.random.default_rng(12)
    )
    np.testing.assert_array_equal(np.isfinite(flat.t_ew_s), d_ew_at(u_lost, u_where, 0.3) < 300.0)
    np.testing.assert_array_equal(flat.shift(), 0.0)


def test_night_shift_moves_the_terminal_pk_by_hand() -> None:
    kx, ky = PROJ.point_km(KYIV.position)
    two = towards((kx, ky), 2, [100.0, 200.0])
    p = params(sites={"kyiv": site(40.0, {"drone": 0.5}, 1, 10)})
    u = [[0.6], [0.4]]  # Pk 0.5 shifted by +1 is 0.731, by -1 0.269
    flat = resolve_terminal(two, np.ones(2, bool), [KYIV], PROJ, p, draws_with(u))
    assert list(flat.killed) == [False, True]
    for shift, want in ((1.0, [True, True]), (-1.0, [False, False])):
        d = GroundDraws(**{**draws_with(u).__dict__, "night_shift": np.full(2, shift)})
        r = resolve_terminal(two, np.ones(2, bool), [KYIV], PROJ, p, d)
        assert list(r.killed) == want


def d_ew_at(u_lost: F64, u_where: F64, cap: float) -> F64:
    return np.where(u_lost < cap, -np.log1p(-u_where) / 0.02, np.inf)


@given(
    p=st.floats(0.0, 1.0),
    a=st.floats(-6.0, 6.0),
    b=st.floats(-6.0, 6.0),
)
def test_shifted_stays_a_probability_keeps_0_and_1_and_is_monotone(
    p: float, a: float, b: float
) -> None:
    lo, hi = sorted((a, b))
    x = shifted(np.array([p, p]), np.array([lo, hi]))
    assert 0.0 <= x[0] <= x[1] <= 1.0
    if p in (0.0, 1.0):
        assert x[0] == x[1] == p
    assert shifted(np.array([p]), np.array([0.0]))[0] == pytest.approx(p)


# ----------------------------------------------------------------------------- parameters


def test_shipped_parameters_load_and_are_noted() -> None:
    p = load_ground_params()
    assert set(p.sources) >= set(GroundParams.noted_fields)
    specs = [*p.terminal_kinds.values(), *p.terminal_sites.values()]
    assert specs and all(set(s.sources) >= set(TerminalDefence.noted_fields) for s in specs)
    air = list(p.air_defence_sites.values())
    assert air and all(set(s.sources) >= set(AirDefenceSite.noted_fields) for s in air)
    notes = [*p.sources.values(), *(n for s in [*specs, *air] for n in s.sources.values())]
    assert all(n.startswith(("source:", "assumption:")) for n in notes)
    for c in ("ballistic", "aeroballistic", "iskander-m", "kinzhal"):
        assert p.ew_loss.get(c, 0) == 0 and p.area_per_100km.get(c, 0) == 0
        assert p.ew_per_100km.get(c, 0) == 0
    # ballistic missiles are intercepted by the air-defence sites, not by asset sites
    assert all(s.pk.get("ballistic", 0) > 0 for s in air)
    assert all(s.pk.get("ballistic", 0) == 0 for s in specs)


def test_overrides_merge_key_by_key_and_get_a_note() -> None:
    base = load_ground_params()
    p = load_ground_params({"ew_loss": {"drone": 0.3}, "terminal_kinds": {"city": {"magazine": 7}}})
    assert p.ew_loss["drone"] == 0.3 and p.ew_loss["cruise"] == base.ew_loss["cruise"]
    assert p.sources["ew_loss"] == OVERRIDE_NOTE
    assert p.sources["ew_per_100km"] == base.sources["ew_per_100km"]
    city = p.terminal_kinds["city"]
    assert city.magazine == 7 and city.range_km == base.terminal_kinds["city"].range_km
    assert city.sources["magazine"] == OVERRIDE_NOTE
    own = load_ground_params(
        {"ew_per_100km": {"drone": 0.9}, "sources": {"ew_per_100km": "assumption: my report"}}
    )
    assert own.ew_per_100km["drone"] == 0.9
    assert own.sources["ew_per_100km"] == "assumption: my report"
    assert load_ground_params(None) == base == load_ground_params({})


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ({"ew_loss": {"drone": 1.5}}, "ground_defences.ew_loss.drone", "less than or equal"),
        ({"ew_loss": {"shahed": 0.1}}, "ground_defences.ew_loss", "shahed"),
        ({"area_per_100km": {"drone": -1}}, "ground_defences.area_per_100km.drone", "greater"),
        ({"area_max": {"drone": 1.5}}, "ground_defences.area_max.drone", "less than or equal"),
        ({"area_max": {"shahed": 0.5}}, "ground_defences.area_max", "shahed"),
        ({"bogus": 1}, "ground_defences.bogus", "unknown field"),
        ({"ew_per_100km": {"kinzhal": 1.0}}, "ground_defences.ew_per_100km", "only terminal"),
        ({"night_sd": {"drone": 9.0}}, "ground_defences.night_sd.drone", "less than or equal"),
        (
            {"air_defence_sites": {"p": {"range_km": 30}}},
            "ground_defences.air_defence_sites.p.position",
            "required",
        ),
        (
            {"air_defence_sites": {"patriot-kyiv": {"position": [30.5, 95.0]}}},
            "ground_defences.air_defence_sites.patriot-kyiv.position",
            "lon, lat",
        ),
        (
            {"terminal_sites": {"lviv": {"range_km": 10}}},
            "ground_defences.terminal_sites.lviv.pk",
            "required",
        ),
        (
            {"terminal_kinds": {"city": {"shots_per_threat": 0}}},
            "ground_defences.terminal_kinds.city.shots_per_threat",
            "greater",
        ),
        (
            {"terminal_kinds": {"city": {"pk": {"drone": "high"}}}},
            "ground_defences.terminal_kinds.city.pk.drone",
            "number",
        ),
        ({"sources": {"ew_loss": "because"}}, "ground_defences", "source:"),
    ],
)
def test_bad_overrides_name_the_field(
    override: dict[str, Any], field: str, words: str, tmp_path: Path
) -> None:
    """A scenario's bad ``ground_defences`` is an error of loading (so of ``scenario
    validate``), with the file, the field and the line."""
    path = tmp_path / "my.yaml"
    doc = {"name": "bad", "extends": "small", "ground_defences": override}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    problems = exc.value.problems
    assert any(pr.field == field and words in pr.message for pr in problems), problems
    assert all(pr.file == str(path) and pr.line is not None for pr in problems), problems


def test_per_threat_class_key_wins_over_category() -> None:
    got = per_threat(
        {"drone": 0.1, "lancet": 0.5},
        np.array(["shahed-136", "lancet", "kh-101", "shahed-136"]),
        np.array(["drone", "drone", "cruise", "drone"]),
    )
    np.testing.assert_array_equal(got, [0.1, 0.5, 0.0, 0.1])
    classes, categories = np.array(["shahed-136", "kh-101"]), np.array(["drone", "cruise"])
    cap = per_threat({"drone": 0.6}, classes, categories, default=1.0)
    np.testing.assert_array_equal(cap, [0.6, 1.0])  # area_max: no entry, no cap


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ctx(reference: LoadedScenario) -> RaidContext:
    return raid_context(reference)


@pytest.fixture(scope="module")
def ref(ctx: RaidContext) -> Threats:
    def no_record() -> Any:
        raise AssertionError("the record is not needed here")

    nights, _ = load_raid("reference", ctx, no_record)
    return fly(nights[0], ctx, np.random.default_rng(7))
