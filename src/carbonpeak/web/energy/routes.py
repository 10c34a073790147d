"""Energy projects and the charging network on the web: pages for the office, departments and
viewers (the service checks the role again), downloads through the one writer, and a JSON API.
Enterprises and the public reach none of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.errors import ConflictError
from carbonpeak.ledgers import energy_tables
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.energy_file import PROJECT_COLUMNS
from carbonpeak.ledgers.energy_projects import kinds, status_labels, timeline
from carbonpeak.ledgers.errors import LedgerError, LedgerProblems
from carbonpeak.ledgers.geo import parse_crs
from carbonpeak.services.energy import EnergyService
from carbonpeak.units.registry import convert
from carbonpeak.web.core.auth import Forbidden, Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["energy and charging ledgers"])

Reader = Annotated[Principal, Depends(permit("office", "department", "viewer"))]
Office = Annotated[Principal, Depends(permit("office"))]
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
    "edit_title": ("编辑项目", "Edit project"),
    "edit": ("编辑", "Edit"),
    "back": ("返回项目台账", "Back to the ledger"),
    "version": ("版本", "Version"),
    "last_change": ("最近修改", "Last changed"),
    "errors": ("未保存，请修改：", "Not saved; please correct:"),
    "save": ("保存", "Save"),
    "saved": ("已保存：", "Saved: "),
    "unchanged": ("未作修改：", "Nothing changed: "),
    "outline_upload": (
        "上传区界或核心区（GeoJSON）",
        "Upload the district boundary or the core area (GeoJSON)",
    ),
    "area_kind": ("区域", "Area"),
    "area_expected": ("应为区界或核心区", "expected the district boundary or the core area"),
    "crs": ("坐标系", "Coordinates"),
    "label": ("名称（可选）", "Label (optional)"),
    "approximate_flag": ("近似边界（非法定边界）", "approximate (not a legal boundary)"),
    "file": ("文件", "File"),
    "file_missing": ("请选择 GeoJSON 文件", "choose a GeoJSON file"),
    "file_large": ("文件超过 5 MB", "file larger than 5 MB"),
    "upload": ("上传", "Upload"),
    "uploaded": ("已保存新的边界", "The new outline is stored"),
}
MAX_OUTLINE_BYTES = 5 * 1024 * 1024
# The editable fields of one project, in the template's columns (id and 示例数据 stay as stored).
EDIT_FIELDS = (
    *("name", "kind", "capacity", "unit", "location", "owner", "status"),
    *("planned_on", "approved_on", "construction_on", "expected_commissioning", "actual_commissioning"),
    *("retired_on", "centralized", "storage_mw", "storage_mwh", "plan_project_id", "task_id", "note"),
)
DATE_FIELDS = (
    *("planned_on", "approved_on", "construction_on", "expected_commissioning", "actual_commissioning"),
    "retired_on",
)
# the map's grid, metres: at 250 m the district is ~23,600 cells; a 100 m grid (~147,600 cells) took
# seconds per request and answered megabytes of uncovered cells, too much for a page or an API call
# (the analysis itself runs at any cell size: `carbonpeak energy coverage --cell`)
CELL_MIN_M, CELL_MAX_M = 250, 5000
ProjectPath = Annotated[str, FastPath(min_length=1, max_length=64, description="project id")]


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
            "may_edit": who.role == "office",
            "saved": request.query_params.get("saved", "")[:64],
            "unchanged": request.query_params.get("unchanged", "")[:64],
        },
    )


def _edit_page(
    request: Request,
    who: Principal,
    project_id: str,
    *,
    form: dict[str, str] | None = None,
    problems: list[str] | None = None,
    conflict: str = "",
) -> HTMLResponse:
    lang = lang_of(request)
    svc, actor = service(request), actor_of(who)
    project = svc.project(actor, project_id)
    version, updated_by, updated_at = svc.project_version(actor, project_id)
    stored = energy_tables.project_row(project)
    label = "en" if lang == "en" else "zh"
    choices = {
        "kind": [(v["zh"], v[label]) for v in kinds().values()],
        "status": [(v["zh"], v[label]) for v in status_labels().values()],
        "centralized": [("否", "否 no"), ("是", "是 yes")],
    }
    values = {k: "" if stored.get(k) is None else str(stored[k]) for k in EDIT_FIELDS} | (form or {})
    fields = [
        {"key": k, "label": PROJECT_COLUMNS[k], "value": values.get(k, ""), "choices": choices.get(k),
         "date": k in DATE_FIELDS}
        for k in EDIT_FIELDS
    ]  # fmt: skip
    context = {
        "nw": words(lang),
        "p": project,
        "fields": fields,
        "version": version if form is None or conflict else form.get("version", version),
        "updated_by": updated_by,
        "updated_at": updated_at,
        "problems": problems or [],
        "conflict": conflict,
    }
    return render(request, "energy_project.html", context, 409 if conflict else 422 if problems else 200)


@pages.get("/energy/projects/{project_id}", response_class=HTMLResponse)
def project_edit_page(request: Request, who: Office, project_id: ProjectPath) -> Response:
    """The office edits one project (CSRF form, optimistic version, audited)."""
    return _edit_page(request, who, project_id)


@pages.post("/energy/projects/{project_id}", response_class=HTMLResponse)
async def project_edit(request: Request, who: Office, project_id: ProjectPath) -> Response:
    form = await request.form()
    fields = {
        k: str(v)[:2000] for k, v in form.items() if isinstance(v, str) and k in (*EDIT_FIELDS, "version")
    }
    lang = lang_of(request)
    try:
        version = int(fields.get("version", ""))
    except ValueError:
        version = -1
    try:
        _, changed, _ = service(request).edit_project(
            actor_of(who),
            project_id,
            {k: v for k, v in fields.items() if k != "version"},
            expected_version=version,
        )
    except LedgerProblems as exc:
        problems = [f"{p.column or p.field or ''}：{p.text(lang)}" for p in exc.problems]
        return _edit_page(request, who, project_id, form=fields, problems=problems)
    except ConflictError as exc:
        return _edit_page(request, who, project_id, form=fields, conflict=exc.describe(lang))
    key = "saved" if changed else "unchanged"
    return RedirectResponse(f"/energy?{urlencode({key: project_id})}#projects-table", 303)


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
    request: Request, who: Reader, cell: Annotated[float, Query(ge=CELL_MIN_M, le=CELL_MAX_M)] = 500
) -> Response:
    return _charging(request, who, cell)


def _charging(
    request: Request,
    who: Principal,
    cell: float = 500,
    *,
    problems: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
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
            "may_upload": who.role == "office",
            "problems": problems or [],
            "form": form or {},
            "uploaded": request.query_params.get("uploaded", "") in ("district", "core"),
        },
        422 if problems else 200,
    )


@pages.post("/charging/areas", response_class=HTMLResponse)
async def charging_area_upload(request: Request, who: Office) -> Response:
    """The office uploads the district boundary or the core area (GeoJSON): all or nothing, every
    problem located (file, feature); audited."""
    async with request.form() as form:
        fields = {k: str(v)[:200] for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        upload = form.get("file")
        data, name = b"", ""
        if upload is not None and not isinstance(upload, str) and upload.filename:
            name = Path(upload.filename).name[:120] or "outline.geojson"
            data = await upload.read(MAX_OUTLINE_BYTES + 1)
    lang = lang_of(request)
    w = words(lang)
    problems: list[str] = []
    area = fields.get("area", "")
    if area not in ("district", "core"):
        problems.append(f"{w['area_kind']}：{w['area_expected']}")
    try:
        crs = parse_crs(fields.get("crs", "WGS84"))
    except LedgerError as exc:
        problems.append(f"{w['crs']}：{exc.describe(lang)}")
        crs = "WGS84"
    if not name:
        problems.append(f"{w['file']}：{w['file_missing']}")
    elif len(data) > MAX_OUTLINE_BYTES:
        problems.append(f"{name}：{w['file_large']}")
    if not problems:
        try:
            service(request).set_area(
                actor_of(who),
                area,
                data,
                file=name,
                crs=crs,
                label=fields.get("label", "").strip(),
                approximate=fields.get("approximate") == "1",
            )
        except LedgerError as exc:
            problems = [f"{p.location(lang)}：{p.text(lang)}" if p.location(lang) else p.text(lang)
                        for p in exc.problems]  # fmt: skip
    if problems:
        return _charging(request, who, problems=problems, form=fields)
    return RedirectResponse(f"/charging?uploaded={area}#outline-upload", 303)


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


class ProjectEdit(BaseModel):
    """An edit of one project: the version read, and the changed fields as the template writes them
    (kind and status in Chinese or as codes, dates YYYY-MM-DD, 集中式 是/否)."""

    version: int = Field(ge=1, description="the version the edit is based on (GET .../projects/{id})")
    changes: dict[str, str | float | None] = Field(
        max_length=len(EDIT_FIELDS), description=f"fields to change: {', '.join(EDIT_FIELDS)}"
    )


@api.get("/energy/projects/{project_id}")
def api_project(request: Request, who: Reader, project_id: ProjectPath) -> dict[str, Any]:
    """One project with its version (for an edit)."""
    svc, actor = service(request), actor_of(who)
    version, updated_by, updated_at = svc.project_version(actor, project_id)
    return svc.project(actor, project_id).model_dump(mode="json") | {
        "version": version, "updated_by": updated_by, "updated_at": updated_at,
    }  # fmt: skip


@api.put("/energy/projects/{project_id}")
def api_edit_project(request: Request, who: Office, project_id: ProjectPath, body: ProjectEdit) -> Any:
    """Edit one project (office only, audited); 422 with every problem located, 409 when the project
    changed since ``version``."""
    unknown = sorted(set(body.changes) - set(EDIT_FIELDS))
    if unknown:
        return JSONResponse({"detail": f"fields not editable: {', '.join(unknown)}"}, 422)
    changes = {
        k: "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
        for k, v in body.changes.items()
    }
    edited, changed, version = service(request).edit_project(
        actor_of(who), project_id, changes, expected_version=body.version, source="api", file="<api>"
    )
    return edited.model_dump(mode="json") | {"version": version, "changed": changed}


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
    request: Request, who: Reader, cell: Annotated[float, Query(ge=CELL_MIN_M, le=CELL_MAX_M)] = 500
) -> dict[str, Any]:
    """Coverage shares, uncovered area, proposed sites (WGS-84)."""
    result = service(request).analysis(actor_of(who), cell_m=cell, proposals=5)
    return {k: v for k, v in result.items() if k != "uncovered"}
