"""GCJ-02 ↔ WGS-84 against the published test points, and GeoJSON outlines with located errors."""

from __future__ import annotations

import numpy as np
import pytest

from carbonpeak.ledgers import geo
from carbonpeak.ledgers.errors import LedgerError, LedgerProblems

# wandergis/coordtransform, test/app.js (the points every reimplementation checks against).
PUBLISHED_WGS_TO_GCJ = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
PUBLISHED_GCJ_TO_WGS_ONE_STEP = ((116.404, 39.915), (116.39775550083061, 39.91359571849836))


def test_forward_matches_the_published_point() -> None:
    (lon, lat), (elon, elat) = PUBLISHED_WGS_TO_GCJ
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    assert float(glon) == pytest.approx(elon, abs=1e-12)
    assert float(glat) == pytest.approx(elat, abs=1e-12)


def test_inverse_is_exact_and_near_the_published_one_step_inverse() -> None:
    (lon, lat), (olon, olat) = PUBLISHED_GCJ_TO_WGS_ONE_STEP
    wlon, wlat = geo.gcj02_to_wgs84(lon, lat)
    flon, flat = geo.wgs84_to_gcj02(wlon, wlat)
    assert float(flon) == pytest.approx(lon, abs=1e-9)
    assert float(flat) == pytest.approx(lat, abs=1e-9)
    # The published one-step inverse (2g − f(g)) is within a metre of the exact one (1e-5° ≈ 1 m).
    assert abs(float(wlon) - olon) < 1e-5
    assert abs(float(wlat) - olat) < 1e-5
    assert abs(float(wlon) - olon) > 0  # and they are different methods


def test_vectorized_round_trip_over_the_district() -> None:
    rng = np.random.default_rng(19)
    lon = rng.uniform(116.6, 117.3, 1000)
    lat = rng.uniform(38.6, 39.1, 1000)
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lon, lat))
    assert np.max(np.abs(back[0] - lon)) < 1e-9
    assert np.max(np.abs(back[1] - lat)) < 1e-9
    # The offset at Jinghai is a few hundred metres, as the boundary's README says.
    glon, glat = geo.wgs84_to_gcj02(116.95, 38.9)
    proj = geo.LocalProjection(116.95, 38.9)
    x, y = proj.project(glon, glat)
    assert 100 < float(np.hypot(x, y)) < 1000


def test_outside_china_there_is_no_offset() -> None:
    glon, glat = geo.wgs84_to_gcj02(2.35, 48.85)
    assert (float(glon), float(glat)) == (2.35, 48.85)


def test_crs_words() -> None:
    assert geo.parse_crs("wgs-84") == "WGS84"
    assert geo.parse_crs("GCJ-02") == "GCJ02"
    with pytest.raises(LedgerError) as info:
        geo.parse_crs("BD-09")
    assert "WGS-84 或 GCJ-02" in info.value.describe("zh-CN")


def test_outline_errors_are_located() -> None:
    with pytest.raises(LedgerProblems) as info:
        geo.read_outline(b"{not json", file="core.geojson")
    assert info.value.problems[0].file == "core.geojson"
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}}],
    }
    with pytest.raises(LedgerProblems) as info:
        geo.read_outline(doc, file="core.geojson")
    assert info.value.problems[0].field == "features[0].geometry"
    assert "Point" in info.value.problems[0].message


def test_outline_in_metres_is_refused() -> None:
    doc = {"type": "Polygon", "coordinates": [[[0, 0], [5000, 0], [5000, 5000], [0, 0]]]}
    with pytest.raises(LedgerProblems) as info:
        geo.read_outline(doc)
    assert "经纬度" in info.value.describe("zh-CN")


def test_projection_round_trip() -> None:
    proj = geo.LocalProjection(116.95, 38.9)
    x, y = proj.project([116.9, 117.0], [38.85, 38.95])
    lon, lat = proj.unproject(x, y)
    assert np.allclose(lon, [116.9, 117.0], atol=1e-9)
    assert np.allclose(lat, [38.85, 38.95], atol=1e-9)
