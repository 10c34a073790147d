"""Templates and import of indicator values and task reports (XLSX or CSV).

The template for a unit holds exactly the items it owns, codes as drop-down lists that refuse
other values and instructions in Chinese; it is described here as tables and written by
``carbonpeak.reports`` (the adapters call it). Import reads every row, collects every problem
(sheet, row, column, what was expected) and returns the rows only if there is none: the caller
writes them all in one transaction or nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.plan import Plan
from carbonpeak.plan.model import indicator_responsible
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimitError, SheetLimits, read_csv_rows, read_xlsx
from carbonpeak.tables import Book, Column, Kind, Table
from carbonpeak.tracking.entry import Parsed, in_unit, parse_number
from carbonpeak.tracking.errors import ImportProblems, Problem
from carbonpeak.tracking.model import ANNUAL, PERIODS, QUARTERS, TASK_STATUS_BY_LABEL, TASK_STATUS_LABELS

INFO_SHEET = "填报说明"
VALUE_SHEET = "指标数据"
REPORT_SHEET = "任务进展"
CODE_SHEET = "代码表"
VALUE_COLUMNS = [
    "指标代码",
    "指标名称",
    "年份",
    "期间",
    "数值",
    "单位",
    "数据来源",
    "佐证说明",
    "确认数值无误",
]
CONFIRM_COLUMN = "确认数值无误"
# what confirms a value the checks at entry ask about (the column 确认数值无误; blank: not confirmed)
CONFIRM_WORDS = frozenset({"是", "确认", "y", "yes", "1", "true", "√", "✓", "x"})
REPORT_COLUMNS = ["任务代码", "任务名称", "年份", "期间", "进展状态", "进展情况", "已完成节点"]
INSTRUCTIONS = [
    "本表由 carbonpeak 为本单位生成，只包含本单位负责的指标和任务，请勿修改代码列和表头。",
    "「指标数据」：每个指标每年填一行，期间填 Y (全年)；数值按「单位」列填写；"
    "降低类指标填比基期累计下降的百分比。",
    "「任务进展」：每个任务每季度填一行，期间填 Q1—Q4；进展状态从下拉列表选择 (未启动/推进中/已完成/滞后)。",
    "「已完成节点」填时限节点代码，多个用顿号或逗号分隔 (代码及名称见「代码表」)。",
    "导入时按填报检查规则核对数值（负数、占比超过100%、与上年相差10倍及以上等）：与上年相差过大的数值，"
    "核对无误后在「确认数值无误」列填“是”。",
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
    confirmed: bool = False


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


def _columns(names: list[str], choices: dict[str, tuple[str, ...]]) -> tuple[Column, ...]:
    widths = {"指标代码": 22, "任务代码": 22, "指标名称": 30, "任务名称": 30, "进展情况": 40, "佐证说明": 30}
    kinds: dict[str, Kind] = {"年份": "year", "数值": "number"}
    return tuple(
        Column(
            name, name, kind=kinds.get(name, "text"), choices=choices.get(name, ()), width=widths.get(name)
        )
        for name in names
    )


def template_book(plan: Plan, unit_id: str, year: int, *, illustrative: bool = False) -> Book:
    """The XLSX template for ``unit_id`` and ``year``, pre-filled with the items the unit owns, as a
    workbook description (``carbonpeak.reports.xlsx_bytes`` writes it; ``read_import`` reads it)."""
    units = {u.id: u for u in plan.units}
    if unit_id not in units:
        raise NotFoundError(f"no responsible unit {unit_id!r} in plan {plan.plan.id}")
    indicators, tasks = owned_indicators(plan, unit_id), owned_tasks(plan, unit_id)
    info_rows: list[tuple[Any, ...]] = [
        ("carbonpeak 填报模板", plan.plan.title),
        ("方案代码 plan", plan.plan.id),
        ("填报单位 unit", unit_id, units[unit_id].name),
        ("年份 year", year),
        (),
        *((line,) for line in INSTRUCTIONS),
    ]
    if illustrative:
        info_rows.append(("示例数据 (illustrative)：本模板用于演示。",))
    text = Column("a", "a", width=100), Column("b", "b", width=40), Column("c", "c", width=20)
    info = Table(INFO_SHEET, text, tuple(info_rows), header=False)
    periods, statuses = tuple(PERIODS), tuple(TASK_STATUS_LABELS.values())
    values = Table(
        VALUE_SHEET,
        _columns(VALUE_COLUMNS, {"指标代码": tuple(i.id for i in indicators), "期间": periods}),
        tuple((i.id, i.name, year, ANNUAL, None, i.unit, None, None, None) for i in indicators),
        input_rows=200,
    )
    reports = Table(
        REPORT_SHEET,
        _columns(
            REPORT_COLUMNS,
            {"任务代码": tuple(t.id for t in tasks), "期间": periods, "进展状态": statuses},
        ),
        tuple((t.id, t.title, year, q, None, None, None) for t in tasks for q in QUARTERS),
        input_rows=200,
    )
    codes = Table(
        CODE_SHEET,
        (Column("kind", "类别"), Column("code", "代码", width=22), Column("name", "名称", width=60)),
        tuple(
            [("指标", i.id, i.name) for i in indicators]
            + [("任务", t.id, t.title) for t in tasks]
            + [("时限节点", m.id, m.text) for m in plan.milestones]
        ),
    )
    return Book(
        (info, values, reports, codes), title=f"{plan.plan.title} — {units[unit_id].name} {year} 填报模板"
    )


def csv_template(plan: Plan, unit_id: str, year: int, sheet: str) -> Table:
    """A CSV template of one sheet: ``values`` (指标数据) or ``reports`` (任务进展), pre-filled with
    the unit's items; import it with the unit named (``--unit``)."""
    if unit_id not in {u.id for u in plan.units}:
        raise NotFoundError(f"no responsible unit {unit_id!r} in plan {plan.plan.id}")
    rows: list[tuple[Any, ...]]
    if sheet == "values":
        rows = [
            (i.id, i.name, year, ANNUAL, None, i.unit, None, None, None)
            for i in owned_indicators(plan, unit_id)
        ]
        return Table(VALUE_SHEET, _columns(VALUE_COLUMNS, {}), tuple(rows))
    if sheet == "reports":
        rows = [
            (t.id, t.title, year, q, None, None, None) for t in owned_tasks(plan, unit_id) for q in QUARTERS
        ]
        return Table(REPORT_SHEET, _columns(REPORT_COLUMNS, {}), tuple(rows))
    raise InvalidInputError(f"sheet {sheet!r}: expected values or reports")


class _Checker:
    def __init__(self, file: str, plan: Plan, unit_id: str) -> None:
        self.file, self.plan, self.unit_id = file, plan, unit_id
        self.problems: list[Problem] = []
        self.indicators = {i.id for i in owned_indicators(plan, unit_id)}
        self.all_indicators = {i.id for i in plan.indicators}
        self.by_id = {i.id: i for i in plan.indicators}
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
        number = self.number(sheet, row, raw, code, self.text(cells.get("单位")))
        if code in self.indicators and year is not None and period is not None and number is not None:
            return ValueRow(
                code,
                year,
                period,
                number,
                self.text(cells.get("数据来源")),
                self.text(cells.get("佐证说明")),
                (sheet, row),
                self.text(cells.get(CONFIRM_COLUMN)).lower() in CONFIRM_WORDS,
            )
        return None

    def number(self, sheet: str, row: int, raw: Any, code: str, unit: str) -> float | None:
        """The cell's number as people write it (``tracking.entry.parse_number``: 1 234, 12,5, full-width
        digits), in the indicator's unit when the row's 单位 is another that converts."""
        if isinstance(raw, bool):
            parsed: Parsed | Problem = Problem("expected a number")
        elif isinstance(raw, int | float):
            parsed = Parsed(float(raw)) if math.isfinite(raw) else Problem("请填写有限的数字")
        else:
            parsed = parse_number(str(raw), field="数值")
        if isinstance(parsed, Problem):
            self.problems.append(
                replace(parsed, file=self.file, sheet=sheet, row=row, column="数值", field=None)
            )
            return None
        ind = self.by_id.get(code)
        if ind is None:
            return parsed.value
        value = in_unit(parsed.value, unit, ind)
        if isinstance(value, Problem):
            self.problems.append(
                replace(value, file=self.file, sheet=sheet, row=row, column="单位", field=None)
            )
            return None
        return value

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


def read_import(
    path: Path, plan: Plan, unit_id: str | None = None, limits: SheetLimits = DEFAULT_LIMITS
) -> ParsedImport:
    """Read and check an XLSX template or a CSV with either sheet's header; all problems at once.
    The file is read within the caps of ``limits`` (carbonpeak.sheetfile: archive first, streamed)."""
    try:
        return _read_import(path, plan, unit_id, limits)
    except SheetLimitError as exc:
        raise ImportProblems(exc.problems) from exc


def _read_import(path: Path, plan: Plan, unit_id: str | None, limits: SheetLimits) -> ParsedImport:
    file = str(path)
    if path.suffix.lower() == ".csv":
        if unit_id is None:
            raise ImportProblems(
                [Problem("a CSV import needs the unit (--unit)", file=file, sheet=path.stem)]
            )
        rows = read_csv_rows(path, limits, file)
        header = set(rows[0]) if rows else set()
        sheets = {VALUE_SHEET if "指标代码" in header else REPORT_SHEET: rows}
        names = {VALUE_SHEET: path.stem, REPORT_SHEET: path.stem}
    else:
        sheets = read_xlsx(path, (INFO_SHEET, VALUE_SHEET, REPORT_SHEET), limits, file)
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
