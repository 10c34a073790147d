"""The scenario base year from an ``accounting`` inventory of the same data (issue 4: the base year
reproduces the inventory exactly).

The inventory gives, for the chosen year, the energy by accounting sector × fuel (calorific tce, with
the inventory's factor set), the combustion and process CO2, purchased electricity and its grid factor,
purchased heat, local non-fossil generation, sinks and the macro data (GDP, industrial value added,
population). This module maps the accounting sector codes to the model's branches (the ``sectors``
table of the base-year file, documented in docs/scenarios.md) and the accounting fuels to the model's
fuel groups, and takes everything the engine needs for the base year from the inventory. What the
inventory does not have — floor area, turnover, the split of industrial value added over branches,
capacities and full-load hours, forest area — stays in the base-year file as illustrative drivers and
is scaled so that the base-year energy and CO2 equal the inventory's (decision note 0210).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.accounting import FUELS as ACC_FUELS
from carbonpeak.accounting import (
    AccountingError,
    ImportProblems,
    Inventory,
    fuel_factors,
    get_set,
    inventory,
    read_activity,
    read_macro,
)
from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir
from carbonpeak.accounting.factors import FuelFactors
from carbonpeak.scenarios.base_year import COMBUSTIBLE, FUELS, TECHS, BaseYear, Fuel, History
from carbonpeak.scenarios.engine import SOURCES, Engine, frozen_inputs
from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.units import conversion_factor

# accounting fuel → model fuel group (a group's CO2 per tce is the inventory's CO2 / tce of the group)
FUEL_GROUPS: dict[str, str] = {
    "raw_coal": "coal",
    "cleaned_coal": "coal",
    "other_washed_coal": "coal",
    "briquettes": "coal",
    "coke": "coal",
    "gasoline": "gasoline",
    "diesel": "diesel",
    "crude_oil": "other_oil",
    "kerosene": "other_oil",
    "fuel_oil": "other_oil",
    "lpg": "lpg",
    "refinery_gas": "lpg",
    "natural_gas": "natural_gas",
    "electricity": "electricity",
    "heat": "heat",
    "geothermal_heat": "renewable_heat",
    "solar_thermal": "renewable_heat",
}
# the accounting fuel whose factors stand for a group the base year does not use
GROUP_REFERENCE = {
    "coal": "raw_coal",
    "gasoline": "gasoline",
    "diesel": "diesel",
    "other_oil": "fuel_oil",
    "lpg": "lpg",
    "natural_gas": "natural_gas",
    "electricity": "electricity",
    "heat": "heat",
    "renewable_heat": "geothermal_heat",
}
GENERATION_TECH = {"solar_power": "solar", "wind_power": "wind", "biomass_power": "biomass"}
GENERATION_SECTOR = "energy|generation"
DEMO = "demo"


@lru_cache(maxsize=8)
def _cached_inventory(activity: str, macro: str | None, stamp: tuple[float, ...]) -> Inventory:
    del stamp  # part of the cache key only: a changed file is read again
    return inventory(read_activity(activity), read_macro(macro) if macro else None)


def resolve_demo(name: str | None, kind: str) -> str | None:
    """``demo`` names the accounting package's illustrative Jinghai files (data/demo)."""
    if name != DEMO:
        return name
    return str(demo_dir() / (ACTIVITY_FILE if kind == "activity" else MACRO_FILE))


def read_inventory(activity: str | Path, macro: str | Path | None) -> Inventory:
    """The accounting inventory of an activity file (and macro file), with the default options of
    ``carbonpeak inventory``; read once per file version. Import problems become ScenarioDataError."""
    paths = [Path(activity), *([Path(macro)] if macro else [])]
    try:
        stamp = tuple(x for p in paths for x in (p.stat().st_mtime, float(p.stat().st_size)))
    except OSError as exc:
        raise ScenarioDataError([Problem(f"cannot read: {exc}", file=str(exc.filename))]) from exc
    try:
        return _cached_inventory(str(activity), str(macro) if macro else None, stamp)
    except ImportProblems as exc:
        raise ScenarioDataError(exc.problems) from exc
    except AccountingError as exc:
        raise ScenarioDataError([Problem(str(exc), file=str(activity))]) from exc


@dataclass
class YearSplit:
    """One inventory year placed on the model: energy by branch × fuel group (tce, calorific),
    combustion CO2 by fuel group, process CO2 by branch, local generation by technology, sinks."""

    energy: NDArray[np.float64]  # (B, F)
    co2: NDArray[np.float64]  # (F,)
    process: NDArray[np.float64]  # (B,)
    generation_mwh: NDArray[np.float64]  # (T,)
    sinks: float = 0.0
    unplaced: dict[str, set[str]] = field(default_factory=dict)


def _check_year_and_sectors(
    model: BaseYear, inv: Inventory, year: int, sectors: Mapping[str, str], file: str
) -> None:
    if year not in inv.years:
        problem = Problem(
            f"base year {year} is not in the activity data (years: {inv.years})",
            file=inv.source,
            field="year",
        )
        raise ScenarioDataError([problem])
    problems = [
        Problem(f"unknown branch {branch!r}", file=file, field=f"inventory.sectors.{key}")
        for key, branch in sectors.items()
        if branch not in model.branches
    ]
    if problems:
        raise ScenarioDataError(problems)


def _split_year(
    model: BaseYear, inv: Inventory, year: int, sectors: Mapping[str, str], factors: FuelFactors
) -> YearSplit:
    """The inventory rows of ``year`` summed onto branches, fuel groups and technologies; what the
    model cannot place is collected in ``unplaced`` (what → the sectors or fuels it came with)."""
    tidy = inv.tidy
    table: Any = tidy[tidy["year"] == year]
    out = YearSplit(
        energy=np.zeros((len(model.branches), len(FUELS))),
        co2=np.zeros(len(FUELS)),
        process=np.zeros(len(model.branches)),
        generation_mwh=np.zeros(len(TECHS)),
    )
    kwh_per_mwh = conversion_factor("MWh", "kWh")
    cats = table.groupby(["sector", "fuel", "category"], observed=True)["value"].sum()
    for (sector, fuel, category), value in cats.items():
        sector, fuel, value = str(sector), str(fuel), float(value)
        kind = ACC_FUELS[fuel].kind
        if kind == "sink":
            out.sinks += value if category == "co2_sink" else 0.0
        elif kind == "nonfossil_power":
            if category != "activity":
                continue
            if fuel not in GENERATION_TECH:
                out.unplaced.setdefault(f"fuel {fuel}", set()).add(sector)
            else:
                out.generation_mwh[TECHS.index(GENERATION_TECH[fuel])] += value / kwh_per_mwh
        elif sector not in sectors:
            out.unplaced.setdefault(f"sector {sector}", set()).add(fuel)
        elif kind == "process":
            if category == "co2_process":
                out.process[model.branches.index(sectors[sector])] += value
        elif fuel not in FUEL_GROUPS:
            out.unplaced.setdefault(f"fuel {fuel}", set()).add(sector)
        else:
            _add_energy(
                out,
                model.branches.index(sectors[sector]),
                FUELS.index(FUEL_GROUPS[fuel]),
                kind,
                category,
                value,
                factors,
            )
    return out


def _add_energy(
    out: YearSplit, j: int, k: int, kind: str, category: str, value: float, factors: FuelFactors
) -> None:
    if category == "activity" and kind == "electricity":
        out.energy[j, k] += value * factors.tce["electricity"]  # all of a sector's electricity, calorific
    elif category == "energy_calorific" and kind != "electricity":
        out.energy[j, k] += value
    elif category == "co2_combustion":
        out.co2[k] += value


def _unplaced_problems(split: YearSplit, src: str, file: str) -> list[Problem]:
    problems = []
    for what, where in sorted(split.unplaced.items()):
        kind, code = what.split(" ", 1)
        if kind == "sector":
            message = (
                f"sector {code!r} (fuels {', '.join(sorted(where))}) has no branch in the model's "
                f"sector mapping ({file}: inventory.sectors); map it there or use a sub-sector code"
            )
        else:
            message = f"fuel {code!r} (sectors {', '.join(sorted(where))}) has no group in the model"
        problems.append(Problem(message, file=src, field=kind))
    return problems


def _fuel_groups(model: BaseYear, inv: Inventory, factors: FuelFactors, split: YearSplit) -> tuple[Fuel, ...]:
    """The model's fuels with the inventory's factors: a group's CO2 per tce is its combustion CO2 /
    its tce in this year (the factor of its reference fuel when the year does not use the group)."""
    fuels = []
    for k, fid in enumerate(FUELS):
        ref = GROUP_REFERENCE.get(fid)
        old = model.fuels[k]
        if ref is None:  # hydrogen: not in the inventory; the model's own figures
            fuels.append(old)
            continue
        # the model counts electricity in MWh, the accounting package in its own unit (kWh)
        unit = "MWh" if fid == "electricity" else ACC_FUELS[ref].unit
        per_model_unit = conversion_factor(unit, ACC_FUELS[ref].unit)
        tce_unit = factors.tce.get(ref, old.tce_per_unit) * per_model_unit
        tce_total = split.energy[:, k].sum()
        if COMBUSTIBLE[k] and fid != "renewable_heat" and tce_total > 0:
            co2_unit = split.co2[k] / tce_total * tce_unit
        elif COMBUSTIBLE[k] and fid != "renewable_heat":
            co2_unit = factors.co2.get(ref, 0.0) * per_model_unit
        else:
            co2_unit = 0.0
        label = f"accounting factor set {inv.options.combustion_set} ({factors.sources.get(ref, 'gbt2589')})"
        fuels.append(Fuel(fid, unit, tce_unit, co2_unit, label))
    return tuple(fuels)


def _capacity_and_sink_rate(
    model: BaseYear, split: YearSplit, file: str
) -> tuple[NDArray[np.float64], float]:
    """Capacity = the year's generation at the base file's full-load hours and curtailment; sink rate =
    the year's sinks over the base file's forest area."""
    cut = model.curtailment * max(0.0, 1.0 - model.storage_ratio / model.storage_full_ratio)
    per_mw = model.hours * (1.0 - cut)
    gen = split.generation_mwh
    bad = [t for k, t in enumerate(TECHS) if gen[k] > 0 and per_mw[k] <= 0]
    if bad:
        raise ScenarioDataError(
            [Problem("full-load hours needed", file=file, field=f"generation.{t}.hours") for t in bad]
        )
    capacity = np.divide(gen, per_mw, out=np.zeros_like(gen), where=per_mw > 0)
    forest_ha = model.forest_ha()
    if split.sinks > 0 and forest_ha <= 0:
        raise ScenarioDataError(
            [Problem("area_km2 and forest_cover are needed for the sinks", file=file, field="forest_cover")]
        )
    return capacity, split.sinks / forest_ha if forest_ha > 0 else 0.0


MACRO_NEEDED = {"gdp": "万元", "population": "人"}  # macro variable → its unit in the macro file


def _macro_of_year(inv: Inventory, year: int) -> dict[str, float]:
    """GDP (亿元) and population (万人) of ``year`` from the macro file, which gives 万元 and 人."""
    macro = inv.macro
    got = {v: macro.get(v, year) if macro else None for v in MACRO_NEEDED}
    missing = [v for v, x in got.items() if x is None]
    if missing:
        source = macro.source if macro else "<no macro file>"
        raise ScenarioDataError(
            [Problem(f"no {year} value ({MACRO_NEEDED[v]})", file=source, field=v) for v in missing]
        )
    return {
        "gdp_100m_cny": float(got["gdp"] or 0.0) / conversion_factor("亿元", "万元"),
        "population_10k": float(got["population"] or 0.0) / conversion_factor("万人", "人"),
    }


def _activity_and_reference(
    model: BaseYear, inv: Inventory, year: int, split: YearSplit, file: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Branch activity (the file's drivers; industrial and primary value added from the macro file,
    split as the file), and the reference useful energy per activity and shares of branches without
    energy in the inventory (their activity starts at 0; the file's own balance is the reference)."""
    n_b, n_f = len(model.branches), len(FUELS)
    activity = model.activity.copy()
    useful_model = model.energy_tce * model.efficiency
    total_model = useful_model.sum(axis=1)
    empty = (split.energy.sum(axis=1) <= 0) & (split.process <= 0)
    ref_useful = np.full(n_b, np.nan)
    ref_share = np.zeros((n_b, n_f))
    has_ref = empty & (total_model > 0) & (model.activity > 0)
    ref_useful[has_ref] = total_model[has_ref] / model.activity[has_ref]
    ref_share[has_ref] = useful_model[has_ref] / total_model[has_ref, None]
    activity[empty] = 0.0
    no_driver = [b for j, b in enumerate(model.branches) if not empty[j] and model.activity[j] <= 0]
    if no_driver:
        raise ScenarioDataError(
            [Problem("needs an activity > 0", file=file, field=f"branches.{b}.activity") for b in no_driver]
        )
    wan_per_yi = conversion_factor("亿元", "万元")  # the macro file gives 万元, the drivers are in 亿元
    for sector, variable in (("industry", "value_added_industry"), ("agriculture", "value_added_primary")):
        value = inv.macro.get(variable, year) if inv.macro else None
        mask = model.branch_mask(sector)
        if value is not None and activity[mask].sum() > 0:
            activity[mask] *= (value / wan_per_yi) / activity[mask].sum()
    return activity, ref_useful, ref_share


def base_from_inventory(
    model: BaseYear, inv: Inventory, year: int, sectors: Mapping[str, str], file: str = "<base>"
) -> BaseYear:
    """The model's base year ``year`` built from the inventory ``inv``.

    ``model`` gives the branches and the illustrative drivers (activity, efficiencies, full-load hours,
    curtailment, forest cover, area); ``sectors`` maps accounting sector keys (``top`` or ``top|sub``)
    to branches. Every problem — a missing year, a sector the mapping cannot place, a fuel the model has
    no group for — is reported at once, naming the activity file."""
    _check_year_and_sectors(model, inv, year, sectors, file)
    factors = fuel_factors(get_set(inv.options.combustion_set), inv.options.user_factors)
    split = _split_year(model, inv, year, sectors, factors)
    problems = _unplaced_problems(split, inv.source, file)
    if problems:
        raise ScenarioDataError(problems)
    capacity, sink_rate = _capacity_and_sink_rate(model, split, file)
    macro = _macro_of_year(inv, year)
    activity, ref_useful, ref_share = _activity_and_reference(model, inv, year, split, file)
    inputs = inv.inputs[year]
    return replace(
        model,
        year=year,
        activity=activity,
        energy_tce=split.energy,
        fuels=_fuel_groups(model, inv, factors, split),
        capacity_mw=capacity,
        process_t=split.process,
        reference_useful=ref_useful,
        reference_share=ref_share,
        forest_sink_t_per_ha=sink_rate,
        population_10k=macro["population_10k"],
        gdp_100m_cny=macro["gdp_100m_cny"],
        grid_factor=inputs.grid_factor,
        grid_nonfossil_share=inputs.grid_non_fossil_share / conversion_factor("dimensionless", "%"),
        coal_rate_kgce_per_kwh=inputs.coal_substitution,
        heat_factor=factors.co2.get("heat", model.heat_factor),
        illustrative=model.illustrative or inv.illustrative,
        source=f"{model.source}; base year {year} from the accounting inventory of {inv.source}",
        extra={**model.extra, "inventory": _inventory_reference(inv, year)},
    )


def _inventory_reference(inv: Inventory, year: int) -> dict[str, Any]:
    return {
        "activity": inv.source,
        "macro": inv.macro.source if inv.macro else None,
        "year": year,
        "factor_set": inv.options.combustion_set,
        "grid_series": inv.options.grid,
    }


def inventory_base(
    model: BaseYear,
    activity: str | Path,
    macro: str | Path | None,
    year: int | None,
    sectors: Mapping[str, str],
    file: str = "<base>",
) -> BaseYear:
    """Read ``activity`` (and ``macro``), compute the inventory and build the base year ``year``
    (default: the model's base year)."""
    inv = read_inventory(activity, macro)
    base = base_from_inventory(model, inv, model.year if year is None else year, sectors, file)
    return replace(base, history=history_from_inventory(model, base, inv, sectors, file))


def history_from_inventory(
    model: BaseYear, base: BaseYear, inv: Inventory, sectors: Mapping[str, str], file: str = "<base>"
) -> History | None:
    """The inventory's years from the base year on, as every scenario takes them (decision note
    0212). Consecutive years only: the history ends before the first year the inventory or the macro
    file cannot give in full (the note says which), or before a gap in the years."""
    years = [base.year]
    rows = [base]
    note = ""
    for y in sorted(v for v in inv.years if v > base.year):
        if y != years[-1] + 1:
            note = f"history ends at {years[-1]}: the activity data have no {years[-1] + 1}"
            break
        try:
            rows.append(base_from_inventory(model, inv, y, sectors, file))
        except ScenarioDataError as exc:
            note = f"history ends at {years[-1]}: year {y} is incomplete ({exc.problems[0].message})"
            break
        years.append(y)
    if len(years) == 1:
        return None
    macro = inv.macro
    n_b = len(base.branches)
    observed = np.zeros(n_b, dtype=bool)
    for sector, variable in (("industry", "value_added_industry"), ("agriculture", "value_added_primary")):
        if macro is not None and all(macro.get(variable, y) is not None for y in years):
            observed |= base.branch_mask(sector)
    activity = np.array([np.where(observed, r.activity, np.nan) for r in rows])
    forest_ha = base.area_ha()
    rate = base.forest_sink_t_per_ha
    sinks = np.array([r.forest_sink_t_per_ha * forest_ha * model.forest_cover for r in rows])
    forest = (
        sinks / (forest_ha * rate) if rate > 0 and forest_ha > 0 else np.full(len(rows), base.forest_cover)
    )
    totals = inv.to_json()["years"]
    return History(
        years=np.array(years, dtype=np.int64),
        energy_tce=np.array([r.energy_tce for r in rows]),
        activity=activity,
        capacity_mw=np.array([r.capacity_mw for r in rows]),
        process_t=np.array([float(r.process_t.sum()) for r in rows]),
        grid_factor=np.array([r.grid_factor for r in rows]),
        grid_nonfossil_share=np.array([r.grid_nonfossil_share for r in rows]),
        coal_rate=np.array([r.coal_rate_kgce_per_kwh for r in rows]),
        gdp_100m_cny=np.array([r.gdp_100m_cny for r in rows]),
        population_10k=np.array([r.population_10k for r in rows]),
        forest_cover=forest,
        co2_t=np.array([float(totals[str(y)]["co2_t"]["total"]) for y in years]),
        note=note,
    )


FIGURES: tuple[tuple[str, str, str], ...] = (
    # (figure, engine source or indicator, path in the accounting JSON of the year)
    ("co2_total", "co2_total", "co2_t.total"),
    ("fuel_combustion", "fuel_combustion", "co2_t.combustion"),
    ("electricity", "electricity", "co2_t.electricity"),
    ("heat", "heat", "co2_t.heat"),
    ("process", "process", "co2_t.process"),
    ("sinks", "sinks", "co2_t.sinks"),
    ("energy_calorific", "energy_consumption_calorific", "energy_tce.calorific"),
    ("energy_coal_substitution", "energy_consumption_equivalent", "energy_tce.coal_substitution"),
    ("non_fossil_coal_substitution", "non_fossil", "energy_tce.non_fossil_coal_substitution"),
)


def base_year_figures(base: BaseYear) -> dict[str, float]:
    """The model's base year as the engine computes it (one frozen year): CO2 by source, sinks and
    energy on both bases."""
    res = Engine(base).run(frozen_inputs(base, np.array([base.year], dtype=np.int64)))
    out = {name: float(res.sources[0, 0, k]) for k, name in enumerate(SOURCES)}
    out["sinks"] = float(res.sinks[0, 0])
    ind = {k: float(v[0, 0]) for k, v in res.indicators.items()}
    out.update(ind)
    share = ind["non_fossil_share"] / conversion_factor("dimensionless", "%")
    out["non_fossil"] = share * ind["energy_consumption_equivalent"]
    return out


def reproduction(base: BaseYear, inv: Inventory, rel: float = 1e-9) -> list[dict[str, Any]]:
    """Each base-year figure of the model next to the inventory's, with ``equal`` to ``rel``."""
    year = inv.to_json()["years"][str(base.year)]
    mine = base_year_figures(base)
    rows = []
    for name, key, path in FIGURES:
        value: Any = year
        for part in path.split("."):
            value = value[part]
        theirs = float(value)
        ours = mine[key]
        rows.append(
            {
                "figure": name,
                "model": ours,
                "inventory": theirs,
                "equal": bool(np.isclose(ours, theirs, rtol=rel, atol=1e-9)),
            }
        )
    return rows
