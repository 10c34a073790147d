"""Every file the product writes, written as a user gets it (web download or CLI), opened with
openpyxl (sheet names, Chinese headers, frozen bold header, number formats, drop-downs that refuse
other values), read back as CSV with its BOM, and converted by LibreOffice headless.

The file kinds (FILES below; a new download or export adds a line):
plan tables (/downloads/*), inventory tables and workbook (web, ``carbonpeak inventory``), the
tracking evaluation (web, ``track export``), the review queue and the assessment (web exports;
``assess``), scenario results and target checks (web), the IAMC export (``scenario export``), the
enterprise ledger (web, ``enterprises list``) and monthly reports (``enterprises reports``), the
reporting template (web, ``track template``: XLSX and CSV), the activity template (web,
``activity template``), the CSVs of ``db export``, and any listing with ``-f csv|xlsx``
(``plan indicators``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.reports.conftest import Product
from tests.reports.libreoffice import convert

CJK = re.compile(r"[\u4e00-\u9fff]")
ENTERPRISE = "91120118EXAMP0001Y"

XLSX_FILES: dict[str, Callable[[Product], bytes]] = {
    "plan-indicators": lambda p: p.web("/downloads/indicators?format=xlsx"),
    "plan-milestones": lambda p: p.web("/downloads/milestones?format=xlsx"),
    "inventory-workbook-web": lambda p: p.web("/inventory/download?table=all&format=xlsx"),
    "inventory-table-web": lambda p: p.web("/inventory/download?table=indicators&format=xlsx"),
    "inventory-cli": lambda p: p.cli_file("inv.xlsx", "inventory"),
    "tracking-web": lambda p: p.web("/tracking/export?year=2024&format=xlsx"),
    "tracking-cli": lambda p: p.cli_file("track.xlsx", "track", "export", "--year", "2024"),
    "review-web": lambda p: p.web("/review/export?format=xlsx"),
    "assessment-web": lambda p: p.web("/assessment/export?year=2024&format=xlsx"),
    "assessment-cli": lambda p: p.cli_file("assess.xlsx", "assess", "--year", "2024", "-f", "xlsx"),
    "scenario-trajectory": lambda p: p.web("/scenarios/download?scenario=plan&table=trajectory&format=xlsx"),
    "scenario-targets": lambda p: p.web("/scenarios/download?scenario=enhanced&table=targets&format=xlsx"),
    "scenario-export-cli": lambda p: p.cli_file("iamc.xlsx", "scenario", "export", "plan"),
    "ledger-web": lambda p: p.web("/enterprises/export?format=xlsx"),
    "ledger-cli": lambda p: p.cli_file("ledger.xlsx", "enterprises", "list"),
    "enterprise-reports-cli": lambda p: p.cli_file("reports.xlsx", "enterprises", "reports", ENTERPRISE),
    "reporting-template-web": lambda p: p.web("/reporting/template?year=2024&unit=dev_reform&format=xlsx"),
    "reporting-template-cli": lambda p: p.cli_file(
        "t.xlsx", "track", "template", "-u", "dev_reform", "-y", "2024"
    ),
    "activity-template-web": lambda p: p.web("/inventory/import/template"),
    "listing-cli": lambda p: p.cli_file("ind.xlsx", "plan", "indicators"),
}
CSV_FILES: dict[str, Callable[[Product], bytes]] = {
    "plan-tasks": lambda p: p.web("/downloads/tasks?format=csv"),
    "inventory-table-web": lambda p: p.web("/inventory/download?table=co2_by_fuel&format=csv"),
    "inventory-cli": lambda p: p.cli_bytes("inventory", "-f", "csv"),
    "tracking-web": lambda p: p.web("/tracking/export?year=2024&format=csv"),
    "review-web": lambda p: p.web("/review/export?format=csv"),
    "assessment-web": lambda p: p.web("/assessment/export?year=2024&format=csv"),
    "scenario-trajectory": lambda p: p.web("/scenarios/download?scenario=plan&table=trajectory&format=csv"),
    "scenario-export-cli": lambda p: p.cli_bytes("scenario", "export", "plan"),
    "ledger-web": lambda p: p.web("/enterprises/export?format=csv"),
    "enterprise-reports-cli": lambda p: p.cli_bytes("enterprises", "reports", ENTERPRISE, "-f", "csv"),
    "reporting-template-web": lambda p: p.web("/reporting/template?year=2024&unit=dev_reform&format=csv"),
    "reporting-template-cli": lambda p: p.cli_file(
        "t.csv", "track", "template", "-u", "dev_reform", "-y", "2024", "--sheet", "values"
    ),
    "listing-cli": lambda p: p.cli_bytes("plan", "tasks", "-f", "csv"),
    "alerts-cli": lambda p: p.cli_bytes("track", "alerts", "--year", "2024", "-f", "csv"),
}
# Files whose headers are a standard's names, not words: IAMC (pyam reads model, scenario, …).
STANDARD_HEADERS = {"scenario-export-cli"}
TEMPLATES = {"reporting-template-web", "reporting-template-cli", "activity-template-web"}


def _check_workbook(name: str, content: bytes) -> None:
    book = load_workbook(io.BytesIO(content))
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible, name
    assert all(CJK.search(ws.title) for ws in visible), (name, book.sheetnames)
    data_sheets = [ws for ws in visible if ws.freeze_panes]
    assert data_sheets, f"{name}: no sheet with a frozen header"
    for ws in data_sheets:
        header_row = int(re.sub(r"\D", "", ws.freeze_panes)) - 1
        header = [c for c in ws[header_row] if c.value is not None]
        assert header and all(c.font.b for c in header), (name, ws.title)
        if name not in STANDARD_HEADERS:
            assert any(CJK.search(str(c.value)) for c in header), (name, ws.title, [c.value for c in header])
        for row in ws.iter_rows(min_row=header_row + 1, max_row=header_row + 50):
            for cell in row:
                if isinstance(cell.value, float):
                    assert cell.number_format != "General", (name, ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (name, cell.coordinate)
        for letter, dim in ws.column_dimensions.items():
            assert 6 <= (dim.width or 6) <= 120, (name, ws.title, letter)
    checks = [dv for ws in book.worksheets for dv in ws.data_validations.dataValidation]
    if name in TEMPLATES:
        assert checks, f"{name}: a template without drop-downs"
    assert all(dv.showErrorMessage and dv.error for dv in checks), name
    assert all(len(dv.formula1 or "") <= 257 for dv in checks), name


@pytest.fixture(scope="module")
def workbooks(product: Product) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name, make in XLSX_FILES.items():
        out[name] = product.folder / f"kind-{name}.xlsx"
        out[name].write_bytes(make(product))
    return out


@pytest.mark.parametrize("name", sorted(XLSX_FILES))
def test_every_workbook_opens_with_formats_and_chinese(workbooks: dict[str, Path], name: str) -> None:
    _check_workbook(name, workbooks[name].read_bytes())


def test_libreoffice_converts_every_workbook(workbooks: dict[str, Path], tmp_path: Path) -> None:
    sheets = convert(list(workbooks.values()), tmp_path / "converted")
    for name, path in workbooks.items():
        text = "".join(s.read_text(encoding="utf-8") for s in sheets[path])
        assert CJK.search(text) or name in STANDARD_HEADERS, name


@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_every_csv_has_a_bom_and_reads_back(product: Product, name: str) -> None:
    content = CSV_FILES[name](product)
    assert content.startswith(b"\xef\xbb\xbf"), name
    text = content.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), f"{name}: mixed line ends"
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[1] if rows[0][0].startswith("# ") else rows[0]
    if name not in STANDARD_HEADERS:
        assert any(CJK.search(h) for h in header), (name, header)
    assert len(rows) > 1 and all(len(r) == len(header) for r in rows[rows.index(header) + 1 :]), name
    for row in rows[rows.index(header) + 1 :]:
        for value in row:
            assert not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value), f"{name}: {value} has separators"


def test_db_export_csvs_have_a_bom(product: Product) -> None:
    archive = product.folder / "export.zip"
    product.cli("db", "export", str(archive))
    with zipfile.ZipFile(archive) as z:
        names = [n for n in z.namelist() if n.startswith("csv/")]
        assert "csv/task_reports.csv" in names
        for n in names:
            data = z.read(n)
            assert data.startswith(b"\xef\xbb\xbf"), n
            assert next(csv.reader(io.StringIO(data.decode("utf-8-sig")))), n


def test_xlsx_without_a_file_is_refused_with_the_fix(product: Product) -> None:
    from typer.testing import CliRunner

    from carbonpeak.cli.main import app

    result = CliRunner().invoke(app, ["--database", product.url, "plan", "units", "-f", "xlsx"])
    assert result.exit_code == 2 and "-o FILE.xlsx" in result.output
