"""The review of enterprise monthly reports: the rules (domain) and the service on SQLite and
PostgreSQL — draft → submitted → approved / returned, comments, history of versions, the supervising
department, nobody reviewing their own, an approved month closed until the office reopens it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import LedgerError, NotAllowedError
from carbonpeak.ledgers.month_review import Reviewer, ReviewStateError, check_step, may_review, next_state
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.tables import AuditRow

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
CLERK = LedgerActor("李干事", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
GXJ = Reviewer(LedgerActor("工信局张科长", "department"), "gxj")
FGW = Reviewer(LedgerActor("发改委刘科长", "department"), "fgw")
MONTH = {"period": "2025-03", "lines": [{"fuel": "raw_coal", "amount": 100, "unit": "吨"}]}


def test_transitions_follow_the_tracking_flow() -> None:
    assert next_state("save", None) == "draft"
    assert next_state("submit", "draft") == "submitted"
    assert next_state("approve", "submitted") == "approved"
    assert next_state("return", "submitted") == "returned"
    assert next_state("submit", "returned") == "submitted"
    assert next_state("reopen", "approved") == "returned"
    for step, state in (
        ("approve", "draft"),
        ("return", "approved"),
        ("submit", "approved"),
        ("save", "approved"),
    ):
        with pytest.raises(ReviewStateError):
            next_state(step, state)


def test_who_reviews() -> None:
    supervisors = {A: "gxj"}
    assert may_review(Reviewer(OFFICE), B, supervisors)
    assert may_review(GXJ, A, supervisors) and not may_review(GXJ, B, supervisors)
    assert not may_review(FGW, A, supervisors)
    assert not may_review(Reviewer(FIRM_A), A, supervisors)
    assert not may_review(Reviewer(LedgerActor("v", "viewer")), A, supervisors)
    with pytest.raises(LedgerError, match="reason"):
        check_step("return", "  ")
    assert check_step("approve", "") == ""


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry,town\n{A},示例甲（示例数据）,33,大邱庄镇\n{B},示例乙（示例数据）,31,大邱庄镇\n",
        encoding="utf-8",
    )
    EnterpriseService(engine).import_registry(OFFICE, path)
    yield engine
    engine.dispose()


def _ledger(engine: Engine) -> EnterpriseService:
    return EnterpriseService(engine, today=dt.date(2025, 12, 31))


def test_submit_return_resubmit_approve_keeps_history(engine: Engine) -> None:
    ledger, svc = _ledger(engine), MonthReviewService(engine)
    ledger.submit(FIRM_A, A, MONTH, source="web", status="draft")
    assert svc.state(FIRM_A, A)["2025-03"]["state"] == "draft"
    assert svc.queue(Reviewer(OFFICE)) == []  # a draft waits for nobody
    ledger.submit(FIRM_A, A, MONTH, source="web")
    queue = svc.queue(Reviewer(OFFICE))
    assert [(q["enterprise_id"], q["period"], q["review"]["state"]) for q in queue] == [
        (A, "2025-03", "submitted")
    ]
    assert queue[0]["tce_calorific"] == pytest.approx(71.43)  # 100 t × 0.7143 tce/t
    with pytest.raises(ReviewStateError):  # only an approved month is reopened
        svc.review(Reviewer(OFFICE), A, "2025-03", "reopen", "x", source="test")
    back = svc.review(Reviewer(OFFICE), A, "2025-03", "return", "原煤数量与发票不符", source="test")
    assert (back["state"], back["comment"], back["returns"]) == ("returned", "原煤数量与发票不符", 1)
    corrected = {**MONTH, "lines": [{"fuel": "raw_coal", "amount": 120, "unit": "吨"}]}
    again = ledger.submit(FIRM_A, A, corrected, source="web")
    assert again["version"] == 3
    assert svc.state(FIRM_A, A)["2025-03"]["state"] == "submitted"
    with pytest.raises(LedgerError, match="version 3"):
        svc.review(Reviewer(OFFICE), A, "2025-03", "approve", source="test", expected_version=2)
    done = svc.review(Reviewer(OFFICE), A, "2025-03", "approve", "", source="test", expected_version=3)
    assert (done["state"], done["reviewed_by"]) == ("approved", "王主任")
    history = svc.history(Reviewer(OFFICE), A, "2025-03")
    assert [(h["step"], h["state"], h["report_version"]) for h in history] == [
        ("save", "draft", 1),
        ("submit", "submitted", 2),
        ("return", "returned", 2),
        ("submit", "submitted", 3),
        ("approve", "approved", 3),
    ]
    assert history[1]["lines"] == [["raw_coal", 100.0, "吨"]]  # the returned version is kept
    assert history[3]["lines"] == [["raw_coal", 120.0, "吨"]]
    assert history[2]["comment"] == "原煤数量与发票不符"
    # an approved month is closed to the enterprise until the office reopens it (修订)
    with pytest.raises(ReviewStateError):
        ledger.submit(FIRM_A, A, MONTH, source="web")
    assert ledger.report(FIRM_A, A, "2025-03")["version"] == 3  # nothing half written
    with pytest.raises(NotAllowedError):
        svc.review(GXJ, A, "2025-03", "reopen", "修订", source="test")
    svc.review(Reviewer(OFFICE), A, "2025-03", "reopen", "统计年报修订", source="test")
    assert ledger.submit(FIRM_A, A, MONTH, source="web")["version"] == 4
    with Session(engine) as s:
        actions = s.scalars(
            select(AuditRow.action)
            .where(AuditRow.table_name == "enterprise_report_reviews")
            .order_by(AuditRow.id)
        ).all()
    assert actions == ["save", "submit", "return", "submit", "approve", "reopen", "submit"]


def test_department_reviews_only_its_enterprises_and_nobody_their_own(engine: Engine) -> None:
    ledger, svc = _ledger(engine), MonthReviewService(engine)
    ledger.submit(FIRM_A, A, MONTH, source="api")
    with pytest.raises(NotAllowedError):
        svc.review(GXJ, A, "2025-03", "approve", source="test")  # not its enterprise yet
    with pytest.raises(NotAllowedError):
        svc.set_supervisor(LedgerActor("x", "department"), A, "gxj", source="test")
    svc.set_supervisor(OFFICE, A, "gxj", source="test")
    assert svc.supervisors(OFFICE) == {A: "gxj"}
    assert [q["enterprise_id"] for q in svc.queue(GXJ)] == [A] and svc.queue(FGW) == []
    with pytest.raises(NotAllowedError):
        svc.history(FGW, A, "2025-03")
    with pytest.raises(NotAllowedError):
        svc.review(FGW, A, "2025-03", "approve", source="test")
    with pytest.raises(NotAllowedError):
        svc.review(Reviewer(FIRM_A), A, "2025-03", "approve", source="test")
    assert svc.review(GXJ, A, "2025-03", "approve", source="test")["reviewed_by"] == "工信局张科长"
    with pytest.raises(NotFoundError):
        svc.review(Reviewer(OFFICE), B, "2025-03", "approve", source="test")


def test_nobody_approves_their_own_submission(engine: Engine) -> None:
    svc = MonthReviewService(engine)
    from carbonpeak.services.month_files import MonthFileService

    MonthFileService(engine, today=dt.date(2025, 12, 31)).save(CLERK, [(A, MONTH)], source="import 代报.xlsx")
    queue = svc.queue(Reviewer(CLERK))
    assert queue[0]["own"] is True
    with pytest.raises(NotAllowedError, match=r"submitted this version|自己"):
        svc.review(Reviewer(CLERK), A, "2025-03", "approve", source="test")
    assert svc.review(Reviewer(OFFICE), A, "2025-03", "approve", source="test")["state"] == "approved"
