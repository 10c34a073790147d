"""Edge cases: empty files, the one-workbook template with both sheets, the assert helper."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonpeak.accounting import AccountingError, InventoryOptions, inventory, read_activity, read_macro
from carbonpeak.accounting.template import template_book
from carbonpeak.accounting.testing import assert_inventory_close, differences
from carbonpeak.reports import write_file
from tests.accounting.helpers import write_csv


def test_no_rows_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AccountingError, match="no activity rows"):
        inventory(read_activity(write_csv(tmp_path / "a.csv", [])))


def test_unknown_base_year_is_an_error(tmp_path: Path) -> None:
    act = read_activity(write_csv(tmp_path / "a.csv", [(2022, "industry|other", "diesel", 1, "t", "")]))
    with pytest.raises(AccountingError, match="base year 2020"):
        inventory(act, options=InventoryOptions(base_year=2020))


def test_one_workbook_holds_activity_and_macro(tmp_path: Path) -> None:
    path = write_file(template_book(), tmp_path / "t.xlsx")
    book = load_workbook(path)
    book["活动数据"].append([2023, "industry|other", "diesel", 10, "t", ""])
    book["宏观数据"].append([2023, "gdp", 2, "亿元", ""])
    book.save(path)
    inv = inventory(read_activity(path), read_macro(path))
    f = 42.652 * 20.2 * 0.98 * 44 / 12 / 1000
    assert inv.to_json()["years"]["2023"]["indicators"]["co2_per_gdp"] == pytest.approx(10 * f / 20000)


def test_net_exporter_gets_no_purchase_co2(tmp_path: Path) -> None:
    act = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "industry|other", "electricity", 100, "MWh", ""),
            (2022, "energy|generation", "wind_power", 300, "MWh", ""),
        ],
    )
    y = inventory(read_activity(act), options=InventoryOptions(grid=0.6)).to_json()["years"]["2022"]
    assert y["co2_t"]["electricity"] == 0
    assert y["indicators"]["non_fossil_share"] == pytest.approx(1.0)
    assert y["energy_tce"]["coal_substitution"] == pytest.approx(100_000 * 0.305 / 1000)


def test_local_fossil_generation_is_not_counted_twice(tmp_path: Path) -> None:
    act = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "industry|other", "electricity", 1000, "MWh", ""),
            (2022, "energy|generation", "electricity", 400, "MWh", ""),
            (2022, "energy|generation", "natural_gas", 10, "万立方米", ""),
        ],
    )
    y = inventory(read_activity(act), options=InventoryOptions(grid=0.6)).to_json()["years"]["2022"]
    assert y["co2_t"]["electricity"] == pytest.approx(600_000 * 0.6 / 1000)
    assert y["energy_tce"]["calorific"] == pytest.approx(10 * 12.143 + 600_000 * 0.1229 / 1000)
    # generation inputs are transformation; final consumption counts all the electricity the sector used
    assert y["energy_tce"]["final_calorific"] == pytest.approx(1_000_000 * 0.1229 / 1000)
    assert y["indicators"]["electricity_share_final"] == pytest.approx(1.0)


def test_assert_helper_names_the_difference() -> None:
    a = {"years": {"2022": {"co2_t": {"total": 100.0}}}}
    b = {"years": {"2022": {"co2_t": {"total": 101.0}}}}
    assert_inventory_close(a, {"years": {"2022": {"co2_t": {"total": 100.0 + 1e-12}}}})
    with pytest.raises(AssertionError, match=r"years\.2022\.co2_t\.total: 100\.0 != 101\.0"):
        assert_inventory_close(a, b)
    assert differences({"x": 1}, {"y": 1}) == ["x: unexpected", "y: missing"]


def test_plan_metrics_in_plan_units(tmp_path: Path) -> None:
    from carbonpeak.accounting.metrics import plan_metrics

    act = write_csv(
        tmp_path / "a.csv",
        [
            (2020, "industry|other", "natural_gas", 1, "亿立方米", ""),
            (2021, "industry|other", "natural_gas", 0.9, "亿立方米", ""),
            (2021, "industry|other", "raw_coal", 500, "t", ""),
        ],
    )
    mac = write_csv(
        tmp_path / "m.csv",
        [
            (2020, "gdp", 10, "亿元", ""),
            (2021, "gdp", 10, "亿元", ""),
            (2020, "value_added_industry", 4, "亿元", ""),
            (2021, "value_added_industry", 4, "亿元", ""),
        ],
        "year,variable,value,unit,note",
    )
    data = inventory(read_activity(act), read_macro(mac)).to_json()
    m = plan_metrics(data, 2021)
    assert m["gas_consumption"] == (pytest.approx(0.9), "亿立方米")
    assert m["coal_consumption"] == (pytest.approx(0.05), "万吨")
    e20, e21 = 1e4 * 12.143, 0.9e4 * 12.143 + 500 * 0.7143
    assert m["industrial_energy_intensity_reduction"][0] == pytest.approx((1 - e21 / e20) * 100)
    assert m["energy_intensity_reduction"][0] == pytest.approx((1 - e21 / e20) * 100)
    assert m["non_fossil_share"] == (pytest.approx(0.0), "%")
    assert plan_metrics(data, 2020)["energy_intensity_reduction"] == (None, "%")
