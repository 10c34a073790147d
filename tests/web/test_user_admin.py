"""Account administration in the browser, over real HTTP on a server of its own: the office creates
a department account whose one-time password works, resets it, disables and enables it, issues an
enterprise token; a user changes their own password; nobody else may do any of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import AuditRow
from tests.web.conftest import PASSWORD, LiveServer, csrf_of, login, start

SECRET = re.compile(r'<code id="new-(password|token)">([^<]+)</code>')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-users")
    yield from start(folder, secret_key="u" * 40)


def _post(client: httpx.Client, path: str, **form: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf_of(client), **form})


def _secrets(page: str) -> dict[str, str]:
    return dict(SECRET.findall(page))


def _try_login(server: LiveServer, username: str, password: str) -> int:
    with server.client() as client:
        response = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(client), "next": ""},
        )
        return response.status_code


def test_office_creates_resets_disables(server: LiveServer) -> None:
    office = login(server, "office")
    try:
        created = _post(
            office,
            "/admin/users",
            username="jtj-wang",
            role="department",
            unit="dev_reform",
            display_name="王",
        )
        assert created.status_code == 200, created.text
        password = _secrets(created.text)["password"]
        assert len(password) >= 10
        assert _try_login(server, "jtj-wang", password) == 303
        # Bad input is explained and nothing is made.
        bad = _post(office, "/admin/users", username="x y", role="viewer")
        assert bad.status_code == 422 and 'id="form-error"' in bad.text
        assert _post(office, "/admin/users", username="nounit", role="department").status_code == 422
        assert _post(office, "/admin/users", username="jtj-wang", role="viewer").status_code == 422  # exists
        # Reset: the old password stops working, the new one works.
        reset = _post(office, "/admin/users/jtj-wang/password")
        new = _secrets(reset.text)["password"]
        assert new != password
        assert _try_login(server, "jtj-wang", password) == 401
        assert _try_login(server, "jtj-wang", new) == 303
        # Disable, enable; the office cannot disable itself.
        assert _post(office, "/admin/users/jtj-wang/enabled", enabled="0").status_code == 303
        assert _try_login(server, "jtj-wang", new) == 401
        assert _post(office, "/admin/users/jtj-wang/enabled", enabled="1").status_code == 303
        assert _try_login(server, "jtj-wang", new) == 303
        assert _post(office, "/admin/users/office/enabled", enabled="0").status_code == 422
        # An enterprise account: a token for the API; only enterprises have tokens.
        token = _secrets(_post(office, "/admin/users/firm/token").text)["token"]
        with server.client(headers={"Authorization": f"Bearer {token}"}) as api:
            assert api.get("/api/v1/me").status_code == 200
        assert _post(office, "/admin/users/jtj-wang/token").status_code == 422
        with Session(server.engine) as s:
            actions = set(s.scalars(select(AuditRow.action)))
        assert {"user.create", "user.password", "user.disable", "user.enable", "user.token"} <= actions
    finally:
        office.close()


@pytest.mark.parametrize("who", ["dept_a", "viewer", "firm"])
def test_only_the_office_administers(server: LiveServer, who: str) -> None:
    client = login(server, who)
    try:
        assert _post(client, "/admin/users", username="intruder", role="office").status_code == 403
        assert _post(client, "/admin/users/office/password").status_code == 403
        assert _post(client, "/admin/users/office/enabled", enabled="0").status_code == 403
    finally:
        client.close()
    assert _try_login(server, "intruder", "whatever-password") == 401


def test_a_user_changes_their_own_password(server: LiveServer) -> None:
    client = login(server, "dept_b")
    try:
        wrong = _post(client, "/account/password", current="nope", new="n" * 12, again="n" * 12)
        assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
        differ = _post(client, "/account/password", current=PASSWORD, new="n" * 12, again="m" * 12)
        assert differ.status_code == 422
        short = _post(client, "/account/password", current=PASSWORD, new="short", again="short")
        assert short.status_code == 422
        done = _post(
            client,
            "/account/password",
            current=PASSWORD,
            new="新的密码 0123456 abc",
            again="新的密码 0123456 abc",
        )
        assert done.status_code == 303 and done.headers["location"] == "/login?changed=1"
        assert client.get("/my/tasks").status_code in (302, 303)  # signed out
    finally:
        client.close()
    assert _try_login(server, "dept_b", PASSWORD) == 401
    assert _try_login(server, "dept_b", "新的密码 0123456 abc") == 303
