"""The 两高 ledger as a spreadsheet: the template (drop-downs for stage, category, product, fuel
columns in catalogue units, approvals, disposal) as a ``carbonpeak.tables`` description, and the
reader: all or nothing, every problem as file, row and column (the column's Chinese header)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.ledgers.enterprises import two_high_categories
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.projects import TwoHighProject, vocabulary
from carbonpeak.ledgers.report import _number, reportable_fuels
from carbonpeak.ledgers.rules import rulebook
from carbonpeak.tables import Column, Table

SHEET = "两高项目"
INPUT_ROWS = 1000
YES = {"是", "1", "true", "yes", "y"}
OPTIONAL = {"equipment"}  # columns a workbook of an older template may lack
SEPARATORS = ("、", "，", ",", ";", "；")
NO = {"", "否", "0", "false", "no", "n"}


def _labels(kind: str) -> tuple[str, ...]:
    return tuple(str(v["zh"]) for v in vocabulary()[kind].values())


def columns() -> tuple[Column, ...]:
    """The ledger's columns, in template order (keys are the project's fields or ``fuel:<code>``)."""
    fuels = tuple(
        Column(f"fuel:{code}", name, code, unit=FUELS[code].unit, kind="number", decimals=2, minimum=0)
        for code, name in reportable_fuels().items()
    )
    return (
        Column("name", "项目名称", "name", width=30),
        Column("company_id", "统一社会信用代码", "company_id", width=22),
        Column("company_name", "企业名称", "company_name", width=28),
        Column("industry", "行业代码", "industry"),
        Column("location", "所在镇街或园区", "location"),
        Column("stage", "项目阶段", "stage", choices=_labels("stages")),
        Column("two_high_category", "两高类别", "two_high_category", choices=(*two_high_categories(), "无")),
        Column("product", "标杆产品", "product", choices=(*rulebook().benchmarks, "无"), width=24),
        Column("annual_output", "年产量", "annual_output", kind="number", decimals=2, minimum=0),
        Column("output_unit", "产量单位", "output_unit"),
        *fuels,
        Column("energy_review_no", "节能审查文号", "energy_review_no", width=24),
        Column("energy_review_date", "节能审查日期", "energy_review_date", kind="date"),
        Column("eia_no", "环评批复文号", "eia_no", width=24),
        Column("eia_date", "环评批复日期", "eia_date", kind="date"),
        Column("filing_kind", "备案或核准", "filing_kind", choices=("备案", "核准")),
        Column("filing_no", "备案或核准文号", "filing_no", width=24),
        Column("filing_date", "备案或核准日期", "filing_date", kind="date"),
        Column("disposal", "处置类别", "disposal", choices=_labels("disposals")),
        Column("equipment", "主要用能设备（用、分隔）", "equipment", width=24),
        Column("illustrative", "示例数据", "illustrative", choices=("是", "否")),
    )


def template() -> Table:
    """The empty ledger sheet with its drop-downs (``carbonpeak.reports`` writes it)."""
    return Table(SHEET, columns(), input_rows=INPUT_ROWS)


def ledger_table(projects: list[TwoHighProject]) -> Table:
    """The ledger as a table in the template's columns (an export reads back in)."""
    rows = [_row(p) for p in projects]
    illustrative = any(p.illustrative for p in projects)
    title = "两高项目台账" + ("（示例数据）" if illustrative else "")
    return Table(SHEET, columns(), tuple(tuple(r.get(c.key) for c in columns()) for r in rows), title=title)


def _row(p: TwoHighProject) -> dict[str, Any]:
    v = vocabulary()
    row: dict[str, Any] = {
        "name": p.name,
        "company_id": p.company_id,
        "company_name": p.company_name,
        "industry": p.industry,
        "location": p.location,
        "stage": v["stages"][p.stage]["zh"],
        "two_high_category": p.two_high_category or "无",
        "product": p.product or "无",
        "annual_output": p.annual_output,
        "output_unit": p.output_unit,
        "disposal": v["disposals"][p.disposal_category]["zh"],
        "equipment": "、".join(p.equipment),
        "illustrative": "是" if p.illustrative else "否",
    }
    for line in p.energy:
        row[f"fuel:{line.fuel}"] = line.catalogue_amount
    for a in p.approvals:
        prefix = {"energy_review": "energy_review", "eia": "eia"}.get(a.kind, "filing")
        row[f"{prefix}_no"], row[f"{prefix}_date"] = a.document_no, a.date
        if prefix == "filing":
            row["filing_kind"] = v["approvals"][a.kind]["zh"]
    return row


def _frame(path: Path) -> pd.DataFrame:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise LedgerProblems([Problem("expected an .xlsx file (the 两高 ledger template)", file=str(path))])
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=object, header=None, engine="openpyxl")
    except (OSError, ValueError) as exc:
        raise LedgerProblems([Problem(f"cannot read the file: {exc}", file=str(path))]) from exc
    if SHEET not in book:
        raise LedgerProblems([Problem(f"no sheet {SHEET}", file=str(path))])
    return book[SHEET]


def read_ledger(path: str | Path, *, who: str, at: dt.datetime) -> list[TwoHighProject]:
    """The projects of a ledger workbook; ``LedgerProblems`` with every problem, nothing half read."""
    path = Path(path)
    name = str(path)
    raw = _frame(path)
    headers = {c.heading(): c for c in columns()}
    head_row = next(
        (i for i in range(min(len(raw), 3)) if "项目名称" in [str(x).strip() for x in raw.iloc[i]]), None
    )
    if head_row is None:
        raise LedgerProblems([Problem("no header row with 项目名称", file=name, sheet=SHEET)])
    found = [str(x).strip() for x in raw.iloc[head_row]]
    problems = [
        Problem(f"missing column {h}", file=name, sheet=SHEET, row=head_row + 1)
        for h, c in headers.items()
        if h not in found and c.key not in OPTIONAL
    ]
    if problems:
        raise LedgerProblems(problems)
    out: list[TwoHighProject] = []
    for i in range(head_row + 1, len(raw)):
        cells = {found[j]: raw.iat[i, j] for j in range(len(found)) if found[j] in headers}
        values = {headers[h].key: _blank(v) for h, v in cells.items()}
        if all(str(v).strip() == "" for v in values.values()):
            continue
        project = _project(values, i + 1, name, who, at, problems)
        if project is not None:
            out.append(project)
    if problems:
        raise LedgerProblems(problems)
    return out


def _names(value: Any) -> list[str]:
    """``燃煤锅炉、燃气锅炉`` → the names (any of 、，,;； separates)."""
    text = str(value or "")
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [n.strip() for n in text.split(SEPARATORS[0]) if n.strip()]


def _blank(value: Any) -> Any:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    text = str(value).strip()
    return text or None


FORM_KEYS = tuple(c.key for c in columns() if c.key not in ("disposal", "illustrative"))


def form_values(project: TwoHighProject) -> dict[str, str]:
    """A project as the edit form's fields (the template's columns but disposal and illustrative)."""
    row = _row(project)
    out = {}
    for key in FORM_KEYS:
        value = row.get(key)
        out[key] = "" if value is None else value.isoformat() if isinstance(value, dt.date) else f"{value}"
    return out


def project_from_form(
    values: dict[str, Any], *, keep: TwoHighProject, who: str, at: dt.datetime
) -> TwoHighProject:
    """The edited project from the form's fields (the template's columns), its disposal history and
    demo flag kept from ``keep``; ``LedgerProblems`` naming each field by its header otherwise."""
    problems: list[Problem] = []
    fields = {k: _blank(values.get(k, "")) for k in FORM_KEYS}
    fields["illustrative"] = "是" if keep.illustrative else "否"
    project = _project(fields, None, "<form>", who, at, problems, sheet=None)
    if problems or project is None:
        raise LedgerProblems(problems)
    return project.model_copy(update={"disposal": keep.disposal})


def _project(
    values: dict[str, Any],
    row: int | None,
    file: str,
    who: str,
    at: dt.datetime,
    problems: list[Problem],
    sheet: str | None = SHEET,
) -> TwoHighProject | None:
    by_key = {c.key: c.heading() for c in columns()}
    before = len(problems)

    def problem(key: str, message: str) -> None:
        problems.append(Problem(message, file=file, sheet=sheet, row=row, column=by_key[key]))

    energy = []
    for code in reportable_fuels():
        value = values.get(f"fuel:{code}", "")
        if str(value).strip() == "":
            continue
        amount = _number(value)
        if amount is None or amount < 0:
            problem(f"fuel:{code}", f"expected a number ≥ 0 ({FUELS[code].unit}), got {value!r}")
        else:
            energy.append({"fuel": code, "amount": amount, "unit": FUELS[code].unit})
    approvals = []
    for prefix, kind in (("energy_review", "energy_review"), ("eia", "eia"), ("filing", None)):
        number_, day = str(values.get(f"{prefix}_no", "")).strip(), _date(values.get(f"{prefix}_date", ""))
        if not number_ and not day:
            continue
        if not number_ or not day:
            problem(
                f"{prefix}_no" if not number_ else f"{prefix}_date", "expected both the 文号 and the date"
            )
            continue
        approvals.append(
            {"kind": kind or str(values.get("filing_kind") or "备案"), "date": day, "document_no": number_}
        )
    flag = str(values.get("illustrative", "")).strip().lower()
    if flag not in YES | NO:
        problem("illustrative", f"{flag!r}: expected 是 or 否")
    data = {
        k: values.get(k) for k in ("name", "company_id", "company_name", "location", "stage", "output_unit")
    }
    data = {k: str(v or "").strip() for k, v in data.items()}
    data |= {
        "industry": str(values.get("industry") or "").strip().removesuffix(".0"),
        "two_high_category": str(values.get("two_high_category") or "").strip() or None,
        "product": str(values.get("product") or "").strip() or None,
        "annual_output": _number(values.get("annual_output")),
        "energy": energy,
        "approvals": approvals,
        "equipment": _names(values.get("equipment")),
        "illustrative": flag in YES,
    }
    disposal = str(values.get("disposal") or "").strip()
    if disposal and disposal != "待定":
        data["disposal"] = [{"category": disposal, "by": who, "at": at, "note": "导入"}]
    try:
        project = TwoHighProject.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else "name"
            column = {"approvals": "filing_kind", "disposal": "disposal", "energy": "name"}.get(key, key)
            problem(column if column in by_key else "name", str(err["msg"]).removeprefix("Value error, "))
        return None
    return project if len(problems) == before else None
