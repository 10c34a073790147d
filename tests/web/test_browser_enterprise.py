"""Browser test of the enterprise ledger (Playwright on Debian's Chromium): the demo enterprise signs
in, reports a month through the form and sees it in its table; screenshot artifacts/screenshots/enterprise.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.units import display
from tests.web.conftest import LiveServer
from tests.web.ledger_server import FIRM_A, ledger_live  # noqa: F401  (module fixture)
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = pytest.mark.browser
NEW_FIRM = "91120118EXAMP00991"  # registered by the office, no month reported yet


def test_enterprise_reports_a_month_in_the_browser(browser: Any, ledger_live: LiveServer) -> None:  # noqa: F811
    visit = Visit(browser, ledger_live)
    try:
        visit.login("firm_a")
        assert visit.page.url.endswith("/enterprise")
        assert visit.page.inner_text("#enterprise-id") == FIRM_A
        visit.page.wait_for_selector("#enterprise-chart[data-rendered=true]")
        visit.page.fill("#period", "2026-02")
        visit.page.fill("#output_value", "5800")
        visit.page.fill("#amount_electricity", "118.5")
        visit.page.select_option("#unit_electricity", "万千瓦时")
        visit.page.fill("#amount_natural_gas", "19.2")
        visit.page.select_option("#unit_natural_gas", "万立方米")
        visit.page.click("#submit")
        visit.page.wait_for_load_state()
        assert visit.page.inner_text("#form-saved") == "已保存：2026-02"
        row = visit.page.inner_text('#enterprise-reports tr[data-period="2026-02"]')
        # 118.5 万kWh × 0.1229 kgce/kWh + 19.2 万m3 × 12.143 tce = 145.6365 + 233.1456 = 378.78 tce
        assert "378.78" in row and "已报送" in row and "web" in row
        visit.page.wait_for_selector("#enterprise-chart[data-rendered=true]")
        visit.shot("enterprise")
        assert visit.errors == []
        assert visit.hosts == {ledger_live.url.removeprefix("http://")}
    finally:
        visit.close()


def test_an_enterprise_that_has_not_filed_shows_not_filed(
    browser: Any,  # noqa: F811
    ledger_live: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Issue 14: on the office's ledger an enterprise with no report in the year shows 未报送 in its
    latest-month and year-to-date cells, never 0.0 tce; one that filed shows its figures."""
    office = LedgerActor("tests", "office", None)
    svc = EnterpriseService(ledger_live.engine)
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "id,name,industry,town,two_high,two_high_category,benchmark_product\n"
        f"{NEW_FIRM},新列入企业（示例数据）,33,大邱庄镇,否,,无\n",
        encoding="utf-8",
    )
    svc.import_registry(office, registry)
    year, rows = svc.ledger(office)
    silent = [r["id"] for r in rows if r["ytd_months"] == 0 and r["reports"] == 0]
    filed = [r for r in rows if r["ytd_months"] > 0]
    assert year is not None and silent and filed  # the demo registry has both
    visit = Visit(browser, ledger_live)
    try:
        visit.login("office")
        visit.goto("/enterprises")
        for enterprise in silent:
            row = visit.page.locator(f'tr:has(a[href="/enterprises/{enterprise}"])')
            cells = row.locator("td").all_inner_texts()
            assert cells[-4:] == ["未报送"] * 4, cells
            assert row.locator("td.not-filed").count() == 3
            assert "0.0" not in " ".join(cells)
        shown = visit.page.locator(f'tr:has(a[href="/enterprises/{filed[0]["id"]}"])')
        assert shown.locator("td.not-filed").count() == 0
        assert shown.locator("td.num").first.inner_text() == display.number(filed[0]["ytd_tce_calorific"], 1)
        visit.shot("enterprise-ledger-not-filed")
        assert visit.errors == []
    finally:
        visit.close()
