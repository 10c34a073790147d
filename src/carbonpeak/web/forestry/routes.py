"""The forestry carbon-sink database on the web: the parcels table with filters, stock and sink by
town/species/age class, survey figures, project gains; the parcels as CSV/XLSX through the one
writer; a JSON API. Office, department and viewer read; the service checks the role again."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.errors import InvalidInputError
from carbonpeak.forestry.demo import DEMO_ZONE
from carbonpeak.services.forestry import ForestryService, surveys_of
from carbonpeak.tables import Table
from carbonpeak.tracking.model import Actor
from carbonpeak.units.display import number, percent
from carbonpeak.web.core.auth import Forbidden, Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.core.render import lang_of, render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/forestry", tags=["forestry"])
Reader = Annotated[Principal, Depends(permit("office", "department", "viewer"))]
Office = Annotated[Principal, Depends(permit("office"))]
AreaQuery = Annotated[str, Query(max_length=120, description="surveyed area (静海区, 林海循环经济示范区)")]
Text = Annotated[str | None, Query(max_length=120)]
Year = Annotated[int | None, Query(ge=1949, le=2100)]

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("林业碳汇基础数据库", "Forestry carbon-sink database"),
    "area": ("区域", "Area"),
    "scope_zone": ("（片区调查，不代表全区）", "(a zone's survey, not the district)"),
    "scope_district": ("（全区调查）", "(district survey)"),
    "years": ("各调查年度", "Survey years"),
    "year": ("调查年度", "Survey year"),
    "forest_area": ("森林面积 (hm²)", "Forest area (hm²)"),
    "cover": ("森林覆盖率", "Forest cover"),
    "stock_volume": ("蓄积量 (m³)", "Growing stock (m³)"),
    "stock_co2": ("碳储量 (tCO2)", "Carbon stock (tCO2)"),
    "wetland_area": ("湿地面积 (hm²)", "Wetland area (hm²)"),
    "sinks": ("年度碳汇", "Annual sinks"),
    "forest_sink": ("森林碳汇 (tCO2/年)", "Forest sink (tCO2/yr)"),
    "wetland_sink": ("湿地碳汇 (tCO2/年，单列)", "Wetland sink (tCO2/yr, apart)"),
    "method": ("方法", "Method"),
    "parameters": ("参数", "Parameters"),
    "by_town": ("按乡镇", "By town"),
    "by_species": ("按树种", "By species"),
    "by_age_class": ("按龄组", "By age class"),
    "projects": ("重点工程", "Projects"),
    "project": ("项目", "Project"),
    "parcels_n": ("小班数", "Parcels"),
    "expected": ("预期增汇 (tCO2/年)", "Expected gain (tCO2/yr)"),
    "surveyed": ("实测增汇 (tCO2/年)", "Surveyed gain (tCO2/yr)"),
    "parcels": ("小班", "Parcels"),
    "parcel_id": ("小班号", "Parcel"),
    "town": ("乡镇", "Town"),
    "area_ha": ("面积 (hm²)", "Area (hm²)"),
    "area_mu": ("面积 (亩)", "Area (mu)"),
    "land_class": ("地类", "Land class"),
    "species": ("树种", "Species"),
    "age_class": ("龄组", "Age class"),
    "volume": ("蓄积量 (m³/hm²)", "Volume (m³/hm²)"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "illustrative": ("示例数据", "Illustrative data"),
    "none": ("暂无调查数据", "No survey stored yet"),
    "land_area": ("土地面积来源", "Land area source"),
    "map": ("小班分布图", "Parcel map"),
    "targets": (
        "规划目标（覆盖率与蓄积量按各调查年度对照）",
        "Plan targets (cover and growing stock against each survey year)",
    ),
    "map_by": ("着色", "Colour by"),
    "wetland_factor": ("湿地碳汇因子", "Wetland sink factor"),
    "wetland_value": ("因子 (tCO2/hm²·年)", "Factor (tCO2/hm²/yr)"),
    "wetland_source": ("来源", "Source"),
    "wetland_unset": (
        "未设置：湿地碳汇显示为“—”。由双碳办填写因子及其来源。",
        "Not set: the wetland sink shows “—”. The office enters the factor and its source.",
    ),
    "wetland_set_by": ("设置人", "Set by"),
    "save": ("保存", "Save"),
    "saved": ("已保存", "Saved"),
    "errors": ("未保存，请修改：", "Not saved; please correct:"),
    "cover_chart": ("森林覆盖率变化与目标 (%)", "Forest cover over time against the target (%)"),
    "cover_target": ("目标", "Target"),
    "cover_zone": (
        "片区调查不计算全区森林覆盖率，导入全区调查后显示覆盖率变化图",
        "A zone's survey gives no district cover; the chart appears once a district survey is imported",
    ),
    "map_sink": ("碳密度 (tCO2/hm²)", "Carbon density (tCO2/hm²)"),
    "map_note": (
        "区界为近似边界，非法定边界；示例小班位置为示意",
        "district outline approximate, not a legal boundary; demo parcel positions illustrative",
    ),
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def _actor(who: Principal) -> Actor:
    if who.role not in ("office", "department", "viewer"):
        raise Forbidden("not allowed")
    return Actor(who.username, who.role, who.unit_id)


def _svc(request: Request) -> ForestryService:
    return ForestryService(request.app.state.engine)


def _filters(
    year: int | None, town: str | None, land_class: str | None, species: str | None
) -> dict[str, Any]:
    return {"survey_year": year, "town": town, "land_class": land_class, "species": species}


PARCEL_KEYS = ("survey_year", "parcel_id", "town", "area_ha", "area_mu", "land_class_label", "species_label",
               "age_class_label", "volume_m3_per_ha")  # fmt: skip
PARCEL_WORDS = (
    "year",
    "parcel_id",
    "town",
    "area_ha",
    "area_mu",
    "land_class",
    "species",
    "age_class",
    "volume",
)


@pages.get("/forestry", response_class=HTMLResponse)
def forestry_page(
    request: Request,
    who: Reader,
    area: Annotated[str | None, Query(max_length=120)] = None,
    year: Year = None,
    town: Text = None,
    land_class: Text = None,
    species: Text = None,
) -> Response:
    return render(request, "forestry.html", _context(request, who, area, year, town, land_class, species))


def _context(
    request: Request,
    who: Principal,
    area: str | None,
    year: int | None = None,
    town: str | None = None,
    land_class: str | None = None,
    species: str | None = None,
) -> dict[str, Any]:
    actor, svc, lang = _actor(who), _svc(request), lang_of(request)
    stored = svc.surveys(actor)
    areas = sorted({s.area_name for s in stored})
    chosen = area if area in areas else (DEMO_ZONE if DEMO_ZONE in areas else (areas[0] if areas else None))
    context: dict[str, Any] = {
        "fw": words(lang),
        "areas": areas,
        "area": chosen,
        "num": number,
        "pct": percent,
        "wetland_setting": svc.wetland_setting(actor),
        "may_set": who.role == "office",
        "problems": [],
        "form": {},
        "saved": request.query_params.get("saved") == "wetland",
    }
    if chosen is not None:
        fig = svc.figures(actor, chosen)
        plan = request.app.state.plan
        names = {p.id: p.name for p in plan.projects}
        targets = [
            {"year": i.year, "comparator": i.comparator, "value": i.value, "base_year": i.base_year,
             "quote": i.quote, "metric": i.metric}
            for i in plan.indicators
            if i.metric in ("forest_cover", "forest_stock")
        ]  # fmt: skip
        for p in fig["projects"]:
            p["name"] = names.get(p["project"], p["project"])
        all_rows = svc.parcels(actor, chosen)
        context["cover_chart"] = _cover_chart(fig, targets)
        context.update(
            fig=fig,
            targets=targets,
            rows=svc.parcels(actor, chosen, **_filters(year, town, land_class, species)),
            choices={
                "survey_year": sorted({r["survey_year"] for r in all_rows}),
                "town": sorted({r["town"] for r in all_rows}),
                "land_class": sorted({(r["land_class"], r["land_class_label"]) for r in all_rows}),
                "species": sorted({(r["species"], r["species_label"]) for r in all_rows if r["species"]}),
            },
            chosen_filters=_filters(year, town, land_class, species),
            map_query=urlencode({"area": chosen, **({"year": year} if year else {})}),
            export_query=urlencode(
                {"area": chosen, **{k: v for k, v in _filters(year, town, land_class, species).items() if v}}
            ),
        )
    return context


@pages.post("/forestry/wetland-factor", response_class=HTMLResponse)
async def wetland_factor_form(request: Request, who: Office) -> Response:
    """The office sets the wetland sink factor with its source (CSRF-checked form, audited)."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    area = fields.get("area") or None
    try:
        _svc(request).set_wetland_factor(
            _actor(who), fields.get("value", "")[:40], fields.get("source", "")[:2000], file="<form>"
        )
    except InvalidInputError as exc:
        lang = lang_of(request)
        fw = words(lang)
        labels = {"t_co2_per_ha_year": fw["wetland_value"], "source": fw["wetland_source"]}
        context = _context(request, who, area)
        context["problems"] = [
            f"{labels.get(p.field or '', p.field or '')}：{p.text(lang)}" for p in exc.problems
        ]
        context["form"] = fields
        return render(request, "forestry.html", context, 422)
    query = urlencode({"saved": "wetland", **({"area": area} if area else {})})
    return RedirectResponse(f"/forestry?{query}#wetland-factor", 303)


@api.get("/wetland-factor")
def api_wetland_factor(request: Request, who: Reader) -> dict[str, Any] | None:
    """The office's wetland sink factor (tCO2/hm²/yr) with its source, or null when not set."""
    return _svc(request).wetland_setting(_actor(who))


class WetlandFactorIn(BaseModel):
    t_co2_per_ha_year: float = Field(ge=0, description="wetland sink factor, tCO2 per hm² and year")
    source: str = Field(min_length=1, max_length=500, description="where the factor comes from")


@api.put("/wetland-factor")
def api_set_wetland_factor(request: Request, who: Office, body: WetlandFactorIn) -> dict[str, Any] | None:
    """Set the wetland sink factor with its source (office only, audited)."""
    svc = _svc(request)
    svc.set_wetland_factor(_actor(who), body.t_co2_per_ha_year, body.source, file="<api>")
    return svc.wetland_setting(_actor(who))


def _cover_chart(fig: dict[str, Any], targets: list[dict[str, Any]]) -> str | None:
    """The cover trend of a district survey with the plan's numeric cover targets (the ``>=`` ones:
    不低于 10.5% by 2025), for the chart; None for a zone's survey (no district cover)."""
    if fig["scope"] != "district":
        return None
    goals = [
        {"year": t["year"], "value": t["value"]}
        for t in targets
        if t["metric"] == "forest_cover" and t["value"] is not None and t["comparator"] == ">="
    ]
    years = [f["year"] for f in fig["years"]]
    cover = [None if f["cover_percent"] is None else round(f["cover_percent"], 3) for f in fig["years"]]
    return json.dumps({"years": years, "cover": cover, "targets": goals}, ensure_ascii=False)


@pages.get("/forestry/parcels/export")
def forestry_export(
    request: Request,
    who: Reader,
    area: AreaQuery,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
    year: Year = None,
    town: Text = None,
    land_class: Text = None,
    species: Text = None,
) -> Response:
    lang = lang_of(request)
    rows = _svc(request).parcels(_actor(who), area, **_filters(year, town, land_class, species))
    w = words(lang)
    title = f"{w['parcels']} — {area}" + (
        f"（{w['illustrative']}）" if any(r["illustrative"] for r in rows) else ""
    )
    table = Table.of(w["parcels"], [(k, w[n]) for k, n in zip(PARCEL_KEYS, PARCEL_WORDS, strict=True)], rows,
                     title=title)  # fmt: skip
    return table_response(format, table, "forestry-parcels", lang)


@pages.get("/forestry/map.json")
def forestry_map(request: Request, who: Reader, area: AreaQuery, year: Year = None) -> dict[str, Any]:
    """The offline map's data: the district outline (approximate) and the parcels' polygons."""
    return _svc(request).map_features(_actor(who), area, year)


@api.get("/surveys")
def api_surveys(request: Request, who: Reader) -> list[dict[str, Any]]:
    """Every stored survey (area, scope, year, parcel count, source, illustrative)."""
    return surveys_of(_svc(request).surveys(_actor(who)))


@api.get("/parcels")
def api_parcels(
    request: Request,
    who: Reader,
    area: AreaQuery,
    year: Year = None,
    town: Text = None,
    land_class: Text = None,
    species: Text = None,
) -> list[dict[str, Any]]:
    """The parcels of an area, filtered."""
    return _svc(request).parcels(_actor(who), area, **_filters(year, town, land_class, species))


@api.get("/figures")
def api_figures(request: Request, who: Reader, area: AreaQuery) -> dict[str, Any]:
    """Per survey year: forest area, cover (district only), growing stock and carbon stock; annual
    sinks with their method; stock by town/species/age class; project gains."""
    return _svc(request).figures(_actor(who), area)
