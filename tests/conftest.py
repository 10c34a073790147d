"""Shared fixtures: paths to the repo, the shared folder and the seed text."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_8f0cb15813cef04d.txt"
EXAMPLE_PLAN = REPO / "docs" / "examples" / "minimal-plan.yaml"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's laptop, fail under CI=true: CI must have every part the tests need."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required for the test suite under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def seed_text() -> str:
    require(SEED.is_file(), f"the seed text {SEED} (../shared beside the repo)")
    return SEED.read_text(encoding="utf-8")


# -- databases: every storage/tracking test runs on SQLite and on PostgreSQL ------------------------

POSTGRES_URL = os.environ.get(
    "CARBONPEAK_TEST_POSTGRES_URL",
    "postgresql+psycopg://carbonpeak:carbonpeak@127.0.0.1:5432/carbonpeak_test",
)


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test server for one test, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = f"cp_{uuid.uuid4().hex[:12]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        require(
            False, f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} ({exc.__class__.__name__})"
        )
        raise
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin: Any, name: str) -> None:
    """Drop a test database. FORCE cannot end a backend of another role (an autovacuum worker on the
    fresh database, typically on a loaded machine), so retry for a few seconds before giving up."""
    import time

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for attempt in range(50):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 49:
                raise
            time.sleep(0.1)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: an SQLite file, or a fresh PostgreSQL database (fails under CI if absent)."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'test.sqlite').as_posix()}"
    else:
        yield from _postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()
