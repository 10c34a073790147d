"""The documents of ``carbonpeak report``: the annual evaluation report as PDF (read back with
pdftotext, page 1 rendered with pdftoppm), DOCX (python-docx and LibreOffice), HTML and the XLSX
annex (deterministic, golden), the period evaluation, dispatch notices and the 通报 list, on the
bundled plan with the demo data in a real SQLite database."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from docx import Document as Word
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.plan import load_plan
from carbonpeak.services import reporting
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import make_engine
from carbonpeak.tracking.model import Actor
from carbonpeak.units import display
from tests.conftest import REPO, require_program

PLAN = REPO / "data" / "plans" / "jinghai-2023.yaml"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2025-03-01"
SAMPLES = "50"


@dataclass
class Demo:
    url: str
    folder: Path

    def cli(self, *args: str, lang: str = "zh-CN") -> str:
        result = CliRunner().invoke(app, ["--database", self.url, "--lang", lang, *args])
        assert result.exit_code == 0, (args, result.output)
        return result.output

    def fails(self, *args: str) -> str:
        result = CliRunner().invoke(app, ["--database", self.url, *args])
        assert result.exit_code != 0, result.output
        return result.output

    def annual(self, name: str, lang: str = "zh-CN", *extra: str) -> Path:
        out = self.folder / name
        self.cli("report", "annual", "--year", "2024", "--out", str(out), "--as-of", AS_OF,
                 "--samples", SAMPLES, *extra, lang=lang)  # fmt: skip
        return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("documents")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CARBONPEAK_EVIDENCE_DIR", str(folder / "evidence"))
        result = CliRunner().invoke(app, ["--database", url, "init", "--demo"])
        assert result.exit_code == 0, result.output
        yield Demo(url, folder)


def _results(demo: Demo) -> reporting.AnnualResults:
    engine = make_engine(demo.url)
    try:
        svc = TrackingService(engine, load_plan(PLAN))
        return reporting.annual_results(engine, svc, 2024, dt.date.fromisoformat(AS_OF), samples=0)
    finally:
        engine.dispose()


def _pdf_text(path: Path) -> str:
    pdftotext = require_program("pdftotext", "poppler-utils")
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_annual_pdf_has_the_headings_figures_and_demo_mark_on_every_page(demo: Demo) -> None:
    pdf = demo.annual("annual.pdf")
    text = _pdf_text(pdf)
    for heading in ("一、总体情况", "二、主要指标完成情况", "三、碳排放清单及变化", "四、达峰形势预测",
                    "五、重点任务进展", "六、责任单位考核", "七、通报及跟进事项", "表1", "图1"):  # fmt: skip
        assert heading in text, heading
    assert "天津市静海区2024年度碳达峰工作评估报告" in text
    assert "天津市静海区碳达峰碳中和工作领导小组办公室" in text
    assert "2025年3月1日" in text
    r = _results(demo)
    co2_2024 = next(i for i in r.inventory if i.year == 2024).co2_t
    total = display.number(display.in_district_unit(co2_2024, "吨二氧化碳")[0])
    assert total in text  # the year's CO2 as the office writes it (万吨CO2, one decimal)
    assert "\ufffd" not in text  # no missing glyphs
    pages = text.split("\f")[:-1]
    assert len(pages) > 3
    for n, page in enumerate(pages, start=1):
        assert "示例数据" in page, f"page {n} does not say 示例数据"
        assert f"— {n} —" in page or f"—{n}—" in page.replace(" ", ""), f"page {n} has no page number"
    fonts = subprocess.run([require_program("pdffonts", "poppler-utils"), str(pdf)], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert "Noto-Serif-CJK-SC" in fonts and "Noto-Sans-CJK-SC" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts  # every font embedded


def test_annual_pdf_page_one_rendered(demo: Demo) -> None:
    pdf = demo.folder / "annual.pdf"
    if not pdf.exists():
        demo.annual("annual.pdf")
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(demo.folder / "p")],
                   check=True)  # fmt: skip
    from PIL import Image

    image = Image.open(next(demo.folder.glob("p-*1.png"))).convert("RGB")
    width, height = image.size
    assert 0.69 < width / height < 0.72  # A4 portrait
    pixels = np.asarray(image, dtype=np.int32)
    ink = float((pixels.sum(axis=2) < 600).mean())
    assert 0.01 < ink < 0.5, ink  # text on the page, not blank, not black
    top = pixels[: height // 8]
    red = ((top[..., 0] > 150) & (top[..., 1] < 110) & (top[..., 2] < 110)).sum()
    assert red, "the red 示例数据 mark is not at the top of page 1"


def test_annual_docx_opens_in_python_docx_and_libreoffice(demo: Demo) -> None:
    path = demo.annual("annual.docx")
    word = Word(str(path))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "一、总体情况" in text and "七、通报及跟进事项" in text
    assert "示例数据" in word.sections[0].header.paragraphs[0].text
    assert len(word.tables) >= 8 and len(word.inline_shapes) >= 3
    soffice = require_program("soffice", "libreoffice-writer-nogui")
    out = demo.folder / "lo"
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "一、总体情况" in _pdf_text(out / "annual.pdf")


def _html_without_images(html: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…", html)


def _cells(xlsx: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    lines = []
    for ws in book.worksheets:
        lines.append(f"## {ws.title}")
        for row in ws.iter_rows(values_only=True):
            lines.append(
                "\t".join("" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v)) for v in row)
            )
    return "\n".join(lines) + "\n"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CARBONPEAK_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with CARBONPEAK_UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_html_and_annex_are_deterministic_and_golden(demo: Demo) -> None:
    first = demo.annual("a1.html", "zh-CN", "--annex", str(demo.folder / "a1.xlsx"))
    second = demo.annual("a2.html", "zh-CN", "--annex", str(demo.folder / "a2.xlsx"))
    assert first.read_bytes() == second.read_bytes()
    assert (demo.folder / "a1.xlsx").read_bytes() == (demo.folder / "a2.xlsx").read_bytes()
    html = first.read_text(encoding="utf-8")
    assert html.count("<img") >= 3 and "http" not in html.replace('lang="zh-CN"', "")
    _golden("annual-2024.html", _html_without_images(html))
    annex = (demo.folder / "a1.xlsx").read_bytes()
    _golden("annual-2024-annex.txt", _cells(annex))
    sheets = openpyxl.load_workbook(io.BytesIO(annex)).sheetnames
    assert sheets[:3] == ["主要指标", "碳排放清单", "LMDI分解"]


def test_english_report(demo: Demo) -> None:
    html = demo.annual("en.html", "en").read_text(encoding="utf-8")
    for words in ("1.Summary", "Headline indicators", "Scorecard of the responsible units", "示例数据"):
        assert words in html, words
    assert "总体情况" not in html


def test_year_without_data_is_refused(demo: Demo) -> None:
    out = demo.fails("report", "annual", "--year", "2019", "--out", str(demo.folder / "x.pdf"))
    assert "2019 年没有数据" in out and "2024" in out
    assert not (demo.folder / "x.pdf").exists()
    assert "文件扩展名应为 .pdf、.docx 或 .html" in demo.fails(
        "report", "annual", "--year", "2024", "--out", str(demo.folder / "x.txt")
    )


def test_dispatch_one_unit_and_all(demo: Demo) -> None:
    one = demo.folder / "fgw.html"
    demo.cli(
        "report",
        "dispatch",
        "--unit",
        "区发改委",
        "--period",
        "2024Q4",
        "--out",
        str(one),
        "--as-of",
        "2025-01-20",
    )
    html = one.read_text(encoding="utf-8")
    assert "区发改委" in html and "关于2024年第四季度碳达峰工作调度情况的通知" in html
    # what it must report next and by when: the quarter's own report while it is not in (due 15 days
    # after the quarter, rubric), else the next quarter's
    r = reporting.dispatch_results(
        TrackingService(make_engine(demo.url), load_plan(PLAN)),
        "dev_reform",
        2024,
        "Q4",
        dt.date(2025, 1, 20),
    )
    first = min(r.next_reports, key=lambda n: n.due)
    assert f"请于{first.due.year}年{first.due.month}月{first.due.day}日前报送" in html
    assert {(n.year, n.period, n.due) for n in r.next_reports} <= {
        (2024, "Q4", dt.date(2025, 1, 15)),
        (2025, "Q1", dt.date(2025, 4, 15)),
    }
    folder = demo.folder / "all"
    output = demo.cli("report", "dispatch", "--all", "--period", "2024Q4", "--out", str(folder),
                      "--format", "html", "--as-of", "2025-01-20")  # fmt: skip
    files = sorted(folder.glob("*.html"))
    plan = load_plan(PLAN)
    assert len(files) == len(plan.units) and f"{len(plan.units)} files" in output
    assert (folder / "2024Q4-区发改委.html").read_bytes() == one.read_bytes()
    assert "2026Q4" in demo.fails(
        "report", "dispatch", "--unit", "区发改委", "--period", "Q4", "--out", str(one)
    )


def test_notice_list_sheet(demo: Demo) -> None:
    out = demo.folder / "tongbao.xlsx"
    demo.cli("report", "notices", "--year", "2024", "--out", str(out), "--as-of", AS_OF)
    ws = openpyxl.load_workbook(out).active
    assert "示例数据" in str(ws["A1"].value)
    header = [c.value for c in ws[2]]
    assert header[:3] == ["拟处理", "责任单位", "事项及理由"]
    proposals = {row[0] for row in ws.iter_rows(min_row=3, values_only=True) if row[0]}
    assert proposals == {"通报批评", "表彰"}
    r = _results(demo)
    praised = sum(1 for a in r.assessments if a.grade == r.grades[0])
    assert sum(1 for row in ws.iter_rows(min_row=3, values_only=True) if row[0] == "表彰") == praised
    assert ws.data_validations.dataValidation, "the proposal column has a drop-down"


def test_period_evaluation_of_2025_targets(demo: Demo) -> None:
    """2025 values entered and approved through the tracking service, then the 十四五 evaluation."""
    engine = make_engine(demo.url)
    plan = load_plan(PLAN)
    svc = TrackingService(engine, plan)
    office = Actor("office-test", "office")
    reviewer = Actor("office-reviewer", "office")  # nobody approves their own entry
    entered = {"renewable_capacity_2025": 300.0, "charging_piles_2025": 420.0}
    try:
        for ind_id, value in entered.items():
            ref = svc.record_value(office, ind_id, 2025, value)
            svc.submit(office, "value", ref.id)
            svc.approve(reviewer, "value", ref.id)
    finally:
        engine.dispose()
    out = demo.folder / "period.html"
    demo.cli("report", "period", "--from", "2021", "--to", "2025", "--out", str(out), "--annex",
             str(demo.folder / "period.xlsx"), "--as-of", "2026-03-01")  # fmt: skip
    html = out.read_text(encoding="utf-8")
    assert "“十四五”碳达峰目标完成情况评估报告（2021—2025年）" in html
    ws = openpyxl.load_workbook(demo.folder / "period.xlsx")["目标完成情况"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    renewable = next(i for i in plan.indicators if i.id == "renewable_capacity_2025")
    piles = next(i for i in plan.indicators if i.id == "charging_piles_2025")
    assert rows[renewable.name][4] == "是" and rows[renewable.name][5] == pytest.approx(300 - renewable.value)
    assert rows[piles.name][4] == "否" and rows[piles.name][5] == pytest.approx(420 - piles.value)
    assert len(rows) == sum(1 for i in plan.indicators if i.year == 2025 and i.kind != "qualitative")


def test_docx_bytes_are_deterministic(demo: Demo) -> None:
    a = demo.annual("d1.docx").read_bytes()
    b = demo.annual("d2.docx").read_bytes()
    assert a == b
    assert all(i.date_time == (2020, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(io.BytesIO(a)).infolist())
