"""Settings, from (in order) command-line options, ``CARBONPEAK_*`` environment variables, defaults.

Nothing reads settings at import time: ``get_settings()`` builds them when a command or the app needs
them, and tests build their own ``Settings(...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from carbonpeak.sheetfile import MB, SheetLimits

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

    # bounded reading of uploaded and imported spreadsheets (carbonpeak.sheetfile, docs/settings.md)
    upload_max_rows: int = Field(100_000, ge=10, description="most rows a sheet or CSV file may have")
    upload_max_columns: int = Field(200, ge=5, description="most columns a sheet or CSV file may have")
    upload_max_cell_chars: int = Field(
        32_767, ge=100, description="most characters one cell may hold (Excel's own limit is 32,767)"
    )
    upload_max_archive_entries: int = Field(
        1_000, ge=10, description="most entries the zip archive of an XLSX file may hold"
    )
    upload_max_entry_mb: int = Field(
        100, ge=1, description="largest uncompressed size of one entry of an XLSX archive, in MB"
    )
    upload_max_expanded_mb: int = Field(
        200, ge=1, description="largest uncompressed size of a whole XLSX archive, in MB"
    )
    upload_max_compression_ratio: float = Field(
        200.0, ge=10, description="largest compression ratio of an XLSX entry above 1 MB (zip bombs)"
    )
    # request body limits, checked before the body is read (docs/web.md)
    form_max_kb: int = Field(256, ge=16, description="largest body of a form or API request, in KB")
    import_max_mb: float = Field(20.0, gt=0, description="largest body of a spreadsheet import upload, in MB")
    budget_alert_shares: list[float] | None = Field(
        None,
        description="shares of a key unit's energy budget at which it is alerted (预警, 超出预算), e.g. "
        "[0.8, 1.0]; default: carbonpeak/ledgers/data/budgets.yaml (docs/key-units.md)",
    )

    def sheet_limits(self) -> SheetLimits:
        """The caps of every spreadsheet and CSV read of an upload or import."""
        return SheetLimits(
            max_rows=self.upload_max_rows,
            max_columns=self.upload_max_columns,
            max_cell_chars=self.upload_max_cell_chars,
            max_entries=self.upload_max_archive_entries,
            max_entry_bytes=self.upload_max_entry_mb * MB,
            max_total_bytes=self.upload_max_expanded_mb * MB,
            max_ratio=self.upload_max_compression_ratio,
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
    session_idle_seconds: int = Field(
        1800,
        ge=60,
        description="a web session ends after this many seconds without a request (checked on the server)",
    )
    session_cookie_secure: bool | None = Field(
        None,
        description="send the session cookie only over HTTPS (Secure) and send HSTS; unset: true in "
        "production mode, false otherwise; set false in production only for a plain-HTTP intranet site",
    )
    login_max_attempts: int = Field(
        5, ge=1, description="failed logins allowed per client IP and user name within login_window_seconds"
    )
    login_window_seconds: int = Field(900, ge=1, description="the window (seconds) of the login rate limit")
    login_source_max_attempts: int = Field(
        20,
        ge=1,
        description="failed logins allowed per client IP, for any user names, within login_window_seconds",
    )
    login_lockout_attempts: int = Field(
        10, ge=1, description="failed logins of one user name, from any source, that lock it"
    )
    login_lockout_seconds: int = Field(
        900,
        ge=1,
        description="how long (seconds) a user name stays locked after login_lockout_attempts failures",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed "
        "(serve passes them to uvicorn); empty: forwarded headers are ignored, the peer address counts",
    )

    # overload bounds of `carbonpeak serve` (uvicorn; docs/deployment.md)
    serve_limit_concurrency: int = Field(
        200,
        ge=1,
        description="most open connections plus requests in progress per worker; past it the server "
        "answers 503 at once instead of queueing (keep-alive connections count)",
    )
    serve_backlog: int = Field(
        512, ge=16, description="most TCP connections waiting to be accepted (the listen backlog)"
    )
    serve_timeout_keep_alive: int = Field(
        5, ge=1, description="seconds an idle keep-alive connection stays open before the server closes it"
    )
    serve_timeout_graceful_shutdown: int = Field(
        30, ge=1, description="seconds a stopping server waits for requests in progress before closing them"
    )

    def cookie_secure(self) -> bool:
        """Whether cookies are ``Secure`` (and HSTS sent): the setting, else production mode."""
        if self.session_cookie_secure is None:
            return self.mode == "production"
        return self.session_cookie_secure

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'carbonpeak.sqlite').as_posix()}"


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (None values are ignored)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
