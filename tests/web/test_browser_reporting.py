"""Browser test of reporting (Playwright on Debian's Chromium): a department submits a progress
report with an evidence file, the office approves it; screenshots of the reporting, review and
考核 pages go to artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import EvidenceFileRow, TaskReportRow
from tests.web.conftest import B_TASK, LiveServer
from tests.web.test_browser import Visit, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = pytest.mark.browser


def test_department_submits_with_evidence_and_office_approves(browser: Any, live: LiveServer) -> None:  # noqa: F811
    dept = Visit(browser, live)
    try:
        dept.login("dept_b")
        dept.goto("/my/tasks")
        dept.page.click(f'#my-task-table a[href="/tasks/{B_TASK}/report"]')
        dept.page.wait_for_load_state()
        dept.page.fill("#year", "2021")
        dept.page.select_option("#period", "Y")
        dept.page.select_option("#status", "done")
        dept.page.fill("#narrative", "已完成年度节能监察，覆盖重点用能单位12家（示例）。")
        dept.page.set_input_files(
            "#evidence",
            files=[
                {"name": "监察报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% carbonpeak\n"}
            ],
        )
        dept.page.click("#submit")
        dept.page.wait_for_load_state()
        assert dept.page.inner_text("#form-saved") == "已保存"
        record = dept.page.locator(".record").filter(has_text="2021").first
        assert "已报送" in record.inner_text()
        assert "监察报告.pdf" in record.inner_text()
        dept.shot("report-task")
        assert dept.errors == []
    finally:
        dept.close()
    with Session(live.engine) as s:
        row = s.scalars(
            select(TaskReportRow).where(TaskReportRow.task_id == B_TASK, TaskReportRow.year == 2021)
        ).one()
        assert (row.state, row.status, row.unit_id) == ("submitted", "done", "industry_it")
        files = s.scalars(select(EvidenceFileRow).where(EvidenceFileRow.owner_id == row.id)).all()
        assert [(f.display_name, f.media_type) for f in files] == [("监察报告.pdf", "application/pdf")]
        record_id = row.id

    office = Visit(browser, live)
    try:
        office.login("office")
        office.goto("/review")
        queued = office.page.locator(f"#queue-report-{record_id}")
        assert "监察报告.pdf" in queued.inner_text()
        office.shot("review")
        queued.locator("input[name=comment]").fill("材料齐全，同意")
        queued.locator("button.approve").click()
        office.page.wait_for_load_state()
        assert office.page.locator(f"#queue-report-{record_id}").count() == 0
        office.goto(f"/tasks/{B_TASK}/report?year=2021")
        office.page.locator(f"#record-report-{record_id} summary").click()
        history = office.page.inner_text(f"#record-report-{record_id}")
        assert "已审核" in history and "审核通过" in history and "材料齐全，同意" in history
        office.shot("report-task-approved")
        office.goto("/assessment?year=2021")
        assert office.page.locator("#assessment-table tbody tr").count() >= 2
        office.shot("assessment")
        office.goto("/assessment/industry_it?year=2021")
        assert office.page.inner_text("#unit-grade") in ("优秀", "良好", "合格", "不合格")
        office.shot("assessment-unit")
        office.goto("/")
        office.shot("overview-office")
        assert office.errors == []
    finally:
        office.close()
    with Session(live.engine) as s:
        assert s.get(TaskReportRow, record_id).state == "approved"  # type: ignore[union-attr]
