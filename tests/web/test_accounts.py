"""The accounts migration and repository on a real SQLite file: up, down, constraints, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.accounts import (
    AccountError,
    audit_entries,
    count_demo_users,
    create_user,
    find_user,
    list_users,
)
from carbonpeak.storage.migrate import alembic_config


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{(tmp_path / 'accounts.sqlite').as_posix()}"
    upgrade(url)
    return url


def test_migration_up_and_down(url: str) -> None:
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"users", "audit_log", "plan_revisions"} <= tables
        columns = {c["name"] for c in inspect(engine).get_columns("audit_log")}
        assert columns == {"id", "at", "who", "source", "action", "table_name", "row_id", "before", "after"}
        command.downgrade(alembic_config(url), "0010")
        assert "users" not in set(inspect(engine).get_table_names())
        assert "plan_revisions" in set(inspect(engine).get_table_names())
        upgrade(url)
        assert "users" in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_create_user_checks_role_and_binding(url: str) -> None:
    engine = make_engine(url)
    try:
        with pytest.raises(AccountError, match="responsible-unit id"):
            create_user(
                engine,
                username="d",
                display_name="d",
                role="department",
                password_hash="h",
                who="t",
                source="t",
            )
        with pytest.raises(AccountError, match="enterprise id"):
            create_user(
                engine,
                username="e",
                display_name="e",
                role="enterprise",
                password_hash="h",
                who="t",
                source="t",
            )
        with pytest.raises(AccountError, match="expected one of"):
            create_user(
                engine,
                username="x",
                display_name="x",
                role="admin",
                password_hash="h",  # type: ignore[arg-type]
                who="t",
                source="t",
            )
        user = create_user(
            engine,
            username="fgw",
            display_name="区发改委",
            role="department",
            unit_id="dev_reform",
            password_hash="h",
            who="tester",
            source="test",
        )
        assert find_user(engine, "fgw") == user
        with pytest.raises(AccountError, match="exists already"):
            create_user(
                engine,
                username="fgw",
                display_name="x",
                role="viewer",
                password_hash="h",
                who="t",
                source="t",
            )
        assert [u.username for u in list_users(engine)] == ["fgw"]
        assert count_demo_users(engine) == 0
        entry = audit_entries(engine)[0]
        assert (entry.who, entry.action, entry.object) == ("tester", "user.create", "user:fgw")
        assert entry.before is None
        assert entry.after == {"role": "department", "unit_id": "dev_reform", "enterprise_id": None}
    finally:
        engine.dispose()


def test_database_refuses_a_department_without_unit(url: str) -> None:
    """The check constraints hold even for rows written around the repository."""
    engine = make_engine(url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (username, display_name, role, password_hash, created_by, source) "
                    "VALUES ('x', 'x', 'department', 'h', 't', 't')"
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (username, display_name, role, password_hash, created_by, source) "
                    "VALUES ('y', 'y', 'superuser', 'h', 't', 't')"
                )
            )
    finally:
        engine.dispose()
