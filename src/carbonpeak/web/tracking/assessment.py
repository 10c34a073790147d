"""The assessment pages (考核): every unit's scorecard for a year, sortable, its download, and one
unit's components and deductions. Every signed-in reader sees every unit: the results are
circulated (通报) to all units (decision 0410)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.errors import NotFoundError
from carbonpeak.web.core.auth import READERS, Principal, permit
from carbonpeak.web.core.downloads import attachment
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.core.tracking_service import year_context
from carbonpeak.web.tracking.views import SORT_KEYS, assessment_rows, default_year, export, page, service

router = APIRouter(include_in_schema=False)

# The 考核 results are circulated (通报) to every unit: not narrowed to the caller (decision 0410).
AnyReader = Annotated[Principal, Depends(permit(*READERS))]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/assessment", response_class=HTMLResponse)
def assessment_page(
    request: Request,
    who: AnyReader,
    year: YearQuery = None,
    sort: Annotated[str, Query(max_length=20)] = "score",
) -> Response:
    svc = service(request)
    chosen = year or default_year(request)
    rows = assessment_rows(svc, chosen, sort)
    key = sort.lstrip("-") if sort.lstrip("-") in SORT_KEYS else "score"
    return page(
        request,
        "assessment.html",
        {
            "rows": rows,
            "year": chosen,
            "sort": sort,
            "key": key,
            "rubric_version": svc.rubric.version,
            "year_sel": year_context(request, chosen),
        },
    )


@router.get("/assessment/export")
def assessment_export(
    request: Request, who: AnyReader, year: YearQuery = None, format: Literal["csv", "xlsx"] = "xlsx"
) -> Response:
    svc = service(request)
    chosen = year or default_year(request)
    rows = assessment_rows(svc, chosen)
    mark = "（示例数据）" if svc.is_illustrative() else ""
    title = f"{svc.plan.plan.title} — {chosen}年度考核 (评分细则 v{svc.rubric.version}){mark}"
    title_en = (
        f"{svc.plan.plan.title} — assessment {chosen} (rubric v{svc.rubric.version})"
        f"{' (illustrative)' if mark else ''}"
    )
    content, media = export("assessment", rows, format, title, lang_of(request), title_en)
    name = f"{svc.plan_id}-assessment-{chosen}.{format}"
    return attachment(content, media, name)


@router.get("/assessment/{unit_id}", response_class=HTMLResponse)
def assessment_unit_page(request: Request, who: AnyReader, unit_id: str, year: YearQuery = None) -> Response:
    svc = service(request)
    chosen = year or default_year(request)
    row = next((r for r in assessment_rows(svc, chosen) if r["unit"] == unit_id), None)
    if row is None:
        raise NotFoundError(f"no responsible unit {unit_id!r} assessed in {chosen}")
    context = {"row": row, "year": chosen, "year_sel": year_context(request, chosen)}
    return page(request, "assessment_unit.html", context)
