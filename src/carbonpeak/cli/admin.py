"""Administration: ``carbonpeak init`` and ``carbonpeak db …`` (prepare, migrate, back up and restore
the database) and ``carbonpeak users …`` (the web accounts, through ``carbonpeak.services.accounts``)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, fail, get_plan, settings, upgraded_engine
from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.plan import find_unit, resolve_plan
from carbonpeak.reports import csv_bytes
from carbonpeak.services import accounts
from carbonpeak.storage import current, head, make_engine, store_plan, upgrade
from carbonpeak.storage.backup import BackupError, restore_archive, write_archive

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
    partial: Annotated[
        list[str] | None,
        typer.Option(
            "--partial",
            help="Restore only this table (repeat for several); the others keep their content. Needed "
            "for an archive that lacks tables, which is refused otherwise.",
        ),
    ] = None,
) -> None:
    """Replace the database's content by a backup or export (checked by sha256) in one transaction,
    with an audit row (db.restore); an archive lacking tables is refused unless --partial names
    the tables to restore."""
    url = settings(ctx).resolved_database_url()
    if not yes:
        raise fail(f"restore replaces all data in {url}; run again with --yes to confirm")
    try:
        counts = restore_archive(
            url, file, who=f"carbonpeak db restore ({getpass.getuser()})", partial=partial
        )
    except BackupError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables of {url} from {file}")


users = typer.Typer(
    help="Web accounts: add users (office, department, enterprise, viewer), list them, API tokens.",
    no_args_is_help=True,
)

RoleOption = Annotated[
    str,
    typer.Option(
        "--role", "-r", help="office, department (needs --unit), enterprise (needs --enterprise) or viewer."
    ),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return value


@users.command("add")
@domain_errors
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name, e.g. fgw-zhang.")],
    role: RoleOption,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", "-u", help="Responsible unit of a department account (id or name, e.g. 区发改委)."
        ),
    ] = None,
    enterprise: Annotated[
        str | None, typer.Option("--enterprise", "-e", help="Enterprise id of an enterprise account.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Name shown on the pages (default: the unit or user name).")
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from the first line of stdin instead of a prompt."
        ),
    ] = False,
    plan: PlanOption = None,
) -> None:
    """Add a web user with an argon2id-hashed password; an enterprise's API token is printed once."""
    if role not in ("office", "department", "enterprise", "viewer"):
        raise fail(f"error: --role {role!r}: expected office, department, enterprise or viewer", 2)
    unit_id = display = None
    if unit:
        found = find_unit(get_plan(ctx, plan), unit)
        unit_id, display = found.id, found.name
    with upgraded_engine(ctx) as engine:
        token = accounts.add_user(
            engine,
            username=username,
            password=_password(password_stdin),
            role=role,  # type: ignore[arg-type]
            display_name=name or display or username,
            who=f"cli:{getpass.getuser()}",
            source="carbonpeak users add",
            unit_id=unit_id,
            enterprise_id=enterprise,
        )
    typer.echo(f"user {username} ({role}{', ' + unit_id if unit_id else ''}) added")
    if token:
        typer.echo(f"API token (shown once): {token}")


@users.command("list")
@domain_errors
def users_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List the web users (never their password hashes)."""
    with upgraded_engine(ctx) as engine:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "unit_id": u.unit_id,
                "enterprise_id": u.enterprise_id,
                "demo": u.is_demo,
                "active": u.active,
            }
            for u in accounts.users(engine)
        ]
    columns = [
        ("username", "用户名"),
        ("display_name", "名称"),
        ("role", "角色"),
        ("unit_id", "责任单位"),
        ("enterprise_id", "企业"),
        ("demo", "演示账号"),
        ("active", "启用"),
    ]
    emit(rows, columns, fmt, title="用户")


@users.command("token")
@domain_errors
def users_token(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="An enterprise account.")]
) -> None:
    """Issue a new API token for an enterprise account (the old one stops working); printed once."""
    with upgraded_engine(ctx) as engine:
        token = accounts.reissue_token(
            engine, username, who=f"cli:{getpass.getuser()}", source="carbonpeak users token"
        )
    typer.echo(f"API token of {username} (shown once): {token}")


@users.command("remove-demo")
@domain_errors
def users_remove_demo(ctx: typer.Context) -> None:
    """Delete the demo accounts (production mode refuses to start while any exists)."""
    with upgraded_engine(ctx) as engine:
        names = accounts.remove_demo_accounts(
            engine, who=f"cli:{getpass.getuser()}", source="carbonpeak users remove-demo"
        )
    typer.echo(f"removed {len(names)} demo account(s){': ' + ', '.join(names) if names else ''}")


@users.command("password")
@domain_errors
def users_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the new password from the first line of stdin."),
    ] = False,
) -> None:
    """Set a new password for an account; its open sessions end."""
    with upgraded_engine(ctx) as engine:
        accounts.change_password(
            engine,
            username,
            _password(password_stdin),
            who=f"cli:{getpass.getuser()}",
            source="carbonpeak users password",
        )
    typer.echo(f"password of {username} changed")


@users.command("disable")
@domain_errors
def users_disable(ctx: typer.Context, username: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Disable an account: it cannot sign in, its sessions and API token stop working."""
    _set_enabled(ctx, username, False)


@users.command("enable")
@domain_errors
def users_enable(ctx: typer.Context, username: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Enable a disabled account again."""
    _set_enabled(ctx, username, True)


def _set_enabled(ctx: typer.Context, username: str, enabled: bool) -> None:
    with upgraded_engine(ctx) as engine:
        accounts.set_enabled(
            engine,
            username,
            enabled,
            who=f"cli:{getpass.getuser()}",
            source=f"carbonpeak users {'enable' if enabled else 'disable'}",
        )
    typer.echo(f"{username} {'enabled' if enabled else 'disabled'}")
