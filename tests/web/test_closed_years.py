"""The office closes a year (年度关账): the latest closed year is the default of every page that
shows a year (one shared year selector) and of the CLI's --year; closing is office-only, needs the
confirmation box and the CSRF token, refuses the current year and is audited; reopening restores the
rule without closed years. Over real HTTP on a fresh database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import AuditRow
from carbonpeak.tracking.model import default_year
from tests.web.conftest import LiveServer, csrf_of, login, start

# Every page with the shared selector, for the roles that read it (path, signed-in user).
PAGES = [
    ("/", "viewer"),
    ("/assessment", "viewer"),
    ("/assessment/dev_reform", "viewer"),
    ("/indicators", "viewer"),
    ("/indicators/non_fossil_share_2025", "viewer"),
    ("/tasks/energy.1", "viewer"),
    ("/my/tasks", "dept_a"),
    ("/reports", "viewer"),
    ("/reports", "dept_a"),
]


def test_the_latest_closed_year_wins() -> None:
    today = dt.date(2026, 12, 7)
    assert default_year(today, {2021, 2022, 2023, 2024, 2025}, closed={2023}) == 2023
    assert default_year(today, {2024}, closed={2022, 2023}) == 2023
    assert default_year(today, {2024, 2025}, closed=()) == 2025  # nothing closed: the old rule
    assert default_year(today, (), closed={2026}) == 2025  # a year not over is never the default


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-closed-years")
    yield from start(folder, secret_key="c" * 40)


def _selected(page: str) -> int:
    """The year selected in the shared selector of a page."""
    assert 'id="year-form"' in page, page[:300]
    chosen = re.search(r'id="year-select">.*?<option value="(\d{4})" selected', page, re.S)
    assert chosen is not None, page[page.index('id="year-form"') :][:600]
    return int(chosen.group(1))


def _act(client: httpx.Client, year: int, action: str, **form: str) -> httpx.Response:
    return client.post(f"/years/{action}", data={"csrf_token": csrf_of(client), "year": str(year), **form})


def _audits(server: LiveServer) -> list[str]:
    with Session(server.engine) as s:
        rows = s.scalars(select(AuditRow).where(AuditRow.table_name == "closed_years").order_by(AuditRow.id))
        return [r.action for r in rows]


def test_closing_a_year_moves_every_page_and_reopening_moves_it_back(fresh: LiveServer) -> None:
    office, viewer, dept = login(fresh, "office"), login(fresh, "viewer"), login(fresh, "dept_a")
    users = {"office": office, "viewer": viewer, "dept_a": dept}
    rule = default_year(dt.date.today())  # nothing stored, nothing closed: the last complete year
    closed = rule - 2
    try:
        for path, user in PAGES:
            page = users[user].get(path)
            assert page.status_code == 200, (path, page.text[:300])
            assert _selected(page.text) == rule, path
            assert "year_closed" not in page.text and 'id="year-closed"' not in page.text
            asked = users[user].get(path, params={"year": closed})
            assert _selected(asked.text) == closed, path  # ?year= is honoured everywhere
        # Refused: without the confirmation, without the CSRF token, by a department, the current year.
        assert _act(office, closed, "close").status_code == 422
        no_token = office.post("/years/close", data={"year": str(closed), "confirm": "yes"})
        assert no_token.status_code == 403
        assert _act(dept, closed, "close", confirm="yes").status_code == 403
        current = _act(office, dt.date.today().year, "close", confirm="yes")
        assert current.status_code == 422 and "尚未结束" in current.text
        assert _audits(fresh) == []
        done = _act(office, closed, "close", confirm="yes", comment="统计年鉴终审数")
        assert done.status_code == 303 and done.headers["location"].startswith("/years?done=close")
        listing = office.get(done.headers["location"]).text
        assert f"已关闭 {closed} 年度数据" in listing and "统计年鉴终审数" in listing
        assert re.search(rf'id="year-{closed}" data-closed="yes"', listing)
        assert re.search(r'id="default-year">[^<]*<strong>(\d{4})', listing).group(1) == str(closed)  # type: ignore[union-attr]
        again = _act(office, closed, "close", confirm="yes")
        assert again.status_code == 409 and "已关闭" in again.text
        for path, user in PAGES:
            page = users[user].get(path).text
            assert _selected(page) == closed, path
            assert 'id="year-closed"' in page, path
            assert _selected(users[user].get(path, params={"year": rule}).text) == rule, path
        assert _act(office, closed, "reopen", confirm="yes", comment="年鉴修订").status_code == 303
        for path, user in PAGES:
            assert _selected(users[user].get(path).text) == rule, path
        assert _act(office, closed, "reopen", confirm="yes").status_code == 409
        assert _audits(fresh) == ["close_year", "reopen_year"]
        assert viewer.get("/years").status_code == 403
    finally:
        for client in users.values():
            client.close()
