"""The JSON API of reporting, review and assessment (under /api/v1, in the OpenAPI document).

Same rules as the pages: each route declares its roles; every write goes through the tracking
service with the caller as actor. Domain errors answer 403 (not allowed), 409 (conflict: the record
changed since the version you sent), 404 (unknown) or 400 (a workflow or input rule).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.errors import CarbonpeakError, InvalidInputError
from carbonpeak.services.tracking import ReportEntry, ValueEntry
from carbonpeak.web.core.auth import (
    READERS,
    Forbidden,
    OwnedIndicator,
    OwnedTask,
    Principal,
    permit,
    principal_of,
)
from carbonpeak.web.core.errors import problem_document, with_retry
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.plan.views import indicator_row, task_row, visible_indicators, visible_tasks
from carbonpeak.web.tracking.views import (
    actor_of,
    alert_rows,
    as_of_for,
    assessment_rows,
    default_year,
    error_status,
    record_rows,
    service,
)

router = APIRouter(prefix="/api/v1", tags=["reporting"])

Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]
Writer = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
Office = Annotated[Principal, Depends(permit("office"))]
# The 考核 results are circulated (通报) to every unit: not narrowed to the caller (decision 0410).
AnyReader = Annotated[Principal, Depends(permit(*READERS))]
Department = Annotated[Principal, Depends(permit("department", scoped=True))]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]
Period = Literal["Y", "Q1", "Q2", "Q3", "Q4"]


class ReportIn(BaseModel):
    """A task progress report for a period; ``submit`` also submits it for review."""

    year: int = Field(ge=2000, le=2100)
    period: Period = "Y"
    status: Literal["not_started", "in_progress", "done", "delayed"]
    narrative: str = Field("", max_length=20000)
    milestones_met: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=100)
    unit_id: str | None = Field(None, max_length=80, description="default: your unit (office: the lead)")
    expected_version: int | None = Field(
        None,
        ge=1,
        description="the version you edited (optimistic lock; or the If-Match header). Required to "
        "change an existing record: without it the request creates one and is refused (409) if it exists",
    )
    submit: bool = False


class ValueIn(BaseModel):
    """An indicator value for a year with its source; ``submit`` also submits it for review."""

    year: int = Field(ge=2000, le=2100)
    value: float | None = Field(None, allow_inf_nan=False)
    period: Period = "Y"
    data_source: str | None = Field(None, max_length=500)
    unit_id: str | None = Field(None, max_length=80)
    expected_version: int | None = Field(None, ge=1)
    submit: bool = False
    confirm: bool = Field(
        False,
        description="the value is right although a check at entry asks about it (a rule whose action "
        "is confirm, e.g. ten times off the year before: 确认数值无误); refused values stay refused",
    )


class DecisionIn(BaseModel):
    """The office's decision: approve or return a submitted record, or reopen an approved one for
    revision (修订); returning and reopening need a comment."""

    decision: Literal["approve", "return", "reopen"]
    comment: str = Field("", max_length=5000)
    expected_version: int | None = Field(None, ge=1)


def _error(request: Request, exc: CarbonpeakError) -> Response:
    return with_retry(JSONResponse(problem_document(exc, lang_of(request)), error_status(exc)), exc)


@router.get("/my/tasks", summary="The department's own tasks and indicators with its records")
def my_tasks_api(request: Request, who: Department) -> dict[str, Any]:
    svc = service(request)
    plan = svc.plan
    return {
        "unit_id": who.unit_id,
        "tasks": [task_row(plan, t) for t in visible_tasks(plan, who)],
        "indicators": [indicator_row(plan, i) for i in visible_indicators(plan, who)],
        "records": record_rows(svc, who),
        "illustrative": svc.is_illustrative(),
    }


def _expected_version(request: Request, body_version: int | None) -> int | None:
    """The version an update was made on: ``expected_version`` in the body, else the ``If-Match``
    header (``3``, ``"3"`` or ``W/"3"``). Without either the request creates a record, and one that
    exists already is refused as a conflict (409) rather than overwritten."""
    if body_version is not None:
        return body_version
    header = request.headers.get("if-match", "").strip()
    if not header:
        return None
    tag = header.removeprefix("W/").strip('"')
    if not tag.isdigit() or int(tag) < 1:
        raise InvalidInputError(f"If-Match: expected the record's version (a whole number), got {header!r}")
    return int(tag)


@router.post("/tasks/{task_id}/reports", summary="Save (and optionally submit) a task progress report")
def post_report(request: Request, who: Writer, task: OwnedTask, body: ReportIn) -> Any:
    entry = ReportEntry(
        task.id,
        body.year,
        body.period,
        body.status,
        narrative=body.narrative,
        milestones_met=tuple(body.milestones_met),
        unit_id=body.unit_id,
    )
    try:
        entry = replace(entry, expected_version=_expected_version(request, body.expected_version))
        ref = service(request).save(actor_of(who), entry, submit=body.submit)
    except CarbonpeakError as exc:
        return _error(request, exc)
    return ref.as_dict()


@router.post("/indicators/{indicator_id}/values", summary="Save (and optionally submit) an indicator value")
def post_value(request: Request, who: Writer, ind: OwnedIndicator, body: ValueIn) -> Any:
    entry = ValueEntry(
        ind.id,
        body.year,
        body.value,
        period=body.period,
        unit_id=body.unit_id,
        data_source=body.data_source,
        confirm=body.confirm,
    )
    try:
        entry = replace(entry, expected_version=_expected_version(request, body.expected_version))
        ref = service(request).save(actor_of(who), entry, submit=body.submit, channel="api")
    except CarbonpeakError as exc:
        return _error(request, exc)
    return ref.as_dict()


@router.get("/review", summary="The office's review queue: submitted records")
def review_queue(request: Request, who: Office) -> list[dict[str, Any]]:
    return record_rows(service(request), who, state="submitted")


@router.post(
    "/records/{kind}/{record_id}/decision",
    summary="Approve or return a submitted record, or reopen an approved one for revision",
)
def decide(
    request: Request,
    who: Office,
    kind: Literal["report", "value"],
    record_id: PathId,
    body: DecisionIn,
) -> Any:
    svc = service(request)
    actor = actor_of(who)
    try:
        if body.decision == "approve":
            ref = svc.approve(
                actor, kind, record_id, comment=body.comment or None, expected_version=body.expected_version
            )
        elif body.decision == "reopen":
            ref = svc.reopen(actor, kind, record_id, body.comment, expected_version=body.expected_version)
        else:
            ref = svc.return_(actor, kind, record_id, body.comment, expected_version=body.expected_version)
    except CarbonpeakError as exc:
        return _error(request, exc)
    return ref.as_dict()


@router.get("/assessment", summary="Scorecards of every responsible unit for a year (考核)")
def assessment(request: Request, who: AnyReader, year: YearQuery = None) -> dict[str, Any]:
    svc = service(request)
    chosen = year or default_year(request)
    return {
        "year": chosen,
        "as_of": as_of_for(chosen).isoformat(),
        "rubric_version": svc.rubric.version,
        "illustrative": svc.is_illustrative(),
        "units": assessment_rows(svc, chosen),
    }


@router.get("/alerts", summary="The office's alerts: late reports, overdue milestones, 严重滞后")
def alerts(request: Request, who: Office, year: YearQuery = None) -> dict[str, Any]:
    svc = service(request)
    data = svc.data()
    chosen = year or default_year(request)
    found = svc.alerts(chosen, as_of_for(chosen), data)
    return {"year": chosen, "illustrative": svc.is_illustrative(), "alerts": alert_rows(svc.plan, found)}


RecordId = PathId


def owned_record(request: Request, kind: Literal["report", "value"], record_id: RecordId) -> dict[str, Any]:
    """The record of the path, if the caller's unit reported it (checked before the body is read)."""
    record = service(request).get(kind, record_id)
    who = principal_of(request)
    if who.role == "department" and record["unit_id"] != who.unit_id:
        raise Forbidden(f"{kind} #{record_id} is not a record of your unit")
    return record


@router.post(
    "/records/{kind}/{record_id}/evidence",
    summary="Attach an evidence file (multipart field `file`) to a draft or returned record",
)
def post_evidence(
    request: Request,
    who: Writer,
    record: Annotated[dict[str, Any], Depends(owned_record)],
    kind: Literal["report", "value"],
    file: Annotated[UploadFile, File(description="PDF, image, XLSX, DOCX, CSV or text")],
) -> Any:
    svc = service(request)
    try:
        content = file.file.read(svc.evidence_max_bytes + 1)
        return svc.attach_evidence(actor_of(who), kind, record["id"], content, file.filename or "evidence")
    except CarbonpeakError as exc:
        return _error(request, exc)
