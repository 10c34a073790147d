"""Reporting, review and assessment over real HTTP: the department submits, the office approves or
returns, the department never touches another unit's items, conflicts are explained."""

from __future__ import annotations

import csv
import hashlib
import io
import re

import httpx
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage.tables import EvidenceFileRow, IndicatorValueRow, TaskReportRow
from carbonpeak.tracking.model import Actor
from tests.web.conftest import B_INDICATOR, B_TASK, SHARED_TASK, LiveServer, csrf_of

VERSION = re.compile(r'name="version" value="(\d*)"')


def _count(live: LiveServer, cls: type[TaskReportRow] | type[IndicatorValueRow]) -> int:
    with Session(live.engine) as s:
        return int(s.scalar(select(func.count()).select_from(cls)) or 0)


def _record(live: LiveServer, cls: type[TaskReportRow], task: str, year: int, period: str) -> TaskReportRow:
    with Session(live.engine) as s:
        row = s.scalars(select(cls).where(cls.task_id == task, cls.year == year, cls.period == period)).one()
        s.expunge(row)
        return row


def _report(
    client: httpx.Client,
    task: str,
    *,
    year: int,
    period: str,
    status: str = "in_progress",
    narrative: str = "按计划推进",
    step: str = "submit",
    version: str = "",
    files: dict[str, tuple[str, bytes, str]] | None = None,
    **extra: str,
) -> httpx.Response:
    data = {
        "csrf_token": csrf_of(client),
        "year": str(year),
        "period": period,
        "status": status,
        "narrative": narrative,
        "step": step,
        "version": version,
        **extra,
    }
    return client.post(f"/tasks/{task}/report", data=data, files=files or {"evidence": ("", b"", "")})


def _decide(
    client: httpx.Client, kind: str, record_id: int, decision: str, comment: str = ""
) -> httpx.Response:
    data = {"csrf_token": csrf_of(client), "decision": decision, "comment": comment}
    return client.post(f"/review/{kind}/{record_id}", data=data)


def test_submit_with_evidence_then_office_approves(
    live: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    evidence = "光伏项目并网验收报告（示例）\n".encode()
    sent = _report(
        clients["dept_b"],
        B_TASK,
        year=2025,
        period="Q1",
        narrative="完成3家企业节能诊断",
        files={"evidence": ("../验收报告.txt", evidence, "text/plain")},
    )
    assert sent.status_code == 303, sent.text
    row = _record(live, TaskReportRow, B_TASK, 2025, "Q1")
    assert (row.state, row.unit_id, row.narrative) == ("submitted", "industry_it", "完成3家企业节能诊断")
    digest = hashlib.sha256(evidence).hexdigest()
    with Session(live.engine) as s:
        files = s.scalars(select(EvidenceFileRow).where(EvidenceFileRow.owner_id == row.id)).all()
    assert [(f.sha256, f.size, f.display_name) for f in files] == [(digest, len(evidence), "验收报告.txt")]
    assert (live.settings.resolved_evidence_dir() / digest[:2] / digest).read_bytes() == evidence

    queue = clients["office"].get("/review")
    assert f'id="queue-report-{row.id}"' in queue.text
    assert "验收报告.txt" in queue.text
    assert _decide(clients["office"], "report", row.id, "approve", "同意").status_code == 303
    assert _record(live, TaskReportRow, B_TASK, 2025, "Q1").state == "approved"
    page = clients["dept_b"].get(f"/tasks/{B_TASK}/report?year=2025&period=Q1")
    assert page.status_code == 200
    history = page.text[page.text.index(f'id="record-report-{row.id}"') :]
    for step in ("新建草稿", "报送", "审核通过"):
        assert step in history
    assert f'id="queue-report-{row.id}"' not in clients["office"].get("/review").text
    assert 'id="form-locked"' in page.text  # approved: the page says it cannot be changed
    # The evidence file opens for the unit and the office, not for another department.
    url = f"/records/report/{row.id}/evidence/{digest}"
    for who in ("dept_b", "office", "viewer"):
        got = clients[who].get(url)
        assert (got.status_code, got.content) == (200, evidence)
        assert got.headers["content-type"].startswith("text/plain")
    assert clients["dept_a"].get(url).status_code == 403
    assert clients["dept_b"].get(url.replace(digest, "0" * 64)).status_code == 404


def test_return_with_comment_then_resubmit(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    dept = clients["dept_a"]
    assert _report(dept, SHARED_TASK, year=2025, period="Q2", narrative="初稿").status_code == 303
    row = _record(live, TaskReportRow, SHARED_TASK, 2025, "Q2")
    assert row.unit_id == "dev_reform"
    # Returning needs a comment; without one nothing changes and the reason is shown.
    empty = _decide(clients["office"], "report", row.id, "return", "  ")
    assert empty.status_code == 422
    assert "comment" in empty.text
    assert _record(live, TaskReportRow, SHARED_TASK, 2025, "Q2").state == "submitted"
    assert _decide(clients["office"], "report", row.id, "return", "请补充项目进度佐证").status_code == 303
    returned = _record(live, TaskReportRow, SHARED_TASK, 2025, "Q2")
    assert (returned.state, returned.returns, returned.comment) == ("returned", 1, "请补充项目进度佐证")
    page = dept.get(f"/tasks/{SHARED_TASK}/report?year=2025&period=Q2")
    assert "请补充项目进度佐证" in page.text
    version = VERSION.search(page.text)
    assert version is not None and version.group(1) == str(returned.version)
    again = _report(
        dept, SHARED_TASK, year=2025, period="Q2", narrative="已补充进度说明", version=version.group(1)
    )
    assert again.status_code == 303, again.text
    final = _record(live, TaskReportRow, SHARED_TASK, 2025, "Q2")
    assert (final.state, final.narrative, final.returns) == ("submitted", "已补充进度说明", 1)


def test_department_cannot_write_another_units_items(
    live: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    dept_a = clients["dept_a"]
    before = (_count(live, TaskReportRow), _count(live, IndicatorValueRow))
    # Another unit's task and indicator, as page form and as API call: 403, nothing written.
    assert _report(dept_a, B_TASK, year=2025, period="Y").status_code == 403
    token = csrf_of(dept_a)
    value = {"csrf_token": token, "year": "2025", "value": "1", "step": "submit"}
    assert dept_a.post(f"/indicators/{B_INDICATOR}/report", data=value).status_code == 403
    api = dept_a.post(
        f"/api/v1/tasks/{B_TASK}/reports",
        json={"year": 2025, "status": "done", "submit": True},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403
    # A task both units share, reported in the other unit's name: the service refuses (403).
    shared = _report(dept_a, SHARED_TASK, year=2025, period="Y", unit_id="industry_it")
    assert shared.status_code == 403
    assert "industry_it" in shared.text
    # The other unit's record cannot be read either.
    assert dept_a.get(f"/tasks/{B_TASK}/report").status_code == 403
    assert (_count(live, TaskReportRow), _count(live, IndicatorValueRow)) == before
    # Nor can a department approve its own report.
    assert (
        clients["dept_b"]
        .post("/review/report/1", data={"csrf_token": csrf_of(clients["dept_b"])})
        .status_code
        == 403
    )


def test_optimistic_lock_conflict_is_explained(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    dept = clients["dept_b"]

    def save(value: str, version: str) -> httpx.Response:
        data = {
            "csrf_token": csrf_of(dept),
            "year": "2024",
            "value": value,
            "data_source": "区统计局",
            "step": "save",
            "version": version,
        }
        return dept.post(f"/indicators/{B_INDICATOR}/report", data=data, files={"evidence": ("", b"", "")})

    assert save("3.1", "").status_code == 303
    page = dept.get(f"/indicators/{B_INDICATOR}/report?year=2024")
    version = VERSION.search(page.text)
    assert version is not None and version.group(1) == "1"
    assert save("3.4", "1").status_code == 303  # the first editor saves version 1 → 2
    stale = save("9.9", "1")  # the second editor still holds version 1
    assert stale.status_code == 409
    assert "已被他人修改" in stale.text
    assert "版本 2" in stale.text
    with Session(live.engine) as s:
        row = s.scalars(
            select(IndicatorValueRow).where(
                IndicatorValueRow.indicator_id == B_INDICATOR, IndicatorValueRow.year == 2024
            )
        ).one()
        assert (row.value, row.version) == (3.4, 2)
        assert "区统计局" in row.source


def test_refused_evidence_leaves_nothing_saved(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    before = _count(live, TaskReportRow)
    bad = _report(
        clients["dept_b"],
        B_TASK,
        year=2023,
        period="Y",
        files={"evidence": ("payload.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/octet-stream")},
    )
    assert bad.status_code == 422
    assert "不接受" in bad.text
    assert _count(live, TaskReportRow) == before


def test_api_submit_and_decide(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    dept, office = clients["dept_a"], clients["office"]
    mine = dept.get("/api/v1/my/tasks").json()
    assert [t["id"] for t in mine["tasks"]] == [SHARED_TASK]
    assert all(r["unit_id"] == "dev_reform" for r in mine["records"])
    sent = dept.post(
        f"/api/v1/tasks/{SHARED_TASK}/reports",
        json={"year": 2024, "period": "Q4", "status": "done", "narrative": "API", "submit": True},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert sent.status_code == 200, sent.text
    ref = sent.json()
    assert ref["state"] == "submitted"
    queue = office.get("/api/v1/review").json()
    assert any(r["id"] == ref["id"] and r["kind"] == "report" for r in queue)
    stale = office.post(
        f"/api/v1/records/report/{ref['id']}/decision",
        json={"decision": "approve", "expected_version": ref["version"] - 1},
        headers={"X-CSRF-Token": csrf_of(office)},
    )
    assert stale.status_code == 409
    approved = office.post(
        f"/api/v1/records/report/{ref['id']}/decision",
        json={"decision": "approve", "expected_version": ref["version"]},
        headers={"X-CSRF-Token": csrf_of(office)},
    )
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert dept.get("/api/v1/review").status_code == 403
    # Evidence through the API: own draft yes; another unit's record no (nothing stored).
    draft = dept.post(
        f"/api/v1/tasks/{SHARED_TASK}/reports",
        json={"year": 2024, "period": "Q3", "status": "in_progress"},
        headers={"X-CSRF-Token": csrf_of(dept)},
    ).json()
    content = b"%PDF-1.4\n% api evidence\n"
    attached = dept.post(
        f"/api/v1/records/report/{draft['id']}/evidence",
        files={"file": ("进度.pdf", content, "application/pdf")},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert attached.status_code == 200, attached.text
    assert attached.json() == {
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "media_type": "application/pdf",
    }
    with Session(live.engine) as s:
        before = int(s.scalar(select(func.count()).select_from(EvidenceFileRow)) or 0)
    other = clients["dept_b"].post(
        f"/api/v1/records/report/{draft['id']}/evidence",
        files={"file": ("x.pdf", content, "application/pdf")},
        headers={"X-CSRF-Token": csrf_of(clients["dept_b"])},
    )
    assert other.status_code == 403
    with Session(live.engine) as s:
        assert int(s.scalar(select(func.count()).select_from(EvidenceFileRow)) or 0) == before


def test_assessment_pages_api_and_downloads(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    api = clients["dept_a"].get("/api/v1/assessment?year=2025").json()
    assert api["year"] == 2025
    units = {u["unit"]: u for u in api["units"]}
    assert {"dev_reform", "industry_it"} <= set(units)
    for u in units.values():
        lost = sum(d["points_lost"] for d in u["deductions"])
        assert abs(u["score"] - (100 - lost)) < 0.05
        assert u["grade"] in ("excellent", "good", "pass", "fail")
        assert u["grade_label"] in ("优秀", "良好", "合格", "不合格")
    # Every unit sees every scorecard (results are circulated, 通报): a department too.
    page = clients["dept_a"].get("/assessment?year=2025&sort=unit_name")
    assert page.status_code == 200
    for unit in ("dev_reform", "industry_it"):
        assert f'id="unit-{unit}"' in page.text
    other = clients["dept_a"].get("/assessment/industry_it?year=2025")
    assert other.status_code == 200
    assert units["industry_it"]["grade_label"] in other.text
    assert clients["firm"].get("/assessment").status_code == 403
    text = clients["viewer"].get("/assessment/export?year=2025&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["名次", "编号", "责任单位", "得分", "等次"]
    assert {r[1] for r in rows[1:]} == set(units)
    book = load_workbook(io.BytesIO(clients["office"].get("/assessment/export?year=2025").content))
    sheet = book["考核"]
    assert "2025年度考核" in str(sheet["A1"].value)
    assert sheet.max_row == len(units) + 2


def test_review_queue_download(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    assert _report(clients["dept_b"], B_TASK, year=2022, period="Y", narrative="待审下载").status_code == 303
    text = clients["office"].get("/review/export?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "记录号"
    assert any("待审下载" in r for r in rows[1:])
    book = load_workbook(io.BytesIO(clients["office"].get("/review/export").content))
    assert book.sheetnames == ["审核队列"]
    assert clients["viewer"].get("/review/export").status_code == 403


def test_overview_shows_the_tracking_status_and_office_alerts(
    live: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    office = clients["office"]
    token = csrf_of(office)
    # 非化石能源消费比重 > 10 % by 2025: 12 % reported (by its unit) and approved meets the target.
    saved = clients["dept_a"].post(
        "/api/v1/indicators/non_fossil_share_2025/values",
        json={"year": 2025, "value": 12, "data_source": "区统计局", "submit": True},
        headers={"X-CSRF-Token": csrf_of(clients["dept_a"])},
    )
    assert saved.status_code == 200, saved.text
    ref = saved.json()
    office.post(
        f"/api/v1/records/value/{ref['id']}/decision",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": token},
    )
    page = office.get("/").text
    card = page[page.index("non_fossil_share_2025") - 200 :][:800]
    assert "status-met" in card and "已达标" in card
    assert 'id="office-alerts"' in page  # the office sees its alerts
    assert 'id="office-alerts"' not in clients["dept_a"].get("/").text
    assert 'id="office-alerts"' not in clients["viewer"].get("/").text


def test_demo_data_are_marked_illustrative(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    office = clients["office"]
    assert 'class="illustrative"' not in office.get("/assessment?year=2025").text
    # a value the user labels 示例数据 is still the user's: only a demo loader marks demo rows
    saved = office.post(
        "/api/v1/indicators/renewable_capacity_2025/values",
        json={"year": 2025, "value": 20, "data_source": "示例数据"},
        headers={"X-CSRF-Token": csrf_of(office)},
    )
    assert saved.status_code == 200, saved.text
    assert office.get("/api/v1/assessment?year=2025").json()["illustrative"] is False
    demo = TrackingService(live.engine, live.app.state.plan, source="test demo (示例数据)", illustrative=True)
    demo.record_value(Actor("示例数据 demo", "office"), "renewable_capacity_2025", 2025, 20)
    assert office.get("/api/v1/assessment?year=2025").json()["illustrative"] is True
    for path in (
        "/",
        "/assessment?year=2025",
        "/review",
        "/indicators/renewable_capacity_2025/report?year=2025",
    ):
        assert "示例数据" in office.get(path).text, path
    book = load_workbook(io.BytesIO(office.get("/assessment/export?year=2025").content))
    assert "示例数据" in str(book["考核"]["A1"].value)


def test_assessment_table_sorts(clients: dict[str, httpx.Client]) -> None:
    scores = {
        u["unit"]: u["score"] for u in clients["office"].get("/api/v1/assessment?year=2025").json()["units"]
    }
    names = {"dev_reform": "区发改委", "industry_it": "区工信局", "townships": "各乡镇"}

    def order(sort: str) -> list[str]:
        page = clients["office"].get(f"/assessment?year=2025&sort={sort}").text
        return re.findall(r'<tr id="unit-([\w-]+)">', page)

    assert order("score") == sorted(scores, key=lambda u: (-scores[u], names.get(u, u)))
    assert order("-score") == sorted(scores, key=lambda u: (scores[u], names.get(u, u)))
    assert order("unit_name") == sorted(scores, key=lambda u: names.get(u, u))
    assert order("-unit_name") == sorted(scores, key=lambda u: names.get(u, u), reverse=True)
    assert order("nonsense") == order("score")
    assert order("deductions")  # by number of deductions: a permutation of the units
    assert sorted(order("deductions")) == sorted(scores)
