"""The ``carbonpeak`` command: a thin layer over the library. Every command has --help text and
every command and setting is listed in docs/cli.md and docs/settings.md (tests/test_docs.py checks)."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from carbonpeak import __version__
from carbonpeak.cli import (
    accounting,
    admin,
    emitters,
    energy,
    forestry,
    key_units,
    ledgers,
    output,
    plan,
    report,
    scenarios,
    towns,
    tracking,
    two_high,
    web,
)
from carbonpeak.settings import get_settings

app = typer.Typer(
    name="carbonpeak",
    help="carbonpeak: carry out a district carbon peak implementation plan (碳达峰实施方案).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(plan.app, name="plan")
app.add_typer(admin.app, name="db")
app.add_typer(accounting.app)
app.command("init")(admin.init)
tracking.register(app)
app.command("serve")(web.serve)
app.add_typer(admin.users, name="users")
app.add_typer(scenarios.app, name="scenario")
app.command("decompose")(scenarios.decompose)
app.add_typer(ledgers.app, name="enterprises")
key_units.register(ledgers.app)  # review, month import, budgets (issue 21)
ledgers.app.add_typer(emitters.app, name="emitters")  # key emitters (issue 21)
app.add_typer(report.app, name="report")
app.add_typer(forestry.app, name="forestry")
app.add_typer(two_high.app, name="ledger")
app.add_typer(energy.app, name="energy")
app.add_typer(towns.app, name="towns")
output.install(app)  # --output/-o on every command with --format (carbonpeak.cli.output)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carbonpeak {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Database URL (sqlite:///path or postgresql+psycopg://…). "
            "Default: CARBONPEAK_DATABASE_URL, else data/carbonpeak.sqlite.",
        ),
    ] = None,
    lang: Annotated[
        Literal["zh-CN", "en"] | None,
        typer.Option(
            "--lang",
            help="Language of headers, files and messages: zh-CN or en. Default: the language setting.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Global options; settings come from these, then CARBONPEAK_* variables, then defaults."""
    ctx.obj = get_settings(database_url=database, language=lang)
    output.use_language(ctx.obj.language)


def run() -> None:
    app()
