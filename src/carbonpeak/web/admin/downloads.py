"""The downloads page (下载): the plan's tables with their row counts, as XLSX or CSV, narrowed to
what the caller may see, and the links to every other download of the app."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.plan import Plan
from carbonpeak.services.inventory import current_inventory
from carbonpeak.web.core.auth import READERS, Principal, permit
from carbonpeak.web.core.downloads import plan_table, table_response
from carbonpeak.web.core.render import render
from carbonpeak.web.plan.views import TABLES, more_downloads, table_rows
from carbonpeak.web.scenarios.explorer import ExplorerError
from carbonpeak.web.scenarios.pages import scenario_cache

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]


@router.get("/downloads", response_class=HTMLResponse)
def downloads_page(request: Request, who: Reader) -> Response:
    plan: Plan = request.app.state.plan
    tables = [(name, title, len(table_rows(plan, who, name))) for name, (title, _) in TABLES.items()]
    try:
        scenario_cache(request).prepared("plan")
        scenarios = True
    except ExplorerError:
        scenarios = False
    stored = current_inventory(request.app.state.engine) is not None
    more = more_downloads(who, scenarios=scenarios, inventory=stored)
    return render(request, "downloads.html", {"tables": tables, "more": more})


@router.get("/downloads/{table}")
def download(request: Request, who: Reader, table: str, format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    plan: Plan = request.app.state.plan
    rows = table_rows(plan, who, table)
    title = f"{plan.plan.title} — {TABLES[table][0]}"
    return table_response(format, plan_table(table, rows, title), f"{plan.plan.id}-{table}")
