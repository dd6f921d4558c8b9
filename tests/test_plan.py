"""The whole-plan force generation on the built-in scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from skyshield.forces import plan_forces, station_requirement
from skyshield.forces.plan import _pools
from skyshield.scenario import LoadedScenario


def test_reference_headline(reference: LoadedScenario) -> None:
    # Regression on the reference plan (docs and README quote it): 7 of 8 stations with all
    # 120 jets, tanker fuel the binding limit.
    plan = plan_forces(reference)
    t = plan.totals()
    assert plan.stations_held == 7 and t["stations"] == 8
    assert t["aircraft_committed"] == pytest.approx(120.0, abs=0.05)
    assert t["tanker_fuel_used_t_per_day"] == pytest.approx(t["tanker_fuel_capacity_t_per_day"])
    assert bool(plan.stations.set_index("station").loc["kyiv-west", "held"])  # the capital first


def test_rows_follow_the_closed_form(reference: LoadedScenario) -> None:
    plan = plan_forces(reference)
    pools = {(p.nation, p.type, p.base): p for p in _pools(reference)}
    for r in plan.assignments.itertuples(index=False):
        pool = pools[(r.nation, r.type, r.base)]
        params = pool.wet_params if r.refuelled else pool.params
        assert params is not None
        req = station_requirement(params, r.transit_km, r.on_station)
        assert r.aircraft == pytest.approx(req.aircraft)
        assert r.sorties_per_day == pytest.approx(req.sorties_per_day)
        assert r.cost_per_day_usd == pytest.approx(req.cost_per_day_usd)


def test_invariants(reference: LoadedScenario) -> None:
    plan = plan_forces(reference)
    po, st, a = plan.pools, plan.stations, plan.assignments
    assert np.all(po["used"] <= po["pledged"] + 1e-6)
    assert np.all(st["on_station_held"] <= st["on_station_required"] + 1e-6)
    engage = reference.scenario.theatre.engage_standoff_km
    assert np.all(a["transit_closest_hostile_km"] >= engage)  # no fighter enters the standoff
    assert (po["used"].sum() + po["spare"].sum()) == pytest.approx(120)
    # by base, type and nation add up to the same totals
    for key in ("base", "type", "nation"):
        assert plan.by(key)["cost_per_day_usd"].sum() == pytest.approx(po["cost_per_day_usd"].sum())


def test_tanker_capacity_is_a_give_rate_on_track(reference: LoadedScenario) -> None:
    # A330 MRTT: 65 t to give after 2 h transit, 10 h endurance -> 65 / 6 t an hour on track;
    # 24 h covered -> 260 t a day, whatever the track's own transit time.
    plan = plan_forces(reference)
    tanker = plan.support[plan.support.kind == "tanker"].iloc[0]
    assert tanker["capacity_t_per_day"] == pytest.approx(24 * 65 / 6)
    # 24 h on track with 6 h on track per sortie (2 h transit each way): 4 sorties of 10 h
    assert tanker["flight_hours_per_day"] == pytest.approx(40.0)


def test_small_plan_holds_both_stations(small: LoadedScenario) -> None:
    plan = plan_forces(small)
    assert plan.stations_held == 2
    assert plan.shortfalls == []
