"""``carbonpeak enterprises …`` for the key energy-using units (issue 21): the review of monthly
reports, their import from the office's template, and the energy budgets. Registered on the
``enterprises`` group by ``register``; the CLI acts as the office (or, with ``--unit``, as a
supervising department)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from carbonpeak.cli.common import domain_errors, migrated_engine, settings
from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.budgets_file import budgets_table
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.reports import write_file
from carbonpeak.services.budgets import BudgetService
from carbonpeak.services.month_files import MonthFileService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.services.reconcile import ReconcileService
from carbonpeak.units import display

ILLUSTRATIVE = " — 示例数据 (illustrative)"
UserOption = Annotated[str | None, typer.Option("--user", help="Who acts (default: the login name).")]
UnitOption = Annotated[
    str | None,
    typer.Option("--unit", help="Act as this supervising department (unit id) instead of the office."),
]
IdArgument = Annotated[str, typer.Argument(help="The enterprise's 统一社会信用代码 (18 characters).")]
PeriodArgument = Annotated[str, typer.Argument(help="The month, YYYY-MM.")]
YearOption = Annotated[int, typer.Option("--year", "-y", help="The budget year.")]


def _actor(user: str | None) -> LedgerActor:
    return LedgerActor(user or getpass.getuser(), "office")


def _reviewer(user: str | None, unit: str | None) -> Reviewer:
    name = user or getpass.getuser()
    if unit:
        return Reviewer(LedgerActor(name, "department"), unit)
    return Reviewer(LedgerActor(name, "office"))


def queue(
    ctx: typer.Context, user: UserOption = None, unit: UnitOption = None, fmt: FormatOption = Format.table
) -> None:
    """The monthly reports waiting for review (待审核) that you review, oldest first."""
    with migrated_engine(ctx) as engine:
        rows = MonthReviewService(engine).queue(_reviewer(user, unit))
    flat = [
        {**r, "state": r["review"]["state_label"], "submitted_by": r["review"]["submitted_by"]} for r in rows
    ]
    title = "待审核月报" + (ILLUSTRATIVE if any(r["illustrative"] for r in rows) else "")
    emit(
        flat,
        [
            ("enterprise_name", "企业"),
            ("period", "月份"),
            ("version", "版本"),
            ("tce_calorific", "当量值 tce"),
            ("co2_total", "CO2 t"),
            ("submitted_by", "报送人"),
            ("state", "状态"),
        ],
        fmt,
        title=title,
        json_data=rows,
    )


def review(
    ctx: typer.Context,
    enterprise_id: IdArgument,
    period: PeriodArgument,
    step: Annotated[str, typer.Argument(help="approve, return or reopen.")],
    comment: Annotated[
        str, typer.Option("--comment", "-m", help="The review comment (needed to return or reopen).")
    ] = "",
    version: Annotated[
        int | None, typer.Option("--version", help="The report version you reviewed (refused if it changed).")
    ] = None,
    user: UserOption = None,
    unit: UnitOption = None,
) -> None:
    """Approve, return (with the reason) or reopen (office) a month; nobody reviews their own."""
    with migrated_engine(ctx) as engine:
        done = MonthReviewService(engine).review(
            _reviewer(user, unit),
            enterprise_id,
            period,
            step,
            comment,
            source="cli",
            expected_version=version,
        )
    typer.echo(f"{enterprise_id} {period}: {done['state_label']} ({done['state']})")


def history(
    ctx: typer.Context, enterprise_id: IdArgument, period: PeriodArgument, fmt: FormatOption = Format.table
) -> None:
    """Every save, submission and review step of a month, with the lines of each version."""
    with migrated_engine(ctx) as engine:
        rows = MonthReviewService(engine).history(_reviewer(None, None), enterprise_id, period)
    flat = [{**r, "lines": "; ".join(f"{f} {a:g} {u}" for f, a, u in r["lines"] or [])} for r in rows]
    emit(
        flat,
        [
            ("at", "时间"),
            ("report_version", "版本"),
            ("step", "操作"),
            ("state_label", "状态"),
            ("who", "操作人"),
            ("comment", "意见"),
            ("lines", "数据"),
        ],
        fmt,
        title=f"{enterprise_id} {period} 审核记录",
        json_data=rows,
    )


def supervisor(
    ctx: typer.Context,
    enterprise_id: IdArgument,
    unit_id: Annotated[str, typer.Argument(help="The unit id of the supervising department (主管部门).")],
    user: UserOption = None,
) -> None:
    """Name the department that supervises (and reviews) an enterprise."""
    with migrated_engine(ctx) as engine:
        MonthReviewService(engine).set_supervisor(_actor(user), enterprise_id, unit_id, source="cli")
    typer.echo(f"{enterprise_id}: supervised by {unit_id}")


def import_reports(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The filled template (.xlsx, sheet 月度能源报表) or a .csv.")],
    draft: Annotated[bool, typer.Option("--draft", help="Store as drafts instead of submitting.")] = False,
    user: UserOption = None,
) -> None:
    """Import monthly reports (代报, by the office) all or nothing: every problem with sheet, row, column."""
    with migrated_engine(ctx) as engine:
        done = MonthFileService(engine).import_file(
            _actor(user),
            file,
            limits=settings(ctx).sheet_limits(),
            status="draft" if draft else "submitted",
            source="cli import",
        )
    typer.echo(f"{file}: {len(done)} monthly report(s) stored")


def reports_template(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the template (.xlsx).")],
) -> None:
    """Write the monthly-report import template with its drop-downs (fuel, unit)."""
    from carbonpeak.ledgers.months_file import template

    write_file(template(), output, "xlsx")
    typer.echo(f"written {output}")


def budgets_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The budgets file (.xlsx sheet 用能预算, or .csv).")],
    user: UserOption = None,
) -> None:
    """Import the yearly energy budgets (用能预算), all or nothing."""
    with migrated_engine(ctx) as engine:
        added, changed = BudgetService(engine, shares=settings(ctx).budget_alert_shares).import_file(
            _actor(user), file, limits=settings(ctx).sheet_limits()
        )
    typer.echo(f"{file}: {added} budget(s) added, {changed} changed")


def budgets_template(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the template (.xlsx).")],
) -> None:
    """Write the budgets import template."""
    from carbonpeak.ledgers.budgets_file import template

    write_file(template(), output, "xlsx")
    typer.echo(f"written {output}")


def budgets(ctx: typer.Context, year: YearOption, fmt: FormatOption = Format.table) -> None:
    """Each unit's budget, year to date, projection to the year's end and alert (预警)."""
    with migrated_engine(ctx) as engine:
        svc = BudgetService(engine, shares=settings(ctx).budget_alert_shares)
        rows = svc.progress(_actor(None), year)
        stored = svc.budgets(_actor(None), year)
    flat = [
        {
            "enterprise_name": r["enterprise_name"],
            "budget": r["tce_calorific"]["budget"],
            "ytd": r["tce_calorific"]["ytd"],
            "months": r["tce_calorific"]["months"],
            "projection": r["tce_calorific"]["projection"],
            "projected_share": display.percent(
                None
                if r["tce_calorific"]["projected_share"] is None
                else r["tce_calorific"]["projected_share"] * 100
            ),
            "alert": r["alert_label"],
            "document": r["document"],
        }
        for r in rows
    ]
    title = f"用能预算执行 {year}" + (ILLUSTRATIVE if any(r["illustrative"] for r in rows) else "")
    emit(
        flat,
        [
            ("enterprise_name", "企业"),
            ("budget", "预算 当量值 tce"),
            ("ytd", "累计 tce"),
            ("months", "已报月数"),
            ("projection", "预计全年 tce"),
            ("projected_share", "预计占预算"),
            ("alert", "预警"),
            ("document", "预算文件"),
        ],
        fmt,
        title=title,
        json_data={"year": year, "budgets": rows},
        table=budgets_table(stored) if fmt in (Format.csv, Format.xlsx) else None,
    )


def budgets_rollup(ctx: typer.Context, year: YearOption, fmt: FormatOption = Format.table) -> None:
    """The district's budgets against last year's use and the remaining headroom (剩余空间)."""
    with migrated_engine(ctx) as engine:
        out = BudgetService(engine, shares=settings(ctx).budget_alert_shares).rollup(_actor(None), year)
    h = out["headroom"] or {}
    rows = [
        {"item": "units", "value": out["units"]},
        {"item": "budget_tce_calorific", "value": out["budget"]["tce_calorific"]},
        {"item": "budget_tce_coal_substitution", "value": out["budget"]["tce_coal_substitution"]},
        {"item": "budget_co2_t", "value": out["budget"]["co2_total"]},
        {"item": "increase_over_last_year_tce", "value": out["increase"]["tce_calorific"]},
        {"item": "remaining_energy_tce", "value": h.get("remaining_energy_tce")},
        {"item": "increase_share_of_remaining_energy", "value": h.get("increase_share_of_remaining_energy")},
        {"item": "remaining_co2_t", "value": h.get("remaining_co2_t")},
        {"item": "increase_share_of_remaining_co2", "value": h.get("increase_share_of_remaining_co2")},
    ]
    title = f"用能预算汇总 {year}" + (ILLUSTRATIVE if h.get("illustrative") else "")
    emit(rows, [("item", "项目"), ("value", "数值")], fmt, title=title, json_data=out)


def reconcile(ctx: typer.Context, year: YearOption, fmt: FormatOption = Format.table) -> None:
    """The key units' reported and metered totals of a year against the inventory's industry by fuel."""
    with migrated_engine(ctx) as engine:
        out = ReconcileService(engine).reconcile(_actor(None), year)
    for sentence in out["words"]["zh-CN"]:
        if fmt == Format.table:
            typer.echo(sentence)
    title = f"重点用能单位与清单工业部门对照 {year}" + (ILLUSTRATIVE if out["illustrative"] else "")
    emit(
        out["fuels"],
        [
            ("name", "能源品种"),
            ("unit", "单位"),
            ("inventory", "清单工业部门"),
            ("reported", "重点用能单位报送"),
            ("metered", "在线监测"),
            ("share", "覆盖比例"),
            ("difference", "差值（其他工业）"),
        ],
        fmt,
        title=title,
        json_data=out,
    )


def register(app: typer.Typer) -> None:
    """Add the commands to the ``enterprises`` group."""
    for name, func in (
        ("review-queue", queue),
        ("review", review),
        ("review-history", history),
        ("supervisor", supervisor),
        ("import-reports", import_reports),
        ("reports-template", reports_template),
        ("budgets", budgets),
        ("budgets-import", budgets_import),
        ("budgets-template", budgets_template),
        ("budgets-rollup", budgets_rollup),
        ("reconcile", reconcile),
    ):
        app.command(name)(domain_errors(func))
