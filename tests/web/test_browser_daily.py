"""Daily work in the browser (issue 14): the year selector of the overview and the same status on the
list of indicators and on the indicator's page, at 1440 and 390 px, with screenshots in
artifacts/screenshots/ (daily-*)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from carbonpeak.services.tracking_demo import YEARS as DEMO_YEARS
from carbonpeak.tracking.model import default_year
from tests.web.conftest import LiveServer
from tests.web.test_browser import SCREENSHOTS, Visit, browser
from tests.web.test_indicator_page import demo

__all__ = ["browser", "demo"]

pytestmark = pytest.mark.browser

WIDTHS = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}


def _page_width(visit: Visit) -> int:
    return int(visit.page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("width", list(WIDTHS))
def test_year_selector_and_one_status(browser: Any, demo: LiveServer, width: str) -> None:
    visit = Visit(browser, demo)
    visit.page.set_viewport_size(WIDTHS[width])
    try:
        visit.login("viewer")
        # the demo's records are 2021–2024: while the last complete year has none, the latest with data
        shown = default_year(dt.date.today(), DEMO_YEARS)
        note = visit.page.inner_text("#status-note")
        assert str(shown) in note
        values = visit.page.eval_on_selector_all("#year-select option", "os => os.map(o => o.value)")
        years = [int(y) for y in values]
        assert shown in years and years == sorted(years, reverse=True)
        visit.shot(f"daily-overview-{width}")
        other = min(years)
        visit.page.select_option("#year-select", str(other))
        visit.page.click("#year-form button[type=submit]")
        visit.page.wait_for_load_state()
        assert f"year={other}" in visit.page.url and str(other) in visit.page.inner_text("#status-note")
        assert _page_width(visit) <= WIDTHS[width]["width"]  # nothing sticks out sideways
        visit.goto("/indicators")
        visit.shot(f"daily-indicators-{width}")
        assert _page_width(visit) <= WIDTHS[width]["width"]
        link = visit.page.locator('a[href="/indicators/non_fossil_share_2025"]').first
        listed = link.locator("xpath=ancestor::tr").locator(".badge").inner_text()
        visit.goto("/indicators/non_fossil_share_2025")
        assert visit.page.inner_text("#indicator-status") == listed
        assert listed in ("已达标", "进展顺利", "存在风险", "严重滞后", "无数据")
        visit.shot(f"daily-indicator-{width}")
        assert not re.search(r"\b(met|on_track|at_risk|off_track|no_data)\b", visit.page.inner_text("main"))
        assert visit.errors == []
    finally:
        visit.close()
    assert (SCREENSHOTS / f"daily-overview-{width}.png").is_file()
