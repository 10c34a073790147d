"""Production mode refuses to start with a missing/default/short secret key or with demo accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app as cli
from carbonpeak.plan import load_plan
from carbonpeak.services.accounts import ensure_demo_accounts
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.accounts import find_user
from carbonpeak.web import UnsafeSettingsError, create_app
from tests.web.conftest import make_settings

GOOD_SECRET = "k3J9-production-secret-of-enough-length-0001"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    settings = make_settings(tmp_path)
    upgrade(settings.resolved_database_url())
    return tmp_path


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "not set"),
        ("changeme", "known default"),
        ("short-secret", "shorter than 32"),
    ],
)
def test_production_refuses_bad_secret(folder: Path, secret: str | None, reason: str) -> None:
    settings = make_settings(folder, mode="production", secret_key=secret)
    with pytest.raises(UnsafeSettingsError, match=reason):
        create_app(settings)


def test_production_refuses_demo_accounts(folder: Path) -> None:
    settings = make_settings(folder, mode="production", secret_key=GOOD_SECRET)
    create_app(settings)  # fine while there are no demo accounts
    engine = make_engine(settings.resolved_database_url())
    accounts = ensure_demo_accounts(engine, load_plan(settings.plan))
    engine.dispose()
    assert {a.role for a in accounts} == {"office", "department", "viewer", "enterprise"}
    with pytest.raises(UnsafeSettingsError, match="demo account"):
        create_app(settings)


def test_production_refuses_unmigrated_database(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, mode="production", secret_key=GOOD_SECRET)
    with pytest.raises(UnsafeSettingsError, match="db upgrade"):
        create_app(settings)


def test_development_mode_starts_without_secret(folder: Path) -> None:
    create_app(make_settings(folder, mode="development"))


def test_serve_refuses_in_production(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(folder)
    monkeypatch.setenv("CARBONPEAK_MODE", "production")
    monkeypatch.setenv("CARBONPEAK_PLAN", settings.plan)
    monkeypatch.delenv("CARBONPEAK_SECRET_KEY", raising=False)
    result = CliRunner().invoke(cli, ["--database", settings.resolved_database_url(), "serve", "--port", "1"])
    assert result.exit_code == 2
    assert "production mode refuses to start" in result.output


def test_demo_accounts_cover_two_departments(folder: Path) -> None:
    settings = make_settings(folder)
    engine = make_engine(settings.resolved_database_url())
    try:
        first = ensure_demo_accounts(engine, load_plan(settings.plan))
        again = ensure_demo_accounts(engine, load_plan(settings.plan))
        units = [a.unit_id for a in first if a.role == "department"]
        assert units == ["dev_reform", "industry_it"]  # 区发改委 and 区工信局 of the plan
        assert [a.username for a in first] == [a.username for a in again]
        assert first[0].password != again[0].password  # new passwords at every start
        user = find_user(engine, first[0].username)
        assert user is not None
        assert user.is_demo
    finally:
        engine.dispose()


def test_production_refuses_a_database_behind_the_code(tmp_path: Path) -> None:
    """A database migrated to 0020 (accounts, but no login_attempts of 0025) is refused by name."""
    settings = make_settings(tmp_path, mode="production", secret_key=GOOD_SECRET)
    upgrade(settings.resolved_database_url(), "0020")
    with pytest.raises(UnsafeSettingsError, match=r"revision 0020.*db upgrade"):
        create_app(settings)
    upgrade(settings.resolved_database_url())
    create_app(settings).state.engine.dispose()
