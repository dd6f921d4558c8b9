"""Patrol and engagement zones against independent distance checks."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from skyshield.geo import Theatre, TheatreConfig, geodesic_km

LVIV, RIVNE_NPP, KHARKIV = (24.03, 49.84), (25.89, 51.33), (36.23, 49.99)
KYIV, ODESA, SUNPP = (30.52, 50.45), (30.72, 46.48), (31.22, 47.81)
# east of Kyiv, on the approach from Chernihiv and Sumy: Brovary, Nizhyn, Pryluky
KYIV_EAST = [(30.79, 50.51), (31.88, 51.05), (32.39, 50.59)]


@pytest.fixture(scope="module")
def theatre() -> Theatre:
    return Theatre()


def hostile_vertices_lonlat(th: Theatre) -> np.ndarray:
    """Every vertex of the hostile areas' outlines, degrees (for geodesic distances)."""
    coords = shapely.get_coordinates(shapely.boundary(th.to_lonlat(th.hostile_km)))
    return np.asarray(coords)


def geodesic_to_hostile_km(th: Theatre, lonlat: tuple[float, float], verts: np.ndarray) -> float:
    return float(geodesic_km(lonlat[0], lonlat[1], verts[:, 0], verts[:, 1]).min())


def test_patrol_zone_contains_lviv_and_rivne(theatre: Theatre) -> None:
    assert theatre.in_patrol_zone(LVIV)
    assert theatre.in_patrol_zone(RIVNE_NPP)


def test_patrol_zone_excludes_kharkiv_and_kyiv_east(theatre: Theatre) -> None:
    assert not theatre.in_patrol_zone(KHARKIV)
    verts = hostile_vertices_lonlat(theatre)
    for p in KYIV_EAST:
        # excluded exactly when the standoff implies it: within 200 km of hostile territory
        d = geodesic_to_hostile_km(theatre, p, verts)
        assert d < 200
        assert not theatre.in_patrol_zone(p)


@pytest.mark.slow
def test_membership_agrees_with_geodesic_distance(theatre: Theatre) -> None:
    """For a grid of points in Ukraine, in-zone iff the geodesic distance is >= 200 km (±1 %)."""
    verts = hostile_vertices_lonlat(theatre)
    ukraine = theatre.countries["UKR"].geometry
    checked = 0
    for lon in np.arange(22.5, 40.0, 0.75):
        for lat in np.arange(44.5, 52.5, 0.5):
            p = (float(lon), float(lat))
            if not ukraine.contains(shapely.Point(p)):
                continue
            d = geodesic_to_hostile_km(theatre, p, verts)
            if abs(d - 200) < 2:  # too close to call at the projection's accuracy
                continue
            assert theatre.in_patrol_zone(p) == (d >= 200), (p, d)
            checked += 1
    assert checked > 100


def test_boundary_keeps_the_standoff(theatre: Theatre) -> None:
    zone = theatre.patrol_zone_km
    boundary = zone.boundary
    pts = [boundary.interpolate(f, normalized=True) for f in np.linspace(0, 1, 600)]
    dists = np.array([theatre.hostile_km.distance(p) for p in pts])
    assert dists.min() >= 200 - 0.1, dists.min()
    verts = hostile_vertices_lonlat(theatre)
    lonlat = [theatre.projection.to_lonlat(p.x, p.y) for p in pts[::20]]
    geo = [geodesic_to_hostile_km(theatre, (float(x), float(y)), verts) for x, y in lonlat]
    assert min(geo) >= 200 * (1 - 0.005)


def test_engagement_zone_contains_patrol_zone(theatre: Theatre) -> None:
    assert theatre.engagement_zone_km.buffer(1e-6).covers(theatre.patrol_zone_km)
    assert theatre.engagement_zone_km.area > theatre.patrol_zone_km.area


def test_strict_standoff_leaves_odesa_and_south_ukraine_npp_outside(theatre: Theatre) -> None:
    # the Kinburn spit is ~60 km from Odesa, the left bank 140-175 km from SUNPP (data/geo/README.md)
    assert 50 < theatre.distance_to_hostile_km(ODESA) < 70
    assert 130 < theatre.distance_to_hostile_km(SUNPP) < 180
    assert not theatre.in_patrol_zone(ODESA)
    assert not theatre.in_engagement_zone(ODESA)
    assert not theatre.in_patrol_zone(SUNPP)


def test_belarus_as_hostile_leaves_kyiv_outside() -> None:
    default = Theatre()
    with_blr = Theatre(TheatreConfig(hostile=("RUS", "BLR", "occupied")))
    assert with_blr.distance_to_hostile_km(KYIV) < 100
    assert not with_blr.in_patrol_zone(KYIV)
    assert with_blr.patrol_zone_km.area < default.patrol_zone_km.area


def test_zero_standoff_is_free_ukraine(theatre: Theatre) -> None:
    th = Theatre(TheatreConfig(patrol_standoff_km=0, engage_standoff_km=0))
    free = theatre.ukraine_km.difference(theatre.hostile_km)
    assert th.patrol_zone_km.area == pytest.approx(free.area, rel=0.01)
