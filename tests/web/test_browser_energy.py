"""Browser test of the energy room (Playwright on Debian's Chromium): a department opens the projects
page (capacity chart and Gantt drawn) and the charging map (drawn from the GeoJSON, no tile host
contacted); screenshots artifacts/screenshots/energy.png and charging.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)
from tests.web.test_energy_web import energy_live  # noqa: F401  (module fixture)

pytestmark = pytest.mark.browser


def test_energy_pages_draw_offline(browser: Any, energy_live: LiveServer) -> None:  # noqa: F811
    visit = Visit(browser, energy_live)
    try:
        visit.login("dept_a")
        visit.page.goto(energy_live.url + "/energy")
        visit.page.wait_for_selector("#capacity-chart[data-rendered=true]")
        visit.page.wait_for_selector("#gantt-chart[data-rendered=true]")
        assert "示例数据" in visit.page.inner_text("h1")
        visit.shot("energy")
        visit.page.goto(energy_live.url + "/charging?cell=1000")
        visit.page.wait_for_selector("#charging-map[data-rendered=true]")
        assert "近似" in visit.page.inner_text("#district-label")
        assert visit.page.locator("#charging-map canvas").count() >= 1
        visit.shot("charging")
        assert visit.errors == []
        assert visit.hosts == {energy_live.url.removeprefix("http://")}
    finally:
        visit.close()
