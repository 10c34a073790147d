"""Benchmark levels: the product output of a month (validated, located), the unit consumption in the
table's units against the benchmark and baseline of the energy review's table, months and years."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonpeak.ledgers import LedgerProblems, parse_report, rulebook
from carbonpeak.ledgers.benchmark_levels import levels, year_levels

A = "91120118EXAMP0001Y"
TODAY = dt.date(2026, 1, 15)
LINE = [{"fuel": "raw_coal", "amount": 100, "unit": "t"}]


def test_the_product_output_is_validated_and_located() -> None:
    report = parse_report(
        {
            "period": "2025-03",
            "lines": LINE,
            "product": "水泥熟料",
            "product_output": "0.5",
            "product_unit": "万吨",
        },
        A,
        today=TODAY,
    )
    assert [(p.product, p.output, p.unit, p.energy_tce) for p in report.products] == [
        ("水泥熟料", 0.5, "万吨", None)
    ]
    default = parse_report(
        {"period": "2025-03", "lines": LINE, "product": "水泥熟料", "product_output": 10}, A, today=TODAY
    )
    assert default.products[0].unit == "t"  # the table's unit
    with pytest.raises(LedgerProblems) as caught:
        parse_report(
            {"period": "2025-03", "lines": LINE, "product": "水泥", "product_output": 1}, A, today=TODAY
        )
    assert [p.field for p in caught.value.problems] == ["product"] and "水泥熟料" in caught.value.problems[
        0
    ].message
    for bad, field in (({"product_output": 0}, "product_output"), ({"product_unit": "kWh"}, "product_unit")):
        with pytest.raises(LedgerProblems) as caught:
            parse_report(
                {"period": "2025-03", "lines": LINE, "product": "水泥熟料", "product_output": 5, **bad},
                A,
                today=TODAY,
            )
        assert [p.field for p in caught.value.problems] == [field]
    assert parse_report({"period": "2025-03", "lines": LINE}, A, today=TODAY).products == []


def test_unit_consumption_against_the_levels_of_the_review_table() -> None:
    clinker = rulebook().benchmarks["水泥熟料"]
    aluminium = rulebook().benchmarks["电解铝"]
    assert (clinker.benchmark, clinker.baseline, aluminium.energy_unit) == (100, 117, "kWh")
    reports = [
        # 500 tce over 5,000 t: 100 kgce/t, at the benchmark
        {"period": "2025-01", "products": [{"product": "水泥熟料", "output": 0.5, "unit": "万吨"}],
         "tce_calorific": 500.0, "electricity_kwh": 0.0},
        # 600 tce over 5,000 t: 120 kgce/t, above the baseline
        {"period": "2025-02", "products": [{"product": "水泥熟料", "output": 5000, "unit": "t"}],
         "tce_calorific": 600.0, "electricity_kwh": 0.0},
        # a kWh norm: 13,200 kWh a tonne, between benchmark (13,000) and baseline (13,350)
        {"period": "2025-01", "products": [{"product": "电解铝", "output": 100, "unit": "t"}],
         "tce_calorific": 999.0, "electricity_kwh": 1_320_000.0},
        {"period": "2025-03", "products": [], "tce_calorific": 1.0},
    ]  # fmt: skip
    months = levels(reports)
    assert months["value"].tolist() == pytest.approx([100.0, 120.0, 13_200.0])
    assert months["level"].tolist() == ["benchmark", "below_baseline", "baseline"]
    assert not months["attributed"].any()  # one product a month, no energy of its own: the month's total
    years = year_levels(months).set_index("product")
    # the year: 1,100 tce over 10,000 t = 110 kgce/t (not the mean of the months' ratios)
    assert years.loc["水泥熟料", "value"] == pytest.approx(110.0)
    assert years.loc["水泥熟料", "level"] == "baseline" and years.loc["水泥熟料", "months"] == 2
    kgoe = levels(
        [{"period": "2025-01", "products": [{"product": "乙烯", "output": 1000, "unit": "t"}],
          "tce_calorific": 1000.0, "electricity_kwh": 0.0}]
    )  # fmt: skip
    assert kgoe["value"].iloc[0] == pytest.approx(1000.0 * 1000 / 1.4286 / 1000)  # kgoe/t
