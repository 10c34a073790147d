"""The inventory result: a domain object with ``to_json()`` (the contract other packages rely on),
a tidy long DataFrame and table rows. Field reference: docs/accounting.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.accounting.indicators import average_annual_rate, cumulative_reduction, required_rate
from carbonpeak.accounting.inventory import (
    Computed,
    InventoryOptions,
    YearInputs,
    compute,
    factor_set_info,
)
from carbonpeak.accounting.io import Activity, Macro

METHOD_TEXT = {
    "boundary": "territorial: fuel combustion and process CO2 in the district, plus net purchased "
    "electricity (grid factor of the year) and purchased heat; sinks reported separately",
    "co2_of_fuel": "amount × NCV × carbon content × oxidation × 44/12 (or a direct tCO2 per unit)",
    "electricity": "net purchased = consumption (sector rows) − local fossil generation (electricity rows in "
    "energy|generation) − local non-fossil generation; its CO2 is spread over sectors by consumption",
    "energy_calorific": "当量值: fuels × GB/T 2589 coefficients, electricity 0.1229 kgce/kWh, "
    "heat 34.12 kgce/GJ",
    "energy_coal_substitution": "等价值: as calorific, but electricity × the year's average coal use per kWh",
    "non_fossil_share": "non-fossil energy / total energy, coal-substitution basis",
    "electricity_share_final": "electricity / final energy consumption (all sectors but energy|*), "
    "calorific basis",
    "intensity": "per unit GDP at constant prices of the macro file's base year; reductions vs base year",
}


@dataclass(frozen=True)
class Target:
    """An intensity reduction target: ``reduction`` (fraction) by ``year`` against the base year."""

    indicator: str  # energy_per_gdp_coal_substitution, energy_per_gdp_calorific, co2_per_gdp
    reduction: float
    year: int


def _sum(frame: pd.DataFrame, category: str) -> float:
    return float(frame.loc[frame["category"] == category, "value"].sum())


def _by(frame: pd.DataFrame, categories: tuple[str, ...], key: str) -> dict[str, float]:
    sel = frame[frame["category"].isin(categories)]
    return {str(k): float(v) for k, v in sel.groupby(key)["value"].sum().sort_index().items()}


def _fraction(num: float, den: float | None) -> float | None:
    return None if not den else num / den


@dataclass
class Inventory:
    """CO2 inventory, energy and indicators for every year of the activity data."""

    tidy: pd.DataFrame
    inputs: dict[int, YearInputs]
    options: InventoryOptions
    macro: Macro | None
    source: str
    illustrative: bool
    targets: list[Target] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(self.inputs)

    @property
    def base_year(self) -> int:
        return self.options.base_year if self.options.base_year is not None else self.years[0]

    def to_frame(self) -> pd.DataFrame:
        """The tidy long table: year, category, sector, fuel, value, unit."""
        return self.tidy.copy()

    def _co2(self, f: pd.DataFrame) -> dict[str, Any]:
        total = sum(_sum(f, c) for c in CO2_ALL)
        sinks = _sum(f, "co2_sink")
        return {
            "total": total,
            "by_sector": _by(f, CO2_ALL, "sector"),
            "by_fuel": _by(f, CO2_ALL, "fuel"),
            "combustion": _sum(f, "co2_combustion"),
            "combustion_by_sector": _by(f, ("co2_combustion",), "sector"),
            "electricity": _sum(f, "co2_electricity"),
            "heat": _sum(f, "co2_heat"),
            "process": _sum(f, "co2_process"),
            "sinks": sinks,
            "gross": total,
            "net": total - sinks,
        }

    def _energy(self, f: pd.DataFrame) -> dict[str, Any]:
        return {
            "calorific": _sum(f, "energy_calorific"),
            "coal_substitution": _sum(f, "energy_coal_substitution"),
            "final_calorific": _sum(f, "energy_final_calorific"),
            "electricity_final_calorific": _sum(f, "electricity_final_calorific"),
            "non_fossil_coal_substitution": _sum(f, "nonfossil_coal_substitution"),
            "non_fossil_calorific": _sum(f, "nonfossil_calorific"),
            "by_sector_calorific": _by(f, ("energy_calorific",), "sector"),
            "by_fuel_calorific": _by(f, ("energy_calorific",), "fuel"),
        }

    def _intensities(self, co2: dict[str, Any], energy: dict[str, Any], year: int) -> dict[str, float | None]:
        gdp = self.macro.get("gdp", year) if self.macro else None
        va_ind = self.macro.get("value_added_industry", year) if self.macro else None
        pop = self.macro.get("population", year) if self.macro else None
        industry_tce = sum(
            v for k, v in energy["by_sector_calorific"].items() if k.split("|")[0] == "industry"
        )
        return {
            "energy_per_gdp_calorific": _fraction(energy["calorific"], gdp),
            "energy_per_gdp_coal_substitution": _fraction(energy["coal_substitution"], gdp),
            "co2_per_gdp": _fraction(co2["total"], gdp),
            "industry_energy_per_value_added_calorific": _fraction(industry_tce, va_ind),
            "co2_per_capita": _fraction(co2["total"], pop),
        }

    def to_json(self) -> dict[str, Any]:
        """The contract: ``{"illustrative", "factor_set", "method", "base_year", "years": {year: {...}}}``."""
        years: dict[str, Any] = {}
        intensity: dict[int, dict[str, float | None]] = {}
        for y in self.years:
            f = self.tidy[self.tidy["year"] == y]
            co2, energy = self._co2(f), self._energy(f)
            intensity[y] = self._intensities(co2, energy, y)
            inp = self.inputs[y]
            years[str(y)] = {
                "co2_t": co2,
                "energy_tce": energy,
                "activity": {
                    "by_fuel": _by(f, ("activity",), "fuel"),
                    "units": {k: FUELS[k].unit for k in _by(f, ("activity",), "fuel")},
                },
                "indicators": {
                    "non_fossil_share": _fraction(
                        energy["non_fossil_coal_substitution"], energy["coal_substitution"]
                    ),
                    "non_fossil_share_calorific": _fraction(
                        energy["non_fossil_calorific"], energy["calorific"]
                    ),
                    "electricity_share_final": _fraction(
                        energy["electricity_final_calorific"], energy["final_calorific"]
                    ),
                    **intensity[y],
                },
                "inputs": {
                    "gdp_10k_yuan": self.macro.get("gdp", y) if self.macro else None,
                    "population": self.macro.get("population", y) if self.macro else None,
                    "grid_factor_tco2_per_mwh": inp.grid_factor,
                    "grid_factor_year": inp.grid_factor_year,
                    "coal_substitution_kgce_per_kwh": inp.coal_substitution,
                    "coal_substitution_source": inp.coal_substitution_source,
                    "grid_non_fossil_share_pct": inp.grid_non_fossil_share,
                    "grid_non_fossil_share_source": inp.grid_non_fossil_share_source,
                },
                "notes": list(inp.notes),
            }
        self._reductions(years, intensity)
        return {
            "illustrative": self.illustrative,
            "source": self.source,
            "factor_set": factor_set_info(self.options, self.inputs),
            "method": {
                **METHOD_TEXT,
                "electricity_rule": self.options.electricity_rule,
                "base_year": self.base_year,
            },
            "base_year": self.base_year,
            "years": years,
        }

    def _reductions(self, years: dict[str, Any], intensity: dict[int, dict[str, float | None]]) -> None:
        base = self.base_year
        for y in self.years:
            ind = years[str(y)]["indicators"]
            for name in INTENSITIES:
                now = intensity[y][name]
                prev = intensity.get(y - 1, {}).get(name)
                first = intensity.get(base, {}).get(name)
                ind[f"{name}_yoy_reduction"] = (
                    cumulative_reduction(now, prev) if now is not None and prev else None
                )
                ok = now is not None and first and y > base
                ind[f"{name}_cumulative_reduction"] = cumulative_reduction(now, first) if ok else None  # type: ignore[arg-type]
                ind[f"{name}_average_annual_reduction"] = (
                    average_annual_rate(now, first, y - base) if ok else None  # type: ignore[arg-type]
                )
            targets: dict[str, Any] = {}
            for t in self.targets:
                now, first = intensity[y].get(t.indicator), intensity.get(base, {}).get(t.indicator)
                n = t.year - base
                targets[f"{t.indicator}@{t.year}"] = {
                    "reduction": t.reduction,
                    "year": t.year,
                    "implied_annual_rate": 1.0 - (1.0 - t.reduction) ** (1.0 / n) if n > 0 else None,
                    "required_annual_rate_from_now": (
                        required_rate(now, first, t.reduction, t.year - y) if now and first else None
                    ),
                    "on_track": (now <= first * (1 - t.reduction) ** ((y - base) / n))
                    if now and first and n > 0
                    else None,
                }
            if targets:
                ind["targets"] = targets


CO2_ALL = ("co2_combustion", "co2_electricity", "co2_heat", "co2_process")
INTENSITIES = ("energy_per_gdp_calorific", "energy_per_gdp_coal_substitution", "co2_per_gdp")


def inventory(
    activity: Activity,
    macro: Macro | None = None,
    options: InventoryOptions | None = None,
    targets: list[Target] | None = None,
) -> Inventory:
    """Compute the inventory of every year in ``activity``."""
    opts = options or InventoryOptions()
    computed: Computed = compute(activity, macro, opts)
    if opts.base_year is not None and opts.base_year not in computed.inputs:
        from carbonpeak.accounting.errors import AccountingError

        raise AccountingError(
            f"base year {opts.base_year} is not in the activity data ({sorted(computed.inputs)})"
        )
    return Inventory(
        tidy=computed.tidy,
        inputs=computed.inputs,
        options=opts,
        macro=macro,
        source=activity.source,
        illustrative=activity.illustrative or bool(macro and macro.illustrative),
        targets=list(targets or []),
    )
