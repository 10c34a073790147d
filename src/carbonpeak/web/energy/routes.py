"""Energy projects and the charging network on the web: pages for the office, departments and
viewers (the service checks the role again), downloads through the one writer, and a JSON API.
Enterprises and the public reach none of it."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.ledgers import energy_tables
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.energy_projects import kinds, status_labels, timeline
from carbonpeak.services.energy import EnergyService
from carbonpeak.units.registry import convert
from carbonpeak.web.core.auth import Forbidden, Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["energy and charging ledgers"])

Reader = Annotated[Principal, Depends(permit("office", "department", "viewer"))]
YEARS = range(2020, 2031)

_WORDS: dict[str, tuple[str, str]] = {
    "projects": ("能源与电网项目台账", "Energy and grid projects"),
    "charging": ("充电网络覆盖", "Charging network coverage"),
    "id": ("编号", "Id"),
    "name": ("项目名称", "Project"),
    "kind": ("类型", "Kind"),
    "capacity": ("规模", "Capacity"),
    "status": ("状态", "Status"),
    "location": ("地点", "Location"),
    "commissioning": ("投产（实际/预计）", "Commissioning (actual/expected)"),
    "storage": ("配套储能 (MW)", "Storage (MW)"),
    "timeline": ("项目进度（甘特图）", "Pipeline timeline (Gantt)"),
    "capacity_chart": ("可再生能源装机与目标 (万千瓦)", "Renewable capacity against the target (万千瓦)"),
    "installed": ("已并网", "Installed (grid-connected)"),
    "expected": ("按计划", "Expected (pipeline)"),
    "target": ("目标", "Target"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "core_share": ("核心区 3 公里覆盖率", "Core area within 3 km"),
    "noncore_share": ("非核心区 5 公里覆盖率", "Elsewhere within 5 km"),
    "uncovered": ("未覆盖面积 (km²)", "Uncovered area (km²)"),
    "piles": ("公用充电桩 (台) / 目标", "Public piles / target"),
    "proposals": ("建议新增站点", "Proposed sites"),
    "gain": ("新增覆盖 (km²)", "Area gained (km²)"),
    "stations": ("充电站", "Stations"),
    "district": ("区界", "District"),
    "core": ("核心区", "Core area"),
    "uncovered_cells": ("未覆盖网格", "Uncovered cells"),
    "pilot": ("源荷互动试点", "Vehicle-grid pilot"),
    "no_core": ("未设核心区", "no core area"),
    "storage_flag": ("储能配置低于15%（原则上）", "storage below 15% (in principle)"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def service(request: Request) -> EnergyService:
    return EnergyService(request.app.state.engine)


def actor_of(who: Principal) -> LedgerActor:
    if who.role == "office" or who.role == "department" or who.role == "viewer":
        return LedgerActor(who.username, who.role)
    raise Forbidden("the energy ledgers are for the office, departments and viewers")


def _target_mw(request: Request) -> float | None:
    for ind in request.app.state.plan.indicators:
        if ind.metric == "renewable_capacity" and ind.value is not None and ind.unit:
            return float(convert(ind.value, ind.unit, "MW"))
    return None


@pages.get("/energy", response_class=HTMLResponse)
def energy_page(request: Request, who: Reader) -> Response:
    lang = lang_of(request)
    svc = service(request)
    actor = actor_of(who)
    projects = svc.projects(actor)
    roll = svc.rollups(actor, YEARS, target_mw=_target_mw(request))
    flagged = {c.project_id for c in roll["storage_checks"] if not c.ok}
    label = "en" if lang == "en" else "zh"
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "kind": kinds()[p.kind][label],
            "capacity": "" if p.capacity is None else f"{p.capacity:g} {p.unit or ''}",
            "status": status_labels()[p.status][label],
            "location": p.location,
            "commissioning": str(p.actual_commissioning or p.expected_commissioning or ""),
            "storage": "" if p.storage_mw is None else f"{p.storage_mw:g}",
            "flagged": p.id in flagged,
        }
        for p in projects
    ]
    chart = {
        "years": roll["years"],
        "installed": [roll["installed_mw"][y] / 10 for y in roll["years"]],
        "expected": [roll["expected_mw"][y] / 10 for y in roll["years"]],
        "target": None if roll["target_mw"] is None else roll["target_mw"] / 10,
        "gantt": [
            {
                **r,
                "start": str(r["start"]),
                "end": str(r["end"]),
                "status": status_labels()[str(r["status"])][label],
            }
            for r in timeline(projects)
        ],
    }
    return render(
        request,
        "energy.html",
        {
            "nw": words(lang),
            "rows": rows,
            "chart": json.dumps(chart, ensure_ascii=False),
            "illustrative": roll["illustrative"],
        },
    )


@pages.get("/energy/export")
def energy_export(
    request: Request,
    who: Reader,
    kind: Annotated[Literal["projects", "stations"], Query()] = "projects",
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
) -> Response:
    svc = service(request)
    actor = actor_of(who)
    if kind == "projects":
        table = energy_tables.projects_table(svc.projects(actor))
    else:
        table = energy_tables.stations_table(svc.stations(actor))
    return table_response(format, table, f"energy-{kind}", lang_of(request))


@pages.get("/charging", response_class=HTMLResponse)
def charging_page(
    request: Request, who: Reader, cell: Annotated[float, Query(ge=100, le=5000)] = 500
) -> Response:
    lang = lang_of(request)
    result = service(request).analysis(actor_of(who), cell_m=cell, proposals=5)
    illustrative = any(s["illustrative"] for s in result["stations"]) or bool(
        result["core"] and result["core"]["illustrative"]
    )
    label = result["district"]["label_en" if lang == "en" else "label_zh"]
    return render(
        request,
        "charging.html",
        {
            "nw": words(lang),
            "r": result,
            "district_label": label,
            "map": json.dumps(_map_data(result), ensure_ascii=False),
            "illustrative": illustrative,
        },
    )


def _map_data(r: dict[str, Any]) -> dict[str, Any]:
    features = [{"type": "Feature", "properties": {"name": "district"}, "geometry": r["district"]["geojson"]}]
    if r["core"]:
        features.append({"type": "Feature", "properties": {"name": "core"}, "geometry": r["core"]["geojson"]})
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "stations": [[s["lon"], s["lat"], s["name"], s["public"], s["in_pilot"]] for s in r["stations"]],
        "uncovered": r["uncovered"],
        "proposals": [[p["lon"], p["lat"], round(p["gain_km2"], 1)] for p in r["proposals"]],
        "core_radius_m": r["core_radius_m"],
        "noncore_radius_m": r["noncore_radius_m"],
    }


@api.get("/energy/projects")
def api_projects(request: Request, who: Reader) -> list[dict[str, Any]]:
    """Every project of the pipeline."""
    return [p.model_dump(mode="json") for p in service(request).projects(actor_of(who))]


@api.get("/energy/rollup")
def api_rollup(request: Request, who: Reader) -> dict[str, Any]:
    """Installed and expected renewable capacity (MW) by year, the target, storage checks, public piles."""
    roll = service(request).rollups(actor_of(who), YEARS, target_mw=_target_mw(request))
    return roll | {"storage_checks": energy_tables.storage_rows(roll["storage_checks"])}


@api.get("/charging/stations")
def api_stations(request: Request, who: Reader) -> list[dict[str, Any]]:
    """Every charging station (coordinates as entered, with their system)."""
    return [s.model_dump(mode="json") for s in service(request).stations(actor_of(who))]


@api.get("/charging/coverage")
def api_coverage(
    request: Request, who: Reader, cell: Annotated[float, Query(ge=100, le=5000)] = 500
) -> dict[str, Any]:
    """Coverage shares, uncovered area, proposed sites (WGS-84)."""
    result = service(request).analysis(actor_of(who), cell_m=cell, proposals=5)
    return {k: v for k, v in result.items() if k != "uncovered"}
