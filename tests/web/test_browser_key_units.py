"""Browser test of the review (Playwright on Debian's Chromium): the demo enterprise submits a month,
its supervising department (区工信局) returns it with a comment on the review page, then sees the
budgets; screenshot artifacts/screenshots/key-units-review.png."""

from __future__ import annotations

from typing import Any

import pytest

from carbonpeak.services.key_units_demo import load as load_key_units
from tests.web.conftest import LiveServer
from tests.web.ledger_server import FIRM_A, ledger_live  # noqa: F401  (module fixture)
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = pytest.mark.browser


def test_department_returns_a_month_in_the_browser(browser: Any, ledger_live: LiveServer) -> None:  # noqa: F811
    load_key_units(ledger_live.engine, None)
    month = {
        "period": "2026-04",
        "lines": [{"fuel": "raw_coal", "amount": 12, "unit": "吨"}],
        "note": "示例数据",
    }
    with ledger_live.client(headers={"Authorization": f"Bearer {ledger_live.tokens['firm_a']}"}) as api:
        assert api.post("/api/v1/enterprise/reports", json=month).status_code == 200
    visit = Visit(browser, ledger_live)
    try:
        visit.login("dept_b")
        visit.page.goto(f"{ledger_live.url}/key-units/review")
        row = f'#review-table tr[data-enterprise="{FIRM_A}"][data-period="2026-04"]'
        visit.page.wait_for_selector(row)
        assert "8.6" in visit.page.inner_text(row)  # 12 t × 0.7143 = 8.57 tce
        visit.page.fill(f'{row} input[name="comment"]', "请补充原煤入库单")
        visit.shot("key-units-review")
        visit.page.click(f'{row} button[value="return"]')
        visit.page.wait_for_load_state()
        assert visit.page.inner_text("#review-done") == "已处理：2026-04"
        assert visit.page.query_selector(row) is None
        assert visit.errors == []
        assert visit.hosts == {ledger_live.url.removeprefix("http://")}
    finally:
        visit.close()
    with ledger_live.client(headers={"Authorization": f"Bearer {ledger_live.tokens['firm_a']}"}) as api:
        state = api.get("/api/v1/enterprise/review").json()["2026-04"]
        assert (state["state"], state["comment"], state["reviewed_by"]) == (
            "returned",
            "请补充原煤入库单",
            "dept_b",
        )
