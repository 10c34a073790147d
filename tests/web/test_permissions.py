"""Deny by default: every route declares its roles, and the role × route matrix holds over real HTTP."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.plan import load_plan
from carbonpeak.plan.model import indicator_responsible
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.storage.tables import TaskReportRow
from carbonpeak.web import create_app
from carbonpeak.web.core.auth import NON_API_ROUTES, api_routes, check_declared, permit, route_permission
from tests.web.conftest import B_INDICATOR, B_TASK, USERS, LiveServer, csrf_of, login
from tests.web.route_table import ROLE_LETTERS, ROUTES

# A value for every path parameter: objects owned by 区工信局 (dept_b) only, so that the matrix
# also checks the row-level rule for departments.
SAMPLES = {
    "task_id": B_TASK,
    "indicator_id": B_INDICATOR,
    "table": "tasks",
    "kind": "report",
    "record_id": "1",
    "unit_id": "industry_it",
    "sha256": "0" * 64,
    "enterprise_id": "91120118EXAMP0001Y",
    "period": "2025-01",
    "review_id": "1",
    "project_id": "1",
    "year": "2025",  # key emitters (emitters)
    "which": "report",
    "value_id": "1",
    "username": "no-such-user",  # account administration must not change the test users mid-matrix
}
OWNER_PARAM = {"task_id", "indicator_id"}


def test_every_route_declares_a_permission(live: LiveServer) -> None:
    assert check_declared(live.app) == []
    declared = api_routes(live.app)
    assert len(declared) >= 20


def test_a_route_without_declaration_is_reported() -> None:
    app = FastAPI()

    @app.get("/open")
    def open_route() -> dict[str, str]:
        return {}

    @app.get("/closed")
    def closed_route(who: object = permit_dependency()) -> dict[str, str]:
        return {}

    missing = check_declared(app)
    assert any("/open" in m for m in missing)
    assert not any("/closed" in m for m in missing)
    # The OpenAPI document FastAPI adds itself is not in NON_API_ROUTES under its default path.
    assert "/openapi.json" in missing


def test_create_app_refuses_an_undeclared_route(live: LiveServer) -> None:
    from fastapi import APIRouter, Depends

    declared = APIRouter()

    @declared.get("/extra/declared")
    def fine(who: object = Depends(permit("office"))) -> dict[str, str]:
        return {}

    accepted = create_app(live.settings, extra_routers=[declared])  # every route declares
    assert "/extra/declared" in {r.path for r in api_routes(accepted)}
    accepted.state.engine.dispose()

    undeclared = APIRouter()

    @undeclared.get("/extra/undeclared")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match=r"/extra/undeclared"):
        create_app(live.settings, extra_routers=[declared, undeclared])


def permit_dependency() -> object:
    from fastapi import Depends

    return Depends(permit("office"))


def _owner_ok(live: LiveServer, user: str, route: APIRoute) -> bool:
    """For a scoped route with an object id, a department sees only objects naming its unit."""
    role, unit, _ = USERS.get(user, ("public", None, None))
    if role == "department" and "record_id" in route.param_convertors and permit_scoped(route):
        with Session(live.engine) as s:  # a tracking record: only the unit that reported it
            row = s.get(TaskReportRow, int(SAMPLES["record_id"]))
            return row is None or row.unit_id == unit
    if role == "department" and "enterprise_id" in route.param_convertors and permit_scoped(route):
        # an enterprise's months: only its supervising department (issue 21, services.month_review)
        return MonthReviewService(live.engine).supervises(
            Reviewer(LedgerActor(user, "department"), unit), SAMPLES["enterprise_id"]
        )
    if role != "department" or not (OWNER_PARAM & set(route.param_convertors)):
        return True
    plan = load_plan(live.settings.plan)
    if "task_id" in route.param_convertors:
        task = next(t for t in plan.tasks if t.id == SAMPLES["task_id"])
        return unit in task.responsible
    ind = next(i for i in plan.indicators if i.id == SAMPLES["indicator_id"])
    return unit in indicator_responsible(plan, ind)


def permit_scoped(route: APIRoute) -> bool:
    permission = route_permission(route)
    return permission is not None and permission.scoped


def _denied(response: httpx.Response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def _path(route: APIRoute) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLES[m.group(1)], route.path)


def test_role_route_matrix(live: LiveServer) -> None:
    """Every route × every role (two departments, an enterprise, the public) → allowed or denied
    as the route's declaration and the row-level rule say. Unsafe methods run last, logout at the end."""
    routes = api_routes(live.app)
    cells = [(r, m) for r in routes for m in sorted(r.methods)]
    cells.sort(key=lambda c: (c[1] != "GET", c[0].path == "/logout"))
    mismatches = []
    checked = 0
    for user in [*USERS, "public"]:
        client = login(live, user) if user != "public" else live.client()
        role = USERS[user][0] if user != "public" else "public"
        token = csrf_of(client)
        for route, method in cells:
            # the answer the explicit table expects (test_route_table checks it against declarations)
            allowed = ROLE_LETTERS[role] in ROUTES[f"{method} {route.path}"]
            expected = allowed and _owner_ok(live, user, route)
            response = client.request(method, _path(route), headers={"X-CSRF-Token": token})
            checked += 1
            if _denied(response) == expected:
                mismatches.append(
                    f"{user} {method} {_path(route)}: {response.status_code}, expected "
                    f"{'allow' if expected else 'deny'}"
                )
            if expected:
                assert response.status_code < 500
        # Routes that are not FastAPI routes: the static files and the OpenAPI document are public.
        for path in ("/static/css/app.css", "/api/v1/openapi.json"):
            assert client.get(path).status_code == 200
        client.close()
    assert set(NON_API_ROUTES) == {"/static", "/api/v1/openapi.json"}
    assert checked == len(cells) * (len(USERS) + 1)
    assert mismatches == []


def test_department_cannot_read_another_departments_task_over_api(clients: dict[str, httpx.Client]) -> None:
    assert clients["dept_b"].get(f"/api/v1/tasks/{B_TASK}").status_code == 200
    assert clients["dept_a"].get(f"/api/v1/tasks/{B_TASK}").status_code == 403
    assert clients["dept_a"].get(f"/tasks/{B_TASK}").status_code == 403
    listed = {t["id"] for t in clients["dept_a"].get("/api/v1/tasks").json()}
    assert listed == {"energy.1"}


def test_enterprise_token_authenticates_only_the_enterprise(live: LiveServer) -> None:
    token = live.tokens["firm"]
    with live.client(headers={"Authorization": f"Bearer {token}"}) as client:
        me = client.get("/api/v1/me")
        assert me.status_code == 200
        assert me.json()["enterprise_id"] == "ent-001"
        assert me.json()["via_token"] is True
        assert client.get("/api/v1/tasks").status_code == 403
    with live.client(headers={"Authorization": "Bearer cp_wrong"}) as client:
        assert client.get("/api/v1/me").status_code == 401
