"""``carbonpeak enterprises emitters …``: the key emitters (重点排放单位) — list each unit's years with
their report, verification, compliance and reconciliation with the ledger; record or change a year;
import a file (all or nothing); write the template; attach a document; list the alerts. The CLI acts
as the office (or, with ``--unit``, as the supervising department)."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonpeak.cli.common import domain_errors, migrated_engine, settings
from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.reports import write_file
from carbonpeak.services.emitters import EmitterService, parse_year
from carbonpeak.settings import Settings
from carbonpeak.units import display

app = typer.Typer(
    help="Key emitters (重点排放单位): report, verification, compliance, reconciliation with the ledger.",
    no_args_is_help=True,
)
ILLUSTRATIVE = " — 示例数据 (illustrative)"
UserOption = Annotated[str | None, typer.Option("--user", help="Who acts (default: the login name).")]
UnitOption = Annotated[
    str | None,
    typer.Option("--unit", help="Act as this supervising department (unit id) instead of the office."),
]
IdArgument = Annotated[str, typer.Argument(help="The enterprise's 统一社会信用代码 (18 characters).")]
YearArgument = Annotated[int, typer.Argument(help="The reporting year (the emissions' year).")]
YearFilter = Annotated[int | None, typer.Option("--year", "-y", help="Only this reporting year.")]
ToleranceOption = Annotated[
    float | None,
    typer.Option("--tolerance", help="Gap tolerance as a share (default 0.05 of data/emitters.yaml)."),
]


def _who(user: str | None, unit: str | None) -> Reviewer:
    name = user or getpass.getuser()
    if unit:
        return Reviewer(LedgerActor(name, "department"), unit)
    return Reviewer(LedgerActor(name, "office"))


@contextlib.contextmanager
def _service(ctx: typer.Context, tolerance: float | None = None) -> Iterator[EmitterService]:
    conf: Settings = settings(ctx)
    with migrated_engine(ctx) as engine:
        yield EmitterService(
            engine,
            tolerance=tolerance,
            files_dir=conf.resolved_evidence_dir(),
            max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
        )


def _pct(share: float | None) -> str:
    return display.percent(None if share is None else share * 100)


def list_years(
    ctx: typer.Context,
    year: YearFilter = None,
    tolerance: ToleranceOption = None,
    user: UserOption = None,
    unit: UnitOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Each key emitter's years: report, verification, compliance, verified against the ledger's CO2."""
    with _service(ctx, tolerance) as svc:
        rows = svc.years(_who(user, unit), year)
        table = svc.table(_who(user, unit), year) if fmt in (Format.csv, Format.xlsx) else None
    flat = [
        {
            "enterprise_name": r["enterprise_name"],
            "year": r["year"],
            "program": r["program_label"],
            "report": r["labels"]["report"],
            "verification": r["labels"]["verification"],
            "compliance": r["labels"]["compliance"],
            "figure": r["reconciliation"]["figure_t"],
            "ledger": r["reconciliation"]["ledger_t"],
            "gap": _pct(r["reconciliation"]["gap_share"]),
            "alerts": len(r["alerts"]),
        }
        for r in rows
    ]
    title = "重点排放单位" + (ILLUSTRATIVE if any(r["illustrative"] for r in rows) else "")
    emit(
        flat,
        [
            ("enterprise_name", "企业"),
            ("year", "年度"),
            ("program", "纳入范围"),
            ("report", "排放报告"),
            ("verification", "核查"),
            ("compliance", "履约"),
            ("figure", "核查/报告 tCO2"),
            ("ledger", "台账 tCO2"),
            ("gap", "偏差"),
            ("alerts", "预警数"),
        ],
        fmt,
        title=title,
        json_data=rows,
        table=table,
    )


def record(
    ctx: typer.Context,
    enterprise_id: IdArgument,
    year: YearArgument,
    program: Annotated[
        str | None, typer.Option("--program", help="national_ets (全国碳市场) or city_list (市名录).")
    ] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="The market's sector, e.g. 发电.")] = None,
    report_on: Annotated[
        dt.datetime | None, typer.Option("--report-on", formats=["%Y-%m-%d"], help="Report submitted on.")
    ] = None,
    reported: Annotated[float | None, typer.Option("--reported", help="Reported emissions, tCO2.")] = None,
    report_document: Annotated[
        str | None, typer.Option("--report-document", help="The report's file name or 文号.")
    ] = None,
    verifier: Annotated[
        str | None, typer.Option("--verifier", help="The verification body (核查机构).")
    ] = None,
    verified_on: Annotated[
        dt.datetime | None, typer.Option("--verified-on", formats=["%Y-%m-%d"], help="Verified on.")
    ] = None,
    verified: Annotated[float | None, typer.Option("--verified", help="Verified emissions, tCO2.")] = None,
    verification_document: Annotated[
        str | None, typer.Option("--verification-document", help="The verification report's name.")
    ] = None,
    allocated: Annotated[
        float | None, typer.Option("--allocated", help="Allowances allocated, tCO2.")
    ] = None,
    surrendered: Annotated[
        float | None, typer.Option("--surrendered", help="Allowances surrendered, tCO2.")
    ] = None,
    surrendered_on: Annotated[
        dt.datetime | None, typer.Option("--surrendered-on", formats=["%Y-%m-%d"], help="Surrendered on.")
    ] = None,
    compliance: Annotated[
        str | None, typer.Option("--compliance", help="fulfilled (已履约), unfulfilled (未履约) or partial.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The version you read (refused if it changed).")
    ] = None,
    user: UserOption = None,
    unit: UnitOption = None,
) -> None:
    """List a unit for a year, or change the fields given (the others are kept)."""
    given: dict[str, Any] = {
        "program": program,
        "sector": sector,
        "report_submitted_on": report_on.date() if report_on else None,
        "reported_t": reported,
        "report_document": report_document,
        "verifier": verifier,
        "verified_on": verified_on.date() if verified_on else None,
        "verified_t": verified,
        "verification_document": verification_document,
        "allocated_t": allocated,
        "surrendered_t": surrendered,
        "surrendered_on": surrendered_on.date() if surrendered_on else None,
        "compliance": compliance,
        "note": note,
    }
    who = _who(user, unit)
    with _service(ctx) as svc:
        try:
            current = svc.year(who, enterprise_id, year)
            data = {k: current[k] for k in (*given, "illustrative")}
            expected = version or current["version"]
        except NotFoundError:
            data, expected = {}, version
        data |= {k: v for k, v in given.items() if v is not None}
        rec = parse_year({**data, "enterprise_id": enterprise_id, "year": year}, file="<cli>")
        done = svc.record(who, rec, source="cli", expected_version=expected)
    typer.echo(f"{enterprise_id} {year}: version {done['version']}, {len(done['alerts'])} alert(s)")
    for alert in done["alerts"]:
        typer.echo(f"  - {alert['zh']}")


def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The filled template (.xlsx sheet 重点排放单位, or .csv).")],
    user: UserOption = None,
    unit: UnitOption = None,
) -> None:
    """Import key-emitter years, all or nothing: every problem with sheet, row and column."""
    with _service(ctx) as svc:
        added, changed = svc.import_file(_who(user, unit), file, limits=settings(ctx).sheet_limits())
    typer.echo(f"{file}: {added} year(s) added, {changed} changed")


def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the template (.xlsx).")],
) -> None:
    """Write the key-emitter import template (drop-downs for the programme and compliance)."""
    from carbonpeak.ledgers.emitters_file import template as make

    write_file(make(), output, "xlsx")
    typer.echo(f"written {output}")


def attach(
    ctx: typer.Context,
    enterprise_id: IdArgument,
    year: YearArgument,
    which: Annotated[str, typer.Argument(help="report or verification.")],
    file: Annotated[Path, typer.Argument(help="The document (PDF, image, DOCX or XLSX).")],
    user: UserOption = None,
    unit: UnitOption = None,
) -> None:
    """Store a year's report or verification document (type from the content, size limited)."""
    if which not in ("report", "verification"):
        raise typer.BadParameter("report or verification", param_hint="WHICH")
    with _service(ctx) as svc:
        done = svc.attach_document(
            _who(user, unit),
            enterprise_id,
            year,
            "report" if which == "report" else "verification",
            file.read_bytes(),
            file.name,
            source="cli",
        )
    typer.echo(f"{enterprise_id} {year}: {which} document {done['files'][which]['name']} stored")


def alerts(
    ctx: typer.Context,
    year: YearFilter = None,
    tolerance: ToleranceOption = None,
    user: UserOption = None,
    unit: UnitOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The alerts: a report or verification missing after its deadline, compliance missing or short,
    a gap between the verified tonnes and the ledger's CO2 above the tolerance — each with its reason."""
    with _service(ctx, tolerance) as svc:
        rows = svc.alerts(_who(user, unit), year)
    title = "重点排放单位预警" + (ILLUSTRATIVE if any(r["illustrative"] for r in rows) else "")
    emit(
        rows,
        [("enterprise_name", "企业"), ("year", "年度"), ("label", "类型"), ("reason", "原因")],
        fmt,
        title=title,
    )


for _name, _func in (
    ("list", list_years),
    ("record", record),
    ("import", import_file),
    ("template", template),
    ("attach", attach),
    ("alerts", alerts),
):
    app.command(_name)(domain_errors(_func))
