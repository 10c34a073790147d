"""Import validates everything before producing anything: each rule, file/row/column named, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.accounting import ImportProblems, Problem, read_activity, read_macro, read_user_factors
from tests.accounting.helpers import write_csv

GOOD = (2022, "industry|other", "diesel", 10, "t", "base")


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ImportProblems) as info:
        read_activity(path)
    return info.value.problems


def where(problems: list[Problem]) -> set[tuple[int | None, str | None]]:
    return {(p.row, p.column) for p in problems}


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        ((2022, "industry|other", "coal_gas", 10, "t", ""), "fuel", "unknown fuel 'coal_gas'"),
        ((2022, "industry|steel", "diesel", 10, "t", ""), "sector", "unknown sector 'industry|steel'"),
        ((2022, "heavy_industry", "diesel", 10, "t", ""), "sector", "unknown sector"),
        ((2022, "industry|other", "diesel", 10, "m3", ""), "unit", "cannot convert"),
        ((2022, "industry|other", "diesel", 10, "吨吨", ""), "unit", "unknown unit"),
        ((2022, "industry|other", "electricity", 10, "t", ""), "unit", "expected a unit convertible to kWh"),
        ((2022, "industry|other", "diesel", -1, "t", ""), "amount", "expected a number ≥ 0"),
        ((2022, "industry|other", "diesel", "ten", "t", ""), "amount", "expected a number, got 'ten'"),
        ((2022, "industry|other", "diesel", "", "t", ""), "amount", "expected a number"),
        (("", "industry|other", "diesel", 10, "t", ""), "year", "missing year"),
        (("20x2", "industry|other", "diesel", 10, "t", ""), "year", "expected a year"),
        ((1800, "industry|other", "diesel", 10, "t", ""), "year", "expected a year"),
    ],
)
def test_each_rule_names_file_row_and_column(
    tmp_path: Path, row: tuple[object, ...], column: str, text: str
) -> None:
    path = write_csv(tmp_path / "a.csv", [GOOD, row])
    problems = problems_of(path)
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.column) == (str(path), 3, column)
    assert text in p.message
    assert f"{path}, row 3, column {column}" in str(p)


def test_duplicate_row_names_the_first(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [GOOD, (2022, "industry|other", "electricity", 5, "kWh", ""), GOOD])
    problems = problems_of(path)
    assert where(problems) == {(4, "year+sector+fuel+note")}
    assert "duplicate of row 2" in problems[0].message


def test_rows_told_apart_by_note_are_not_duplicates(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [(*GOOD[:5], "E01 2022-01"), (*GOOD[:5], "E01 2022-02")])
    assert len(read_activity(path).frame) == 2


def test_all_errors_at_once_and_nothing_produced(tmp_path: Path) -> None:
    rows = [
        GOOD,
        (2022, "industry|other", "coal_gas", 10, "t", ""),
        (2022, "nowhere", "diesel", -3, "t", ""),
        ("", "industry|other", "lpg", 1, "m3", ""),
        GOOD,
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    problems = problems_of(path)
    assert where(problems) == {
        (3, "fuel"),
        (4, "sector"),
        (4, "amount"),
        (5, "year"),
        (5, "unit"),
        (6, "year+sector+fuel+note"),
    }
    assert "6 problem(s), nothing imported" in str(ImportProblems(problems))


def test_comment_lines_count_in_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "# 示例数据\nyear,sector,fuel,amount,unit\n2022,industry|other,diesel,x,t\n", encoding="utf-8"
    )
    assert where(problems_of(path)) == {(3, "amount")}


def test_missing_columns_and_missing_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [(2022, "industry|other", "diesel")], "year,sector,fuel")
    assert where(problems_of(path)) == {(1, "amount"), (1, "unit")}
    assert problems_of(tmp_path / "nope.csv")[0].message == "no such file"


def test_xlsx_rows_are_numbered_like_the_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "activity"
    ws.append(["year", "sector", "fuel", "amount", "unit", "note"])
    ws.append(list(GOOD))
    ws.append([2022, "industry|other", "diesel", -5, "t", "b"])
    wb.save(tmp_path / "a.xlsx")
    problems = problems_of(tmp_path / "a.xlsx")
    assert where(problems) == {(3, "amount")}


def test_macro_file_rules(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        [
            (2022, "gdp", 500, "亿元", ""),
            (2022, "gdp_nominal", 1, "亿元", ""),
            (2022, "population", 82, "t", ""),
            (2022, "gdp", 501, "亿元", ""),
            ("", "population", 82, "万人", ""),
        ],
        "year,variable,value,unit,note",
    )
    with pytest.raises(ImportProblems) as info:
        read_macro(path)
    assert where(info.value.problems) == {(3, "variable"), (4, "unit"), (5, "year+variable"), (6, "year")}


def test_macro_units_convert(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        [(2022, "gdp", 5, "亿元", ""), (2022, "population", 82, "万人", "")],
        "year,variable,value,unit,note",
    )
    macro = read_macro(path)
    assert macro.get("gdp", 2022) == pytest.approx(50000)  # 万元
    assert macro.get("population", 2022) == pytest.approx(820000)


def test_factor_file_rules(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        [
            ("gasoline", "t", "abc", 1.47),
            ("plutonium", "t", 1, 1),
            ("diesel", "m3", 3, 1.4),
            ("lpg", "t", -1, 1.7),
        ],
        "fuel,unit,co2_t_per_unit,tce_per_unit",
    )
    with pytest.raises(ImportProblems) as info:
        read_user_factors(path)
    assert where(info.value.problems) == {
        (2, "co2_t_per_unit"),
        (3, "fuel"),
        (4, "unit"),
        (5, "co2_t_per_unit"),
    }
    bad = write_csv(tmp_path / "g.csv", [("gasoline", "t", 1.4)], "fuel,unit,tce_per_unit")
    with pytest.raises(ImportProblems) as info:
        read_user_factors(bad)
    assert where(info.value.problems) == {(1, "co2_t_per_unit")}


def test_short_row_and_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("year,sector,fuel,amount,unit,note\n2022,industry|other,diesel\n", encoding="utf-8")
    problems = problems_of(path)
    assert where(problems) == {(2, "amount"), (2, "unit")}
    assert "got ''" in next(p.message for p in problems if p.column == "amount")
