"""Key emitters (重点排放单位) on the web: the page listing each unit's years with their report,
verification, compliance, reconciliation and alerts; the office's and supervising department's
import and record API and document upload; an enterprise's own years and its own report with its
document (``/api/v1/enterprise/emissions…``), which takes no enterprise id.

Every route declares its roles; the service narrows again (a department to the units it
supervises, an enterprise to its own). Uploaded files are read through ``web/core/uploads.py``
(size-limited, kept in a random folder and removed once stored)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.reports import file_bytes
from carbonpeak.services.emitters import EmitterService, parse_year
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.ids import MAX_ID
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.uploads import Pending, TooLarge
from carbonpeak.web.key_units.routes import XLSX, Supervised, _error, actor_of, reviewer_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["key emitters"])

Reader = Annotated[Principal, Depends(permit("office", "department", "viewer", "enterprise", scoped=True))]
DistrictReader = Annotated[Principal, Depends(permit("office", "department", "viewer", scoped=True))]
Editor = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
EnterprisePath = Annotated[str, FastPath(max_length=18, min_length=18, description="统一社会信用代码")]
YearPath = Annotated[int, FastPath(ge=2013, le=2100, description="the reporting year")]
YearQuery = Annotated[int | None, Query(ge=2013, le=2100, description="only this reporting year")]
Which = Literal["report", "verification"]
UPLOADS = Pending("emitters_upload", "emitters", 20 * 1024 * 1024)


def _svc(request: Request) -> EmitterService:
    conf = request.app.state.settings
    return EmitterService(
        request.app.state.engine,
        files_dir=conf.resolved_evidence_dir(),
        max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
    )


def _who(who: Principal) -> Reviewer:
    return reviewer_of(who) if who.role == "department" else Reviewer(actor_of(who))


def _read(request: Request, file: UploadFile, default: str) -> tuple[Path, str]:
    """The upload saved through the pending-uploads folder (size-limited); the caller discards it."""
    path = UPLOADS.save(request, file, default)
    return path, Path(file.filename or default).name


# -- the page ---------------------------------------------------------------------------------------


def _page(
    request: Request,
    who: Principal,
    year: int | None,
    message: str = "",
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    lang = lang_of(request)
    rows = _svc(request).years(_who(who), year, lang=lang)
    return render(
        request,
        "key_emitters.html",
        {
            "rows": rows,
            "year": year,
            "editor": who.role in ("office", "department"),
            "firm": who.role == "enterprise",
            "message": message,
            "problems": problems or [],
            "done": request.query_params.get("done", ""),
            "illustrative": any(r["illustrative"] for r in rows),
            "alert_count": sum(len(r["alerts"]) for r in rows),
            "text": "en" if lang == "en" else "zh",
        },
        status,
    )


@pages.get("/key-units/emitters", response_class=HTMLResponse)
def key_emitters_page(request: Request, who: Reader, year: YearQuery = None) -> Response:
    return _page(request, who, year)


@pages.get("/key-units/emitters/template")
def emitters_template(request: Request, who: Editor) -> Response:
    del who
    return Response(
        file_bytes(_svc(request).template(), "xlsx", lang_of(request)),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="key-emitters-template.xlsx"'},
    )


@pages.post("/key-units/emitters/import", response_class=HTMLResponse)
def emitters_import(request: Request, who: Editor, file: Annotated[UploadFile, File()]) -> Response:
    lang = lang_of(request)
    try:
        path, name = _read(request, file, "emitters.xlsx")
    except TooLarge as exc:
        return _page(request, who, None, "", [str(exc)], 413)
    try:
        added, changed = _svc(request).import_file(
            _who(who), path, limits=request.app.state.settings.sheet_limits(), name=name
        )
    except CarbonpeakError as exc:
        return _page(request, who, None, "", [p.describe(lang) for p in exc.problems], HTTP_STATUS[exc.kind])
    finally:
        UPLOADS.discard(path)
    return RedirectResponse(f"/key-units/emitters?done={added + changed}", 303)


@pages.post("/key-units/emitters/report", response_class=HTMLResponse)
def emitters_report(
    request: Request,
    who: Firm,
    year: Annotated[int, Form(ge=2013, le=2100)],
    submitted_on: Annotated[dt.date, Form()],
    reported_t: Annotated[float, Form(ge=0, le=1e12)],
    file: Annotated[UploadFile | None, File()] = None,
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    try:
        _submit(request, who, year, submitted_on, reported_t, "", file, version, "web")
    except TooLarge as exc:
        return _page(request, who, None, str(exc), status=413)
    except CarbonpeakError as exc:
        return _page(request, who, None, exc.describe(lang_of(request)), status=HTTP_STATUS[exc.kind])
    return RedirectResponse(f"/key-units/emitters?done={year}", 303)


def _submit(
    request: Request,
    who: Principal,
    year: int,
    submitted_on: dt.date,
    reported_t: float,
    document: str,
    file: UploadFile | None,
    version: int | None,
    source: str,
) -> dict[str, Any]:
    content, name = None, ""
    if file is not None and file.filename:
        path, name = _read(request, file, "report.pdf")
        try:
            content = path.read_bytes()
        finally:
            UPLOADS.discard(path)
    return _svc(request).submit_report(
        actor_of(who),
        year,
        submitted_on=submitted_on,
        reported_t=reported_t,
        document=document,
        content=content,
        file_name=name,
        source=source,
        expected_version=version,
    )


# -- the office's and the supervising department's API ------------------------------------------------


class EmitterIn(BaseModel):
    enterprise_id: str = Field(min_length=18, max_length=18)
    year: int = Field(ge=2013, le=2100)
    program: Literal["national_ets", "city_list"]
    sector: str = Field("", max_length=100)
    report_submitted_on: dt.date | None = None
    report_document: str = Field("", max_length=255)
    reported_t: float | None = Field(None, ge=0, le=1e12)
    verifier: str = Field("", max_length=200)
    verified_on: dt.date | None = None
    verification_document: str = Field("", max_length=255)
    verified_t: float | None = Field(None, ge=0, le=1e12)
    allocated_t: float | None = Field(None, ge=0, le=1e12)
    surrendered_t: float | None = Field(None, ge=0, le=1e12)
    surrendered_on: dt.date | None = None
    compliance: Literal["fulfilled", "unfulfilled", "partial"] | None = None
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, le=MAX_ID, description="the version read (refused if it changed)")


@api.get("/key-units/emitters", summary="Every key emitter's years: states, reconciliation, alerts")
def api_years(request: Request, who: DistrictReader, year: YearQuery = None) -> list[dict[str, Any]]:
    return _svc(request).years(_who(who), year, lang=lang_of(request))


@api.get("/key-units/emitters/alerts", summary="The key emitters' alerts, each with its reason")
def api_alerts(request: Request, who: DistrictReader, year: YearQuery = None) -> list[dict[str, Any]]:
    return _svc(request).alerts(_who(who), year, lang=lang_of(request))


@api.post("/key-units/emitters", summary="List a unit for a year, or change it (send the version read)")
def api_record(request: Request, who: Editor, body: EmitterIn) -> Any:
    data = body.model_dump(exclude={"version"})
    try:
        return _svc(request).record(_who(who), parse_year(data), source="api", expected_version=body.version)
    except CarbonpeakError as exc:
        return _error(request, exc)


@api.get("/key-units/emitters/{enterprise_id}/{year}", summary="One unit's year", dependencies=[Supervised])
def api_year(request: Request, who: DistrictReader, enterprise_id: EnterprisePath, year: YearPath) -> Any:
    try:
        return _svc(request).year(_who(who), enterprise_id, year, lang=lang_of(request))
    except CarbonpeakError as exc:
        return _error(request, exc)


@api.post(
    "/key-units/emitters/{enterprise_id}/{year}/documents/{which}",
    summary="Upload a year's report or verification document",
    dependencies=[Supervised],
)
def api_attach(
    request: Request,
    who: Editor,
    enterprise_id: EnterprisePath,
    year: YearPath,
    which: Which,
    file: Annotated[UploadFile, File()],
) -> Any:
    svc = _svc(request)
    try:
        svc.year(_who(who), enterprise_id, year)  # refused before the file is read
        path, name = _read(request, file, "document.pdf")
        try:
            return svc.attach_document(
                _who(who), enterprise_id, year, which, path.read_bytes(), name, source="api"
            )
        finally:
            UPLOADS.discard(path)
    except TooLarge as exc:
        return Response(str(exc), 413)
    except CarbonpeakError as exc:
        return _error(request, exc)


def _download(request: Request, who: Reviewer, enterprise_id: str, year: int, which: Which) -> Response:
    try:
        path, media, name = _svc(request).document(who, enterprise_id, year, which)
    except CarbonpeakError as exc:
        return _error(request, exc)
    return FileResponse(path, media_type=media, filename=name)


@api.get(
    "/key-units/emitters/{enterprise_id}/{year}/documents/{which}",
    summary="Download a year's report or verification document",
    dependencies=[Supervised],
)
def api_document(
    request: Request, who: DistrictReader, enterprise_id: EnterprisePath, year: YearPath, which: Which
) -> Response:
    return _download(request, _who(who), enterprise_id, year, which)


# -- the enterprise's own ---------------------------------------------------------------------------


@api.get("/enterprise/emissions", summary="The caller's own key-emitter years")
def api_own(request: Request, who: Firm, year: YearQuery = None) -> list[dict[str, Any]]:
    return _svc(request).years(_who(who), year, lang=lang_of(request))


@api.post(
    "/enterprise/emissions/{year}/report", summary="Submit the caller's own emission report and document"
)
def api_own_report(
    request: Request,
    who: Firm,
    year: YearPath,
    submitted_on: Annotated[dt.date, Form()],
    reported_t: Annotated[float, Form(ge=0, le=1e12)],
    document: Annotated[str, Form(max_length=255)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Any:
    try:
        return _submit(request, who, year, submitted_on, reported_t, document, file, version, "api")
    except TooLarge as exc:
        return Response(str(exc), 413)
    except CarbonpeakError as exc:
        return _error(request, exc)


@api.get("/enterprise/emissions/{year}/documents/{which}", summary="Download one of the caller's documents")
def api_own_document(request: Request, who: Firm, year: YearPath, which: Which) -> Response:
    return _download(request, _who(who), who.enterprise_id or "", year, which)
