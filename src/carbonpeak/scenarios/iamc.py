"""Export of results in the IAMC format (model, scenario, region, variable, unit, year, value), which
pyam (``pyam.IamDataFrame(path)``) and other integrated-assessment tools read.

The variable tree adds up: every variable with children is the sum of its direct children (pyam's
``check_aggregate`` passes for each), and every intermediate level is exported. Names follow the IAMC
common definitions (IAMconsortium/common-definitions, ``definitions/variable/``) where one exists —
``Emissions|CO2|Energy|Demand|Industry``, ``Final Energy|Industry|Electricity``,
``Secondary Energy|Electricity|Solar``, ``Capacity|Electricity|Solar``, ``Gross Emissions|CO2``,
``Trade|Secondary Energy|Electricity|Volume`` (net exports) — and the carbonpeak-specific ones are
listed in docs/scenarios.md. Monte Carlo percentiles of the gross CO2 are scenarios of their own,
``<scenario>|p5`` … ``|p95`` (decision note 0213), never child variables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from carbonpeak import __version__
from carbonpeak.scenarios.base_year import FUELS, TECHS, BaseYear
from carbonpeak.scenarios.engine import SOURCES
from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.scenarios.montecarlo import PERCENTILES, MonteCarlo
from carbonpeak.scenarios.quantities import rescale
from carbonpeak.scenarios.results import ScenarioRun

Array = NDArray[np.float64]
COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]
CO2_UNIT, ENERGY_UNIT = "Mt CO2/yr", "EJ/yr"
# each model fuel below a sector of "Final Energy" (IAMC secondary fuels)
FUEL_PATHS = {
    "coal": "Solids|Coal",
    "gasoline": "Liquids|Oil|Gasoline",
    "diesel": "Liquids|Oil|Diesel",
    "other_oil": "Liquids|Oil|Other",
    "lpg": "Liquids|Oil|LPG",
    "natural_gas": "Gases|Fossil",
    "electricity": "Electricity",
    "heat": "Heat",
    "renewable_heat": "Geothermal and Solar",
    "hydrogen": "Hydrogen",
}
# a branch's path below "…|Energy|Demand" when its base-year file gives no ``iamc:`` ({branch}: its id)
SECTOR_PATHS = {
    "industry": "Industry|{branch}",
    "construction": "Industry|Construction",
    "agriculture": "AFOFI",
    "buildings": "Residential and Commercial|{branch}",
    "transport": "Transportation|{branch}",
}
TECH_NAMES = {"solar": "Solar", "wind": "Wind", "biomass": "Biomass"}


def region_name(run: ScenarioRun) -> str:
    base = run.scenario.base
    district = str(base.extra.get("district", "")) or "district"
    return f"{district} (示例数据 illustrative)" if base.illustrative else district


def percentile_scenario(scenario: str, p: int) -> str:
    """The scenario name of a Monte Carlo percentile band: ``plan|p5``."""
    return f"{scenario}|p{p}"


def branch_paths(base: BaseYear) -> list[str]:
    """Each branch's sector path (``Industry|Non-Ferrous Metals``); none may lie below another's."""
    paths = [
        (base.iamc_sectors[j] if j < len(base.iamc_sectors) and base.iamc_sectors[j] else "")
        or SECTOR_PATHS[base.sectors[j]].format(branch=b)
        for j, b in enumerate(base.branches)
    ]
    problems = [
        Problem(
            f"{path!r} lies below {other!r}; a branch is a leaf of the IAMC tree", field=f"branches.{b}.iamc"
        )
        for b, path in zip(base.branches, paths, strict=True)
        for other in paths
        if path.startswith(other + "|")
    ]
    if problems:
        raise ScenarioDataError(problems)
    return paths


def with_levels(root: str, leaves: Mapping[str, Array]) -> dict[str, Array]:
    """``root``, its leaves and every level between them, each level the sum of the leaves below it
    (leaves sharing a path are summed)."""
    out: dict[str, Array] = {}
    for path, values in leaves.items():
        parts = path.split("|")
        for depth in range(len(parts) + 1):
            key = "|".join([root, *parts[:depth]])
            out[key] = out[key] + values if key in out else np.asarray(values, dtype=np.float64)
    return out


def emission_variables(run: ScenarioRun, paths: list[str]) -> dict[str, Array]:
    """``Emissions|CO2`` (net of sinks) and its tree, in t CO2."""
    res = run.result
    src = {name: res.sources[0, :, k] for k, name in enumerate(SOURCES)}
    leaves: dict[str, Array] = {}
    for j, path in enumerate(paths):
        key = f"Energy|Demand|{path}"
        leaves[key] = leaves.get(key, 0.0) + res.co2_by_branch[0, :, j]
    leaves.update(
        {
            "Energy|Supply": src["gas_chp"],
            "Energy|Indirect|Electricity": src["electricity"],
            "Energy|Indirect|Heat": src["heat"],
            "Industrial Processes": src["process"],
            "AFOLU": -res.sinks[0],
        }
    )
    return with_levels("Emissions|CO2", leaves)


def final_energy_variables(run: ScenarioRun, paths: list[str]) -> dict[str, Array]:
    """``Final Energy`` by sector (the first level of the branch paths) and fuel, in tce (calorific)."""
    energy = run.result.energy
    if energy is None:
        raise ValueError("the IAMC export needs the branch × fuel energy: run with keep_energy=True")
    leaves: dict[str, Array] = {}
    for j, path in enumerate(paths):
        sector = path.split("|")[0]
        for k, fuel in enumerate(FUELS):
            key = f"{sector}|{FUEL_PATHS[fuel]}"
            leaves[key] = leaves.get(key, 0.0) + energy[0, :, j, k]
    return with_levels("Final Energy", leaves)


def electricity_variables(run: ScenarioRun) -> dict[str, tuple[str, Array]]:
    """Local generation by technology and gas CHP, capacity and net exports, with their units."""
    res, inp = run.result, run.inputs
    gen = res.generation if res.generation is not None else np.zeros((1, len(res.years), len(TECHS)))
    chp = res.chp_electricity if res.chp_electricity is not None else np.zeros((1, len(res.years)))
    secondary = with_levels(
        "Secondary Energy|Electricity",
        {**{TECH_NAMES[t]: gen[0, :, k] for k, t in enumerate(TECHS)}, "Gas": chp[0]},
    )
    capacity = with_levels(
        "Capacity|Electricity", {TECH_NAMES[t]: inp.capacity[0, :, k] for k, t in enumerate(TECHS)}
    )
    out = {name: (ENERGY_UNIT, rescale(v, "MWh", "EJ")) for name, v in secondary.items()}
    out.update({name: ("GW", rescale(v, "MW", "GW")) for name, v in capacity.items()})
    net_exports = -res.indicators["purchased_electricity"][0]  # IAMC: trade volume = net exports
    out["Trade|Secondary Energy|Electricity|Volume"] = (ENERGY_UNIT, rescale(net_exports, "MWh", "EJ"))
    return out


def driver_variables(run: ScenarioRun) -> dict[str, tuple[str, Array]]:
    """Primary energy on both bases, population, GDP, shares and forest cover."""
    res, inp, base = run.result, run.inputs, run.scenario.base
    n = len(res.years)
    ind = {k: v[0] for k, v in res.indicators.items()}
    forest_ha = base.area_ha() * np.broadcast_to(inp.forest[0], (n,))
    return {
        "Primary Energy": (ENERGY_UNIT, rescale(ind["energy_consumption_equivalent"], "tce", "EJ")),
        "Primary Energy [Calorific Basis]": (
            ENERGY_UNIT,
            rescale(ind["energy_consumption_calorific"], "tce", "EJ"),
        ),
        "Population": (
            "million",
            rescale(np.broadcast_to(inp.population[0], (n,)), "万人", "million_person"),
        ),
        "GDP|MER": (
            f"billion CNY_{base.year}/yr",
            rescale(np.broadcast_to(inp.gdp[0], (n,)), "亿元", "billion_yuan"),
        ),
        "Land Cover|Forest": ("million ha", rescale(forest_ha, "hectare", "Mha")),
        "Share|Final Energy|Electricity": ("%", ind["electricity_share_final"]),
        "Share|Primary Energy|Non-Fossil": ("%", ind["non_fossil_share"]),
        "Share|Land Cover|Forest": ("%", ind["forest_cover"]),
    }


def rows_of_run(
    run: ScenarioRun, model: str | None = None, mc: MonteCarlo | None = None
) -> list[dict[str, Any]]:
    """The IAMC rows of one deterministic run (sample 0), plus the Monte Carlo percentile scenarios."""
    res, scn = run.result, run.scenario
    years = [int(y) for y in res.years]
    keys = {"model": model or f"carbonpeak {__version__}", "region": region_name(run)}
    out: list[dict[str, Any]] = []

    def add(scenario: str, variable: str, unit: str, values: Iterable[float]) -> None:
        out.extend(
            {**keys, "scenario": scenario, "variable": variable, "unit": unit, "year": y, "value": float(v)}
            for y, v in zip(years, values, strict=True)
        )

    paths = branch_paths(scn.base)
    for variable, values in emission_variables(run, paths).items():
        add(scn.id, variable, CO2_UNIT, rescale(values, "tCO2", "MtCO2"))
    add(scn.id, "Gross Emissions|CO2", CO2_UNIT, rescale(res.co2[0], "tCO2", "MtCO2"))
    for variable, values in final_energy_variables(run, paths).items():
        add(scn.id, variable, ENERGY_UNIT, rescale(values, "tce", "EJ"))
    for variable, (unit, values) in {**electricity_variables(run), **driver_variables(run)}.items():
        add(scn.id, variable, unit, values)
    if mc is not None:
        bands = np.percentile(mc.co2, PERCENTILES, axis=0)
        for p, row in zip(PERCENTILES, bands, strict=True):
            add(
                percentile_scenario(scn.id, p), "Gross Emissions|CO2", CO2_UNIT, rescale(row, "tCO2", "MtCO2")
            )
    return out


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def wide_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The IAMC rows in the wide layout pyam and Excel read: model, scenario, region, variable, unit
    and one column per year (header in English, as pyam expects)."""
    frame = to_frame(rows)
    keys = COLUMNS[:5]
    wide = frame.pivot_table(index=keys, columns="year", values="value", sort=False).reset_index()
    years = [c for c in wide.columns if c not in keys]
    header = [*keys, *(str(y) for y in years)]
    body = [
        [*row[:5], *(None if pd.isna(v) else float(v) for v in row[5:])]
        for row in wide.itertuples(index=False)
    ]
    return header, body
