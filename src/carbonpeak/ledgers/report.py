"""A monthly energy report of an enterprise and its validation (every problem at once, located)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import replace
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


class ProductLine(BaseModel):
    """One product of the month for the benchmark levels: a product of the benchmark table, its
    output and unit, and the energy attributed to it (tce, calorific basis, counted as the product's
    norm counts it: for a kWh norm such as 电解铝 its electricity, in tce at the calorific
    coefficient). ``energy_tce`` None: the month's whole energy (a month with one product only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product: str = Field(description="a product of the benchmark table (data/benchmarks.yaml)")
    output: float = Field(gt=0, description="the month's output of the product, in ``unit``")
    unit: str = Field(description="the unit of ``output`` (converts to the table's output unit)")
    energy_tce: float | None = Field(
        None, ge=0, description="energy attributed to the product, tce (calorific); None: the month's total"
    )


class EnergyReport(BaseModel):
    """One enterprise's energy use in one month (``YYYY-MM``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enterprise_id: str
    period: str
    lines: list[ReportLine]
    output_value: float | None = Field(None, ge=0, description="gross output value, 万元 at current prices")
    note: str = ""
    products: list[ProductLine] = Field(
        default_factory=list, description="the month's products of the benchmark table, one line each"
    )

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
    products = _products(data, problems)
    if problems:
        raise LedgerProblems(problems)
    report = EnergyReport(
        enterprise_id=enterprise_id,
        period=period,
        lines=lines,
        output_value=output_value,
        note=note,
        products=products,
    )
    problems = product_energy_problems(report)
    if problems:
        raise LedgerProblems(_as_sent(data, problems))
    return report


MAX_PRODUCTS = 20
_LEGACY = ("product", "product_output", "product_unit", "product_energy_tce")


_LEGACY_FIELD = {
    f"products[0].{new}": old
    for new, old in zip(("product", "output", "unit", "energy_tce"), _LEGACY, strict=True)
}


def _as_sent(data: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    """Problems of a product sent in the older fields (``product_output``…) named by those fields."""
    if data.get("products") not in (None, "", []):
        return problems
    return [replace(p, field=_LEGACY_FIELD.get(p.field or "", p.field)) for p in problems]


def _products(data: Mapping[str, Any], problems: list[Problem]) -> list[ProductLine]:
    """The month's product lines: ``products`` (a list of product, output, unit, energy_tce), or
    the one product of the older fields ``product``, ``product_output``, ``product_unit`` (and
    ``product_energy_tce``); problems appended, each at ``products[i].<field>``."""
    raw = data.get("products")
    legacy = {k: data.get(k) for k in _LEGACY if data.get(k) not in (None, "")}
    if raw in (None, "", []):
        if not legacy:
            return []
        item = dict(
            zip(("product", "output", "unit", "energy_tce"), (legacy.get(k) for k in _LEGACY), strict=True)
        )
        found: list[Problem] = []
        lines = _products({"products": [item]}, found)
        problems += _as_sent(data, found)
        return lines
    if legacy:
        problems.append(
            Problem(
                "产品请只在 products 中填写（不要同时填写 product、product_output、product_unit）",
                message_en="give the products in products only, "
                "not also in product, product_output and product_unit",
                field="product",
            )
        )
        return []
    if not isinstance(raw, list):
        problems.append(
            Problem(
                "产品应为列表（每项含 product、output、unit、energy_tce）",
                message_en="expected a list of products (product, output, unit, energy_tce)",
                field="products",
            )
        )
        return []
    if len(raw) > MAX_PRODUCTS:
        problems.append(
            Problem(
                f"填报了 {len(raw)} 种产品；每月至多 {MAX_PRODUCTS} 种",
                message_en=f"{len(raw)} products; at most {MAX_PRODUCTS} a month",
                field="products",
            )
        )
        return []
    out: list[ProductLine] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        where = f"products[{i}]"
        if not isinstance(item, Mapping):
            problems.append(
                Problem(
                    "每种产品应填写 product、output、unit、energy_tce",
                    message_en="expected an object with product, output, unit and energy_tce",
                    field=where,
                )
            )
            continue
        line = _product(item, where, problems)
        if line is None:
            continue
        if line.product in seen:
            problems.append(
                Problem(
                    f"产品 {line.product} 已在第 {seen[line.product] + 1} 个产品中填写；每种产品填写一次",
                    message_en=f"{line.product} is already on products[{seen[line.product]}]; "
                    "one line per product",
                    field=f"{where}.product",
                )
            )
            continue
        seen[line.product] = i
        out.append(line)
    if len(raw) > 1:
        for i, item in enumerate(raw):
            if isinstance(item, Mapping) and item.get("energy_tce") in (None, ""):
                problems.append(
                    Problem(
                        f"本月填报了 {len(raw)} 种产品：每种产品须填写其能耗（tce），"
                        "单位产品能耗才是该产品自己的",
                        message_en=f"{len(raw)} products this month: each needs the energy attributed "
                        "to it (tce), "
                        "so that its unit consumption is its own",
                        field=f"products[{i}].energy_tce",
                    )
                )
    return out


def _product(item: Mapping[str, Any], where: str, problems: list[Problem]) -> ProductLine | None:
    """One product line (product of the benchmark table, output > 0, a unit that converts to the
    table's output unit, energy ≥ 0 if given), or None with its problems appended."""
    from carbonpeak.ledgers.rules import rulebook  # the energy review's table, loaded once

    name = str(item.get("product") or "").strip()
    raw_output, raw_unit = item.get("output"), str(item.get("unit") or "").strip()
    table = rulebook().benchmarks
    if name not in table:
        problems.append(
            Problem(
                f"未知产品 {name!r}；应为能效标杆水平表中的产品：{'、'.join(table)}",
                message_en=f"unknown product {name!r}; expected a product of the benchmark table",
                field=f"{where}.product",
            )
        )
        return None
    bench = table[name]
    unit = raw_unit or bench.output_unit
    output = _number(raw_output)
    ok = True
    if output is None or output <= 0:
        ok = False
        problems.append(
            Problem(
                f"产品产量应为大于 0 的数（{bench.output_unit}），实际为 {raw_output!r}",
                message_en=f"expected an output > 0 ({bench.output_unit}), got {raw_output!r}",
                field=f"{where}.output",
            )
        )
    if unit != bench.output_unit:
        try:
            conversion_factor(unit, bench.output_unit)
        except UnitError:
            ok = False
            problems.append(
                Problem(
                    f"产量单位 {unit!r} 不能换算为 {name} 的单位 {bench.output_unit}",
                    message_en=f"the output unit {unit!r} does not convert to {bench.output_unit} of {name}",
                    field=f"{where}.unit",
                )
            )
    energy = None
    if item.get("energy_tce") not in (None, ""):
        energy = _number(item.get("energy_tce"))
        if energy is None or energy < 0:
            ok = False
            problems.append(
                Problem(
                    f"产品能耗应为不小于 0 的数（tce），实际为 {item.get('energy_tce')!r}",
                    message_en="expected the product's energy as a number ≥ 0 (tce), "
                    f"got {item.get('energy_tce')!r}",
                    field=f"{where}.energy_tce",
                )
            )
    if not ok or output is None:
        return None
    return ProductLine(product=name, output=output, unit=unit, energy_tce=energy)


def product_energy_problems(report: EnergyReport) -> list[Problem]:
    """A product's energy above what the month has: above its total (tce, calorific), a kWh norm's
    above its electricity, or the products' energies together above the total — each located at
    ``products[i].energy_tce``."""
    given = [(i, p) for i, p in enumerate(report.products) if p.energy_tce is not None]
    if not given:
        return []
    from carbonpeak.ledgers.compute import compute, electricity_tce_per_kwh
    from carbonpeak.ledgers.rules import rulebook

    month = compute([report]).iloc[0]
    total, electricity = (
        float(month["tce_calorific"]),
        float(month["electricity_kwh"]) * electricity_tce_per_kwh(),
    )
    slack = 1e-9 * max(total, 1.0)  # the same figure typed back must pass
    problems = []
    for i, p in given:
        energy = float(p.energy_tce or 0.0)
        if energy > total + slack:
            problems.append(
                Problem(
                    f"产品 {p.product} 的能耗 {energy:g} tce 超过本月综合能耗 {total:.4g} tce（当量值）",
                    message_en=f"the energy of {p.product}, {energy:g} tce, is above the month's total "
                    f"of {total:.4g} tce (calorific)",
                    field=f"products[{i}].energy_tce",
                )
            )
        elif rulebook().benchmarks[p.product].energy_unit == "kWh" and energy > electricity + slack:
            problems.append(
                Problem(
                    f"产品 {p.product} 按电耗计：其能耗 {energy:g} tce "
                    f"超过本月用电折标 {electricity:.4g} tce",
                    message_en=f"{p.product} is counted by its electricity: {energy:g} tce is above "
                    "the month's "
                    f"electricity of {electricity:.4g} tce",
                    field=f"products[{i}].energy_tce",
                )
            )
    attributed = sum(float(p.energy_tce or 0.0) for _, p in given)
    if not problems and attributed > total + slack:
        problems.append(
            Problem(
                f"各产品能耗合计 {attributed:g} tce 超过本月综合能耗 {total:.4g} tce（当量值）",
                message_en=f"the products' energies add up to {attributed:g} tce, above the month's total "
                f"of {total:.4g} tce (calorific)",
                field=f"products[{given[-1][0]}].energy_tce",
            )
        )
    return problems
