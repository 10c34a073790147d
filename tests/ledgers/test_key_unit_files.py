"""On SQLite and PostgreSQL: the plan document's file (type from the content, size, stored once by
sha256, kept when the plan is saved again without one), the department's reads of the units it
supervises, and the database's daily sums equal to the pandas aggregation of the stored intervals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import LedgerError, NotAllowedError
from carbonpeak.ledgers.monitoring import daily, fuel_days, monthly
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.firm_plans import FirmPlanService
from carbonpeak.services.meters import MeterService
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage import meters as meter_repo
from carbonpeak.storage.month_review import set_supervisor

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
DEPT = LedgerActor("张科长", "department")
PDF = b"%PDF-1.4\n%%EOF\n"
PLAN = {
    "title": "碳达峰行动方案（示例数据）",
    "document": "",
    "adopted_on": "2025-03-01",
    "measures": [{"name": "余热回收", "expected_saving_tce": 50, "start": "2025-04-01", "due": "2026-03-31"}],
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


def test_the_plan_file_is_checked_and_stored_by_its_hash(engine: Engine, tmp_path: Path) -> None:
    files = tmp_path / "files"
    svc = FirmPlanService(engine, files_dir=files, max_bytes=64, today=dt.date(2026, 6, 1))
    with pytest.raises(LedgerError) as big:
        svc.save(FIRM_A, A, PLAN, source="test", document=(PDF + b"x" * 64, "方案.pdf"))
    assert "方案.pdf 有 79 字节，最多接受 64 字节" in big.value.describe("zh-CN")
    with pytest.raises(LedgerError) as kind:
        svc.save(FIRM_A, A, PLAN, source="test", document=(b"just words", "方案.pdf"))
    assert "类型为 txt" in kind.value.describe("zh-CN") and "pdf" in kind.value.describe("zh-CN")
    assert svc.plan(FIRM_A, A) is None and not files.exists()  # nothing stored
    saved = svc.save(FIRM_A, A, PLAN, source="test", document=(PDF, "../方案.pdf"))
    assert saved["document"] == "方案.pdf" and saved["file"]["type"] == "pdf"
    path, name, media = svc.document_file(OFFICE, A)
    assert (
        path.read_bytes() == PDF
        and path.parent.parent == files
        and (name, media) == ("方案.pdf", "application/pdf")
    )
    again = svc.save(FIRM_A, A, {**PLAN, "title": "修订版（示例数据）"}, source="test")
    assert again["version"] == 2 and again["file"]["sha256"] == saved["file"]["sha256"]
    rows = {r["enterprise_id"]: r for r in svc.overview_rows(OFFICE)}
    assert rows[A]["overdue"] == ["余热回收"] and rows[B]["plan"] is None and rows[B]["file"] is None
    with pytest.raises(NotAllowedError):
        svc.document_file(LedgerActor("firm-b", "enterprise", B), A)
    with pytest.raises(NotAllowedError):
        svc.overview_rows(FIRM_A)


def test_a_department_reads_the_meters_of_the_units_it_supervises(engine: Engine) -> None:
    svc = MeterService(engine, now=dt.datetime(2025, 4, 2, tzinfo=dt.UTC))
    svc.register(FIRM_A, A, {"code": "E1", "kind": "electricity"}, source="test")
    set_supervisor(engine, A, "industry_it", who="王主任", source="test")
    assert [r["enterprise_id"] for r in svc.overview(DEPT, "industry_it")] == [A]
    assert [r["enterprise_id"] for r in svc.overview(OFFICE)] == [A, B]
    assert svc.meters(DEPT, A, "industry_it")[0]["code"] == "E1"
    with pytest.raises(NotAllowedError):
        svc.meters(DEPT, A, "dev_reform")
    with pytest.raises(NotAllowedError):
        svc.quarantine(DEPT, B, "industry_it")
    with pytest.raises(NotAllowedError):
        svc.overview(FIRM_A)


def test_the_databases_daily_sums_equal_the_pandas_aggregation(engine: Engine) -> None:
    svc = MeterService(engine, now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    for code, kind in (("E1", "electricity"), ("S1", "steam")):
        svc.register(FIRM_A, A, {"code": code, "kind": kind, "enthalpy_gj_per_t": 2.8}, source="test")
    # across the local new year and month ends: 15-minute readings from 2025-12-30 to 2026-01-01
    times = pd.date_range("2025-12-30T00:00:00+08:00", "2026-01-01T12:00:00+08:00", freq="15min")
    rng = np.random.default_rng(7)
    rows = [
        {"meter": code, "time": t.isoformat(), "value": float(v), "unit": unit}
        for code, unit in (("E1", "kWh"), ("S1", "t"))
        for t, v in zip(times, np.cumsum(rng.uniform(1, 3, len(times))), strict=True)
    ]
    svc.ingest_rows(FIRM_A, A, rows, source="test")
    meters = {s.meter.meter_id: s.meter for s in meter_repo.meters(engine, A)}
    expected = (
        daily(meter_repo.intervals(engine, A), meters).sort_values(["fuel", "day"]).reset_index(drop=True)
    )
    found = fuel_days(meter_repo.meter_days(engine, [A])).sort_values(["fuel", "day"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    assert set(found["day"]) == {"2025-12-30", "2025-12-31", "2026-01-01"}
    year = fuel_days(meter_repo.meter_days(engine, [A], year=2025))
    assert set(year["day"]) == {"2025-12-30", "2025-12-31"}
    months = monthly(found)
    assert set(months["period"]) == {"2025-12", "2026-01"}
