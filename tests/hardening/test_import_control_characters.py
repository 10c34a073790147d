"""A control character in an imported cell (issue 12): an enterprise name ``示例\\x01甲`` in the
registry, a sector in an activity file, any text of a CSV or workbook read through
carbonpeak.sheetfile is refused (tab, line feed and carriage return stay text), located by file, row and column; nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.accounting import read_activity
from carbonpeak.accounting.errors import ImportProblems
from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.ledgers.errors import LedgerProblems
from carbonpeak.sheetfile import SheetLimitError, read_csv_rows

HEADER = "id,name,industry,town,two_high\n"
GOOD = "91120118EXAMP0001Y,示例甲（示例数据）,33,大邱庄镇,否\n"


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x0b"])
def test_a_control_character_in_a_registry_name_is_refused_where_it_is(char: str, tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + GOOD + f"91120118EXAMP00022,示例{char}乙,31,,否\n", encoding="utf-8")
    with pytest.raises(LedgerProblems) as err:
        read_registry(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "name")
    assert f"U+{ord(char):04X}" in problem.message and "第 3 个字符" in problem.message


def test_tabs_and_line_breaks_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + '91120118EXAMP0001Y,"示例\t甲\n（示例数据）",33,,否\n', encoding="utf-8")
    assert [e.name for e in read_registry(path)] == ["示例\t甲\n（示例数据）"]


def test_the_row_reader_locates_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,x\x02y\n", encoding="utf-8")
    with pytest.raises(SheetLimitError) as err:
        read_csv_rows(path)
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("report.csv", 3, "C")


def test_an_activity_file_with_a_control_character_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "activity.csv"
    path.write_text(
        "year,sector,fuel,amount,unit,note\n2022,industry|other,diesel,10,t,示例\x00数据\n", encoding="utf-8"
    )
    with pytest.raises(ImportProblems) as err:
        read_activity(path)
    assert (err.value.problems[0].row, err.value.problems[0].column) == (2, "note")
