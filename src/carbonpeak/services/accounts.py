"""Accounts of the web app, for the browser (the office's 用户 page) and the CLI (``carbonpeak users``)
alike: create users with argon2id-hashed passwords, reset passwords, disable and enable accounts,
issue enterprise API tokens, the demo accounts, the user list and the audit log. Every change is
audited by storage; log lines name the account and who acted, never a password or a token."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from carbonpeak.errors import NotFoundError
from carbonpeak.plan import Plan, find_unit
from carbonpeak.services.passwords import check_password_rule
from carbonpeak.services.signin import (
    hash_password,
    new_api_token,
    new_password,
    token_digest,
)
from carbonpeak.storage.accounts import (
    AccountError,
    AuditEntry,
    Role,
    User,
    audit_choices,
    audit_entries,
    count_demo_users,
    create_user,
    delete_demo_users,
    find_user,
    list_users,
    set_active,
    set_api_token,
    set_enterprise_id,
    set_password_hash,
)
from carbonpeak.storage.ledgers import list_enterprises

log = logging.getLogger(__name__)

DEMO_ENTERPRISE_ID = "91120118EXAMP0001Y"  # illustrative 统一社会信用代码 (data/demo/enterprises.csv)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    display_name: str
    password: str
    unit_id: str | None = None
    enterprise_id: str | None = None
    api_token: str | None = None


def add_user(
    engine: Engine,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str,
    who: str,
    source: str,
    unit_id: str | None = None,
    enterprise_id: str | None = None,
    is_demo: bool = False,
) -> str | None:
    """Create a user with an argon2id password hash; an enterprise also gets an API token (returned)."""
    check_password_rule(password, username)
    token = new_api_token() if role == "enterprise" else None
    create_user(
        engine,
        username=username,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password),
        who=who,
        source=source,
        unit_id=unit_id,
        enterprise_id=enterprise_id,
        api_token_sha256=token_digest(token) if token else None,
        is_demo=is_demo,
    )
    log.info("account %r (%s) created by %s", username, role, who)
    return token


def _demo_plan(plan: Plan) -> list[tuple[str, Role, str, str | None, str | None]]:
    """(username, role, display name, unit id, enterprise id) of the demo accounts for ``plan``."""
    accounts: list[tuple[str, Role, str, str | None, str | None]] = [
        ("office", "office", "双碳办管理员（示例）", None, None)
    ]
    departments = [u for u in plan.units if u.kind == "department"]
    chosen = []
    for name in ("区发改委", "区工信局"):
        try:
            chosen.append(find_unit(plan, name))
        except NotFoundError:
            continue
    for unit in departments:
        if len(chosen) >= 2:
            break
        if unit not in chosen:
            chosen.append(unit)
    for unit in chosen[:2]:
        accounts.append((f"dept-{unit.id}", "department", f"{unit.name}（示例）", unit.id, None))
    accounts.append(("viewer", "viewer", "领导查看（示例）", None, None))
    accounts.append(("enterprise", "enterprise", "示例企业（示例数据）", None, DEMO_ENTERPRISE_ID))
    return accounts


def ensure_demo_accounts(engine: Engine, plan: Plan) -> list[DemoAccount]:
    """Create the demo accounts, or give existing ones new passwords; returns them with passwords.

    Demo accounts are marked ``is_demo``: production mode refuses to start while any exists.
    """
    out = []
    source = "carbonpeak serve (demo mode)"
    for username, role, display, unit_id, enterprise_id in _demo_plan(plan):
        password = new_password()
        existing = find_user(engine, username)
        token = None
        if existing is None:
            token = add_user(
                engine,
                username=username,
                password=password,
                role=role,
                display_name=display,
                who="demo",
                source=source,
                unit_id=unit_id,
                enterprise_id=enterprise_id,
                is_demo=True,
            )
        else:
            set_password_hash(engine, existing.id, hash_password(password), who="demo", source=source)
            if enterprise_id and existing.enterprise_id != enterprise_id:  # bound to another enterprise
                set_enterprise_id(engine, existing.id, enterprise_id, who="demo", source=source)
        out.append(DemoAccount(username, role, display, password, unit_id, enterprise_id, token))
    return out


def reissue_token(engine: Engine, username: str, *, who: str, source: str) -> str:
    """A new API token for an enterprise account; the old one stops working."""
    user = find_user(engine, username)
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    if user.role != "enterprise":
        raise AccountError(f"user {username!r} is a {user.role} account; only enterprises have API tokens")
    token = new_api_token()
    set_api_token(engine, user.id, token_digest(token), who=who, source=source)
    log.info("new API token for %r issued by %s", username, who)
    return token


def change_password(engine: Engine, username: str, password: str, *, who: str, source: str) -> None:
    """Set a new password (argon2id); the user's existing sessions end."""
    user = find_user(engine, username)
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    check_password_rule(password, username)
    set_password_hash(engine, user.id, hash_password(password), who=who, source=source)
    log.info("password of %r changed by %s", username, who)


def set_enabled(engine: Engine, username: str, enabled: bool, *, who: str, source: str) -> None:
    user = find_user(engine, username)
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    set_active(engine, user.id, enabled, who=who, source=source)
    log.info("account %r %s by %s", username, "enabled" if enabled else "disabled", who)


def users(engine: Engine) -> list[User]:
    """Every account, by user name (the hashes stay in storage's ``User``; callers never show them)."""
    return list_users(engine)


def enterprise_choices(engine: Engine) -> list[tuple[str, str]]:
    """(id, name) of the enterprises in the ledger, for the enterprise-account form."""
    return [(e.id, e.name) for e in list_enterprises(engine)]


def remove_demo_accounts(engine: Engine, *, who: str, source: str) -> list[str]:
    """Delete the demo accounts (production mode refuses to start while one exists)."""
    names = delete_demo_users(engine, who=who, source=source)
    log.info("%d demo account(s) removed by %s", len(names), who)
    return names


def demo_account_count(engine: Engine) -> int | None:
    """How many demo accounts exist; None when the database has no accounts table yet."""
    try:
        return count_demo_users(engine)
    except (OperationalError, ProgrammingError):
        return None


def audit_log(
    engine: Engine,
    limit: int = 200,
    *,
    offset: int = 0,
    who: str | None = None,
    action: str | None = None,
    table: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[AuditEntry]:
    """The latest audit entries, newest first, filtered and paged (``storage.accounts.audit_entries``)."""
    return audit_entries(
        engine, limit=limit, offset=offset, who=who, action=action, table=table, since=since, until=until
    )


def audit_filter_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """The actions and object kinds (tables) the audit log holds."""
    return audit_choices(engine)
