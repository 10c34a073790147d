"""The plan's pages (实施方案): actions and tasks, one task, the indicator list with its filters, and
a department's own tasks (我的任务). Each route declares who may open it (``permit``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.plan import Plan
from carbonpeak.plan.search import search_plan
from carbonpeak.web.core.auth import ALL_ROLES, READERS, OwnedTask, Principal, permit
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.todo import department_todo, todo_words
from carbonpeak.web.core.tracking_service import indicator_statuses, year_context
from carbonpeak.web.plan.views import (
    filtered_indicators,
    indicator_row,
    responsible_of,
    task_row,
    unit_names,
    visible_indicators,
    visible_tasks,
)

router = APIRouter(include_in_schema=False)

Anyone = Annotated[Principal, Depends(permit(*ALL_ROLES))]
Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]
Office = Annotated[Principal, Depends(permit("office"))]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


def _plan(request: Request) -> Plan:
    plan: Plan = request.app.state.plan
    return plan


def _hits(plan: Plan, who: Principal, query: str) -> list[dict[str, str]]:
    """The search hits the caller may see (a department: its own tasks and indicators, and the
    projects of its tasks), each with the page it links to."""
    tasks = {t.id for t in visible_tasks(plan, who)}
    indicators = {i.id for i in visible_indicators(plan, who)}
    project_task = {p.id: p.task for p in plan.projects}
    out = []
    for hit in search_plan(plan, query):
        if hit.kind == "task" and hit.id in tasks:
            link = f"/tasks/{hit.id}"
        elif hit.kind == "indicator" and hit.id in indicators:
            link = f"/indicators/{hit.id}"
        elif hit.kind == "project" and (project_task[hit.id] is None or project_task[hit.id] in tasks):
            task = project_task[hit.id]
            link = f"/tasks/{task}" if task else ""
        else:
            continue
        out.append(
            {"kind": hit.kind, "title": hit.title, "clause": hit.clause, "excerpt": hit.excerpt, "link": link}
        )
    return out


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, who: Reader, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    plan = _plan(request)
    rows = [task_row(plan, t) for t in visible_tasks(plan, who)]
    by_action = [(a, [r for r in rows if r["action"] == a.id]) for a in plan.actions]
    indicators = {i.id: i for i in plan.indicators}
    projects = {p.id: p for p in plan.projects}
    context = {
        "by_action": [(a, rs) for a, rs in by_action if rs],
        "indicators": indicators,
        "projects": projects,
        "q": q,
        "hits": _hits(plan, who, q) if q.strip() else None,
    }
    return render(request, "plan.html", context)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, who: Reader, task: OwnedTask, year: YearQuery = None) -> Response:
    plan = _plan(request)
    row = task_row(plan, task)
    shown, statuses = indicator_statuses(request, year)
    indicators = [indicator_row(plan, i, statuses) for i in plan.indicators if i.id in task.indicators]
    projects = [p for p in plan.projects if p.task == task.id]
    milestones = [m for m in plan.milestones if m.task == task.id]
    return render(
        request,
        "task.html",
        {
            "task": row,
            "indicators": indicators,
            "projects": projects,
            "milestones": milestones,
            "year_sel": year_context(request, shown),
        },
    )


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(
    request: Request,
    who: Reader,
    action: Annotated[str | None, Query(max_length=80)] = None,
    unit: Annotated[str | None, Query(max_length=80)] = None,
    target_year: Annotated[str | None, Query(max_length=4)] = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    """``target_year`` filters the indicators by the year of their target; ``year`` is the year whose
    status is shown (the shared year selector; default ``default_year``). An empty field of a
    filter form is no filter."""
    plan = _plan(request)
    chosen_year = int(target_year) if target_year and target_year.isdigit() else None
    shown = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else None
    status_year, statuses = indicator_statuses(request, shown)
    rows = [
        indicator_row(plan, i, statuses)
        for i in filtered_indicators(plan, who, action or None, unit or None, chosen_year)
    ]
    visible = visible_indicators(plan, who)
    responsible_units = {r for i in visible for r in responsible_of(plan, i)}
    return render(
        request,
        "indicators.html",
        {
            "rows": rows,
            "actions": plan.actions,
            "units": [u for u in plan.units if u.id in responsible_units],
            "years": sorted({i.year for i in visible}),
            "chosen": {"action": action or "", "unit": unit or "", "year": chosen_year},
            "status_year": status_year,
            "year_sel": year_context(request, status_year),
        },
    )


@router.get("/my/tasks", response_class=HTMLResponse)
def my_tasks(
    request: Request,
    who: Annotated[Principal, Depends(permit("department", scoped=True))],
    year: YearQuery = None,
) -> Response:
    plan = _plan(request)
    tasks = [task_row(plan, t) for t in visible_tasks(plan, who)]
    shown, statuses = indicator_statuses(request, year)
    indicators = [indicator_row(plan, i, statuses) for i in visible_indicators(plan, who)]
    unit = unit_names(plan).get(who.unit_id or "", who.unit_id)
    lang = lang_of(request)
    todo = department_todo(request, who.unit_id or "", lang)
    context = {
        "tasks": tasks,
        "indicators": indicators,
        "unit": unit,
        "todo": todo,
        "tw": todo_words(lang),
        "year_sel": year_context(request, shown),
    }
    return render(request, "my_tasks.html", context)
