"""The energy review sheet through ``carbonpeak.reports``: ``ledger review --out`` writes the PDF
(read back with pdftotext: the result, every reason with its clause, 示例数据 on every page), the DOCX
(python-docx) and the HTML from the one document; a wrong suffix is refused before anything runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from docx import Document as Word
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.reports import documents
from tests.conftest import REPO, require_program

EXAMPLE = REPO / "docs" / "examples" / "proposed-project.yaml"


def _review(tmp_path: Path, out: str, *extra: str) -> tuple[dict[str, object], Path]:
    path = tmp_path / out
    result = CliRunner().invoke(
        app, [*extra, "ledger", "review", "-p", str(EXAMPLE), "--out", str(path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), path


def test_pdf_sheet_has_the_result_reasons_and_demo_mark(tmp_path: Path) -> None:
    review, pdf = _review(tmp_path, "sheet.pdf")
    text = subprocess.run(
        [require_program("pdftotext", "poppler-utils"), "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = text.replace(" ", "").replace("\n", "")
    assert "固定资产投资项目节能审查意见表" in flat and "示例钢材深加工项目" in flat
    assert "审查结论：有条件通过" in flat
    assert "13,401.4tce" in flat  # 当量值, as the JSON says
    for reason in review["reasons"]:  # type: ignore[attr-defined]
        assert reason["zh"].replace(" ", "")[:12] in flat
    assert "三.(一).4" in flat  # the clause column
    pages = text.split("\f")[:-1]
    assert pages and all("示例数据" in page for page in pages)
    assert "\ufffd" not in text


def test_docx_and_html_are_the_same_document(tmp_path: Path) -> None:
    review, docx = _review(tmp_path, "sheet.docx")
    word = Word(str(docx))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    paragraphs = [p.text for p in word.paragraphs]
    assert "示例钢材深加工项目" in cells
    assert any("有条件通过" in p for p in paragraphs)
    assert "三.(一).4" in cells
    assert "示例数据" in word.sections[0].header.paragraphs[0].text
    _, html = _review(tmp_path, "sheet.html")
    page = html.read_text(encoding="utf-8")
    doc = documents.review_document(review, "天津市静海区")
    assert page == documents.render(doc, "html").decode("utf-8")  # CLI file = the document's bytes
    english = documents.render(documents.review_document(review, "天津市静海区", "en"), "html").decode()
    assert "Energy review sheet" in english and "approved with conditions" in english


def test_wrong_suffix_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ledger", "review", "-p", str(EXAMPLE), "--out", str(tmp_path / "sheet.txt")]
    )
    assert result.exit_code != 0
    assert ".pdf" in result.output and not (tmp_path / "sheet.txt").exists()
