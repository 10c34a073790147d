"""Worked examples computed by hand from the reference figures (../shared/reference/emission-factors.md):
each fuel, each unit path, both electricity bases, the non-fossil rule and the intensity arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.accounting import (
    InventoryOptions,
    Target,
    implied_annual_rate,
    inventory,
    read_activity,
    read_macro,
    read_user_factors,
)
from tests.accounting.helpers import write_csv

K = 44 / 12

# (fuel, amount, unit, hand CO2 in t, hand tce calorific) — provincial-guideline NCV x C x ox x 44/12
FUEL_CASES = [
    ("gasoline", 100, "t", 100 * 43.07 * 18.9 * 0.98 * K / 1000, 100 * 1.4714),
    ("diesel", 2, "万吨", 20000 * 42.652 * 20.2 * 0.98 * K / 1000, 20000 * 1.4571),
    ("crude_oil", 10, "t", 10 * 41.816 * 20.1 * 0.98 * K / 1000, 10 * 1.4286),
    ("fuel_oil", 10, "t", 10 * 41.816 * 21.1 * 0.98 * K / 1000, 10 * 1.4286),
    ("lpg", 5000, "kg", 5 * 50.179 * 17.2 * 0.98 * K / 1000, 5 * 1.7143),
    ("coke", 10, "t", 10 * 28.435 * 29.5 * 0.93 * K / 1000, 10 * 0.9714),
    ("raw_coal", 10, "t", 10 * 19.57 * 26.1 * 0.93 * K / 1000, 10 * 0.7143),
    ("natural_gas", 1, "亿立方米", 10000 * 389.31 * 15.3 * 0.99 * K / 1000, 1e8 * 1.2143 / 1000),
    ("natural_gas", 500000, "m3", 50 * 389.31 * 15.3 * 0.99 * K / 1000, 500000 * 1.2143 / 1000),
    ("natural_gas", 120, "万立方米", 120 * 389.31 * 15.3 * 0.99 * K / 1000, 120 * 10000 * 1.2143 / 1000),
    # rows derived in the factor set (basis: NCV = GB/T 2589 coefficient x 29.3076 GJ/tce)
    ("kerosene", 10, "t", 10 * 43.07 * (71900 * 12 / 44 / 1000) * 0.98 * K / 1000, 10 * 1.4714),
    ("cleaned_coal", 10, "t", 10 * (0.9 * 29.3076) * 26.1 * 0.93 * K / 1000, 10 * 0.9),
    ("other_washed_coal", 10, "t", 10 * (0.2857 * 29.3076) * 26.1 * 0.93 * K / 1000, 10 * 0.2857),
    ("briquettes", 10, "t", 10 * (0.5 * 29.3076) * 26.1 * 0.93 * K / 1000, 10 * 0.5),
    ("refinery_gas", 10, "t", 10 * (1.5714 * 29.3076) * 17.2 * 0.99 * K / 1000, 10 * 1.5714),
    ("heat", 1, "万吉焦", 10000 * 0.11, 10000 * 0.03412),
    ("heat", 5000, "MJ", 5 * 0.11, 5 * 0.03412),
]


DERIVED = {"kerosene", "cleaned_coal", "other_washed_coal", "briquettes", "refinery_gas"}


def one_row(tmp_path: Path, fuel: str, amount: float, unit: str, sector: str = "industry|other") -> Path:
    return write_csv(tmp_path / "a.csv", [(2022, sector, fuel, amount, unit, "")])


@pytest.mark.parametrize(("fuel", "amount", "unit", "co2", "tce"), FUEL_CASES)
def test_each_fuel_and_unit_path(
    tmp_path: Path, fuel: str, amount: float, unit: str, co2: float, tce: float
) -> None:
    year = inventory(read_activity(one_row(tmp_path, fuel, amount, unit))).to_json()["years"]["2022"]
    rel = 2e-4 if fuel in DERIVED else 1e-9  # derived rows store NCV / carbon content rounded
    assert year["co2_t"]["total"] == pytest.approx(co2, rel=rel)
    assert year["co2_t"]["by_fuel"][fuel] == pytest.approx(co2, rel=rel)
    assert year["energy_tce"]["calorific"] == pytest.approx(tce, rel=1e-9)
    # fuels other than electricity count the same on both bases
    assert year["energy_tce"]["coal_substitution"] == pytest.approx(tce, rel=1e-9)


def test_reference_tco2_per_unit_values(tmp_path: Path) -> None:
    """The reference table's rounded tCO2 per unit: gasoline 2.925, diesel 3.096, gas 21.62 per 10^4 m3."""
    rows = [(2022, "industry|other", f, 1, u, "") for f, u in [("gasoline", "t"), ("diesel", "t")]]
    rows.append((2022, "industry|other", "natural_gas", 1, "万立方米", ""))
    by_fuel = inventory(read_activity(write_csv(tmp_path / "a.csv", rows))).to_json()["years"]["2022"][
        "co2_t"
    ]
    assert by_fuel["by_fuel"]["gasoline"] == pytest.approx(2.925, abs=5e-4)
    assert by_fuel["by_fuel"]["diesel"] == pytest.approx(3.096, abs=5e-4)
    assert by_fuel["by_fuel"]["natural_gas"] == pytest.approx(21.62, abs=5e-3)


def test_ipcc_set(tmp_path: Path) -> None:
    path = one_row(tmp_path, "natural_gas", 1, "万立方米")
    inv = inventory(read_activity(path), options=InventoryOptions(combustion_set="ipcc-2006"))
    assert inv.to_json()["years"]["2022"]["co2_t"]["total"] == pytest.approx(389.31 * 56100 / 1e6)
    assert inv.to_json()["factor_set"]["combustion"] == "ipcc-2006@2006.1"


def test_electricity_both_bases_and_grid_series(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "industry|other", "electricity", 1, "亿千瓦时", ""),
            (2022, "commercial|other", "electricity", 1000, "MWh", ""),
        ],
    )
    inv = inventory(read_activity(path), options=InventoryOptions(grid="tianjin"))
    y = inv.to_json()["years"]["2022"]
    kwh = 1e8 + 1e6
    assert y["co2_t"]["electricity"] == pytest.approx(kwh * 0.7041 / 1000)
    assert y["co2_t"]["by_sector"]["commercial|other"] == pytest.approx(1e6 * 0.7041 / 1000)
    assert y["energy_tce"]["calorific"] == pytest.approx(kwh * 0.1229 / 1000)
    assert y["energy_tce"]["coal_substitution"] == pytest.approx(kwh * 0.305 / 1000)
    assert y["inputs"]["grid_factor_year"] == 2022


def test_grid_factor_nearest_year_and_value(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [(2024, "industry|other", "electricity", 10000, "kWh", "")])
    y = inventory(read_activity(path), options=InventoryOptions(grid="tianjin")).to_json()["years"]["2024"]
    assert y["co2_t"]["electricity"] == pytest.approx(
        10000 * 0.7041 / 1000
    )  # 2022 is the latest Tianjin year
    assert y["inputs"]["grid_factor_year"] == 2022
    assert any("2022 used" in n for n in y["notes"])
    y = inventory(read_activity(path), options=InventoryOptions(grid=0.5)).to_json()["years"]["2024"]
    assert y["co2_t"]["electricity"] == pytest.approx(5.0)


def _mixed(tmp_path: Path) -> tuple[Path, Path]:
    act = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "industry|metal_products", "electricity", 100, "亿千瓦时", ""),
            (2022, "energy|generation", "solar_power", 20000, "万千瓦时", ""),
            (2022, "industry|metal_products", "natural_gas", 100, "万立方米", ""),
        ],
    )
    mac = write_csv(
        tmp_path / "m.csv", [(2022, "grid_non_fossil_share", 10, "%", "")], "year,variable,value,unit,note"
    )
    return act, mac


def test_net_purchase_and_non_fossil_rules(tmp_path: Path) -> None:
    act, mac = _mixed(tmp_path)
    inv = inventory(read_activity(act), read_macro(mac), InventoryOptions(grid=0.6))
    y = inv.to_json()["years"]["2022"]
    kwh, solar = 100e8, 2e8
    gas_tce = 100 * 12.143
    assert y["co2_t"]["electricity"] == pytest.approx((kwh - solar) * 0.6 / 1000)
    cal = gas_tce + kwh * 0.1229 / 1000
    cs = gas_tce + kwh * 0.305 / 1000
    assert y["energy_tce"]["calorific"] == pytest.approx(cal)
    assert y["energy_tce"]["coal_substitution"] == pytest.approx(cs)
    nonfossil = (solar + (kwh - solar) * 0.10) * 0.305 / 1000
    assert y["indicators"]["non_fossil_share"] == pytest.approx(nonfossil / cs)
    assert y["indicators"]["electricity_share_final"] == pytest.approx((kwh * 0.1229 / 1000) / cal)
    local = inventory(
        read_activity(act), read_macro(mac), InventoryOptions(grid=0.6, electricity_rule="local_only")
    )
    y = local.to_json()["years"]["2022"]
    assert y["indicators"]["non_fossil_share"] == pytest.approx(solar * 0.305 / 1000 / cs)
    override = inventory(read_activity(act), None, InventoryOptions(grid=0.6, grid_non_fossil_share=30))
    y = override.to_json()["years"]["2022"]
    assert y["indicators"]["non_fossil_share"] == pytest.approx(
        (solar + (kwh - solar) * 0.3) * 0.305 / 1000 / cs
    )


def test_missing_grid_share_is_counted_as_zero_and_said(tmp_path: Path) -> None:
    act, _ = _mixed(tmp_path)
    y = inventory(read_activity(act), None, InventoryOptions(grid=0.6)).to_json()["years"]["2022"]
    assert y["inputs"]["grid_non_fossil_share_pct"] == 0
    assert any("non-fossil share of 2022 missing" in n for n in y["notes"])


def test_process_sinks_net_and_gross(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "industry|building_materials", "process_co2", 1.5, "万吨二氧化碳", ""),
            (2022, "land_use|forest", "sink_co2", 5000, "tCO2", ""),
            (2022, "transport|road_freight", "diesel", 1, "t", ""),
        ],
    )
    co2 = inventory(read_activity(path)).to_json()["years"]["2022"]["co2_t"]
    diesel = 42.652 * 20.2 * 0.98 * K / 1000
    assert co2["process"] == pytest.approx(15000)
    assert co2["sinks"] == pytest.approx(5000)
    assert co2["total"] == co2["gross"] == pytest.approx(15000 + diesel)
    assert co2["net"] == pytest.approx(15000 + diesel - 5000)
    assert "land_use|forest" not in co2["by_sector"]


def test_user_factor_file_overrides_rows(tmp_path: Path) -> None:
    direct = write_csv(
        tmp_path / "f1.csv", [("gasoline", "t", 3.0, 1.5)], "fuel,unit,co2_t_per_unit,tce_per_unit"
    )
    carbon = write_csv(
        tmp_path / "f2.csv",
        [("natural_gas", "m3", 0.0389, 15.0, 0.99, 0.0013)],
        "fuel,unit,ncv_gj_per_unit,carbon_content_tc_per_tj,oxidation,tce_per_unit",
    )
    act = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "industry|other", "gasoline", 10, "t", ""),
            (2022, "industry|other", "natural_gas", 1000, "m3", ""),
        ],
    )
    y = inventory(
        read_activity(act), options=InventoryOptions(user_factors=read_user_factors(direct))
    ).to_json()
    gas = 0.1 * 389.31 * 15.3 * 0.99 * K / 1000
    assert y["years"]["2022"]["co2_t"]["by_fuel"]["gasoline"] == pytest.approx(30.0)
    assert y["years"]["2022"]["co2_t"]["by_fuel"]["natural_gas"] == pytest.approx(gas)
    assert y["years"]["2022"]["energy_tce"]["by_fuel_calorific"]["gasoline"] == pytest.approx(15.0)
    assert y["factor_set"]["user_overrides"] == ["gasoline"]
    y = inventory(
        read_activity(act), options=InventoryOptions(user_factors=read_user_factors(carbon))
    ).to_json()
    assert y["years"]["2022"]["co2_t"]["by_fuel"]["natural_gas"] == pytest.approx(
        1000 * 0.0389 * 15.0 * 0.99 * K / 1000
    )
    assert y["years"]["2022"]["energy_tce"]["by_fuel_calorific"]["natural_gas"] == pytest.approx(1.3)


def test_intensities_and_reductions(tmp_path: Path) -> None:
    act = write_csv(
        tmp_path / "a.csv",
        [
            (2020, "industry|other", "diesel", 1000, "t", ""),
            (2021, "industry|other", "diesel", 950, "t", ""),
            (2022, "industry|other", "diesel", 900, "t", ""),
        ],
    )
    mac = write_csv(
        tmp_path / "m.csv",
        [(2020, "gdp", 1, "亿元", ""), (2021, "gdp", 10500, "万元", ""), (2022, "gdp", 1.1, "亿元", "")],
        "year,variable,value,unit,note",
    )
    inv = inventory(read_activity(act), read_macro(mac), targets=[Target("co2_per_gdp", 0.2, 2025)])
    years = inv.to_json()["years"]
    f = 42.652 * 20.2 * 0.98 * K / 1000
    i20, i21, i22 = 1000 * f / 10000, 950 * f / 10500, 900 * f / 11000
    ind = years["2022"]["indicators"]
    assert ind["co2_per_gdp"] == pytest.approx(i22)
    assert ind["energy_per_gdp_calorific"] == pytest.approx(900 * 1.4571 / 11000)
    assert ind["co2_per_gdp_yoy_reduction"] == pytest.approx(1 - i22 / i21)
    assert ind["co2_per_gdp_cumulative_reduction"] == pytest.approx(1 - i22 / i20)
    assert ind["co2_per_gdp_average_annual_reduction"] == pytest.approx(1 - (i22 / i20) ** 0.5)
    target = ind["targets"]["co2_per_gdp@2025"]
    assert target["implied_annual_rate"] == pytest.approx(1 - 0.8**0.2)
    assert target["required_annual_rate_from_now"] == pytest.approx(1 - (i20 * 0.8 / i22) ** (1 / 3))
    assert years["2020"]["indicators"]["co2_per_gdp_cumulative_reduction"] is None


def test_implied_annual_rate_reference_example() -> None:
    assert implied_annual_rate(0.20, 5) == pytest.approx(0.043648, abs=5e-7)
    with pytest.raises(ValueError):
        implied_annual_rate(1.2, 5)


@pytest.mark.parametrize("fuel", ["solar_power", "wind_power", "biomass_power", "hydro_power"])
def test_each_local_non_fossil_power(tmp_path: Path, fuel: str) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "residential|urban", "electricity", 1000, "MWh", ""),
            (2022, "energy|generation", fuel, 250, "MWh", ""),
        ],
    )
    y = inventory(
        read_activity(path), options=InventoryOptions(grid=0.5, electricity_rule="local_only")
    ).to_json()
    y = y["years"]["2022"]
    assert y["co2_t"]["electricity"] == pytest.approx(750_000 * 0.5 / 1000)
    assert y["co2_t"]["by_fuel"] == {"electricity": pytest.approx(375.0)}
    assert y["energy_tce"]["coal_substitution"] == pytest.approx(1_000_000 * 0.305 / 1000)
    assert y["indicators"]["non_fossil_share"] == pytest.approx(0.25)
    assert y["indicators"]["non_fossil_share_calorific"] == pytest.approx(0.25)


@pytest.mark.parametrize("fuel", ["geothermal_heat", "solar_thermal"])
def test_non_fossil_heat(tmp_path: Path, fuel: str) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            (2022, "residential|urban", fuel, 1000, "GJ", ""),
            (2022, "residential|urban", "natural_gas", 1, "万立方米", ""),
        ],
    )
    y = inventory(read_activity(path)).to_json()["years"]["2022"]
    assert y["co2_t"]["total"] == pytest.approx(389.31 * 15.3 * 0.99 * K / 1000)
    assert y["energy_tce"]["non_fossil_coal_substitution"] == pytest.approx(34.12)
    assert y["indicators"]["non_fossil_share"] == pytest.approx(34.12 / (34.12 + 12.143))
