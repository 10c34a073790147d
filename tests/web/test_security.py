"""Security measures over real HTTP: CSRF, login rate limit, headers, cookies, hashing, audit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.services.signin import LoginRateLimiter, verify_password
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.accounts import LoginAttemptRow, audit_entries, find_user
from tests.web.conftest import PASSWORD, LiveServer, csrf_of, login, start


def test_login_without_csrf_token_is_rejected(live: LiveServer) -> None:
    with live.client() as client:
        client.get("/login")  # a session exists, with a token the form would carry
        response = client.post("/login", data={"username": "office", "password": PASSWORD})
        assert response.status_code == 403
        assert "CSRF" in response.text
        wrong = client.post(
            "/login", data={"username": "office", "password": PASSWORD, "csrf_token": "x" * 43}
        )
        assert wrong.status_code == 403
        assert client.get("/api/v1/me").status_code == 401  # not signed in


def test_csrf_token_of_another_session_is_rejected(live: LiveServer) -> None:
    with live.client() as mine, live.client() as theirs:
        mine.get("/login")
        stolen = csrf_of(theirs)
        response = mine.post(
            "/login", data={"username": "office", "password": PASSWORD, "csrf_token": stolen}
        )
        assert response.status_code == 403


def test_logout_needs_the_csrf_token(live: LiveServer) -> None:
    client = login(live, "viewer")
    assert client.post("/logout").status_code == 403
    assert client.get("/api/v1/me").status_code == 200  # still signed in
    assert client.post("/logout", headers={"X-CSRF-Token": csrf_of(client)}).status_code == 303
    assert client.get("/api/v1/me").status_code == 401
    client.close()


def test_multipart_form_carries_the_token(live: LiveServer) -> None:
    with live.client() as client:
        token = csrf_of(client)
        response = client.post(
            "/login",
            files={"username": (None, "office"), "password": (None, PASSWORD), "csrf_token": (None, token)},
        )
        assert response.status_code == 303


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own, so that the blocked user does not disturb the other tests."""
    yield from start(tmp_path, secret_key="z" * 40, login_max_attempts=3)


def test_login_rate_limit_per_ip_and_user(fresh: LiveServer) -> None:
    live = fresh
    attempts = live.settings.login_max_attempts
    assert attempts == 3
    with live.client() as client:
        token = csrf_of(client)
        for _ in range(attempts):
            bad = client.post("/login", data={"username": "dept_b", "password": "wrong", "csrf_token": token})
            assert bad.status_code == 401
        blocked = client.post(
            "/login", data={"username": "dept_b", "password": PASSWORD, "csrf_token": token}
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 0
    # another user from the same address is not blocked
    login(live, "dept_a").close()
    actions = [e.action for e in audit_entries(live.engine) if e.object == "user:dept_b"]
    assert actions.count("login.failure") >= attempts
    assert "login.blocked" in actions


def test_rate_limiter_window_slides(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'limit.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    now = [0.0]
    limiter = LoginRateLimiter(engine, max_attempts=2, window=60, clock=lambda: now[0])
    limiter.failed("1.2.3.4", "Office")
    limiter.failed("1.2.3.4", "office")
    assert limiter.retry_after("1.2.3.4", "office") == 61
    assert limiter.retry_after("5.6.7.8", "office") is None
    now[0] = 30.0
    assert limiter.retry_after("1.2.3.4", "office") == 31
    now[0] = 60.0
    assert limiter.retry_after("1.2.3.4", "office") is None
    limiter.failed("1.2.3.4", "office")
    limiter.succeeded("1.2.3.4", "office")
    limiter.failed("1.2.3.4", "office")
    assert limiter.retry_after("1.2.3.4", "office") is None
    # the counts are in the database: a second limiter (another process) sees them, and old
    # attempts are forgotten when a new failure is recorded
    limiter.failed("1.2.3.4", "office")
    other = LoginRateLimiter(engine, max_attempts=2, window=60, clock=lambda: now[0])
    assert other.retry_after("1.2.3.4", "office") == 61
    now[0] = 200.0
    other.failed("9.9.9.9", "viewer")
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(LoginAttemptRow)) == 1
    engine.dispose()


def test_logins_are_audited(live: LiveServer) -> None:
    login(live, "office").close()
    entries = [e for e in audit_entries(live.engine, action_prefix="login.") if e.who == "office"]
    success = next(e for e in entries if e.action == "login.success")
    assert success.object == "user:office"
    assert success.after == {"role": "office"}
    assert success.source.startswith("web login from 127.0.0.1")


@pytest.mark.parametrize("path", ["/login", "/api/v1/health", "/static/css/app.css", "/nowhere"])
def test_security_headers_everywhere(live: LiveServer, path: str) -> None:
    with live.client() as client:
        response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # plain HTTP by default


def _session_cookie(response: httpx.Response) -> str:
    return next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "carbonpeak_session" in v
    )


def test_session_cookie_flags(live: LiveServer) -> None:
    with live.client() as client:
        cookie = _session_cookie(client.get("/login")).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie.replace("samesite", "")  # default: intranet over plain HTTP
    assert f"max-age={live.settings.session_lifetime_seconds}" in cookie


@pytest.fixture
def secure_server(tmp_path: Path) -> Iterator[LiveServer]:
    yield from start(tmp_path, secret_key="y" * 40, session_cookie_secure=True)


def test_secure_cookie_when_configured(secure_server: LiveServer) -> None:
    with secure_server.client() as client:
        cookie = _session_cookie(client.get("/login")).lower()
    assert "; secure" in cookie
    with secure_server.client() as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"


def test_passwords_are_stored_as_argon2id(live: LiveServer) -> None:
    user = find_user(live.engine, "office")
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + " ")
    assert not verify_password(None, PASSWORD)


def test_tampered_session_cookie_is_ignored(live: LiveServer) -> None:
    client = login(live, "office")
    value = client.cookies["carbonpeak_session"]
    client.cookies.set("carbonpeak_session", value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1])
    assert client.get("/api/v1/me").status_code == 401
    client.close()


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_no_open_redirect_after_login(live: LiveServer, target: str) -> None:
    with live.client() as client:
        token = csrf_of(client)
        response = client.post(
            "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token, "next": target}
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_next_is_followed_when_local(live: LiveServer) -> None:
    with live.client() as client:
        first = client.get("/indicators?year=2025")
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=/indicators%3Fyear%3D2025"
        token = csrf_of(client)
        response = client.post(
            "/login",
            data={
                "username": "viewer",
                "password": PASSWORD,
                "csrf_token": token,
                "next": "/indicators?year=2025",
            },
        )
        assert response.headers["location"] == "/indicators?year=2025"
