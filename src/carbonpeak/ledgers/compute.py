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


def electricity_tce_per_kwh(method: Method | None = None) -> float:
    """The calorific coefficient of electricity (tce per kWh, GB/T 2589-2020: 0.1229 kgce/kWh) that
    ``compute`` counts the month's electricity at: a kWh norm's energy given in tce converts back
    with it (``ledgers.benchmark_levels``)."""
    return float(fuel_factors(get_set((method or Method()).combustion_set)).tce["electricity"])


def lines_frame(reports: Sequence[EnergyReport]) -> pd.DataFrame:
    """Every line of every report: report index, year, fuel, amount in the fuel's catalogue unit.

    One Python pass collects the columns; the unit conversion is one factor per distinct
    (fuel, unit) pair, applied as an array operation."""
    index: list[int] = []
    years: list[int] = []
    fuels: list[str] = []
    units: list[str] = []
    amounts: list[float] = []
    for i, report in enumerate(reports):
        n = len(report.lines)
        index += [i] * n
        years += [report.year] * n
        for line in report.lines:
            fuels.append(line.fuel)
            units.append(line.unit)
            amounts.append(line.amount)
    keys = pd.Series(fuels, dtype="object") + "\x1f" + pd.Series(units, dtype="object")
    scale = {
        key: conversion_factor(key.split("\x1f")[1], FUELS[key.split("\x1f")[0]].unit) for key in set(keys)
    }
    amount = np.asarray(amounts, dtype="float64") * keys.map(scale).to_numpy(dtype="float64")
    return pd.DataFrame(
        {
            "report": np.asarray(index, dtype="int64"),
            "year": np.asarray(years, dtype="int64"),
            "fuel": pd.Series(fuels, dtype="object"),
            "amount": amount,
        }
    )


def compute(reports: Sequence[EnergyReport], method: Method | None = None) -> pd.DataFrame:
    """One row per report (same order): tce on both bases, CO2 by part (t), electricity (kWh) and
    energy per output value (tce/万元, NaN without an output value)."""
    outputs = np.array(
        [np.nan if r.output_value is None else r.output_value for r in reports], dtype="float64"
    )
    return compute_lines(lines_frame(reports), outputs, method)


def compute_lines(frame: pd.DataFrame, outputs: np.ndarray, method: Method | None = None) -> pd.DataFrame:
    """``compute`` on the long table of lines (``report, year, fuel, amount`` in catalogue units, as
    ``lines_frame`` makes or storage reads in columns) and each report's output value (万元, NaN if none):
    array operations only, one weighted ``bincount`` per figure."""
    method = method or Method()
    factors = fuel_factors(get_set(method.combustion_set))
    n = len(outputs)
    fuel, year, amount = frame["fuel"], frame["year"].to_numpy(), frame["amount"].to_numpy(dtype="float64")
    report = frame["report"].to_numpy(dtype="int64")
    kind = fuel.map({c: f.kind for c, f in FUELS.items()}).to_numpy()
    is_elec = kind == "electricity"
    grid = grid_series(method.grid_series)
    cs_table = coal_substitution_by_year()
    years = sorted(set(year.tolist()))
    grid_by_year = pd.Series({y: grid[nearest_year(grid, y)] / 1000.0 for y in years}, dtype="float64")
    cs_by_year = pd.Series({y: cs_table[nearest_year(cs_table, y)] / 1000.0 for y in years}, dtype="float64")
    tce_cal = amount * fuel.map(factors.tce).fillna(0.0).to_numpy(dtype="float64")
    co2_unit = amount * fuel.map(factors.co2).fillna(0.0).to_numpy(dtype="float64")
    elec_cs = grid_co2 = np.zeros(len(frame))
    if len(frame):
        elec_cs = amount * cs_by_year.reindex(year).to_numpy()
        grid_co2 = amount * grid_by_year.reindex(year).to_numpy()

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(report, weights=weights, minlength=n)[:n]

    out = pd.DataFrame(
        {
            "tce_calorific": total(tce_cal),
            "tce_coal_substitution": total(np.where(is_elec, elec_cs, tce_cal)),
            "co2_combustion": total(np.where(kind == "fossil", co2_unit, 0.0)),
            "co2_electricity": total(np.where(is_elec, grid_co2, 0.0)),
            "co2_heat": total(np.where(kind == "heat", co2_unit, 0.0)),
            "electricity_kwh": total(np.where(is_elec, amount, 0.0)),
        }
    )
    out["co2_total"] = out["co2_combustion"] + out["co2_electricity"] + out["co2_heat"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["tce_per_10k_yuan"] = np.where(outputs > 0, out["tce_calorific"].to_numpy() / outputs, np.nan)
    return out[list(RESULT_COLUMNS)]


def summary(reports: Sequence[EnergyReport], method: Method | None = None) -> list[dict[str, Any]]:
    """``compute`` as plain rows with the period and enterprise (None for a missing ratio)."""
    table = compute(reports, method)
    rows: list[dict[str, Any]] = []
    for report, values in zip(reports, table.to_dict("records"), strict=True):
        row: dict[str, Any] = {"enterprise_id": report.enterprise_id, "period": report.period}
        row |= {col: None if pd.isna(values[col]) else float(values[col]) for col in RESULT_COLUMNS}
        rows.append(row)
    return rows
