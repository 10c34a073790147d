"""The 两高 project ledger and the energy review on the web.

Every route declares its roles; the service checks again which projects an actor sees
(``carbonpeak.ledgers.two_high_access``: a department the stages its unit keeps, the office all)
and who reviews (the office and the responsible units of 三.(一).4)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.accounting.catalog import FUELS, UNIT_CHOICES
from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers import LedgerProblems, reportable_fuels
from carbonpeak.ledgers.projects import label, vocabulary
from carbonpeak.ledgers.rules import rulebook
from carbonpeak.ledgers.two_high_access import TwoHighActor
from carbonpeak.reports import documents
from carbonpeak.services.two_high import TwoHighService
from carbonpeak.units.display import number, percent
from carbonpeak.web.core.auth import Forbidden, Principal, permit
from carbonpeak.web.core.downloads import attachment, table_response
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.core.render import lang_of, render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["two-high ledger"])

Reader = Annotated[Principal, Depends(permit("office", "department", "viewer"))]
Reviewer = Annotated[Principal, Depends(permit("office", "department"))]
Filter = Annotated[str | None, Query(max_length=40)]

_WORDS: dict[str, tuple[str, str]] = {
    "ledger": ("两高项目台账", "Two-high project ledger"),
    "name": ("项目名称", "Project"),
    "company": ("企业", "Company"),
    "industry": ("行业代码", "Industry code"),
    "location": ("镇街或园区", "Town or park"),
    "stage": ("阶段", "Stage"),
    "category": ("两高类别", "Two-high category"),
    "product": ("标杆产品", "Benchmark product"),
    "disposal": ("处置类别", "Disposal"),
    "approvals": ("审批手续", "Approvals"),
    "all": ("全部", "all"),
    "filter": ("筛选", "Filter"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "template": ("导入模板", "Import template"),
    "review": ("节能审查", "Energy review"),
    "review_new": ("新建节能审查", "New energy review"),
    "output": ("年产量", "Annual output"),
    "output_unit": ("产量单位", "Output unit"),
    "start_year": ("投产年份", "Start year"),
    "value_added": ("年增加值（万元，可选）", "Value added (10k yuan, optional)"),
    "review_date": ("审查日期（可选）", "Review date (optional)"),
    "fuel": ("能源品种", "Fuel"),
    "amount": ("年消费量", "Annual amount"),
    "unit": ("计量单位", "Unit"),
    "run": ("审查并保存", "Review and save"),
    "errors": ("请修改以下问题后重新提交：", "Please correct these problems:"),
    "print": ("打印审查意见表", "Print the review sheet"),
    "none": ("无", "none"),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "result": ("审查结论", "Result"),
    "reasons": ("理由", "Reasons"),
    "exempt": ("免于单独节能审查", "Exempt from separate review"),
    "tier": ("审查层级", "Review tier"),
    "tce_cal": ("综合能耗（当量值，tce）", "Energy, calorific basis (tce)"),
    "tce_cs": ("综合能耗（等价值，tce）", "Energy, coal-substitution basis (tce)"),
    "coal": ("煤炭消费量（t）", "Coal (t)"),
    "co2": ("二氧化碳排放量（t）", "CO2 (t)"),
    "benchmark": ("能效水平", "Efficiency level"),
    "no_benchmark": ("无对应标杆", "no benchmark"),
    "headroom": ("区域剩余能耗空间（tce）", "District's remaining energy room (tce)"),
    "headroom_co2": ("区域剩余碳排放空间（tCO2）", "District's remaining CO2 room (tCO2)"),
    "co2_share": ("项目占剩余碳排放空间", "Project's share of the CO2 room"),
    "effect_energy": (
        "能耗强度累计下降（无项目 / 有项目 / 目标）",
        "Energy intensity reduction (without / with / target)",
    ),
    "effect_co2": (
        "碳排放强度累计下降（无项目 / 有项目 / 目标）",
        "CO2 intensity reduction (without / with / target)",
    ),
    "effect_nonfossil": ("非化石能源占比（无项目 / 有项目）", "Non-fossil share (without / with)"),
    "headroom_source": ("空间测算依据", "How the room was computed"),
    "share": ("项目占剩余空间", "Project's share of the room"),
    "edition": ("适用办法", "Rules applied"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "sheet": ("固定资产投资项目节能审查意见表", "Energy review sheet of an investment project"),
    "findings": ("方案禁止和限制条款核查", "The plan's prohibitions and constraints"),
    "findings_note": (
        "方案禁止或严格控制的行业、设备和燃料所覆盖的台账项目；已批准实施且被禁止性条款覆盖的为违反。",
        "Ledger projects that an industry, equipment or fuel the plan forbids or restricts covers; an "
        "approved project a forbidding rule covers is a breach.",
    ),
    "clause": ("方案条款", "Clause"),
    "rule_text": ("条款原文", "The plan's words"),
    "effect": ("性质", "Effect"),
    "verdict": ("核查结论", "Finding"),
    "no_findings": (
        "台账中没有被禁止或限制条款覆盖的项目。",
        "No ledger project is covered by a prohibition.",
    ),
    "download_pdf": ("下载 PDF", "Download PDF"),
    "download_docx": ("下载 Word", "Download Word"),
    "equipment": ("主要用能设备", "Equipment"),
    "equipment_hint": (
        "项目新建或使用的下列设备（方案禁止或限制的设备）",
        "Equipment the project installs (named by the plan's prohibitions)",
    ),
}


def words(request: Request) -> dict[str, str]:
    lang = lang_of(request)
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def service(request: Request) -> TwoHighService:
    return TwoHighService(request.app.state.engine, plan=request.app.state.plan, from_inventory=True)


def actor_of(who: Principal) -> TwoHighActor:
    if who.role not in ("office", "department", "viewer"):
        raise Forbidden("the two-high ledger is for the office, the departments and viewers")
    return TwoHighActor(who.username, who.role, who.unit_id)


def project_dict(stored: Any, lang: str) -> dict[str, Any]:
    p = stored.project
    return {
        "id": stored.id,
        "version": stored.version,
        **p.model_dump(mode="json"),
        "industry_label": p.industry,
        "stage_label": label("stages", p.stage, lang),
        "disposal_label": label("disposals", p.disposal_category, lang),
        "approval_labels": [f"{label('approvals', a.kind, lang)} {a.document_no}" for a in p.approvals],
    }


def finding_dict(f: dict[str, Any], lang: str) -> dict[str, Any]:
    """A finding with the words a person reads (no codes)."""
    zh = lang != "en"
    if f["breach"]:
        verdict = "违反禁止性规定" if zh else "breach of a prohibition"
    elif f["predates_plan"]:
        verdict = "方案印发前已批（存量）" if zh else "approved before the plan (existing)"
    elif f["effect"] == "forbids":
        verdict = "禁止类，不得审批" if zh else "forbidden: not to be approved"
    else:
        verdict = "严格控制类，须论证" if zh else "restricted: to be justified"
    effect = ("禁止" if zh else "forbids") if f["effect"] == "forbids" else ("限制" if zh else "restricts")
    return f | {"stage_label": label("stages", f["stage"], lang), "effect_label": effect, "verdict": verdict}


def _filters(
    stage: str | None, industry: str | None, location: str | None, disposal: str | None
) -> dict[str, Any]:
    return {"stage": stage, "industry": industry, "location": location, "disposal": disposal}


@pages.get("/two-high", response_class=HTMLResponse)
def two_high_page(
    request: Request,
    who: Reader,
    stage: Filter = None,
    industry: Filter = None,
    location: Filter = None,
    disposal: Filter = None,
) -> Response:
    lang = lang_of(request)
    filters = _filters(stage, industry, location, disposal)
    svc = service(request)
    rows = [project_dict(s, lang) for s in svc.projects(actor_of(who), **filters)]
    found = [finding_dict(f, lang) for f in svc.findings(actor_of(who), **filters)]
    vocab = vocabulary()
    key = "en" if lang == "en" else "zh"
    return render(
        request,
        "two_high.html",
        {
            "tw": words(request),
            "rows": rows,
            "findings": found,
            "filters": filters,
            "stages": {k: v[key] for k, v in vocab["stages"].items()},
            "disposals": {k: v[key] for k, v in vocab["disposals"].items()},
            "illustrative": any(r["illustrative"] for r in rows),
            "may_review": who.role in ("office", "department"),
        },
    )


@pages.get("/two-high/export")
def two_high_export(
    request: Request,
    who: Reader,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
    stage: Filter = None,
    industry: Filter = None,
    location: Filter = None,
    disposal: Filter = None,
) -> Response:
    table = service(request).export(actor_of(who), **_filters(stage, industry, location, disposal))
    return table_response(format, table, "two-high-ledger")


@pages.get("/two-high/template")
def two_high_template(request: Request, who: Reader) -> Response:
    return table_response("xlsx", service(request).template(), "two-high-template")


def _form_context(request: Request, **extra: Any) -> dict[str, Any]:
    fuels = [
        {"code": code, "name": name, "units": UNIT_CHOICES[FUELS[code].unit]}
        for code, name in reportable_fuels().items()
    ]
    named = [e for rule in request.app.state.plan.prohibitions for e in rule.equipment]
    return {
        "tw": words(request),
        "fuels": fuels,
        "products": list(rulebook().benchmarks),
        "equipment": list(dict.fromkeys(named)),
        **extra,
    }


@pages.get("/two-high/review", response_class=HTMLResponse)
def two_high_review_form(request: Request, who: Reviewer) -> Response:
    service(request).reviews(actor_of(who))  # refuses a department that does not review
    return render(request, "two_high_review.html", _form_context(request, form={}, problems=[]))


@pages.post("/two-high/review", response_class=HTMLResponse)
async def two_high_review_submit(request: Request, who: Reviewer) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    equipment = [str(v) for v in form.getlist("equipment") if isinstance(v, str)][:20]
    energy, labels = [], []
    for fuel, name in reportable_fuels().items():
        amount = fields.get(f"amount_{fuel}", "").strip()
        if amount:
            energy.append({"fuel": fuel, "amount": amount, "unit": fields.get(f"unit_{fuel}", "")})
            labels.append(name)
    year = fields.get("start_year", "").strip()
    data: dict[str, Any] = {
        "name": fields.get("name", ""),
        "industry": fields.get("industry", ""),
        "product": fields.get("product") or None,
        "annual_output": {"amount": fields.get("annual_output", ""), "unit": fields.get("output_unit", "")},
        "start_year": int(year) if year.isdigit() else year,
        "value_added": fields.get("value_added") or None,
        "review_date": fields.get("review_date") or None,
        "equipment": equipment,
        "energy": energy,
    }
    try:
        result = service(request).review(actor_of(who), data, file="<form>", source="web")
    except LedgerProblems as exc:
        messages = []
        for p in exc.problems:
            where = p.field or ""
            if where.startswith("energy[") and "]" in where:
                where = labels[int(where[7 : where.index("]")])] + where[where.index("]") + 1 :]
            messages.append(f"{where}: {p.message}")
        context = _form_context(request, form=fields | {"equipment": equipment}, problems=messages)
        return render(request, "two_high_review.html", context, 422)
    return _sheet(request, result)


def _sheet(request: Request, result: dict[str, Any]) -> Response:
    context = {
        "tw": words(request),
        "r": result,
        "lang": lang_of(request),
        "number": number,
        "percent": percent,
    }
    return render(request, "two_high_sheet.html", context)


@pages.get("/two-high/reviews/{review_id}", response_class=HTMLResponse)
def two_high_review_sheet(request: Request, who: Reviewer, review_id: PathId) -> Response:
    found = [r for r in service(request).reviews(actor_of(who)) if r["id"] == review_id]
    if not found:
        raise NotFoundError(f"energy review {review_id} does not exist")
    return _sheet(request, found[0])


@pages.get("/two-high/reviews/{review_id}/sheet")
def two_high_review_download(
    request: Request,
    who: Reviewer,
    review_id: PathId,
    format: Annotated[Literal["pdf", "docx", "html"], Query()] = "pdf",
) -> Response:
    """The stored review's sheet as a document written by ``carbonpeak.reports`` (the CLI's
    ``ledger review --out`` writes the same document)."""
    found = [r for r in service(request).reviews(actor_of(who)) if r["id"] == review_id]
    if not found:
        raise NotFoundError(f"energy review {review_id} does not exist")
    doc = documents.review_document(found[0], request.app.state.plan.plan.district, lang_of(request))
    return attachment(
        documents.render(doc, format), documents.MEDIA[format], f"energy-review-{review_id}.{format}"
    )


@api.get("/two-high/projects")
def api_projects(
    request: Request,
    who: Reader,
    stage: Filter = None,
    industry: Filter = None,
    location: Filter = None,
    disposal: Filter = None,
) -> list[dict[str, Any]]:
    """The 两高 projects the caller may see, filtered by stage, industry code prefix, location, disposal."""
    lang = lang_of(request)
    stored = service(request).projects(actor_of(who), **_filters(stage, industry, location, disposal))
    return [project_dict(s, lang) for s in stored]


@api.get("/two-high/findings")
def api_findings(
    request: Request,
    who: Reader,
    stage: Filter = None,
    industry: Filter = None,
    location: Filter = None,
    disposal: Filter = None,
) -> list[dict[str, Any]]:
    """The projects the caller sees that a prohibition or constraint of the plan covers, with the
    clause, its text, forbids/restricts and whether an approved project breaches it."""
    filters = _filters(stage, industry, location, disposal)
    return [finding_dict(f, lang_of(request)) for f in service(request).findings(actor_of(who), **filters)]


@api.post("/two-high/reviews")
def api_review(request: Request, who: Reviewer, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Review a proposed project (the fields of the project file) and store the review."""
    return service(request).review(actor_of(who), body, file="<api>", source="api")
