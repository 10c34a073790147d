"""Pages of reporting (填报): a task's progress report and an indicator's value, by form, with an
evidence file, and the evidence files of a record.

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

from carbonpeak.errors import CarbonpeakError, InvalidInputError, NotFoundError, Problem
from carbonpeak.plan import Indicator, Plan, Task, indicator_responsible
from carbonpeak.services.tracking import Evidence, ReportEntry, ValueEntry
from carbonpeak.tracking.entry import in_unit, narrative_problem, parse_number
from carbonpeak.tracking.errors import EntryRefused
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
from carbonpeak.web.core.errors import with_retry
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.plan.views import indicator_row, task_row, unit_names
from carbonpeak.web.tracking.views import (
    actor_of,
    default_year,
    error_status,
    message,
    page,
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


def _plan(request: Request) -> Plan:
    plan: Plan = request.app.state.plan
    return plan


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
    chosen_year = year or default_year(request)
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
    return page(request, "report_task.html", _task_context(request, who, task, year, period, unit))


def _read_upload(upload: UploadFile | None) -> Evidence | None:
    if upload is None or not upload.filename:
        return None
    return Evidence(upload.file.read(), upload.filename)


def _field_errors(request: Request, problems: list[Problem]) -> dict[str, str]:
    """Each problem's message by its form field (one line per problem), in the caller's language."""
    lang = lang_of(request)
    out: dict[str, str] = {}
    for p in problems:
        key = p.field or ""
        out[key] = f"{out[key]}；{p.text(lang)}" if key in out else p.text(lang)
    return out


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
    kept = {"status": status, "narrative": narrative, "milestones": milestones or []}
    # another unit's form is refused by the service (403) before anything about its content is said
    own = who.role != "department" or unit == who.unit_id
    missing = narrative_problem(narrative) if step == "submit" and own else None
    if missing is not None:
        context = _task_context(request, who, task, year, period if period in PERIODS else ANNUAL, unit)
        context["error"] = InvalidInputError(missing).describe(lang_of(request))
        context["field_errors"] = _field_errors(request, [missing])
        context["form"] = kept
        return page(request, "report_task.html", context, 422)
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
        context["error"] = message(request, exc)
        context["form"] = kept
        return with_retry(page(request, "report_task.html", context, error_status(exc)), exc)
    query = urlencode({"year": year, "period": period, "unit": unit, "saved": 1})
    return RedirectResponse(f"/tasks/{task.id}/report?{query}", 303)


def _indicator_context(
    request: Request, who: Principal, ind: Indicator, year: int | None, unit: str | None
) -> dict[str, Any]:
    svc = service(request)
    plan = _plan(request)
    chosen_year = year or default_year(request)
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
    return page(request, "report_value.html", _indicator_context(request, who, ind, year, unit))


def _typed_value(form: dict[str, str], ind: Indicator) -> tuple[float | None, list[Problem]]:
    """The typed value in the indicator's unit (the number as typed, its unit converted), or the
    problem of reading it; the rules of the checks at entry are the service's (``save``)."""
    parsed = parse_number(form["value"])
    if isinstance(parsed, Problem):
        return None, [parsed]
    value = in_unit(parsed.value, form["value_unit"], ind)
    if isinstance(value, Problem):
        return None, [value]
    return value, []


@router.post("/indicators/{indicator_id}/report", response_class=HTMLResponse)
def indicator_report_post(
    request: Request,
    who: Writer,
    ind: OwnedIndicator,
    year: Annotated[int, Form(ge=2000, le=2100)],
    value: Annotated[str, Form(max_length=40)] = "",
    value_unit: Annotated[str, Form(max_length=40)] = "",
    confirm: Annotated[str, Form(max_length=1)] = "",
    data_source: Annotated[str, Form(max_length=500)] = "",
    unit_id: Annotated[str, Form(max_length=80)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    step: Annotated[Literal["save", "submit"], Form()] = "save",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    unit = unit_id or (who.unit_id if who.role == "department" else indicator_owner(_plan(request), ind))
    kept = {"value": value, "value_unit": value_unit, "data_source": data_source, "confirm": confirm}
    own = who.role != "department" or unit == who.unit_id
    number, problems = _typed_value(kept, ind) if own else (None, [])

    def again(exc: CarbonpeakError, status: int) -> Response:
        context = _indicator_context(request, who, ind, year, unit)
        context["error"] = message(request, exc)
        context["field_errors"] = _field_errors(request, exc.problems)
        context["form"] = kept
        context["ask_confirm"] = isinstance(exc, EntryRefused) and exc.asks
        return with_retry(page(request, "report_value.html", context, status), exc)

    if problems:
        return again(InvalidInputError(problems), 422)
    try:
        entry = ValueEntry(
            ind.id,
            year,
            number,
            unit_id=unit,
            data_source=data_source.strip() or None,
            expected_version=int(version) if version.isdigit() else None,
            confirm=confirm == "1",
        )
        service(request).save(actor_of(who), entry, evidence=_read_upload(evidence), submit=step == "submit")
    except CarbonpeakError as exc:
        return again(exc, error_status(exc))
    query = urlencode({"year": year, "unit": unit or "", "saved": 1})
    return RedirectResponse(f"/indicators/{ind.id}/report?{query}", 303)


@router.get("/records/{kind}/{record_id}/evidence/{sha256}")
def evidence_file(
    request: Request,
    who: Reader,
    kind: Literal["report", "value"],
    record_id: PathId,
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
