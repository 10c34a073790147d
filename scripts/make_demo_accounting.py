"""Generate the illustrative (示例数据) Jinghai activity and macro files for 2020–2024.

Deterministic: no random numbers; every figure is a 2020 level times a yearly path written below, so
the calibration can be reviewed here. Run from the repository root:

    python scripts/make_demo_accounting.py

Calibration (docs/decisions/0104-accounting-demo-calibration.md):
- GDP 2023 501.16 亿元 (current prices, +2.0 %); the constant-2020-price series below gives
  499.2 亿元 in 2023 with the public +2.0 % growth that year; population ≈ 81.8 万 (818,100 in 2021).
- No coal (煤炭消费保持清零). Natural gas rises from 8.7 to 9.6 亿m³ (LNG trucks, heating) toward
  the plan's 15 亿m³ (2025).
- Electricity ≈ 55 亿kWh in 2020 (metal processing at 大邱庄 dominates), growing ~1–2 % a year.
- Energy ≈ 2.4 Mtce calorific / 3.4 Mtce coal-substitution in 2020, i.e. ≈ 0.75 tce/万元 (等价值): above the
  Tianjin average because of metal processing; intensity falls with the 14th FYP target path (−14.5 %).
- Local solar, wind and biomass power (6 → 11 亿kWh) and an assumed grid non-fossil share (8 → 10 %) put
  the non-fossil share near the plan's 10 % (2025) target.
"""

from __future__ import annotations

import csv
from pathlib import Path

YEARS = [2020, 2021, 2022, 2023, 2024]
NOTE = "示例数据 illustrative"
OUT = Path(__file__).resolve().parents[1] / "data" / "demo"

# (sector, fuel, unit, 2020 level, growth path index per year relative to 2020)
G = {
    "flat": [1.00, 1.01, 0.98, 0.97, 0.96],
    "ind_gas": [1.00, 1.05, 1.03, 1.05, 1.07],
    "gas": [1.00, 1.03, 1.05, 1.07, 1.09],
    "lng_trucks": [1.00, 1.33, 1.67, 2.17, 2.67],
    "elec": [1.00, 1.04, 1.02, 1.03, 1.05],
    "elec_fast": [1.00, 1.30, 1.70, 2.20, 2.80],
    "diesel": [1.00, 0.97, 0.92, 0.88, 0.84],
    "gasoline": [1.00, 1.01, 0.97, 0.95, 0.92],
    "solar": [1.00, 1.20, 1.45, 1.70, 2.00],
    "wind": [1.00, 1.20, 1.50, 1.80, 2.00],
    "biomass": [1.00, 1.00, 1.50, 2.00, 2.00],
    "geo": [1.00, 1.10, 1.25, 1.45, 1.65],
    "sink": [1.00, 1.03, 1.06, 1.09, 1.12],
}

ACTIVITY = [
    # natural gas, 万立方米
    ("industry|metal_products|daqiuzhuang", "natural_gas", "万立方米", 18000, "ind_gas"),
    ("industry|metal_products|other_parks", "natural_gas", "万立方米", 12000, "ind_gas"),
    ("industry|non_ferrous", "natural_gas", "万立方米", 12000, "ind_gas"),
    ("industry|building_materials", "natural_gas", "万立方米", 8000, "flat"),
    ("industry|equipment", "natural_gas", "万立方米", 3000, "ind_gas"),
    ("industry|other", "natural_gas", "万立方米", 4000, "flat"),
    ("commercial|other", "natural_gas", "万立方米", 5000, "gas"),
    ("residential|urban", "natural_gas", "万立方米", 12000, "gas"),
    ("residential|rural", "natural_gas", "万立方米", 10000, "gas"),
    ("transport|road_freight", "natural_gas", "万立方米", 3000, "lng_trucks"),
    # electricity, 万千瓦时 (consumption by sector)
    ("industry|metal_products|daqiuzhuang", "electricity", "万千瓦时", 132000, "elec"),
    ("industry|metal_products|other_parks", "electricity", "万千瓦时", 88000, "elec"),
    ("industry|non_ferrous", "electricity", "万千瓦时", 80000, "elec"),
    ("industry|building_materials", "electricity", "万千瓦时", 40000, "flat"),
    ("industry|equipment", "electricity", "万千瓦时", 30000, "elec"),
    ("industry|new_energy_vehicles", "electricity", "万千瓦时", 5000, "elec_fast"),
    ("industry|other", "electricity", "万千瓦时", 35000, "elec"),
    ("agriculture|farming", "electricity", "万千瓦时", 8000, "flat"),
    ("construction|general", "electricity", "万千瓦时", 6000, "flat"),
    ("transport|logistics", "electricity", "万千瓦时", 8000, "elec"),
    ("transport|public_transit", "electricity", "万千瓦时", 1500, "elec_fast"),
    ("transport|private_cars", "electricity", "万千瓦时", 1000, "elec_fast"),
    ("commercial|other", "electricity", "万千瓦时", 45000, "elec"),
    ("residential|urban", "electricity", "万千瓦时", 35000, "elec"),
    ("residential|rural", "electricity", "万千瓦时", 30000, "elec"),
    # oil products, tonnes
    ("transport|road_freight", "diesel", "t", 180000, "diesel"),
    ("agriculture|machinery", "diesel", "t", 15000, "flat"),
    ("construction|general", "diesel", "t", 20000, "diesel"),
    ("industry|other", "diesel", "t", 5000, "diesel"),
    ("transport|private_cars", "gasoline", "t", 120000, "gasoline"),
    ("transport|road_passenger", "gasoline", "t", 8000, "diesel"),
    ("commercial|hotels_catering", "lpg", "t", 6000, "flat"),
    ("residential|rural", "lpg", "t", 4000, "diesel"),
    ("industry|non_ferrous", "fuel_oil", "t", 3000, "diesel"),
    # purchased heat, GJ
    ("residential|urban", "heat", "GJ", 2000000, "gas"),
    ("commercial|other", "heat", "GJ", 800000, "gas"),
    # local non-fossil generation, 万千瓦时, and direct geothermal heat, GJ
    ("energy|generation", "solar_power", "万千瓦时", 30000, "solar"),
    ("energy|generation", "wind_power", "万千瓦时", 20000, "wind"),
    ("energy|generation", "biomass_power", "万千瓦时", 10000, "biomass"),
    ("residential|urban", "geothermal_heat", "GJ", 300000, "geo"),
    # process CO2 and sinks, tCO2
    ("industry|building_materials", "process_co2", "tCO2", 30000, "flat"),
    ("industry|non_ferrous", "process_co2", "tCO2", 10000, "flat"),
    ("land_use|forest", "sink_co2", "tCO2", 70000, "sink"),
]

GDP_2020_PRICES = [455.0, 484.6, 489.4, 499.2, 515.7]  # 亿元, constant 2020 prices
VA_INDUSTRY = [172.9, 186.6, 186.0, 187.7, 194.4]  # 亿元, constant 2020 prices
POPULATION = [81.6, 81.8, 81.9, 82.0, 82.1]  # 万人
GRID_NON_FOSSIL = [8.0, 8.5, 9.0, 9.5, 10.0]  # %, assumed share of non-fossil power in purchases


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    comment = "# 示例数据 illustrative, not real statistics: scripts/make_demo_accounting.py\n"
    with (OUT / "jinghai-activity-2020-2024.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(comment)
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["year", "sector", "fuel", "amount", "unit", "note"])
        for i, year in enumerate(YEARS):
            for sector, fuel, unit, level, path in ACTIVITY:
                w.writerow([year, sector, fuel, f"{level * G[path][i]:.6g}", unit, NOTE])
    with (OUT / "jinghai-macro-2020-2024.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(comment)
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["year", "variable", "value", "unit", "note"])
        for i, year in enumerate(YEARS):
            w.writerow([year, "gdp", GDP_2020_PRICES[i], "亿元", NOTE + "; constant 2020 prices"])
            w.writerow(
                [year, "value_added_industry", VA_INDUSTRY[i], "亿元", NOTE + "; constant 2020 prices"]
            )
            w.writerow([year, "population", POPULATION[i], "万人", NOTE])
            w.writerow([year, "grid_non_fossil_share", GRID_NON_FOSSIL[i], "%", NOTE + "; assumed"])


if __name__ == "__main__":
    main()
