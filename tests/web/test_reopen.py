"""Reopening an approved figure for revision (修订) over real HTTP: the office reopens from the review
page with a reason, the department sees it returned with that reason, revises and submits; only the
office may reopen, and not without a reason."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import IndicatorValueRow
from tests.web.conftest import B_INDICATOR, LiveServer, csrf_of

YEAR = 2021  # no other web test writes this indicator and year


def _value(live: LiveServer) -> IndicatorValueRow:
    with Session(live.engine) as s:
        return s.scalars(
            select(IndicatorValueRow).where(
                IndicatorValueRow.indicator_id == B_INDICATOR, IndicatorValueRow.year == YEAR
            )
        ).one()


def test_office_reopens_an_approved_value(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    dept, office = clients["dept_b"], clients["office"]
    sent = dept.post(
        f"/api/v1/indicators/{B_INDICATOR}/values",
        json={"year": YEAR, "value": 4.0, "data_source": "快报", "submit": True},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert sent.status_code == 200, sent.text
    record_id = sent.json()["id"]
    approved = office.post(
        f"/api/v1/records/value/{record_id}/decision",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": csrf_of(office)},
    )
    assert approved.status_code == 200, approved.text

    # The review page offers the reopen form on the approved record (office only).
    page = office.get("/review").text
    assert f'id="reopen-value-{record_id}"' in page
    form = {"csrf_token": csrf_of(office), "decision": "reopen", "comment": ""}
    refused = office.post(f"/review/value/{record_id}", data=form)
    assert refused.status_code == 422 and _value(live).state == "approved"
    assert dept.post(f"/review/value/{record_id}", data={**form, "comment": "x"}).status_code == 403
    api = dept.post(
        f"/api/v1/records/value/{record_id}/decision",
        json={"decision": "reopen", "comment": "x"},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert api.status_code == 403 and _value(live).state == "approved"

    form["comment"] = "年鉴终值已发布，请按终值修订"
    assert office.post(f"/review/value/{record_id}", data=form).status_code == 303
    row = _value(live)
    assert (row.state, row.returns, row.comment) == ("returned", 0, "年鉴终值已发布，请按终值修订")

    # The department sees the reason and the history, revises and submits again.
    report_page = dept.get(f"/indicators/{B_INDICATOR}/report?year={YEAR}").text
    assert "年鉴终值已发布，请按终值修订" in report_page and "重新打开修订" in report_page
    version = re.search(r'name="version" value="(\d+)"', report_page)
    assert version is not None
    revised = dept.post(
        f"/indicators/{B_INDICATOR}/report",
        data={
            "csrf_token": csrf_of(dept),
            "year": str(YEAR),
            "value": "4.3",
            "data_source": "统计年鉴",
            "step": "submit",
            "version": version.group(1),
        },
        files={"evidence": ("", b"", "")},
    )
    assert revised.status_code == 303, revised.text
    row = _value(live)
    assert (row.state, row.value) == ("submitted", 4.3)
