"""Browser test of the energy review (Playwright on Debian's Chromium): 区发改委 opens the 两高 ledger,
fills the review form and gets the printable review sheet; screenshot artifacts/screenshots/two-high-review.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from carbonpeak.services.two_high_demo import load as load_demo
from tests.web.conftest import LiveServer, start
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_high_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for live in start(tmp_path_factory.mktemp("twohigh-browser"), secret_key="w" * 40):
        load_demo(live.engine, None)
        yield live


def test_review_in_the_browser(browser: Any, two_high_live: LiveServer) -> None:  # noqa: F811
    visit = Visit(browser, two_high_live)
    try:
        visit.login("dept_a")
        visit.page.goto(two_high_live.url + "/two-high")
        assert "示例铜管材生产线" in visit.page.inner_text("#two-high-table")
        visit.page.click("#review-new")
        visit.page.wait_for_load_state()
        visit.page.fill("#name", "浏览器审查项目")
        visit.page.fill("#industry", "3311")
        visit.page.fill("#annual_output", "100")
        visit.page.fill("#start_year", "2026")
        visit.page.fill("#review_date", "2026-02-01")
        visit.page.fill("#amount_diesel", "1000")
        visit.page.select_option("#unit_diesel", "t")
        visit.page.click("#submit")
        visit.page.wait_for_load_state()
        # 1,000 t diesel × 1.4571 tce/t = 1,457.1 tce; 1,457.1 of 96,350 tce of room = 1.5% → 通过
        sheet = visit.page.inner_text("#review-sheet")
        assert "1,457.1" in sheet and "区级节能审查机关" in sheet
        assert visit.page.inner_text("#result") == "通过"
        assert visit.page.is_visible("#print")
        visit.page.emulate_media(media="print")
        assert not visit.page.is_visible("#print")  # the printed sheet has no buttons
        visit.page.emulate_media(media="screen")
        visit.shot("two-high-review")
        assert visit.errors == []
        assert visit.hosts == {two_high_live.url.removeprefix("http://")}
    finally:
        visit.close()
