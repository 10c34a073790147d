"""``create_app(settings)``: the web application. Nothing happens at import time."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from carbonpeak import __version__
from carbonpeak.errors import HTTP_STATUS, CarbonpeakError
from carbonpeak.plan import Plan, load_plan
from carbonpeak.services.accounts import demo_account_count
from carbonpeak.services.signin import LoginRateLimiter
from carbonpeak.settings import Settings
from carbonpeak.storage import current, head, make_engine
from carbonpeak.web.accounting import routes as explorer_routes
from carbonpeak.web.admin import users as user_admin
from carbonpeak.web.core.auth import Forbidden, NotSignedIn, check_declared
from carbonpeak.web.core.errors import problem_document
from carbonpeak.web.core.i18n import t
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.security import (
    CSRFMiddleware,
    SecurityHeadersMiddleware,
    secret_problem,
)
from carbonpeak.web.ledgers import routes as enterprise_routes
from carbonpeak.web.plan import api, pages
from carbonpeak.web.scenarios import downloads as scenario_downloads
from carbonpeak.web.tracking import api as reporting_api
from carbonpeak.web.tracking import export as tracking_export
from carbonpeak.web.tracking import publishing as publishing_routes
from carbonpeak.web.tracking import reporting
from carbonpeak.web.tracking import sheets as sheet_reporting

HERE = Path(__file__).parent
SESSION_COOKIE = "carbonpeak_session"


class UnsafeSettingsError(RuntimeError):
    """Production mode with settings that must not reach production (default secret, demo accounts)."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


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
    templates = Jinja2Templates(directory=sorted(HERE.glob("*/templates")))
    templates.env.undefined = StrictUndefined  # a missing word or value is an error, not a blank
    app.state.templates = templates
    templates.env.globals["peak_projection"] = lambda lang: explorer_routes.overview_projection(app, lang)
    app.state.limiter = LoginRateLimiter(engine, settings.login_max_attempts, settings.login_window_seconds)

    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(explorer_routes.router)
    app.include_router(scenario_downloads.router)
    app.include_router(tracking_export.router)
    app.include_router(sheet_reporting.router)
    app.include_router(user_admin.router)
    app.include_router(reporting.router)
    app.include_router(reporting_api.router)
    app.include_router(enterprise_routes.router)
    app.include_router(publishing_routes.router)
    for router in extra_routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # Outermost last: security headers → session → CSRF → routes.
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_lifetime_seconds,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    app.add_middleware(SecurityHeadersMiddleware, https=settings.session_cookie_secure)
    _error_handlers(app)
    _openapi_examples(app, plan)

    missing = check_declared(app)
    if missing:
        engine.dispose()
        raise RuntimeError(f"routes without a permission declaration (deny by default): {missing}")
    return app


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


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first"}, 401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", 303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.message or "forbidden"}, 403)
        return render(request, "error.html", {"title": t("forbidden", lang_of(request))}, 403)

    @app.exception_handler(CarbonpeakError)
    async def domain_error(request: Request, exc: CarbonpeakError) -> Response:
        """Every domain error, once: its kind decides the status; the body names each problem."""
        lang = lang_of(request)
        status = HTTP_STATUS[exc.kind]
        if _is_api(request):
            return JSONResponse(problem_document(exc, lang), status)
        title = t("not_found" if exc.kind == "not_found" else "forbidden" if status == 403 else "error", lang)
        return render(request, "error.html", {"title": title, "message": exc.describe(lang)}, status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code not in (404, 405):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return render(request, "error.html", {"title": t("not_found", lang_of(request))}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": jsonable_errors(exc)}, 422)


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]


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
