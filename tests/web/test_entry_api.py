"""The checks at entry through the JSON API over real HTTP: a refused value answers 422 with the
field, the rule and what was expected; a question is answered with ``"confirm": true``; what the
checks flag is shown, in words, in the office's review queue (both languages)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import IndicatorValueRow
from carbonpeak.tracking.entry import entry_rules
from carbonpeak.units import display
from tests.web.conftest import B_TASK, LiveServer, csrf_of, signed_in, start

SHARE = "non_fossil_share_2025"  # a share in % of 区发改委 (dev_reform)
CAPACITY = "renewable_capacity_2025"  # a total in 万千瓦 of 区发改委


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start(tmp_path_factory.mktemp("entry_api"), secret_key="e" * 40)


@pytest.fixture(scope="module")
def users(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(server)


def _post(client: httpx.Client, indicator: str, **body: object) -> httpx.Response:
    return client.post(
        f"/api/v1/indicators/{indicator}/values", json=body, headers={"X-CSRF-Token": csrf_of(client)}
    )


def _stored(server: LiveServer, indicator: str, year: int) -> IndicatorValueRow | None:
    with Session(server.engine) as s:
        row: IndicatorValueRow | None = s.scalars(
            select(IndicatorValueRow).where(
                IndicatorValueRow.indicator_id == indicator, IndicatorValueRow.year == year
            )
        ).one_or_none()
        return row


def test_a_negative_share_is_refused_naming_field_rule_and_expected(
    server: LiveServer, users: dict[str, httpx.Client]
) -> None:
    refused = _post(users["dept_a"], SHARE, year=2024, value=-5)
    assert refused.status_code == 422
    (problem,) = refused.json()["problems"]
    assert problem["field"] == "value" and problem["rule"] == "negative"
    assert problem["rule_name"] == "不能为负数" and problem["expected"] == "不小于 0 的数"
    assert problem["action"] == "refuse" and problem["confirmable"] is False
    assert "不能为负数" in refused.json()["detail"]
    # confirming does not let a refused value in
    assert _post(users["dept_a"], SHARE, year=2024, value=-5, confirm=True).status_code == 422
    above = _post(users["dept_a"], SHARE, year=2024, value=entry_rules().share_max + 5)
    assert above.status_code == 422 and above.json()["problems"][0]["rule"] == "share_max"
    assert _stored(server, SHARE, 2024) is None


def test_a_jump_is_confirmed_and_flagged_for_the_reviewer(
    server: LiveServer, users: dict[str, httpx.Client]
) -> None:
    dept, office = users["dept_a"], users["office"]
    assert _post(dept, CAPACITY, year=2023, value=12, submit=True).status_code == 200
    big = 12 * entry_rules().jump_factor
    asked = _post(dept, CAPACITY, year=2024, value=big, submit=True)
    assert asked.status_code == 422
    (problem,) = asked.json()["problems"]
    assert problem["rule"] == "jump" and problem["confirmable"] is True
    assert '"confirm": true' in problem["message"]
    assert _stored(server, CAPACITY, 2024) is None
    saved = _post(dept, CAPACITY, year=2024, value=big, submit=True, confirm=True)
    assert saved.status_code == 200, saved.text
    queue = office.get("/review")
    row = queue.text.split(f'id="queue-value-{saved.json()["id"]}"')[1].split("</tr>")[0]
    factor = f"{entry_rules().jump_factor:.0f}"
    last = display.number(12.0)
    assert f"与上年相差过大：与上年数值 {last} 万千瓦 相差约 {factor} 倍（填报单位已确认）" in row
    english = office.get("/review?lang=en")
    row_en = english.text.split(f'id="queue-value-{saved.json()["id"]}"')[1].split("</tr>")[0]
    assert f"far off the year before: about {factor} times off last year&#39;s {last} 万千瓦" in row_en
    assert "(confirmed by the unit)" in row_en
    office.get("/review?lang=zh-CN")
    unflagged = office.get("/review").text.split(f'id="queue-value-{_id(server, CAPACITY, 2023)}"')[1]
    assert "entry-flag" not in unflagged.split("</tr>")[0]


def _id(server: LiveServer, indicator: str, year: int) -> int:
    row = _stored(server, indicator, year)
    assert row is not None
    return row.id


def test_an_api_report_submitted_without_narrative_is_refused(users: dict[str, httpx.Client]) -> None:
    dept = users["dept_b"]
    refused = dept.post(
        f"/api/v1/tasks/{B_TASK}/reports",
        json={"year": 2024, "period": "Q2", "status": "in_progress", "narrative": " ", "submit": True},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "narrative"
