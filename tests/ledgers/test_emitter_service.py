"""Key emitters on SQLite and PostgreSQL: the office and the supervising department record, nobody
else; optimistic versions; the enterprise's own report with its document; the reconciliation with
the ledger's own CO2 (drafts not counted); alerts with reasons; the import all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carbonpeak.errors import ConflictError, NotFoundError
from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.services.emitters import EmitterService, parse_year
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.storage import make_engine, upgrade

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = Reviewer(LedgerActor("王主任", "office"))
DEPT = Reviewer(LedgerActor("张科长", "department"), "industry_it")
OTHER_DEPT = Reviewer(LedgerActor("李科长", "department"), "dev_reform")
VIEWER = Reviewer(LedgerActor("领导", "viewer"))
FIRM_A = LedgerActor("firm-a", "enterprise", A)
FIRM_B = LedgerActor("firm-b", "enterprise", B)
PDF = "%PDF-1.4\n% 排放报告（示例数据）\n".encode()


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry\n{A},示例甲（示例数据）,44\n{B},示例乙（示例数据）,31\n", encoding="utf-8"
    )
    EnterpriseService(engine).import_registry(OFFICE.actor, path)
    MonthReviewService(engine).set_supervisor(OFFICE.actor, A, "industry_it", source="test")
    ledger = EnterpriseService(engine, today=dt.date(2025, 12, 31))
    for month in range(1, 13):
        ledger.submit(
            FIRM_A,
            A,
            {"period": f"2024-{month:02d}", "lines": [{"fuel": "raw_coal", "amount": 100}]},
            source="api",
        )
    ledger.submit(
        FIRM_A,
        A,
        {"period": "2025-01", "lines": [{"fuel": "raw_coal", "amount": 100}]},
        source="api",
        status="draft",
    )
    yield engine
    engine.dispose()


def _svc(engine: Engine, tmp_path: Path, today: dt.date = dt.date(2026, 1, 15)) -> EmitterService:
    return EmitterService(engine, today=today, files_dir=tmp_path / "files")


def _ledger_co2(engine: Engine, year: int) -> float:
    """The ledger's own CO2 of firm A in ``year`` (submitted months), read through the ledger service."""
    rows = EnterpriseService(engine).reports(OFFICE.actor, A)
    return sum(r["co2_combustion"] + r["co2_electricity"] for r in rows if r["period"].startswith(f"{year}-"))


def test_record_reconcile_and_alert(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine, tmp_path)
    co2 = _ledger_co2(engine, 2024)
    assert co2 > 0
    verified = round(co2 * 1.10, 1)  # 10% above the ledger: a gap beyond the 5% tolerance
    rec = parse_year(
        {
            "enterprise_id": A,
            "year": 2024,
            "program": "national_ets",
            "sector": "发电",
            "verifier": "示例核查机构（示例数据）",
            "verified_on": "2025-06-20",
            "verified_t": verified,
            "allocated_t": co2,
            "illustrative": True,
        }
    )
    row = svc.record(OFFICE, rec, source="test")
    assert row["version"] == 1 and row["reconciliation"]["ledger_months"] == 12
    assert row["reconciliation"]["ledger_t"] == pytest.approx(co2)
    assert row["reconciliation"]["gap_share"] == pytest.approx(0.10, abs=1e-4)
    codes = [a["code"] for a in row["alerts"]]
    assert codes == ["report_missing", "compliance_missing", "gap"]
    # the 2025 draft month does not count: a 2025 year has an empty ledger
    svc.record(
        OFFICE, parse_year({"enterprise_id": A, "year": 2025, "program": "national_ets"}), source="test"
    )
    y2025 = svc.year(OFFICE, A, 2025)
    assert y2025["reconciliation"]["ledger_months"] == 0 and y2025["alerts"] == []  # nothing due yet
    # the supervising department records its unit, not another's; viewer and enterprise never
    svc.record(DEPT, rec.model_copy(update={"surrendered_t": verified, "surrendered_on": dt.date(2025, 12, 1)}),
               source="test", expected_version=1)  # fmt: skip
    with pytest.raises(ConflictError):
        svc.record(OFFICE, rec, source="test", expected_version=1)  # stale: the department saved version 2
    b_year = parse_year({"enterprise_id": B, "year": 2024, "program": "city_list"})
    for who in (OTHER_DEPT, DEPT, VIEWER, Reviewer(FIRM_B)):
        with pytest.raises(NotAllowedError):
            svc.record(who, b_year, source="test")
    svc.record(OFFICE, b_year, source="test")
    alerts = svc.alerts(OFFICE, 2024)
    assert {(a["enterprise_id"], a["code"]) for a in alerts} == {
        (A, "report_missing"),
        (A, "gap"),
        (B, "report_missing"),
        (B, "verification_missing"),
        (B, "compliance_missing"),
    }
    assert all(a["reason"] for a in alerts)
    assert next(a for a in alerts if a["code"] == "gap")["reason"].startswith("2024年度核查排放量")
    # who reads what
    assert [r["enterprise_id"] for r in svc.years(DEPT, 2024)] == [A]
    assert [r["enterprise_id"] for r in svc.years(Reviewer(FIRM_B))] == [B]
    with pytest.raises(NotAllowedError):
        svc.year(Reviewer(FIRM_B), A, 2024)
    with pytest.raises(NotAllowedError):
        svc.year(OTHER_DEPT, A, 2024)


def test_enterprise_submits_its_own_report_and_document(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine, tmp_path, today=dt.date(2025, 3, 1))
    with pytest.raises(NotFoundError):  # not listed yet
        svc.submit_report(FIRM_A, 2024, submitted_on=dt.date(2025, 2, 1), reported_t=1, source="test")
    svc.record(
        OFFICE, parse_year({"enterprise_id": A, "year": 2024, "program": "national_ets"}), source="test"
    )
    co2 = _ledger_co2(engine, 2024)
    row = svc.submit_report(
        FIRM_A,
        2024,
        submitted_on=dt.date(2025, 2, 20),
        reported_t=round(co2, 1),
        content=PDF,
        file_name="../2024年排放报告.pdf",
        source="test",
        expected_version=1,
    )
    assert row["report_state"] == "submitted" and row["report_document"] == "2024年排放报告.pdf"
    assert row["files"]["report"]["kind"] == "pdf" and row["version"] == 2
    assert row["reconciliation"]["basis"] == "reported" and row["reconciliation"]["state"] == "agrees"
    path, media, name = svc.document(Reviewer(FIRM_A), A, 2024, "report")
    assert path.read_bytes() == PDF and media == "application/pdf" and name == "2024年排放报告.pdf"
    with pytest.raises(NotAllowedError):
        svc.document(Reviewer(FIRM_B), A, 2024, "report")
    with pytest.raises(NotAllowedError):  # only the enterprise itself reports
        svc.submit_report(OFFICE.actor, 2024, submitted_on=dt.date(2025, 2, 1), reported_t=1, source="test")
    with pytest.raises(LedgerProblems) as bad:  # a report dated inside the year it reports
        svc.submit_report(FIRM_A, 2024, submitted_on=dt.date(2024, 12, 1), reported_t=1, source="test")
    assert bad.value.problems[0].field == "report_submitted_on"
    with pytest.raises(ConflictError):
        svc.submit_report(
            FIRM_A, 2024, submitted_on=dt.date(2025, 3, 1), reported_t=1, source="test", expected_version=1
        )
    verification = svc.attach_document(
        DEPT, A, 2024, "verification", PDF + b"v", "核查报告.pdf", source="test"
    )
    assert verification["files"]["verification"]["name"] == "核查报告.pdf"
    with pytest.raises(NotAllowedError):
        svc.attach_document(OTHER_DEPT, A, 2024, "verification", PDF, "x.pdf", source="test")


HEADER = "统一社会信用代码,排放年度,纳入范围,核查机构,核查日期,核查排放量（tCO2）,示例数据\n"


def test_import_all_or_nothing(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine, tmp_path)
    bad = tmp_path / "emitters.csv"
    bad.write_text(
        HEADER
        + f"{A},2024,全国碳排放权交易市场,示例核查,2025-06-01,1000,是\n{B},2024,全国碳排放权交易市场,,,-5,是\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerProblems) as caught:
        svc.import_file(OFFICE, bad)
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [
        ("emitters.csv", 3, "核查排放量（tCO2）")
    ]
    assert svc.years(OFFICE) == []
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + f"{A},2024,全国碳排放权交易市场,示例核查,2025-06-01,1000,是\n{B},2024,市重点排放单位名录,,,,是\n",
        encoding="utf-8",
    )
    with pytest.raises(NotAllowedError):  # the department does not supervise B: nothing stored
        svc.import_file(DEPT, good)
    assert svc.years(OFFICE) == []
    assert svc.import_file(OFFICE, good) == (2, 0)
    assert svc.import_file(OFFICE, good) == (0, 0)
    table = svc.table(OFFICE, 2024)
    assert len(table.rows) == 2 and "示例数据" in table.title


def test_demo_marks_two_units_with_a_gap_and_a_missing_verification(
    database_url: str, tmp_path: Path
) -> None:
    from carbonpeak.services import emitters_demo, enterprises_demo

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        enterprises_demo.load(engine, None)
        assert "4 years stored" in emitters_demo.load(engine, None)[0]
        assert "0 years stored" in emitters_demo.load(engine, None)[0]  # again: nothing changes
        svc = EmitterService(engine, today=dt.date(2026, 12, 7))
        rows = svc.years(OFFICE)
        assert {(r["year"], r["illustrative"]) for r in rows} == {(2024, True), (2025, True)}
        assert all("示例数据" in r["enterprise_name"] for r in rows)
        alerts = {(a["enterprise_id"][-5:], a["year"], a["code"]) for a in svc.alerts(OFFICE)}
        assert alerts == {("00022", 2025, "gap"), ("00035", 2025, "verification_missing")}
        steel = next(r for r in rows if r["enterprise_id"].endswith("00022") and r["year"] == 2025)
        months = EnterpriseService(engine).reports(OFFICE.actor, steel["enterprise_id"])
        ledger = sum(
            m["co2_combustion"] + m["co2_electricity"] for m in months if m["period"].startswith("2025")
        )
        assert steel["reconciliation"]["ledger_t"] == pytest.approx(ledger)
        assert steel["reconciliation"]["gap_share"] == pytest.approx(steel["verified_t"] / ledger - 1)
        first = next(r for r in rows if r["year"] == 2024)
        assert first["reconciliation"]["state"] == "ledger_incomplete"  # the demo ledger has 2025 only
    finally:
        engine.dispose()
