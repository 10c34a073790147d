"""Browser test of the forestry page (Playwright on Debian's Chromium): the demo zone's offline map
draws its 13 parcels with the vendored ECharts, switches to land classes, no request leaves the
server; screenshot artifacts/screenshots/forestry.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)
from tests.web.test_forestry import forest_live, import_district  # noqa: F401  (module fixture)

pytestmark = pytest.mark.browser


def test_forestry_map_offline(browser: Any, forest_live: LiveServer) -> None:  # noqa: F811
    visit = Visit(browser, forest_live)
    try:
        visit.login("office")
        visit.page.goto(forest_live.url + "/forestry")
        visit.page.wait_for_selector('#forestry-map[data-ready="13"]')
        assert visit.page.locator("#forestry-map canvas").count() >= 1
        visit.page.select_option("#forestry-map-mode", "land_class")
        visit.shot("forestry")
        assert visit.errors == []
        assert visit.hosts == {forest_live.url.removeprefix("http://")}
    finally:
        visit.close()


def test_cover_chart_against_the_target(browser: Any, forest_live: LiveServer, tmp_path: Any) -> None:  # noqa: F811
    import_district(forest_live, tmp_path)
    visit = Visit(browser, forest_live)
    try:
        visit.login("viewer")
        visit.page.goto(forest_live.url + "/forestry?area=静海区")
        visit.page.wait_for_selector('#forestry-cover-chart[data-rendered="true"]')
        assert visit.page.locator("#forestry-cover-chart canvas").count() >= 1
        visit.shot("forestry-cover")
        assert visit.errors == []
        assert visit.hosts == {forest_live.url.removeprefix("http://")}
    finally:
        visit.close()
