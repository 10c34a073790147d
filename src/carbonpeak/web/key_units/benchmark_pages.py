"""Benchmark levels and the reconciliation with the inventory on the web and the API: the office's
list of the units' unit consumption in a year against the national benchmark/baseline levels (the
firm's own is on its enterprise page), and the units' totals against the inventory's industry."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.errors import NotFoundError
from carbonpeak.services.benchmark_levels import BenchmarkLevelService
from carbonpeak.services.benchmark_levels import table_source as source
from carbonpeak.services.reconcile import ReconcileService
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.key_units.routes import actor_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["key energy-using units"])
DistrictReader = Annotated[Principal, Depends(permit("office", "viewer"))]
Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="year (default: last year)")]

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("能效标杆水平对照", "Unit consumption against the benchmark levels"),
    "year": ("年度", "Year"),
    "enterprise": ("企业", "Enterprise"),
    "product": ("产品", "Product"),
    "months": ("月数", "Months"),
    "output": ("产品产量", "Output"),
    "value": ("单位产品能耗", "Unit consumption"),
    "benchmark": ("标杆水平", "Benchmark level"),
    "baseline": ("基准水平", "Baseline level"),
    "level": ("水平", "Level"),
    "none": ("本年度没有填报产品产量的单位", "No unit reported a product output this year"),
    "note": (
        "每家单位每种产品一行。单位产品能耗 = 该产品能耗 ÷ 产品产量（当量值；电解铝为电耗），按全年合计计算；"
        "未填产品能耗的月份按当月综合能耗计（单位还生产其他产品时为上限值）；未含草稿月份。",
        "One row per unit and product. Unit consumption = the product's energy / its output (calorific; "
        "electricity for a kWh norm), over the year's totals; months without the product's own energy use "
        "the month's total (an upper bound where the unit makes other products too); drafts left out.",
    ),
    "counts": (
        "标杆 {0} 项，基准 {1} 项，未达基准 {2} 项（每家单位每种产品一项）",
        "{0} at the benchmark, {1} at the baseline, {2} below (one per unit and product)",
    ),
    "energy": ("能耗 (tce)", "Energy (tce)"),
    "own_energy": ("本产品能耗", "the product's own"),
    "month_total": ("含当月综合能耗（上限值）", "months' totals (upper bound)"),
    "source": ("来源：", "Source: "),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def _year(year: int | None) -> int:
    return year or dt.date.today().year - 1


def _svc(request: Request) -> BenchmarkLevelService:
    return BenchmarkLevelService(request.app.state.engine)


@pages.get("/key-units/benchmarks", response_class=HTMLResponse)
def key_benchmarks_page(request: Request, who: DistrictReader, year: YearQuery = None) -> Response:
    lang, used = lang_of(request), _year(year)
    rows = _svc(request).district(actor_of(who), used)
    w = words(lang)
    counts = [sum(r["level"] == k for r in rows) for k in ("benchmark", "baseline", "below_baseline")]
    return render(
        request,
        "key_benchmarks.html",
        {
            "bw": w,
            "rows": rows,
            "year": used,
            "counts": w["counts"].format(*counts),
            "source": source(),
            "illustrative": any(r["illustrative"] for r in rows),
        },
    )


@api.get(
    "/key-units/benchmarks", summary="Every unit's unit consumption of a year against the benchmark levels"
)
def api_benchmarks(request: Request, who: DistrictReader, year: YearQuery = None) -> list[dict[str, Any]]:
    return _svc(request).district(actor_of(who), _year(year))


@api.get(
    "/enterprise/benchmarks", summary="The caller's unit consumption by month and year against the levels"
)
def api_own_benchmarks(request: Request, who: Firm) -> dict[str, Any]:
    return _svc(request).unit_levels(actor_of(who), who.enterprise_id or "")


# -- reconciliation with the district inventory -----------------------------------------------------

_RECONCILE: dict[str, tuple[str, str]] = {
    "title": ("重点用能单位与清单对照", "Key units against the district inventory"),
    "year": ("年度", "Year"),
    "fuel": ("能源品种", "Fuel"),
    "unit": ("单位", "Unit"),
    "inventory": ("清单工业部门", "Inventory, industry"),
    "reported": ("重点用能单位报送", "Key units reported"),
    "metered": ("在线监测", "Metered"),
    "share": ("覆盖比例", "Share covered"),
    "difference": ("差值（其他工业）", "Difference (other industry)"),
    "flag": ("口径", "Boundary"),
    "exceeds": ("超过清单，请核对口径", "above the inventory: check"),
    "missing": ("清单工业部门无此品种", "not in the inventory's industry"),
    "ok": ("可比", "comparable"),
    "energy": ("综合能耗（tce，当量值）", "Energy (tce, calorific)"),
    "method": (
        "口径：重点用能单位为工业企业，其月报为终端消费，只与清单工业部门（industry）同品种的实物量比较"
        "（统一换算为目录单位）；不与发电、交通、建筑比较；工业过程排放与碳汇不是能源品种；"
        "只计已报送和已审核通过的月份。",
        "Boundary: the key units are industrial enterprises reporting final consumption; they are compared "
        "with the inventory's industry lines of the same fuel in physical units (catalogue units) only — "
        "not with generation, transport or buildings; process CO2 and sinks are no fuels; submitted and "
        "approved months only.",
    ),
    "no_inventory": ("清单中没有该年度的数据", "The stored inventory has no data for this year"),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
}


def _reconcile_service(request: Request) -> ReconcileService:
    return ReconcileService(request.app.state.engine)


@pages.get("/key-units/reconcile", response_class=HTMLResponse)
def key_reconcile_page(request: Request, who: DistrictReader, year: YearQuery = None) -> Response:
    lang, used = lang_of(request), _year(year)
    w = {k: (en if lang == "en" else zh) for k, (zh, en) in _RECONCILE.items()}
    try:
        out: dict[str, Any] | None = _reconcile_service(request).reconcile(actor_of(who), used)
    except NotFoundError:
        out = None
    return render(request, "key_reconcile.html", {"rw": w, "out": out, "year": used}, 200 if out else 404)


@api.get(
    "/key-units/reconcile", summary="The key units' totals of a year against the inventory's industry by fuel"
)
def api_reconcile(request: Request, who: DistrictReader, year: YearQuery = None) -> dict[str, Any]:
    return _reconcile_service(request).reconcile(actor_of(who), _year(year))
