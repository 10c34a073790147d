"""Browser test of the enterprise ledger (Playwright on Debian's Chromium): the demo enterprise signs
in, reports a month through the form and sees it in its table; screenshot artifacts/screenshots/enterprise.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import LiveServer
from tests.web.ledger_server import FIRM_A, ledger_live  # noqa: F401  (module fixture)
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = pytest.mark.browser


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
