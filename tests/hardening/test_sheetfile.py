"""Bounded reads of spreadsheets from outside (carbonpeak.sheetfile) with real hostile files: a shared
strings bomb, 200,000 rows in a 1 MB workbook, too many entries, columns, long cells, broken parts;
each refused with the cap named in Chinese and English, before anything is produced."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.accounting import read_activity
from carbonpeak.accounting.errors import ImportProblems as AccountingProblems
from carbonpeak.errors import CarbonpeakError
from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.ledgers.errors import LedgerProblems
from carbonpeak.plan import load_plan
from carbonpeak.settings import Settings
from carbonpeak.sheetfile import (
    DEFAULT_LIMITS,
    SheetLimitError,
    SheetLimits,
    check_archive,
    read_csv_rows,
    read_xlsx,
)
from carbonpeak.tracking.errors import ImportProblems
from carbonpeak.tracking.sheets import REPORT_SHEET, read_import
from tests.conftest import EXAMPLE_PLAN
from tests.hardening import bombs


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bombs") / "report.xlsx"
    path.write_bytes(bombs.shared_strings_bomb(256))
    return path


@pytest.fixture(scope="module")
def tall(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tall") / "tall.xlsx"
    path.write_bytes(bombs.with_sheet(bombs.sheet_xml(200_000)))
    return path


def _one(exc: CarbonpeakError) -> tuple[str, str]:
    assert len(exc.problems) == 1
    return exc.problems[0].describe("zh-CN"), exc.problems[0].describe("en")


def test_the_bomb_is_small_and_refused_by_its_directory(bomb: Path) -> None:
    assert bomb.stat().st_size < 2 * 1024 * 1024  # a small file …
    with pytest.raises(SheetLimitError) as caught:
        check_archive(bomb)  # … that promises 256 MB: refused from the zip directory alone
    zh, en = _one(caught.value)
    assert "report.xlsx" in zh and "xl/sharedStrings.xml" in zh and "100 MB" in zh
    assert "more than the cap of 100 MB" in en


def test_ratio_and_total_caps(bomb: Path) -> None:
    roomy = SheetLimits(max_entry_bytes=1024 * 1024 * 1024, max_total_bytes=1024 * 1024 * 1024)
    with pytest.raises(SheetLimitError) as caught:
        check_archive(bomb, roomy)
    assert "compression ratio" in _one(caught.value)[1] and "压缩比" in _one(caught.value)[0]
    total = SheetLimits(max_entry_bytes=1024**3, max_total_bytes=64 * 1024 * 1024, max_ratio=10_000)
    with pytest.raises(SheetLimitError) as caught:
        check_archive(bomb, total)
    assert "expands to 256 MB, more than the cap of 64 MB" in _one(caught.value)[1]


def test_too_many_entries(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    path.write_bytes(bombs.many_entries(DEFAULT_LIMITS.max_entries + 1))
    with pytest.raises(SheetLimitError) as caught:
        read_xlsx(path)
    assert f"more than the cap of {DEFAULT_LIMITS.max_entries}" in _one(caught.value)[1]


def test_the_tracking_import_refuses_the_bomb_and_the_tall_sheet(bomb: Path, tall: Path) -> None:
    plan = load_plan(EXAMPLE_PLAN)
    with pytest.raises(ImportProblems) as caught:
        read_import(bomb, plan)
    assert "sharedStrings" in _one(caught.value)[1]
    assert tall.stat().st_size < 1.5 * 1024 * 1024
    with pytest.raises(ImportProblems) as caught:
        read_import(tall, plan)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row) == (REPORT_SHEET, DEFAULT_LIMITS.max_rows + 1)
    assert problem.describe("zh-CN").endswith(f"行数超过上限 {DEFAULT_LIMITS.max_rows} 行")


def test_the_caps_come_from_settings(tall: Path) -> None:
    limits = Settings(upload_max_rows=500).sheet_limits()
    with pytest.raises(SheetLimitError) as caught:
        read_xlsx(tall, limits=limits)
    assert caught.value.problems[0].row == 501


def test_inventory_and_registry_readers_are_bounded(tmp_path: Path, bomb: Path, tall: Path) -> None:
    with pytest.raises(AccountingProblems):
        read_activity(bomb)
    del tall
    tall_first = tmp_path / "activity.xlsx"
    tall_first.write_bytes(bombs.with_sheet(bombs.sheet_xml(200_000), sheet=1))
    with pytest.raises(AccountingProblems) as caught:
        read_activity(tall_first)
    assert "more than the cap of 100000 rows" in caught.value.describe("en")
    with pytest.raises(LedgerProblems):
        read_registry(bomb)
    csv_file = tmp_path / "activity.csv"
    csv_file.write_text(
        "year,sector,fuel,amount,unit\n" + "2020,industry,raw_coal,1,t\n" * 101, encoding="utf-8"
    )
    with pytest.raises(AccountingProblems) as caught:
        read_activity(csv_file, SheetLimits(max_rows=100))
    assert caught.value.problems[0].row == 102
    with pytest.raises(LedgerProblems) as caught_registry:
        read_registry(csv_file, SheetLimits(max_rows=100))
    assert "more than the cap of 100 rows" in caught_registry.value.describe("en")


def test_columns_and_cell_length(tmp_path: Path) -> None:
    wide = tmp_path / "wide.xlsx"
    wide.write_bytes(bombs.with_sheet(bombs.sheet_xml(2, cells=DEFAULT_LIMITS.max_columns + 1)))
    with pytest.raises(SheetLimitError) as caught:
        read_xlsx(wide)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (1, "GS")
    long = tmp_path / "long.xlsx"
    long.write_bytes(bombs.with_sheet(bombs.sheet_xml(1, text="长" * 40_000)))
    with pytest.raises(SheetLimitError) as caught:
        read_xlsx(long)
    assert "40000" in caught.value.problems[0].describe("zh-CN")
    csv_file = tmp_path / "long.csv"
    csv_file.write_text("a,b\n1," + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(SheetLimitError) as caught:
        read_csv_rows(csv_file, SheetLimits(max_cell_chars=100))
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (2, "B")


def test_a_broken_workbook_is_one_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(bombs.broken_workbook())
    with pytest.raises(SheetLimitError) as caught:
        read_xlsx(path)
    assert caught.value.problems[0].file == "broken.xlsx"
    not_zip = tmp_path / "not.xlsx"
    not_zip.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SheetLimitError) as caught:
        read_xlsx(not_zip)
    assert "不是可读取的 XLSX 文件" in caught.value.problems[0].describe("zh-CN")


def test_an_ordinary_workbook_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(bombs.small_workbook())
    sheets = read_xlsx(path)
    assert sheets[REPORT_SHEET][0][0] == "任务代码"
