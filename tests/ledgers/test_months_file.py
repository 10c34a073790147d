"""Monthly reports from the office's template: the template's drop-downs, a filled copy read back
(grouped into reports, computed as hand-checked), all or nothing with every problem located, an
enterprise refused for another's rows, CSV as well; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.ledgers.months_file import SHEET, read_months
from carbonpeak.reports import file_bytes
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.month_files import MonthFileService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.storage import make_engine, upgrade

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
TODAY = dt.date(2025, 12, 31)


def _filled(
    tmp_path: Path, rows: list[tuple[object, ...]], actor: LedgerActor = OFFICE, name: str = "月报.xlsx"
) -> Path:
    """The template as the writer makes it, filled below its header as a user would."""
    data = file_bytes(MonthFileService.__new__(MonthFileService).template(actor), "xlsx")
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(3 + i, j + 1, value)
    path = tmp_path / name
    wb.save(path)
    return path


def test_template_has_drop_downs_for_fuel_and_unit() -> None:
    data = file_bytes(MonthFileService.__new__(MonthFileService).template(FIRM_A), "xlsx")
    ws = load_workbook(io.BytesIO(data))[SHEET]
    headers = [c.value for c in ws[2]]
    assert headers[:5] == ["统一社会信用代码", "月份", "能源品种", "消费量", "计量单位"]
    assert ws["A3"].value == A  # an enterprise's copy carries its own code
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert {str(dv.sqref).split(":")[0] for dv in lists} == {"C3", "E3", "H3"}  # fuel, unit, product


def test_rows_group_into_reports_and_compute(tmp_path: Path) -> None:
    path = _filled(
        tmp_path,
        [
            (A, "2025-03", "原煤", 100, "t", 500, "示例数据"),
            (A, "2025-03", "电力", 10, "万千瓦时", None, None),
            (A, "2025-04", "原煤", 80, "t", None, None),
        ],
    )
    months = read_months(path, today=TODAY)
    assert [(m.report.period, len(m.report.lines), m.rows) for m in months] == [
        ("2025-03", 2, (3, 4)),
        ("2025-04", 1, (5,)),
    ]
    first = months[0].report
    assert (first.lines[0].fuel, first.lines[1].fuel, first.output_value) == (
        "raw_coal",
        "electricity",
        500.0,
    )
    # 100 t × 0.7143 + 100,000 kWh × 0.0001229 = 83.72 tce (当量值)
    assert sum(ln.catalogue_amount * f for ln, f in zip(first.lines, (0.7143, 0.0001229), strict=True)) == (
        pytest.approx(83.72)
    )


def test_every_problem_located_and_nothing_read(tmp_path: Path) -> None:
    path = _filled(
        tmp_path,
        [
            (A, "2025-13", "原煤", 100, "t", None, None),
            (A, "2025-03", "原煤", -1, "t", 5, None),
            (A, "2025-03", "煤气", 1, "t", 6, None),
            (A, "2025-03", "电力", 1, "吨", None, None),
        ],
    )
    with pytest.raises(LedgerProblems) as caught:
        read_months(path, today=TODAY)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (3, "月份"),
        (4, "消费量"),
        (5, "工业总产值（万元）"),
        (5, "能源品种"),
        (6, "计量单位"),
    }
    assert all(p.file == "月报.xlsx" and p.sheet == SHEET for p in caught.value.problems)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry\n{A},示例甲（示例数据）,33\n{B},示例乙（示例数据）,31\n", encoding="utf-8"
    )
    EnterpriseService(engine).import_registry(OFFICE, path)
    yield engine
    engine.dispose()


def test_import_is_all_or_nothing_and_scoped(engine: Engine, tmp_path: Path) -> None:
    svc = MonthFileService(engine, today=TODAY)
    ledger = EnterpriseService(engine, today=TODAY)
    mixed = _filled(tmp_path, [(A, "2025-03", "原煤", 100, "t"), (B, "2025-03", "原煤", 5, "t")], FIRM_A)
    with pytest.raises(LedgerProblems) as caught:
        svc.import_file(FIRM_A, mixed)
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "统一社会信用代码")]
    assert ledger.reports(FIRM_A, A) == []  # A's valid row was not stored either
    unknown = _filled(tmp_path, [("91120118EXAMP0003W", "2025-03", "原煤", 1, "t")], name="other.xlsx")
    with pytest.raises(LedgerProblems, match="is not in the registry"):
        svc.import_file(OFFICE, unknown)
    with pytest.raises(NotAllowedError):
        svc.import_file(LedgerActor("v", "viewer"), mixed)
    done = svc.import_file(OFFICE, mixed)
    assert [(d["enterprise_id"], d["period"]) for d in done] == [(A, "2025-03"), (B, "2025-03")]
    assert ledger.report(OFFICE, B, "2025-03")["tce_calorific"] == pytest.approx(5 * 0.7143)
    assert ledger.report(OFFICE, A, "2025-03")["source"] == "import 月报.xlsx"
    queue = MonthReviewService(engine).queue(Reviewer(OFFICE))
    assert {q["own"] for q in queue} == {True}  # the office's own import waits for another reviewer


def test_csv_reads_as_well(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "months.csv"
    path.write_text(
        "# 示例数据\n统一社会信用代码,月份,能源品种,消费量,计量单位\n"
        f"{A},2025-05,natural_gas,2,万立方米\n{A},2025-05,柴油,1.5,t\n",
        encoding="utf-8-sig",
    )
    MonthFileService(engine, today=TODAY).import_file(FIRM_A, path)
    row = EnterpriseService(engine, today=TODAY).report(FIRM_A, A, "2025-05")
    assert [line["fuel"] for line in row["lines"]] == ["natural_gas", "diesel"]
