"""Energy budgets as a spreadsheet (用能预算导入模板): one row per enterprise and year; read through
``carbonpeak.sheetfile`` (bounded), all or nothing, every problem located by row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carbonpeak.ledgers.budgets import EnergyBudget
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.months_file import _text
from carbonpeak.ledgers.report import _number
from carbonpeak.ledgers.unit_year_sheet import cell_date, read_unit_year_sheet
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.tables import Column, Table

SHEET = "用能预算"
REQUIRED = ("enterprise_id", "year", "tce_calorific", "tce_coal_substitution", "co2_t", "document")


def columns() -> tuple[Column, ...]:
    return (
        Column("enterprise_id", "统一社会信用代码", "Unified social credit code", width=22),
        Column("year", "年度", "Year", kind="year"),
        Column("tce_calorific", "预算 当量值", "Budget, calorific", unit="tce", kind="number", minimum=0),
        Column(
            "tce_coal_substitution",
            "预算 等价值",
            "Budget, coal substitution",
            unit="tce",
            kind="number",
            minimum=0,
        ),
        Column("co2_t", "预算 二氧化碳", "Budget, CO2", unit="tCO2", kind="number", minimum=0),
        Column("document", "预算下达文件", "Budget document", width=30),
        Column("issued_on", "印发日期", "Issued on", kind="date"),
        Column("note", "备注", "Note", width=30),
        Column("illustrative", "示例数据", "Illustrative", choices=("是", "否")),
    )


def template() -> Table:
    return Table(SHEET, columns(), input_rows=500, title="重点用能单位用能预算（每行一个单位一个年度）")


def budgets_table(budgets: list[EnergyBudget]) -> Table:
    illustrative = any(b.illustrative for b in budgets)
    rows = tuple(
        tuple(
            ("是" if b.illustrative else "否") if c.key == "illustrative" else getattr(b, c.key)
            for c in columns()
        )
        for b in budgets
    )
    return Table(SHEET, columns(), rows, title="用能预算" + ("（示例数据）" if illustrative else ""))


def read_budgets(
    path: str | Path, *, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None
) -> list[EnergyBudget]:
    read = read_unit_year_sheet(path, SHEET, columns(), REQUIRED, limits=limits, name=name)
    file, sheet, heading_of = read.file, read.sheet, read.heading_of
    problems: list[Problem] = []
    out: list[EnergyBudget] = []
    seen: dict[tuple[str, int], int] = {}
    for row_no, cells in read.rows:
        data: dict[str, Any] = {k: _text(cells.get(k)) for k in ("enterprise_id", "document", "note")}
        for k in ("year", "tce_calorific", "tce_coal_substitution", "co2_t"):
            data[k] = _number(cells.get(k)) if _text(cells.get(k)) else None
        data["issued_on"] = cell_date(cells.get("issued_on"))
        data["illustrative"] = _text(cells.get("illustrative")) in ("是", "1", "yes", "true")
        try:
            budget = EnergyBudget(**data)
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err["loc"] else "enterprise_id"
                problems.append(
                    Problem(
                        str(err["msg"]).removeprefix("Value error, "),
                        file=file,
                        sheet=sheet,
                        row=row_no,
                        column=heading_of.get(key, key),
                    )
                )
            continue
        unit_year = (budget.enterprise_id, budget.year)
        if unit_year in seen:
            problems.append(
                Problem(
                    f"与第 {seen[unit_year]} 行重复（同一单位同一年度）",
                    message_en=f"same unit and year as row {seen[unit_year]}",
                    file=file,
                    sheet=sheet,
                    row=row_no,
                    column=heading_of["enterprise_id"],
                )
            )
            continue
        seen[unit_year] = row_no
        out.append(budget)
    if problems:
        raise LedgerProblems(problems)
    if not out:
        raise LedgerProblems(
            [Problem("文件中没有预算", message_en="no budgets in the file", file=file, sheet=sheet)]
        )
    return out
