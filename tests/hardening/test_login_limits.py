"""Login limits that hold, over real HTTP: password spraying (many names, one try each) is stopped
per source, X-Forwarded-For does not pick a new source, an account is locked after N failures from
any source (audited, the same answer for a name that does not exist), and the current password of
/account/password is guessed under the same limit. The counts are stored, so another limiter
(another worker, a restart) sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carbonpeak.services.signin import LoginRateLimiter
from carbonpeak.storage.accounts import audit_entries
from tests.web.conftest import PASSWORD, LiveServer, csrf_of, login, start


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    yield from start(
        tmp_path,
        secret_key="l" * 40,
        login_max_attempts=50,
        login_source_max_attempts=5,
        login_lockout_attempts=3,
        login_lockout_seconds=600,
    )


def _try(client: httpx.Client, username: str, password: str, **headers: str) -> httpx.Response:
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(client)},
        headers=headers,
    )


def test_spraying_is_stopped_per_source_and_forwarded_headers_do_not_help(server: LiveServer) -> None:
    with server.client() as client:
        codes = [
            _try(client, f"user{i}", "password12", **{"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(30)
        ]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
        # from this source even the right password of a real user waits now
        assert _try(client, "office", PASSWORD).status_code == 429


def test_an_account_is_locked_from_any_source(server: LiveServer) -> None:
    with server.client() as client:
        for _ in range(3):
            assert _try(client, "viewer", "wrong-password-1").status_code == 401
        locked = _try(client, "viewer", PASSWORD)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 500
        for _ in range(3):
            _try(client, "nobody-here", "wrong-password-1")
        ghost = _try(client, "nobody-here", "wrong-password-1")
        assert ghost.status_code == 429
        assert ghost.text.replace("nobody-here", "viewer") == locked.text  # tells nothing
    actions = {e.action for e in audit_entries(server.engine, action_prefix="login.") if e.who == "viewer"}
    assert "login.locked" in actions
    # the failures are stored: a limiter of another process, from another source, sees the lock
    other = LoginRateLimiter(server.engine, 50, 900, lockout_attempts=3, lockout_seconds=600)
    assert other.retry_after("192.0.2.7", "viewer") is not None
    assert other.retry_after("192.0.2.7", "office") is None


def test_the_current_password_is_guessed_under_the_limit(server: LiveServer) -> None:
    client = login(server, "dept_a")
    codes = []
    for i in range(4):
        response = client.post(
            "/account/password",
            data={
                "current": f"guess-{i}",
                "new": "Xy7-new-pass",
                "again": "Xy7-new-pass",
                "csrf_token": csrf_of(client),
            },
        )
        codes.append(response.status_code)
    assert codes == [422, 422, 422, 429]
    client.close()
