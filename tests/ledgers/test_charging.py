"""Charging coverage on hand-computed cases: a square district, known circles, greedy picks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Point, box

from carbonpeak.ledgers import charging, geo
from carbonpeak.ledgers.charging import PileGroup, Station

SQUARE = box(0, 0, 10_000, 10_000)  # a 10 km × 10 km district, projected metres


def test_grid_of_a_square_has_every_cell_inside() -> None:
    grid = charging.make_grid(SQUARE, None, 100)
    assert grid.x.size == 100 * 100
    assert grid.cell_area_km2 == pytest.approx(0.01)
    assert not grid.core.any()


def test_one_central_station_covers_the_inscribed_circle() -> None:
    # 5 km around the centre: the circle inscribed in the square, π·25 km² of 100 km².
    grid = charging.make_grid(SQUARE, None, 100)
    cov = charging.coverage(grid, np.array([5000.0]), np.array([5000.0]))
    assert cov.noncore_share == pytest.approx(math.pi / 4, abs=0.003)
    assert cov.core_share is None
    assert cov.uncovered_km2 == pytest.approx(100 - 25 * math.pi, abs=0.3)


def test_core_area_uses_three_km_and_the_rest_five() -> None:
    # Core: the left half. A station at (2500, 5000): its 3 km circle lies wholly in the core
    # except the part beyond x = 5000 (which is non-core and counted with 5 km there).
    core = box(0, 0, 5000, 10_000)
    grid = charging.make_grid(SQUARE, core, 50)
    cov = charging.coverage(grid, np.array([2500.0]), np.array([5000.0]))
    # Core cells within 3 km: the circle of radius 3 km clipped at x ≤ 5000 and x ≥ 0.
    exact_core = Point(2500, 5000).buffer(3000, quad_segs=256).intersection(core).area / core.area
    assert cov.core_share == pytest.approx(exact_core, abs=0.003)
    noncore = box(5000, 0, 10_000, 10_000)
    exact_non = Point(2500, 5000).buffer(5000, quad_segs=256).intersection(noncore).area / noncore.area
    assert cov.noncore_share == pytest.approx(exact_non, abs=0.003)


def test_no_station_covers_nothing_and_four_corners_cover_all() -> None:
    grid = charging.make_grid(SQUARE, None, 100)
    assert charging.coverage(grid, np.array([]), np.array([])).noncore_share == 0.0
    # Centres of the four 5 km quadrants: the farthest point of a quadrant is 2.5·√2 ≈ 3.54 km away.
    xs = np.array([2500.0, 7500.0, 2500.0, 7500.0])
    ys = np.array([2500.0, 2500.0, 7500.0, 7500.0])
    assert charging.coverage(grid, xs, ys).noncore_share == 1.0


def test_radius_is_strict_as_the_plan_says() -> None:
    grid = charging.Grid(np.array([3000.0]), np.array([0.0]), np.array([True]), 100.0)
    assert not charging.coverage(grid, np.array([0.0]), np.array([0.0])).covered[0]
    grid2 = charging.Grid(np.array([2999.0]), np.array([0.0]), np.array([True]), 100.0)
    assert charging.coverage(grid2, np.array([0.0]), np.array([0.0])).covered[0]


def test_greedy_picks_the_largest_gain_then_the_complement() -> None:
    # No stations. Candidates: A at the centre (covers π·25 km² ≈ 78.5), B at a corner (a quarter
    # circle ≈ 19.6), C at the opposite corner (≈ 19.6). The first pick is A; after A, the corners
    # each add only their part outside A's circle, equal by symmetry; B (the lower index) comes next.
    grid = charging.make_grid(SQUARE, None, 100)
    cov = charging.coverage(grid, np.array([]), np.array([]))
    cx = np.array([0.0, 5000.0, 10_000.0])
    cy = np.array([0.0, 5000.0, 10_000.0])
    picks = charging.greedy_sites(cov, cx, cy, 3)
    assert [p.index for p in picks] == [1, 0, 2]
    assert picks[0].gain_km2 == pytest.approx(25 * math.pi, abs=0.3)
    corner_outside = box(0, 0, 5000, 5000).difference(Point(5000, 5000).buffer(5000, quad_segs=256))
    corner_gain = Point(0, 0).buffer(5000, quad_segs=256).intersection(corner_outside).area / 1e6
    assert picks[1].gain_km2 == pytest.approx(corner_gain, abs=0.1)
    assert picks[2].gain_km2 == pytest.approx(picks[1].gain_km2, abs=0.05)


def test_greedy_stops_when_nothing_is_left() -> None:
    grid = charging.make_grid(SQUARE, None, 500)
    cov = charging.coverage(grid, np.array([5000.0]), np.array([5000.0]), noncore_radius_m=20_000)
    assert charging.greedy_sites(cov, np.array([0.0]), np.array([0.0]), 3) == []


def test_public_piles_count_only_public_and_commissioned() -> None:
    piles = (PileGroup(count=4, power_kw=60, current="DC"), PileGroup(count=6, power_kw=7, current="AC"))
    import datetime as dt

    stations = [
        Station(id="a", name="A", lon=116.9, lat=38.9, piles=piles, commissioned=dt.date(2023, 5, 1)),
        Station(id="b", name="B", lon=116.9, lat=38.9, piles=piles, public=False),
        Station(id="c", name="C", lon=116.9, lat=38.9, piles=piles, commissioned=dt.date(2025, 1, 1)),
    ]
    assert stations[0].pile_count == 10
    assert stations[0].power_kw == 4 * 60 + 6 * 7
    assert charging.public_piles(stations) == 20
    assert charging.public_piles(stations, year=2024) == 10


def test_flexible_capacity_only_for_pilot_stations() -> None:
    with pytest.raises(ValueError, match="pilot"):
        Station(id="a", name="A", lon=116.9, lat=38.9, flexible_kw=100)
    assert Station(id="a", name="A", lon=116.9, lat=38.9, in_pilot=True, flexible_kw=100).flexible_kw == 100


def test_analyse_in_lonlat_matches_the_projected_case() -> None:
    # A 0.1° square near Jinghai, one station at its centre with 5 km: the shares agree with the
    # exact circle-in-square area on the local equal-area plane.
    square = box(116.9, 38.85, 117.0, 38.95)
    st = Station(id="s", name="S", lon=116.95, lat=38.90)
    result = charging.analyse([st], square, None, cell_m=100, proposals=0)
    proj = result.projection
    exact = proj.project_geometry(square)
    sx, sy = proj.project(116.95, 38.90)
    circle = Point(float(sx), float(sy)).buffer(5000, quad_segs=256).intersection(exact)
    assert result.coverage.noncore_share == pytest.approx(circle.area / exact.area, abs=0.004)
    assert result.coverage.area_km2 == pytest.approx(exact.area / 1e6, rel=0.01)


def test_gcj_stations_are_converted_before_measuring() -> None:
    wlon, wlat = 116.95, 38.90
    glon, glat = geo.wgs84_to_gcj02(wlon, wlat)
    a = Station(id="w", name="W", lon=wlon, lat=wlat)
    g = Station(id="g", name="G", lon=float(glon), lat=float(glat), crs="GCJ02")
    lon, lat = charging.wgs84_points([a, g])
    assert lon[1] == pytest.approx(wlon, abs=1e-8)
    assert lat[1] == pytest.approx(wlat, abs=1e-8)


def test_shipped_boundary_is_jinghai_and_labelled_approximate() -> None:
    outline = geo.shipped_boundary()
    assert outline.approximate
    assert "近似" in outline.label_zh
    proj = geo.LocalProjection(round(outline.geometry.centroid.x, 4), round(outline.geometry.centroid.y, 4))
    area_km2 = proj.project_geometry(outline.geometry).area / 1e6
    assert area_km2 == pytest.approx(1475.68, rel=0.01)  # official 1,475.68 km²


def test_tree_distances_equal_brute_force() -> None:
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 10_000, 3000), rng.uniform(0, 10_000, 3000)
    sx, sy = rng.uniform(0, 10_000, 50), rng.uniform(0, 10_000, 50)
    assert np.allclose(charging.nearest_distance(x, y, sx, sy), charging.nearest_distance_numpy(x, y, sx, sy))
