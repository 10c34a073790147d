"""Coordinates and outlines for the charging ledger: GCJ-02 ↔ WGS-84, a local equal-area projection
(pyproj), GeoJSON outlines read into shapely geometry. Vectorized over NumPy arrays throughout.

GCJ-02 is the offset coordinate system of Chinese web maps; its constants and the published test
points are in ``data/energy.yaml`` (``gcj02``) with their source."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np
import pyproj
import shapely
import yaml
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from carbonpeak.ledgers.errors import LedgerError, LedgerProblems, Problem

Crs = Literal["WGS84", "GCJ02"]
CRS_LABELS: dict[str, str] = {"WGS84": "WGS-84", "GCJ02": "GCJ-02"}
Floats = NDArray[np.float64]


@functools.cache
def energy_reference() -> dict[str, Any]:
    """The rules and lists of ``data/energy.yaml`` (storage rule, charging targets, GCJ-02 constants)."""
    text = resources.files("carbonpeak.ledgers").joinpath("data/energy.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def parse_crs(text: str) -> Crs:
    key = text.strip().upper().replace("-", "").replace("_", "")
    if key in ("WGS84", "GPS"):
        return "WGS84"
    if key in ("GCJ02", "火星坐标", "国测局"):
        return "GCJ02"
    raise LedgerError(
        f"坐标系“{text}”无法识别，应为 WGS-84 或 GCJ-02",
        message_en=f"coordinate system {text!r}: expected WGS-84 or GCJ-02",
    )


def _offset(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    """The GCJ-02 offset (degrees) at WGS-84 ``lon``/``lat``; zero outside China's bounds."""
    ref = energy_reference()["gcj02"]
    a, ee = float(ref["a"]), float(ref["ee"])
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = 1.0 - ee * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1.0 - ee)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * np.cos(radlat) * pi)
    b = ref["china_bounds"]
    outside = (lon < b["lon_min"]) | (lon > b["lon_max"]) | (lat < b["lat_min"]) | (lat > b["lat_max"])
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Floats, Floats]:
    lo, la = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    dlon, dlat = _offset(lo, la)
    return lo + dlon, la + dlat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike, *, tolerance_deg: float = 1e-10) -> tuple[Floats, Floats]:
    """The WGS-84 point whose GCJ-02 image is ``lon``/``lat``: a fixed-point iteration on the offset
    (it contracts fast: the offset varies by ~1e-5 of a degree per degree), exact to ``tolerance_deg``."""
    glon, glat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(30):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if (
            float(np.max(np.abs(elon), initial=0.0)) < tolerance_deg
            and float(np.max(np.abs(elat), initial=0.0)) < tolerance_deg
        ):
            break
    return wlon, wlat


def to_wgs84(lon: ArrayLike, lat: ArrayLike, crs: Crs) -> tuple[Floats, Floats]:
    if crs == "GCJ02":
        return gcj02_to_wgs84(lon, lat)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


@dataclass(frozen=True)
class LocalProjection:
    """Lambert azimuthal equal-area centred on a point (WGS-84): metres east/north of it."""

    lon0: float
    lat0: float

    @functools.cached_property
    def _forward(self) -> pyproj.Transformer:
        crs = pyproj.CRS.from_proj4(f"+proj=laea +lat_0={self.lat0} +lon_0={self.lon0} +ellps=WGS84 +units=m")
        return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)

    @functools.cached_property
    def _inverse(self) -> pyproj.Transformer:
        crs = pyproj.CRS.from_proj4(f"+proj=laea +lat_0={self.lat0} +lon_0={self.lon0} +ellps=WGS84 +units=m")
        return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def project(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Floats, Floats]:
        x, y = self._forward.transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def unproject(self, x: ArrayLike, y: ArrayLike) -> tuple[Floats, Floats]:
        lo, la = self._inverse.transform(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return np.asarray(lo, dtype=np.float64), np.asarray(la, dtype=np.float64)

    def project_geometry(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: np.column_stack(self.project(xy[:, 0], xy[:, 1])))

    def unproject_geometry(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: np.column_stack(self.unproject(xy[:, 0], xy[:, 1])))


def geometry_to_wgs84(geom: BaseGeometry, crs: Crs) -> BaseGeometry:
    if crs == "WGS84":
        return geom
    return shapely.transform(geom, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))


def read_outline(data: bytes | str | Mapping[str, Any], *, file: str = "<geojson>") -> BaseGeometry:
    """The (multi)polygon of a GeoJSON FeatureCollection, Feature or geometry: the union of its
    polygons. Anything else is a located problem; nothing half-read is returned."""
    try:
        doc = json.loads(data) if isinstance(data, bytes | str) else dict(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LedgerProblems(
            [Problem(f"不是有效的 GeoJSON：{exc}", file=file, message_en=f"not valid GeoJSON: {exc}")]
        ) from exc
    if not isinstance(doc, Mapping):
        raise LedgerProblems([Problem("GeoJSON 应为对象", file=file, message_en="GeoJSON must be an object")])
    if doc.get("type") == "FeatureCollection":
        items = [
            (f"features[{i}].geometry", (f or {}).get("geometry"))
            for i, f in enumerate(doc.get("features") or [])
        ]
    elif doc.get("type") == "Feature":
        items = [("geometry", doc.get("geometry"))]
    else:
        items = [("", doc)]
    polygons: list[BaseGeometry] = []
    problems: list[Problem] = []
    for where, geometry in items:
        try:
            geom = shapely.from_geojson(json.dumps(geometry))
        except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
            problems.append(
                Problem(f"几何无法读取：{exc}", file=file, field=where or None, message_en=str(exc))
            )
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    f"应为 Polygon 或 MultiPolygon，实为 {geom.geom_type}",
                    file=file,
                    field=where or None,
                    message_en=f"expected a Polygon or MultiPolygon, got {geom.geom_type}",
                )
            )
            continue
        polygons.append(shapely.make_valid(geom) if not geom.is_valid else geom)
    if not polygons and not problems:
        problems.append(Problem("没有多边形", file=file, message_en="no polygon in the file"))
    if problems:
        raise LedgerProblems(problems)
    union = shapely.union_all(polygons)
    lon_min, lat_min, lon_max, lat_max = union.bounds
    if lon_min < -180 or lon_max > 180 or lat_min < -90 or lat_max > 90:
        raise LedgerProblems(
            [
                Problem(
                    "坐标应为经纬度（度）",
                    file=file,
                    message_en="coordinates must be longitude/latitude degrees",
                )
            ]
        )
    return union


@dataclass(frozen=True)
class Outline:
    """A shipped or uploaded outline in WGS-84, with its label and whether it is approximate."""

    geometry: BaseGeometry
    label_zh: str
    label_en: str
    approximate: bool
    source: str


def shipped_boundary() -> Outline:
    """The approximate Jinghai outline shipped with the package (GCJ-02 on file, WGS-84 here)."""
    ref = energy_reference()["boundary"]
    raw = resources.files("carbonpeak.ledgers").joinpath(f"data/{ref['file']}").read_bytes()
    geom = geometry_to_wgs84(read_outline(raw, file=str(ref["file"])), parse_crs(str(ref["crs"])))
    return Outline(
        geom, str(ref["label_zh"]), str(ref["label_en"]), bool(ref["approximate"]), str(ref["source"])
    )
