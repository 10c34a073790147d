"""Server-rendered pages (Jinja2). Each route declares who may open it (``permit``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.plan import Plan
from carbonpeak.services.inventory import current_inventory
from carbonpeak.storage.accounts import audit, audit_entries, find_user, record_login
from carbonpeak.web.auth import ALL_ROLES, READERS, OwnedIndicator, OwnedTask, Principal, permit
from carbonpeak.web.downloads import plan_table, table_response
from carbonpeak.web.explorer import ExplorerError
from carbonpeak.web.explorer_routes import scenario_cache
from carbonpeak.web.i18n import t
from carbonpeak.web.indicator_view import indicator_evaluation
from carbonpeak.web.indicator_view import words as indicator_words
from carbonpeak.web.publishing_routes import public_rows, publishing
from carbonpeak.web.render import home_of, lang_of, render
from carbonpeak.web.reporting_views import overview_tracking, sparkline
from carbonpeak.web.security import verify_password
from carbonpeak.web.user_admin import users_context
from carbonpeak.web.views import (
    TABLES,
    filtered_indicators,
    headline_indicators,
    indicator_row,
    more_downloads,
    responsible_of,
    table_rows,
    target_status,
    task_row,
    unit_names,
    visible_indicators,
    visible_tasks,
)

router = APIRouter(include_in_schema=False)

Anyone = Annotated[Principal, Depends(permit(*ALL_ROLES))]
Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]
Office = Annotated[Principal, Depends(permit("office"))]


def _plan(request: Request) -> Plan:
    plan: Plan = request.app.state.plan
    return plan


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str | None) -> str | None:
    """Only a local path may follow a login (no //host, no scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, who: Anyone, next: str | None = None) -> Response:
    if who.signed_in:
        return RedirectResponse(home_of(who), 303)
    return render(request, "login.html", {"next": _safe_next(next) or "", "error": None, "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    who: Anyone,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    state = request.app.state
    ip = _client_ip(request)
    source = f"web login from {ip}"
    lang = lang_of(request)
    context = {"next": _safe_next(next) or "", "username": username}
    wait, failures = state.limiter.check(ip, username)
    if wait is not None:
        audit(state.engine, who=username, action="login.blocked", obj=f"user:{username}", source=source)
        response = render(request, "login.html", {**context, "error": t("login_blocked", lang)}, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = find_user(state.engine, username)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        state.limiter.failed(ip, username)
        audit(state.engine, who=username, action="login.failure", obj=f"user:{username}", source=source)
        return render(request, "login.html", {**context, "error": t("login_failed", lang)}, 401)
    if failures:  # a success clears the pair (no write when there is nothing to clear)
        state.limiter.succeeded(ip, username)
    request.session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    request.session.update({"uid": user.id, "pwh": user.password_hash[-16:]})
    record_login(state.engine, user.id)
    audit(
        state.engine,
        who=username,
        action="login.success",
        obj=f"user:{username}",
        after={"role": user.role},
        source=source,
    )
    principal = Principal(role=user.role, user_id=user.id, username=user.username)
    return RedirectResponse(_safe_next(next) or home_of(principal), 303)


@router.post("/logout")
def logout(request: Request, who: Anyone) -> Response:
    if who.signed_in:
        audit(
            request.app.state.engine,
            who=who.username,
            action="logout",
            obj=f"user:{who.username}",
            source=f"web from {_client_ip(request)}",
        )
    request.session.clear()
    return RedirectResponse("/login", 303)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, who: Reader) -> Response:
    plan = _plan(request)
    mine = {i.id for i in visible_indicators(plan, who)}
    tracking = overview_tracking(request, who)
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
    return render(
        request, "overview.html", {"cards": cards, "counts": counts, "chart": chart, "tracking": tracking}
    )


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, who: Reader) -> Response:
    plan = _plan(request)
    rows = [task_row(plan, t) for t in visible_tasks(plan, who)]
    by_action = [(a, [r for r in rows if r["action"] == a.id]) for a in plan.actions]
    indicators = {i.id: i for i in plan.indicators}
    projects = {p.id: p for p in plan.projects}
    return render(
        request,
        "plan.html",
        {"by_action": [(a, rs) for a, rs in by_action if rs], "indicators": indicators, "projects": projects},
    )


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, who: Reader, task: OwnedTask) -> Response:
    plan = _plan(request)
    row = task_row(plan, task)
    indicators = [indicator_row(plan, i) for i in plan.indicators if i.id in task.indicators]
    projects = [p for p in plan.projects if p.task == task.id]
    milestones = [m for m in plan.milestones if m.task == task.id]
    return render(
        request,
        "task.html",
        {"task": row, "indicators": indicators, "projects": projects, "milestones": milestones},
    )


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(
    request: Request,
    who: Reader,
    action: Annotated[str | None, Query(max_length=80)] = None,
    unit: Annotated[str | None, Query(max_length=80)] = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    plan = _plan(request)
    chosen_year = int(year) if year and year.isdigit() else None
    rows = [
        indicator_row(plan, i)
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
        },
    )


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_page(request: Request, who: Reader, ind: OwnedIndicator) -> Response:
    plan = _plan(request)
    row = indicator_row(plan, ind)
    tasks = [task_row(plan, t) for t in plan.tasks if t.id in row["tasks"]]
    lang = lang_of(request)
    evaluation = indicator_evaluation(request, ind, lang)
    latest = [r for r in evaluation["rows"] if r["actual"] is not None]
    status = target_status(plan, ind, {ind.id: latest[-1]["status"]} if latest else None)
    return render(
        request,
        "indicator.html",
        {
            "ind": row,
            "tasks": tasks,
            "status": status,
            "status_year": latest[-1]["year"] if latest else None,
            "ev": evaluation,
            "x": indicator_words(lang),
            "published": publishing(request).is_published(ind.id) if who.role == "office" else None,
        },
    )


@router.get("/my/tasks", response_class=HTMLResponse)
def my_tasks(
    request: Request, who: Annotated[Principal, Depends(permit("department", scoped=True))]
) -> Response:
    plan = _plan(request)
    tasks = [task_row(plan, t) for t in visible_tasks(plan, who)]
    indicators = [indicator_row(plan, i) for i in visible_indicators(plan, who)]
    unit = unit_names(plan).get(who.unit_id or "", who.unit_id)
    return render(request, "my_tasks.html", {"tasks": tasks, "indicators": indicators, "unit": unit})


@router.get("/downloads", response_class=HTMLResponse)
def downloads_page(request: Request, who: Reader) -> Response:
    plan = _plan(request)
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
    plan = _plan(request)
    rows = table_rows(plan, who, table)
    title = f"{plan.plan.title} — {TABLES[table][0]}"
    return table_response(format, plan_table(table, rows, title), f"{plan.plan.id}-{table}")


@router.get("/public", response_class=HTMLResponse)
def public_page(request: Request, who: Anyone) -> Response:
    return render(request, "public.html", {"rows": public_rows(request, lang_of(request))})


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: Office) -> Response:
    return render(request, "users.html", users_context(request))


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, who: Office) -> Response:
    return render(request, "audit.html", {"entries": audit_entries(request.app.state.engine)})
