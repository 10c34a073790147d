"""The key-emitters page (/key-units/emitters) in Chromium (Playwright on Debian's Chromium), at 1440
and 390 px: the office's list with its alerts in words, a refused and an accepted import, and a
firm's own years and report with its document. Screenshots in artifacts/screenshots/
(key-emitters-*); nothing sticks out sideways, no raw id or code is shown."""

from __future__ import annotations

import io
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from carbonpeak.ledgers.emitters_file import template
from carbonpeak.reports import file_bytes
from carbonpeak.services.emitters_demo import load as load_emitters
from carbonpeak.services.key_units_demo import load as load_key_units
from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.ledger_server import FIRM_A, ledger_live  # noqa: F401  (module fixture)
from tests.web.test_browser import SCREENSHOTS, Visit, browser  # noqa: F401  (module-scoped browser)

pytestmark = pytest.mark.browser

WIDTHS = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
PDF = "%PDF-1.4\n% 排放报告（示例数据）\n".encode()
RUBBER = "91120118EXAMP00048"  # 示例橡塑制品 of the demo registry, no key-emitter year in the demo
# what must never show on the page: enterprise codes, programme / state / alert codes
RAW = re.compile(
    r"91120118|\b(national_ets|city_list|verification_missing|report_missing|report_late|"
    r"compliance_missing|compliance_short|ledger_incomplete|no_figure)\b"
)
STATE_CODES = re.compile(
    r"\b(submitted|late|missing|pending|verified|fulfilled|unfulfilled|partial|agrees|gap)\b"
)


@pytest.fixture(scope="module")
def live(ledger_live: LiveServer) -> LiveServer:  # noqa: F811
    load_key_units(ledger_live.engine, None)  # 区工信局 (user dept_b) supervises the demo firms
    load_emitters(ledger_live.engine, None)  # 示例钢材压延 (national market), 示例铜铝材加工 (city list)
    with closing(login(ledger_live, "office")) as office:  # the demo metal-products firm listed for 2025
        office.headers["X-CSRF-Token"] = csrf_of(office)
        body = {"enterprise_id": FIRM_A, "year": 2025, "program": "city_list", "note": "示例数据"}
        listed = office.post("/api/v1/key-units/emitters", json=body)
        assert listed.status_code == 200, listed.text
    return ledger_live


def _page_width(visit: Visit) -> int:
    return int(visit.page.evaluate("document.documentElement.scrollWidth"))


def _sheet(tmp_path: Path, name: str, rows: list[list[Any]]) -> Path:
    """The office's import template filled below its header."""
    wb = load_workbook(io.BytesIO(file_bytes(template(), "xlsx")))
    ws = wb["重点排放单位"]
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_office_sees_the_list_and_imports(
    browser: Any,  # noqa: F811
    live: LiveServer,
    width: str,
    tmp_path: Path,
) -> None:
    visit = Visit(browser, live)
    visit.page.set_viewport_size(WIDTHS[width])
    try:
        visit.login("office")
        visit.goto("/key-units/emitters")
        visit.page.wait_for_selector("#emitters-table")
        main = visit.page.inner_text("main")
        assert "示例钢材压延有限公司（示例数据）" in main and "示例数据" in main
        assert not RAW.search(main) and not STATE_CODES.search(main), (
            RAW.search(main),
            STATE_CODES.search(main),
        )
        count = int(visit.page.inner_text("#emitters-alert-count").split("：")[1])
        assert count >= 2  # the steel firm's gap, the copper firm's missing verification (2025)
        steel = visit.page.locator("#emitters-table tbody tr", has_text="示例钢材压延").filter(
            has_text="2025"
        )
        alerts = steel.locator("ul.alerts li").all_inner_texts()
        assert any("偏差" in a for a in alerts), alerts
        visit.shot(f"key-emitters-{width}")
        assert _page_width(visit) <= WIDTHS[width]["width"]  # the table scrolls inside its box
        # a refused import: every problem located, nothing stored
        bad = _sheet(tmp_path, "排放.xlsx", [[RUBBER, 2021, "某市场"]])
        visit.page.set_input_files("#emitters-import input[type=file]", str(bad))
        visit.page.click("#emitters-import button[type=submit]")
        visit.page.wait_for_selector("#emitters-errors")
        errors = visit.page.inner_text("#emitters-errors")
        assert "排放.xlsx" in errors and "第3行" in errors and "纳入范围" in errors
        visit.shot(f"key-emitters-import-refused-{width}")
        assert _page_width(visit) <= WIDTHS[width]["width"]
        # an accepted one (a year of its own for each width)
        year = 2022 if width == "1440" else 2023
        good = _sheet(tmp_path, "排放2.xlsx", [[RUBBER, year, "市重点排放单位名录", "", "", "", None, "", "", "", None, None, None, None, None, "示例数据", "是"]])  # fmt: skip
        visit.page.set_input_files("#emitters-import input[type=file]", str(good))
        visit.page.click("#emitters-import button[type=submit]")
        visit.page.wait_for_selector("#emitters-done")
        assert visit.page.inner_text("#emitters-done") == "已保存：1"
        row = visit.page.locator(f'#emitters-table tr[data-year="{year}"]', has_text="示例橡塑制品")
        assert row.count() == 1 and "缺失" in row.inner_text()  # its report, due 31 March of the next year
        visit.goto("/key-units/emitters?lang=en")
        english = visit.page.inner_text("main")
        assert "Key emitters" in english and "Alerts" in english and not RAW.search(english)
        visit.shot(f"key-emitters-en-{width}")
        assert _page_width(visit) <= WIDTHS[width]["width"]
        # the refused import answered 422: the one console message
        assert len(visit.errors) == 1 and "status of 422" in visit.errors[0], visit.errors
        assert visit.hosts == {live.url.removeprefix("http://")}
    finally:
        visit.close()
    assert (SCREENSHOTS / f"key-emitters-{width}.png").is_file()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_firm_reports_its_own_year(browser: Any, live: LiveServer, width: str, tmp_path: Path) -> None:  # noqa: F811
    visit = Visit(browser, live)
    visit.page.set_viewport_size(WIDTHS[width])
    try:
        visit.login("firm_a")
        visit.goto("/key-units/emitters")
        visit.page.wait_for_selector("#emitters-table")
        rows = visit.page.locator("#emitters-table tbody tr")
        assert rows.count() == 1 and "示例金属制品有限公司" in rows.first.inner_text()
        assert visit.page.locator("#emitters-import").count() == 0  # the office's and department's
        main = visit.page.inner_text("main")
        assert "示例钢材压延" not in main and not RAW.search(main) and not STATE_CODES.search(main)
        document = tmp_path / "2025年排放报告.pdf"
        document.write_bytes(PDF)
        visit.page.select_option("#report-year", "2025")
        visit.page.fill("#submitted_on", "2026-03-20")
        visit.page.fill("#reported_t", "12345")
        visit.page.set_input_files("#report-file", str(document))
        visit.shot(f"key-emitters-firm-form-{width}")
        visit.page.click("#emitters-report button[type=submit]")
        visit.page.wait_for_selector("#emitters-done")
        assert visit.page.inner_text("#emitters-done") == "已保存：2025"
        row = visit.page.inner_text('#emitters-table tr[data-year="2025"]')
        assert "2025年排放报告.pdf" in row and "12,345" in row
        visit.shot(f"key-emitters-firm-{width}")
        assert _page_width(visit) <= WIDTHS[width]["width"]
        assert visit.errors == []
        assert visit.hosts == {live.url.removeprefix("http://")}
    finally:
        visit.close()
