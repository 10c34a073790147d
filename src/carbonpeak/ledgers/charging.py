"""The charging network (三.(六).4): stations and piles, the count of public piles against 500, the
share of the core area within 3 km and of the rest within 5 km of a public station, the uncovered
area, and where the next stations would cover most (greedy maximum coverage).

Coverage is computed on a square grid of cell centres inside the district (projected to a local
equal-area plane, ``geo.LocalProjection``): shapely's vectorized ``contains_xy`` places the cells,
an STR tree's nearest-station query (one vectorized GEOS call) decides which are served. Targets and
radii are data (``data/energy.yaml``, ``charging``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator
from shapely.geometry.base import BaseGeometry

from carbonpeak.ledgers.geo import Crs, Floats, LocalProjection, energy_reference, to_wgs84

Current = Literal["AC", "DC"]
_CHUNK = 4096
Bools = NDArray[np.bool_]


class PileGroup(BaseModel):
    """Piles of one kind at a station: how many, the power of each, AC or DC."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(ge=1)
    power_kw: float = Field(gt=0)
    current: Current


class Station(BaseModel):
    """A charging station of the ledger. ``lon``/``lat`` are as entered, in ``crs``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    crs: Crs = "WGS84"
    piles: tuple[PileGroup, ...] = ()
    public: bool = True
    operator: str = ""
    commissioned: dt.date | None = None
    in_pilot: bool = Field(default=False, description="专栏5 电动汽车源荷互动 pilot station")
    flexible_kw: float | None = Field(default=None, ge=0, description="flexible (dispatchable) capacity, kW")
    illustrative: bool = False

    @model_validator(mode="after")
    def _pilot(self) -> Station:
        if self.flexible_kw is not None and not self.in_pilot:
            raise ValueError("flexible_kw is recorded for pilot stations only (in_pilot)")
        return self

    @property
    def pile_count(self) -> int:
        return sum(g.count for g in self.piles)

    @property
    def power_kw(self) -> float:
        return sum(g.count * g.power_kw for g in self.piles)


def wgs84_points(stations: Sequence[Station]) -> tuple[Floats, Floats]:
    """Every station's WGS-84 longitude and latitude (GCJ-02 ones converted), vectorized per system."""
    lon = np.array([s.lon for s in stations], dtype=np.float64)
    lat = np.array([s.lat for s in stations], dtype=np.float64)
    gcj = np.array([s.crs == "GCJ02" for s in stations], dtype=bool)
    if gcj.any():
        glon, glat = to_wgs84(lon[gcj], lat[gcj], "GCJ02")
        lon[gcj], lat[gcj] = glon, glat
    return lon, lat


def public_piles(stations: Sequence[Station], *, year: int | None = None) -> int:
    """Public piles in service (commissioned by the end of ``year`` when given; undated ones count)."""
    return sum(s.pile_count for s in stations if s.public and _in_service(s, year))


def _in_service(s: Station, year: int | None) -> bool:
    return year is None or s.commissioned is None or s.commissioned.year <= year


@dataclass(frozen=True)
class Grid:
    """Cell centres (metres, projected) inside the district, each in the core area or not."""

    x: Floats
    y: Floats
    core: Bools
    cell_m: float

    @property
    def cell_area_km2(self) -> float:
        return self.cell_m * self.cell_m / 1e6

    def radius_m(self, core_radius_m: float, noncore_radius_m: float) -> Floats:
        return np.where(self.core, core_radius_m, noncore_radius_m).astype(np.float64)


def make_grid(district: BaseGeometry, core: BaseGeometry | None, cell_m: float) -> Grid:
    """Centres of a ``cell_m`` grid (projected metres) that fall inside ``district``; ``core`` marks
    the core-area cells (the part of ``core`` outside the district is ignored)."""
    if cell_m <= 0:
        raise ValueError("cell_m must be positive")
    x0, y0, x1, y1 = district.bounds
    xs = np.arange(x0 + cell_m / 2, x1, cell_m)
    ys = np.arange(y0 + cell_m / 2, y1, cell_m)
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    shapely.prepare(district)
    inside = shapely.contains_xy(district, gx, gy)
    gx, gy = gx[inside], gy[inside]
    if core is None:
        in_core = np.zeros(gx.shape, dtype=bool)
    else:
        shapely.prepare(core)
        in_core = shapely.contains_xy(core, gx, gy)
    return Grid(gx, gy, in_core, float(cell_m))


def _points(x: Floats, y: Floats) -> NDArray[np.object_]:
    pts: NDArray[np.object_] = np.asarray(shapely.points(np.column_stack([x, y])), dtype=object)
    return pts


def nearest_distance(x: Floats, y: Floats, sx: Floats, sy: Floats) -> Floats:
    """The distance (m) from each point to the nearest station; inf without stations. One
    vectorized GEOS call (``STRtree.query_nearest``) over all the points."""
    out = np.full(x.shape, np.inf, dtype=np.float64)
    if sx.size == 0 or x.size == 0:
        return out
    tree = shapely.STRtree(_points(sx, sy))
    (point, _station), dist = tree.query_nearest(_points(x, y), return_distance=True, all_matches=False)
    out[point] = dist
    return out


def nearest_distance_numpy(x: Floats, y: Floats, sx: Floats, sy: Floats) -> Floats:
    """The same by brute force in NumPy (chunks of ``_CHUNK`` points × all stations): the cross-check
    of ``nearest_distance`` in the tests and the benchmark."""
    out = np.full(x.shape, np.inf, dtype=np.float64)
    if sx.size == 0:
        return out
    for start in range(0, x.size, _CHUNK):
        cx, cy = x[start : start + _CHUNK, None], y[start : start + _CHUNK, None]
        d2 = (cx - sx[None, :]) ** 2 + (cy - sy[None, :]) ** 2
        out[start : start + _CHUNK] = np.sqrt(d2.min(axis=1))
    return out


@dataclass(frozen=True)
class Coverage:
    """The coverage of one grid: which cells are served, and the shares by zone."""

    grid: Grid
    covered: Bools
    core_radius_m: float
    noncore_radius_m: float

    def _share(self, mask: Bools) -> float | None:
        n = int(mask.sum())
        return None if n == 0 else float(self.covered[mask].sum()) / n

    @property
    def core_share(self) -> float | None:
        """Share of the core area within ``core_radius_m`` of a public station (None: no core area)."""
        return self._share(self.grid.core)

    @property
    def noncore_share(self) -> float | None:
        return self._share(~self.grid.core)

    @property
    def area_km2(self) -> float:
        return self.grid.x.size * self.grid.cell_area_km2

    @property
    def uncovered_km2(self) -> float:
        return float((~self.covered).sum()) * self.grid.cell_area_km2

    @property
    def core_uncovered_km2(self) -> float:
        return float((~self.covered & self.grid.core).sum()) * self.grid.cell_area_km2


def coverage(
    grid: Grid,
    sx: Floats,
    sy: Floats,
    *,
    core_radius_m: float | None = None,
    noncore_radius_m: float | None = None,
) -> Coverage:
    """Which cells lie strictly within their zone's radius (小于3公里 / 小于5公里) of a station at
    projected ``sx``/``sy``; radii default to the rule's (``data/energy.yaml``)."""
    rule = energy_reference()["charging"]
    rc = float(rule["core_radius_m"] if core_radius_m is None else core_radius_m)
    rn = float(rule["noncore_radius_m"] if noncore_radius_m is None else noncore_radius_m)
    d = nearest_distance(grid.x, grid.y, sx, sy)
    return Coverage(grid, d < grid.radius_m(rc, rn), rc, rn)


@dataclass(frozen=True)
class Pick:
    """One proposed site of the greedy search: where, and the area it newly covers."""

    index: int
    x: float
    y: float
    gain_km2: float
    core_gain_km2: float


def greedy_sites(cov: Coverage, cx: Floats, cy: Floats, k: int) -> list[Pick]:
    """Up to ``k`` candidate sites (projected ``cx``/``cy``) chosen one at a time, each the one that
    covers the most still-uncovered area (greedy maximum coverage, within 1 − 1/e of the optimum).
    A cell counts as covered by a site within its own zone's radius. Stops when no site gains."""
    g = cov.grid
    todo = np.flatnonzero(~cov.covered)
    if todo.size == 0 or cx.size == 0 or k <= 0:
        return []
    radius = g.radius_m(cov.core_radius_m, cov.noncore_radius_m)[todo]
    ux, uy, ucore = g.x[todo], g.y[todo], g.core[todo]
    # Sparse incidence (site, cell) built in chunks of sites: the cells each site would cover.
    owners: list[NDArray[np.intp]] = []
    cells: list[NDArray[np.intp]] = []
    step = max(1, _CHUNK * 64 // max(1, todo.size))
    for start in range(0, cx.size, step):
        px, py = cx[start : start + step, None], cy[start : start + step, None]
        hit = (px - ux[None, :]) ** 2 + (py - uy[None, :]) ** 2 < radius[None, :] ** 2
        site, cell = np.nonzero(hit)
        owners.append((site + start).astype(np.intp))
        cells.append(cell.astype(np.intp))
    owner = np.concatenate(owners).astype(np.intp)
    cell = np.concatenate(cells).astype(np.intp)
    alive = np.ones(todo.size, dtype=bool)
    area = g.cell_area_km2
    picks: list[Pick] = []
    for _ in range(k):
        gains = np.bincount(owner, weights=alive[cell], minlength=cx.size)
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        newly = cell[(owner == best) & alive[cell]]
        core_gain = float(ucore[newly].sum()) * area
        alive[newly] = False
        picks.append(Pick(best, float(cx[best]), float(cy[best]), float(gains[best]) * area, core_gain))
    return picks


def candidate_lattice(grid: Grid, spacing_m: float) -> tuple[Floats, Floats]:
    """Candidate sites: the grid's cell centres thinned to one every ``spacing_m`` (inside the district)."""
    every = max(1, round(spacing_m / grid.cell_m))
    if grid.x.size == 0:
        return grid.x, grid.y
    ix = np.rint((grid.x - grid.x.min()) / grid.cell_m).astype(np.int64)
    iy = np.rint((grid.y - grid.y.min()) / grid.cell_m).astype(np.int64)
    keep = (ix % every == every // 2) & (iy % every == every // 2)
    return grid.x[keep], grid.y[keep]


@dataclass(frozen=True)
class NetworkAnalysis:
    """Everything the office asks of the network, in WGS-84 and projected metres."""

    projection: LocalProjection
    coverage: Coverage
    public_piles: int
    piles_target: int
    picks: list[Pick]
    station_xy: tuple[Floats, Floats]


def analyse(
    stations: Sequence[Station],
    district_wgs84: BaseGeometry,
    core_wgs84: BaseGeometry | None,
    *,
    cell_m: float | None = None,
    proposals: int = 5,
    candidates_wgs84: tuple[Floats, Floats] | None = None,
    year: int | None = None,
) -> NetworkAnalysis:
    """Coverage of the public stations (commissioned by ``year``) over the district and the next
    ``proposals`` sites. Outlines are WGS-84 (``geo.geometry_to_wgs84`` converts GCJ-02 ones)."""
    ref = energy_reference()
    centroid = district_wgs84.centroid
    proj = LocalProjection(round(centroid.x, 4), round(centroid.y, 4))
    district = proj.project_geometry(district_wgs84)
    core = None if core_wgs84 is None else proj.project_geometry(core_wgs84)
    grid = make_grid(district, core, float(cell_m or ref["grid"]["default_cell_m"]))
    public = [
        s
        for s in stations
        if s.public and (year is None or s.commissioned is None or s.commissioned.year <= year)
    ]
    lon, lat = wgs84_points(public)
    sx, sy = proj.project(lon, lat)
    cov = coverage(grid, sx, sy)
    if candidates_wgs84 is None:
        cx, cy = candidate_lattice(grid, float(ref["grid"]["default_candidate_spacing_m"]))
    else:
        cx, cy = proj.project(*candidates_wgs84)
    picks = greedy_sites(cov, cx, cy, proposals)
    return NetworkAnalysis(
        proj,
        cov,
        public_piles(stations, year=year),
        int(ref["charging"]["public_piles_target"]),
        picks,
        (sx, sy),
    )
