"""A monthly energy report of an enterprise and its validation (every problem at once, located)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.accounting.plausibility import plausible
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.units import UnitError, conversion_factor

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
REPORTABLE_KINDS = ("fossil", "electricity", "heat")
# How a catalogue unit is described in messages: (dimension, examples).
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "t": ("a mass unit", "吨, 万吨, kg"),
    "万m3": ("a volume unit", "立方米, 万立方米"),
    "kWh": ("an energy unit of electricity", "千瓦时, 万千瓦时, MWh"),
    "GJ": ("an energy unit of heat", "GJ, 万吉焦, MJ"),
}
STATUSES = ("draft", "submitted")
SOURCES = ("web", "api", "import", "demo", "cli")


def reportable_fuels() -> dict[str, str]:
    """Fuel code → Chinese name of every fuel an enterprise may report (fossil fuels, electricity, heat)."""
    return {c: f.name_zh for c, f in FUELS.items() if f.kind in REPORTABLE_KINDS}


class ReportLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fuel: str = Field(
        description="fuel code of the accounting catalogue (raw_coal, diesel, electricity, heat…)"
    )
    amount: float = Field(ge=0)
    unit: str = Field(description="any unit carbonpeak.units converts to the fuel's catalogue unit")

    @property
    def catalogue_amount(self) -> float:
        """The amount in the fuel's catalogue unit (t, 万m3, kWh, GJ)."""
        return self.amount * conversion_factor(self.unit, FUELS[self.fuel].unit)


class EnergyReport(BaseModel):
    """One enterprise's energy use in one month (``YYYY-MM``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enterprise_id: str
    period: str
    lines: list[ReportLine]
    output_value: float | None = Field(None, ge=0, description="gross output value, 万元 at current prices")
    note: str = ""
    product: str | None = Field(None, description="a product of the benchmark table (data/benchmarks.yaml)")
    product_output: float | None = Field(None, gt=0, description="the month's output of ``product``")
    product_unit: str | None = Field(None, description="the unit of ``product_output``")

    @property
    def year(self) -> int:
        return int(self.period[:4])


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def unit_problem(fuel: str, unit: str) -> str | None:
    """Why ``unit`` cannot measure ``fuel``, or None."""
    target = FUELS[fuel].unit
    kind, examples = UNIT_WORDS[target]
    try:
        conversion_factor(unit, target)
    except UnitError as exc:
        if "unknown unit" in str(exc) or "not a unit" in str(exc) or not unit.strip():
            return f"{unit!r} is not a unit; expected {kind} such as {examples}"
        return f"{unit!r} cannot measure {fuel} ({FUELS[fuel].name_zh}); expected {kind} such as {examples}"
    return None


def period_problem(period: str, today: dt.date) -> str | None:
    match = PERIOD.match(period)
    if not match:
        return f"{period!r} is not a month; expected YYYY-MM such as 2025-03"
    year, month = int(match.group(1)), int(match.group(2))
    if year < 2000:
        return f"{period!r}: expected a month from 2000-01"
    if (year, month) > (today.year, today.month):
        return f"{period!r} is in the future (today is {today.isoformat()})"
    return None


def parse_report(
    data: Mapping[str, Any], enterprise_id: str, *, today: dt.date | None = None
) -> EnergyReport:
    """Validate a report given as plain data (JSON body, form, CSV rows); raise ``LedgerProblems``
    with EVERY problem, each naming its field (``period``, ``lines[2].unit``, …)."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    period = str(data.get("period") or "").strip()
    msg = period_problem(period, today)
    if msg:
        problems.append(Problem(msg, field="period"))
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        problems.append(Problem("expected at least one line (fuel, amount, unit)", field="lines"))
        raw_lines = []
    fuels = reportable_fuels()
    lines: list[ReportLine] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_lines):
        where = f"lines[{i}]"
        if not isinstance(raw, Mapping):
            problems.append(Problem("expected an object with fuel, amount and unit", field=where))
            continue
        fuel = str(raw.get("fuel") or "").strip()
        unit = str(raw.get("unit") or "").strip() or (FUELS[fuel].unit if fuel in fuels else "")
        amount = _number(raw.get("amount"))
        ok = True
        if fuel not in fuels:
            ok = False
            problems.append(
                Problem(f"unknown fuel {fuel!r}; expected one of {', '.join(fuels)}", field=f"{where}.fuel")
            )
        elif fuel in seen:
            ok = False
            problems.append(
                Problem(f"{fuel} is already on lines[{seen[fuel]}]; one line per fuel", field=f"{where}.fuel")
            )
        else:
            seen[fuel] = i
            msg = unit_problem(fuel, unit)
            if msg:
                ok = False
                problems.append(Problem(msg, field=f"{where}.unit"))
        if amount is None:
            ok = False
            problems.append(Problem(f"expected a number, got {raw.get('amount')!r}", field=f"{where}.amount"))
        elif amount < 0:
            ok = False
            problems.append(
                Problem(f"{amount:g} is negative; expected an amount ≥ 0", field=f"{where}.amount")
            )
        if ok and amount is not None:
            line = ReportLine(fuel=fuel, amount=amount, unit=unit)
            rule = plausible("enterprise_report.amount", FUELS[fuel].unit)
            if rule.outside(line.catalogue_amount):
                zh, en = rule.message(f"{amount:g} {unit}")
                problems.append(Problem(zh, field=f"{where}.amount", message_en=en))
                continue
            lines.append(line)
    output_value = None
    if data.get("output_value") not in (None, ""):
        output_value = _number(data.get("output_value"))
        if output_value is None or output_value < 0:
            problems.append(
                Problem(
                    f"expected a number ≥ 0 (万元), got {data.get('output_value')!r}", field="output_value"
                )
            )
            output_value = None
        elif plausible("enterprise_report.output_value").outside(output_value):
            zh, en = plausible("enterprise_report.output_value").message(f"{output_value:g}")
            problems.append(Problem(zh, field="output_value", message_en=en))
            output_value = None
    note = str(data.get("note") or "")
    if len(note) > 2000:
        problems.append(Problem(f"{len(note)} characters; at most 2000", field="note"))
    product = _product(data, problems)
    if problems:
        raise LedgerProblems(problems)
    return EnergyReport(
        enterprise_id=enterprise_id,
        period=period,
        lines=lines,
        output_value=output_value,
        note=note,
        product=product[0] if product else None,
        product_output=product[1] if product else None,
        product_unit=product[2] if product else None,
    )


def _product(data: Mapping[str, Any], problems: list[Problem]) -> tuple[str, float, str] | None:
    """The month's product output (product of the benchmark table, quantity > 0, a unit that
    converts to the table's output unit), or None when none is given; problems appended."""
    from carbonpeak.ledgers.rules import rulebook  # the energy review's table, loaded once

    name = str(data.get("product") or "").strip()
    raw_output, raw_unit = data.get("product_output"), str(data.get("product_unit") or "").strip()
    if not name and raw_output in (None, "") and not raw_unit:
        return None
    table = rulebook().benchmarks
    if name not in table:
        problems.append(
            Problem(
                f"未知产品 {name!r}；应为能效标杆水平表中的产品：{'、'.join(table)}",
                message_en=f"unknown product {name!r}; expected a product of the benchmark table",
                field="product",
            )
        )
        return None
    bench = table[name]
    unit = raw_unit or bench.output_unit
    output = _number(raw_output)
    if output is None or output <= 0:
        problems.append(
            Problem(
                f"产品产量应为大于 0 的数（{bench.output_unit}），实际为 {raw_output!r}",
                message_en=f"expected an output > 0 ({bench.output_unit}), got {raw_output!r}",
                field="product_output",
            )
        )
        return None
    if unit != bench.output_unit:
        try:
            conversion_factor(unit, bench.output_unit)
        except UnitError:
            problems.append(
                Problem(
                    f"产量单位 {unit!r} 不能换算为 {name} 的单位 {bench.output_unit}",
                    message_en=f"the output unit {unit!r} does not convert to {bench.output_unit} of {name}",
                    field="product_unit",
                )
            )
            return None
    return name, output, unit
