"""Browser tests: Playwright (Python) driving Debian's headless Chromium against the live server.

Chromium comes from Debian (``apt-get install chromium fonts-noto-cjk``, which ``make test`` does;
found as tests/web/conftest.py says), never from ``playwright install``. Screenshots of the main pages
go to artifacts/screenshots/.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, require
from tests.web.conftest import B_TASK, BROWSER_PARTS, CHROMIUM, PASSWORD, SHARED_TASK, LiveServer
from tests.web.test_indicator_page import demo

__all__ = ["demo"]

pytestmark = pytest.mark.browser

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(CHROMIUM.is_file(), f"Chromium at {CHROMIUM} ({BROWSER_PARTS})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A browser context on the live server that records console errors and every request's host."""

    def __init__(self, browser: Any, live: LiveServer) -> None:
        self.live = live
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.hosts.add(urlsplit(r.url).netloc))

    def goto(self, path: str) -> Any:
        return self.page.goto(self.live.url + path)

    def login(self, username: str) -> None:
        self.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("#login-submit")
        self.page.wait_for_load_state()

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, live: LiveServer) -> Iterator[Visit]:
    visit = Visit(browser, live)
    yield visit
    visit.close()


def test_login_and_overview(visit: Visit) -> None:
    visit.goto("/")
    assert visit.page.url.endswith("/login?next=/")
    visit.shot("login")
    visit.page.fill("#username", "office")
    visit.page.fill("#password", "not the password")
    visit.page.click("#login-submit")
    assert visit.page.inner_text("#login-error") == "用户名或密码错误"
    assert visit.errors == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
    visit.errors.clear()
    visit.login("office")
    assert urlsplit(visit.page.url).path == "/"
    assert "office 测试" in visit.page.inner_text("#current-user")
    visit.page.wait_for_selector("#actions-chart[data-rendered=true] canvas")
    assert visit.page.locator(".target-card").count() == 2
    visit.shot("overview")
    assert visit.errors == []  # no CSP violation, no script error
    assert visit.hosts == {urlsplit(visit.live.url).netloc}  # nothing fetched from elsewhere


def test_language_switch(visit: Visit) -> None:
    visit.login("viewer")
    assert visit.page.inner_text("nav.mainnav").split()[0] == "总览"
    visit.page.click("#lang-switch")
    visit.page.wait_for_load_state()
    assert visit.page.inner_text("nav.mainnav").split()[0] == "Overview"
    visit.shot("overview-en")
    visit.goto("/plan")  # the cookie keeps the choice
    assert "Plan" in visit.page.inner_text("nav.mainnav")
    assert "大力发展新能源" in visit.page.inner_text("main")
    visit.page.click("#lang-switch")
    visit.page.wait_for_load_state()
    assert visit.page.inner_text("nav.mainnav").split()[0] == "总览"


def test_department_cannot_open_another_departments_task(visit: Visit) -> None:
    visit.login("dept_a")
    assert urlsplit(visit.page.url).path == "/my/tasks"
    visit.shot("my-tasks")
    own = visit.goto(f"/tasks/{SHARED_TASK}")
    assert own.status == 200
    other = visit.goto(f"/tasks/{B_TASK}")
    assert other.status == 403
    assert visit.page.inner_text("#error-title") == "无权访问"
    assert visit.errors[-1].endswith("status of 403 (Forbidden)")
    assert "推动工业领域绿色低碳发展" not in visit.page.content()
    visit.shot("forbidden")


def test_screenshots_of_main_pages(visit: Visit) -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    require(bool(fonts.strip()), "Chinese fonts for the screenshots (apt-get install fonts-noto-cjk)")
    visit.login("office")
    for name, path in [
        ("plan", "/plan"),
        ("indicators", "/indicators"),
        ("indicator", "/indicators/renewable_capacity_2025"),
        ("task", f"/tasks/{SHARED_TASK}"),
        ("downloads", "/downloads"),
        ("users", "/admin/users"),
        ("audit", "/admin/audit"),
        ("public", "/public"),
    ]:
        response = visit.goto(path)
        assert response.status == 200, path
        visit.shot(name)
    visit.goto("/indicators")
    visit.page.select_option("select[name=action]", "industry")
    visit.page.click("#indicator-filters button")
    visit.page.wait_for_load_state()
    assert "action=industry" in visit.page.url
    assert visit.page.locator("#indicator-table tbody tr").count() == 1
    visit.shot("indicators-filtered")
    assert visit.errors == []


def test_screenshot_of_indicator_over_time(browser: Any, demo: LiveServer) -> None:
    """The indicator page on the Jinghai demo data: the table of years and the chart (actuals,
    required path, trend projection, target) drawn by /static/js/indicator.js under the CSP."""
    visit = Visit(browser, demo)
    try:
        visit.login("office")
        for name, indicator in [
            ("indicator-gas", "gas_consumption_2025"),
            ("indicator-non-fossil", "non_fossil_share_2025"),
            ("indicator-qualitative", "co2_peak_2030"),
        ]:
            response = visit.goto(f"/indicators/{indicator}")
            assert response.status == 200, indicator
            if indicator != "co2_peak_2030":
                visit.page.wait_for_selector("#indicator-chart[data-rendered=true]", timeout=10_000)
                assert visit.page.locator("#indicator-chart canvas").count() >= 1
                assert visit.page.locator("#indicator-years tbody tr").count() >= 6
            visit.shot(name)
        assert visit.errors == []
        assert visit.hosts <= {urlsplit(demo.url).netloc}  # everything from 'self'
    finally:
        visit.close()


def test_pending_has_its_own_style(visit: Visit) -> None:
    """待下达 (a target the city sets, not entered yet) is drawn unlike 无数据: its own colour, dashed."""
    visit.login("office")
    visit.goto("/indicators")
    pending = visit.page.locator(".badge.status-pending").first
    assert pending.inner_text() == "待下达"
    style = pending.evaluate(
        "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.borderTopStyle]; }"
    )
    nodata = visit.page.evaluate(
        "() => { const e = document.createElement('span'); e.className = 'badge status-no_data';"
        " document.body.append(e); const s = getComputedStyle(e); return [s.color, s.backgroundColor]; }"
    )
    assert style[2] == "dashed"
    assert style[0] == "rgb(25, 113, 194)" and style[1] == "rgb(255, 255, 255)"
    assert (style[0], style[1]) != tuple(nodata)
