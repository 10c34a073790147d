"""Long pages that scale (issue 14), over real HTTP: the review queue's filters and its bulk
approval (CSRF, one audit row per record, refusals named), the audit log's filters, words and pages,
and the plan search narrowed to what the caller may see."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import AuditRow, IndicatorValueRow, TaskReportRow
from carbonpeak.web.admin.audit import PAGE_SIZE
from tests.web.conftest import B_TASK, SHARED_TASK, LiveServer, csrf_of, signed_in, start


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start(tmp_path_factory.mktemp("lists"), secret_key="l" * 40)


@pytest.fixture(scope="module")
def users(lists: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(lists)


def _submit(client: httpx.Client, task: str, year: int, period: str) -> None:
    data = {
        "csrf_token": csrf_of(client),
        "year": str(year),
        "period": period,
        "status": "in_progress",
        "narrative": f"{year}{period} 按计划推进",
        "step": "submit",
    }
    answer = client.post(f"/tasks/{task}/report", data=data, files={"evidence": ("", b"", "")})
    assert answer.status_code == 303, answer.text


def _picks(page: str) -> list[str]:
    return re.findall(r'name="record" value="([^"]+)" form="bulk-form"', page)


def _audits(live: LiveServer, action: str) -> int:
    with Session(live.engine) as s:
        return int(s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action == action)) or 0)


def test_review_filters_and_bulk_approval(lists: LiveServer, users: dict[str, httpx.Client]) -> None:
    office = users["office"]
    for period in ("Q1", "Q2", "Q3"):
        _submit(users["dept_b"], B_TASK, 2024, period)
    _submit(users["dept_a"], SHARED_TASK, 2024, "Q1")
    queue = office.get("/review")
    assert len(_picks(queue.text)) == 4 and 'id="review-filters"' in queue.text
    only_b = office.get("/review", params={"unit": "industry_it"})
    assert len(_picks(only_b.text)) == 3 and "区发改委" not in only_b.text.split('id="review-queue"')[1]
    q2 = office.get("/review", params={"unit": "industry_it", "period": "Q2"})
    assert len(_picks(q2.text)) == 1
    assert len(_picks(office.get("/review", params={"kind": "value"}).text)) == 0
    # approve the three of 区工信局 at once; no CSRF token, nothing happens
    picks = _picks(only_b.text)
    assert office.post("/review/bulk", data={"record": picks}).status_code == 403
    before = _audits(lists, "approve")
    done = office.post(
        "/review/bulk",
        data={"csrf_token": csrf_of(office), "record": picks, "back": "unit=industry_it"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "done=3" in done.headers["location"]
    assert "unit=industry_it" in done.headers["location"]
    assert _audits(lists, "approve") == before + 3  # one audit row per record
    with Session(lists.engine) as s:
        states = s.scalars(select(TaskReportRow.state).where(TaskReportRow.unit_id == "industry_it")).all()
    assert sorted(states) == ["approved"] * 3
    page = office.get(done.headers["location"])
    assert 'id="bulk-done"' in page.text and "已审核通过的记录数：3" in page.text
    # the same (stale) picks again: each refused by name, nothing approved twice
    again = office.post("/review/bulk", data={"csrf_token": csrf_of(office), "record": picks})
    assert again.status_code == 409 and again.text.count("推动工业领域绿色低碳发展") >= 3
    assert _audits(lists, "approve") == before + 3
    assert office.post("/review/bulk", data={"csrf_token": csrf_of(office)}).status_code == 422
    assert (
        users["dept_b"].post("/review/bulk", data={"csrf_token": csrf_of(users["dept_b"])}).status_code == 403
    )
    with Session(lists.engine) as s:
        assert s.scalar(select(func.count()).select_from(IndicatorValueRow)) == 0


def test_audit_log_filters_words_and_pages(lists: LiveServer, users: dict[str, httpx.Client]) -> None:
    office = users["office"]
    for _ in range(PAGE_SIZE // 4 + 1):  # enough sign-ins for a second page
        for name in ("viewer", "dept_a", "dept_b", "office"):
            client = lists.client()
            token = csrf_of(client)
            client.post("/login", data={"username": name, "password": "wrong password", "csrf_token": token})
            client.close()
    page = office.get("/admin/audit")
    shown = re.sub(r"<[^>]+>", " ", page.text)  # what a reader sees (not the options' codes)
    assert page.status_code == 200 and "登录失败" in shown and "login." not in shown
    assert "task_reports" not in shown, shown[
        shown.find("task_reports") - 200 : shown.find("task_reports") + 50
    ]
    assert 'id="audit-next"' in page.text and 'id="audit-previous"' not in page.text
    second = office.get("/admin/audit", params={"page": 2})
    assert 'id="audit-previous"' in second.text
    first_rows = re.findall(r"<tr><td", page.text)
    assert len(first_rows) == PAGE_SIZE
    mine = office.get("/admin/audit", params={"user": "dept_a", "action": "login.failure"})
    rows = re.findall(r"<tr><td[^>]*>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", mine.text)
    assert rows and all(who == "dept_a" and what == "登录失败" for who, what in rows)
    reports = office.get("/admin/audit", params={"kind": "task_reports", "since": "2000-01-01"})
    table = re.sub(r"<[^>]+>", " ", reports.text.split('id="audit-table"')[1])
    assert "任务进展记录 #" in table and "登录失败" not in table and "task_reports" not in table
    none = office.get("/admin/audit", params={"until": "2000-01-01"})
    assert 'id="audit-empty"' in none.text
    bad = office.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]
    english = office.get("/admin/audit", params={"lang": "en", "action": "login.failure"})
    assert "sign-in failed" in english.text
    office.get("/admin/audit", params={"lang": "zh-CN"})


def test_plan_search(users: dict[str, httpx.Client]) -> None:
    office, dept_a = users["office"], users["dept_a"]
    found = office.get("/plan", params={"q": "工业 绿色低碳"})
    assert found.status_code == 200 and 'id="search-table"' in found.text
    assert f'href="/tasks/{B_TASK}"' in found.text.split('id="search-results"')[1].split("</section>")[0]
    # 区发改委 does not see 区工信局's task in its results
    narrowed = dept_a.get("/plan", params={"q": "工业 绿色低碳"})
    results = narrowed.text.split('id="search-results"')[1].split("</section>")[0]
    assert f"/tasks/{B_TASK}" not in results
    nothing = office.get("/plan", params={"q": "不存在的词语甲乙"})
    assert 'id="search-none"' in nothing.text
    assert 'id="search-results"' not in office.get("/plan").text
