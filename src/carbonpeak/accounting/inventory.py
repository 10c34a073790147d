"""From validated activity data to the CO2 inventory and energy totals (vectorized).

The activity rows are first summed by (year, sector, fuel) — one pandas group-by over all rows, the only
step whose cost grows with the number of rows — and the factors are applied to that small table.
The result is a tidy long table ``(year, category, sector, fuel, value, unit)`` from which the JSON
is built, so every breakdown sums to its total by construction. Method: docs/accounting.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from carbonpeak.accounting.catalog import FUELS, TRANSFORMATION_TOP
from carbonpeak.accounting.errors import AccountingError
from carbonpeak.accounting.factors import (
    FactorSet,
    UserFactors,
    coal_substitution_by_year,
    fuel_factors,
    get_set,
    grid_series,
    nearest_year,
)
from carbonpeak.accounting.io import Activity, Macro

ElectricityRule = Literal["grid_share", "local_only"]
GENERATION = "energy|generation"
HEAT_TCE_PER_GJ = 0.03412

CO2_CATEGORIES = ("co2_combustion", "co2_electricity", "co2_heat", "co2_process")
CATEGORY_UNITS = {
    "activity": "",  # the fuel's catalogue unit (t, 万m3, kWh, GJ, tCO2), set per row
    "co2_combustion": "tCO2",
    "co2_electricity": "tCO2",
    "co2_heat": "tCO2",
    "co2_process": "tCO2",
    "co2_sink": "tCO2",
    "energy_calorific": "tce",
    "energy_coal_substitution": "tce",
    "energy_final_calorific": "tce",
    "electricity_final_calorific": "tce",
    "nonfossil_coal_substitution": "tce",
    "nonfossil_calorific": "tce",
}


@dataclass
class InventoryOptions:
    """How the inventory is computed (everything here is echoed in the result's ``method``)."""

    combustion_set: str = "cn-provincial"
    user_factors: UserFactors | None = None
    grid: str | float = "north_china"  # a series of the grid factor set, or tCO2/MWh for every year
    electricity_rule: ElectricityRule = "grid_share"
    grid_non_fossil_share: float | None = None  # percent for every year; else the macro variable
    base_year: int | None = None  # default: the first year present


@dataclass
class YearInputs:
    """Per-year inputs that are not in the activity rows."""

    grid_factor: float
    grid_factor_year: int | None
    coal_substitution: float  # kgce/kWh
    coal_substitution_source: str
    grid_non_fossil_share: float  # percent
    grid_non_fossil_share_source: str
    notes: list[str] = field(default_factory=list)


def _year_inputs(years: list[int], macro: Macro | None, opts: InventoryOptions) -> dict[int, YearInputs]:
    cs_set = get_set("coal-substitution")
    cs_table = coal_substitution_by_year(cs_set)
    grid_table = None if isinstance(opts.grid, int | float) else grid_series(opts.grid)
    out: dict[int, YearInputs] = {}
    for y in years:
        notes: list[str] = []
        if grid_table is None:
            gf, gy = float(opts.grid), None
        else:
            gy = nearest_year(grid_table, y)
            gf = grid_table[gy]
            if gy != y:
                notes.append(f"grid factor {opts.grid}: no {y} value, {gy} used")
        cs_macro = macro.get("coal_substitution_kgce_per_kwh", y) if macro else None
        if cs_macro is not None:
            cs, cs_src = cs_macro, f"macro file {macro.source if macro else ''}"
        else:
            cy = nearest_year(cs_table, y)
            cs, cs_src = cs_table[cy], f"{cs_set.label} ({cy}, default value)"
        if opts.grid_non_fossil_share is not None:
            share, share_src = float(opts.grid_non_fossil_share), "option --grid-non-fossil-share"
        elif macro is not None and macro.get("grid_non_fossil_share", y) is not None:
            share, share_src = float(macro.get("grid_non_fossil_share", y) or 0.0), "macro file"
        else:
            share, share_src = 0.0, "missing (counted as 0)"
            if opts.electricity_rule == "grid_share":
                notes.append(f"grid non-fossil share of {y} missing: purchased electricity counted as fossil")
        if opts.electricity_rule == "local_only":
            share, share_src = 0.0, "rule local_only"
        out[y] = YearInputs(gf, gy, cs, cs_src, share, share_src, notes)
    return out


def _tidy(agg: pd.DataFrame, inputs: dict[int, YearInputs], opts: InventoryOptions) -> pd.DataFrame:
    """The long table of every category by (year, sector, fuel), from the summed activity ``agg``."""
    combustion = get_set(opts.combustion_set)
    factors = fuel_factors(combustion, opts.user_factors)
    fuel = agg["fuel"].astype(str)
    kind = fuel.map({c: f.kind for c, f in FUELS.items()})
    top = agg["sector"].str.split("|").str[0]
    amount = agg["amount"].to_numpy()
    year = agg["year"].to_numpy()

    missing = sorted(set(fuel[(kind == "fossil") & ~fuel.isin(factors.co2)]))
    if missing:
        raise AccountingError(f"factor set {combustion.label} has no CO2 factor for {', '.join(missing)}")

    is_gen = (agg["sector"] == GENERATION).to_numpy()
    is_elec = (kind == "electricity").to_numpy()
    end_elec = is_elec & ~is_gen
    gen_fossil = is_elec & is_gen
    nf_power = (kind == "nonfossil_power").to_numpy()

    def by_year(mask: np.ndarray) -> pd.Series:
        return pd.Series(np.where(mask, amount, 0.0)).groupby(year).sum()

    e_end, g_f, g_nf = by_year(end_elec), by_year(gen_fossil), by_year(nf_power)
    consumed = (e_end - g_f).clip(lower=0.0)  # electricity consumed in the district, kWh
    purchased = (consumed - g_nf).clip(lower=0.0)  # net purchased from the grid, kWh
    local_nf_used = pd.concat([g_nf, consumed], axis=1).min(axis=1)
    yrs = list(e_end.index)
    gf = pd.Series({y: inputs[y].grid_factor for y in yrs})
    cs = pd.Series({y: inputs[y].coal_substitution for y in yrs}) / 1000.0  # tce/kWh
    share = pd.Series({y: inputs[y].grid_non_fossil_share for y in yrs}) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        # part of sector electricity not from local fossil plants
        scale_energy = (consumed / e_end).fillna(0.0)
        # purchased-electricity CO2 spread over consumption
        co2_per_kwh = (purchased * gf / 1000.0 / e_end).fillna(0.0)
        # non-fossil part of consumption
        nf_frac = ((local_nf_used + purchased * share) / consumed).fillna(0.0)

    # final consumption counts all electricity a sector uses; the energy total counts only the part not
    # already counted through the fuel inputs of local fossil plants
    elec_final_tce = np.where(end_elec, amount, 0.0) * factors.tce["electricity"]
    elec_kwh = np.where(end_elec, amount, 0.0) * scale_energy.reindex(year).to_numpy()
    tce_cal = np.where(
        kind.isin(["fossil", "heat", "nonfossil_heat"]), amount * fuel.map(factors.tce).fillna(0.0), 0.0
    )
    tce_cal = tce_cal + elec_kwh * factors.tce["electricity"]
    tce_cs = np.where(end_elec, 0.0, tce_cal) + elec_kwh * cs.reindex(year).to_numpy()
    final = ~(top == TRANSFORMATION_TOP).to_numpy()
    nf_share_row = nf_frac.reindex(year).to_numpy()
    nf_heat = (kind == "nonfossil_heat").to_numpy()

    columns: dict[str, np.ndarray] = {
        "activity": amount,
        "co2_combustion": np.where(kind == "fossil", amount * fuel.map(factors.co2).fillna(0.0), 0.0),
        "co2_electricity": np.where(end_elec, amount * co2_per_kwh.reindex(year).to_numpy(), 0.0),
        "co2_heat": np.where(kind == "heat", amount * factors.co2.get("heat", 0.0), 0.0),
        "co2_process": np.where(kind == "process", amount, 0.0),
        "co2_sink": np.where(kind == "sink", amount, 0.0),
        "energy_calorific": tce_cal,
        "energy_coal_substitution": tce_cs,
        "energy_final_calorific": np.where(final, np.where(end_elec, elec_final_tce, tce_cal), 0.0),
        "electricity_final_calorific": np.where(final, elec_final_tce, 0.0),
        "nonfossil_coal_substitution": np.where(
            end_elec, elec_kwh * cs.reindex(year).to_numpy() * nf_share_row, 0.0
        )
        + np.where(nf_heat, tce_cal, 0.0),
        "nonfossil_calorific": np.where(end_elec, elec_kwh * factors.tce["electricity"] * nf_share_row, 0.0)
        + np.where(nf_heat, tce_cal, 0.0),
    }
    wide = pd.DataFrame(
        {"year": year, "sector": agg["sector"].to_numpy(), "fuel": fuel.to_numpy(), **columns}
    )
    long = wide.melt(id_vars=["year", "sector", "fuel"], var_name="category", value_name="value")
    long = long[long["value"] != 0.0].copy()
    long["unit"] = long["category"].map(CATEGORY_UNITS)
    is_activity = (long["category"] == "activity").to_numpy()
    long.loc[is_activity, "unit"] = long.loc[is_activity, "fuel"].map({c: f.unit for c, f in FUELS.items()})
    return long[["year", "category", "sector", "fuel", "value", "unit"]].reset_index(drop=True)


def aggregate(activity: Activity) -> pd.DataFrame:
    """Sum the activity rows by (year, catalogue sector, fuel): the one pass over every row."""
    frame = activity.frame
    agg = (
        frame.groupby(["year", "sector_key", "fuel"], observed=True, sort=True)["amount"].sum().reset_index()
    )
    return agg.rename(columns={"sector_key": "sector"}).assign(sector=lambda d: d["sector"].astype(str))


@dataclass
class Computed:
    tidy: pd.DataFrame
    inputs: dict[int, YearInputs]
    agg: pd.DataFrame


def compute(activity: Activity, macro: Macro | None, opts: InventoryOptions) -> Computed:
    agg = aggregate(activity)
    years = sorted(int(y) for y in agg["year"].unique())
    if not years:
        raise AccountingError(f"{activity.source}: no activity rows")
    inputs = _year_inputs(years, macro, opts)
    return Computed(_tidy(agg, inputs, opts), inputs, agg)


def factor_set_info(opts: InventoryOptions, inputs: dict[int, YearInputs]) -> dict[str, Any]:
    combustion: FactorSet = get_set(opts.combustion_set)
    grid = get_set("grid-mee-nbs")
    return {
        "name": combustion.name,
        "version": combustion.version,
        "combustion": combustion.label,
        "coal_equivalent": get_set("gbt2589").label,
        "heat": get_set("heat-ndrc").label,
        "coal_substitution": get_set("coal-substitution").label,
        "grid": {
            "set": grid.label if not isinstance(opts.grid, int | float) else None,
            "series": opts.grid if isinstance(opts.grid, str) else "user value",
            "tco2_per_mwh": {str(y): i.grid_factor for y, i in inputs.items()},
            "year_used": {str(y): i.grid_factor_year for y, i in inputs.items()},
        },
        "user_file": opts.user_factors.path if opts.user_factors else None,
        "user_overrides": sorted(opts.user_factors.rows) if opts.user_factors else [],
    }
