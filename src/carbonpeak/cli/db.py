"""``carbonpeak init`` and ``carbonpeak db …``: prepare and migrate the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, fail, get_plan, settings
from carbonpeak.plan import resolve_plan
from carbonpeak.reports import csv_bytes
from carbonpeak.storage import current, head, make_engine, store_plan, upgrade
from carbonpeak.storage.backup import restore_archive, write_archive

app = typer.Typer(
    help="Database: migrate, show the schema revision, back up, restore and export.", no_args_is_help=True
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


ArchiveArgument = Annotated[Path, typer.Argument(help="The ZIP file to write or read.")]


@app.command("backup")
@domain_errors
def backup_cmd(ctx: typer.Context, file: ArchiveArgument) -> None:
    """Write a backup of every table (JSON per table, manifest with schema revision and sha256) to a ZIP."""
    url = settings(ctx).resolved_database_url()
    manifest = write_archive(url, file)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    typer.echo(f"backup of {url} (revision {manifest['schema_revision']}): {rows} rows → {file}")


@app.command("export")
@domain_errors
def export_cmd(ctx: typer.Context, file: ArchiveArgument) -> None:
    """Write a full export: the backup's JSON plus a CSV per table (UTF-8 with BOM, for Excel) in a ZIP."""
    url = settings(ctx).resolved_database_url()
    manifest = write_archive(url, file, csv_writer=csv_bytes)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    typer.echo(f"export of {url}: {len(manifest['tables'])} tables, {rows} rows → {file}")


@app.command("restore")
@domain_errors
def restore_cmd(
    ctx: typer.Context,
    file: ArchiveArgument,
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm that every table's current content is replaced.")
    ] = False,
) -> None:
    """Replace the database's content by a backup or export (checked by sha256) in one transaction."""
    url = settings(ctx).resolved_database_url()
    if not yes:
        raise fail(f"restore replaces all data in {url}; run again with --yes to confirm")
    counts = restore_archive(url, file)
    typer.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables of {url} from {file}")
