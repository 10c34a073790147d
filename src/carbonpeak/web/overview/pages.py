"""The overview (总览), the leaders' dashboard: headline targets as cards with status and trend, the
plan scenario's peak card, the office's alerts and the tasks per action."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.plan import Plan
from carbonpeak.web.core.auth import READERS, Principal, permit
from carbonpeak.web.core.i18n import t
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.todo import office_todo, todo_words
from carbonpeak.web.core.tracking_service import year_context
from carbonpeak.web.overview.views import overview_projection, overview_tracking, sparkline
from carbonpeak.web.plan.views import (
    headline_indicators,
    indicator_row,
    target_status,
    visible_indicators,
    visible_tasks,
)

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request, who: Reader, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    plan: Plan = request.app.state.plan
    mine = {i.id for i in visible_indicators(plan, who)}
    tracking = overview_tracking(request, who, year)
    evaluated = tracking["statuses"]
    trends = tracking["trends"]
    cards = [
        {
            "row": indicator_row(plan, i),
            "status": target_status(plan, i, evaluated),
            "link": i.id in mine,
            "spark": sparkline(trends[i.id]) if i.id in trends else None,
        }
        for i in headline_indicators(plan)
    ]
    tasks = visible_tasks(plan, who)
    counts = {a.id: sum(1 for t in tasks if t.action == a.id) for a in plan.actions}
    chart = {
        "labels": [a.title for a in plan.actions],
        "values": [counts[a.id] for a in plan.actions],
        "name": t("tasks", lang_of(request)),
    }
    peak = overview_projection(request.app, lang_of(request))
    context = {
        "cards": cards,
        "counts": counts,
        "chart": chart,
        "tracking": tracking,
        "peak": peak,
        "year_sel": year_context(request, tracking["year"]),
    }
    if who.role == "office":
        context |= {"office_todo": office_todo(request), "tw": todo_words(lang_of(request))}
    return render(request, "overview.html", context)
