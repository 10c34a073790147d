"""Monthly energy reports as a spreadsheet (the office's template, 月度能源报表导入模板): one row per
enterprise, month and fuel, drop-downs for the fuel and the unit; the reader groups the rows into
reports and validates each with ``parse_report`` — all or nothing, every problem located by file,
sheet, row and column (the column's Chinese header). Files are read through ``carbonpeak.sheetfile``
(bounded); the template is a ``carbonpeak.tables`` description that ``carbonpeak.reports`` writes."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpeak.accounting.catalog import FUELS, UNIT_CHOICES
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.report import EnergyReport, parse_report, reportable_fuels
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimitError, SheetLimits, read_csv_rows, read_xlsx
from carbonpeak.tables import Column, Table

SHEET = "月度能源报表"
INPUT_ROWS = 500


def _units() -> tuple[str, ...]:
    seen: list[str] = []
    for code in reportable_fuels():
        for unit in UNIT_CHOICES[FUELS[code].unit]:
            if unit not in seen:
                seen.append(unit)
    return tuple(seen)


# written once per enterprise and month (the first row of the month's rows)
ONCE_A_MONTH = ("output_value", "note")
# one product line per row (any row of the month, with or without a fuel): a row with a product and
# no fuel carries a product only; the same product written again with the same figures on another
# row of the month (as files filled when the month had one product did) is the same line
PRODUCT_CELLS = ("product", "product_output", "product_unit", "product_energy_tce")


def columns() -> tuple[Column, ...]:
    return (
        Column("enterprise_id", "统一社会信用代码", "Unified social credit code", width=22),
        Column("period", "月份", "Month (YYYY-MM)", width=10),
        Column("fuel", "能源品种", "Fuel", choices=tuple(reportable_fuels().values()), width=16),
        Column("amount", "消费量", "Amount", kind="number", decimals=3, minimum=0),
        Column("unit", "计量单位", "Unit", choices=_units()),
        Column(
            "output_value", "工业总产值", "Output value", unit="万元", kind="number", decimals=2, minimum=0
        ),
        Column("note", "备注", "Note", width=30),
        # after the note: files filled before these columns read the same
        Column("product", "产品", "Product", choices=_products(), width=22),
        Column("product_output", "产品产量", "Product output", kind="number", decimals=3, minimum=0),
        Column("product_unit", "产量单位", "Output unit", width=10),
        # after the output unit (0126): the product's own energy; a file without the column reads the same
        Column(
            "product_energy_tce",
            "产品能耗",
            "Product energy",
            unit="tce",
            kind="number",
            decimals=3,
            minimum=0,
        ),
    )


def _products() -> tuple[str, ...]:
    """The products of the benchmark table (the energy review's), for the drop-down."""
    from carbonpeak.ledgers.rules import rulebook

    return tuple(rulebook().benchmarks)


def template(enterprise_id: str = "") -> Table:
    """The empty sheet with its drop-downs; for an enterprise its code is filled in on one row."""
    rows: tuple[tuple[Any, ...], ...] = ()
    if enterprise_id:
        rows = ((enterprise_id, "", "", None, "", None, "", "", None, "", None),)
    return Table(
        SHEET,
        columns(),
        rows,
        input_rows=INPUT_ROWS,
        title="月度能源报表导入模板：每行一个企业、一个月份、一种能源；同一企业同一月份的产值与备注填写一次；"
        "每行可填一种产品的产量（多种产品分行填写，并填写各产品能耗；"
        "只有一种产品时可不填能耗，按当月综合能耗计）",
        title_en="Monthly energy report template: one row per enterprise, month and fuel; "
        "one product per row (several products: one row each, with each product's energy)",
    )


def reports_table(rows: list[dict[str, Any]]) -> Table:
    """Stored reports in the template's columns (an export reads back in)."""
    fuels = reportable_fuels()
    out = []
    for r in rows:
        lines, products = r["lines"], r.get("products") or []
        for i in range(max(len(lines), len(products))):
            line = lines[i] if i < len(lines) else None
            product = products[i] if i < len(products) else None
            out.append(
                (
                    r["enterprise_id"],
                    r["period"],
                    fuels.get(line["fuel"], line["fuel"]) if line else "",
                    line["amount"] if line else None,
                    line["unit"] if line else "",
                    r["output_value"] if i == 0 else None,
                    r["note"] if i == 0 else "",
                    product["product"] if product else "",
                    product["output"] if product else None,
                    product["unit"] if product else "",
                    product.get("energy_tce") if product else None,
                )
            )
    illustrative = any(r.get("illustrative") for r in rows)
    return Table(
        SHEET, columns(), tuple(out), title="月度能源报表" + ("（示例数据）" if illustrative else "")
    )


@dataclass(frozen=True)
class ImportedMonth:
    """One report of the file and the sheet rows it came from (to locate later problems)."""

    report: EnergyReport
    rows: tuple[int, ...]


def _rows(path: Path, name: str, limits: SheetLimits) -> tuple[str | None, list[tuple[Any, ...]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        book = read_xlsx(path, (SHEET,), limits, name, first_if_none=True)
        if not book:
            raise LedgerProblems(
                [Problem("工作簿没有工作表", message_en="the workbook has no sheet", file=name)]
            )
        sheet = SHEET if SHEET in book else next(iter(book))
        return sheet, book[sheet]
    if suffix == ".csv":
        return None, list(read_csv_rows(path, limits, name, skip_comments=True))
    raise LedgerProblems(
        [
            Problem(
                "应为 .xlsx 或 .csv 文件（月度能源报表模板）",
                message_en="expected an .xlsx or .csv file",
                file=name,
            )
        ]
    )


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m")
    return str(value).strip()


def read_months(
    path: str | Path,
    *,
    today: dt.date | None = None,
    limits: SheetLimits = DEFAULT_LIMITS,
    name: str | None = None,
) -> list[ImportedMonth]:
    """The reports of a template file; ``LedgerProblems`` with every problem, nothing half read."""
    path = Path(path)
    name = name or path.name
    try:
        sheet, raw = _rows(path, name, limits)
    except SheetLimitError as exc:
        raise LedgerProblems(exc.problems) from exc
    cols = columns()
    headings = (
        {c.heading(): c.key for c in cols}
        | {c.heading("en"): c.key for c in cols}
        | {c.key: c.key for c in cols}
    )
    head = next(
        (
            i
            for i, row in enumerate(raw[:3])
            if {"统一社会信用代码", "enterprise_id", "Unified social credit code"} & {_text(v) for v in row}
        ),
        None,
    )
    if head is None:
        raise LedgerProblems(
            [
                Problem(
                    "找不到表头行（统一社会信用代码、月份、能源品种……）",
                    message_en="no header row",
                    file=name,
                    sheet=sheet,
                    row=1,
                )
            ]
        )
    found = [_text(v) for v in raw[head]]
    keys = {j: headings[h] for j, h in enumerate(found) if h in headings}
    heading_of = {c.key: c.heading() for c in cols}
    problems = [
        Problem(
            f"缺少列“{heading_of[k]}”",
            message_en=f"missing column {heading_of[k]}",
            file=name,
            sheet=sheet,
            row=head + 1,
        )
        for k in ("enterprise_id", "period", "fuel", "amount")
        if k not in keys.values()
    ]
    if problems:
        raise LedgerProblems(problems)
    by_name = {v: k for k, v in reportable_fuels().items()} | {k: k for k in reportable_fuels()}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for i in range(head + 1, len(raw)):
        row_no = i + 1
        cells = {key: _text(raw[i][j]) if j < len(raw[i]) else "" for j, key in keys.items()}
        if not any(cells.values()):
            continue
        ent, period = cells.get("enterprise_id", "").upper(), cells.get("period", "")
        if not ent:
            problems.append(
                Problem(
                    "缺少统一社会信用代码",
                    message_en="missing code",
                    file=name,
                    sheet=sheet,
                    row=row_no,
                    column=heading_of["enterprise_id"],
                )
            )
            continue
        group = groups.setdefault(
            (ent, period),
            {"lines": [], "rows": [], "products": [], "product_rows": [], **dict.fromkeys(ONCE_A_MONTH, "")},
        )
        group.setdefault("first", row_no)
        fuel = cells.get("fuel", "")
        product = tuple(cells.get(k, "") for k in PRODUCT_CELLS)
        if fuel or cells.get("amount", "") or not any(product):  # a row of the product alone has no line
            group["lines"].append(
                {
                    "fuel": by_name.get(fuel, fuel),
                    "amount": cells.get("amount", ""),
                    "unit": cells.get("unit", ""),
                }
            )
            group["rows"].append(row_no)
        if any(product) and not any(_same_line(product, p) for p in group["products"]):  # again: once
            group["products"].append(product)
            group["product_rows"].append(row_no)
        for key in ONCE_A_MONTH:
            value = cells.get(key, "")
            if value and group[key] and value != group[key]:
                problems.append(
                    Problem(
                        f"与第 {group['first']} 行不一致（同一企业同一月份只填一个值）",
                        message_en=f"differs from row {group['first']} (one value per enterprise and month)",
                        file=name,
                        sheet=sheet,
                        row=row_no,
                        column=heading_of[key],
                    )
                )
            elif value:
                group[key] = value
    out: list[ImportedMonth] = []
    for (ent, _period), group in groups.items():
        rows, product_rows, first = group.pop("rows"), group.pop("product_rows"), group.pop("first")
        data = {**group, "period": _period}
        data["products"] = [
            dict(zip(("product", "output", "unit", "energy_tce"), p, strict=True)) for p in group["products"]
        ]
        try:
            report = parse_report(data, ent, today=today)
        except LedgerProblems as exc:
            for p in exc.problems:
                problems.append(_locate(p, rows or [first], product_rows, name, sheet, heading_of))
            continue
        out.append(ImportedMonth(report, tuple(sorted({*rows, *product_rows}))))
    if problems:
        raise LedgerProblems(problems)
    if not out:
        raise LedgerProblems(
            [
                Problem(
                    "文件中没有报表数据",
                    message_en="no reports in the file",
                    file=name,
                    sheet=sheet,
                    row=head + 2,
                )
            ]
        )
    return out


def _same_line(cells: tuple[str, ...], earlier: tuple[str, ...]) -> bool:
    """A row's product cells repeat an earlier line of the month: the same product, and every
    other cell filled is the same (files of one product a month repeated it on each row)."""
    return cells[0] == earlier[0] and all(c in ("", e) for c, e in zip(cells[1:], earlier[1:], strict=True))


# a product line's fields (``products[1].output``) → the template's columns
PRODUCT_COLUMN = {"product": "product", "output": "product_output", "unit": "product_unit"}
PRODUCT_COLUMN["energy_tce"] = "product_energy_tce"


def _locate(
    p: Problem,
    rows: list[int],
    product_rows: list[int],
    file: str,
    sheet: str | None,
    heading_of: dict[str, str],
) -> Problem:
    """A problem of ``parse_report`` (``lines[2].unit``, ``products[1].output``, ``period``) at its
    sheet row and column."""
    where = p.field or ""
    row, key = rows[0], where
    if where.startswith("lines[") and "]" in where:
        index = int(where[6 : where.index("]")])
        row = rows[index] if index < len(rows) else rows[0]
        key = where[where.index("]") + 2 :] or "fuel"
    elif where.startswith("products[") and "]" in where:
        index = int(where[9 : where.index("]")])
        row = product_rows[index] if index < len(product_rows) else rows[0]
        key = PRODUCT_COLUMN.get(where[where.index("]") + 2 :], "product")
    elif where == "lines":
        key = "fuel"
    elif where == "products":
        row, key = (product_rows or rows)[0], "product"
    return Problem(
        p.message, message_en=p.message_en, file=file, sheet=sheet, row=row, column=heading_of.get(key, key)
    )
