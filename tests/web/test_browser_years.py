"""Closing a year in the browser: the office ticks the confirmation and closes a year on 年度关账,
the overview and 考核 then open on it (已关闭), and the shared selector switches to another year.
Screenshots artifacts/screenshots/years-{close,overview}-1440.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from carbonpeak.tracking.model import default_year
from tests.web.conftest import LiveServer, start
from tests.web.test_browser import SCREENSHOTS, Visit, browser

__all__ = ["browser"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("browser-years")
    yield from start(folder, secret_key="b" * 40)


def test_office_closes_a_year_and_the_pages_follow(browser: Any, fresh: LiveServer) -> None:
    rule = default_year(dt.date.today())
    closed = rule - 1
    visit = Visit(browser, fresh)
    visit.page.set_viewport_size({"width": 1440, "height": 900})
    try:
        visit.login("office")
        visit.goto("/years")
        assert visit.page.inner_text("#default-year").endswith(str(rule))
        form = visit.page.locator(f"#close-{closed}")
        form.locator('input[name="comment"]').fill("统计年鉴终审数")
        form.locator("button[type=submit]").click()  # the box is not ticked: the browser refuses
        assert "/years" in visit.page.url and visit.page.locator("#form-done").count() == 0
        form.locator('input[name="confirm"]').check()
        form.locator("button[type=submit]").click()
        visit.page.wait_for_load_state()
        assert str(closed) in visit.page.inner_text("#form-done")
        assert visit.page.get_attribute(f"#year-{closed}", "data-closed") == "yes"
        visit.shot("years-close-1440")
        for path in ("/", "/assessment"):
            visit.goto(path)
            assert visit.page.input_value("#year-select") == str(closed), path
            assert visit.page.inner_text("#year-closed") == "已关闭"
        visit.shot("years-overview-1440")
        visit.page.select_option("#year-select", str(rule))
        visit.page.click("#year-form button[type=submit]")
        visit.page.wait_for_load_state()
        assert f"year={rule}" in visit.page.url and visit.page.locator("#year-closed").count() == 0
        assert visit.errors == []
    finally:
        visit.close()
    assert (SCREENSHOTS / "years-close-1440.png").is_file()
