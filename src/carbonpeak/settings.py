"""Settings, from (in order) command-line options, ``CARBONPEAK_*`` environment variables, defaults.

Nothing reads settings at import time: ``get_settings()`` builds them when a command or the app needs
them, and tests build their own ``Settings(...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["demo", "development", "production"]


class Settings(BaseSettings):
    """Every setting of carbonpeak. Each is documented in docs/settings.md (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="CARBONPEAK_", extra="ignore")

    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the database; default: an SQLite file data/carbonpeak.sqlite. "
        "A postgresql+psycopg:// URL selects PostgreSQL.",
    )
    data_dir: Path = Field(Path("data"), description="folder of the default SQLite file and local data")
    plan: str = Field("jinghai-2023", description="the plan to use: a bundled plan id or a plan file path")
    mode: Mode = Field("development", description="demo, development or production")
    language: Literal["zh-CN", "en"] = Field("zh-CN", description="language of tables and reports")
    evidence_dir: Path | None = Field(
        None, description="folder of uploaded evidence files (default: <data_dir>/evidence)"
    )
    evidence_max_mb: float = Field(20.0, gt=0, description="largest evidence file accepted, in MB")
    evidence_types: list[str] = Field(
        default_factory=lambda: ["pdf", "png", "jpeg", "xlsx", "docx", "csv", "txt"],
        description="evidence file types accepted (detected from the content, never from the name)",
    )
    rubric: Path | None = Field(
        None, description="assessment rubric YAML (default: the bundled carbonpeak rubric v1)"
    )

    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or self.data_dir / "evidence"

    # web (docs/web.md)
    secret_key: SecretStr | None = Field(
        None,
        description="key signing the session cookies of the web app; required (>= 32 characters, not a "
        "known default) in production; in demo/development serve makes a random one per start when unset",
    )
    session_lifetime_seconds: int = Field(
        8 * 3600, ge=60, description="how long a web login lasts (seconds) before the user logs in again"
    )
    session_cookie_secure: bool = Field(
        False, description="send the session cookie only over HTTPS (set true behind TLS)"
    )
    login_max_attempts: int = Field(
        5, ge=1, description="failed logins allowed per client IP and user name within login_window_seconds"
    )
    login_window_seconds: int = Field(900, ge=1, description="the window (seconds) of the login rate limit")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'carbonpeak.sqlite').as_posix()}"


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (None values are ignored)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
