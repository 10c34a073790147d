"""Comprehensive energy consumption (综合能耗) and CO2 of energy reports, vectorized over every line.

Every coefficient comes from the accounting package with its source; none is defined here:
- calorific basis (当量值): GB/T 2589-2020 coefficients (factor set ``gbt2589``), electricity 0.1229 kgce/kWh;
- coal-substitution basis (等价值): the same, but electricity at the year's coal-substitution
  coefficient (factor set ``coal-substitution``, a documented default — see docs/accounting.md);
- CO2 of fuel combustion: the combustion factor set (default ``cn-provincial``);
- CO2 of purchased electricity: the grid series (default ``north_china`` of ``grid-mee-nbs``), the
  nearest published year; of purchased heat: ``heat-ndrc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.accounting.factors import (
    coal_substitution_by_year,
    fuel_factors,
    get_set,
    grid_series,
    nearest_year,
)
from carbonpeak.ledgers.report import EnergyReport
from carbonpeak.units import conversion_factor

RESULT_COLUMNS = (
    "tce_calorific",
    "tce_coal_substitution",
    "co2_combustion",
    "co2_electricity",
    "co2_heat",
    "co2_total",
    "electricity_kwh",
    "tce_per_10k_yuan",
)


@dataclass(frozen=True)
class Method:
    """Which accounting factor sets the ledger uses (echoed with every result)."""

    combustion_set: str = "cn-provincial"
    grid_series: str = "north_china"

    def sources(self, years: Sequence[int] = ()) -> dict[str, Any]:
        grid = grid_series(self.grid_series)
        cs = coal_substitution_by_year()
        return {
            "calorific": get_set("gbt2589").label + " (GB/T 2589-2020, 当量值)",
            "coal_substitution": get_set("coal-substitution").label
            + " (等价值: electricity at the year's coal-substitution coefficient, reading default)",
            "combustion": get_set(self.combustion_set).label,
            "electricity": f"{get_set('grid-mee-nbs').label} series {self.grid_series}",
            "heat": get_set("heat-ndrc").label,
            "grid_year_used": {y: nearest_year(grid, y) for y in years},
            "grid_tco2_per_mwh": {y: grid[nearest_year(grid, y)] for y in years},
            "coal_substitution_kgce_per_kwh": {y: cs[nearest_year(cs, y)] for y in years},
        }


def lines_frame(reports: Sequence[EnergyReport]) -> pd.DataFrame:
    """Every line of every report: report index, year, fuel, amount in the fuel's catalogue unit."""
    rows = [
        (i, r.year, line.fuel, line.amount * conversion_factor(line.unit, FUELS[line.fuel].unit))
        for i, r in enumerate(reports)
        for line in r.lines
    ]
    return pd.DataFrame(rows, columns=["report", "year", "fuel", "amount"]).astype(
        {"report": "int64", "year": "int64", "fuel": "object", "amount": "float64"}
    )


def compute(reports: Sequence[EnergyReport], method: Method | None = None) -> pd.DataFrame:
    """One row per report (same order): tce on both bases, CO2 by part (t), electricity (kWh) and
    energy per output value (tce/万元, None without an output value)."""
    method = method or Method()
    factors = fuel_factors(get_set(method.combustion_set))
    frame = lines_frame(reports)
    fuel, year, amount = frame["fuel"], frame["year"].to_numpy(), frame["amount"].to_numpy()
    kind = fuel.map({c: f.kind for c, f in FUELS.items()}).to_numpy()
    is_elec = kind == "electricity"
    grid = grid_series(method.grid_series)
    cs_table = coal_substitution_by_year()
    years = sorted(set(year.tolist()))
    grid_by_year = pd.Series({y: grid[nearest_year(grid, y)] / 1000.0 for y in years}, dtype="float64")
    cs_by_year = pd.Series({y: cs_table[nearest_year(cs_table, y)] / 1000.0 for y in years}, dtype="float64")
    tce_per_unit = fuel.map(factors.tce).fillna(0.0).to_numpy()
    co2_per_unit = fuel.map(factors.co2).fillna(0.0).to_numpy()
    tce_cal = amount * tce_per_unit
    elec_cs = grid_cs = np.zeros(len(frame))
    if len(frame):
        elec_cs = amount * cs_by_year.reindex(year).to_numpy()
        grid_cs = amount * grid_by_year.reindex(year).to_numpy()
    parts = pd.DataFrame(
        {
            "report": frame["report"].to_numpy(),
            "tce_calorific": tce_cal,
            "tce_coal_substitution": np.where(is_elec, elec_cs, tce_cal),
            "co2_combustion": np.where(kind == "fossil", amount * co2_per_unit, 0.0),
            "co2_electricity": np.where(is_elec, grid_cs, 0.0),
            "co2_heat": np.where(kind == "heat", amount * co2_per_unit, 0.0),
            "electricity_kwh": np.where(is_elec, amount, 0.0),
        }
    )
    out = parts.groupby("report").sum().reindex(range(len(reports)), fill_value=0.0)
    out["co2_total"] = out["co2_combustion"] + out["co2_electricity"] + out["co2_heat"]
    output = pd.Series([r.output_value for r in reports], index=out.index, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        per_output = out["tce_calorific"] / output
    out["tce_per_10k_yuan"] = per_output.where(output > 0)
    return out[list(RESULT_COLUMNS)].reset_index(drop=True)


def summary(reports: Sequence[EnergyReport], method: Method | None = None) -> list[dict[str, Any]]:
    """``compute`` as plain rows with the period and enterprise (None for a missing ratio)."""
    table = compute(reports, method)
    rows = []
    for report, (_, values) in zip(reports, table.iterrows(), strict=True):
        row: dict[str, Any] = {"enterprise_id": report.enterprise_id, "period": report.period}
        for col in RESULT_COLUMNS:
            value = values[col]
            row[col] = None if pd.isna(value) else float(value)
        rows.append(row)
    return rows
