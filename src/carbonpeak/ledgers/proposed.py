"""A proposed investment project as the energy review reads it (a YAML file, a form, a sheet row),
validated with every problem located (``energy[1].unit``, ``annual_output``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.ledgers.enterprises import divisions
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.report import ReportLine, _number, reportable_fuels, unit_problem
from carbonpeak.ledgers.rules import rulebook
from carbonpeak.units import UnitError, conversion_factor

NO_BENCHMARK = ("", "无", "none", "无标杆")


class ProposedProject(BaseModel):
    """What the review needs of a project: energy by fuel, output, start year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    industry: str = Field(description="GB/T 4754-2017 code, 2 to 4 digits")
    product: str | None = Field(None, description="benchmark product, or None: no benchmark")
    annual_output: float = Field(gt=0)
    output_unit: str
    start_year: int
    energy: tuple[ReportLine, ...]
    value_added: float | None = Field(None, gt=0, description="annual value added, 万元")
    review_date: dt.date | None = None
    equipment: tuple[str, ...] = Field(
        (), description="equipment the project installs, in the plan's words (燃煤锅炉, 燃煤自备机组)"
    )

    @property
    def industry_name(self) -> str:
        return divisions()[self.industry[:2]]

    @property
    def fuels(self) -> tuple[str, ...]:
        """The catalogue fuels the project consumes (lines with an amount above zero)."""
        return tuple(line.fuel for line in self.energy if line.amount > 0)


def _output(raw: Any) -> tuple[float | None, str]:
    if isinstance(raw, Mapping):
        return _number(raw.get("amount", raw.get("value"))), str(raw.get("unit") or "").strip()
    if isinstance(raw, str) and " " in raw.strip():
        amount, unit = raw.strip().split(None, 1)
        return _number(amount), unit.strip()
    return _number(raw), ""


def _output_problem(product: str | None, unit: str) -> str | None:
    if not unit:
        return "expected the output's unit, e.g. {amount: 100000, unit: t}"
    if product is None:
        return None
    bench = rulebook().benchmarks[product]
    if unit == bench.output_unit:
        return None
    try:
        conversion_factor(unit, bench.output_unit)
    except UnitError:
        return (
            f"{unit!r} cannot be compared with the benchmark of {product}, which is per {bench.output_unit}"
        )
    return None


def parse_project(data: Mapping[str, Any], *, file: str | None = None) -> ProposedProject:
    """Validate a proposed project given as plain data; raise ``LedgerProblems`` with every problem."""
    problems: list[Problem] = []

    def problem(message: str, field: str) -> None:
        problems.append(Problem(message, file=file, field=field))

    unknown = sorted(set(data) - set(ProposedProject.model_fields))
    for key in unknown:
        problem(f"unknown field {key!r}; expected {', '.join(ProposedProject.model_fields)}", key)
    name = str(data.get("name") or "").strip()
    if not name:
        problem("expected the project's name", "name")
    industry = str(data.get("industry") or "").strip().split(" ")[0]
    if not (industry.isdigit() and 2 <= len(industry) <= 4 and industry[:2] in divisions()):
        problem(
            f"{data.get('industry')!r}: expected a GB/T 4754-2017 code of 2–4 digits such as 3130", "industry"
        )
    product_raw = data.get("product")
    product = (
        None if product_raw is None or str(product_raw).strip() in NO_BENCHMARK else str(product_raw).strip()
    )
    if product is not None and product not in rulebook().benchmarks:
        problem(
            f"{product!r}: expected a benchmark product ({'、'.join(rulebook().benchmarks)}) or 无", "product"
        )
        product = None
    if "annual_output" not in data:
        problem("missing: expected the annual output, e.g. {amount: 100000, unit: t}", "annual_output")
        amount, unit = None, ""
    else:
        amount, unit = _output(data["annual_output"])
        if amount is None or amount <= 0:
            problem(f"expected an amount > 0, got {data['annual_output']!r}", "annual_output")
        msg = _output_problem(product, unit)
        if msg:
            problem(msg, "annual_output.unit")
    start_year = data.get("start_year")
    if not isinstance(start_year, int) or isinstance(start_year, bool) or not 2000 <= start_year <= 2100:
        problem(f"expected a year such as 2026, got {start_year!r}", "start_year")
    lines = _lines(data.get("energy"), problem)
    value_added = None
    if data.get("value_added") not in (None, ""):
        value_added = _number(data.get("value_added"))
        if value_added is None or value_added <= 0:
            problem(f"expected a number > 0 (万元), got {data.get('value_added')!r}", "value_added")
            value_added = None
    review_date = data.get("review_date")
    if review_date is not None and not isinstance(review_date, dt.date):
        try:
            review_date = dt.date.fromisoformat(str(review_date))
        except ValueError:
            problem(f"{review_date!r}: expected a date YYYY-MM-DD", "review_date")
    equipment = _equipment(data.get("equipment"), problem)
    if problems:
        raise LedgerProblems(problems)
    assert amount is not None
    assert isinstance(start_year, int)
    return ProposedProject(
        name=name,
        industry=industry,
        product=product,
        annual_output=amount,
        output_unit=unit,
        start_year=start_year,
        energy=tuple(lines),
        value_added=value_added,
        review_date=review_date,
        equipment=equipment,
    )


EQUIPMENT_MAX = 60


def _equipment(raw: Any, problem: Any) -> tuple[str, ...]:
    """A list of equipment names (or one name); each 1–60 characters, none twice."""
    if raw in (None, "", []):
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list):
        problem(f"expected a list of equipment names such as [燃煤锅炉], got {raw!r}", "equipment")
        return ()
    out: list[str] = []
    for i, item in enumerate(items):
        name = str(item if item is not None else "").strip()
        if not name or len(name) > EQUIPMENT_MAX or not isinstance(item, str):
            problem(
                f"expected an equipment name of 1–{EQUIPMENT_MAX} characters, got {item!r}", f"equipment[{i}]"
            )
        elif name in out:
            problem(f"{name} is already on equipment[{out.index(name)}]", f"equipment[{i}]")
        else:
            out.append(name)
    return tuple(out)


def _lines(raw_lines: Any, problem: Any) -> list[ReportLine]:
    if not isinstance(raw_lines, list) or not raw_lines:
        problem("expected at least one line (fuel, amount, unit)", "energy")
        return []
    fuels = reportable_fuels()
    lines: list[ReportLine] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_lines):
        where = f"energy[{i}]"
        if not isinstance(raw, Mapping):
            problem("expected fuel, amount and unit", where)
            continue
        fuel = str(raw.get("fuel") or "").strip()
        unit = str(raw.get("unit") or "").strip() or (FUELS[fuel].unit if fuel in fuels else "")
        amount = _number(raw.get("amount"))
        ok = True
        if fuel not in fuels:
            ok = False
            problem(f"unknown fuel {fuel!r}; expected one of {', '.join(fuels)}", f"{where}.fuel")
        elif fuel in seen:
            ok = False
            problem(f"{fuel} is already on energy[{seen[fuel]}]; one line per fuel", f"{where}.fuel")
        else:
            seen[fuel] = i
            msg = unit_problem(fuel, unit)
            if msg:
                ok = False
                problem(msg, f"{where}.unit")
        if amount is None:
            ok = False
            problem(f"expected a number, got {raw.get('amount')!r}", f"{where}.amount")
        elif amount < 0:
            ok = False
            problem(f"{amount:g} is negative; expected an amount ≥ 0", f"{where}.amount")
        if ok and amount is not None:
            lines.append(ReportLine(fuel=fuel, amount=amount, unit=unit))
    return lines
