"""Daily work in Chromium (issue 14), at 1440 and 390 px, screenshots in the test's tmp dir:
the department's to-do list opening the record it names, checks at entry answered next to the field,
a page's bad query answered as a page, the review queue's filters and bulk approval, the audit log's
filters and the plan search, sortable tables, English when chosen, and no raw id or code on a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_browser import Visit, browser
from tests.web.test_indicator_page import start_jinghai_demo

__all__ = ["browser"]

pytestmark = pytest.mark.browser

WIDTHS = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
# what a raw code looks like on a page: a task id (efficiency.2), a snake_case id or code
# (coal_consumption_2025, reduce_by, on_track), a dotted action (login.success), a table row
# (task_reports#584) or a developer's route (/api/v1/…)
RAW = re.compile(r"\b[a-z]+\.\d+\b|\b[a-z]+(?:_[a-z0-9]+)+\b|\blogin\.[a-z]+\b|#\d+\b.*_|/api/v1")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start_jinghai_demo(tmp_path_factory.mktemp("todo-demo"))


def _visit(browser: Any, demo: LiveServer, width: str) -> Visit:
    visit = Visit(browser, demo)
    visit.page.set_viewport_size(WIDTHS[width])
    return visit


def _shot(visit: Visit, folder: Path, name: str, width: str) -> Path:
    path = folder / f"{name}-{width}.png"
    visit.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def _no_raw_codes(visit: Visit) -> None:
    text = visit.page.inner_text("main")
    found = RAW.search(text)
    assert found is None, f"raw code {found.group()!r} on {visit.page.url}"


def _fits(visit: Visit, width: str) -> None:
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_todo_opens_the_record_it_names(browser: Any, demo: LiveServer, width: str, tmp_path: Path) -> None:
    visit = _visit(browser, demo, width)
    try:
        visit.login("dept_a")
        assert visit.page.url.endswith("/my/tasks")
        visit.page.wait_for_selector("#todo-table")
        _shot(visit, tmp_path, "todo-department", width)
        _fits(visit, width)
        _no_raw_codes(visit)
        row = visit.page.locator("#todo-table tbody tr.todo-overdue").first
        assert "已逾期" in row.inner_text()
        row.locator("a.todo-link").click()
        visit.page.wait_for_selector("#report-form")
        # the form is of the period the list named
        period = visit.page.locator("#period").input_value()
        assert f"period={period}" in visit.page.url
        _shot(visit, tmp_path, "todo-opened", width)
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_checks_at_entry_on_the_form(browser: Any, demo: LiveServer, width: str, tmp_path: Path) -> None:
    visit = _visit(browser, demo, width)
    try:
        visit.login("dept_a")
        missing = visit.page.locator("#todo-table tbody tr.todo-missing a.todo-link").first
        missing.click()
        visit.page.wait_for_selector("#value-form")
        visit.page.fill("#value", "十二点五")
        visit.page.click("#save")
        visit.page.wait_for_selector("#value-error")
        assert "不是数字" in visit.page.inner_text("#value-error")
        assert visit.page.input_value("#value") == "十二点五"  # what was typed is kept
        _shot(visit, tmp_path, "entry-value-error", width)
        _fits(visit, width)
        # a progress report submitted without its narrative
        visit.goto("/my/tasks")
        visit.page.locator("#todo-table tbody tr.todo-overdue a.todo-link").first.click()
        visit.page.wait_for_selector("#report-form")
        visit.page.select_option("#status", "delayed")
        visit.page.fill("#narrative", "")
        visit.page.click("#submit")
        visit.page.wait_for_selector("#narrative-error")
        assert "请填写进展情况" in visit.page.inner_text("#narrative-error")
        assert visit.page.input_value("#status") == "delayed"
        _shot(visit, tmp_path, "entry-narrative-error", width)
        # a page's bad query: a page in Chinese, not JSON
        visit.goto("/?year=1999")
        assert "年度不能小于 2000" in visit.page.inner_text("main")
        _shot(visit, tmp_path, "bad-query", width)
    finally:
        visit.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_office_queue_audit_search_and_sorting(
    browser: Any, demo: LiveServer, width: str, tmp_path: Path
) -> None:
    visit = _visit(browser, demo, width)
    try:
        visit.login("office")
        visit.page.wait_for_selector("#office-todo")
        _shot(visit, tmp_path, "office-home", width)
        _no_raw_codes(visit)
        visit.goto("/review")
        visit.page.wait_for_selector("#review-filters")
        _shot(visit, tmp_path, "review-queue", width)
        _fits(visit, width)
        _no_raw_codes(visit)
        picks = visit.page.locator("#review-queue input.pick")
        if picks.count():
            before = picks.count()
            picks.first.check()
            visit.page.click("#bulk-approve")
            visit.page.wait_for_selector("#bulk-done")
            assert "已审核通过的记录数：1" in visit.page.inner_text("#bulk-done")
            assert visit.page.locator("#review-queue input.pick").count() == before - 1
        visit.goto("/admin/audit")
        visit.page.select_option("#audit-action", label="审核通过")
        visit.page.click("#audit-filter")
        visit.page.wait_for_selector("#audit-table, #audit-empty")
        assert "action=approve" in visit.page.url
        _shot(visit, tmp_path, "audit", width)
        _no_raw_codes(visit)
        visit.goto("/plan")
        visit.page.fill("#plan-q", "光伏 屋顶")
        visit.page.click("#plan-search-submit")
        visit.page.wait_for_selector("#search-table")
        assert "屋顶" in visit.page.inner_text("#search-table")
        _shot(visit, tmp_path, "plan-search", width)
        # a sortable table: a click sorts by the column, again reverses
        visit.goto("/indicators")
        header = visit.page.locator("table.sortable thead th button.sort").nth(1)
        header.click()
        cells = visit.page.locator("table.sortable tbody tr td:nth-child(2)").all_inner_texts()
        assert cells == sorted(cells, key=lambda c: c) or header.get_attribute("aria-sort") == "ascending"
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        _shot(visit, tmp_path, "sorted", width)
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_english_when_chosen(browser: Any, demo: LiveServer, width: str, tmp_path: Path) -> None:
    visit = _visit(browser, demo, width)
    try:
        visit.login("dept_a")
        visit.goto("/my/tasks?lang=en")
        text = visit.page.inner_text("#todo")
        assert "To do" in text and ("Overdue" in text or "Due" in text)
        assert not re.search(r"已逾期|待报送|尚未填报", text)
        _shot(visit, tmp_path, "todo-en", width)
        visit.goto("/assessment")
        head = visit.page.inner_text("table thead")
        assert not re.search(r"[\u4e00-\u9fff]", head), head
        _shot(visit, tmp_path, "assessment-en", width)
        visit.goto("/?year=1999")
        assert "year must be at least 2000" in visit.page.inner_text("main")
        visit.goto("/my/tasks?lang=zh-CN")
    finally:
        visit.close()
