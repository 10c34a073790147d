"""Pages of reporting (填报), review (审核) and the annual assessment (考核).

Each route declares its roles (``permit``); routes on one task or indicator also check that the
caller's unit owns it (``owned_task`` / ``owned_indicator``, run before the form is read), and every
write goes through the tracking service with the caller as actor, which checks again.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import CarbonpeakError, NotFoundError
from carbonpeak.plan import Indicator, Plan, Task, indicator_responsible
from carbonpeak.services.tracking import Evidence, ReportEntry, ValueEntry
from carbonpeak.tracking.errors import ConflictError, TrackingError
from carbonpeak.tracking.model import ANNUAL, PERIODS, QUARTERS, TASK_STATUS_LABELS, indicator_owner
from carbonpeak.web.core.auth import (
    READERS,
    Forbidden,
    OwnedIndicator,
    OwnedTask,
    Principal,
    permit,
)
from carbonpeak.web.core.downloads import attachment
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.plan.views import indicator_row, task_row, unit_names
from carbonpeak.web.tracking.views import (
    SORT_KEYS,
    actor_of,
    assessment_rows,
    default_year,
    error_status,
    export,
    record_rows,
    service,
)

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]
Writer = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
Office = Annotated[Principal, Depends(permit("office"))]
# The 考核 results are circulated (通报) to every unit: not narrowed to the caller (decision 0410).
AnyReader = Annotated[Principal, Depends(permit(*READERS))]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]

_WORDS: dict[str, tuple[str, str]] = {
    "report": ("填报", "Report"),
    "report_task": ("任务进展填报", "Task progress report"),
    "report_value": ("指标数值填报", "Indicator value"),
    "year": ("年度", "Year"),
    "period": ("期间", "Period"),
    "annual": ("全年", "Year"),
    "progress": ("进展状态", "Progress"),
    "narrative": ("进展情况", "Narrative"),
    "evidence": ("佐证材料", "Evidence"),
    "milestones_met": ("已完成的时间节点", "Milestones met"),
    "value": ("数值", "Value"),
    "data_source": ("数据来源", "Source"),
    "unit_reporting": ("填报单位", "Reporting unit"),
    "save": ("保存草稿", "Save draft"),
    "submit": ("提交审核", "Submit for review"),
    "records": ("填报记录", "Records"),
    "history": ("记录历史", "History"),
    "state": ("审核状态", "State"),
    "comment": ("审核意见", "Comment"),
    "approve": ("审核通过", "Approve"),
    "return": ("退回修改", "Return"),
    "reopen": ("重新打开修订", "Reopen for revision"),
    "reopen_reason": ("修订原因（必填）", "Reason for the revision (required)"),
    "review": ("审核", "Review"),
    "review_queue": ("待审核", "Awaiting review"),
    "recent": ("近期记录", "Recent records"),
    "none_waiting": ("暂无待审核记录", "Nothing awaits review"),
    "no_records": ("暂无填报记录", "No records yet"),
    "saved": ("已保存", "Saved"),
    "locked": (
        "本期记录已报送或已审核，不能修改；被退回后可修改并重新报送",
        "This record is submitted or approved and cannot be changed; once returned it can be edited",
    ),
    "read_only": ("只读：您不能为此填报", "Read only: you cannot report here"),
    "assessment": ("考核", "Assessment"),
    "score": ("得分", "Score"),
    "grade": ("等次", "Grade"),
    "rank": ("名次", "Rank"),
    "components": ("分项得分", "Components"),
    "deductions": ("扣分项", "Deductions"),
    "reason": ("扣分原因", "Reason"),
    "points_lost": ("扣分", "Points lost"),
    "item": ("考核项", "Item"),
    "top_reason": ("主要扣分原因", "Main reason"),
    "weight": ("权重", "Weight"),
    "as_of": ("截至", "As of"),
    "rubric": ("评分细则", "Rubric"),
    "visibility_note": (
        "考核结果按方案要求向各责任单位通报：各单位均可查看全部单位的得分与扣分原因。",
        "Results are circulated (通报) to every responsible unit: every unit sees every scorecard.",
    ),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "conflict": (
        "该记录已被他人修改，您的修改未保存。请刷新页面、查看最新内容后重新填写。",
        "Someone else changed this record meanwhile; your change was not saved. Reload and apply it again.",
    ),
    "open_report": ("填报进展", "Report progress"),
    "size": ("大小", "Size"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def _plan(request: Request) -> Plan:
    plan: Plan = request.app.state.plan
    return plan


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    svc = service(request)
    base = {"rw": words(lang_of(request)), "illustrative": svc.is_illustrative(), "error": None}
    return render(request, template, {**base, **context}, status)


def _units_for(who: Principal, responsible: list[str], plan: Plan) -> list[tuple[str, str]]:
    names = unit_names(plan)
    if who.role == "department":
        return [(who.unit_id or "", names.get(who.unit_id or "", who.unit_id or ""))]
    return [(u, names.get(u, u)) for u in responsible]


def _current(rows: list[dict[str, Any]], year: int, period: str, unit: str) -> dict[str, Any] | None:
    return next(
        (r for r in rows if r["year"] == year and r["period"] == period and r["unit_id"] == unit), None
    )


def _task_context(
    request: Request, who: Principal, task: Task, year: int | None, period: str, unit: str | None
) -> dict[str, Any]:
    svc = service(request)
    plan = _plan(request)
    chosen_year = year or default_year(svc.data())
    units = _units_for(who, list(task.responsible), plan)
    chosen_unit = unit if unit in {u for u, _ in units} else units[0][0]
    rows = record_rows(svc, who, kind="report", item=task.id, history=True)
    return {
        "task": task_row(plan, task),
        "records": rows,
        "current": _current(rows, chosen_year, period, chosen_unit),
        "year": chosen_year,
        "period": period,
        "periods": [ANNUAL, *QUARTERS],
        "units": units,
        "unit": chosen_unit,
        "statuses": TASK_STATUS_LABELS,
        "milestones": [m for m in plan.milestones if m.task == task.id],
        "can_edit": who.role in ("office", "department"),
        "evidence_types": svc.evidence_types,
        "saved": request.query_params.get("saved") == "1",
    }


@router.get("/tasks/{task_id}/report", response_class=HTMLResponse)
def task_report_page(
    request: Request,
    who: Reader,
    task: OwnedTask,
    year: YearQuery = None,
    period: Literal["Y", "Q1", "Q2", "Q3", "Q4"] = "Y",
    unit: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    return _page(request, "report_task.html", _task_context(request, who, task, year, period, unit))


def _read_upload(upload: UploadFile | None) -> Evidence | None:
    if upload is None or not upload.filename:
        return None
    return Evidence(upload.file.read(), upload.filename)


def _number(value: str) -> float | None:
    """The form's value: empty for none, else a number (a located error otherwise)."""
    try:
        return float(value) if value.strip() else None
    except ValueError:
        raise TrackingError(f"数值 {value!r}: expected a number") from None


def _message(request: Request, exc: Exception) -> str:
    if isinstance(exc, ConflictError):
        return f"{words(lang_of(request))['conflict']} ({exc})"
    return str(exc).strip("'\"")


@router.post("/tasks/{task_id}/report", response_class=HTMLResponse)
def task_report_post(
    request: Request,
    who: Writer,
    task: OwnedTask,
    year: Annotated[int, Form(ge=2000, le=2100)],
    period: Annotated[str, Form(max_length=4)],
    status: Annotated[str, Form(max_length=20)],
    narrative: Annotated[str, Form(max_length=20000)] = "",
    milestones: Annotated[list[str] | None, Form()] = None,
    unit_id: Annotated[str, Form(max_length=80)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    step: Annotated[Literal["save", "submit"], Form()] = "save",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    unit = unit_id or (who.unit_id if who.role == "department" else task.lead)
    entry = ReportEntry(
        task.id,
        year,
        period,
        status,
        narrative=narrative,
        milestones_met=tuple(milestones or ()),
        unit_id=unit,
        expected_version=int(version) if version.isdigit() else None,
    )
    try:
        service(request).save(actor_of(who), entry, evidence=_read_upload(evidence), submit=step == "submit")
    except CarbonpeakError as exc:
        context = _task_context(request, who, task, year, period if period in PERIODS else ANNUAL, unit)
        context["error"] = _message(request, exc)
        context["form"] = {"status": status, "narrative": narrative, "milestones": milestones or []}
        return _page(request, "report_task.html", context, error_status(exc))
    query = urlencode({"year": year, "period": period, "unit": unit, "saved": 1})
    return RedirectResponse(f"/tasks/{task.id}/report?{query}", 303)


def _indicator_context(
    request: Request, who: Principal, ind: Indicator, year: int | None, unit: str | None
) -> dict[str, Any]:
    svc = service(request)
    plan = _plan(request)
    chosen_year = year or default_year(svc.data())
    units = _units_for(who, indicator_responsible(plan, ind), plan)
    owner = indicator_owner(plan, ind)
    # an indicator no unit reports (a plan-level target, computed from the inventory) has no form
    default_unit = owner if owner in {u for u, _ in units} else (units[0][0] if units else "")
    chosen_unit = unit if unit in {u for u, _ in units} else default_unit
    rows = record_rows(svc, who, kind="value", item=ind.id, history=True)
    return {
        "ind": indicator_row(plan, ind),
        "records": rows,
        "current": _current(rows, chosen_year, ANNUAL, chosen_unit),
        "year": chosen_year,
        "units": units,
        "unit": chosen_unit,
        "can_edit": who.role in ("office", "department") and bool(units),
        "evidence_types": svc.evidence_types,
        "saved": request.query_params.get("saved") == "1",
    }


@router.get("/indicators/{indicator_id}/report", response_class=HTMLResponse)
def indicator_report_page(
    request: Request,
    who: Reader,
    ind: OwnedIndicator,
    year: YearQuery = None,
    unit: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    return _page(request, "report_value.html", _indicator_context(request, who, ind, year, unit))


@router.post("/indicators/{indicator_id}/report", response_class=HTMLResponse)
def indicator_report_post(
    request: Request,
    who: Writer,
    ind: OwnedIndicator,
    year: Annotated[int, Form(ge=2000, le=2100)],
    value: Annotated[str, Form(max_length=40)],
    data_source: Annotated[str, Form(max_length=500)] = "",
    unit_id: Annotated[str, Form(max_length=80)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    step: Annotated[Literal["save", "submit"], Form()] = "save",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    unit = unit_id or (who.unit_id if who.role == "department" else indicator_owner(_plan(request), ind))
    try:
        entry = ValueEntry(
            ind.id,
            year,
            _number(value),
            unit_id=unit,
            data_source=data_source.strip() or None,
            expected_version=int(version) if version.isdigit() else None,
        )
        service(request).save(actor_of(who), entry, evidence=_read_upload(evidence), submit=step == "submit")
    except CarbonpeakError as exc:
        context = _indicator_context(request, who, ind, year, unit)
        context["error"] = _message(request, exc)
        return _page(request, "report_value.html", context, error_status(exc))
    query = urlencode({"year": year, "unit": unit or "", "saved": 1})
    return RedirectResponse(f"/indicators/{ind.id}/report?{query}", 303)


@router.get("/records/{kind}/{record_id}/evidence/{sha256}")
def evidence_file(
    request: Request,
    who: Reader,
    kind: Literal["report", "value"],
    record_id: int,
    sha256: Annotated[str, FastPath(pattern="^[0-9a-f]{64}$")],
) -> Response:
    """An evidence file of a record the caller may see (a department: its own unit's records only),
    served as an attachment with the type detected when it was stored."""
    svc = service(request)
    record = svc.get(kind, record_id)
    if who.role == "department" and record["unit_id"] != who.unit_id:
        raise Forbidden(f"{kind} #{record_id} is not a record of your unit")
    found = next(
        (
            e
            for r in record_rows(svc, who, kind=kind)
            if r["id"] == record_id
            for e in r["evidence"]
            if e["sha256"] == sha256
        ),
        None,
    )
    path = (svc.evidence_dir / sha256[:2] / sha256) if svc.evidence_dir else None
    if found is None or path is None or not path.is_file():
        raise NotFoundError(f"no evidence file {sha256} on {kind} #{record_id}")
    return attachment(path.read_bytes(), found["media_type"], found["name"])


# -- review (office) -------------------------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, who: Office) -> Response:
    svc = service(request)
    waiting = record_rows(svc, who, state="submitted")
    recent = [r for r in record_rows(svc, who) if r["state"] != "submitted"][:50]
    return _page(request, "review.html", {"waiting": waiting, "recent": recent})


@router.get("/review/export")
def review_export(request: Request, who: Office, format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    svc = service(request)
    rows = record_rows(svc, who, state="submitted")
    mark = "（示例数据）" if svc.is_illustrative() else ""
    content, media = export("review", rows, format, f"{svc.plan.plan.title} — 待审核记录{mark}")
    name = f"{svc.plan_id}-review.{format}"
    return attachment(content, media, name)


@router.post("/review/{kind}/{record_id}", response_class=HTMLResponse)
def review_decide(
    request: Request,
    who: Office,
    kind: Literal["report", "value"],
    record_id: int,
    decision: Annotated[Literal["approve", "return", "reopen"], Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    svc = service(request)
    actor = actor_of(who)
    expected = int(version) if version.isdigit() else None
    try:
        if decision == "approve":
            svc.approve(actor, kind, record_id, comment=comment.strip() or None, expected_version=expected)
        elif decision == "reopen":
            svc.reopen(actor, kind, record_id, comment, expected_version=expected)
        else:
            svc.return_(actor, kind, record_id, comment, expected_version=expected)
    except CarbonpeakError as exc:
        waiting = record_rows(svc, who, state="submitted")
        recent = [r for r in record_rows(svc, who) if r["state"] != "submitted"][:50]
        context = {"waiting": waiting, "recent": recent, "error": _message(request, exc)}
        return _page(request, "review.html", context, error_status(exc))
    return RedirectResponse("/review?saved=1", 303)


# -- assessment (考核) -------------------------------------------------------------------------------


@router.get("/assessment", response_class=HTMLResponse)
def assessment_page(
    request: Request,
    who: AnyReader,
    year: YearQuery = None,
    sort: Annotated[str, Query(max_length=20)] = "score",
) -> Response:
    svc = service(request)
    chosen = year or default_year(svc.data())
    rows = assessment_rows(svc, chosen, sort)
    key = sort.lstrip("-") if sort.lstrip("-") in SORT_KEYS else "score"
    return _page(
        request,
        "assessment.html",
        {"rows": rows, "year": chosen, "sort": sort, "key": key, "rubric_version": svc.rubric.version},
    )


@router.get("/assessment/export")
def assessment_export(
    request: Request, who: AnyReader, year: YearQuery = None, format: Literal["csv", "xlsx"] = "xlsx"
) -> Response:
    svc = service(request)
    chosen = year or default_year(svc.data())
    rows = assessment_rows(svc, chosen)
    mark = "（示例数据）" if svc.is_illustrative() else ""
    title = f"{svc.plan.plan.title} — {chosen}年度考核 (评分细则 v{svc.rubric.version}){mark}"
    content, media = export("assessment", rows, format, title)
    name = f"{svc.plan_id}-assessment-{chosen}.{format}"
    return attachment(content, media, name)


@router.get("/assessment/{unit_id}", response_class=HTMLResponse)
def assessment_unit_page(request: Request, who: AnyReader, unit_id: str, year: YearQuery = None) -> Response:
    svc = service(request)
    chosen = year or default_year(svc.data())
    row = next((r for r in assessment_rows(svc, chosen) if r["unit"] == unit_id), None)
    if row is None:
        raise NotFoundError(f"no responsible unit {unit_id!r} assessed in {chosen}")
    return _page(request, "assessment_unit.html", {"row": row, "year": chosen})
