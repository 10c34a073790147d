"""``carbonpeak enterprises …``: the enterprise ledger (重点用能单位台账) — the registry, its import and
each enterprise's monthly reports with comprehensive energy consumption and CO2.

The CLI runs on the server as the office (双碳办): it reads every enterprise and imports the registry.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from carbonpeak.cli.common import domain_errors, migrated_engine, settings
from carbonpeak.cli.output import Column, Format, FormatOption, emit
from carbonpeak.ledgers import tables
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.services.enterprises import EnterpriseService

app = typer.Typer(
    help="Enterprise ledger (重点用能单位台账): the registry, its import, monthly energy reports.",
    no_args_is_help=True,
)

ILLUSTRATIVE = " — 示例数据 (illustrative)"
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who acts, as office (default: the login name).")
]
IdArgument = Annotated[str, typer.Argument(help="The enterprise's 统一社会信用代码 (18 characters).")]

# The terminal shows the columns of the files (carbonpeak.ledgers.tables), headers with their units.
LEDGER_COLUMNS: list[Column] = [(c.key, c.heading()) for c in tables.LEDGER_COLUMNS]
REPORT_COLUMNS: list[Column] = [(c.key, c.heading()) for c in tables.REPORT_COLUMNS]


def _office(user: str | None) -> LedgerActor:
    return LedgerActor(user or getpass.getuser(), "office")


@contextlib.contextmanager
def _service(ctx: typer.Context) -> Iterator[EnterpriseService]:
    with migrated_engine(ctx) as engine:
        yield EnterpriseService(engine)


@app.command("list")
@domain_errors
def list_(
    ctx: typer.Context,
    fmt: FormatOption = Format.table,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="Year of the year-to-date sums (default: latest).")
    ] = None,
) -> None:
    """Every enterprise: industry, 两高 and six-high flags, latest month, year-to-date tce and CO2."""
    with _service(ctx) as svc:
        used, rows = svc.ledger(_office(None), year)
    illustrative = any(r["illustrative"] for r in rows)
    title = f"重点用能单位台账 {used or ''}" + (ILLUSTRATIVE if illustrative else "")
    emit(
        rows,
        LEDGER_COLUMNS,
        fmt,
        title=title,
        json_data={"year": used, "illustrative": illustrative, "enterprises": rows},
        table=tables.ledger_table(used, rows),
    )


@app.command("show")
@domain_errors
def show(ctx: typer.Context, enterprise_id: IdArgument, fmt: FormatOption = Format.table) -> None:
    """One enterprise of the registry."""
    with _service(ctx) as svc:
        ent = svc.enterprise(_office(None), enterprise_id)
    data = {**ent.model_dump(), "benchmark_product": ent.benchmark_product or "无标杆（no benchmark）"}
    rows = [{"field": k, "value": v} for k, v in data.items()]
    title = ent.name + (ILLUSTRATIVE if ent.illustrative else "")
    emit(rows, [("field", "字段"), ("value", "值")], fmt, title=title, json_data=data)


@app.command("import")
@domain_errors
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Registry file .csv or .xlsx: id, name, industry, town, two_high, …")
    ],
    user: UserOption = None,
) -> None:
    """Import the registry, all or nothing: every problem is printed as file:row:column."""
    with _service(ctx) as svc:
        added, changed = svc.import_registry(_office(user), file, settings(ctx).sheet_limits())
    typer.echo(f"{file}: {added} enterprise(s) added, {changed} changed")


@app.command("reports")
@domain_errors
def reports(ctx: typer.Context, enterprise_id: IdArgument, fmt: FormatOption = Format.table) -> None:
    """An enterprise's monthly reports with comprehensive energy consumption (both bases) and CO2 by part."""
    with _service(ctx) as svc:
        actor = _office(None)
        ent = svc.enterprise(actor, enterprise_id)
        rows = svc.reports(actor, enterprise_id)
        sources = svc.method_sources(sorted({int(r["period"][:4]) for r in rows}))
    title = f"{ent.name} 月度能源报表" + (ILLUSTRATIVE if ent.illustrative else "")
    emit(
        rows,
        REPORT_COLUMNS,
        fmt,
        title=title,
        json_data={
            "enterprise": ent.model_dump(),
            "illustrative": ent.illustrative,
            "method": sources,
            "reports": rows,
        },
        table=tables.reports_table(ent.name, rows, illustrative=ent.illustrative),
    )
