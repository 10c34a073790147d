"""Reporting with Excel (Excel 批量填报): a department downloads its reporting template — exactly the
indicators and tasks its unit owns, codes as drop-down lists, 填报说明 — fills it in Excel, uploads it,
sees every problem located by sheet, row and column or a preview of what will be written, and
confirms. The import is all-or-nothing (``TrackingService.import_rows``); the department may import
only its own unit's template, the office any unit's.

The same template and import as ``carbonpeak track template`` / ``carbonpeak track import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import CarbonpeakError, NotFoundError
from carbonpeak.reports import file_bytes
from carbonpeak.services.tracking import read_sheet
from carbonpeak.tracking.errors import ImportProblems, Problem
from carbonpeak.tracking.model import TASK_STATUS_LABELS
from carbonpeak.tracking.sheets import ParsedImport, csv_template, template_book
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import CSV_MEDIA, XLSX_MEDIA, attachment
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.uploads import Pending, TooLarge
from carbonpeak.web.tracking.views import actor_of, default_year, error_status, service

router = APIRouter(include_in_schema=False)
Reporter = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
Office = Annotated[Principal, Depends(permit("office"))]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PENDING_KEY = "pending_sheet"

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Excel 批量填报", "Report with Excel"),
    "help": (
        "下载本单位的填报模板（只含本单位负责的指标和任务），在 Excel 中填写后上传。先校验：任何错误都会"
        "列出工作表、行和列，整表不导入；无误时显示将写入的内容，确认后一次写入。",
        "Download your unit's template (only the indicators and tasks your unit owns), fill it in Excel "
        "and upload it. It is checked first: every problem is listed with sheet, row and column and "
        "nothing is written; otherwise you see what will be written and confirm once.",
    ),
    "step1": ("1. 下载模板", "1. Download the template"),
    "step2": ("2. 上传填好的模板", "2. Upload the filled template"),
    "year": ("年份", "Year"),
    "unit": ("填报单位", "Unit"),
    "download": ("下载模板 (XLSX)", "Download template (XLSX)"),
    "file": ("文件", "File"),
    "check": ("校验", "Check"),
    "errors": ("发现问题，未导入任何数据", "Problems found; nothing was imported"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "problem": ("问题", "Problem"),
    "preview": ("预览：确认后将写入", "Preview: this will be written when you confirm"),
    "values": ("指标数据", "Indicator values"),
    "reports": ("任务进展", "Task reports"),
    "submit_too": ("同时提交审核", "Also submit for review"),
    "confirm": ("确认导入", "Confirm import"),
    "cancel": ("取消", "Cancel"),
    "nothing": ("模板中没有填写任何数值或进展。", "The template has no value or report filled in."),
    "imported": ("已导入", "Imported"),
    "other_unit": (
        "此模板属于「{theirs}」，您只能导入本单位（{mine}）的模板",
        "This template belongs to {theirs}; you may import only your own unit's ({mine})",
    ),
    "code": ("代码", "Code"),
    "name": ("名称", "Name"),
    "period": ("期间", "Period"),
    "value": ("数值", "Value"),
    "source": ("数据来源", "Source"),
    "status": ("进展状态", "Status"),
    "narrative": ("进展情况", "Progress"),
}


def words(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in WORDS.items()}


def _unit_for(request: Request, who: Principal, unit: str | None) -> str:
    """A department's own unit (whatever it asks); the office names one, checked against the plan."""
    if who.role == "department":
        return str(who.unit_id)
    plan = request.app.state.plan
    ids = {u.id for u in plan.units}
    if unit in ids:
        return str(unit)
    found = next((u.id for u in plan.units if u.name == unit), None)
    if found is None:
        raise NotFoundError(f"unit: {unit!r} is not a responsible unit of the plan; choose one from the list")
    return str(found)


@router.get("/reporting/template")
def template(
    request: Request,
    who: Reporter,
    year: Annotated[int, Query(ge=2000, le=2100)],
    unit: Annotated[str | None, Query(max_length=80)] = None,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
    sheet: Annotated[Literal["values", "reports"], Query()] = "reports",
) -> Response:
    """The unit's reporting template for ``year``: XLSX (both sheets) or one sheet as CSV."""
    unit_id = _unit_for(request, who, unit)
    plan = request.app.state.plan
    if format == "csv":
        content = file_bytes(csv_template(plan, unit_id, year, sheet), "csv")
    else:
        content = file_bytes(template_book(plan, unit_id, year), "xlsx")
    name = f"{plan.plan.id}-{unit_id}-{year}-template.{format}"
    return attachment(content, CSV_MEDIA if format == "csv" else XLSX_MEDIA, name)


PENDING = Pending(PENDING_KEY, "sheets", MAX_UPLOAD_BYTES)
UNIT_FILE = "unit.txt"  # beside the pending file: the unit its template was checked for


def _context(request: Request, who: Principal, **extra: Any) -> dict[str, Any]:
    plan = request.app.state.plan
    units = list(plan.units) if who.role == "office" else []
    base = {
        "x": words(lang_of(request)),
        "units": units,
        "unit": who.unit_id if who.role == "department" else (request.query_params.get("unit") or ""),
        "year": extra.pop("year", None) or default_year(request),
        "problems": None,
        "preview": None,
        "imported": request.query_params.get("imported"),
    }
    return {**base, **extra}


def _problem_rows(problems: list[Problem], name: str) -> list[dict[str, Any]]:
    return [
        {
            "file": name,
            "sheet": p.sheet or "",
            "row": p.row or None,
            "column": p.column or "",
            "message": p.message,
        }
        for p in problems
    ]


def _problem(file: str, message: str, column: str = "") -> list[dict[str, Any]]:
    """A problem of the whole file (not of one row)."""
    return [{"file": file, "sheet": "", "row": None, "column": column, "message": message}]


def _parse(request: Request, who: Principal, path: Path, unit: str | None) -> ParsedImport:
    """Read and check the file; a department's template must be its own unit's."""
    plan = request.app.state.plan
    # An XLSX template names its unit (checked below against a department's own); a CSV does not.
    csv_file = path.suffix.lower() == ".csv"
    unit_id = _unit_for(request, who, unit) if (unit or (csv_file and who.role == "department")) else None
    parsed = read_sheet(path, plan, unit_id, request.app.state.settings.sheet_limits())
    if who.role == "department" and parsed.unit_id != who.unit_id:
        names = {u.id: u.name for u in plan.units}
        message = words(lang_of(request))["other_unit"].format(
            theirs=names.get(parsed.unit_id, parsed.unit_id), mine=names.get(str(who.unit_id), who.unit_id)
        )
        raise ImportProblems(
            [Problem(message, file=path.name, sheet="填报说明", row=3, column="填报单位 unit")]
        )
    return parsed


def _preview(request: Request, parsed: ParsedImport) -> dict[str, Any]:
    plan = request.app.state.plan
    indicators = {i.id: i for i in plan.indicators}
    tasks = {t.id: t.title for t in plan.tasks}
    return {
        "unit_id": parsed.unit_id,
        "values": [
            {
                "code": v.indicator_id,
                "name": indicators[v.indicator_id].name if v.indicator_id in indicators else "",
                "year": v.year,
                "period": v.period,
                "value": v.value,
                "unit": indicators[v.indicator_id].unit if v.indicator_id in indicators else "",
                "source": v.source,
            }
            for v in parsed.values
        ],
        "reports": [
            {
                "code": r.task_id,
                "name": tasks.get(r.task_id, ""),
                "year": r.year,
                "period": r.period,
                "status": TASK_STATUS_LABELS.get(r.status, r.status),
                "narrative": r.narrative,
            }
            for r in parsed.reports
        ],
    }


@router.get("/reporting/import", response_class=HTMLResponse)
def import_form(
    request: Request, who: Reporter, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    return render(request, "sheet_import.html", _context(request, who, year=year))


@router.post("/reporting/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    who: Reporter,
    file: Annotated[UploadFile, File()],
    unit: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """Check an uploaded template: every problem listed (nothing stored), else a preview."""
    try:
        path = PENDING.save(request, file, "upload.xlsx")
    except TooLarge as exc:
        too_big = _problem(file.filename or "", str(exc))
        return render(request, "sheet_import.html", _context(request, who, problems=too_big), 422)
    try:
        parsed = _parse(request, who, path, unit or None)
    except ImportProblems as exc:
        found = _problem_rows(list(exc.problems), path.name)
    except NotFoundError as exc:
        found = _problem(path.name, str(exc).strip("'\""), "unit")
    except BaseException:
        PENDING.discard(path)  # every failed import cleans up after itself
        raise
    else:
        (path.parent / UNIT_FILE).write_text(parsed.unit_id, encoding="utf-8")
        PENDING.keep(request, path)
        preview = _preview(request, parsed)
        preview["file_name"] = path.name
        return render(request, "sheet_import.html", _context(request, who, preview=preview))
    PENDING.discard(path)
    return render(request, "sheet_import.html", _context(request, who, problems=found), 422)


@router.post("/reporting/import/confirm", response_class=HTMLResponse)
def import_confirm(
    request: Request, who: Reporter, submit: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    """Write the previewed template of this session in one transaction (or nothing), audited."""
    path = PENDING.file(request, ignore=(UNIT_FILE,))
    if path is None:
        return RedirectResponse("/reporting/import", 303)
    unit_id = (path.parent / UNIT_FILE).read_text(encoding="utf-8")
    try:
        parsed = _parse(request, who, path, unit_id)
        counts = service(request).import_rows(actor_of(who), parsed, file=path.name, submit=submit == "1")
    except ImportProblems as exc:
        status, found = 422, _problem_rows(list(exc.problems), path.name)
    except CarbonpeakError as exc:
        status, found = error_status(exc), _problem(path.name, str(exc).strip("'\""))
    else:
        PENDING.clear(request)
        return RedirectResponse(f"/reporting/import?imported={counts['values'] + counts['reports']}", 303)
    PENDING.clear(request)
    return render(request, "sheet_import.html", _context(request, who, problems=found), status)
