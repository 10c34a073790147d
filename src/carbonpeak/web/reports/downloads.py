"""Downloads of the documents, written by ``carbonpeak.reports`` from ``services.reporting`` — the
same functions the CLI calls, so a download is the CLI's file byte for byte for the same data and
date (``as_of``). The office and viewers download every document; a department downloads its own
dispatch notice, and no other unit's (403).

- ``GET /reports/annual?year=2024&format=pdf|docx|html|xlsx`` (xlsx: the annex)
- ``GET /reports/period?from=2021&to=2025&format=…``
- ``GET /reports/notices?year=2024`` (the 通报 list, XLSX)
- ``GET /reports/dispatch?period=2026Q4&unit=ID&format=pdf|docx|html`` (a department: its own)
- ``GET /reports/dispatch.zip?period=2026Q4&format=…`` (every unit, one ZIP)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from carbonpeak.errors import InvalidInputError
from carbonpeak.reports import XLSX_MEDIA, documents
from carbonpeak.services import reporting
from carbonpeak.web.core.auth import Forbidden, Principal, permit
from carbonpeak.web.core.downloads import attachment
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.tracking.views import service

router = APIRouter()
Readers = Annotated[Principal, Depends(permit("office", "viewer"))]
AnyReader = Annotated[Principal, Depends(permit("office", "viewer", "department", scoped=True))]
DocFormat = Literal["pdf", "docx", "html"]
AsOf = Annotated[dt.date | None, Query(alias="as_of", description="date of the assessment (default today)")]
PERIOD = r"^(20\d\d|2100)(Q[1-4])?$"  # a year 2000–2100, a quarter or the year


def _doc(request: Request, doc: object, fmt: str, name: str) -> Response:
    if fmt == "xlsx":
        return attachment(documents.annex_bytes(doc), XLSX_MEDIA, f"{name}-annex.xlsx")  # type: ignore[arg-type]
    return attachment(documents.render(doc, fmt), documents.MEDIA[fmt], f"{name}.{fmt}")  # type: ignore[arg-type]


@router.get("/reports/annual", summary="The annual evaluation report (or its XLSX annex)")
def annual_report(
    request: Request,
    who: Readers,
    year: Annotated[int, Query(ge=2000, le=2100)],
    format: Annotated[Literal["pdf", "docx", "html", "xlsx"], Query()] = "pdf",
    as_of: AsOf = None,
    samples: Annotated[int, Query(ge=0, le=2000)] = reporting.SCENARIO_SAMPLES,
) -> Response:
    svc = service(request)
    results = reporting.annual_results(
        request.app.state.engine, svc, year, as_of or dt.date.today(), samples=samples
    )
    doc = documents.annual_document(results, lang_of(request))
    return _doc(request, doc, format, f"annual-report-{year}")


@router.get("/reports/period", summary="The period evaluation (十四五 final evaluation)")
def period_report(
    request: Request,
    who: Readers,
    year_from: Annotated[int, Query(alias="from", ge=2000, le=2100)] = 2021,
    year_to: Annotated[int, Query(alias="to", ge=2000, le=2100)] = 2025,
    format: Annotated[Literal["pdf", "docx", "html", "xlsx"], Query()] = "pdf",
    as_of: AsOf = None,
) -> Response:
    if year_to < year_from:
        raise InvalidInputError(
            f"to {year_to} 早于 from {year_from}", message_en=f"to {year_to} is before from {year_from}"
        )
    svc = service(request)
    results = reporting.period_results(
        request.app.state.engine, svc, year_from, year_to, as_of or dt.date.today()
    )
    doc = documents.period_document(results, lang_of(request))
    return _doc(request, doc, format, f"period-evaluation-{year_from}-{year_to}")


@router.get("/reports/notices", summary="The 通报 list (XLSX the office edits)")
def notice_list(
    request: Request, who: Readers, year: Annotated[int, Query(ge=2000, le=2100)], as_of: AsOf = None
) -> Response:
    svc = service(request)
    results = reporting.annual_results(
        request.app.state.engine, svc, year, as_of or dt.date.today(), samples=0
    )
    return attachment(
        documents.notice_list_bytes(results, lang_of(request)), XLSX_MEDIA, f"notices-{year}.xlsx"
    )


def _split(period: str) -> tuple[int, str]:
    return int(period[:4]), period[4:] or "Y"


@router.get("/reports/dispatch", summary="One unit's dispatch notice (a department: its own)")
def dispatch_notice(
    request: Request,
    who: AnyReader,
    period: Annotated[str, Query(pattern=PERIOD)],
    unit: Annotated[str | None, Query(max_length=100)] = None,
    format: Annotated[DocFormat, Query()] = "pdf",
    as_of: AsOf = None,
) -> Response:
    if who.role == "department":
        if unit is not None and unit != who.unit_id:
            raise Forbidden("a department downloads its own dispatch notice only")
        unit = who.unit_id
    if unit is None:
        raise InvalidInputError("请指定责任单位（unit）", message_en="unit: choose the responsible unit")
    year, code = _split(period)
    svc = service(request)
    results = reporting.dispatch_results(svc, unit, year, code, as_of or dt.date.today())
    lang = lang_of(request)
    data = documents.render(documents.dispatch_document(results, lang), format)
    return attachment(data, documents.MEDIA[format], documents.dispatch_name(results, format, lang))


@router.get("/reports/dispatch.zip", summary="Every unit's dispatch notice as one ZIP")
def dispatch_zip(
    request: Request,
    who: Readers,
    period: Annotated[str, Query(pattern=PERIOD)],
    format: Annotated[DocFormat, Query()] = "pdf",
    as_of: AsOf = None,
) -> Response:
    year, code = _split(period)
    svc = service(request)
    every = reporting.dispatch_all(svc, year, code, as_of or dt.date.today())
    files = documents.dispatch_files(every, format, lang_of(request))
    return attachment(documents.zip_bytes(files), documents.ZIP_MEDIA, f"dispatch-{period}.zip")
