"""Key emitters as a spreadsheet (重点排放单位导入模板): one row per unit and reporting year with its
programme, report, verification and compliance; read through ``carbonpeak.sheetfile`` (bounded),
all or nothing, every problem located by file, sheet, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carbonpeak.ledgers.emitters import EmitterYear, compliance_label, program_label, rules
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.months_file import _text
from carbonpeak.ledgers.report import _number
from carbonpeak.ledgers.unit_year_sheet import cell_date, read_unit_year_sheet
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.tables import Column, Table

SHEET = "重点排放单位"
NUMBERS = ("year", "reported_t", "verified_t", "allocated_t", "surrendered_t")
DATES = ("report_submitted_on", "verified_on", "surrendered_on")
TEXTS = ("enterprise_id", "sector", "report_document", "verifier", "verification_document", "note")
REQUIRED = ("enterprise_id", "year", "program")


def _programs() -> dict[str, str]:
    """Label (zh and en) or code → programme code."""
    out: dict[str, str] = {}
    for code in rules()["programs"]:
        out |= {code: code, program_label(code): code, program_label(code, "en"): code}
    return out


def _statuses() -> dict[str, str]:
    out: dict[str, str] = {}
    for code in rules()["compliance"]:
        out |= {code: code, compliance_label(code): code, compliance_label(code, "en"): code}
    return out


def columns() -> tuple[Column, ...]:
    return (
        Column("enterprise_id", "统一社会信用代码", "Unified social credit code", width=22),
        Column("year", "排放年度", "Reporting year", kind="year"),
        Column(
            "program",
            "纳入范围",
            "Programme",
            choices=tuple(program_label(c) for c in rules()["programs"]),
            width=22,
        ),
        Column("sector", "行业", "Sector"),
        Column("report_submitted_on", "排放报告报送日期", "Report submitted on", kind="date"),
        Column("report_document", "排放报告文件", "Report document", width=26),
        Column("reported_t", "报告排放量", "Reported emissions", unit="tCO2", kind="number", minimum=0),
        Column("verifier", "核查机构", "Verifier", width=24),
        Column("verified_on", "核查日期", "Verified on", kind="date"),
        Column("verification_document", "核查报告文件", "Verification document", width=26),
        Column("verified_t", "核查排放量", "Verified emissions", unit="tCO2", kind="number", minimum=0),
        Column("allocated_t", "分配配额", "Allowances allocated", unit="tCO2", kind="number", minimum=0),
        Column("surrendered_t", "清缴配额", "Allowances surrendered", unit="tCO2", kind="number", minimum=0),
        Column("surrendered_on", "清缴日期", "Surrendered on", kind="date"),
        Column(
            "compliance",
            "履约状态",
            "Compliance",
            choices=tuple(compliance_label(c) for c in rules()["compliance"]),
        ),
        Column("note", "备注", "Note", width=30),
        Column("illustrative", "示例数据", "Illustrative", choices=("是", "否")),
    )


def template() -> Table:
    return Table(
        SHEET, columns(), input_rows=500, title="重点排放单位排放报告、核查与履约（每行一个单位一个排放年度）"
    )


def _cell(record: EmitterYear, key: str) -> Any:
    if key == "illustrative":
        return "是" if record.illustrative else "否"
    if key == "program":
        return program_label(record.program)
    if key == "compliance":
        return compliance_label(record.compliance) if record.compliance else None
    return getattr(record, key)


def emitters_table(records: list[EmitterYear]) -> Table:
    illustrative = any(r.illustrative for r in records)
    rows = tuple(tuple(_cell(r, c.key) for c in columns()) for r in records)
    return Table(SHEET, columns(), rows, title="重点排放单位" + ("（示例数据）" if illustrative else ""))


def _column_of(err: dict[str, Any], heading_of: dict[str, str]) -> tuple[str, str]:
    """(column heading, message) of a validation error: a model check names its field first."""
    message = str(err["msg"]).removeprefix("Value error, ")
    key = str(err["loc"][0]) if err["loc"] else ""
    if not key and "：" in message and message.split("：", 1)[0] in heading_of:
        key, message = message.split("：", 1)
    return heading_of.get(key or "enterprise_id", key), message


def read_emitters(
    path: str | Path, *, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None
) -> list[EmitterYear]:
    read = read_unit_year_sheet(path, SHEET, columns(), REQUIRED, limits=limits, name=name)
    file, sheet, heading_of = read.file, read.sheet, read.heading_of
    problems: list[Problem] = []
    programs, statuses = _programs(), _statuses()
    out: list[EmitterYear] = []
    seen: dict[tuple[str, int], int] = {}
    for row_no, cells in read.rows:
        located: list[Problem] = []
        data: dict[str, Any] = {k: _text(cells.get(k)) for k in TEXTS}
        for k in NUMBERS:
            text = _text(cells.get(k))
            data[k] = _number(cells.get(k)) if text else None
            if text and data[k] is None:
                located.append(
                    Problem(
                        f"“{text}”不是数字",
                        message_en=f"{text!r} is not a number",
                        file=file,
                        sheet=sheet,
                        row=row_no,
                        column=heading_of[k],
                    )
                )
        for k in DATES:
            data[k] = cell_date(cells.get(k))
        program = _text(cells.get("program"))
        data["program"] = programs.get(program)
        if data["program"] is None:
            located.append(
                Problem(
                    f"“{program}”应为 {' 或 '.join(program_label(c) for c in rules()['programs'])}",
                    message_en=f"{program!r}: expected one of {', '.join(rules()['programs'])}",
                    file=file,
                    sheet=sheet,
                    row=row_no,
                    column=heading_of["program"],
                )
            )
        status = _text(cells.get("compliance"))
        data["compliance"] = statuses.get(status) if status else None
        if status and data["compliance"] is None:
            located.append(
                Problem(
                    f"“{status}”应为 已履约、未履约 或 部分履约",
                    message_en=f"{status!r}: expected fulfilled, unfulfilled or partial",
                    file=file,
                    sheet=sheet,
                    row=row_no,
                    column=heading_of["compliance"],
                )
            )
        data["illustrative"] = _text(cells.get("illustrative")) in ("是", "1", "yes", "true")
        if located:
            problems += located
            continue
        try:
            record = EmitterYear(**data)
        except ValidationError as exc:
            for err in exc.errors():
                heading, message = _column_of(dict(err), heading_of)
                problems.append(Problem(message, file=file, sheet=sheet, row=row_no, column=heading))
            continue
        unit_year = (record.enterprise_id, record.year)
        if unit_year in seen:
            problems.append(
                Problem(
                    f"与第 {seen[unit_year]} 行重复（同一单位同一排放年度）",
                    message_en=f"same unit and year as row {seen[unit_year]}",
                    file=file,
                    sheet=sheet,
                    row=row_no,
                    column=heading_of["enterprise_id"],
                )
            )
            continue
        seen[unit_year] = row_no
        out.append(record)
    if problems:
        raise LedgerProblems(problems)
    if not out:
        raise LedgerProblems(
            [
                Problem(
                    "文件中没有重点排放单位", message_en="no key emitters in the file", file=file, sheet=sheet
                )
            ]
        )
    return out
