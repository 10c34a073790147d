"""Browser test of the townships page (Playwright on Debian's Chromium): the office fills the
decomposition form by hand, a sum that does not add up is refused with the difference shown, a
correct one is stored and shown per member; no request leaves the server; screenshot
artifacts/screenshots/towns.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)
from tests.web.test_towns_web import towns_live  # noqa: F401  (module fixture)

pytestmark = pytest.mark.browser


def test_decomposition_form_in_the_browser(browser: Any, towns_live: LiveServer) -> None:  # noqa: F811
    visit = Visit(browser, towns_live)
    try:
        visit.login("office")
        visit.page.goto(towns_live.url + "/towns?year=2025")
        assert visit.page.locator("#towns-incomplete").is_visible()
        form = visit.page.locator("#towns-decompose-form")
        form.locator('select[name="quantity"]').select_option("energy_total")
        form.locator('select[name="method"]').select_option("manual")
        form.locator('input[name="district_target"]').fill("120")
        form.locator('input[name="target_chenguantun"]').fill("70")
        form.locator('input[name="target_daqiuzhuang"]').fill("40")
        form.locator('button[type="submit"]').click()
        visit.page.wait_for_selector("#towns-problems")
        assert "不符" in visit.page.locator("#towns-problems").inner_text()
        # the refused form keeps what was typed: correct one line and send again
        form = visit.page.locator("#towns-decompose-form")
        assert form.locator('input[name="target_chenguantun"]').input_value() == "70"
        form.locator('input[name="target_daqiuzhuang"]').fill("50")
        form.locator('button[type="submit"]').click()
        visit.page.wait_for_selector("#towns-energy_total-2025")
        table = visit.page.locator("#towns-energy_total-2025").inner_text()
        assert "陈官屯镇" in table and "大邱庄镇" in table
        visit.shot("towns")
        # the one refused form answered 422, as it should; nothing else went wrong
        assert [e for e in visit.errors if "422" not in e] == [] and len(visit.errors) == 1
        assert visit.hosts == {towns_live.url.removeprefix("http://")}
    finally:
        visit.close()


def test_review_of_a_member_value_in_the_browser(browser: Any, towns_live: LiveServer) -> None:  # noqa: F811
    """A town saves and submits a value; the office sees it 待审核 (not counted), returns it with the
    reason; the town sees the reason, submits again; the office approves and the value counts."""
    town, office = Visit(browser, towns_live), Visit(browser, towns_live)
    try:
        town.login("town_tb")
        office.login("office")
        town.goto("/towns?year=2025")
        form = town.page.locator("#towns-value-form")
        form.locator('select[name="quantity"]').select_option("energy_intensity_reduction")
        form.locator('input[name="value"]').fill("13")
        form.locator('button[value="submit"]').click()
        town.page.wait_for_selector("#towns-records tr[data-state='submitted']")
        office.goto("/towns?year=2025")
        assert office.page.locator("#towns-approved-only").is_visible()
        row = office.page.locator("#towns-records tr[data-state='submitted']").filter(
            has_text="单位地区生产总值能耗"
        )
        row.locator('input[name="comment"]').fill("请补充统计部门数据来源")
        row.locator('button[value="return"]').click()
        office.page.wait_for_selector("#towns-records tr[data-state='returned']")
        town.goto("/towns?year=2025")
        row = town.page.locator("#towns-records tr[data-state='returned']")
        assert "请补充统计部门数据来源" in row.inner_text()
        row.locator('button:has-text("提交审核")').click()
        town.page.wait_for_selector("#towns-records tr[data-state='submitted']")
        office.goto("/towns?year=2025")
        row = office.page.locator("#towns-records tr[data-state='submitted']").filter(
            has_text="单位地区生产总值能耗"
        )
        row.locator('button[value="approve"]').click()
        office.page.wait_for_selector("#towns-records tr[data-state='approved']")
        office.shot("towns-review")
        assert town.errors == [] and office.errors == []
        assert town.hosts | office.hosts == {towns_live.url.removeprefix("http://")}
    finally:
        town.close()
        office.close()
