"""``carbonpeak serve``: run the web application (uvicorn)."""

from __future__ import annotations

import copy
import os
import secrets
from typing import Annotated, Any

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, fail, settings, upgraded_engine
from carbonpeak.settings import Settings

# Seconds a uvicorn worker may take to answer the supervisor's health check (docs/web.md).
WORKER_HEALTHCHECK_SECONDS = 60


LEVELS = ("debug", "info", "warning", "error")


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging configuration plus the ``carbonpeak`` loggers (the request log
    ``carbonpeak.web.requests`` and every service and web module) at ``level`` on the same stream.
    uvicorn applies it in the serving process and in every worker. uvicorn's own access log is off:
    the request log says the same with the route template and the user."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["carbonpeak"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


@domain_errors
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.", min=1, max=65535)] = 8000,
    plan: PlanOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Number of uvicorn worker processes (1: one process; more: a supervisor starts them "
            "after migrations and demo accounts, and they share one session key).",
            min=1,
            max=64,
        ),
    ] = 1,
    log_level: Annotated[
        str,
        typer.Option(
            "--log-level",
            help="Level of the server's log on stderr: debug, info (a line per request), warning or error.",
        ),
    ] = "info",
) -> None:
    """Serve the web app: pages, JSON API under /api/v1. In demo mode (CARBONPEAK_MODE=demo) the
    database is migrated and the demo accounts are created (or given new passwords) and printed."""
    from pydantic import SecretStr

    from carbonpeak.web import UnsafeSettingsError, create_app

    if log_level not in LEVELS:
        raise fail(f"error: --log-level {log_level!r}: expected one of {', '.join(LEVELS)}", 2)
    conf = settings(ctx)
    if plan:
        conf = conf.model_copy(update={"plan": plan})
    if conf.mode == "demo":
        _demo_accounts(ctx, conf)
    if conf.secret_key is None and conf.mode != "production":
        # One random key for this server, made here and handed to every worker: sessions signed by
        # one worker are read by the others (decision 0431). Production requires a configured key.
        conf = conf.model_copy(update={"secret_key": SecretStr(secrets.token_urlsafe(32))})
    try:
        web_app = create_app(conf)
    except UnsafeSettingsError as exc:
        raise fail(f"error: {exc}", 2) from exc
    typer.echo(
        f"carbonpeak ({conf.mode} mode) serving plan {conf.plan} on http://{host}:{port}/"
        + (f" with {workers} workers" if workers > 1 else "")
    )
    _run(web_app, conf, host=host, port=port, workers=workers, log_level=log_level)


def _demo_accounts(ctx: typer.Context, conf: Settings) -> None:
    """Create the demo accounts (or give them new passwords) and print them."""
    from carbonpeak.plan import load_plan
    from carbonpeak.services.accounts import ensure_demo_accounts

    with upgraded_engine(ctx) as engine:
        accounts = ensure_demo_accounts(engine, load_plan(conf.plan))
    typer.echo("demo accounts (示例账号, illustrative; new passwords at every start):")
    for account in accounts:
        scope = account.unit_id or account.enterprise_id or ""
        line = f"  {account.username:<22} {account.role:<11} {scope:<20} password: {account.password}"
        if account.api_token:
            line += f"  API token: {account.api_token}"
        typer.echo(line)


def proxy_options(conf: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header options: believed only from ``trusted_proxies`` (uvicorn would
    otherwise believe X-Forwarded-For from loopback, so any local process could pick its address)."""
    if not conf.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(conf.trusted_proxies)}


def server_options(conf: Settings) -> dict[str, Any]:
    """uvicorn's overload bounds from the settings (docs/deployment.md): past ``limit_concurrency``
    connections and requests per worker a request is answered 503 at once rather than queued."""
    return {
        "limit_concurrency": conf.serve_limit_concurrency,
        "backlog": conf.serve_backlog,
        "timeout_keep_alive": conf.serve_timeout_keep_alive,
        "timeout_graceful_shutdown": conf.serve_timeout_graceful_shutdown,
    }


def _run(web_app: Any, conf: Settings, *, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve ``web_app`` in this process, or (``workers`` > 1) have uvicorn's supervisor start the
    workers, each building its app from the environment prepared here."""
    import uvicorn

    from carbonpeak.web.app import worker_environment

    config = log_config(log_level)
    if workers == 1:
        uvicorn.run(
            web_app,
            host=host,
            port=port,
            ws="none",
            lifespan="on",
            log_config=config,
            log_level=log_level,
            access_log=False,
            **proxy_options(conf),
            **server_options(conf),
        )
        return
    web_app.state.engine.dispose()  # the app was built here only to check the settings
    os.environ.update(worker_environment(conf))
    uvicorn.run(
        "carbonpeak.web.app:factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The supervisor pings each worker; the default 5 s is shorter than a worker's start (imports,
        # plan) on a busy 2-core machine, and a worker not answering in time is killed and replaced.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        ws="none",
        lifespan="on",
        log_config=config,
        log_level=log_level,
        access_log=False,
        **proxy_options(conf),
        **server_options(conf),
    )
