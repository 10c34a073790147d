"""The password rule and the production secret-key rule (carbonpeak.services.passwords), and the rule
applied by the CLI (``carbonpeak users add`` / ``users password``) on a real SQLite file."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from carbonpeak.cli.main import app as cli
from carbonpeak.services import passwords
from carbonpeak.services.accounts import add_user, change_password
from carbonpeak.services.passwords import (
    PasswordRuleError,
    check_password_rule,
    entropy_bits,
    generate_password,
    password_problems,
    secret_key_problem,
)
from carbonpeak.storage import make_engine, upgrade


def _en(password: str, username: str = "") -> list[str]:
    return [p.text("en") for p in password_problems(password, username)]


@pytest.mark.parametrize(
    ("password", "username", "reason"),
    [
        ("aaaaaaaaaa", "", "at least 3 of"),  # one class
        ("1234567890", "", "common password"),
        ("password12", "", "common password"),
        ("Password123!", "", "common password"),  # a listed word followed by digits and symbols
        ("Woaini1314!", "", "common password"),  # the local list
        ("Zhang-office-9", "zhang-office", "user name"),
        ("Fgw.Wang-2026", "FGW.wang", "user name"),  # case-insensitive
        ("Ab1-xyz", "", "at least 10 characters"),
        ("x" * 150 + "Aa1" + "y" * 60, "", "at most 200"),
    ],
)
def test_the_rule_refuses(password: str, username: str, reason: str) -> None:
    found = _en(password, username)
    assert any(reason in text for text in found), found
    with pytest.raises(PasswordRuleError) as caught:
        check_password_rule(password, username)
    assert caught.value.kind == "invalid"


@pytest.mark.parametrize(
    "password",
    ["Tr0ub4dor&3x", "qK7-mountain-lake", "新的密码 0123456 abc", "correct horse battery staple 示例"],
)
def test_the_rule_accepts(password: str) -> None:
    assert _en(password, "fgw-wang") == []


def test_every_reason_at_once_in_both_languages() -> None:
    problems = password_problems("admin", "admin")
    zh = [p.text("zh-CN") for p in problems]
    assert len(problems) == 4  # short, one class, the user name, a common password
    assert any("至少需要 10 个字符" in t for t in zh)
    assert any("不能包含用户名" in t for t in zh)
    assert any("常见密码" in t for t in zh)
    assert all(p.field == "password" for p in problems)


def test_the_lists_are_data_with_their_source() -> None:
    data = yaml.safe_load(passwords.RULE_FILE.read_text(encoding="utf-8"))
    assert data["min_length"] == passwords.rule().min_length == 10
    for entry in data["common_lists"]:
        assert entry["source"]
        path = passwords.DATA / entry["file"]
        if "sha256" in entry:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert len(passwords.rule().common) > 3000
    assert passwords.is_common("Letmein!!2026")
    assert not passwords.is_common("Letmein-blue-heron")


def test_generated_passwords_pass_the_rule() -> None:
    for _ in range(200):
        assert password_problems(generate_password()) == []


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "not set"),
        ("changeme", "known default"),
        ("a" * 32, "too little entropy"),
        ("changeme" * 4, "too little entropy"),
        ("abcdefghijklmnopqrstuvwxyz012345", "follows a pattern"),
        ("0123456789abcdef" * 2, "too little entropy"),
        ("short-but-random-Q9x", "shorter than 32"),
    ],
)
def test_weak_secret_keys_are_refused(secret: str | None, reason: str) -> None:
    problem = secret_key_problem(secret)
    assert problem is not None and reason in problem
    assert "token_urlsafe" in problem  # says how to make a good one


def test_random_secret_keys_pass() -> None:
    for _ in range(500):
        key = secrets.token_urlsafe(32)
        assert secret_key_problem(key) is None, key
    assert secret_key_problem(secrets.token_hex(32)) is None
    assert entropy_bits("a" * 32) == 0
    assert 85 < entropy_bits("changeme" * 4) < 90


def test_accounts_apply_the_rule(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'accounts.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        kwargs = {"role": "viewer", "display_name": "v", "who": "tests", "source": "tests"}
        with pytest.raises(PasswordRuleError, match="common password"):
            add_user(engine, username="leader", password="password12", **kwargs)  # type: ignore[arg-type]
        add_user(engine, username="leader", password="Gate-Keeper-42", **kwargs)  # type: ignore[arg-type]
        with pytest.raises(PasswordRuleError, match="user name"):
            change_password(engine, "leader", "the-Leader-42", who="tests", source="tests")
    finally:
        engine.dispose()


def test_the_cli_applies_the_rule(tmp_path: Path) -> None:
    base = ["--database", f"sqlite:///{tmp_path / 'cli.sqlite'}"]
    runner = CliRunner()
    refused = runner.invoke(
        cli, [*base, "users", "add", "wang", "--role", "viewer", "--password-stdin"], input="aaaaaaaaaa\n"
    )
    assert refused.exit_code == 2
    assert "密码需包含" in refused.output and "字段 password" in refused.output
    added = runner.invoke(
        cli, [*base, "users", "add", "wang", "--role", "viewer", "--password-stdin"], input="Wq8-ridge-lamp\n"
    )
    assert added.exit_code == 0, added.output
    renamed = runner.invoke(
        cli, [*base, "users", "password", "wang", "--password-stdin"], input="wang-Zhou-2026\n"
    )
    assert renamed.exit_code == 2 and "不能包含用户名" in renamed.output
    common = runner.invoke(
        cli, [*base, "users", "password", "wang", "--password-stdin"], input="Iloveyou2026\n"
    )
    assert common.exit_code == 2 and "常见密码" in common.output
