"""Sortie generation: hand-computed cases, the inverse, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skyshield.forces import SortieParams, on_station_sustained, station_requirement
from skyshield.forces.sortie import OutOfReach, aircraft_per_on_station

JET = SortieParams(
    cruise_speed_kmh=850.0,
    endurance_h=3.0,
    reserve_h=0.4,
    turnaround_h=2.0,
    mission_capable_rate=0.8,
    max_sorties_per_day=4,
    cost_per_flight_hour_usd=20_000.0,
)


def test_case_1_turnaround_bound() -> None:
    # d = 340 km at 850 km/h: 0.4 h each way.  T_os = 3.0 - 0.8 - 0.4 = 1.8 h.
    # n = 2: S = 24 * 2 / 1.8 = 26.667 sorties/day.  T_s = 1.8 + 0.8 = 2.6 h.
    # cycle = T_s + T_t = 4.6 h >= 24 / 4 = 6 h? No: 4.6 < 6, so the sortie limit binds:
    # A = S * 6 / (24 * 0.8) = 26.667 * 6 / 19.2 = 8.3333.
    r = station_requirement(JET, 340.0, 2)
    assert r.time_on_station_h == pytest.approx(1.8)
    assert r.sorties_per_day == pytest.approx(26.6667, rel=1e-4)
    assert r.sortie_h == pytest.approx(2.6)
    assert r.limited_by == "sortie_limit"
    assert r.aircraft == pytest.approx(8.3333, rel=1e-4)
    # flight hours = 26.667 * 2.6 = 69.333; cost = 69.333 * 20,000 = 1,386,667 USD
    assert r.flight_hours_per_day == pytest.approx(69.3333, rel=1e-4)
    assert r.cost_per_day_usd == pytest.approx(1_386_667, rel=1e-4)


def test_case_2_turnaround_binds() -> None:
    # Same jet with a 4 h turnaround, d = 170 km: 0.2 h each way.  T_os = 3.0 - 0.4 - 0.4 = 2.2.
    # n = 1: S = 24 / 2.2 = 10.909.  T_s = 2.6 h, cycle = 2.6 + 4 = 6.6 h > 6 h (turnaround binds).
    # A = 10.909 * 6.6 / 19.2 = 3.75.
    p = SortieParams(850.0, 3.0, 0.4, 4.0, 0.8, 4)
    r = station_requirement(p, 170.0, 1)
    assert r.time_on_station_h == pytest.approx(2.2)
    assert r.sorties_per_day == pytest.approx(10.9091, rel=1e-4)
    assert r.limited_by == "turnaround"
    assert r.aircraft == pytest.approx(3.75)


def test_case_3_air_refuelling_adds_time_on_station() -> None:
    # d = 595 km: 0.7 h each way.  Without tanker T_os = 3.0 - 1.4 - 0.4 = 1.2 h;
    # with one refuelling adding 1.5 h, T_os = 2.7 h, T_s = 4.1 h, cycle = 6.1 h (turnaround).
    # n = 4: S = 96 / 2.7 = 35.556; A = 35.556 * 6.1 / 19.2 = 11.296.
    dry = station_requirement(JET, 595.0, 4)
    wet = station_requirement(SortieParams(**{**JET.__dict__, "refuel_added_h": 1.5}), 595.0, 4)
    assert dry.time_on_station_h == pytest.approx(1.2)
    assert wet.time_on_station_h == pytest.approx(2.7)
    assert wet.sortie_h == pytest.approx(4.1)
    assert wet.limited_by == "turnaround"
    assert wet.aircraft == pytest.approx(11.2963, rel=1e-4)
    # without the tanker: S = 96 / 1.2 = 80; sortie limit binds (2.6 + 2 = 4.6 < 6): A = 80 * 6 / 19.2 = 25
    assert dry.aircraft == pytest.approx(25.0)


def test_out_of_reach() -> None:
    # T_os = 3.0 - 2 * 1200 / 850 - 0.4 = -0.224 h < 0
    with pytest.raises(OutOfReach):
        station_requirement(JET, 1200.0, 2)
    assert on_station_sustained(JET, 1200.0, 50) == 0.0


@given(st.floats(0, 1000), st.floats(0.1, 8))
def test_inverse_is_consistent_with_forward(d: float, n: float) -> None:
    if JET.time_on_station_h(d) <= 0:
        return
    a = station_requirement(JET, d, n).aircraft
    assert on_station_sustained(JET, d, a) == pytest.approx(n, rel=1e-9)


@given(st.floats(0, 900), st.floats(0, 900))
def test_farther_stations_never_need_fewer_aircraft(d1: float, d2: float) -> None:
    near, far = sorted((d1, d2))
    assert aircraft_per_on_station(JET, far) >= aircraft_per_on_station(JET, near)
