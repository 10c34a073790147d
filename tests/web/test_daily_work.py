"""Daily work over real HTTP (issue 14): checks at entry answered on the form (the message next to
the field, what was typed kept), request errors of a page as a page in the user's language, the
department's to-do list and the office's review queue and late units on its home."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import IndicatorValueRow, TaskReportRow
from carbonpeak.tracking.entry import entry_rules
from carbonpeak.tracking.model import QUARTERS
from carbonpeak.tracking.rubric import load_rubric
from carbonpeak.tracking.tasks import report_due
from carbonpeak.tracking.todo import OVERDUE_WINDOW
from tests.web.conftest import B_TASK, LiveServer, csrf_of, signed_in, start

CAPACITY = "renewable_capacity_2025"  # a total in 万千瓦 of 区发改委 (dev_reform)
SHARE = "non_fossil_share_2025"  # a share in % of 区发改委


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start(tmp_path_factory.mktemp("daily"), secret_key="d" * 40)


@pytest.fixture(scope="module")
def users(daily: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(daily)


def _value(client: httpx.Client, indicator: str, year: int, value: str, **extra: str) -> httpx.Response:
    data = {"csrf_token": csrf_of(client), "year": str(year), "value": value, "step": "save", **extra}
    return client.post(f"/indicators/{indicator}/report", data=data, files={"evidence": ("", b"", "")})


def _stored(live: LiveServer, indicator: str, year: int) -> float | None:
    with Session(live.engine) as s:
        row = s.scalars(
            select(IndicatorValueRow).where(
                IndicatorValueRow.indicator_id == indicator, IndicatorValueRow.year == year
            )
        ).one_or_none()
        return None if row is None else row.value


def _field_error(page: httpx.Response, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page.text)
    assert found is not None, f"no message next to {field}"
    return html.unescape(found.group(1))


def _typed(page: httpx.Response, field: str) -> str:
    found = re.search(rf'id="{field}" name="{field}"[^>]*value="([^"]*)"', page.text)
    assert found is not None
    return html.unescape(found.group(1))


def test_numbers_as_typed_are_understood(daily: LiveServer, users: dict[str, httpx.Client]) -> None:
    dept = users["dept_a"]
    assert _value(dept, SHARE, 2021, "12,5").status_code == 303
    assert _stored(daily, SHARE, 2021) == 12.5
    assert _value(dept, CAPACITY, 2021, "1 234").status_code == 303
    assert _stored(daily, CAPACITY, 2021) == 1234.0
    assert _value(dept, CAPACITY, 2022, "1 234,5").status_code == 303
    assert _stored(daily, CAPACITY, 2022) == 1234.5
    # a value in another unit that converts is stored in the indicator's unit
    assert _value(dept, CAPACITY, 2023, "12 000", value_unit="MW").status_code == 303
    assert _stored(daily, CAPACITY, 2023) == pytest.approx(1200.0)


def test_bad_values_are_answered_on_the_form(daily: LiveServer, users: dict[str, httpx.Client]) -> None:
    dept = users["dept_a"]
    bad = _value(dept, CAPACITY, 2030, "12.5.3", data_source="部门统计")
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "不是数字" in _field_error(bad, "value")
    assert _typed(bad, "value") == "12.5.3" and _typed(bad, "data_source") == "部门统计"
    assert "请填写数值" in _field_error(_value(dept, CAPACITY, 2030, "  "), "value")
    assert "负数" in _field_error(_value(dept, CAPACITY, 2030, "-5"), "value")
    above = _value(dept, SHARE, 2030, f"{entry_rules().share_max + 20:g}")
    assert above.status_code == 422 and "100%" in _field_error(above, "value")
    wrong_unit = _value(dept, CAPACITY, 2030, "5", value_unit="吨")
    assert "不能换算" in _field_error(wrong_unit, "unit") and _typed(wrong_unit, "value_unit") == "吨"
    assert _stored(daily, CAPACITY, 2030) is None and _stored(daily, SHARE, 2030) is None
    english = _value(dept, CAPACITY, 2030, "abc", lang="en")
    assert english.status_code == 422


def test_ten_times_the_year_before_asks_to_confirm(daily: LiveServer, users: dict[str, httpx.Client]) -> None:
    dept = users["dept_a"]
    assert _value(dept, SHARE, 2023, "20").status_code == 303
    jumped = f"{20 * entry_rules().jump_factor * 0.45:g}"  # 90 %: 4.5×, no question
    assert _value(dept, SHARE, 2024, jumped).status_code == 303
    below = _value(dept, SHARE, 2025, f"{90 / entry_rules().jump_factor:g}")  # 10× below: asks too
    assert below.status_code == 422 and 'id="confirm"' in below.text
    # 10× off asks, and saving after ticking the box goes through
    asked = _value(dept, CAPACITY, 2024, "12000")  # 1200 the year before
    assert asked.status_code == 422 and "相差约 10 倍" in _field_error(asked, "value")
    assert 'id="confirm"' in asked.text and _typed(asked, "value") == "12000"
    assert _value(dept, CAPACITY, 2024, "12000", confirm="1").status_code == 303
    assert _stored(daily, CAPACITY, 2024) == 12000.0


def test_a_submitted_report_needs_its_narrative(daily: LiveServer, users: dict[str, httpx.Client]) -> None:
    dept = users["dept_b"]
    data = {
        "csrf_token": csrf_of(dept),
        "year": "2024",
        "period": "Q1",
        "status": "delayed",
        "narrative": " ",
        "step": "submit",
    }
    refused = dept.post(f"/tasks/{B_TASK}/report", data=data, files={"evidence": ("", b"", "")})
    assert refused.status_code == 422 and "请填写进展情况" in _field_error(refused, "narrative")
    assert re.search(r'<option value="delayed" selected', refused.text)  # the choice is kept
    with Session(daily.engine) as s:
        assert s.scalars(select(TaskReportRow).where(TaskReportRow.year == 2024)).first() is None


def test_a_page_with_a_bad_query_answers_a_page(users: dict[str, httpx.Client]) -> None:
    viewer = users["viewer"]
    bad = viewer.get("/?year=1999")
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "年度不能小于 2000" in bad.text and "填写有误" in bad.text
    english = viewer.get("/?year=abc&lang=en")
    assert english.status_code == 422 and "year must be a whole number" in english.text
    viewer.get("/?lang=zh-CN")
    api = viewer.get("/api/v1/assessment?year=abc")
    assert api.status_code == 422 and "query" in str(api.json()["detail"])


def test_the_to_do_list_of_a_department(daily: LiveServer, users: dict[str, httpx.Client]) -> None:
    dept, office = users["dept_b"], users["office"]
    today = dt.date.today()
    home = dept.get("/my/tasks")
    assert home.status_code == 200 and 'id="todo-table"' in home.text
    # the reports of the quarters begun of last year are overdue; its value for the year is missing
    assert "已逾期" in home.text and "尚未填报本年数值" in home.text
    rubric = load_rubric()
    overdue = [
        (y, q)
        for y in (today.year - 1, today.year)
        for q in QUARTERS
        if report_due(y, q, rubric) < today and today - report_due(y, q, rubric) <= OVERDUE_WINDOW
    ]
    assert overdue and all(f"{y}年第{'一二三四'[int(q[1]) - 1]}季度" in home.text for y, q in overdue)
    assert B_TASK not in re.sub(r'href="[^"]*"', "", home.text)  # names, not ids
    # a report returned with the office's comment: listed with it, the link opens that record
    year = today.year - 1
    data = {
        "csrf_token": csrf_of(dept),
        "year": str(year),
        "period": "Q2",
        "status": "in_progress",
        "narrative": "完成2家企业节能诊断",
        "step": "submit",
    }
    assert (
        dept.post(f"/tasks/{B_TASK}/report", data=data, files={"evidence": ("", b"", "")}).status_code == 303
    )
    with Session(daily.engine) as s:
        row_id = s.scalars(select(TaskReportRow.id).where(TaskReportRow.period == "Q2")).one()
    comment = {"csrf_token": csrf_of(office), "decision": "return", "comment": "请补充诊断报告"}
    assert office.post(f"/review/report/{row_id}", data=comment).status_code == 303
    home = dept.get("/my/tasks")
    assert "请补充诊断报告" in home.text and "被退回" in home.text
    link = re.search(r'<a href="([^"]*period=Q2[^"]*)" class="todo-link">', home.text)
    assert link is not None
    opened = dept.get(html.unescape(link.group(1)))
    assert "完成2家企业节能诊断" in opened.text  # the returned record, not a blank form
    assert re.search(r'name="version" value="\d+"', opened.text)


def test_the_office_home_shows_the_queue_and_late_units(users: dict[str, httpx.Client]) -> None:
    dept, office = users["dept_a"], users["office"]
    assert _value(dept, CAPACITY, 2021, "1 234", step="submit", version="1").status_code == 303
    home = office.get("/")
    assert home.status_code == 200 and 'id="office-todo"' in home.text
    total = re.search(r'id="review-total"><a href="/review">待审核：(\d+)', home.text)
    assert total is not None and int(total.group(1)) >= 1
    assert 'id="late-units"' in home.text and "区工信局" in home.text
    assert 'id="office-todo"' not in users["viewer"].get("/").text
