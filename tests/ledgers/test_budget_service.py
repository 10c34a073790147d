"""Budgets on SQLite and PostgreSQL: import (all or nothing, located), progress from the stored
months (drafts do not count), alerts at the setting's shares, the roll-up, and who sees what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services.budgets import BudgetService
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.storage import make_engine, upgrade

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
FIRM_B = LedgerActor("firm-b", "enterprise", B)
HEADER = "统一社会信用代码,年度,预算 当量值（tce）,预算 等价值（tce）,预算 二氧化碳（tCO2）,预算下达文件,印发日期\n"


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry\n{A},示例甲（示例数据）,33\n{B},示例乙（示例数据）,31\n", encoding="utf-8"
    )
    EnterpriseService(engine).import_registry(OFFICE, path)
    ledger = EnterpriseService(engine, today=dt.date(2025, 12, 31))
    coal = [200, 200, 100, 100, 50, 50, 50, 50, 50, 50, 50, 50]  # t of raw coal: 1,000 t in 2024
    for month, tonnes in enumerate(coal, start=1):
        ledger.submit(
            FIRM_A,
            A,
            {"period": f"2024-{month:02d}", "lines": [{"fuel": "raw_coal", "amount": tonnes}]},
            source="api",
        )
    for month, tonnes in ((1, 240), (2, 220), (3, 120)):
        ledger.submit(
            FIRM_A,
            A,
            {"period": f"2025-{month:02d}", "lines": [{"fuel": "raw_coal", "amount": tonnes}]},
            source="api",
        )
    ledger.submit(
        FIRM_A,
        A,
        {"period": "2025-04", "lines": [{"fuel": "raw_coal", "amount": 999}]},
        source="web",
        status="draft",
    )
    yield engine
    engine.dispose()


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "budgets.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_progress_alerts_and_rollup(engine: Engine, tmp_path: Path) -> None:
    svc = BudgetService(engine)
    bad = _file(tmp_path, f"{A},2025,-1,1,1,静双碳办〔2025〕1号,2025-01-10\n{B},2025,1,1,1,,\n")
    with pytest.raises(LedgerProblems) as caught:
        svc.import_file(OFFICE, bad)
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (2, "预算 当量值（tce）"),
        (3, "预算下达文件"),
    }
    assert svc.budgets(OFFICE, 2025) == []
    with pytest.raises(NotAllowedError):
        svc.import_file(FIRM_A, bad)
    # A: 1,200 t of coal budget = 857.16 tce; B: a budget with no months yet
    good = _file(
        tmp_path,
        f"{A},2025,857.16,857.16,2500,静双碳办〔2025〕1号（示例数据）,2025-01-10\n{B},2025,100,100,250,同上,\n",
    )
    assert svc.import_file(OFFICE, good) == (2, 0)
    rows = {r["enterprise_id"]: r for r in svc.progress(OFFICE, 2025)}
    a = rows[A]["tce_calorific"]
    # 2025 Q1: 580 t × 0.7143 = 414.294 tce; in 2024 Q1 was 50% of the year → 828.588 tce = 96.7% of 857.16
    assert a["ytd"] == pytest.approx(580 * 0.7143)
    assert a["months"] == 3  # the April draft does not count
    assert a["covered_share"] == pytest.approx(0.5)
    assert a["projection"] == pytest.approx(1160 * 0.7143)
    assert a["projected_share"] == pytest.approx(1160 / 1200)
    assert (rows[A]["alert"], rows[A]["alert_label"]) == ("warning", "预警")
    assert rows[B]["tce_calorific"]["projection"] is None and rows[B]["alert"] == "within"
    assert [r["enterprise_id"] for r in svc.alerts(OFFICE, 2025)] == [A]
    assert BudgetService(engine, shares=[0.95, 0.97]).alerts(OFFICE, 2025)[0]["alert"] == "warning"
    assert BudgetService(engine, shares=[0.9, 0.96]).alerts(OFFICE, 2025)[0]["alert"] == "exceeded"
    up = svc.rollup(OFFICE, 2025)
    assert up["budget"]["tce_calorific"] == pytest.approx(957.16)
    assert up["last_year"]["tce_calorific"] == pytest.approx(1000 * 0.7143)
    assert up["headroom"]["illustrative"] is True and "remaining_energy_tce" in up["headroom"]
    # an enterprise sees its own budget only, and not the district roll-up
    assert [r["enterprise_id"] for r in svc.progress(FIRM_B, 2025)] == [B]
    with pytest.raises(NotAllowedError):
        svc.rollup(FIRM_A, 2025)
    again = _file(tmp_path, f"{A},2025,900,900,2500,静双碳办〔2025〕2号（示例数据）,2025-03-01\n")
    assert svc.import_file(OFFICE, again) == (0, 1)
