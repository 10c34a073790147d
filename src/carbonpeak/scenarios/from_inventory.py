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
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

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
from carbonpeak.scenarios.assumptions import (
    COMBUSTIBLE,
    FUELS,
    TECHS,
    BaseYear,
    Fuel,
    History,
)
from carbonpeak.scenarios.errors import Problem, ScenarioDataError

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
    from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir

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


def _year_table(inv: Inventory, year: int) -> Any:
    tidy = inv.tidy
    return tidy[tidy["year"] == year]


def base_from_inventory(
    model: BaseYear, inv: Inventory, year: int, sectors: Mapping[str, str], file: str = "<base>"
) -> BaseYear:
    """The model's base year ``year`` built from the inventory ``inv``.

    ``model`` gives the branches and the illustrative drivers (activity, efficiencies, full-load hours,
    curtailment, forest cover, area); ``sectors`` maps accounting sector keys (``top`` or ``top|sub``)
    to branches. Every problem — a missing year, a sector the mapping cannot place, a fuel the model has
    no group for — is reported at once, naming the activity file."""
    src = inv.source
    if year not in inv.years:
        raise ScenarioDataError(
            [
                Problem(
                    f"base year {year} is not in the activity data (years: {inv.years})",
                    file=src,
                    field="year",
                )
            ]
        )
    problems: list[Problem] = []
    for key, branch in sectors.items():
        if branch not in model.branches:
            problems.append(
                Problem(f"unknown branch {branch!r}", file=file, field=f"inventory.sectors.{key}")
            )
    if problems:
        raise ScenarioDataError(problems)
    table = _year_table(inv, year)
    factors = fuel_factors(get_set(inv.options.combustion_set), inv.options.user_factors)
    n_b, n_f = len(model.branches), len(FUELS)
    energy = np.zeros((n_b, n_f))
    co2 = np.zeros(n_f)
    process = np.zeros(n_b)
    gen = np.zeros(len(TECHS))
    sinks = 0.0
    unplaced: dict[str, set[str]] = {}
    cats = table.groupby(["sector", "fuel", "category"], observed=True)["value"].sum()
    for (sector, fuel, category), value in cats.items():
        sector, fuel, value = str(sector), str(fuel), float(value)
        kind = ACC_FUELS[fuel].kind
        if kind == "sink":
            if category == "co2_sink":
                sinks += value
            continue
        if kind == "nonfossil_power":
            if category == "activity":
                if fuel not in GENERATION_TECH:
                    unplaced.setdefault(f"fuel {fuel}", set()).add(sector)
                else:
                    gen[TECHS.index(GENERATION_TECH[fuel])] += value / 1000.0  # kWh → MWh
            continue
        placed = sectors.get(sector)
        if placed is None:
            unplaced.setdefault(f"sector {sector}", set()).add(fuel)
            continue
        j = model.branches.index(placed)
        if kind == "process":
            if category == "co2_process":
                process[j] += value
            continue
        group = FUEL_GROUPS.get(fuel)
        if group is None:
            unplaced.setdefault(f"fuel {fuel}", set()).add(sector)
            continue
        k = FUELS.index(group)
        if category == "activity" and kind == "electricity":
            energy[j, k] += value * factors.tce["electricity"]  # all of a sector's electricity, calorific
        elif category == "energy_calorific" and kind != "electricity":
            energy[j, k] += value
        elif category == "co2_combustion":
            co2[k] += value
    for what, where in sorted(unplaced.items()):
        kind_, code = what.split(" ", 1)
        if kind_ == "sector":
            message = (
                f"sector {code!r} (fuels {', '.join(sorted(where))}) has no branch in the model's "
                f"sector mapping ({file}: inventory.sectors); map it there or use a sub-sector code"
            )
        else:
            message = f"fuel {code!r} (sectors {', '.join(sorted(where))}) has no group in the model"
        problems.append(Problem(message, file=src, field="sector" if kind_ == "sector" else "fuel"))
    if problems:
        raise ScenarioDataError(problems)

    fuels = []
    for k, fid in enumerate(FUELS):
        ref = GROUP_REFERENCE.get(fid)
        old = model.fuels[k]
        if ref is None:  # hydrogen: not in the inventory; the model's own figures
            fuels.append(old)
            continue
        unit = ACC_FUELS[ref].unit
        tce_unit = factors.tce.get(ref, old.tce_per_unit)
        scale = 1000.0 if fid == "electricity" else 1.0  # the model counts electricity in MWh
        unit = "MWh" if fid == "electricity" else unit
        tce_unit *= scale
        tce_total = energy[:, k].sum()
        if COMBUSTIBLE[k] and fid != "renewable_heat" and tce_total > 0:
            co2_unit = co2[k] / tce_total * tce_unit
        elif COMBUSTIBLE[k] and fid != "renewable_heat":
            co2_unit = factors.co2.get(ref, 0.0) * scale
        else:
            co2_unit = 0.0
        label = f"accounting factor set {inv.options.combustion_set} ({factors.sources.get(ref, 'gbt2589')})"
        fuels.append(Fuel(fid, unit, tce_unit, co2_unit, label))

    # illustrative drivers scaled to the inventory
    cut = model.curtailment * max(0.0, 1.0 - model.storage_ratio / model.storage_full_ratio)
    per_mw = model.hours * (1.0 - cut)
    bad = [t for k, t in enumerate(TECHS) if gen[k] > 0 and per_mw[k] <= 0]
    if bad:
        raise ScenarioDataError(
            [Problem("full-load hours needed", file=file, field=f"generation.{t}.hours") for t in bad]
        )
    capacity = np.divide(gen, per_mw, out=np.zeros_like(gen), where=per_mw > 0)
    forest_ha = model.area_km2 * 100.0 * model.forest_cover
    if sinks > 0 and forest_ha <= 0:
        raise ScenarioDataError(
            [Problem("area_km2 and forest_cover are needed for the sinks", file=file, field="forest_cover")]
        )
    sink_rate = sinks / forest_ha if forest_ha > 0 else 0.0

    macro = inv.macro
    need = {"gdp": "万元", "population": "人"}
    got = {v: macro.get(v, year) if macro else None for v in need}
    missing = [v for v, x in got.items() if x is None]
    if missing:
        raise ScenarioDataError(
            [
                Problem(f"no {year} value ({u})", file=macro.source if macro else "<no macro file>", field=v)
                for v, u in need.items()
                if v in missing
            ]
        )
    activity = model.activity.copy()
    # branches without base-year energy: activity 0, the file's own balance as reference intensity
    useful_model = model.energy_tce * model.efficiency
    total_model = useful_model.sum(axis=1)
    empty = (energy.sum(axis=1) <= 0) & (process <= 0)
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
    va = macro.get("value_added_industry", year) if macro else None
    industry = model.branch_mask("industry")
    if va is not None and activity[industry].sum() > 0:
        activity[industry] *= (va / 1e4) / activity[industry].sum()  # 万元 → 亿元, split as the file
    va1 = macro.get("value_added_primary", year) if macro else None
    agri = model.branch_mask("agriculture")
    if va1 is not None and activity[agri].sum() > 0:
        activity[agri] *= (va1 / 1e4) / activity[agri].sum()
    inp = inv.inputs[year]
    return replace(
        model,
        year=year,
        activity=activity,
        energy_tce=energy,
        fuels=tuple(fuels),
        capacity_mw=capacity,
        process_t=process,
        reference_useful=ref_useful,
        reference_share=ref_share,
        forest_sink_t_per_ha=sink_rate,
        population_10k=float(got["population"] or 0.0) / 1e4,
        gdp_100m_cny=float(got["gdp"] or 0.0) / 1e4,
        grid_factor=inp.grid_factor,
        grid_nonfossil_share=inp.grid_non_fossil_share / 100.0,
        coal_rate_kgce_per_kwh=inp.coal_substitution,
        heat_factor=factors.co2.get("heat", model.heat_factor),
        illustrative=model.illustrative or inv.illustrative,
        source=f"{model.source}; base year {year} from the accounting inventory of {src}",
        extra={
            **model.extra,
            "inventory": {
                "activity": src,
                "macro": macro.source if macro else None,
                "year": year,
                "factor_set": inv.options.combustion_set,
                "grid_series": inv.options.grid,
            },
        },
    )


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
    forest_ha = base.area_km2 * 100.0
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
    from carbonpeak.scenarios.engine import SOURCES, Engine, frozen_inputs

    res = Engine(base).run(frozen_inputs(base, np.array([base.year], dtype=np.int64)))
    out = {name: float(res.sources[0, 0, k]) for k, name in enumerate(SOURCES)}
    out["sinks"] = float(res.sinks[0, 0])
    ind = {k: float(v[0, 0]) for k, v in res.indicators.items()}
    out.update(ind)
    out["non_fossil"] = ind["non_fossil_share"] / 100.0 * ind["energy_consumption_equivalent"]
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
