"""Merged cells in an uploaded sheet (issue 13): a registry whose 乡镇 column is merged over three
enterprises used to store two of them without a town, silently. Every import read through
carbonpeak.sheetfile now refuses a sheet with merged cells, naming the sheet and the ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.ledgers.errors import LedgerProblems
from carbonpeak.sheetfile import read_xlsx

IDS = ["91120118EXAMP0001Y", "91120118EXAMP00022"]


def _registry(path: Path, merge: str | None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名录"
    sheet.append(["id", "name", "industry", "town", "two_high"])
    sheet.append([IDS[0], "示例甲（示例数据）", "33", "大邱庄镇", "否"])
    sheet.append([IDS[1], "示例乙（示例数据）", "31", None, "否"])
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def test_a_merged_town_column_is_refused_naming_the_range(tmp_path: Path) -> None:
    path = _registry(tmp_path / "registry.xlsx", "D2:D3")
    with pytest.raises(LedgerProblems) as err:
        read_registry(path)
    (problem,) = err.value.problems
    assert problem.sheet == "名录" and "D2:D3" in problem.message and "取消合并" in problem.message
    assert problem.message_en is not None and "unmerge" in problem.message_en


def test_every_range_is_named_and_an_unmerged_sheet_reads(tmp_path: Path) -> None:
    path = _registry(tmp_path / "two.xlsx", "D2:D3")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a", "b", "c"])
    sheet.append([1, 2, 3])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:C2")
    book.save(path)
    with pytest.raises(LedgerProblems) as err:
        read_registry(path)
    assert "A1:B1" in err.value.problems[0].message and "C1:C2" in err.value.problems[0].message
    plain = _registry(tmp_path / "plain.xlsx", None)
    assert [e.town for e in read_registry(plain)] == ["大邱庄镇", ""]
    assert len(read_xlsx(plain)["名录"]) == 3
