"""Export of results in the IAMC long format (model, scenario, region, variable, unit, year, value),
which pyam (``pyam.IamDataFrame(path)``) and other integrated-assessment tools read.

Variable names follow the IAMC common definitions where one exists (``Emissions|CO2|Energy|…``,
``Final Energy|Electricity``, ``Capacity|Electricity|Solar``, ``Population``, ``GDP|MER``);
carbonpeak-specific ones are marked in docs/scenarios.md. Monte Carlo percentiles of the gross CO2
are variables ``Emissions|CO2|Gross|p5`` … ``|p95``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from carbonpeak import __version__
from carbonpeak.scenarios.assumptions import FUELS, GJ_PER_TCE, TECHS
from carbonpeak.scenarios.engine import SOURCES
from carbonpeak.scenarios.montecarlo import PERCENTILES, MonteCarlo
from carbonpeak.scenarios.results import ScenarioRun

COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]
EJ_PER_TCE = GJ_PER_TCE * 1e-9
MT = 1e-6
SOURCE_VARIABLES = {
    "fuel_combustion": "Emissions|CO2|Energy|Demand",
    "gas_chp": "Emissions|CO2|Energy|Supply|Gas CHP",
    "electricity": "Emissions|CO2|Energy|Indirect|Electricity",
    "heat": "Emissions|CO2|Energy|Indirect|Heat",
    "process": "Emissions|CO2|Industrial Processes",
}
FUEL_VARIABLES = {
    "coal": "Final Energy|Solids|Coal",
    "gasoline": "Final Energy|Liquids|Gasoline",
    "diesel": "Final Energy|Liquids|Diesel",
    "other_oil": "Final Energy|Liquids|Oil|Other",
    "lpg": "Final Energy|Liquids|LPG",
    "natural_gas": "Final Energy|Gases",
    "electricity": "Final Energy|Electricity",
    "heat": "Final Energy|Heat",
    "renewable_heat": "Final Energy|Heat|Geothermal and Solar",
    "hydrogen": "Final Energy|Hydrogen",
}
BRANCH_SECTOR = {
    "industry": "Industry",
    "construction": "Construction",
    "agriculture": "AFOFI",
    "buildings": "Residential and Commercial",
    "transport": "Transportation",
}


def region_name(run: ScenarioRun) -> str:
    base = run.scenario.base
    district = str(base.extra.get("district", "")) or "district"
    return f"{district} (illustrative)" if base.illustrative else district


def rows_of_run(
    run: ScenarioRun, model: str | None = None, mc: MonteCarlo | None = None
) -> list[dict[str, Any]]:
    """The IAMC rows of one deterministic run (sample 0), plus Monte Carlo percentiles if given."""
    res, scn = run.result, run.scenario
    years = [int(y) for y in res.years]
    model = model or f"carbonpeak {__version__}"
    region = region_name(run)
    out: list[dict[str, Any]] = []

    def add(variable: str, unit: str, values: Iterable[float]) -> None:
        for y, v in zip(years, values, strict=True):
            out.append(
                {
                    "model": model,
                    "scenario": scn.id,
                    "region": region,
                    "variable": variable,
                    "unit": unit,
                    "year": y,
                    "value": float(v),
                }
            )

    gross = res.co2[0]
    sinks = res.sinks[0]
    add("Emissions|CO2", "Mt CO2/yr", (gross - sinks) * MT)
    add("Emissions|CO2|Gross", "Mt CO2/yr", gross * MT)
    add("Emissions|CO2|AFOLU", "Mt CO2/yr", -sinks * MT)
    add("Emissions|CO2|Energy", "Mt CO2/yr", res.sources[0, :, :4].sum(axis=-1) * MT)
    for k, s in enumerate(SOURCES):
        add(SOURCE_VARIABLES[s], "Mt CO2/yr", res.sources[0, :, k] * MT)
    for j, b in enumerate(scn.base.branches):
        sector = BRANCH_SECTOR[scn.base.sectors[j]]
        add(f"Emissions|CO2|Energy|Demand|{sector}|{b}", "Mt CO2/yr", res.co2_by_branch[0, :, j] * MT)
    fuel = res.fuel_energy[0]
    add("Final Energy", "EJ/yr", fuel.sum(axis=-1) * EJ_PER_TCE)
    for k, f in enumerate(FUELS):
        add(FUEL_VARIABLES[f], "EJ/yr", fuel[:, k] * EJ_PER_TCE)
    ind = {k: v[0] for k, v in res.indicators.items()}
    add("Primary Energy", "EJ/yr", ind["energy_consumption_equivalent"] * EJ_PER_TCE)
    add("Primary Energy|Calorific Basis", "EJ/yr", ind["energy_consumption_calorific"] * EJ_PER_TCE)
    for k, t in enumerate(TECHS):
        add(f"Capacity|Electricity|{t.capitalize()}", "GW", run.inputs.capacity[0, :, k] / 1000.0)
    add("Secondary Energy|Electricity|Local Renewables", "EJ/yr", ind["local_generation"] * 3.6e-9)
    add("Trade|Secondary Energy|Electricity|Volume", "EJ/yr", ind["purchased_electricity"] * 3.6e-9)
    add("Population", "million", np.broadcast_to(run.inputs.population[0], (len(years),)) / 100.0)
    add("GDP|MER", "billion CNY_2020/yr", np.broadcast_to(run.inputs.gdp[0], (len(years),)) / 10.0)
    add("Share|Final Energy|Electricity", "%", ind["electricity_share_final"])
    add("Share|Primary Energy|Non-Fossil", "%", ind["non_fossil_share"])
    add("Land Cover|Forest|Share", "%", ind["forest_cover"])
    if mc is not None:
        bands = np.percentile(mc.co2, PERCENTILES, axis=0)
        for p, row in zip(PERCENTILES, bands, strict=True):
            add(f"Emissions|CO2|Gross|p{p}", "Mt CO2/yr", row * MT)
    return out


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)
