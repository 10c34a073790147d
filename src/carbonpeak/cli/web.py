"""``carbonpeak serve``: run the web application (uvicorn); ``carbonpeak users …``: its accounts."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from typing import Annotated

import typer
from sqlalchemy import Engine

from carbonpeak.cli.common import PlanOption, domain_errors, fail, get_plan, settings
from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.storage import make_engine, upgrade

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


def _engine(ctx: typer.Context) -> Engine:
    """The database, migrated to the latest schema first (as ``carbonpeak init`` does)."""
    url = settings(ctx).resolved_database_url()
    upgrade(url)
    return make_engine(url)


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
    from carbonpeak.plan import find_unit
    from carbonpeak.services.accounts import add_user

    if role not in ("office", "department", "enterprise", "viewer"):
        raise fail(f"error: --role {role!r}: expected office, department, enterprise or viewer", 2)
    unit_id = display = None
    if unit:
        found = find_unit(get_plan(ctx, plan), unit)
        unit_id, display = found.id, found.name
    engine = _engine(ctx)
    try:
        token = add_user(
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
    finally:
        engine.dispose()
    typer.echo(f"user {username} ({role}{', ' + unit_id if unit_id else ''}) added")
    if token:
        typer.echo(f"API token (shown once): {token}")


@users.command("list")
@domain_errors
def users_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List the web users (never their password hashes)."""
    from carbonpeak.storage.accounts import list_users

    engine = _engine(ctx)
    try:
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
            for u in list_users(engine)
        ]
    finally:
        engine.dispose()
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
    from carbonpeak.services.accounts import reissue_token

    engine = _engine(ctx)
    try:
        token = reissue_token(
            engine, username, who=f"cli:{getpass.getuser()}", source="carbonpeak users token"
        )
    finally:
        engine.dispose()
    typer.echo(f"API token of {username} (shown once): {token}")


@users.command("remove-demo")
@domain_errors
def users_remove_demo(ctx: typer.Context) -> None:
    """Delete the demo accounts (production mode refuses to start while any exists)."""
    from carbonpeak.storage.accounts import delete_demo_users

    engine = _engine(ctx)
    try:
        names = delete_demo_users(
            engine, who=f"cli:{getpass.getuser()}", source="carbonpeak users remove-demo"
        )
    finally:
        engine.dispose()
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
    from carbonpeak.services.accounts import change_password

    engine = _engine(ctx)
    try:
        change_password(
            engine,
            username,
            _password(password_stdin),
            who=f"cli:{getpass.getuser()}",
            source="carbonpeak users password",
        )
    finally:
        engine.dispose()
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
    from carbonpeak.services.accounts import set_enabled

    engine = _engine(ctx)
    try:
        set_enabled(
            engine,
            username,
            enabled,
            who=f"cli:{getpass.getuser()}",
            source=f"carbonpeak users {'enable' if enabled else 'disable'}",
        )
    finally:
        engine.dispose()
    typer.echo(f"{username} {'enabled' if enabled else 'disabled'}")
