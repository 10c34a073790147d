"""Issue 12's remaining holes over real HTTP: the password rule on the web forms, production's Secure
cookie, ids beyond 32/64 bits at every route, security headers on 500s and error pages, no-store on
one-time secrets, the 404 language link, separation of duties with its on-behalf audit row, and the
server's overload bound (uvicorn limit_concurrency from the settings)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.cli.web import server_options
from carbonpeak.services.accounts import add_user
from carbonpeak.services.passwords import password_problems
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.tables import AuditRow
from carbonpeak.web import create_app
from carbonpeak.web.core.auth import ALL_ROLES, api_routes, permit
from carbonpeak.web.core.ids import MAX_ID, unbounded_integers
from carbonpeak.web.core.security import SECURITY_HEADERS
from tests.web.conftest import (
    B_INDICATOR,
    PASSWORD,
    LiveServer,
    create_users,
    csrf_of,
    free_port,
    login,
    make_settings,
    serve,
    signed_in,
    start,
)

GOOD_SECRET = "k3J9-production-secret-of-enough-length-0001"
HUGE = "99999999999999999999"


def _boom_router() -> APIRouter:
    router = APIRouter()

    @router.get("/extra/boom")
    def boom(who: object = Depends(permit(*ALL_ROLES))) -> dict[str, str]:
        raise RuntimeError("a bug in a route")

    return router


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The web-test app plus one route that fails with an unhandled exception."""
    folder: Path = tmp_path_factory.mktemp("web-rules")
    settings = make_settings(folder, secret_key="r" * 40)
    upgrade(settings.resolved_database_url())
    engine = make_engine(settings.resolved_database_url())
    tokens = create_users(engine)
    app = create_app(settings, extra_routers=[_boom_router()])
    try:
        for url in serve(app):
            yield LiveServer(url, app, engine, settings, tokens)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def clients(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(server)


def _post(client: httpx.Client, path: str, **data: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf_of(client), **data})


# -- the password rule on the web ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "zh", "en"),
    [
        ("password12", "常见密码", "common password"),
        ("aaaaaaaaaa", "至少 3 类", "at least 3 of"),
        ("Dept_b-2026-x", "不能包含用户名", "must not contain the user name"),
        ("Ab1-xyz", "至少需要 10 个字符", "at least 10 characters"),
    ],
)
def test_the_password_form_applies_the_rule(server: LiveServer, new: str, zh: str, en: str) -> None:
    client = login(server, "dept_b")
    try:
        form = {"current": PASSWORD, "new": new, "again": new}
        refused = _post(client, "/account/password", **form)
        assert refused.status_code == 422 and zh in refused.text
        english = client.post("/account/password?lang=en", data={"csrf_token": csrf_of(client), **form})
        assert english.status_code == 422 and en in english.text
        assert client.get("/api/v1/me").status_code == 200  # still signed in: nothing changed
    finally:
        client.close()


def test_office_made_passwords_pass_the_rule_and_are_not_cached(clients: dict[str, httpx.Client]) -> None:
    office = clients["office"]
    created = _post(office, "/admin/users", username="rule-viewer", role="viewer", display_name="查看")
    assert created.status_code == 200, created.text
    password = re.search(r'<code id="new-password">([^<]+)</code>', created.text)
    assert password is not None and password_problems(password.group(1), "rule-viewer") == []
    assert created.headers["cache-control"] == "no-store"
    reset = _post(office, "/admin/users/rule-viewer/password")
    again = re.search(r'<code id="new-password">([^<]+)</code>', reset.text)
    assert again is not None and password_problems(again.group(1), "rule-viewer") == []
    assert reset.headers["cache-control"] == "no-store"
    token = _post(office, "/admin/users/firm/token")
    assert "new-token" in token.text and token.headers["cache-control"] == "no-store"


# -- production: secret key and cookies ------------------------------------------------------------


@pytest.mark.parametrize("secret", ["a" * 32, "changeme" * 4, "abcdefghijklmnopqrstuvwxyz012345"])
def test_production_refuses_a_low_entropy_key(tmp_path: Path, secret: str) -> None:
    from carbonpeak.web import UnsafeSettingsError

    settings = make_settings(tmp_path, mode="production", secret_key=secret)
    upgrade(settings.resolved_database_url())
    with pytest.raises(UnsafeSettingsError, match=r"entropy|pattern"):
        create_app(settings)


def _session_cookie(response: httpx.Response) -> str:
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    return next(v for v in cookies if "carbonpeak_session" in v).lower()


@pytest.mark.parametrize(("secure", "expected"), [(None, True), (False, False)])
def test_production_cookies_are_secure_unless_plain_http_on_purpose(
    tmp_path: Path, secure: bool | None, expected: bool
) -> None:
    for live in start(tmp_path, mode="production", secret_key=GOOD_SECRET, session_cookie_secure=secure):
        with live.client() as client:
            page = client.get("/login")
            cookie = _session_cookie(page)
            assert "httponly" in cookie and "samesite=lax" in cookie
            assert ("; secure" in cookie) is expected
            assert ("strict-transport-security" in page.headers) is expected


# -- ids at every route ----------------------------------------------------------------------------

SAMPLES = {
    "task_id": "energy.1",
    "indicator_id": B_INDICATOR,
    "table": "tasks",
    "kind": "report",
    "unit_id": "industry_it",
    "sha256": "0" * 64,
    "enterprise_id": "91120118EXAMP0001Y",
    "period": "2025-01",
    "which": "report",
    "year": "2025",
    "username": "no-such-user",
}


def _int_path_params(route: APIRoute) -> list[str]:
    return [p.name for p in route.dependant.path_params if p.field_info.annotation is int]


def test_every_integer_parameter_is_bounded(server: LiveServer) -> None:
    assert unbounded_integers(server.app) == []


def test_a_route_with_an_unbounded_integer_is_refused(server: LiveServer) -> None:
    router = APIRouter()

    @router.get("/extra/things/{thing_id}")
    def thing(thing_id: int, who: object = Depends(permit("office"))) -> dict[str, int]:
        return {"id": thing_id}

    with pytest.raises(RuntimeError, match=r"/extra/things/\{thing_id\}: thing_id"):
        create_app(server.settings, extra_routers=[router])


@pytest.mark.parametrize("value", [HUGE, str(2**63), str(MAX_ID + 1), "0", "-1", "abc"])
def test_huge_ids_in_every_path_are_404(
    server: LiveServer, clients: dict[str, httpx.Client], value: str
) -> None:
    from tests.web.route_table import ROUTES

    def caller(method: str, route: APIRoute) -> str:
        """The office, or the firm for a route only an enterprise may open (the office gets 403 first)."""
        return "firm" if "o" not in ROUTES.get(f"{method} {route.path}", "o") else "office"

    routes = [r for r in api_routes(server.app) if _int_path_params(r)]
    assert len(routes) >= 4  # records (API and pages), evidence files, 两高 reviews
    tokens = {name: csrf_of(clients[name]) for name in ("office", "firm")}
    checked = []
    for route in routes:
        ints = set(_int_path_params(route))

        def fill(m: re.Match[str], ints: set[str] = ints) -> str:
            return value if m.group(1) in ints else SAMPLES[m.group(1)]

        path = re.sub(r"\{(\w+)(:\w+)?\}", fill, route.path)
        for method in sorted(route.methods):
            who = caller(method, route)
            response = clients[who].request(
                method, path, headers={"X-CSRF-Token": tokens[who]}, json={"decision": "approve"}
            )
            checked.append(path)
            assert response.status_code == 404, (method, path, response.status_code, response.text[:200])
            assert "没有这个编号的记录" in response.text, (method, path)
    assert checked


def test_huge_ids_in_queries_are_422(server: LiveServer, clients: dict[str, httpx.Client]) -> None:
    for path in (f"/inventory?batch={HUGE}", f"/inventory?stored={HUGE}", f"/inventory?again={2**63}"):
        response = clients["office"].get(path)
        assert response.status_code == 422, (path, response.status_code)


# -- headers on every answer -----------------------------------------------------------------------


def test_a_500_carries_the_security_headers(server: LiveServer) -> None:
    with server.client() as client:
        response = client.get("/extra/boom")
    assert response.status_code == 500
    assert "服务器内部错误" in response.text and "a bug in a route" not in response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["cache-control"] == "no-store"


def test_error_pages_carry_the_headers_and_static_files_stay_cacheable(
    clients: dict[str, httpx.Client],
) -> None:
    for path in ("/no/such/page", "/api/v1/no-such", f"/records/report/{HUGE}/evidence/{'0' * 64}"):
        response = clients["dept_a"].get(path)
        assert response.status_code == 404
        assert response.headers["content-security-policy"] == SECURITY_HEADERS["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
    static = clients["public"].get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
    assert clients["office"].get("/admin/users").headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["//evil.example/x", "/%5Cevil.example/x", "///evil.example"])
def test_the_404_language_link_stays_on_the_site(server: LiveServer, path: str) -> None:
    with server.client() as client:
        response = client.get(httpx.URL(server.url + path))
    assert response.status_code == 404
    link = re.search(r'id="lang-switch" href="([^"]+)"', response.text)
    assert link is not None
    href = link.group(1)
    assert href.startswith("/") and not href.startswith("//") and "\\" not in href, href
    assert httpx.URL(server.url).join(href).host == "127.0.0.1"


# -- separation of duties --------------------------------------------------------------------------


def _value(client: httpx.Client, year: int, **extra: Any) -> httpx.Response:
    return client.post(
        f"/api/v1/indicators/{B_INDICATOR}/values",
        json={"year": year, "value": 8.5, "data_source": "区统计局", "submit": True, **extra},
        headers={"X-CSRF-Token": csrf_of(client)},
    )


def _decide(client: httpx.Client, record_id: int) -> httpx.Response:
    return client.post(
        f"/api/v1/records/value/{record_id}/decision",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )


def test_nobody_approves_their_own_entry(server: LiveServer, clients: dict[str, httpx.Client]) -> None:
    office = clients["office"]
    saved = _value(office, 2022, unit_id="industry_it")  # the office on behalf of 区工信局
    assert saved.status_code == 200, saved.text
    record = saved.json()["id"]
    own = _decide(office, record)
    assert own.status_code == 403
    assert "不能审核通过自己填报或提交的记录" in own.json()["detail"]
    page = office.post(f"/review/value/{record}", data={"csrf_token": csrf_of(office), "decision": "approve"})
    assert page.status_code == 403 and "不能审核通过自己填报或提交的记录" in page.text  # says why

    add_user(
        server.engine,
        username="office2",
        password=PASSWORD,
        role="office",
        display_name="双碳办 审核",
        who="tests",
        source="tests",
    )
    other = login(server, "office2")
    try:
        assert _decide(other, record).status_code == 200
    finally:
        other.close()

    with Session(server.engine) as s:
        rows = s.scalars(
            select(AuditRow).where(AuditRow.row_id == record, AuditRow.table_name == "indicator_values")
        ).all()
    behalf = [r for r in rows if r.action == "on_behalf"]
    assert {r.after["step"] for r in behalf if r.after} == {"save", "submit"}
    assert all(
        r.who.startswith("office ") and r.after and r.after["on_behalf_of"] == "industry_it" for r in behalf
    )
    assert [r.who.split()[0] for r in rows if r.action == "approve"] == ["office2"]


def test_the_unit_submits_and_the_office_approves(clients: dict[str, httpx.Client]) -> None:
    saved = _value(clients["dept_b"], 2021)
    assert saved.status_code == 200, saved.text
    assert _decide(clients["office"], saved.json()["id"]).status_code == 200


def test_the_office_reports_only_for_a_responsible_unit(clients: dict[str, httpx.Client]) -> None:
    refused = _value(clients["office"], 2020, unit_id="dev_reform")  # 区发改委 is not responsible
    assert refused.status_code == 403
    assert "only on behalf of a responsible unit" in refused.text


# -- overload: the server sheds at once past limit_concurrency ------------------------------------


def test_the_server_answers_503_past_its_concurrency_limit(server: LiveServer) -> None:
    settings = server.settings.model_copy(update={"serve_limit_concurrency": 2, "serve_backlog": 64})
    options = server_options(settings)
    assert options == {
        "limit_concurrency": 2,
        "backlog": 64,
        "timeout_keep_alive": settings.serve_timeout_keep_alive,
        "timeout_graceful_shutdown": settings.serve_timeout_graceful_shutdown,
    }
    app: FastAPI = server.app
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", **options)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url) as client:
            assert client.get("/login").status_code == 200
        idle = socket.create_connection(("127.0.0.1", port))  # an open connection takes a place
        time.sleep(0.2)
        try:
            with httpx.Client(base_url=url) as client:
                started = time.monotonic()
                shed = client.get("/login")
                assert shed.status_code == 503
                assert time.monotonic() - started < 1.0  # at once, not after a queue
        finally:
            idle.close()
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
