"""The tracking evaluation of one year as a table (the statisticians' sheet): every quantified
indicator the caller may see, with the required value on the path, the actual value and where it
comes from (填报 reported and approved, 核算 computed from the inventory), the gap and the status —
the numbers of ``carbonpeak track status --year``, as XLSX or CSV (the table is
``carbonpeak.tracking.tables.evaluation_table``; ``carbonpeak track export`` writes the same file).

``GET /tracking/export?year=2024&format=xlsx|csv``
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from carbonpeak.tracking.tables import evaluation_table
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.plan.views import visible_indicators
from carbonpeak.web.tracking.views import default_year, service

router = APIRouter()
Reader = Annotated[Principal, Depends(permit("office", "department", "viewer", scoped=True))]


@router.get("/tracking/export", summary="The tracking evaluation of a year as XLSX or CSV")
def tracking_export(
    request: Request,
    who: Reader,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
) -> Response:
    svc = service(request)
    data = svc.data()
    year = year or default_year(request)
    mine = {i.id for i in visible_indicators(svc.plan, who)}
    evaluations = [e for e in svc.evaluate([year], data) if e.indicator_id in mine]
    table = evaluation_table(
        svc.plan.plan.title, year, evaluations, illustrative=svc.is_illustrative(), lang=lang_of(request)
    )
    return table_response(format, table, f"{svc.plan.plan.id}-tracking-{year}")
