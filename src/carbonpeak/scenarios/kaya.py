"""Kaya identity tables for LMDI, from an inventory series or from a projection (same code).

Energy CO2 is written, for each group g = sector × fuel, as

    C_g = P · (G/P) · (E/G) · (E_s/E) · (E_g/E_s) · (C_g/E_g)
        = population · GDP per capita · energy intensity · sector structure · fuel mix · emission factor,

with E the final energy (tce, calorific). Electricity and heat carry the CO2 of their supply
(purchased electricity × grid factor plus gas CHP, purchased heat × heat factor) as an effective
factor, so the groups add up to the energy CO2 exactly. ``lmdi.decompose_frame`` does the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak.scenarios.base_year import ELEC, FUELS, HEAT
from carbonpeak.scenarios.results import ScenarioRun

KAYA_FACTORS = [
    "population",
    "gdp_per_capita",
    "energy_intensity",
    "structure",
    "fuel_mix",
    "emission_factor",
]


def kaya_from_table(table: pd.DataFrame) -> pd.DataFrame:
    """From rows (year, sector, fuel, energy_tce, co2_t, population, gdp) to the LMDI input table
    (year, group, one column per Kaya factor). Population and GDP repeat on every row of a year."""
    t = table.copy()
    by_year = t.groupby("year")
    energy_total = by_year["energy_tce"].transform("sum")
    sector_total = t.groupby(["year", "sector"])["energy_tce"].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "year": t["year"].astype(int),
                "group": t["sector"].astype(str) + "/" + t["fuel"].astype(str),
                "population": t["population"],
                "gdp_per_capita": t["gdp"] / t["population"],
                "energy_intensity": energy_total / t["gdp"],
                "structure": sector_total / energy_total,
                "fuel_mix": np.where(sector_total > 0, t["energy_tce"] / sector_total, 0.0),
                "emission_factor": np.where(t["energy_tce"] > 0, t["co2_t"] / t["energy_tce"], 0.0),
            }
        )
    return out.fillna(0.0)


def projection_table(run: ScenarioRun, sample: int = 0) -> pd.DataFrame:
    """The (year, sector, fuel, energy_tce, co2_t, population, gdp) rows of a projection."""
    res, base = run.result, run.scenario.base
    if res.energy is None:
        raise ValueError("the run kept no branch × fuel energy; run it with keep_energy=True")
    energy = res.energy[sample]  # (Y, B, F)
    ef = np.broadcast_to(run.engine.ef_comb, energy.shape).copy()
    src = res.sources[sample]
    elec_total = energy[..., ELEC].sum(axis=-1)
    heat_total = energy[..., HEAT].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ef[..., ELEC] = np.where(elec_total > 0, (src[:, 2] + src[:, 1]) / elec_total, 0.0)[:, None]
        ef[..., HEAT] = np.where(heat_total > 0, src[:, 3] / heat_total, 0.0)[:, None]
    co2 = energy * ef
    years = res.years
    n_y, n_b, n_f = energy.shape
    pop = np.broadcast_to(run.inputs.population[min(sample, run.inputs.population.shape[0] - 1)], (n_y,))
    gdp = np.broadcast_to(run.inputs.gdp[min(sample, run.inputs.gdp.shape[0] - 1)], (n_y,))
    return pd.DataFrame(
        {
            "year": np.repeat(years, n_b * n_f),
            "sector": np.tile(np.repeat(np.array(base.branches), n_f), n_y),
            "fuel": np.tile(np.array(FUELS), n_y * n_b),
            "energy_tce": energy.reshape(-1),
            "co2_t": co2.reshape(-1),
            "population": np.repeat(pop, n_b * n_f),
            "gdp": np.repeat(gdp, n_b * n_f),
        }
    )


def projection_kaya(run: ScenarioRun, sample: int = 0) -> pd.DataFrame:
    return kaya_from_table(projection_table(run, sample))
