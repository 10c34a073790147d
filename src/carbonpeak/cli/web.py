"""``carbonpeak serve``: run the web application (uvicorn) on the configured plan and database."""

from __future__ import annotations

from typing import Annotated

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, fail, settings
from carbonpeak.storage import make_engine, upgrade


@domain_errors
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.", min=1, max=65535)] = 8000,
    plan: PlanOption = None,
) -> None:
    """Serve the web app: pages, JSON API under /api/v1. In demo mode (CARBONPEAK_MODE=demo) the
    database is migrated and the demo accounts are created (or given new passwords) and printed."""
    import uvicorn

    from carbonpeak.plan import load_plan
    from carbonpeak.web import UnsafeSettingsError, create_app
    from carbonpeak.web.accounts import ensure_demo_accounts

    conf = settings(ctx)
    if plan:
        conf = conf.model_copy(update={"plan": plan})
    if conf.mode == "demo":
        url = conf.resolved_database_url()
        upgrade(url)
        engine = make_engine(url)
        try:
            accounts = ensure_demo_accounts(engine, load_plan(conf.plan))
        finally:
            engine.dispose()
        typer.echo("demo accounts (示例账号, illustrative; new passwords at every start):")
        for account in accounts:
            scope = account.unit_id or account.enterprise_id or ""
            line = f"  {account.username:<22} {account.role:<11} {scope:<20} password: {account.password}"
            if account.api_token:
                line += f"  API token: {account.api_token}"
            typer.echo(line)
    try:
        web_app = create_app(conf)
    except UnsafeSettingsError as exc:
        raise fail(f"error: {exc}", 2) from exc
    typer.echo(f"carbonpeak ({conf.mode} mode) serving plan {conf.plan} on http://{host}:{port}/")
    uvicorn.run(web_app, host=host, port=port, log_level="info", ws="none", lifespan="on")
