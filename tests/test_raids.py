"""Raids: the built-in reference, routes and their invariants, raid files."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.ops import unary_union

from skyshield.errors import InputError
from skyshield.raids import RaidContext, Threats, fly, load_raid, raid_context, write_raid_file
from skyshield.raids.fly import NATO_IN_THEATRE
from skyshield.raids.routes import NoRoute, RouteRules, _replaced, draw_route
from skyshield.scenario import LoadedScenario


def no_record() -> None:
    raise AssertionError("the record is not needed here")


@pytest.fixture(scope="module")
def ctx(reference: LoadedScenario) -> RaidContext:
    return raid_context(reference)


@pytest.fixture(scope="module")
def ref_threats(ctx: RaidContext) -> Threats:
    nights, _ = load_raid("reference", ctx, no_record)  # type: ignore[arg-type]
    return fly(nights[0], ctx, np.random.default_rng(7))


def test_reference_raid_is_design_section_7(ref_threats: Threats) -> None:
    classes, counts = np.unique(ref_threats.class_id, return_counts=True)
    got = dict(zip(classes.tolist(), counts.tolist(), strict=True))
    assert got == {"shahed-136": 810, "kh-101": 30, "kalibr": 10, "iskander-m": 10}
    assert set(ref_threats.launch_area[ref_threats.class_id == "kh-101"]) == {"engels"}
    assert set(ref_threats.launch_area[ref_threats.class_id == "kalibr"]) == {"black-sea"}
    launch_h = ref_threats.launch_time_s / 3600
    assert launch_h.min() >= 0 and launch_h.max() <= 12  # launched over about 12 hours


def test_routes_start_in_launch_area_and_end_at_aim(ctx: RaidContext, ref_threats: Threats) -> None:
    t, proj = ref_threats, ctx.theatre.projection
    first, last = t.offsets[:-1], t.offsets[1:] - 1
    for i in range(len(t)):
        area = ctx.launch_areas[str(t.launch_area[i])]
        cx, cy = proj.point_km(area.position)
        assert np.hypot(t.x_km[first[i]] - cx, t.y_km[first[i]] - cy) <= area.radius_km + 1e-6
        if t.aim_kind[i] == "asset":
            asset = next(a for a in ctx.assets if a.id == t.aim_id[i])
            ax, ay = proj.point_km(asset.position)
            assert (t.x_km[last[i]], t.y_km[last[i]]) == pytest.approx((ax, ay))
    assert t.legs.min() >= 1 and t.legs.max() <= 5


def test_speeds_within_class_bounds_and_times_consistent(
    ctx: RaidContext, ref_threats: Threats
) -> None:
    t = ref_threats
    for i in range(len(t)):
        tc = ctx.catalog.threats[str(t.class_id[i])]
        assert tc.speed_min_kmh <= t.speed_kmh[i] <= tc.speed_max_kmh
        sl = slice(t.offsets[i], t.offsets[i + 1])
        seg_km = np.hypot(np.diff(t.x_km[sl]), np.diff(t.y_km[sl]))
        dt_h = np.diff(t.t_s[sl]) / 3600
        assert np.all(dt_h >= 0)
        assert seg_km == pytest.approx(t.speed_kmh[i] * dt_h, rel=1e-9, abs=1e-9)
    assert t.path_km() == pytest.approx((t.arrival_time_s - t.launch_time_s) / 3600 * t.speed_kmh)


@pytest.mark.parametrize("seed", [7, 11, 12])
def test_no_route_crosses_nato_territory(ctx: RaidContext, seed: int) -> None:
    # Routes fly straight legs in the projection.  Check independently of the km geometry the
    # engine uses: sample every leg each 2 km, map the points back to degrees, and test them
    # against the shipped borders of the NATO states in degrees.
    nato = unary_union(
        [shapely.make_valid(ctx.theatre.countries[c].geometry) for c in NATO_IN_THEATRE]
    )
    shapely.prepare(nato)
    nights, _ = load_raid("reference", ctx, no_record)  # type: ignore[arg-type]
    t, proj = fly(nights[0], ctx, np.random.default_rng(seed)), ctx.theatre.projection
    xs, ys = [], []
    for i in range(len(t)):
        px, py = t.x_km[t.offsets[i] : t.offsets[i + 1]], t.y_km[t.offsets[i] : t.offsets[i + 1]]
        for k in range(len(px) - 1):
            n = max(int(np.hypot(px[k + 1] - px[k], py[k + 1] - py[k]) / 2.0), 1)
            f = np.linspace(0.0, 1.0, n + 1)
            xs.append(px[k] + f * (px[k + 1] - px[k]))
            ys.append(py[k] + f * (py[k + 1] - py[k]))
    lon, lat = proj.to_lonlat(np.concatenate(xs), np.concatenate(ys))
    assert int(shapely.contains_xy(nato, lon, lat).sum()) == 0


def test_same_seed_same_routes_other_seed_other_routes(ctx: RaidContext) -> None:
    nights, _ = load_raid("reference", ctx, no_record)  # type: ignore[arg-type]
    a = fly(nights[0], ctx, np.random.default_rng(3))
    b = fly(nights[0], ctx, np.random.default_rng(3))
    c = fly(nights[0], ctx, np.random.default_rng(4))
    for field in ("x_km", "y_km", "t_s", "speed_kmh"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x_km, c.x_km) or not np.array_equal(a.offsets, c.offsets)


def test_a_copy_of_the_context_with_another_asset_share_aims_by_its_own(ctx: RaidContext) -> None:
    """A group's aim choices are worked out once, but a copy of the context with other inputs
    (as the uncertainty study makes for each replication) gets its own, never the first's."""
    nights, _ = load_raid("reference", ctx, no_record)  # type: ignore[arg-type]
    fly(nights[0], ctx, np.random.default_rng(3))  # the first context's choices are known
    kinds = {}
    for share in (0.0, 1.0):
        other = copy.copy(ctx)
        other.asset_share = share
        kinds[share] = set(fly(nights[0], other, np.random.default_rng(3)).aim_kind.tolist())
    assert "asset" not in kinds[0.0] and "region" in kinds[0.0]
    assert kinds[1.0] == {"asset"}


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-300, 700),
    st.floats(-400, 500),
    st.floats(-500, 300),
    st.floats(-300, 300),
    st.sampled_from(["drone", "cruise", "ballistic"]),
    st.integers(0, 2**32 - 1),
)
def test_draw_route_properties(
    sx: float, sy: float, ax: float, ay: float, cat: str, seed: int
) -> None:
    rules = RouteRules(forbidden_km=None, safe_point_km=(-200.0, 100.0))
    start, aim = np.array([sx, sy]), np.array([ax, ay])
    pts = draw_route(start, aim, cat, rules, np.random.default_rng(seed))
    assert np.array_equal(pts[0], start) and np.array_equal(pts[-1], aim)
    assert np.all(np.isfinite(pts))
    if cat == "ballistic":
        assert len(pts) == 2


def test_cruise_missiles_turn_around_avoid_areas() -> None:
    # a straight 1000 km route along y = 0 and a defended circle of 50 km radius on its path
    rules = RouteRules(forbidden_km=None, safe_point_km=(0.0, 0.0), avoid_km=((500.0, 0.0, 50.0),))
    start, aim = np.array([0.0, 0.0]), np.array([1000.0, 0.0])
    for seed in range(20):
        pts = draw_route(start, aim, "cruise", rules, np.random.default_rng(seed))
        line = shapely.LineString(pts)
        assert line.distance(shapely.Point(500, 0)) >= 50 * 0.999 or not line.intersects(
            shapely.Point(500, 0).buffer(45)
        )


def test_raid_file_round_trip(ctx: RaidContext, tmp_path: Path) -> None:
    nights, _ = load_raid("reference", ctx, no_record)  # type: ignore[arg-type]
    out = tmp_path / "raid.yaml"
    write_raid_file(nights, out)
    again, origin = load_raid(str(out), ctx, no_record)  # type: ignore[arg-type]
    assert origin == str(out) and again == nights


def test_bad_raid_file_names_line_and_field(ctx: RaidContext, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "nights:\n  - name: x\n    start: 2025-06-08T20:00:00+03:00\n    groups:\n"
        "      - {threat: shahed-136, count: -5, launch_area: kursk}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_raid(str(bad), ctx, no_record)  # type: ignore[arg-type]
    [p] = exc.value.problems
    assert p.line == 5 and p.field == "nights[0].groups[0].count"


def test_unknown_class_and_area_are_reported(ctx: RaidContext, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "nights:\n  - name: x\n    start: 2025-06-08T20:00:00+03:00\n    groups:\n"
        "      - {threat: shahed-999, count: 5, launch_area: atlantis}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_raid(str(bad), ctx, no_record)  # type: ignore[arg-type]
    msgs = " ".join(p.message for p in exc.value.problems)
    assert "unknown threat class 'shahed-999'" in msgs and "unknown launch area 'atlantis'" in msgs


def test_no_route_is_an_error_not_a_violation() -> None:
    wall = shapely.box(400, -1000, 600, 1000)  # forbidden strip between start and aim
    rules = RouteRules(forbidden_km=wall, safe_point_km=(500.0, 0.0), anchors_km=((300.0, 0.0),))
    with pytest.raises(NoRoute):
        draw_route(
            np.array([0.0, 0.0]), np.array([1000.0, 0.0]), "drone", rules, np.random.default_rng(0)
        )


def test_redrawn_routes_are_spliced_in_place() -> None:
    """Routes 0 and 2 of three (2, 3 and 2 waypoints) replaced by routes of 1 and 3 waypoints:
    route 1 is kept whole between them."""
    counts = np.array([2, 3, 2])
    points = np.arange(14, dtype=float).reshape(7, 2)
    first, last = np.array([[-1.0, -1.0]]), np.full((3, 2), 9.0)
    new_counts, new_points = _replaced(counts, points, {2: last, 0: first})
    assert new_counts.tolist() == [1, 3, 3]
    assert new_points.tolist() == [[-1, -1], [4, 5], [6, 7], [8, 9], [9, 9], [9, 9], [9, 9]]
    assert counts.tolist() == [2, 3, 2]  # the input is left as it was
