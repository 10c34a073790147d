"""Key emitters, the domain by hand: deadlines from the data, the state of each step, the
reconciliation with the ledger on the programme's basis, the alerts with their reasons, and the
import file (all or nothing, every problem located)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.emitters import EmitterYear, LedgerCO2, assess, deadline, rules
from carbonpeak.ledgers.emitters_file import read_emitters, template

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"


def _year(**kw: object) -> EmitterYear:
    return EmitterYear(**{"enterprise_id": A, "year": 2024, "program": "national_ets", **kw})  # type: ignore[arg-type]


def test_data_carries_source_version_and_marks_assumptions() -> None:
    data = rules()
    assert data["version"] == 1 and "第二十五条" in data["source"]
    for program in data["programs"].values():
        for step in ("report", "verification", "compliance"):
            entry = program["deadlines"][step]
            assert entry["source"] and isinstance(entry["assumption"], bool)
    national = data["programs"]["national_ets"]["deadlines"]
    assert national["report"]["assumption"] is False and "3月31日" in national["report"]["source"]
    assert national["verification"]["assumption"] and national["compliance"]["assumption"]
    assert deadline("national_ets", "report", 2024) == dt.date(2025, 3, 31)
    assert deadline("national_ets", "verification", 2024) == dt.date(2025, 6, 30)
    assert deadline("city_list", "compliance", 2025) == dt.date(2026, 12, 31)


def test_nothing_recorded_is_pending_before_and_alerted_after_each_deadline() -> None:
    bare = _year()
    early = assess(bare, None, dt.date(2025, 3, 31))  # the deadline day itself is still in time
    assert (early["report_state"], early["verification_state"], early["compliance_state"]) == (
        "pending",
        "pending",
        "pending",
    )
    assert early["alerts"] == []
    april = assess(bare, None, dt.date(2025, 4, 1))
    assert [a["code"] for a in april["alerts"]] == ["report_missing"]
    assert "2025年3月31日" in april["alerts"][0]["zh"] and "2025-03-31" in april["alerts"][0]["en"]
    later = assess(bare, None, dt.date(2026, 1, 1))
    assert [a["code"] for a in later["alerts"]] == [
        "report_missing",
        "verification_missing",
        "compliance_missing",
    ]
    assert later["reconciliation"]["state"] == "no_figure"


def test_verified_against_the_ledger_on_the_programmes_basis() -> None:
    ledger = LedgerCO2(months=12, co2_combustion=9_000.0, co2_electricity=1_000.0, co2_heat=2_000.0)
    rec = _year(
        report_submitted_on=dt.date(2025, 3, 20),
        reported_t=10_200,
        verifier="示例核查机构",
        verified_on=dt.date(2025, 6, 10),
        verified_t=10_400,
        allocated_t=10_000,
        surrendered_t=10_400,
        surrendered_on=dt.date(2025, 12, 1),
        compliance="fulfilled",
    )
    out = assess(rec, ledger, dt.date(2026, 1, 1))
    recon = out["reconciliation"]
    # national market: combustion + electricity = 10,000 t (heat left out); 10,400 is +4% → agrees
    assert recon["ledger_t"] == 10_000.0 and recon["basis"] == "verified"
    assert recon["gap_t"] == pytest.approx(400.0) and recon["gap_share"] == pytest.approx(0.04)
    assert recon["state"] == "agrees" and out["alerts"] == []
    assert out["compliance_state"] == "fulfilled" and out["shortfall_t"] == 0.0
    # the same unit on the city's list compares its whole CO2 (12,000 t): −13.3% → a gap
    city = assess(rec.model_copy(update={"program": "city_list"}), ledger, dt.date(2026, 1, 1))
    assert city["reconciliation"]["ledger_t"] == 12_000.0
    assert city["reconciliation"]["gap_share"] == pytest.approx(-1_600 / 12_000)
    gap = [a for a in city["alerts"] if a["code"] == "gap"]
    assert len(gap) == 1 and "-13.3%" in gap[0]["zh"] and "5%" in gap[0]["zh"]
    # a tighter tolerance flags the national figure too
    assert assess(rec, ledger, dt.date(2026, 1, 1), tolerance=0.03)["reconciliation"]["state"] == "gap"
    # an incomplete ledger is not compared, and says why
    short = assess(rec, LedgerCO2(11, 9_000.0, 1_000.0, 0.0), dt.date(2026, 1, 1))
    assert short["reconciliation"]["state"] == "ledger_incomplete"
    assert "11 个月" in short["reconciliation"]["reason_zh"]
    assert not [a for a in short["alerts"] if a["code"] == "gap"]


def test_late_report_short_surrender_and_reported_figure_before_verification() -> None:
    rec = _year(report_submitted_on=dt.date(2025, 4, 15), reported_t=5_000, surrendered_t=4_000,
                surrendered_on=dt.date(2025, 12, 20))  # fmt: skip
    out = assess(rec, LedgerCO2(12, 5_000.0, 0.0, 0.0), dt.date(2025, 7, 1))
    codes = [a["code"] for a in out["alerts"]]
    assert codes == ["report_late", "verification_missing", "compliance_short"]
    assert out["report_state"] == "late" and out["compliance_state"] == "partial"
    assert out["owed_t"] == 5_000 and out["shortfall_t"] == 1_000
    assert "差 1,000 t" in out["alerts"][2]["zh"]
    assert out["reconciliation"]["basis"] == "reported" and out["reconciliation"]["state"] == "agrees"
    unfulfilled = assess(_year(compliance="unfulfilled"), None, dt.date(2025, 5, 1))
    assert [a["code"] for a in unfulfilled["alerts"]] == ["report_missing", "compliance_short"]
    assert "未履约" in unfulfilled["alerts"][1]["zh"]


def test_model_refuses_inconsistent_records() -> None:
    with pytest.raises(ValidationError, match="应在 2024 年之后"):
        _year(report_submitted_on=dt.date(2024, 12, 1))
    with pytest.raises(ValidationError, match="核查机构"):
        _year(verified_t=100, verified_on=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="报送日期"):
        _year(reported_t=100)
    with pytest.raises(ValidationError):
        _year(program="eu_ets")
    with pytest.raises(ValidationError):
        _year(enterprise_id="123")


HEADER = (
    "统一社会信用代码,排放年度,纳入范围,排放报告报送日期,报告排放量（tCO2）,核查机构,核查日期,"
    "核查排放量（tCO2）,清缴配额（tCO2）,清缴日期,履约状态\n"
)


def test_file_is_read_all_or_nothing_with_located_problems(tmp_path: Path) -> None:
    bad = tmp_path / "emitters.csv"
    bad.write_text(
        HEADER
        + f"{A},2024,全国碳排放权交易市场,2025-03-20,1000,示例核查,2025-06-01,1050,1050,2025-12-01,已履约\n"
        + f"{B},2024,欧盟,,,,,,,,\n"
        + f"{B},2025,市重点排放单位名录,2025-03-01,abc,,,,,,\n"
        + f"{A},2025,市重点排放单位名录,,,,,900,,,\n"
        + f"{A},2024,全国碳排放权交易市场,,,,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerProblems) as caught:
        read_emitters(bad)
    located = {(p.row, p.column) for p in caught.value.problems}
    assert located == {
        (3, "纳入范围"),
        (4, "报告排放量（tCO2）"),
        (5, "核查日期"),
        (6, "统一社会信用代码"),
    }
    assert all(p.file == "emitters.csv" for p in caught.value.problems)
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + f"{A},2024,全国碳排放权交易市场,2025-03-20,1000,示例核查,2025-06-01,1050,1050,2025-12-01,已履约\n",
        encoding="utf-8",
    )
    (record,) = read_emitters(good)
    assert (record.program, record.verified_t, record.compliance) == ("national_ets", 1050.0, "fulfilled")
    headings = [c.heading() for c in template().columns]
    assert "纳入范围" in headings and "履约状态" in headings
