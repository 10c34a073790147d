"""``create_app(settings)``: the web application. Nothing happens at import time."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from starlette.middleware.sessions import SessionMiddleware

from carbonpeak import __version__
from carbonpeak.plan import Plan, load_plan
from carbonpeak.services.accounts import demo_account_count
from carbonpeak.services.signin import LoginRateLimiter
from carbonpeak.settings import Settings
from carbonpeak.storage import current, head, make_engine
from carbonpeak.web.accounting.room import ROOM as ACCOUNTING
from carbonpeak.web.admin.room import ROOM as ADMIN
from carbonpeak.web.core import filters
from carbonpeak.web.core.auth import check_declared
from carbonpeak.web.core.errors import install_error_handlers
from carbonpeak.web.core.ids import unbounded_integers
from carbonpeak.web.core.limits import BodyLimitMiddleware, BodyLimits
from carbonpeak.web.core.request_log import RequestLogMiddleware
from carbonpeak.web.core.room import ROOM as CORE
from carbonpeak.web.core.rooms import Room
from carbonpeak.web.core.security import CSRFMiddleware, SecurityHeadersMiddleware, secret_problem
from carbonpeak.web.energy.room import ROOM as ENERGY
from carbonpeak.web.forestry.room import ROOM as FORESTRY
from carbonpeak.web.key_units.room import ROOM as KEY_UNITS
from carbonpeak.web.ledgers.room import ROOM as LEDGERS
from carbonpeak.web.overview.room import ROOM as OVERVIEW
from carbonpeak.web.plan.room import ROOM as PLAN
from carbonpeak.web.reports.room import ROOM as REPORTS
from carbonpeak.web.scenarios.room import ROOM as SCENARIOS
from carbonpeak.web.towns.room import ROOM as TOWNS
from carbonpeak.web.tracking.room import ROOM as TRACKING
from carbonpeak.web.two_high.room import ROOM as TWO_HIGH

# Every capability's part of the app; a new capability is a new room (a package with room.py) here.
ROOMS: tuple[Room, ...] = (
    CORE,
    OVERVIEW,
    PLAN,
    ACCOUNTING,
    SCENARIOS,
    TRACKING,
    LEDGERS,
    KEY_UNITS,
    ENERGY,
    TWO_HIGH,
    FORESTRY,
    TOWNS,
    REPORTS,
    ADMIN,
)

HERE = Path(__file__).parent
SESSION_COOKIE = "carbonpeak_session"


class UnsafeSettingsError(RuntimeError):
    """Production mode with settings that must not reach production (default secret, demo accounts)."""


def _refuse_unsafe(settings: Settings, engine: Any) -> None:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    problem = secret_problem(secret)
    if problem:
        raise UnsafeSettingsError(f"production mode refuses to start: {problem} (see docs/web.md)")
    demo_users = demo_account_count(engine)
    if demo_users is None:
        raise UnsafeSettingsError(
            "production mode refuses to start: the database has no accounts table (run carbonpeak db upgrade)"
        )
    revision, latest = current(settings.resolved_database_url()), head()
    if revision != latest:
        raise UnsafeSettingsError(
            f"production mode refuses to start: the database schema is at revision {revision}, "
            f"this version needs {latest} (run carbonpeak db upgrade)"
        )
    if demo_users:
        raise UnsafeSettingsError(
            f"production mode refuses to start: the database holds {demo_users} demo account(s); "
            "remove them (they have printed passwords)"
        )


def create_app(settings: Settings, extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    """Build the app for ``settings``: plan loaded, engine made, routes checked for permissions.

    ``extra_routers`` are included after the built-in pages and API (a package's pages can be tried
    before they are wired in); every route of them must declare its permission too.

    Raises ``UnsafeSettingsError`` in production mode with a missing, short or default secret key or
    with demo accounts in the database; ``PlanError``/``PlanNotFoundError`` for a bad plan.
    """
    plan = load_plan(settings.plan)
    engine = make_engine(settings.resolved_database_url())
    if settings.mode == "production":
        try:
            _refuse_unsafe(settings, engine)
        except UnsafeSettingsError:
            engine.dispose()
            raise
    secret = settings.secret_key.get_secret_value() if settings.secret_key else secrets.token_urlsafe(32)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="carbonpeak",
        version=__version__,
        description="碳达峰实施管理平台 — JSON API. Sign in at /login (session cookie) or send an "
        "enterprise API token as `Authorization: Bearer …`.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plan = plan
    app.state.engine = engine
    app.state.templates = _templates(ROOMS)
    app.state.navigation_links = [link for room in ROOMS for link in room.navigation]
    app.state.limiter = LoginRateLimiter(
        engine,
        settings.login_max_attempts,
        settings.login_window_seconds,
        source_attempts=settings.login_source_max_attempts,
        lockout_attempts=settings.login_lockout_attempts,
        lockout_seconds=settings.login_lockout_seconds,
    )
    for router in (*(r for room in ROOMS for r in room.routers), *extra_routers):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _middleware(app, settings, secret)
    install_error_handlers(app)
    _openapi_examples(app, plan)

    missing = check_declared(app)
    if missing:
        engine.dispose()
        raise RuntimeError(f"routes without a permission declaration (deny by default): {missing}")
    unbounded = unbounded_integers(app)
    if unbounded:
        engine.dispose()
        raise RuntimeError(f"integer parameters without a bound (use web.core.ids.PathId): {unbounded}")
    return app


def _templates(rooms: Sequence[Room]) -> Jinja2Templates:
    """One Jinja environment over every room's templates folder; a template name used by two rooms
    would make one of them unreachable, so it is refused."""
    seen: dict[str, str] = {}
    for room in rooms:
        for path in sorted(room.templates.glob("*.html")):
            if path.name in seen:
                raise RuntimeError(
                    f"template {path.name} is in room {seen[path.name]} and in room {room.name}"
                )
            seen[path.name] = room.name
    templates = Jinja2Templates(directory=[room.templates for room in rooms])
    templates.env.undefined = StrictUndefined  # a missing word or value is an error, not a blank
    filters.install(templates.env)
    return templates


def _middleware(app: FastAPI, settings: Settings, secret: str) -> None:
    # Outermost last: request log → security headers → body limit → session → CSRF → routes.
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_lifetime_seconds,
        same_site="lax",
        https_only=settings.cookie_secure(),
    )
    app.add_middleware(BodyLimitMiddleware, limits=BodyLimits.of(settings), language=settings.language)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.cookie_secure())
    app.add_middleware(RequestLogMiddleware)


def _openapi_examples(app: FastAPI, plan: Plan) -> None:
    """Give the path parameters of the OpenAPI document an example from the plan being served, so
    that clients (and schemathesis) can call the id routes with an id that exists."""
    examples = {
        "task_id": plan.tasks[0].id if plan.tasks else None,
        "indicator_id": plan.indicators[0].id if plan.indicators else None,
    }
    base = app.openapi

    def openapi() -> dict[str, Any]:
        schema = base()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    example = examples.get(parameter.get("name"))
                    if parameter.get("in") == "path" and example is not None:
                        parameter["example"] = example
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def worker_environment(settings: Settings) -> dict[str, str]:
    """The variables that make ``Settings()`` in a worker process equal ``settings`` of the serving
    parent: what the command line set (database, plan) and the session key (generated once by the
    parent when none is configured). Every other setting comes from the same environment."""
    env = {
        "CARBONPEAK_DATABASE_URL": settings.resolved_database_url(),
        "CARBONPEAK_PLAN": settings.plan,
        "CARBONPEAK_MODE": settings.mode,
    }
    if settings.secret_key is not None:
        env["CARBONPEAK_SECRET_KEY"] = settings.secret_key.get_secret_value()
    return env


def factory() -> FastAPI:
    """The app of one uvicorn worker (``carbonpeak serve --workers N``): settings from the
    environment the serving parent prepared (``worker_environment``). Migrations and demo accounts
    were done by the parent, once, before the workers started."""
    return create_app(Settings())
