"""``carbonpeak serve``: run the web application (uvicorn)."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, fail, settings, upgraded_engine

# Seconds a uvicorn worker may take to answer the supervisor's health check (docs/web.md).
WORKER_HEALTHCHECK_SECONDS = 60


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
) -> None:
    """Serve the web app: pages, JSON API under /api/v1. In demo mode (CARBONPEAK_MODE=demo) the
    database is migrated and the demo accounts are created (or given new passwords) and printed."""
    import uvicorn
    from pydantic import SecretStr

    from carbonpeak.plan import load_plan
    from carbonpeak.services.accounts import ensure_demo_accounts
    from carbonpeak.web import UnsafeSettingsError, create_app
    from carbonpeak.web.app import worker_environment

    conf = settings(ctx)
    if plan:
        conf = conf.model_copy(update={"plan": plan})
    if conf.mode == "demo":
        with upgraded_engine(ctx) as engine:
            accounts = ensure_demo_accounts(engine, load_plan(conf.plan))
        typer.echo("demo accounts (示例账号, illustrative; new passwords at every start):")
        for account in accounts:
            scope = account.unit_id or account.enterprise_id or ""
            line = f"  {account.username:<22} {account.role:<11} {scope:<20} password: {account.password}"
            if account.api_token:
                line += f"  API token: {account.api_token}"
            typer.echo(line)
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
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="info", ws="none", lifespan="on")
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
        log_level="info",
        ws="none",
        lifespan="on",
    )
