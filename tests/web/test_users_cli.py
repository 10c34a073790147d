"""`carbonpeak users …` on a real SQLite file: add, list, token, remove-demo; and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app as cli
from carbonpeak.plan import load_plan
from carbonpeak.services.accounts import ensure_demo_accounts
from carbonpeak.services.signin import token_digest, verify_password
from carbonpeak.storage import make_engine
from carbonpeak.storage.accounts import audit_entries, find_user, find_user_by_token
from carbonpeak.web import create_app
from tests.web.conftest import PASSWORD, csrf_of, login, make_settings, start


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], str]:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("CARBONPEAK_PLAN", settings.plan)
    return ["--database", settings.resolved_database_url()], settings.resolved_database_url()


def invoke(args: list[str], stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, input=stdin)
    return result.exit_code, result.output


def test_add_list_and_token(env: tuple[list[str], str]) -> None:
    base, url = env
    code, out = invoke(
        [*base, "users", "add", "li", "--role", "department", "--unit", "区工信局", "--password-stdin"],
        "a-long-password-1\n",
    )
    assert code == 0, out
    assert "industry_it" in out
    code, out = invoke(
        [*base, "users", "add", "firm", "--role", "enterprise", "--enterprise", "ent-9", "--password-stdin"],
        "another-password-2\n",
    )
    assert code == 0, out
    first_token = out.split("API token (shown once): ")[1].strip()
    code, out = invoke([*base, "users", "list", "--format", "json"])
    assert code == 0
    rows = {r["username"]: r for r in json.loads(out)}
    assert rows["li"]["unit_id"] == "industry_it"
    assert rows["li"]["display_name"] == "区工信局"
    assert rows["firm"]["enterprise_id"] == "ent-9"
    assert "password_hash" not in rows["li"]
    engine = make_engine(url)
    try:
        user = find_user(engine, "li")
        assert user is not None
        assert verify_password(user.password_hash, "a-long-password-1")
        assert find_user_by_token(engine, token_digest(first_token)) is not None
        code, out = invoke([*base, "users", "token", "firm"])
        assert code == 0
        second = out.split("(shown once): ")[1].strip()
        assert find_user_by_token(engine, token_digest(first_token)) is None
        assert find_user_by_token(engine, token_digest(second)) is not None
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "add", "x", "--role", "department", "--unit", "区交通局", "--password-stdin"],
            "Long-enough-pw1\n",
            "no responsible unit '区交通局'",
        ),
        (
            ["users", "add", "x", "--role", "department", "--password-stdin"],
            "Long-enough-pw1\n",
            "responsible-unit id",
        ),
        (["users", "add", "x", "--role", "viewer", "--password-stdin"], "short\n", "至少需要 10 个字符"),
        (["users", "add", "x", "--role", "root", "--password-stdin"], "Long-enough-pw1\n", "expected office"),
        (["users", "token", "nobody"], None, "no user 'nobody'"),
    ],
)
def test_errors(env: tuple[list[str], str], args: list[str], stdin: str | None, message: str) -> None:
    code, out = invoke([*env[0], *args], stdin)
    assert code == 2
    assert message in out


def test_remove_demo_lets_production_start(tmp_path: Path, env: tuple[list[str], str]) -> None:
    base, url = env
    assert (
        invoke(
            [*base, "users", "add", "boss", "--role", "office", "--password-stdin"], "office-password-9\n"
        )[0]
        == 0
    )
    engine = make_engine(url)
    settings = make_settings(
        tmp_path, mode="production", secret_key="k3J9-production-secret-of-enough-length-0001"
    )
    ensure_demo_accounts(engine, load_plan(settings.plan))
    engine.dispose()
    code, out = invoke([*base, "users", "remove-demo"])
    assert code == 0
    assert "removed 5 demo account(s)" in out
    create_app(settings)  # no demo account left: production starts
    code, out = invoke([*base, "users", "list", "--format", "csv"])
    assert out.splitlines()[1].startswith("boss,")


def test_password_change_and_disable_end_sessions(tmp_path: Path) -> None:
    """Over real HTTP: a new password ends the open session; a disabled account can neither sign in
    nor use its session or API token."""
    for live in start(tmp_path, secret_key="q" * 40):
        base = ["--database", live.settings.resolved_database_url()]
        client = login(live, "viewer")
        assert client.get("/api/v1/me").status_code == 200
        assert (
            invoke([*base, "users", "password", "viewer", "--password-stdin"], "a-new-password-7\n")[0] == 0
        )
        assert client.get("/api/v1/me").status_code == 401  # the old session ended
        login(live, "viewer", "a-new-password-7").close()
        firm = login(live, "firm")
        token = {"Authorization": f"Bearer {live.tokens['firm']}"}
        assert invoke([*base, "users", "disable", "firm"]) == (0, "firm disabled\n")
        assert firm.get("/api/v1/me").status_code == 401
        with live.client(headers=token) as machine:
            assert machine.get("/api/v1/me").status_code == 401
        with live.client() as fresh:
            response = fresh.post(
                "/login", data={"username": "firm", "password": PASSWORD, "csrf_token": csrf_of(fresh)}
            )
            assert response.status_code == 401
        assert invoke([*base, "users", "enable", "firm"])[0] == 0
        login(live, "firm").close()
        actions = [e.action for e in audit_entries(live.engine, action_prefix="user.")]
        assert actions[:3] == ["user.enable", "user.disable", "user.password"]
        assert invoke([*base, "users", "password", "viewer", "--password-stdin"], "short\n")[0] == 2
        client.close()
        firm.close()
