"""The enterprise ledger on the web: an enterprise's own page and JSON API (session or
``Authorization: Bearer <token>``), and the office/viewer ledger of every enterprise.

Every route declares its roles; the service checks again who may see which enterprise
(``carbonpeak.ledgers.access``): an enterprise reaches only its own ``enterprise_id`` — there is no
route taking another enterprise's id that an enterprise may call.
"""

from __future__ import annotations

import contextlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.accounting.catalog import FUELS, UNIT_CHOICES
from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers import LedgerProblems, reportable_fuels
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.rules import rulebook
from carbonpeak.ledgers.tables import ledger_table
from carbonpeak.services.benchmark_levels import BenchmarkLevelService
from carbonpeak.services.enterprises import EnterpriseService, enterprise_dict
from carbonpeak.web.core.auth import Forbidden, Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.core.errors import problem_document
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.tracking_service import closed_years, year_context

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["enterprise ledger"])

Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
LedgerReader = Annotated[Principal, Depends(permit("office", "viewer"))]
PeriodPath = Annotated[
    str, FastPath(pattern=r"^\d{4}-\d{2}$", description="month YYYY-MM", examples=["2025-01"])
]
EnterprisePath = Annotated[str, FastPath(max_length=18, min_length=1, description="统一社会信用代码")]

_WORDS: dict[str, tuple[str, str]] = {
    "ledger": ("重点用能单位台账", "Enterprise ledger"),
    "profile": ("企业信息", "Profile"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "name": ("企业名称", "Name"),
    "industry": ("行业（GB/T 4754-2017）", "Industry (GB/T 4754-2017)"),
    "town": ("镇街", "Town"),
    "two_high": ("两高", "Two-high (两高)"),
    "six_high": ("六大高耗能行业", "Six high-energy industries"),
    "benchmark": ("能效标杆产品", "Benchmark product"),
    "yes": ("是", "yes"),
    "not_filed": ("未报送", "not filed"),
    "no": ("否", "no"),
    "reports": ("月度能源报表", "Monthly energy reports"),
    "period": ("月份", "Month"),
    "tce_cal": ("综合能耗 当量值 (tce)", "Energy, calorific basis (tce)"),
    "tce_cs": ("综合能耗 等价值 (tce)", "Energy, coal-substitution basis (tce)"),
    "co2_combustion": ("燃料燃烧CO2 (t)", "Fuel combustion CO2 (t)"),
    "co2_electricity": ("外购电力CO2 (t)", "Purchased electricity CO2 (t)"),
    "co2_heat": ("外购热力CO2 (t)", "Purchased heat CO2 (t)"),
    "co2_total": ("CO2合计 (t)", "CO2 total (t)"),
    "per_output": ("单位产值能耗 (tce/万元)", "Energy per output (tce/10k yuan)"),
    "status": ("状态", "Status"),
    "version": ("版本", "Version"),
    "source": ("来源", "Source"),
    "draft": ("草稿", "draft"),
    "submitted": ("已报送", "submitted"),
    "no_reports": ("暂无报表", "No reports yet"),
    "submit_month": ("填报月度能源消费", "Report a month's energy use"),
    "fuel": ("能源品种", "Fuel"),
    "amount": ("消费量", "Amount"),
    "unit": ("计量单位", "Unit"),
    "output_value": ("工业总产值（万元，现价）", "Output value (10k yuan, current prices)"),
    "note": ("备注", "Note"),
    "save": ("保存草稿", "Save draft"),
    "submit": ("报送", "Submit"),
    "saved": ("已保存：", "Saved: "),
    "errors": ("请修改以下问题后重新提交：", "Please correct these problems:"),
    "resubmit_note": (
        "同一月份再次报送将替换原有数据，版本号加一，修改记入审计日志。",
        "Reporting a month again replaces its lines and bumps its version; every change is audited.",
    ),
    "not_registered": (
        "本企业尚未列入重点用能单位台账，请联系区双碳办。",
        "Your enterprise is not in the ledger yet; ask the district office.",
    ),
    "chart": ("月度综合能耗与CO2", "Monthly energy and CO2"),
    "method": ("折标与排放因子", "Coefficients and factors"),
    "latest": ("最新月份", "Latest month"),
    "ytd_tce_cal": ("本年累计 当量值 (tce)", "Year to date, calorific (tce)"),
    "ytd_tce_cs": ("本年累计 等价值 (tce)", "Year to date, coal substitution (tce)"),
    "ytd_co2": ("本年累计CO2 (t)", "Year to date CO2 (t)"),
    "year": ("年份", "Year"),
    "api_note": (
        "机器报送：POST /api/v1/enterprise/reports，请求头 Authorization: Bearer <API令牌>。",
        "Machine submission: POST /api/v1/enterprise/reports with Authorization: Bearer <API token>.",
    ),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "download_csv": ("下载 CSV", "Download CSV"),
    # --- meters2: product output and benchmark levels ---
    "product": ("产品（能效标杆水平表）", "Product (benchmark table)"),
    "product_none": ("不填报产品产量", "no product output"),
    "product_output": ("产品产量", "Product output"),
    "product_unit": ("产量单位（默认为表中单位）", "Output unit (default: the table's)"),
    "product_energy": ("产品能耗 (tce)", "Product energy (tce)"),
    "product_line": ("产品", "Product"),
    "products_title": ("产品产量（能效标杆水平对照）", "Product output (against the benchmark levels)"),
    "products_hint": (
        "每行一种产品。只填一种产品时可不填能耗，按当月综合能耗计算单位产品能耗（本单位还生产其他产品时为上限值）；"
        "填多种产品时须填写各产品能耗（当量值 tce；电解铝填其交流电耗折标煤，按 0.1229 kgce/kWh），"
        "合计不得超过当月综合能耗。",
        "One product per row. With one product the energy may be left empty: the month's total is used (an "
        "upper bound if the unit makes other products too). With several, give each product's energy (tce, "
        "calorific; for 电解铝 its AC electricity at 0.1229 kgce/kWh); together at most the month's total.",
    ),
    "own_energy": ("本产品能耗", "the product's own"),
    "month_total": ("当月综合能耗（上限值）", "the month's total (upper bound)"),
    "energy_tce": ("能耗 (tce)", "Energy (tce)"),
    "levels": ("能效标杆水平对照", "Against the benchmark levels"),
    "levels_note": (
        "单位产品能耗 = 该产品能耗 ÷ 产品产量（当量值；电解铝为电耗）。每种产品一行；"
        "未填产品能耗的月份按当月综合能耗计，本单位还生产其他产品时为上限值。",
        "Unit consumption = the product's energy / its output (calorific; electricity for a kWh norm), one "
        "row per product; a month without the product's own energy uses the month's total, an upper bound "
        "where the unit makes other products too.",
    ),
    "months_n": ("月数", "Months"),
    "unit_consumption": ("单位产品能耗", "Unit consumption"),
    "benchmark_level": ("标杆水平", "Benchmark level"),
    "baseline": ("基准水平", "Baseline level"),
    "level": ("水平", "Level"),
    "levels_source": ("来源：", "Source: "),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def service(request: Request) -> EnterpriseService:
    return EnterpriseService(request.app.state.engine)


def actor_of(who: Principal) -> LedgerActor:
    if who.role == "public":
        raise Forbidden("sign in first")
    return LedgerActor(who.username, who.role, who.enterprise_id)


def _fuel_rows() -> list[dict[str, Any]]:
    """The form's rows: every reportable fuel with its units (catalogue unit first)."""
    return [
        {"code": code, "name": name, "units": UNIT_CHOICES[FUELS[code].unit]}
        for code, name in reportable_fuels().items()
    ]


def _chart(rows: list[dict[str, Any]], w: dict[str, str]) -> str:
    return json.dumps(
        {
            "periods": [r["period"] for r in rows],
            "tce": [round(r["tce_calorific"], 3) for r in rows],
            "tce_cs": [round(r["tce_coal_substitution"], 3) for r in rows],
            "co2": [round(r["co2_total"], 3) for r in rows],
            "names": [w["tce_cal"], w["tce_cs"], w["co2_total"]],
        },
        ensure_ascii=False,
    )


def _enterprise_context(request: Request, actor: LedgerActor, enterprise_id: str) -> dict[str, Any]:
    svc = service(request)
    ent = svc.enterprise(actor, enterprise_id)
    rows = svc.reports(actor, enterprise_id)
    w = words(lang_of(request))
    levels = BenchmarkLevelService(request.app.state.engine).unit_levels(actor, enterprise_id)
    return {
        "ent": enterprise_dict(ent),
        "levels": levels,
        "products": list(rulebook().benchmarks),
        "reports": rows,
        "chart": _chart(rows, w),
        "method": svc.method_sources(sorted({int(r["period"][:4]) for r in rows})),
    }


def _own_page(
    request: Request,
    who: Principal,
    *,
    problems: list[str] | None = None,
    form: dict[str, Any] | None = None,
    form_products: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    actor = actor_of(who)
    context: dict[str, Any] = {
        "ew": words(lang_of(request)),
        "fuels": _fuel_rows(),
        "problems": problems or [],
        "form": form or {},
        "saved": request.query_params.get("saved", ""),
        "ent": None,
    }
    with contextlib.suppress(NotFoundError):  # not in the registry yet: the page says so
        context |= _enterprise_context(request, actor, who.enterprise_id or "")
    context["product_rows"] = _product_rows(context["ent"], form_products)
    return render(request, "enterprise.html", context, 422 if problems else 200)


@pages.get("/enterprise", response_class=HTMLResponse)
def enterprise_page(request: Request, who: Firm) -> Response:
    return _own_page(request, who)


@pages.post("/enterprise/reports", response_class=HTMLResponse)
async def enterprise_submit(request: Request, who: Firm) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    lines, labels = [], []
    for fuel, name in reportable_fuels().items():
        amount = fields.get(f"amount_{fuel}", "").strip()
        if amount:
            lines.append({"fuel": fuel, "amount": amount, "unit": fields.get(f"unit_{fuel}", "")})
            labels.append(f"{name} ({fuel})")
    keys = (
        "period",
        "output_value",
        "note",
        "product",
        "product_output",
        "product_unit",
    )  # one product: older form
    data = {k: fields.get(k, "") for k in keys} | {"lines": lines, "products": _form_products(form)}
    status = "draft" if fields.get("step") == "save" else "submitted"
    try:
        stored = service(request).submit(
            actor_of(who), who.enterprise_id or "", data, source="web", status=status
        )
    except LedgerProblems as exc:
        messages = []
        w = words(lang_of(request))
        for p in exc.problems:
            where = p.field or ""
            if where.startswith("lines[") and "]" in where:
                index = int(where[6 : where.index("]")])
                where = f"{labels[index]}{where[where.index(']') + 1 :]}"
            elif where.startswith("products[") and "]" in where:  # 产品 2 · 产品能耗 (tce)
                index, part = int(where[9 : where.index("]")]), where[where.index("]") + 2 :]
                where = f"{w['product_line']} {index + 1} · {w.get(PRODUCT_FIELD_WORD.get(part, ''), part)}"
            messages.append(f"{where}: {p.text(lang_of(request))}")
        return _own_page(request, who, problems=messages, form=fields, form_products=_form_rows(form))
    return RedirectResponse(f"/enterprise?saved={stored['period']}", 303)


PRODUCT_FIELDS = ("p_product", "p_output", "p_unit", "p_energy")
PRODUCT_FIELD_WORD = {"product": "product", "output": "product_output", "unit": "product_unit"}
PRODUCT_FIELD_WORD["energy_tce"] = "product_energy"
FORM_PRODUCTS = 3  # rows of the form's product table (more through the API or the template)


def _form_rows(form: Any) -> list[dict[str, str]]:
    """The product rows of the form as sent (lists of p_product, p_output, p_unit, p_energy)."""
    columns = [[str(v) for v in form.getlist(name)] for name in PRODUCT_FIELDS]
    count = max((len(c) for c in columns), default=0)
    return [
        {
            name: (col[i].strip() if i < len(col) else "")
            for name, col in zip(PRODUCT_FIELDS, columns, strict=True)
        }
        for i in range(count)
    ]


def _form_products(form: Any) -> list[dict[str, str]]:
    """The form's filled product rows as product lines (blank rows left out)."""
    return [
        {"product": r["p_product"], "output": r["p_output"], "unit": r["p_unit"], "energy_tce": r["p_energy"]}
        for r in _form_rows(form)
        if any(r.values())
    ]


def _product_rows(ent: dict[str, Any] | None, sent: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """The form's product table: the rows sent back after a refusal, else the enterprise's benchmark
    product (if it is in the table) on the first row; always FORM_PRODUCTS rows."""
    rows = list(sent or [])
    if not rows and ent and ent.get("benchmark_product") in rulebook().benchmarks:
        rows = [{"p_product": str(ent["benchmark_product"])}]
    blank = dict.fromkeys(PRODUCT_FIELDS, "")
    rows = [blank | r for r in rows]
    return rows + [dict(blank) for _ in range(max(0, FORM_PRODUCTS - len(rows)))]


@pages.get("/enterprises", response_class=HTMLResponse)
def enterprises_page(
    request: Request, who: LedgerReader, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    svc = service(request)
    actor = actor_of(who)
    used, rows = svc.ledger(actor, year, closed_years(request))
    return render(
        request,
        "enterprises.html",
        {
            "ew": words(lang_of(request)),
            "rows": rows,
            "year": used,
            "year_sel": year_context(request, used, extra=set(svc.report_years(actor))) if used else None,
            "illustrative": any(r["illustrative"] for r in rows),
        },
    )


@pages.get("/enterprises/export")
def enterprises_export(
    request: Request,
    who: LedgerReader,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    used, rows = service(request).ledger(actor_of(who), year, closed_years(request))
    return table_response(format, ledger_table(used, rows), f"enterprises-{used or 'all'}")


@pages.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_detail(request: Request, who: LedgerReader, enterprise_id: EnterprisePath) -> Response:
    context = _enterprise_context(request, actor_of(who), enterprise_id)
    return render(request, "enterprise_detail.html", {"ew": words(lang_of(request)), **context})


# -- JSON API ---------------------------------------------------------------------------------------


class LineIn(BaseModel):
    fuel: str = Field(
        max_length=40, description="fuel code: raw_coal, diesel, natural_gas, electricity, heat, …"
    )
    amount: float | str = Field(description="amount ≥ 0 in ``unit``")
    unit: str = Field(
        "", max_length=40, description="e.g. 吨, 万立方米, 万千瓦时, GJ (default: the catalogue unit)"
    )


class ProductIn(BaseModel):
    product: str = Field(max_length=80, description="a product of the benchmark table (能效标杆水平表)")
    output: float | str = Field(description="the month's output of the product, > 0")
    unit: str = Field("", max_length=40, description="its unit (default: the table's, e.g. t)")
    energy_tce: float | str | None = Field(
        None,
        description="energy attributed to the product, tce (calorific; for 电解铝 its electricity); "
        "needed when the month has several products, else the month's total",
    )


class ReportIn(BaseModel):
    """A month's energy use; a month already reported is replaced (its version goes up)."""

    period: str = Field(max_length=20, description="month YYYY-MM", examples=["2025-01"])
    lines: list[LineIn] = Field(max_length=100)
    output_value: float | None = Field(None, description="gross output value, 万元 at current prices")
    note: str = Field("", max_length=2000)
    status: Literal["draft", "submitted"] = "submitted"
    products: list[ProductIn] = Field(
        default_factory=list,
        max_length=20,
        description="the month's products of the benchmark table, one line each "
        "(several: each with its energy)",
    )
    product: str | None = Field(
        None, max_length=80, description="one product only, the older form (use ``products``)"
    )
    product_output: float | None = Field(None, description="its output (older form)")
    product_unit: str | None = Field(None, max_length=40, description="its unit (older form)")


def _problems(request: Request, exc: LedgerProblems) -> JSONResponse:
    return JSONResponse(problem_document(exc, lang_of(request)), 422)


def _own(request: Request, who: Principal) -> tuple[EnterpriseService, LedgerActor, str]:
    return service(request), actor_of(who), who.enterprise_id or ""


@api.get("/enterprise/reports", summary="The caller's enterprise: profile, monthly reports, method")
def api_reports(request: Request, who: Firm) -> dict[str, Any]:
    svc, actor, ent_id = _own(request, who)
    ent = svc.enterprise(actor, ent_id)
    rows = svc.reports(actor, ent_id)
    return {
        "enterprise": enterprise_dict(ent),
        "illustrative": ent.illustrative,
        "method": svc.method_sources(sorted({int(r["period"][:4]) for r in rows})),
        "reports": rows,
    }


@api.post("/enterprise/reports", summary="Submit (or save as draft) a month's energy report")
def api_submit(request: Request, who: Firm, body: ReportIn) -> Any:
    svc, actor, ent_id = _own(request, who)
    data = body.model_dump()
    try:
        return svc.submit(actor, ent_id, data, source="api", status=body.status)
    except LedgerProblems as exc:
        return _problems(request, exc)


@api.get("/enterprise/reports/{period}", summary="One month's report of the caller's enterprise")
def api_report(request: Request, who: Firm, period: PeriodPath) -> dict[str, Any]:
    svc, actor, ent_id = _own(request, who)
    return svc.report(actor, ent_id, period)
