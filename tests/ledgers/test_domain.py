"""The ledger domain: 统一社会信用代码, the registry model, report validation and the computation,
checked against hand-computed worked examples with the accounting package's coefficients."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from carbonpeak.ledgers import (
    EnergyReport,
    Enterprise,
    LedgerProblems,
    Method,
    ReportLine,
    compute,
    parse_report,
    uscc_check_char,
    uscc_problem,
)
from carbonpeak.ledgers.access import LedgerActor, check_may_read, check_may_write
from carbonpeak.ledgers.errors import NotAllowedError

TODAY = dt.date(2025, 12, 31)
DEMO = "91120118EXAMP0001Y"


def test_uscc_check_character_of_a_published_example() -> None:
    # The example code printed in GB 32100-2015 style guides: 91350100M000100Y43 — check character 3.
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert uscc_problem("91350100M000100Y43") is None
    assert "expected '3'" in (uscc_problem("91350100M000100Y44") or "")
    assert "18" in (uscc_problem("9135") or "")
    assert "'I'" in (uscc_problem("91350100M000100YI3") or "")


def test_enterprise_flags_come_from_the_division() -> None:
    steel = Enterprise(id=DEMO, name="示例", industry="31 黑色金属冶炼和压延加工业", two_high=True)
    assert (steel.industry, steel.industry_name, steel.six_high) == ("31", "黑色金属冶炼和压延加工业", True)
    metal = Enterprise(id=DEMO, name="示例", industry="33", benchmark_product="无")
    assert (metal.six_high, metal.benchmark_product) == (False, None)
    with pytest.raises(ValidationError) as err:
        Enterprise(id="91120118EXAMP0001X", name="示例", industry="99", two_high_category="纺织")
    text = str(err.value)
    assert "check character" in text and "division" in text and "纺织" in text


def test_worked_example_raw_coal_electricity_heat() -> None:
    """1,000 t raw coal, 100 万kWh, 500 GJ heat in 2025-03, output 2,000 万元.

    calorific: 1000 × 0.7143 + 1e6 × 0.0001229 + 500 × 0.03412 = 714.3 + 122.9 + 17.06 = 854.26 tce
    coal substitution: 714.3 + 1e6 × 0.000305 + 17.06 = 1036.36 tce
    CO2 raw coal: 1000 × 19.57 GJ/t × 26.1 tC/TJ × 0.93 × 44/12 / 1000 = 1741.7496 t
    CO2 electricity: 1000 MWh × 0.6361 (north_china 2023, nearest to 2025) = 636.1 t; heat 500 × 0.11 = 55 t
    """
    report = parse_report(
        {
            "period": "2025-03",
            "lines": [
                {"fuel": "raw_coal", "amount": "1,000", "unit": "吨"},
                {"fuel": "electricity", "amount": 100, "unit": "万千瓦时"},
                {"fuel": "heat", "amount": 500, "unit": "GJ"},
            ],
            "output_value": 2000,
        },
        DEMO,
        today=TODAY,
    )
    row = compute([report]).iloc[0]
    assert row["tce_calorific"] == pytest.approx(854.26)
    assert row["tce_coal_substitution"] == pytest.approx(1036.36)
    assert row["co2_combustion"] == pytest.approx(1000 * 19.57 * 26.1 * 0.93 * 44 / 12 / 1000)
    assert row["co2_electricity"] == pytest.approx(636.1)
    assert row["co2_heat"] == pytest.approx(55.0)
    assert row["co2_total"] == pytest.approx(1741.7496 + 636.1 + 55.0, rel=1e-6)
    assert row["tce_per_10k_yuan"] == pytest.approx(854.26 / 2000)
    sources = Method().sources([2025])
    assert sources["grid_year_used"] == {2025: 2023}
    assert sources["calorific"].startswith("gbt2589@")


def test_units_convert_and_reports_are_independent() -> None:
    """万立方米 of gas: 10 万m3 × 12.143 tce = 121.43 tce; 2 reports, one without output value."""
    gas = EnergyReport(
        enterprise_id=DEMO, period="2024-01", lines=[ReportLine(fuel="natural_gas", amount=100000, unit="m3")]
    )
    empty = EnergyReport(enterprise_id=DEMO, period="2024-02", lines=[])
    table = compute([gas, empty])
    assert table["tce_calorific"].tolist() == pytest.approx([121.43, 0.0])
    assert table["tce_per_10k_yuan"].isna().all()


def test_validation_reports_every_problem_with_its_field() -> None:
    with pytest.raises(LedgerProblems) as err:
        parse_report(
            {
                "period": "2026-01",
                "lines": [
                    {"fuel": "coal", "amount": 1, "unit": "t"},
                    {"fuel": "diesel", "amount": -5, "unit": "t"},
                    {"fuel": "raw_coal", "amount": 3, "unit": "吨吨"},
                    {"fuel": "natural_gas", "amount": 3, "unit": "kWh"},
                    {"fuel": "heat", "amount": "many", "unit": "GJ"},
                ],
                "output_value": "-1",
            },
            DEMO,
            today=TODAY,
        )
    problems = {p.field: p.message for p in err.value.problems}
    assert set(problems) == {
        "period",
        "lines[0].fuel",
        "lines[1].amount",
        "lines[2].unit",
        "lines[3].unit",
        "lines[4].amount",
        "output_value",
    }
    assert "future" in problems["period"]
    assert problems["lines[2].unit"] == "'吨吨' is not a unit; expected a mass unit such as 吨, 万吨, kg"
    assert "volume" in problems["lines[3].unit"]
    assert "negative" in problems["lines[1].amount"]
    with pytest.raises(LedgerProblems, match="not a month"):
        parse_report({"period": "2025-13", "lines": [{"fuel": "diesel", "amount": 1}]}, DEMO, today=TODAY)


def test_access_rules() -> None:
    firm = LedgerActor("a", "enterprise", DEMO)
    check_may_read(firm, DEMO)
    check_may_write(firm, DEMO)
    for actor in (LedgerActor("d", "department"), firm):
        with pytest.raises(NotAllowedError):
            check_may_read(actor, "91120118EXAMP00022")
    check_may_read(LedgerActor("v", "viewer"), DEMO)
    with pytest.raises(NotAllowedError):
        check_may_write(LedgerActor("o", "office"), DEMO)
