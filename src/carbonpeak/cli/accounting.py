"""``carbonpeak factors …``, ``carbonpeak activity …`` and ``carbonpeak inventory``: emission accounting."""

from __future__ import annotations

import enum
import getpass
import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonpeak.accounting import (
    Activity,
    ImportProblems,
    InventoryOptions,
    Macro,
    Target,
    bundled_sets,
    get_set,
    inventory,
    read_activity,
    read_macro,
    read_user_factors,
)
from carbonpeak.accounting import tables as inventory_tables
from carbonpeak.accounting.catalog import sector_name_zh
from carbonpeak.accounting.result import Inventory
from carbonpeak.accounting.template import template_book
from carbonpeak.cli.common import domain_errors, fail, migrated_engine
from carbonpeak.cli.output import Column, Format, FormatOption, emit, print_json, write_table
from carbonpeak.errors import InvalidInputError
from carbonpeak.reports import format_of, write_file
from carbonpeak.services.inventory import batches, store_activity, store_macro, stored_inputs

app = typer.Typer(help="Emission accounting.", no_args_is_help=True)
factors_app = typer.Typer(help="Emission-factor sets with their sources and versions.", no_args_is_help=True)
activity_app = typer.Typer(
    help="Activity data files: template, validation, import into the database, stored batches.",
    no_args_is_help=True,
)
app.add_typer(factors_app, name="factors")
app.add_typer(activity_app, name="activity")

ILLUSTRATIVE = "（示例数据 illustrative）"


class InventoryFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@factors_app.command("list")
@domain_errors
def factors_list(fmt: FormatOption = Format.table) -> None:
    """List the bundled factor sets with version, kind and source."""
    rows = [s.summary() for s in bundled_sets().values()]
    columns: list[Column] = [
        ("name", "名称"),
        ("version", "版本"),
        ("kind", "类别"),
        ("rows", "行数"),
        ("source", "来源"),
        ("table", "表"),
        ("year", "年份"),
        ("reading", "读取方式"),
    ]
    emit(rows, columns, fmt, title="排放因子集")


@factors_app.command("show")
@domain_errors
def factors_show(
    name: Annotated[str, typer.Argument(help="Factor set name, e.g. cn-provincial.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Show every row of one factor set and its provenance."""
    fs = get_set(name)
    keys: list[str] = []
    for row in fs.rows:
        keys += [k for k in row if k not in keys]
    if fmt is Format.json:
        print_json({**fs.summary(), "provenance": fs.provenance, "rows": fs.rows})
        return
    if fmt is Format.table:
        prov = "; ".join(f"{k}: {v}" for k, v in fs.provenance.items())
        typer.echo(f"{fs.label} — {fs.title}\n{prov}")
    emit(fs.rows, [(k, k) for k in keys], fmt, title=f"{fs.label} {fs.title}")


@activity_app.command("template")
@domain_errors
def activity_template(
    out: Annotated[Path, typer.Argument(help="Where to write the .xlsx template.")],
) -> None:
    """Write the XLSX template: 说明 (instructions), 活动数据 and 宏观数据 with drop-downs, 示例."""
    if out.suffix.lower() != ".xlsx":
        raise fail("error: the template is an .xlsx file", 2)
    typer.echo(f"template written to {write_file(template_book(), out, 'xlsx')}")


def _problems_out(exc: ImportProblems, fmt: Format) -> typer.Exit:
    if fmt is Format.json:
        print_json({"ok": False, "problems": [p.as_dict() for p in exc.problems]})
        return typer.Exit(1)
    if fmt is Format.csv:
        cols: list[Column] = [("file", "file"), ("row", "row"), ("column", "column"), ("message", "message")]
        emit([p.as_dict() for p in exc.problems], cols, Format.csv)
        return typer.Exit(1)
    return fail(f"error: {exc}", 1)


@activity_app.command("validate")
@domain_errors
def activity_validate(
    file: Annotated[Path, typer.Argument(help="Activity file (CSV or XLSX).")],
    macro: Annotated[
        bool, typer.Option("--macro", help="The file is a macro file (year, variable, value, unit).")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Check a file without importing it: every problem with file, row and column, or a summary."""
    try:
        if macro:
            m = read_macro(file)
            summary: dict[str, Any] = {
                "ok": True,
                "file": str(file),
                "variables": sorted(m.values),
                "illustrative": m.illustrative,
            }
        else:
            a = read_activity(file)
            summary = {
                "ok": True,
                "file": str(file),
                "rows": len(a.frame),
                "years": a.years,
                "illustrative": a.illustrative,
            }
    except ImportProblems as exc:
        raise _problems_out(exc, fmt) from exc
    if fmt is Format.json:
        print_json(summary)
    else:
        extra = ILLUSTRATIVE if summary["illustrative"] else ""
        typer.echo(
            f"ok: {file} "
            + (
                f"{summary['rows']} rows, years {summary['years']}"
                if not macro
                else f"variables {summary['variables']}"
            )
            + extra
        )


@activity_app.command("import")
@domain_errors
def activity_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Activity file (CSV or XLSX), or a macro file with --macro.")],
    macro: Annotated[
        bool, typer.Option("--macro", help="The file is a macro file (year, variable, value, unit).")
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="Who imports (recorded with the batch; default: OS user).")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Validate a file and store it as a batch with its rows (all or nothing; the same bytes again are
    recognised). The inventory page and ``carbonpeak inventory`` then compute from the stored batches."""
    who = user or getpass.getuser() or "cli"
    source = f"carbonpeak activity import {file}"
    try:
        if macro:
            m = read_macro(file)
        else:
            a = read_activity(file)
    except ImportProblems as exc:
        raise _problems_out(exc, fmt) from exc
    with migrated_engine(ctx) as engine:
        if macro:
            sha = hashlib.sha256(file.read_bytes()).hexdigest()
            stored = store_macro(engine, m, file, who=who, source=source)
        else:
            sha = a.sha256
            stored = store_activity(engine, a, file_name=file.name, who=who, source=source)
    kind = "macro" if macro else "activity"
    if fmt is Format.json:
        print_json({"ok": True, "kind": kind, "batch": stored.id, "created": stored.created, "sha256": sha})
        return
    state = "stored as" if stored.created else "already stored as"
    typer.echo(f"{file}: {kind} batch {state} #{stored.id} (sha256 {sha[:12]})")


@activity_app.command("batches")
@domain_errors
def activity_batches_cmd(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only batches of this kind: activity or macro.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the stored batches (newest last) with file, sha256, rows, years, who and when."""
    if kind not in (None, "activity", "macro"):
        raise fail("error: --kind must be activity or macro", 2)
    with migrated_engine(ctx) as engine:
        rows = batches(engine, kind)
    if fmt is not Format.json:
        rows = [
            {
                **r,
                "sha256": r["sha256"][:12],
                "years": ", ".join(map(str, r["years"])),
                "illustrative": "示例数据 illustrative" if r["illustrative"] else "",
            }
            for r in rows
        ]
    columns: list[Column] = [
        ("id", "批次"),
        ("kind", "类型"),
        ("file_name", "文件"),
        ("sha256", "SHA-256"),
        ("rows", "行数"),
        ("years", "年份"),
        ("illustrative", "示例数据"),
        ("rows_stored", "明细已保存"),
        ("created_by", "导入人"),
        ("created_at", "导入时间"),
    ]
    emit(rows, columns, fmt, title="已导入批次")


def _grid(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value


def _targets(specs: list[str]) -> list[Target]:
    out: list[Target] = []
    for spec in specs:
        parts = spec.split(":")
        try:
            out.append(Target(parts[0], float(parts[1]) / 100.0, int(parts[2])))
        except (IndexError, ValueError) as exc:
            raise InvalidInputError(
                f"--target {spec!r}: expected INDICATOR:PERCENT:YEAR, e.g. co2_per_gdp:18:2025"
            ) from exc
    return out


def _shown(value: float | None, unit: str) -> str | None:
    """A value as people read it in the table: thousands separators, fractions as percent."""
    if value is None:
        return None
    if unit == "比例":
        return f"{value * 100:.2f} %"
    return f"{value:,.4f}" if "/" in unit else f"{value:,.0f}"


def _table_rows(inv: Inventory) -> list[dict[str, Any]]:
    data = inv.to_json()
    rows: list[dict[str, Any]] = []
    for year, y in data["years"].items():
        co2, energy, ind = y["co2_t"], y["energy_tce"], y["indicators"]
        items: list[tuple[str, Any, str]] = [
            ("二氧化碳排放总量", co2["total"], "tCO2"),
            ("  化石燃料燃烧", co2["combustion"], "tCO2"),
            ("  工业过程", co2["process"], "tCO2"),
            ("  外购电力", co2["electricity"], "tCO2"),
            ("  外购热力", co2["heat"], "tCO2"),
            ("碳汇（另列）", co2["sinks"], "tCO2"),
            ("净排放", co2["net"], "tCO2"),
            *((f"  部门 {sector_name_zh(k)}", v, "tCO2") for k, v in co2["by_sector"].items()),
            ("能源消费量（当量值）", energy["calorific"], "tce"),
            ("能源消费量（等价值）", energy["coal_substitution"], "tce"),
            ("非化石能源消费比重", ind["non_fossil_share"], "比例"),
            ("电能占终端用能比重", ind["electricity_share_final"], "比例"),
            ("单位GDP能耗（等价值）", ind["energy_per_gdp_coal_substitution"], "tce/万元"),
            ("单位GDP能耗（当量值）", ind["energy_per_gdp_calorific"], "tce/万元"),
            ("单位GDP二氧化碳排放", ind["co2_per_gdp"], "tCO2/万元"),
            (
                "单位GDP能耗累计下降（等价值）",
                ind["energy_per_gdp_coal_substitution_cumulative_reduction"],
                "比例",
            ),
            ("单位GDP二氧化碳排放累计下降", ind["co2_per_gdp_cumulative_reduction"], "比例"),
        ]
        rows += [
            {
                "year": int(year),
                "item": name,
                "value": _shown(v, u),
                "unit": "%" if u == "比例" else u,
            }
            for name, v, u in items
        ]
    return rows


@app.command("inventory")
@domain_errors
def inventory_cmd(
    ctx: typer.Context,
    activity: Annotated[
        Path | None,
        typer.Option("--activity", "-a", help="Activity file (CSV or XLSX); without it, the stored batches."),
    ] = None,
    macro: Annotated[
        Path | None,
        typer.Option(
            "--macro", "-m", help="Macro file: GDP, population, … (CSV/XLSX); overrides the stored macro."
        ),
    ] = None,
    batch: Annotated[
        int | None,
        typer.Option("--batch", help="From the database: this activity batch alone (see activity batches)."),
    ] = None,
    factors: Annotated[
        Path | None, typer.Option("--factors", help="User factor file (CSV) overriding rows.")
    ] = None,
    factor_set: Annotated[
        str, typer.Option("--factor-set", help="Combustion factor set: cn-provincial or ipcc-2006.")
    ] = "cn-provincial",
    grid_factor: Annotated[
        str,
        typer.Option(
            "--grid-factor", help="Grid series (north_china, tianjin, national, …) or a tCO2/MWh value."
        ),
    ] = "north_china",
    electricity_rule: Annotated[
        str,
        typer.Option(
            "--electricity-rule", help="Non-fossil part of purchased electricity: grid_share or local_only."
        ),
    ] = "grid_share",
    grid_non_fossil_share: Annotated[
        float | None,
        typer.Option(
            "--grid-non-fossil-share", help="Grid non-fossil share in % for every year (else the macro file)."
        ),
    ] = None,
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Base year of the reductions (default: first year).")
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="Reduction target INDICATOR:PERCENT:YEAR (repeatable)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (.csv or .xlsx; required for xlsx)."),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="The table to write as csv/xlsx: all (xlsx; the default), co2_by_sector, co2_by_fuel, "
            "energy_by_sector, energy_by_fuel, indicators or detail (the csv default: the tidy long table).",
        ),
    ] = None,
    fmt: Annotated[
        InventoryFormat, typer.Option("--format", "-f", help="table, json, csv or xlsx (files: see --table).")
    ] = InventoryFormat.table,
) -> None:
    """Compute the CO2 inventory, energy totals and indicators for every year of the activity file, or,
    without --activity, of the batches stored in the database (the current inventory: for every year
    the activity batch confirmed last, the same as the inventory page; or --batch N alone)."""
    if electricity_rule not in ("grid_share", "local_only"):
        raise fail("error: --electricity-rule must be grid_share or local_only", 2)
    if activity is not None and batch is not None:
        raise fail("error: --batch reads the database; it cannot go with --activity", 2)
    if table is not None and table != "all" and table not in inventory_tables.TABLES:
        raise fail(
            f"error: --table {table!r}: expected all or one of {', '.join(inventory_tables.TABLES)}", 2
        )
    if output is not None and fmt is InventoryFormat.table:
        fmt = InventoryFormat(format_of(output))
    source = str(activity) if activity is not None else ""
    try:
        mac = read_macro(macro) if macro else None
        user = read_user_factors(factors) if factors else None
        if activity is not None:
            act = read_activity(activity)
    except ImportProblems as exc:
        raise _problems_out(exc, Format.table) from exc
    if activity is None:
        act, stored_macro, source = _from_database(ctx, batch, say=fmt is InventoryFormat.table)
        mac = mac or stored_macro
    opts = InventoryOptions(
        combustion_set=factor_set,
        user_factors=user,
        grid=_grid(grid_factor),
        electricity_rule=electricity_rule,  # type: ignore[arg-type]
        grid_non_fossil_share=grid_non_fossil_share,
        base_year=base_year,
    )
    inv = inventory(act, mac, opts, _targets(target or []))
    title = "碳排放清单与指标" + (ILLUSTRATIVE if inv.illustrative else "")
    if fmt in (InventoryFormat.csv, InventoryFormat.xlsx):
        name = table or ("all" if fmt is InventoryFormat.xlsx else "detail")
        content = (
            inventory_tables.inventory_book(inv, source)
            if name == "all"
            else inventory_tables.inventory_table(inv, name, source)
        )
        write_table(content, fmt.value, output)
    elif fmt is InventoryFormat.json:
        print_json(inv.to_json())
    else:
        cols: list[Column] = [("year", "年份"), ("item", "项目"), ("value", "数值"), ("unit", "单位")]
        emit(_table_rows(inv), cols, Format.table, title=title)


def _from_database(ctx: typer.Context, batch: int | None, *, say: bool) -> tuple[Activity, Macro | None, str]:
    """The activity (and macro) data of the stored batches, as the inventory page reads them (or
    activity batch ``batch`` alone), and the label naming them; with ``say``, which batches on stdout."""
    with migrated_engine(ctx) as engine:
        stored = stored_inputs(engine, batch)
    if stored.activity is None:
        raise fail(
            "error: no activity batch stored (尚未导入清单数据); import one with "
            "carbonpeak activity import FILE, or give --activity FILE",
            1,
        )
    if say:
        used = ", ".join(
            f"#{b['id']} {b['kind']} {b['file_name']} ({b['sha256'][:12]}; "
            f"{', '.join(map(str, b['years_used']))})"
            for b in stored.batches
        )
        typer.echo(f"from the database: {used}")
    return stored.activity, stored.macro, inventory_tables.sources_label(stored.batches)
