"""The energy-project and charging-network service: imports (all or nothing, audited), edits, the
roll-ups as computed indicators of tracking, and the coverage analysis for the map, under the access
rules of ``carbonpeak.ledgers.access`` (the office edits; departments and viewers read)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers import charging, energy_projects, energy_tables, geo
from carbonpeak.ledgers.access import LedgerActor, check_may_edit_energy, check_may_read_energy
from carbonpeak.ledgers.charging import Station
from carbonpeak.ledgers.energy_file import PROJECT_COLUMNS, project_from_record, read_projects, read_stations
from carbonpeak.ledgers.energy_projects import EnergyProject
from carbonpeak.storage import energy as repo
from carbonpeak.tracking.model import ComputedValue

log = logging.getLogger(__name__)
SOURCE = "energy and charging ledgers"
FIXED = ("id", "illustrative")  # not changed by an edit


class EnergyService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- projects ---------------------------------------------------------------------------------
    def projects(self, actor: LedgerActor) -> list[EnergyProject]:
        check_may_read_energy(actor)
        return repo.list_projects(self.engine)

    def project(self, actor: LedgerActor, project_id: str) -> EnergyProject:
        check_may_read_energy(actor)
        found = repo.get_project(self.engine, project_id)
        if found is None:
            raise NotFoundError(f"没有编号为 {project_id} 的项目", message_en=f"no project {project_id}")
        return found

    def import_projects(self, actor: LedgerActor, path: str | Path) -> tuple[int, int]:
        return self._import(actor, path, "projects", read_projects, repo.save_projects)

    def save_project(self, actor: LedgerActor, project: EnergyProject, *, source: str = "web form") -> bool:
        """Store one edited project (audited); True when something changed."""
        check_may_edit_energy(actor)
        added, changed = repo.save_projects(self.engine, [project], who=actor.name, source=source)
        log.info("%s saved project %s", actor.name, project.id)
        return bool(added or changed)

    def project_version(self, actor: LedgerActor, project_id: str) -> tuple[int, str, str]:
        """(version, who changed it last, when) of a project: the version an edit must name."""
        check_may_read_energy(actor)
        found = repo.project_version(self.engine, project_id)
        if found is None:
            raise NotFoundError(f"没有编号为 {project_id} 的项目", message_en=f"no project {project_id}")
        return found

    def edit_project(
        self,
        actor: LedgerActor,
        project_id: str,
        changes: Mapping[str, str],
        *,
        expected_version: int,
        source: str = "web form",
        file: str = "<form>",
    ) -> tuple[EnergyProject, bool, int]:
        """Edit one project from the template's columns as text (a form or the API): the same rules as
        an import, every problem named by field; refused (ConflictError) when the project changed
        since ``expected_version``. Its id and 示例数据 flag stay. (project, changed, version now)."""
        check_may_edit_energy(actor)
        current = self.project(actor, project_id)
        record = {k: "" if v is None else str(v) for k, v in energy_tables.project_row(current).items()}
        record |= {k: str(v) for k, v in changes.items() if k in PROJECT_COLUMNS and k not in FIXED}
        edited = project_from_record(record, file=file)
        changed, version = repo.save_project_checked(
            self.engine, edited, expected_version=expected_version, who=actor.name, source=source
        )
        log.info("%s edited project %s (version %d)", actor.name, project_id, version)
        return edited, changed, version

    # -- stations and outlines --------------------------------------------------------------------
    def stations(self, actor: LedgerActor) -> list[Station]:
        check_may_read_energy(actor)
        return repo.list_stations(self.engine)

    def import_stations(self, actor: LedgerActor, path: str | Path) -> tuple[int, int]:
        return self._import(actor, path, "stations", read_stations, repo.save_stations)

    def _import(
        self,
        actor: LedgerActor,
        path: str | Path,
        what: str,
        read: Callable[[str | Path], Sequence[Any]],
        save: Callable[..., tuple[int, int]],
    ) -> tuple[int, int]:
        """Read a ledger file (all or nothing, located problems) and store it in one transaction."""
        check_may_edit_energy(actor)
        items = read(path)
        added, changed = save(self.engine, items, who=actor.name, source=f"import {Path(path).name}")
        log.info("%s imported %s %s: %d added, %d changed", actor.name, what, Path(path).name, added, changed)
        return added, changed

    def set_area(
        self,
        actor: LedgerActor,
        area: str,
        data: bytes,
        *,
        file: str,
        crs: geo.Crs = "WGS84",
        label: str = "",
        approximate: bool = False,
        illustrative: bool = False,
    ) -> None:
        """Store the district boundary (``district``) or the core area (``core``) from a GeoJSON file."""
        check_may_edit_energy(actor)
        if area not in ("district", "core"):
            raise NotFoundError(
                f"区域应为 district 或 core，实为 {area}", message_en=f"area {area!r}: district or core"
            )
        geom = geo.geometry_to_wgs84(geo.read_outline(data, file=file), crs)
        repo.save_area(
            self.engine,
            area,
            shapely.to_geojson(geom),
            label=label or file,
            approximate=approximate,
            illustrative=illustrative,
            who=actor.name,
            source=f"upload {file}",
        )
        log.info("%s stored the %s outline from %s", actor.name, area, file)

    def outlines(self) -> dict[str, Any]:
        """The district outline (stored, else the shipped approximate one) and the core area (or None)."""
        stored = repo.get_area(self.engine, "district")
        if stored is None:
            shipped = geo.shipped_boundary()
            district: dict[str, Any] = {
                "geometry": shipped.geometry,
                "label_zh": shipped.label_zh,
                "label_en": shipped.label_en,
                "approximate": True,
                "illustrative": False,
            }
        else:
            district = _area(stored)
        core = repo.get_area(self.engine, "core")
        return {"district": district, "core": None if core is None else _area(core)}

    # -- roll-ups ---------------------------------------------------------------------------------
    def rollups(
        self, actor: LedgerActor, years: Iterable[int], *, target_mw: float | None = None
    ) -> dict[str, Any]:
        """Installed and expected renewable capacity by year, the first year the pipeline reaches the
        target, the storage checks, and the public piles by year."""
        projects = self.projects(actor)
        stations = self.stations(actor)
        ys = sorted(set(years))
        installed = energy_projects.installed_by_year(projects, ys)
        expected = energy_projects.expected_by_year(projects, ys)
        checks = energy_projects.storage_checks(projects)
        return {
            "years": ys,
            "installed_mw": {c.year: c.mw for c in installed},
            "expected_mw": {c.year: c.mw for c in expected},
            "target_mw": target_mw,
            "expected_reaches_target": None
            if target_mw is None
            else energy_projects.first_year_reaching(expected, target_mw),
            "storage_rule": energy_projects.storage_rule(),
            "storage_checks": checks,
            "pooled_storage_ratio": energy_projects.pooled_storage_ratio(checks),
            "public_piles": {y: charging.public_piles(stations, year=y) for y in ys},
            "piles_target": int(geo.energy_reference()["charging"]["public_piles_target"]),
            "illustrative": any(p.illustrative for p in projects) or any(s.illustrative for s in stations),
        }

    def lever_capacity(
        self, actor: LedgerActor, years: Iterable[int], *, expected: bool = True
    ) -> dict[int, float]:
        """Renewable capacity by year (MW) for the scenario's renewable lever ("capacity from the
        project ledger", ``scenarios.ledger_capacity``): the pipeline's expected series, or the
        grid-connected one; years with no renewable capacity at all are left out."""
        series = energy_projects.renewable_lever_mw(
            self.projects(actor), sorted(set(years)), expected=expected
        )
        return {y: mw for y, mw in series.items() if mw > 0}

    def computed_values(self, actor: LedgerActor, years: Iterable[int]) -> list[ComputedValue]:
        """The ledgers' roll-ups in the plan's metrics (renewable_capacity 万千瓦, storage_ratio %,
        charging_piles 台) with their inputs, for ``TrackingService.store_computed``."""
        projects = self.projects(actor)
        stations = self.stations(actor)
        ys = sorted(set(years))
        out = [
            ComputedValue(i.metric, i.year, i.value, i.unit, dict(i.inputs), SOURCE)
            for i in energy_projects.indicators(projects, ys)
        ]
        for y in ys:
            piles = charging.public_piles(stations, year=y)
            public = [
                s.id for s in stations if s.public and (s.commissioned is None or s.commissioned.year <= y)
            ]
            out.append(
                ComputedValue("charging_piles", y, float(piles), "台", {"stations": len(public)}, SOURCE)
            )
        return out

    # -- coverage ---------------------------------------------------------------------------------
    def analysis(
        self, actor: LedgerActor, *, cell_m: float | None = None, proposals: int = 5, year: int | None = None
    ) -> dict[str, Any]:
        """Coverage of the public stations, the uncovered area and the proposed sites, in WGS-84
        (JSON-ready, for the map and the API)."""
        stations = self.stations(actor)
        areas = self.outlines()
        core = areas["core"]["geometry"] if areas["core"] else None
        result = charging.analyse(
            stations, areas["district"]["geometry"], core, cell_m=cell_m, proposals=proposals, year=year
        )
        return analysis_dict(result, stations, areas)


def _area(stored: tuple[str, str, bool, bool]) -> dict[str, Any]:
    text, label, approximate, illustrative = stored
    return {
        "geometry": shapely.from_geojson(text),
        "label_zh": label,
        "label_en": label,
        "approximate": approximate,
        "illustrative": illustrative,
    }


def _geojson(geom: BaseGeometry | None) -> Any:
    return None if geom is None else json.loads(shapely.to_geojson(geom))


def analysis_dict(
    result: charging.NetworkAnalysis, stations: list[Station], areas: dict[str, Any]
) -> dict[str, Any]:
    cov = result.coverage
    proj = result.projection
    g = cov.grid
    lon, lat = charging.wgs84_points(stations)
    ux, uy = g.x[~cov.covered], g.y[~cov.covered]
    ulon, ulat = proj.unproject(ux, uy)
    plon, plat = proj.unproject([p.x for p in result.picks], [p.y for p in result.picks])
    return {
        "cell_m": g.cell_m,
        "area_km2": cov.area_km2,
        "core_share": cov.core_share,
        "noncore_share": cov.noncore_share,
        "uncovered_km2": cov.uncovered_km2,
        "core_uncovered_km2": cov.core_uncovered_km2,
        "core_radius_m": cov.core_radius_m,
        "noncore_radius_m": cov.noncore_radius_m,
        "public_piles": result.public_piles,
        "piles_target": result.piles_target,
        "district": {k: v for k, v in areas["district"].items() if k != "geometry"}
        | {"geojson": _geojson(areas["district"]["geometry"])},
        "core": None
        if areas["core"] is None
        else {k: v for k, v in areas["core"].items() if k != "geometry"}
        | {"geojson": _geojson(areas["core"]["geometry"])},
        "stations": [
            {
                "id": s.id,
                "name": s.name,
                "lon": float(lon[i]),
                "lat": float(lat[i]),
                "public": s.public,
                "piles": s.pile_count,
                "in_pilot": s.in_pilot,
                "flexible_kw": s.flexible_kw,
                "illustrative": s.illustrative,
            }
            for i, s in enumerate(stations)
        ],
        "uncovered": [[float(a), float(b)] for a, b in zip(ulon, ulat, strict=True)],
        "proposals": [
            {
                "lon": float(plon[i]),
                "lat": float(plat[i]),
                "gain_km2": p.gain_km2,
                "core_gain_km2": p.core_gain_km2,
            }
            for i, p in enumerate(result.picks)
        ],
    }
