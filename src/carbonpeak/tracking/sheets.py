"""Templates and import of indicator values and task reports (XLSX or CSV).

The template for a unit holds exactly the items it owns, codes as drop-down lists and instructions in
Chinese. Import reads every row, collects every problem (sheet, row, column, what was expected) and
returns the rows only if there is none: the caller writes them all in one transaction or nothing.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.plan import Plan
from carbonpeak.plan.model import indicator_responsible
from carbonpeak.tracking.errors import ImportProblems, Problem
from carbonpeak.tracking.model import ANNUAL, PERIODS, QUARTERS, TASK_STATUS_BY_LABEL, TASK_STATUS_LABELS

INFO_SHEET = "填报说明"
VALUE_SHEET = "指标数据"
REPORT_SHEET = "任务进展"
CODE_SHEET = "代码表"
VALUE_COLUMNS = ["指标代码", "指标名称", "年份", "期间", "数值", "单位", "数据来源", "佐证说明"]
REPORT_COLUMNS = ["任务代码", "任务名称", "年份", "期间", "进展状态", "进展情况", "已完成节点"]
INSTRUCTIONS = [
    "本表由 carbonpeak 为本单位生成，只包含本单位负责的指标和任务，请勿修改代码列和表头。",
    "「指标数据」：每个指标每年填一行，期间填 Y (全年)；数值按「单位」列填写；"
    "降低类指标填比基期累计下降的百分比。",
    "「任务进展」：每个任务每季度填一行，期间填 Q1—Q4；进展状态从下拉列表选择 (未启动/推进中/已完成/滞后)。",
    "「已完成节点」填时限节点代码，多个用顿号或逗号分隔 (代码见「代码表」)。",
    "数值或进展状态为空的行不导入。导入时全部校验：任何一处错误都会列出所在工作表、行、列，整表不导入。",
]


@dataclass(frozen=True)
class ValueRow:
    indicator_id: str
    year: int
    period: str
    value: float
    source: str
    evidence: str
    location: tuple[str, int]


@dataclass(frozen=True)
class ReportRow:
    task_id: str
    year: int
    period: str
    status: str
    narrative: str
    milestones: tuple[str, ...]
    location: tuple[str, int]


@dataclass
class ParsedImport:
    unit_id: str
    values: list[ValueRow] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)


def owned_indicators(plan: Plan, unit_id: str) -> list[Any]:
    return [
        i for i in plan.indicators if i.kind != "qualitative" and unit_id in indicator_responsible(plan, i)
    ]


def owned_tasks(plan: Plan, unit_id: str) -> list[Any]:
    return [t for t in plan.tasks if unit_id in t.responsible]


def _header(ws: Any, columns: list[str]) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.freeze_panes = "A2"
    for i, width in enumerate([22, 30, 8, 8, 12, 12, 20, 30][: len(columns)]):
        ws.column_dimensions[chr(ord("A") + i)].width = width


def _code_list(ws: Any, column: str, title: str, codes: list[str]) -> str:
    ws[f"{column}1"] = title
    for row, code in enumerate(codes, start=2):
        ws[f"{column}{row}"] = code
    last = max(2, len(codes) + 1)
    return f"'{CODE_SHEET}'!${column}$2:${column}${last}"


def write_template(plan: Plan, unit_id: str, year: int, path: Path, *, illustrative: bool = False) -> Path:
    """An XLSX template for ``unit_id`` and ``year``, pre-filled with the items the unit owns."""
    units = {u.id: u for u in plan.units}
    if unit_id not in units:
        raise NotFoundError(f"no responsible unit {unit_id!r} in plan {plan.plan.id}")
    indicators, tasks = owned_indicators(plan, unit_id), owned_tasks(plan, unit_id)
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    info.append(["carbonpeak 填报模板", plan.plan.title])
    info.append(["方案代码 plan", plan.plan.id])
    info.append(["填报单位 unit", unit_id, units[unit_id].name])
    info.append(["年份 year", year])
    info.append([])
    for line in INSTRUCTIONS:
        info.append([line])
    if illustrative:
        info.append(["示例数据 (illustrative)：本模板用于演示。"])
    info.column_dimensions["A"].width = 100
    codes = wb.create_sheet(CODE_SHEET)
    ind_range = _code_list(codes, "A", "指标代码", [i.id for i in indicators])
    task_range = _code_list(codes, "B", "任务代码", [t.id for t in tasks])
    period_range = _code_list(codes, "C", "期间", list(PERIODS))
    status_range = _code_list(codes, "D", "进展状态", list(TASK_STATUS_LABELS.values()))
    _code_list(codes, "E", "时限节点代码", [m.id for m in plan.milestones])
    codes.sheet_state = "hidden"

    values = wb.create_sheet(VALUE_SHEET, 1)
    _header(values, VALUE_COLUMNS)
    for ind in indicators:
        values.append([ind.id, ind.name, year, ANNUAL, None, ind.unit, None, None])
    reports = wb.create_sheet(REPORT_SHEET, 2)
    _header(reports, REPORT_COLUMNS)
    for task in tasks:
        for quarter in QUARTERS:
            reports.append([task.id, task.title, year, quarter, None, None, None])
    for ws, rules in (
        (values, [("A", ind_range), ("D", period_range)]),
        (reports, [("A", task_range), ("D", period_range), ("E", status_range)]),
    ):
        for column, formula in rules:
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
            dv.error, dv.errorTitle = "请从下拉列表中选择", "代码无效"
            ws.add_data_validation(dv)
            dv.add(f"{column}2:{column}{max(ws.max_row, 2) + 200}")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv_template(plan: Plan, unit_id: str, year: int, path: Path, sheet: str) -> Path:
    """A CSV template (UTF-8 with BOM, for Excel) of one sheet: ``values`` (指标数据) or ``reports``
    (任务进展), pre-filled with the unit's items; import it with the unit named (``--unit``)."""
    if unit_id not in {u.id for u in plan.units}:
        raise NotFoundError(f"no responsible unit {unit_id!r} in plan {plan.plan.id}")
    if sheet == "values":
        header = VALUE_COLUMNS
        rows = [
            [i.id, i.name, year, ANNUAL, "", i.unit or "", "", ""] for i in owned_indicators(plan, unit_id)
        ]
    elif sheet == "reports":
        header = REPORT_COLUMNS
        rows = [[t.id, t.title, year, q, "", "", ""] for t in owned_tasks(plan, unit_id) for q in QUARTERS]
    else:
        raise InvalidInputError(f"sheet {sheet!r}: expected values or reports")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


class _Checker:
    def __init__(self, file: str, plan: Plan, unit_id: str) -> None:
        self.file, self.plan, self.unit_id = file, plan, unit_id
        self.problems: list[Problem] = []
        self.indicators = {i.id for i in owned_indicators(plan, unit_id)}
        self.all_indicators = {i.id for i in plan.indicators}
        self.tasks = {t.id for t in owned_tasks(plan, unit_id)}
        self.all_tasks = {t.id for t in plan.tasks}
        self.milestones = {m.id for m in plan.milestones}

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(message, file=self.file, sheet=sheet, row=row, column=column))

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def year(self, sheet: str, row: int, value: Any) -> int | None:
        text = self.text(value)
        if text.isdigit() and 2000 <= int(text) <= 2100:
            return int(text)
        self.problem(sheet, row, "年份", f"expected a year such as 2024, got {text!r}")
        return None

    def period(self, sheet: str, row: int, value: Any, allowed: tuple[str, ...]) -> str | None:
        text = self.text(value).upper()
        if text in allowed:
            return text
        self.problem(sheet, row, "期间", f"expected one of {', '.join(allowed)}, got {text!r}")
        return None

    def value_row(self, sheet: str, row: int, cells: dict[str, Any]) -> ValueRow | None:
        raw = cells.get("数值")
        if raw is None or self.text(raw) == "":
            return None
        code = self.text(cells.get("指标代码"))
        if code not in self.all_indicators:
            self.problem(sheet, row, "指标代码", f"no indicator {code!r} in plan {self.plan.plan.id}")
        elif code not in self.indicators:
            self.problem(sheet, row, "指标代码", f"indicator {code!r} is not one of unit {self.unit_id}'s")
        year = self.year(sheet, row, cells.get("年份"))
        period = self.period(sheet, row, cells.get("期间") or ANNUAL, PERIODS)
        number: float | None = None
        try:
            number = (
                float(str(raw).replace(",", "").strip()) if not isinstance(raw, int | float) else float(raw)
            )
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            self.problem(sheet, row, "数值", f"expected a number, got {self.text(raw)!r}")
            number = None
        if code in self.indicators and year is not None and period is not None and number is not None:
            return ValueRow(
                code,
                year,
                period,
                number,
                self.text(cells.get("数据来源")),
                self.text(cells.get("佐证说明")),
                (sheet, row),
            )
        return None

    def report_row(self, sheet: str, row: int, cells: dict[str, Any]) -> ReportRow | None:
        status_text = self.text(cells.get("进展状态"))
        narrative = self.text(cells.get("进展情况"))
        if not status_text and not narrative:
            return None
        code = self.text(cells.get("任务代码"))
        if code not in self.all_tasks:
            self.problem(sheet, row, "任务代码", f"no task {code!r} in plan {self.plan.plan.id}")
        elif code not in self.tasks:
            self.problem(sheet, row, "任务代码", f"task {code!r} is not one of unit {self.unit_id}'s")
        year = self.year(sheet, row, cells.get("年份"))
        period = self.period(sheet, row, cells.get("期间"), (*QUARTERS, ANNUAL))
        status = TASK_STATUS_BY_LABEL.get(status_text) or (
            status_text if status_text in TASK_STATUS_LABELS else None
        )
        if status is None:
            self.problem(
                sheet,
                row,
                "进展状态",
                f"expected one of {'/'.join(TASK_STATUS_LABELS.values())}, got {status_text!r}",
            )
        milestones = tuple(
            m.strip()
            for m in self.text(cells.get("已完成节点")).replace("、", ",").replace("，", ",").split(",")
            if m.strip()
        )
        unknown = [m for m in milestones if m not in self.milestones]
        if unknown:
            self.problem(sheet, row, "已完成节点", f"no milestone {', '.join(unknown)} in the plan")
        if (
            code in self.tasks
            and year is not None
            and period is not None
            and status is not None
            and not unknown
        ):
            return ReportRow(code, year, period, status, narrative, milestones, (sheet, row))
        return None


def _rows(
    sheet_rows: list[tuple[Any, ...]], expected: list[str], check: _Checker, sheet: str
) -> list[dict[str, Any]]:
    if not sheet_rows:
        check.problem(sheet, 1, "", f"empty sheet; expected the header {', '.join(expected)}")
        return []
    header = [check.text(h) for h in sheet_rows[0]]
    missing = [c for c in expected if c not in header]
    if missing:
        check.problem(
            sheet, 1, ", ".join(missing), f"header misses column(s); expected {', '.join(expected)}"
        )
        return []
    return [dict(zip(header, row, strict=False)) for row in sheet_rows[1:]]


def _check_duplicates(check: _Checker, parsed: ParsedImport) -> None:
    seen: dict[tuple[Any, ...], tuple[str, int]] = {}
    keyed: list[tuple[tuple[Any, ...], tuple[str, int], str]] = [
        (("v", v.indicator_id, v.year, v.period), v.location, "指标代码") for v in parsed.values
    ] + [(("r", r.task_id, r.year, r.period), r.location, "任务代码") for r in parsed.reports]
    for key, loc, column in keyed:
        if key in seen:
            check.problem(loc[0], loc[1], column, f"same item, year and period as row {seen[key][1]}")
        else:
            seen[key] = loc


def read_import(path: Path, plan: Plan, unit_id: str | None = None) -> ParsedImport:
    """Read and check an XLSX template or a CSV with either sheet's header; all problems at once."""
    file = str(path)
    if path.suffix.lower() == ".csv":
        if unit_id is None:
            raise ImportProblems(
                [Problem("a CSV import needs the unit (--unit)", file=file, sheet=path.stem)]
            )
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [tuple(r) for r in csv.reader(handle)]
        header = set(rows[0]) if rows else set()
        sheets = {VALUE_SHEET if "指标代码" in header else REPORT_SHEET: rows}
        names = {VALUE_SHEET: path.stem, REPORT_SHEET: path.stem}
    else:
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
            raise ImportProblems([Problem(f"not a readable XLSX file: {exc}", file=file)]) from exc
        try:
            sheets = {
                name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
                for name in (INFO_SHEET, VALUE_SHEET, REPORT_SHEET)
                if name in wb.sheetnames
            }
        finally:
            wb.close()
        names = {VALUE_SHEET: VALUE_SHEET, REPORT_SHEET: REPORT_SHEET}
        info = {str(r[0]): r[1] for r in sheets.get(INFO_SHEET, []) if r and r[0] is not None and len(r) > 1}
        file_unit = str(info.get("填报单位 unit") or "") or None
        if unit_id is not None and file_unit not in (None, unit_id):
            raise ImportProblems(
                [
                    Problem(
                        f"the template is for unit {file_unit!r}, not {unit_id!r}",
                        file=file,
                        sheet=INFO_SHEET,
                        row=3,
                        column="B",
                    )
                ]
            )
        unit_id = unit_id or file_unit
        if unit_id is None:
            raise ImportProblems(
                [
                    Problem(
                        "the unit of the template is missing", file=file, sheet=INFO_SHEET, row=3, column="B"
                    )
                ]
            )
        if str(info.get("方案代码 plan") or plan.plan.id) != plan.plan.id:
            raise ImportProblems(
                [
                    Problem(
                        f"the template is for plan {info.get('方案代码 plan')!r}",
                        file=file,
                        sheet=INFO_SHEET,
                        row=2,
                        column="B",
                    )
                ]
            )
    if unit_id not in {u.id for u in plan.units}:
        raise ImportProblems([Problem(f"no responsible unit {unit_id!r} in the plan", file=file)])
    check = _Checker(file, plan, unit_id)
    parsed = ParsedImport(unit_id)
    if VALUE_SHEET in sheets:
        for i, cells in enumerate(
            _rows(sheets[VALUE_SHEET], [*VALUE_COLUMNS[:1], "年份", "数值"], check, names[VALUE_SHEET]),
            start=2,
        ):
            v = check.value_row(names[VALUE_SHEET], i, cells)
            if v is not None:
                parsed.values.append(v)
    if REPORT_SHEET in sheets:
        for i, cells in enumerate(
            _rows(
                sheets[REPORT_SHEET],
                [*REPORT_COLUMNS[:1], "年份", "期间", "进展状态"],
                check,
                names[REPORT_SHEET],
            ),
            start=2,
        ):
            r = check.report_row(names[REPORT_SHEET], i, cells)
            if r is not None:
                parsed.reports.append(r)
    _check_duplicates(check, parsed)
    if check.problems:
        raise ImportProblems(check.problems)
    return parsed
