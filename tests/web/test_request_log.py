"""The request log (logger ``carbonpeak.web.requests``) of the live server: method, route template,
status, duration and the caller; never a password, a token or a cookie. The library configures no
logging: the records reach pytest's ``caplog`` through the root logger."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app as cli
from tests.web.conftest import PASSWORD, LiveServer, csrf_of, free_port, login, write_plan

REQUESTS = "carbonpeak.web.requests"


def _requests(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == REQUESTS]


def test_each_request_is_logged_with_its_route_and_caller(
    live: LiveServer, clients: dict[str, httpx.Client], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=REQUESTS)
    task = live.app.state.plan.tasks[0].id
    assert clients["dept_a"].get(f"/api/v1/tasks/{task}").status_code == 200
    assert clients["public"].get("/api/v1/health").status_code == 200
    assert clients["viewer"].get(f"/tasks/{task}/report?year=2024").status_code == 200
    assert clients["public"].get("/no/such/page").status_code == 404
    assert clients["public"].get("/static/css/app.css").status_code == 200
    logged = [(r.method, r.route, r.status, r.user, r.role) for r in _requests(caplog)]  # type: ignore[attr-defined]
    assert logged == [
        ("GET", "/api/v1/tasks/{task_id}", 200, "dept_a", "department"),
        ("GET", "/api/v1/health", 200, "-", "public"),
        ("GET", "/tasks/{task_id}/report", 200, "viewer", "viewer"),
        ("GET", "-", 404, "-", "public"),
        ("GET", "/static/{path}", 200, "-", "public"),
    ]
    first = _requests(caplog)[0]
    assert first.getMessage().startswith("GET /api/v1/tasks/{task_id} 200 ")
    assert first.getMessage().endswith(" ms dept_a/department")
    assert task not in " ".join(r.getMessage() for r in _requests(caplog))  # templates, not raw paths
    assert all(r.duration_ms >= 0 for r in _requests(caplog))  # type: ignore[attr-defined]


def test_signing_in_logs_no_secret(live: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="carbonpeak")
    client, wrong = login(live, "office"), live.client()
    api = live.client(headers={"Authorization": f"Bearer {live.tokens['firm']}"})
    try:
        cookie = client.cookies.get("carbonpeak_session")
        assert cookie
        token = csrf_of(wrong)
        form = {"username": "office", "password": "not the password", "csrf_token": token, "next": ""}
        assert wrong.post("/login", data=form).status_code == 401
        assert api.get("/api/v1/me").status_code == 200
    finally:
        for c in (client, wrong, api):
            c.close()
    text = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "signed in 'office' (office)" in text
    assert "sign-in of 'office' from 127.0.0.1 failed" in text
    statuses = {(r.method, r.route, r.status, r.user) for r in _requests(caplog)}  # type: ignore[attr-defined]
    assert {("POST", "/login", 303, "office"), ("POST", "/login", 401, "-")} <= statuses
    assert ("GET", "/api/v1/me", 200, "firm") in statuses
    for secret in (PASSWORD, "not the password", cookie, live.tokens["firm"], token):
        assert secret not in text


def test_serve_writes_the_request_log(tmp_path: Path) -> None:
    """``carbonpeak serve`` configures the logging (the library does not): the request log on the
    server's stream, and no access log of uvicorn's with raw paths."""
    url = f"sqlite:///{(tmp_path / 'web.sqlite').as_posix()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARBONPEAK_")}
    env.update({"CARBONPEAK_MODE": "development", "CARBONPEAK_DATA_DIR": str(tmp_path)})
    port = free_port()
    command = [str(Path(sys.executable).parent / "carbonpeak"), "--database", url, "db", "upgrade"]
    subprocess.run(command, env=env, check=True, capture_output=True)
    serve = [*command[:3], "serve", "--plan", str(write_plan(tmp_path)), "--port", str(port)]
    with (tmp_path / "server.log").open("w") as out:
        server = subprocess.Popen(
            [*serve, "--log-level", "info"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v1/tasks/energy.1").status_code == 401:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = (tmp_path / "server.log").read_text(encoding="utf-8")
    assert "GET /api/v1/tasks/{task_id} 401 " in text
    assert "/api/v1/tasks/energy.1" not in text


def test_serve_refuses_an_unknown_log_level() -> None:
    result = CliRunner().invoke(cli, ["serve", "--log-level", "chatty"])
    assert result.exit_code == 2
    assert "--log-level 'chatty'" in result.output
