"""Shared fixtures: paths to the repo, the shared folder and the seed text; the PostgreSQL server.

Tests never skip: a part the suite needs (a server, a program, ../shared) that is missing fails with a
message saying what it is and how to provide it (docs/decisions/0004-tests-start-their-servers.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import throwaway_postgres
from tests.audit_watch import audit_watch

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_8f0cb15813cef04d.txt"
EXAMPLE_PLAN = REPO / "docs" / "examples" / "minimal-plan.yaml"


def require(condition: bool, reason: str) -> None:
    """Fail the test with ``reason`` (what is missing and how to provide it) unless ``condition``."""
    if not condition:
        pytest.fail(f"required for the test suite, missing: {reason}", pytrace=False)


def require_program(name: str, debian_package: str) -> str:
    """The path of program ``name`` (``make test`` installs it), or fail naming its Debian package."""
    path = shutil.which(name)
    require(path is not None, f"the program `{name}` (apt-get install {debian_package}; make test does it)")
    assert path is not None
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A skipped test is a failed one: the suite must run whole everywhere."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"tests never skip (docs/decisions/0004-tests-start-their-servers.md): {reason}"
    return report


@pytest.fixture(autouse=True)
def _every_change_audited() -> Iterator[None]:
    """A test whose code commits a change of data without its audit row in the same transaction
    fails (tests/audit_watch.py; issue 13)."""
    with audit_watch() as watch:
        yield
    if watch.violations:
        pytest.fail(f"changes committed without their audit row:\n{watch.describe()}", pytrace=False)


@pytest.fixture
def seed_text() -> str:
    require(SEED.is_file(), f"the seed text {SEED} (../shared beside the repo)")
    return SEED.read_text(encoding="utf-8")


# -- databases: every storage/tracking test runs on SQLite and on PostgreSQL ------------------------

POSTGRES_FIXTURES = {"database_url", "postgres_url"}
_server: throwaway_postgres.Server | None = None


def postgres_admin_url() -> str:
    """The server the tests create their databases on: CARBONPEAK_TEST_POSTGRES_URL, or the throwaway
    server this session started (see pytest_collection_finish)."""
    url = os.environ.get("CARBONPEAK_TEST_POSTGRES_URL") or (_server.url if _server else None)
    require(url is not None, f"a PostgreSQL server. {throwaway_postgres.HOW_TO_PROVIDE}")
    assert url is not None
    return url


def _check_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise throwaway_postgres.NoServerError(
            f"cannot connect to CARBONPEAK_TEST_POSTGRES_URL={make_url(url).render_as_string()}: {exc}"
        ) from exc
    finally:
        engine.dispose()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Before any test runs: when a selected test needs PostgreSQL, check CARBONPEAK_TEST_POSTGRES_URL
    or start a throwaway server; stop the whole run at once with what is missing otherwise."""
    global _server
    if session.config.option.collectonly:
        return
    if not any(POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())) for item in session.items):
        return
    try:
        if url := os.environ.get("CARBONPEAK_TEST_POSTGRES_URL"):
            _check_postgres(url)
        else:
            _server = throwaway_postgres.start()
            os.environ["CARBONPEAK_TEST_POSTGRES_URL"] = _server.url  # for subprocesses of the tests
    except throwaway_postgres.NoServerError as exc:
        pytest.exit(
            f"PostgreSQL for the tests: {exc}\n{throwaway_postgres.HOW_TO_PROVIDE}",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    global _server
    if _server is not None:
        os.environ.pop("CARBONPEAK_TEST_POSTGRES_URL", None)
        _server.stop()
        _server = None


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test server for one test, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = postgres_admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = f"cp_{uuid.uuid4().hex[:12]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        require(False, f"PostgreSQL at {make_url(admin_url).render_as_string()} ({exc})")
        raise
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
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
    """An empty database URL: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'test.sqlite').as_posix()}"
    else:
        yield from _postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()
