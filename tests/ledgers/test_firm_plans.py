"""One plan per firm (一企一策): the plan's rules, its storage on SQLite and PostgreSQL (replaced,
versioned, audited), units without a plan and measures overdue, the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.firm_plans import FirmPlanService
from carbonpeak.storage import make_engine, upgrade

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
PLAN = {
    "title": "示例金属制品有限公司碳达峰行动方案（示例数据）",
    "document": "一企一策-示例.pdf",
    "adopted_on": "2025-03-01",
    "measures": [
        {"name": "空压机变频改造", "expected_saving_tce": 120, "start": "2025-04-01", "due": "2025-09-30"},
        {
            "name": "屋顶光伏",
            "expected_saving_tce": 300,
            "start": "2025-05-01",
            "due": "2026-06-30",
            "status": "in_progress",
        },
        {
            "name": "燃煤锅炉改电",
            "expected_saving_tce": 80,
            "start": "2025-01-01",
            "due": "2025-06-30",
            "status": "dropped",
        },
    ],
}


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry\n{A},示例甲（示例数据）,33\n{B},示例乙（示例数据）,31\n", encoding="utf-8"
    )
    EnterpriseService(engine).import_registry(OFFICE, path)
    yield engine
    engine.dispose()


def test_plan_saved_followed_and_scoped(engine: Engine) -> None:
    svc = FirmPlanService(engine, today=dt.date(2025, 12, 1))
    bad = {**PLAN, "measures": [{**PLAN["measures"][0], "due": "2025-01-01"}]}  # type: ignore[dict-item]
    with pytest.raises(LedgerProblems) as caught:
        svc.save(FIRM_A, A, bad, source="test")
    assert caught.value.problems[0].field == "measures.0"
    with pytest.raises(NotAllowedError):
        svc.save(FIRM_A, B, PLAN, source="test")
    saved = svc.save(FIRM_A, A, PLAN, source="test")
    assert saved["version"] == 1
    assert saved["expected_saving_tce"] == 420  # the dropped measure does not count
    # on 2025-12-01 the compressor retrofit (due 2025-09-30, not done) is overdue
    assert [m["overdue"] for m in saved["measures"]] == [True, False, False]
    over = svc.overview(OFFICE)
    assert (over["with_plan"], over["without_plan"]) == ([A], [B])
    assert over["overdue"] == {A: ["空压机变频改造"]}
    done = {**PLAN, "measures": [{**PLAN["measures"][0], "status": "done"}]}  # type: ignore[dict-item]
    assert svc.save(FIRM_A, A, done, source="test")["version"] == 2
    assert svc.overview(OFFICE)["overdue"] == {}
    with pytest.raises(NotAllowedError):
        svc.overview(FIRM_A)
    with pytest.raises(NotAllowedError):
        svc.plan(LedgerActor("firm-b", "enterprise", B), A)
    assert svc.plan(FIRM_A, A)["title"] == PLAN["title"]  # type: ignore[index]
