"""Users of the web app, their failed sign-ins and the audit log: tables and a small repository.

Storage keeps hashes, never passwords or tokens: the web layer hashes passwords (argon2id) and API
tokens (SHA-256 of a 256-bit random token) before calling these functions.

``login_attempts`` holds failed sign-ins (client IP, lower-cased user name, time in seconds since the
epoch) so that the login rate limit holds across server processes and restarts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import AuditRow, Base

Role = Literal["office", "department", "enterprise", "viewer"]
ROLES: tuple[Role, ...] = ("office", "department", "enterprise", "viewer")


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    password_hash: Mapped[str] = mapped_column(Text)
    api_token_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key", "ip", "username", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[float] = mapped_column(Float, index=True)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    unit_id: str | None
    enterprise_id: str | None
    password_hash: str
    is_demo: bool
    active: bool


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    who: str
    action: str
    object: str
    before: Any
    after: Any
    source: str
    table: str = ""
    row_id: int = 0


def _audit_row(
    *, who: str, action: str, obj: str, source: str, before: Any = None, after: Any = None
) -> AuditRow:
    """An entry of the one audit log (storage.tables.AuditRow) for an account event.

    ``obj`` is "user:<id>" or "user:<name>"; the log's row_id is the user id when known, else 0 with the
    name kept in ``after['object']`` (failed logins of unknown names).
    """
    kind, _, key = obj.partition(":")
    table = "users" if kind == "user" else kind
    if key.isdigit():
        return AuditRow(
            who=who,
            action=action,
            table_name=table,
            row_id=int(key),
            before=before,
            after=after,
            source=source,
        )
    extra = {**(after if isinstance(after, dict) else {}), "object": obj}
    return AuditRow(
        who=who, action=action, table_name=table, row_id=0, before=before, after=extra, source=source
    )


def _after(row: AuditRow) -> Any:
    """The ``after`` the caller gave: without the object name _audit_row keeps there."""
    if not isinstance(row.after, dict) or "object" not in row.after:
        return row.after
    rest = {k: v for k, v in row.after.items() if k != "object"}
    return rest or None


def _object(row: AuditRow) -> str:
    after = row.after if isinstance(row.after, dict) else {}
    named = after.get("object")
    if isinstance(named, str):
        return named
    return f"{row.table_name}#{row.row_id}"


class AccountError(InvalidInputError):
    """An account that cannot be created as asked (bad role, missing unit, duplicate name)."""


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,  # type: ignore[arg-type]
        unit_id=row.unit_id,
        enterprise_id=row.enterprise_id,
        password_hash=row.password_hash,
        is_demo=row.is_demo,
        active=row.active,
    )


def create_user(
    engine: Engine,
    *,
    username: str,
    display_name: str,
    role: Role,
    password_hash: str,
    who: str,
    source: str,
    unit_id: str | None = None,
    enterprise_id: str | None = None,
    api_token_sha256: str | None = None,
    is_demo: bool = False,
) -> User:
    """Create a user; a department needs a unit id, an enterprise an enterprise id."""
    if role not in ROLES:
        raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if role == "department" and not unit_id:
        raise AccountError(f"user {username!r}: a department account needs a responsible-unit id")
    if role == "enterprise" and not enterprise_id:
        raise AccountError(f"user {username!r}: an enterprise account needs an enterprise id")
    with Session(engine) as session, session.begin():
        if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
            raise AccountError(f"user {username!r} exists already")
        row = UserRow(
            username=username,
            display_name=display_name,
            role=role,
            unit_id=unit_id if role == "department" else None,
            enterprise_id=enterprise_id if role == "enterprise" else None,
            password_hash=password_hash,
            api_token_sha256=api_token_sha256,
            is_demo=is_demo,
            active=True,
            created_by=who,
            source=source,
        )
        session.add(row)
        session.flush()
        user = _user(row)
        session.add(
            _audit_row(
                who=who,
                action="user.create",
                obj=f"user:{username}",
                before=None,
                after={"role": role, "unit_id": row.unit_id, "enterprise_id": row.enterprise_id},
                source=source,
            )
        )
        return user


def get_user(engine: Engine, user_id: int) -> User | None:
    with Session(reader(engine)) as session:
        row = session.get(UserRow, user_id)
        return _user(row) if row is not None else None


def find_user(engine: Engine, username: str) -> User | None:
    with Session(reader(engine)) as session:
        row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return _user(row) if row is not None else None


def find_user_by_token(engine: Engine, token_sha256: str) -> User | None:
    with Session(reader(engine)) as session:
        row = session.scalars(select(UserRow).where(UserRow.api_token_sha256 == token_sha256)).first()
        return _user(row) if row is not None else None


def list_users(engine: Engine) -> list[User]:
    with Session(reader(engine)) as session:
        return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def _change_user(
    engine: Engine,
    user_id: int,
    action: str,
    values: dict[str, Any],
    *,
    who: str,
    source: str,
    secret: bool = False,
) -> None:
    """Set some fields of one account and audit it (before/after, unless the fields are ``secret``:
    a password hash or a token digest is never copied into the log)."""
    with Session(engine) as session, session.begin():
        row = session.get(UserRow, user_id)
        if row is None:
            raise NotFoundError(f"no user with id {user_id}")
        before = {key: getattr(row, key) for key in values}
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = dt.datetime.now(dt.UTC)
        session.add(
            _audit_row(
                who=who,
                action=action,
                obj=f"user:{row.username}",
                before=None if secret else before,
                after=None if secret else dict(values),
                source=source,
            )
        )


def set_password_hash(engine: Engine, user_id: int, password_hash: str, *, who: str, source: str) -> None:
    values = {"password_hash": password_hash}
    _change_user(engine, user_id, "user.password", values, who=who, source=source, secret=True)


def set_active(engine: Engine, user_id: int, active: bool, *, who: str, source: str) -> None:
    """Enable or disable an account; a disabled account cannot sign in and its sessions end."""
    action = "user.enable" if active else "user.disable"
    _change_user(engine, user_id, action, {"active": active}, who=who, source=source)


def set_api_token(engine: Engine, user_id: int, token_sha256: str, *, who: str, source: str) -> None:
    """Replace a user's API token digest (the old token stops working)."""
    values = {"api_token_sha256": token_sha256}
    _change_user(engine, user_id, "user.token", values, who=who, source=source, secret=True)


def set_enterprise_id(engine: Engine, user_id: int, enterprise_id: str, *, who: str, source: str) -> None:
    """Bind an enterprise account to another enterprise id (audited)."""
    values = {"enterprise_id": enterprise_id}
    _change_user(engine, user_id, "user.enterprise", values, who=who, source=source)


def delete_demo_users(engine: Engine, *, who: str, source: str) -> list[str]:
    """Delete every demo account (production refuses to start while one exists); returns their names."""
    with Session(engine) as session, session.begin():
        names = list(session.scalars(select(UserRow.username).where(UserRow.is_demo.is_(True))))
        session.execute(delete(UserRow).where(UserRow.is_demo.is_(True)))
        for name in names:
            session.add(
                _audit_row(
                    who=who,
                    action="user.delete",
                    obj=f"user:{name}",
                    before={"demo": True},
                    after=None,
                    source=source,
                )
            )
        return names


def record_login(engine: Engine, user_id: int) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(UserRow).where(UserRow.id == user_id).values(last_login_at=func.now()))


def count_demo_users(engine: Engine) -> int:
    with Session(reader(engine)) as session:
        return int(
            session.scalar(select(func.count()).select_from(UserRow).where(UserRow.is_demo.is_(True))) or 0
        )


def audit(
    engine: Engine,
    *,
    who: str,
    action: str,
    obj: str,
    source: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry to the audit log (generic: any change of any object)."""
    with Session(engine) as session, session.begin():
        session.add(_audit_row(who=who, action=action, obj=obj, before=before, after=after, source=source))


def audit_entries(
    engine: Engine,
    *,
    action_prefix: str | None = None,
    limit: int = 200,
    offset: int = 0,
    who: str | None = None,
    action: str | None = None,
    table: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[AuditEntry]:
    """The latest entries, newest first, optionally of one user (``who`` contained in the name), one
    action, one table (the object's kind) and a time range [since, until); ``offset`` pages."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
    if action_prefix:
        query = query.where(AuditRow.action.startswith(action_prefix))
    if who:
        query = query.where(AuditRow.who.contains(who, autoescape=True))
    if action:
        query = query.where(AuditRow.action == action)
    if table:
        query = query.where(AuditRow.table_name == table)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    with Session(engine) as session:
        return [
            AuditEntry(
                r.at, r.who, r.action, _object(r), r.before, _after(r), r.source, r.table_name, r.row_id
            )
            for r in session.scalars(query)
        ]


def audit_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """The distinct actions and tables of the audit log (the filter's choices)."""
    with Session(engine) as session:
        actions = sorted(session.scalars(select(AuditRow.action).distinct()))
        tables = sorted(session.scalars(select(AuditRow.table_name).distinct()))
    return actions, tables


# -- login attempts -------------------------------------------------------------------------------


def failed_login_times(engine: Engine, ip: str | None, username: str | None, since: float) -> list[float]:
    """Times of the failed sign-ins after ``since``, oldest first: of (ip, user name), of a user name
    from any source (``ip`` None) or from one source for any name (``username`` None)."""
    query = select(LoginAttemptRow.at).where(LoginAttemptRow.at > since)
    if ip is not None:
        query = query.where(LoginAttemptRow.ip == ip)
    if username is not None:
        query = query.where(LoginAttemptRow.username == username)
    with Session(reader(engine)) as s:
        return list(s.scalars(query.order_by(LoginAttemptRow.at)).all())


def add_failed_login(engine: Engine, ip: str, username: str, at: float, forget_before: float) -> None:
    """Record a failed sign-in and forget every attempt older than ``forget_before`` (any pair)."""
    with Session(engine) as s, s.begin():
        s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at <= forget_before))
        s.add(LoginAttemptRow(ip=ip[:64], username=username[:80], at=at))


def clear_failed_logins(engine: Engine, ip: str, username: str) -> None:
    with Session(engine) as s, s.begin():
        s.execute(
            delete(LoginAttemptRow).where(LoginAttemptRow.ip == ip, LoginAttemptRow.username == username)
        )
