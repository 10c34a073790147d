"""Key energy-using units on the web: the review queue and its steps (office, supervising
department), the monthly-report import (an enterprise its own, the office any), the budgets.

Every route declares its roles; the services check again who may see which enterprise: an
enterprise's routes take no enterprise id (its own comes from the session or token), and the
reviewer's routes are refused for an enterprise the department does not supervise."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.budgets import EnergyBudget
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.reports import file_bytes
from carbonpeak.services.budgets import BudgetService
from carbonpeak.services.month_files import MonthFileService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.web.core.auth import Forbidden, Principal, permit, principal_of
from carbonpeak.web.core.errors import problem_document
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.ids import MAX_ID
from carbonpeak.web.core.render import lang_of, render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["key energy-using units"])

ReviewerRole = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
HistoryRole = Annotated[Principal, Depends(permit("office", "department", "viewer", scoped=True))]
Importer = Annotated[Principal, Depends(permit("office", "enterprise", scoped=True))]
BudgetReader = Annotated[Principal, Depends(permit("office", "viewer", "enterprise", scoped=True))]
DistrictReader = Annotated[Principal, Depends(permit("office", "viewer"))]
Office = Annotated[Principal, Depends(permit("office"))]
Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
EnterprisePath = Annotated[str, FastPath(max_length=18, min_length=18, description="统一社会信用代码")]
PeriodPath = Annotated[str, FastPath(pattern=r"^\d{4}-\d{2}$", description="month YYYY-MM")]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="budget year (default: this year)")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_WORDS: dict[str, tuple[str, str]] = {
    "review": ("月报审核", "Review of monthly reports"),
    "enterprise": ("企业", "Enterprise"),
    "period": ("月份", "Month"),
    "version": ("版本", "Version"),
    "tce_cal": ("综合能耗 当量值 (tce)", "Energy, calorific (tce)"),
    "co2": ("CO2 (t)", "CO2 (t)"),
    "submitted_by": ("报送人", "Submitted by"),
    "state": ("状态", "State"),
    "comment": ("审核意见", "Comment"),
    "approve": ("审核通过", "Approve"),
    "return": ("退回", "Return"),
    "own": ("本人报送，须由他人审核", "your own submission: someone else reviews it"),
    "empty": ("暂无待审核月报", "Nothing waiting for review"),
    "done": ("已处理：", "Done: "),
    "import": ("导入月度能源报表", "Import monthly reports"),
    "template": ("下载导入模板（XLSX，含下拉选项）", "Download the template (XLSX with drop-downs)"),
    "file": ("文件（.xlsx 或 .csv）", "File (.xlsx or .csv)"),
    "as_draft": ("仅保存为草稿", "Save as drafts only"),
    "upload": ("导入", "Import"),
    "imported": ("已导入报表：", "Reports imported: "),
    "problems": ("文件有以下问题，未保存任何数据：", "The file has these problems; nothing was stored:"),
    "budgets": ("用能预算", "Energy budgets"),
    "year": ("年度", "Year"),
    "budget": ("预算 当量值 (tce)", "Budget, calorific (tce)"),
    "ytd": ("本年累计 (tce)", "Year to date (tce)"),
    "months": ("已报月数", "Months"),
    "projection": ("预计全年 (tce)", "Projected year (tce)"),
    "projected_share": ("预计占预算", "Projected share"),
    "alert": ("预警", "Alert"),
    "document": ("预算下达文件", "Budget document"),
    "rollup": ("全区汇总（对照剩余空间）", "District roll-up (against the headroom)"),
    "units": ("单位数", "Units"),
    "total": ("预算合计 当量值 (tce)", "Budgets, calorific (tce)"),
    "increase": ("较上年增加 (tce)", "Increase over last year (tce)"),
    "remaining": ("剩余能耗空间 (tce)", "Remaining energy headroom (tce)"),
    "increase_share": ("增量占剩余空间", "Increase / remaining headroom"),
    "no_budgets": ("本年度暂无用能预算", "No budgets for this year"),
    "flat": ("无完整历史年份，按月均匀推算", "no complete past year: flat profile"),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def actor_of(who: Principal) -> LedgerActor:
    if who.role == "public":
        raise Forbidden("sign in first")
    return LedgerActor(who.username, who.role, who.enterprise_id)


def reviewer_of(who: Principal) -> Reviewer:
    return Reviewer(actor_of(who), who.unit_id)


def _supervised(request: Request, enterprise_id: EnterprisePath) -> None:
    """A department reaches an enterprise's months only if it supervises the enterprise; refused
    here, before the body is read (the role itself is the route's permission)."""
    who = principal_of(request)
    if who.role == "department" and not MonthReviewService(request.app.state.engine).supervises(
        reviewer_of(who), enterprise_id
    ):
        raise Forbidden(f"department {who.unit_id} does not supervise this enterprise")


Supervised = Depends(_supervised)


def _budgets(request: Request) -> BudgetService:
    return BudgetService(request.app.state.engine, shares=request.app.state.settings.budget_alert_shares)


def _year(year: int | None) -> int:
    return year or dt.date.today().year


def _error(request: Request, exc: CarbonpeakError) -> JSONResponse:
    return JSONResponse(problem_document(exc, lang_of(request)), HTTP_STATUS[exc.kind])


# -- review -----------------------------------------------------------------------------------------


def _review_page(request: Request, who: Principal, message: str = "", status: int = 200) -> HTMLResponse:
    rows = MonthReviewService(request.app.state.engine).queue(reviewer_of(who))
    return render(
        request,
        "key_review.html",
        {
            "kw": words(lang_of(request)),
            "rows": rows,
            "message": message,
            "done": request.query_params.get("done", ""),
            "illustrative": any(r["illustrative"] for r in rows),
        },
        status,
    )


@pages.get("/key-units/review", response_class=HTMLResponse)
def key_review_page(request: Request, who: ReviewerRole) -> Response:
    return _review_page(request, who)


@pages.post("/key-units/review", response_class=HTMLResponse)
def review_submit(
    request: Request,
    who: ReviewerRole,
    enterprise_id: Annotated[str, Form(max_length=18)],
    period: Annotated[str, Form(pattern=r"^\d{4}-\d{2}$")],
    step: Annotated[Literal["approve", "return"], Form()],
    comment: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    try:
        MonthReviewService(request.app.state.engine).review(
            reviewer_of(who), enterprise_id, period, step, comment, source="web", expected_version=version
        )
    except CarbonpeakError as exc:
        return _review_page(request, who, exc.describe(lang_of(request)), HTTP_STATUS[exc.kind])
    return RedirectResponse(f"/key-units/review?done={period}", 303)


class ReviewIn(BaseModel):
    step: Literal["approve", "return", "reopen"]
    comment: str = Field("", max_length=2000)
    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="the report version reviewed (refused if it changed)"
    )


@api.get("/key-units/review-queue", summary="Monthly reports waiting for the caller's review")
def api_queue(request: Request, who: ReviewerRole) -> list[dict[str, Any]]:
    return MonthReviewService(request.app.state.engine).queue(reviewer_of(who))


@api.post(
    "/key-units/reports/{enterprise_id}/{period}/review",
    summary="Approve, return or reopen a month",
    dependencies=[Supervised],
)
def api_review(
    request: Request, who: ReviewerRole, enterprise_id: EnterprisePath, period: PeriodPath, body: ReviewIn
) -> Any:
    try:
        return MonthReviewService(request.app.state.engine).review(
            reviewer_of(who),
            enterprise_id,
            period,
            body.step,
            body.comment,
            source="api",
            expected_version=body.version,
        )
    except CarbonpeakError as exc:
        return _error(request, exc)


@api.get(
    "/key-units/reports/{enterprise_id}/{period}/history",
    summary="Every version and step of a month",
    dependencies=[Supervised],
)
def api_history(request: Request, who: HistoryRole, enterprise_id: EnterprisePath, period: PeriodPath) -> Any:
    return MonthReviewService(request.app.state.engine).history(reviewer_of(who), enterprise_id, period)


@api.get("/enterprise/review", summary="The review state of each of the caller's months")
def api_own_review(request: Request, who: Firm) -> dict[str, Any]:
    return MonthReviewService(request.app.state.engine).state(actor_of(who), who.enterprise_id or "")


@api.get(
    "/enterprise/review/{period}/history", summary="Every version and step of one of the caller's months"
)
def api_own_history(request: Request, who: Firm, period: PeriodPath) -> Any:
    return MonthReviewService(request.app.state.engine).history(
        Reviewer(actor_of(who)), who.enterprise_id or "", period
    )


# -- import -----------------------------------------------------------------------------------------


def _import_page(
    request: Request,
    problems: list[str] | None = None,
    done: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "key_import.html",
        {"kw": words(lang_of(request)), "problems": problems or [], "done": done or []},
        status,
    )


@pages.get("/key-units/import", response_class=HTMLResponse)
def key_import_page(request: Request, who: Importer) -> Response:
    del who
    return _import_page(request)


@pages.get("/key-units/import/template")
def import_template(request: Request, who: Importer) -> Response:
    table = MonthFileService(request.app.state.engine).template(actor_of(who))
    return Response(
        file_bytes(table, "xlsx", lang_of(request)),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="monthly-reports-template.xlsx"'},
    )


def _store_upload(request: Request, who: Principal, file: UploadFile, draft: bool) -> list[dict[str, Any]]:
    name = Path(file.filename or "upload.xlsx").name
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in (".xlsx", ".xlsm", ".csv") else ".bin"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        return MonthFileService(request.app.state.engine).import_file(
            actor_of(who),
            path,
            limits=request.app.state.settings.sheet_limits(),
            name=name,
            status="draft" if draft else "submitted",
            source="web import" if not who.via_token else "api import",
        )


@pages.post("/key-units/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    who: Importer,
    file: Annotated[UploadFile, File()],
    draft: Annotated[bool, Form()] = False,
) -> Response:
    try:
        done = _store_upload(request, who, file, draft)
    except CarbonpeakError as exc:
        lang = lang_of(request)
        return _import_page(request, [p.describe(lang) for p in exc.problems], None, HTTP_STATUS[exc.kind])
    return _import_page(request, None, done)


@api.post(
    "/enterprise/import", summary="Import the caller's monthly reports from the template (all or nothing)"
)
def api_import(
    request: Request,
    who: Firm,
    file: Annotated[UploadFile, File(description="the filled template")],
    draft: bool = False,
) -> Any:
    try:
        return {"stored": _store_upload(request, who, file, draft)}
    except CarbonpeakError as exc:
        return _error(request, exc)


# -- budgets ----------------------------------------------------------------------------------------


@pages.get("/key-units/budgets", response_class=HTMLResponse)
def key_budgets_page(request: Request, who: BudgetReader, year: YearQuery = None) -> Response:
    svc, actor, used = _budgets(request), actor_of(who), _year(year)
    rows = svc.progress(actor, used)
    rollup = svc.rollup(actor, used) if who.role in ("office", "viewer") else None
    return render(
        request,
        "key_budgets.html",
        {
            "kw": words(lang_of(request)),
            "rows": rows,
            "year": used,
            "rollup": rollup,
            "illustrative": any(r["illustrative"] for r in rows),
        },
    )


@api.get("/enterprise/budget", summary="The caller's energy budget of a year: use, projection, alert")
def api_own_budget(request: Request, who: Firm, year: YearQuery = None) -> list[dict[str, Any]]:
    return _budgets(request).progress(actor_of(who), _year(year))


@api.get("/key-units/budgets", summary="Every unit's budget of a year: use, projection, alert")
def api_budgets(request: Request, who: DistrictReader, year: YearQuery = None) -> list[dict[str, Any]]:
    return _budgets(request).progress(actor_of(who), _year(year))


@api.get("/key-units/budgets/rollup", summary="The district's budgets against the headroom")
def api_rollup(request: Request, who: DistrictReader, year: YearQuery = None) -> dict[str, Any]:
    return _budgets(request).rollup(actor_of(who), _year(year))


class BudgetIn(BaseModel):
    enterprise_id: str = Field(min_length=18, max_length=18)
    year: int = Field(ge=2000, le=2100)
    tce_calorific: float = Field(gt=0)
    tce_coal_substitution: float = Field(gt=0)
    co2_t: float = Field(gt=0)
    document: str = Field(min_length=1, max_length=200)
    issued_on: dt.date | None = None
    note: str = Field("", max_length=2000)


@api.post("/key-units/budgets", summary="Enter (or change) budgets; all or nothing")
def api_save_budgets(
    request: Request, who: Office, body: Annotated[list[BudgetIn], Field(max_length=5000)]
) -> Any:
    try:
        added, changed = _budgets(request).save(
            actor_of(who), [EnergyBudget(**b.model_dump()) for b in body], source="api"
        )
    except CarbonpeakError as exc:
        return _error(request, exc)
    return {"added": added, "changed": changed}
