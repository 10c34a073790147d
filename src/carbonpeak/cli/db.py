"""``carbonpeak init`` and ``carbonpeak db …``: prepare and migrate the database."""

from __future__ import annotations

from typing import Annotated

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, settings
from carbonpeak.plan import resolve_plan
from carbonpeak.storage import current, head, make_engine, store_plan, upgrade

app = typer.Typer(
    help="Database: migrate to the latest schema, show the schema revision.", no_args_is_help=True
)


@domain_errors
def init(
    ctx: typer.Context,
    plan: PlanOption = None,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Also load the illustrative demo data (示例数据) of every capability."),
    ] = False,
) -> None:
    """Prepare the database: migrate it and store the plan (a new revision only if it changed)."""
    conf = settings(ctx)
    url = conf.resolved_database_url()
    upgrade(url)
    loaded = get_plan(ctx, plan)
    engine = make_engine(url)
    try:
        stored = store_plan(
            engine, loaded, who="carbonpeak init", source=str(resolve_plan(plan or conf.plan))
        )
        if demo:
            from carbonpeak.demo import load_demo

            for line in load_demo(engine, loaded):
                typer.echo(line)
    finally:
        engine.dispose()
    state = "stored as revision" if stored.created else "unchanged, revision"
    typer.echo(f"database {url}: plan {stored.plan_id} {state} {stored.revision}")


@app.command("upgrade")
@domain_errors
def upgrade_cmd(ctx: typer.Context) -> None:
    """Migrate the database to the latest schema (Alembic)."""
    url = settings(ctx).resolved_database_url()
    upgrade(url)
    typer.echo(f"database {url} at revision {current(url)}")


@app.command("current")
@domain_errors
def current_cmd(ctx: typer.Context) -> None:
    """Show the database's schema revision and the latest one this version knows."""
    url = settings(ctx).resolved_database_url()
    typer.echo(
        f"database {url}: revision {current(url) or 'none (run carbonpeak db upgrade)'}; latest {head()}"
    )
