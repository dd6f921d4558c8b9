"""CAP placement: the MILP against brute force, greedy, the geometry, the CLI."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.cli.main import main
from skyshield.forces import plan_forces
from skyshield.placement import (
    CapPlacement,
    Settings,
    Supply,
    coverage,
    covered_value,
    greedy_placement,
    grid_candidates,
    max_stations,
    place_caps,
    solve_placement,
)
from skyshield.placement.candidates import farthest_points
from skyshield.placement.paths import PathSample
from skyshield.raids import load_raid, raid_context
from skyshield.scenario import LoadedScenario, load_scenario


def brute_force(
    cover: np.ndarray, value: np.ndarray, k: int, cost: np.ndarray, budget: float, q: float
) -> float:
    """Best expected value over every set of at most ``k`` candidates within the budget."""
    n = cover.shape[1]
    best = 0.0
    for r in range(1, k + 1):
        for s in itertools.combinations(range(n), r):
            if cost[list(s)].sum() <= budget + 1e-9:
                best = max(best, covered_value(cover, value, list(s), q))
    return best


def test_milp_equals_brute_force_on_a_small_instance() -> None:
    rng = np.random.default_rng(5)
    cover = rng.random((60, 10)) < 0.25
    value = rng.integers(1, 6, 60).astype(float)
    cost = rng.uniform(1.0, 4.0, 10)
    supply = Supply.budget(cost, 7.0)
    for q in (1.0, 0.5):
        best = brute_force(cover, value, 3, cost, 7.0, q)
        got = solve_placement(cover, value, 3, supply, q)
        assert got.objective == pytest.approx(best, rel=1e-9)
        assert got.gap == 0.0
        assert cost[got.stations].sum() <= 7.0 + 1e-9
        assert greedy_placement(cover, value, 3, supply, q).objective <= got.objective + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_paths=st.integers(1, 25),
    n_cand=st.integers(1, 7),
    k=st.integers(1, 4),
    q=st.sampled_from([1.0, 0.5, 0.3]),
    budget=st.floats(0.5, 12.0),
)
def test_milp_matches_brute_force_on_random_instances(
    seed: int, n_paths: int, n_cand: int, k: int, q: float, budget: float
) -> None:
    rng = np.random.default_rng(seed)
    cover = rng.random((n_paths, n_cand)) < rng.uniform(0.1, 0.9)
    value = rng.choice([0.0, 1.0, 2.0, 3.5, 10.0], n_paths)
    cost = np.where(rng.random(n_cand) < 0.15, math.inf, rng.uniform(1.0, 5.0, n_cand))
    supply = Supply.budget(cost, budget)
    got = solve_placement(cover, value, k, supply, q)
    assert got.objective == pytest.approx(brute_force(cover, value, k, cost, budget, q), abs=1e-7)
    assert len(got.stations) <= k
    assert cost[got.stations].sum() <= budget + 1e-9
    g = greedy_placement(cover, value, k, supply, q)
    assert g.objective <= got.objective + 1e-7
    assert cost[g.stations].sum() <= budget + 1e-9


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4))
def test_greedy_is_within_1_minus_1_over_e_without_a_budget(seed: int, k: int) -> None:
    """Maximum coverage under a cardinality constraint: greedy >= (1 - 1/e) optimum."""
    rng = np.random.default_rng(seed)
    cover = rng.random((30, 8)) < 0.3
    value = rng.uniform(0.0, 5.0, 30)
    supply = Supply.budget(np.ones(8), 100.0)
    best = solve_placement(cover, value, k, supply).objective
    assert greedy_placement(cover, value, k, supply).objective >= (1 - 1 / math.e) * best - 1e-9


def test_covered_value_by_hand() -> None:
    cover = np.array([[1, 1], [1, 0], [0, 0]], dtype=bool)
    value = np.array([4.0, 2.0, 9.0])
    assert covered_value(cover, value, [0, 1], 1.0) == 6.0
    # path 0 is covered twice: 4 (1 - 0.5^2) = 3; path 1 once: 2 x 0.5 = 1
    assert covered_value(cover, value, [0, 1], 0.5) == pytest.approx(4.0)
    assert covered_value(cover, value, [], 0.5) == 0.0


def test_pools_limit_the_stations() -> None:
    """Two candidates, each holdable from its own pool only; the pool of the better one is too
    small for two stations, so K = 2 picks one station at each."""
    cover = np.array([[1, 0], [1, 0], [0, 1]], dtype=bool)
    value = np.array([5.0, 5.0, 1.0])
    supply = Supply(
        candidates=3,
        candidate=np.array([0, 1, 2]),
        pool=np.array([0, 1, 0]),
        cost=np.array([3.0, 4.0, 3.0]),
        fuel_t=np.zeros(3),
        pool_aircraft=np.array([6.0, 8.0]),
        on_station=2.0,
    )
    cover3 = np.column_stack([cover, cover[:, 0]])
    got = solve_placement(cover3, value, 2, supply)
    assert got.stations == [0, 1]  # 0 and 2 would need 12 aircraft of pool 0's 6
    assert got.objective == 11.0
    assert max_stations(supply) == 2
    assert supply.min_aircraft([0, 1]) == pytest.approx(14.0)
    assert supply.min_aircraft([0, 2]) is None


def test_farthest_points_spread() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [5.0, 0.0]])
    assert farthest_points(pts, 2, np.array([0.2, 0.0])).tolist() == [0, 2]
    assert farthest_points(pts, 9, np.zeros(2)).tolist() == [0, 1, 2, 3]


def test_grid_candidates_lie_in_the_patrol_zone(reference: LoadedScenario) -> None:
    th = reference.theatre
    cands = grid_candidates(th, 60.0, 40)
    assert 0 < len(cands) <= 40
    assert all(th.in_patrol_zone(tuple(p)) for p in cands.lonlat)
    d = np.hypot(*(cands.km[:, None, :] - cands.km[None, :, :]).transpose(2, 0, 1))
    assert d[np.triu_indices(len(cands), 1)].min() >= 60.0 - 1.0  # grid spacing, rounding


def _one_path(xy: list[tuple[float, float]]) -> PathSample:
    a = np.asarray(xy, dtype=float)
    return PathSample(
        np.array(["x"]),
        np.array(["drone"]),
        np.array(["a"]),
        np.array([1.0]),
        np.array([0, len(a)]),
        a[:, 0].copy(),
        a[:, 1].copy(),
        1,
        1,
    )


def test_coverage_counts_only_the_part_inside_the_zone() -> None:
    import shapely

    zone = shapely.box(0.0, 0.0, 100.0, 100.0)
    path = _one_path([(-300.0, 50.0), (50.0, 50.0)])  # enters the zone at x = 0
    stations = np.array([[-100.0, 50.0], [0.0, -60.0], [50.0, 130.0]])
    # the first is 100 km from the zone's part (the route outside passes under it), the
    # second 110 km from its entry point, the third 80 km north of the route's end
    got = coverage(path, stations, np.array([99.0]), zone)
    assert got.tolist() == [[False, False, True]]
    assert coverage(path, stations, np.array([100.0]), zone).tolist() == [[True, False, True]]


@pytest.fixture(scope="module")
def placed(reference: LoadedScenario) -> tuple[LoadedScenario, CapPlacement]:
    nights, _ = load_raid("reference", raid_context(reference), pd.DataFrame)
    s = Settings(stations=4, paths=300, spacing_km=80.0, rel_gap=0.0, seed=3)
    return reference, place_caps(reference, nights[0], s)


def test_reference_milp_is_at_least_as_good_as_greedy(
    placed: tuple[LoadedScenario, CapPlacement],
) -> None:
    _, r = placed
    assert r.best.gap == 0.0
    assert len(r.best.stations) == 4
    assert r.best.objective >= r.greedy.objective - 1e-9
    assert r.best.objective <= r.coverable_value + 1e-9
    # ballistic missiles are never covered; drones and cruise missiles reach = dash + weapon
    assert r.reach_km["iskander-m"] == -math.inf
    assert r.reach_km["shahed-136"] > 250.0
    assert r.supply.min_aircraft(r.best.stations) is not None


def test_written_scenario_loads_and_its_force_plan_holds_every_station(
    placed: tuple[LoadedScenario, CapPlacement], tmp_path: Path
) -> None:
    from skyshield.placement import write_scenario

    ls, r = placed
    out = tmp_path / "sub" / "placed.yaml"
    back = write_scenario(ls, r, out)
    data = yaml.safe_load(out.read_text())
    assert data["extends"] == "reference"
    assert [s.id for s in back.scenario.cap.stations] == ["cap-1", "cap-2", "cap-3", "cap-4"]
    assert back.scenario.coalition.total_aircraft == ls.scenario.coalition.total_aircraft
    plan = plan_forces(back)
    assert plan.stations_held == 4


@pytest.mark.slow
def test_cli_plan_caps_writes_scenario_and_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "mine.yaml"
    src.write_text("name: mine\nextends: small\n")
    out, png = tmp_path / "o" / "caps.yaml", tmp_path / "caps.png"
    code = main(
        [
            "plan",
            "caps",
            str(src),
            "--stations",
            "2",
            "--aircraft",
            "1",
            "--paths",
            "200",
            "--spacing-km",
            "80",
            "--out",
            str(out),
            "--map",
            str(png),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "MILP" in text and "greedy" in text and "gap" in text
    assert "the force plan holds 2 of 2 stations" in text
    written = yaml.safe_load(out.read_text())  # whole: a scenario may not extend ../mine.yaml
    assert "extends" not in written and written["coalition"]["members"]
    assert load_scenario(out).scenario.name == "mine-caps"
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--stations", "0"], "--stations: expected at least 1"),
        (["--stations", "500", "--spacing-km", "100"], "only"),
        (["--stations", "2", "--raid", "no-such-raid"], "no such raid"),
        (["--stations", "2", "--engage-prob", "1.5"], "--engage-prob"),
        (["--stations", "2", "--map", "x.txt"], "--map"),
    ],
)
def test_cli_plan_caps_bad_input_exits_2(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "caps", "small", "--paths", "50", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_aircraft_per_station_defaults_to_the_scenarios_usual_number() -> None:
    """Chosen stations are compared like for like: reference stations have 2 (Kyiv 4)."""
    from skyshield.cli.plan import _usual_aircraft

    assert _usual_aircraft(load_scenario("reference").scenario.cap.stations) == 2
    assert _usual_aircraft([]) == 2
