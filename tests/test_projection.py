"""The theatre projection against pyproj's geodesics (an independent reference): < 0.5 %."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.geo import Projection, geodesic_km

PLACES = {  # lon, lat (gazetteer positions of the shipped assets, ±0.02°)
    "Kyiv": (30.52, 50.45),
    "Lviv": (24.03, 49.84),
    "Odesa": (30.72, 46.48),
    "Rzeszow": (22.02, 50.11),
    "Kharkiv": (36.23, 49.99),
    "MK": (28.49, 44.36),
    "Rivne NPP": (25.89, 51.33),
    "Izmail": (28.83, 45.34),
}
PAIRS = [
    ("Kyiv", "Lviv"),
    ("Lviv", "Odesa"),
    ("Rzeszow", "Kyiv"),
    ("Kyiv", "Kharkiv"),
    ("MK", "Kyiv"),
    ("Rivne NPP", "Izmail"),
]
P = Projection()


def projected_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (xa, ya), (xb, yb) = P.point_km(a), P.point_km(b)
    return float(np.hypot(xb - xa, yb - ya))


def test_origin_is_49n_31e() -> None:
    x, y = P.to_km(31.0, 49.0)
    assert abs(x) < 1e-9 and abs(y) < 1e-9


def test_kyiv_lviv_is_about_470_km() -> None:
    # independent figure: the great-circle distance Kyiv-Lviv is about 468 km
    assert geodesic_km(*PLACES["Kyiv"], *PLACES["Lviv"]) == pytest.approx(468, abs=5)


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_projected_distance_within_half_percent_of_geodesic(a: str, b: str) -> None:
    g = float(geodesic_km(*PLACES[a], *PLACES[b]))
    assert abs(projected_km(PLACES[a], PLACES[b]) - g) / g < 0.005


@settings(max_examples=200, deadline=None)
@given(st.floats(14, 40), st.floats(44, 53), st.floats(14, 40), st.floats(44, 53))
def test_projected_distance_across_theatre(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> None:
    g = float(geodesic_km(lon1, lat1, lon2, lat2))
    if g < 1.0:
        return
    assert abs(projected_km((lon1, lat1), (lon2, lat2)) - g) / g < 0.005


@settings(max_examples=100, deadline=None)
@given(st.floats(12, 50), st.floats(40, 60))
def test_round_trip(lon: float, lat: float) -> None:
    x, y = P.to_km(lon, lat)
    lon2, lat2 = P.to_lonlat(x, y)
    assert lon2 == pytest.approx(lon, abs=1e-9) and lat2 == pytest.approx(lat, abs=1e-9)


def test_arrays_broadcast() -> None:
    lons = np.array([24.03, 30.52, 30.72])
    lats = np.array([49.84, 50.45, 46.48])
    x, y = P.to_km(lons, lats)
    assert x.shape == (3,) and y.shape == (3,)
    d = geodesic_km(lons, lats, 30.52, 50.45)
    assert d.shape == (3,) and d[1] == pytest.approx(0.0, abs=1e-9)
