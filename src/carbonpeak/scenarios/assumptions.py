"""Key assumptions and observed history as engine inputs: GDP and population growth, activity growth by
branch, the grid factor, non-fossil share and coal-substitution paths, full-load hours; the inventory's
observed years (decision note 0212) replace the assumptions where they are data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from carbonpeak.scenarios.base_year import TECHS, BaseYear
from carbonpeak.scenarios.engine import Engine, Inputs
from carbonpeak.scenarios.paths import by_year, path_points, step_rates


def apply_assumptions(inp: Inputs, base: BaseYear, assumptions: Mapping[str, Any]) -> None:
    """Key assumptions: GDP and population growth, activity growth by branch, grid factor path. The
    inventory's years (``base.history``) take the observed values; the paths continue from the latest
    of them (growth rates from the latest year's level, path points after it)."""
    years = inp.years
    hist = base.history
    last = inp.last_observed
    n = last + 1
    sub = years[last:]
    gdp_rate = step_rates(years, by_year(assumptions.get("gdp_growth", {})))
    gdp_index = np.cumprod(1.0 + gdp_rate)
    pop_index = np.cumprod(1.0 + step_rates(years, by_year(assumptions.get("population_growth", {}))))
    growth = assumptions.get("activity_growth", {}) or {}
    act_index = np.stack(
        [
            np.cumprod(1.0 + step_rates(years, by_year(growth[branch]))) if branch in growth else gdp_index
            for branch in base.branches
        ],
        axis=1,
    )  # (Y, B)
    gdp = base.gdp_100m_cny * gdp_index
    pop = base.population_10k * pop_index
    act = base.activity * act_index
    grid_pts = by_year(assumptions.get("grid_factor", {}))
    nonfossil_pts = by_year(assumptions.get("grid_nonfossil_share", {}))
    coal_pts = by_year(assumptions.get("coal_rate", {}))
    if hist is None:
        inp.gdp[0], inp.population[0], inp.activity[0] = gdp, pop, act
        inp.grid[0] = path_points(years, base.grid_factor, grid_pts)
        inp.grid_nonfossil[0] = path_points(years, base.grid_nonfossil_share, nonfossil_pts)
        inp.coal_rate[0] = path_points(years, base.coal_rate_kgce_per_kwh, coal_pts)
    else:
        # observed years: the inventory's values; unobserved drivers (floor area, turnover) follow
        # the growth assumptions; later years grow from the latest observed level
        inp.gdp[0, :n] = hist.gdp_100m_cny[:n]
        inp.gdp[0, n:] = hist.gdp_100m_cny[last] * gdp_index[n:] / gdp_index[last]
        inp.population[0, :n] = hist.population_10k[:n]
        inp.population[0, n:] = hist.population_10k[last] * pop_index[n:] / pop_index[last]
        observed = hist.activity[:n]
        act_h = np.where(np.isnan(observed), act[:n], observed)
        inp.activity[0, :n] = act_h
        inp.activity[0, n:] = act_h[-1] * act_index[n:] / act_index[last]
        for name, values, pts in (
            ("grid", hist.grid_factor, grid_pts),
            ("grid_nonfossil", hist.grid_nonfossil_share, nonfossil_pts),
            ("coal_rate", hist.coal_rate, coal_pts),
        ):
            arr = getattr(inp, name)
            arr[0, :n] = values[:n]
            arr[0, last:] = path_points(sub, float(values[last]), pts)
    hours = assumptions.get("full_load_hours", {}) or {}
    for k, tech in enumerate(TECHS):
        # not observed: the base file's hours (which turn the inventory's generation into capacity)
        # hold over the observed years, the path continues from the latest
        inp.hours[0, last:, k] = path_points(sub, float(base.hours[k]), by_year(hours.get(tech, {})))
    if hist is not None:
        apply_history(inp, base)


def apply_history(inp: Inputs, base: BaseYear) -> None:
    """The observed years' energy, generation, process CO2 and forest cover as engine inputs, so the
    engine reproduces the inventory in those years (decision note 0212): each branch's useful-energy
    intensity index = observed useful energy / (activity × base useful intensity), its useful shares
    the observed ones; later years hold the latest observed values until a lever moves them."""
    hist = base.history
    if hist is None:
        return
    eng = Engine.of(base)
    last = inp.last_observed
    n = last + 1
    useful = hist.energy_tce[:n] * base.efficiency  # (n, B, F)
    total = useful.sum(axis=-1)  # (n, B)
    denom = inp.activity[0, :n] * eng.useful_intensity
    intensity = np.divide(total, denom, out=np.ones_like(total), where=denom > 0)
    share = np.where(
        total[..., None] > 0,
        np.divide(useful, total[..., None], out=np.zeros_like(useful), where=total[..., None] > 0),
        eng.share0,
    )
    inp.intensity[0, :n], inp.intensity[0, n:] = intensity, intensity[-1]
    inp.share[0, :n], inp.share[0, n:] = share, share[-1]
    inp.capacity[0, :n], inp.capacity[0, n:] = hist.capacity_mw[:n], hist.capacity_mw[last]
    modelled = inp.activity[0, :n] @ eng.process_per_act
    pindex = np.divide(hist.process_t[:n], modelled, out=np.ones(n), where=modelled > 0)
    inp.process_index[0, :n], inp.process_index[0, n:] = pindex, pindex[-1]
    inp.forest[0, :n], inp.forest[0, n:] = hist.forest_cover[:n], hist.forest_cover[last]
