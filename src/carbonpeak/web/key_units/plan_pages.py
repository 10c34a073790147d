"""One plan per firm (一企一策) on the web: the enterprise edits its own plan and measures and uploads
the plan's document (type detected from the content, size limited, stored by sha256 as evidence
files are); the office and viewers see the units without a plan and the measures overdue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError
from carbonpeak.ledgers.firm_plans import STATUS_WORDS
from carbonpeak.services.firm_plans import FirmPlanService
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import attachment
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.key_units.routes import actor_of

pages = APIRouter(include_in_schema=False)
DistrictReader = Annotated[Principal, Depends(permit("office", "viewer"))]
Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
EnterprisePath = Annotated[str, FastPath(max_length=18, min_length=18, description="统一社会信用代码")]
BLANK_ROWS = 3  # empty measure rows offered below the stored ones

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("一企一策", "One plan per firm (一企一策)"),
    "own": ("本企业碳达峰方案（一企一策）", "Our own carbon-peak plan (一企一策)"),
    "plan_title": ("方案名称", "Plan title"),
    "document": ("方案文件（文号或文件名）", "Plan document (文号 or file name)"),
    "adopted_on": ("印发日期", "Adopted on"),
    "file": ("上传方案文件（PDF、DOCX、PNG、JPEG）", "Upload the plan document (PDF, DOCX, PNG, JPEG)"),
    "stored_file": ("已上传文件：", "Uploaded file: "),
    "download": ("下载", "Download"),
    "measures": ("措施", "Measures"),
    "name": ("措施名称", "Measure"),
    "saving": ("预计年节能量（tce，当量值）", "Expected yearly saving (tce, calorific)"),
    "co2": ("预计年减碳量（tCO2）", "Expected yearly CO2 reduction (t)"),
    "start": ("开始日期", "Start"),
    "due": ("完成期限", "Due"),
    "status": ("状态", "Status"),
    "overdue": ("已逾期", "overdue"),
    "save": ("保存方案", "Save the plan"),
    "saved": ("已保存，版本 ", "Saved, version "),
    "problems": ("方案有以下问题，未保存：", "The plan has these problems; nothing was stored:"),
    "blank_hint": ("空白行不保存；至少填写一项措施。", "Blank rows are not stored; at least one measure."),
    "units": ("重点用能单位", "Key units"),
    "with_plan": ("已制定方案", "With a plan"),
    "without_plan": ("尚无方案的单位", "Units without a plan"),
    "none_missing": ("所有单位均已制定方案", "Every unit has a plan"),
    "enterprise": ("企业", "Enterprise"),
    "expected": ("预计年节能量合计（tce）", "Expected yearly saving (tce)"),
    "overdue_list": ("逾期措施", "Measures overdue"),
    "no_plan": ("无", "none"),
    "has_file": ("方案文件", "Plan file"),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def service(request: Request) -> FirmPlanService:
    conf = request.app.state.settings
    return FirmPlanService(
        request.app.state.engine,
        files_dir=conf.resolved_evidence_dir(),
        max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
        types=conf.evidence_types,
    )


def _statuses(lang: Lang) -> list[tuple[str, str]]:
    return [(k, en if lang == "en" else zh) for k, (zh, en) in STATUS_WORDS.items()]


def _own_page(
    request: Request,
    who: Principal,
    *,
    form: dict[str, Any] | None = None,
    problems: list[str] | None = None,
    saved: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    lang = lang_of(request)
    stored = service(request).plan(actor_of(who), who.enterprise_id or "")
    shown = form or stored or {"title": "", "document": "", "adopted_on": "", "measures": []}
    measures = (
        list(shown.get("measures") or [])
        + [
            {
                "name": "",
                "expected_saving_tce": "",
                "expected_co2_t": "",
                "start": "",
                "due": "",
                "status": "planned",
            }
        ]
        * BLANK_ROWS
    )
    return render(
        request,
        "key_plan.html",
        {
            "pw": words(lang),
            "firm_plan": shown,
            "measures": measures,
            "file": (stored or {}).get("file"),
            "statuses": _statuses(lang),
            "problems": problems or [],
            "saved": saved,
            "enterprise_id": who.enterprise_id,
        },
        status,
    )


@pages.get("/key-units/plan", response_class=HTMLResponse)
def key_plan_page(request: Request, who: Firm) -> Response:
    saved = request.query_params.get("saved", "")
    return _own_page(request, who, saved=int(saved) if saved.isdigit() else None)


@pages.post("/key-units/plan", response_class=HTMLResponse)
def key_plan_save(
    request: Request,
    who: Firm,
    title: Annotated[str, Form(max_length=200)] = "",
    document: Annotated[str, Form(max_length=255)] = "",
    adopted_on: Annotated[str, Form(max_length=10)] = "",
    m_name: Annotated[list[str] | None, Form(max_length=200)] = None,
    m_saving: Annotated[list[str] | None, Form(max_length=40)] = None,
    m_co2: Annotated[list[str] | None, Form(max_length=40)] = None,
    m_start: Annotated[list[str] | None, Form(max_length=10)] = None,
    m_due: Annotated[list[str] | None, Form(max_length=10)] = None,
    m_status: Annotated[list[str] | None, Form(max_length=20)] = None,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Save the plan and its measures (blank rows left out) with the document file if one is sent."""
    columns = [m_name or [], m_saving or [], m_co2 or [], m_start or [], m_due or [], m_status or []]
    n = max(len(c) for c in columns)
    padded = [c + [""] * (n - len(c)) for c in columns]
    measures = [
        {
            "name": name.strip(),
            "expected_saving_tce": saving.strip() or None,
            "expected_co2_t": co2.strip() or 0,
            "start": start,
            "due": due,
            "status": status or "planned",
        }
        for name, saving, co2, start, due, status in zip(*padded, strict=True)
        if name.strip() or saving.strip() or start or due
    ]
    data = {
        "title": title.strip(),
        "document": document.strip(),
        "adopted_on": adopted_on,
        "measures": measures,
    }
    svc = service(request)
    content = file.file.read(svc.max_bytes + 1) if file is not None and file.filename else b""
    upload = (content, file.filename or "plan") if file is not None and file.filename else None
    try:
        saved = svc.save(actor_of(who), who.enterprise_id or "", data, source="web", document=upload)
    except CarbonpeakError as exc:
        lang = lang_of(request)
        return _own_page(
            request,
            who,
            form=data,
            problems=[p.describe(lang) for p in exc.problems],
            status=HTTP_STATUS[exc.kind],
        )
    return RedirectResponse(f"/key-units/plan?saved={saved['version']}", 303)


@pages.get("/key-units/plans", response_class=HTMLResponse)
def key_plans_page(request: Request, who: DistrictReader) -> Response:
    lang = lang_of(request)
    rows = service(request).overview_rows(actor_of(who))
    for r in rows:
        for m in (r["plan"] or {}).get("measures", []):
            m["status_text"] = dict(_statuses(lang))[m["status"]]
    return render(
        request,
        "key_plans.html",
        {
            "pw": words(lang),
            "rows": rows,
            "with_plan": [r for r in rows if r["plan"]],
            "without": [r for r in rows if not r["plan"]],
            "illustrative": any(r["illustrative"] for r in rows),
        },
    )


@pages.get("/key-units/plans/{enterprise_id}/document")
def key_plan_document(request: Request, who: DistrictReader, enterprise_id: EnterprisePath) -> Response:
    """A unit's uploaded plan file, as an attachment with the type detected when it was stored."""
    path, name, media = service(request).document_file(actor_of(who), enterprise_id)
    return attachment(path.read_bytes(), media, name)


@pages.get("/key-units/plan/document")
def key_own_plan_document(request: Request, who: Firm) -> Response:
    """The caller's own uploaded plan file."""
    path, name, media = service(request).document_file(actor_of(who), who.enterprise_id or "")
    return attachment(path.read_bytes(), media, name)
