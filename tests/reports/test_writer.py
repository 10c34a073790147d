"""The rules of the one writer (carbonpeak.reports), file by file: CSV bytes (BOM, CRLF, full
precision, the title line only when asked, headers in the chosen language) and XLSX cells (number
formats by kind, frozen header, units, widths, sheet names, dates, text never a formula, drop-downs
that refuse other values, deterministic bytes); every workbook opens in LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonpeak.errors import InvalidInputError
from carbonpeak.reports import csv_bytes, file_bytes, format_of, write_file, xlsx_bytes
from carbonpeak.reports.xlsx import FIXED_STAMP, sheet_title
from carbonpeak.tables import Book, Column, Table
from tests.reports.libreoffice import convert

COLUMNS = (
    Column("year", "年份", "Year", kind="year"),
    Column("co2", "排放量", "Emissions", unit="万吨CO2", kind="number", decimals=1),
    Column("n", "企业数", "Firms", kind="integer"),
    Column("share", "比重", "Share", kind="percent"),
    Column("day", "日期", "Date", kind="date"),
    Column("name", "名称", "Name"),
    Column("flag", "两高", "Two-high"),
    Column("tags", "标签", "Tags"),
)
ROW = {
    "year": 2024,
    "co2": 1234567.891234567,
    "n": 12345,
    "share": 0.256,
    "day": "2024-03-31",
    "name": '=HYPERLINK("http://x")',
    "flag": True,
    "tags": ["光伏", "风电"],
}
TABLE = Table.of(
    "排放/汇总:2024", COLUMNS, [ROW, {"year": 2025, "co2": float("nan")}], title="静海区 — 排放汇总"
)


def _sheet(content: bytes) -> object:
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_csv_is_utf8_with_bom_crlf_full_precision() -> None:
    data = csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["年份", "排放量（万吨CO2）", "企业数", "比重", "日期", "名称", "两高", "标签"]
    assert rows[1] == [
        "2024",
        "1234567.891234567",
        "12345",
        "0.256",
        "2024-03-31",
        "'" + ROW["name"],  # neutralised (OWASP): a spreadsheet shows it as text
        "是",
        "光伏、风电",
    ]
    assert rows[2] == ["2025", "", "", "", "", "", "", ""]  # NaN and missing keys are empty
    assert not text.startswith("#")  # no title line unless the table asks


def test_csv_title_line_and_english_headers() -> None:
    table = Table(TABLE.name, TABLE.columns, TABLE.rows, title="标题", title_en="Title", csv_title=True)
    zh = csv_bytes(table).decode("utf-8-sig").splitlines()
    en = csv_bytes(table, "en").decode("utf-8-sig").splitlines()
    assert zh[0] == "# 标题" and en[0] == "# Title"
    assert en[1].startswith("Year,Emissions (万吨CO2),Firms") and en[2].endswith(',yes,"光伏, 风电"')


def test_xlsx_cells_formats_and_layout() -> None:
    ws = _sheet(xlsx_bytes(TABLE))
    assert ws.title == "排放-汇总-2024"  # / and : are not allowed in a sheet name
    assert ws["A1"].value == "静海区 — 排放汇总" and ws["A1"].font.b
    assert [c.value for c in ws[2]][:2] == ["年份", "排放量（万吨CO2）"] and all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    year, co2, n, share, day, name, flag, tags = ws[3]
    assert (year.value, year.number_format) == (2024, "0")
    assert (co2.value, co2.number_format) == (pytest.approx(1234567.891234567), "#,##0.0")
    assert (n.number_format, share.number_format) == ("#,##0", "0.0%")
    assert day.is_date and day.value == dt.datetime(2024, 3, 31) and day.number_format == "yyyy-mm-dd"
    assert name.data_type == "s" and name.value == "'" + ROW["name"]  # text, never a formula
    assert (flag.value, tags.value) == ("是", "光伏、风电")
    assert ws["B4"].value is None  # NaN is empty
    widths = {k: ws.column_dimensions[k].width for k in "ABF"}
    assert widths["B"] >= len("1,234,567.9") and widths["A"] < widths["B"]
    assert widths["F"] >= 2 * 2  # CJK characters count double: 名称 is 4 wide


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "十四五期间各责任单位年度考核结果汇总表（示例数据 illustrative）"
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) == 31 and len(second) <= 31 and first != second and second.endswith("(2)")
    assert sheet_title("'a[b]*?'", set()) == "a-b---"


def test_drop_downs_refuse_other_values_short_inline_long_in_a_hidden_sheet() -> None:
    many = tuple(f"industry|sub_{i:03d}" for i in range(60))  # > 255 characters joined
    table = Table(
        "填报",
        (
            Column("status", "进展状态", choices=("未启动", "推进中", "已完成")),
            Column("sector", "部门代码", choices=many),
            Column("amount", "实物量", kind="number", minimum=0),
        ),
        input_rows=100,
    )
    book = load_workbook(io.BytesIO(xlsx_bytes(table)))
    assert book.sheetnames == ["填报", "下拉选项"] and book["下拉选项"].sheet_state == "hidden"
    checks = {str(dv.sqref): dv for dv in book["填报"].data_validations.dataValidation}
    assert set(checks) == {"A2:A101", "B2:B101", "C2:C101"}
    assert checks["A2:A101"].formula1 == '"未启动,推进中,已完成"'
    assert checks["B2:B101"].formula1 == "'下拉选项'!$A$1:$A$60"
    assert [c.value for c in book["下拉选项"]["A"]] == list(many)
    assert checks["C2:C101"].type == "decimal" and checks["C2:C101"].formula1 == "0"
    for dv in checks.values():
        assert dv.showErrorMessage and dv.errorTitle == "输入无效"
    assert checks["A2:A101"].error == "请从下拉列表中选择“进展状态”"


def test_same_tables_same_bytes_and_the_stamp_is_the_books() -> None:
    assert xlsx_bytes(TABLE) == xlsx_bytes(TABLE)
    stamp = dt.datetime(2025, 1, 31, 9, 30)
    stamped = xlsx_bytes(Book((TABLE,), title="t", stamp=stamp))
    with zipfile.ZipFile(io.BytesIO(stamped)) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 1, 31, 9, 30, 0)}
    book = load_workbook(io.BytesIO(stamped))
    assert book.properties.created == stamp == book.properties.modified
    assert load_workbook(io.BytesIO(xlsx_bytes(TABLE))).properties.modified == FIXED_STAMP


def test_a_csv_holds_one_table(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="CSV"):
        file_bytes(Book((TABLE, TABLE)), "csv")
    with pytest.raises(InvalidInputError, match=r"should end in \.csv or \.xlsx"):
        format_of(tmp_path / "x.txt")
    assert write_file(Book((TABLE,)), tmp_path / "one.csv").read_bytes() == csv_bytes(TABLE)


def test_header_less_sheet_and_auto_columns() -> None:
    table = Table.of(
        "说明", [("k", "项目"), ("v", "内容")], [{"k": "年份", "v": 2024}, {"k": "值", "v": 0.5}]
    )
    ws = _sheet(xlsx_bytes(Table(table.name, table.columns, table.rows, header=False)))
    assert ws["A1"].value == "年份" and ws.freeze_panes is None
    assert ws["B1"].number_format == "General"  # a year in an auto column stays plain
    assert ws["B2"].number_format == "0.0000"  # its fractions (below 1) get 4 decimals
    assert csv_bytes(table, "en").decode("utf-8-sig").splitlines()[0] == "k,v"  # the keys in English


def test_libreoffice_opens_every_workbook_of_these_rules(tmp_path: Path) -> None:
    files = []
    for name, content in {
        "table": TABLE,
        "lists": Table(
            "填报", (Column("s", "状态", choices=tuple(f"c{i:03d}" for i in range(99))),), input_rows=9
        ),
    }.items():
        files.append(tmp_path / f"{name}.xlsx")
        files[-1].write_bytes(xlsx_bytes(content))
    sheets = convert(files, tmp_path / "lo")
    text = sheets[files[0]][0].read_text(encoding="utf-8")
    assert "排放量（万吨CO2）" in text and "静海区" in text


def test_an_auto_column_takes_a_day_as_a_date_and_nothing_else() -> None:
    table = Table.of(
        "时间节点", [("due", "截止日期"), ("period", "月份")], [{"due": "2025-12-31", "period": "2025-01"}]
    )
    ws = _sheet(xlsx_bytes(table))
    assert ws["A2"].is_date and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].data_type == "s" and ws["B2"].value == "2025-01"
    assert csv_bytes(table).decode("utf-8-sig").splitlines()[1] == "2025-12-31,2025-01"
