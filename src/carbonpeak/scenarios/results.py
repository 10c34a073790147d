"""Run a scenario, and read its results: peak, trajectory, indicators, and every plan target checked."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from carbonpeak.plan import Indicator, Plan, target_met
from carbonpeak.scenarios.base_year import FUEL_NAMES, FUELS
from carbonpeak.scenarios.engine import INDICATORS, SOURCES, Engine, Inputs, Result
from carbonpeak.scenarios.levers import build_inputs
from carbonpeak.scenarios.peak import peaked_by, peaks
from carbonpeak.scenarios.plan_indicators import canonical_metric
from carbonpeak.scenarios.scenario_files import Scenario
from carbonpeak.units import UnitError, conversion_factor

ILLUSTRATIVE_NOTE = (
    "illustrative (示例数据): invented base-year data and assumptions, not official statistics"
)


@dataclass
class ScenarioRun:
    scenario: Scenario
    engine: Engine
    inputs: Inputs
    result: Result


_RESOLVED: dict[tuple[int, int], tuple[Scenario, Plan | None, Inputs]] = {}
_RESOLVED_KEPT = 64  # (scenario, plan) pairs whose resolved inputs are kept: a server's few, a batch's
_RESOLVED_LOCK = threading.Lock()


def scenario_inputs(scn: Scenario, plan: Plan | None) -> Inputs:
    """The scenario's engine inputs on ``plan``: key assumptions, history and every lever resolved
    (plan indicators looked up, paths caught up). A loaded scenario and a plan are frozen, so the
    resolution is made once per (scenario, plan) object pair and kept (the objects are held with it,
    so their ids are not reused while it is; at most ``_RESOLVED_KEPT`` pairs); each call gets its own
    copy of the arrays."""
    key = (id(scn), id(plan))
    with _RESOLVED_LOCK:
        found = _RESOLVED.get(key)
    if found is None or found[0] is not scn or found[1] is not plan:
        inputs = build_inputs(scn.base, scn.years, scn.assumptions, scn.levers, plan, scn.id, scn.source)
        with _RESOLVED_LOCK:
            if len(_RESOLVED) >= _RESOLVED_KEPT:
                _RESOLVED.pop(next(iter(_RESOLVED)))
            _RESOLVED[key] = (scn, plan, inputs)
        return inputs.copy()
    return found[2].copy()


def run_scenario(scn: Scenario, plan: Plan | None = None, keep_energy: bool = True) -> ScenarioRun:
    engine = Engine.of(scn.base)
    inputs = scenario_inputs(scn, plan)
    return ScenarioRun(scn, engine, inputs, engine.run(inputs, keep_energy=keep_energy))


def _metric(ind: Indicator) -> str:
    return canonical_metric(ind.metric or re.sub(r"_\d{4}$", "", ind.id))


def _check(
    ind: Indicator, metric: str, comparator: str, projected: Any, target: Any, unit: str, met: bool
) -> dict[str, Any]:
    return {
        "id": ind.id,
        "metric": metric,
        "year": ind.year,
        "comparator": comparator,
        "projected": projected,
        "target": target,
        "unit": unit,
        "met": met,
        "aspirational": ind.aspirational,
        "strength": ind.strength,
        "holds": ind.holds,
    }


def check_targets(
    run: ScenarioRun, plan: Plan, sample: int = 0, tolerance: float = 0.0
) -> list[dict[str, Any]]:
    """Every quantified plan target whose metric the model computes, with projected value and whether
    it is met; the qualitative co2_peak target is checked as "peaked by its year"."""
    years = run.result.years
    checks = (_check_target(run, ind, sample, tolerance) for ind in plan.indicators if ind.year in years)
    return [c for c in checks if c is not None]


def _check_target(run: ScenarioRun, ind: Indicator, sample: int, tolerance: float) -> dict[str, Any] | None:
    metric = _metric(ind)
    years = run.result.years
    if metric == "co2_peak":
        co2 = run.result.co2[sample : sample + 1]
        met = bool(peaked_by(co2, years, ind.year, tolerance)[0])
        return _check(ind, metric, "peak_by", int(peaks(co2, years).year[0]), ind.year, "year", met)
    if metric not in INDICATORS or ind.comparator is None:
        return None
    series = run.result.indicators[metric][sample]
    if ind.comparator in ("reduce_by", "increase"):
        return _change_check(run, ind, metric, series)
    if ind.value is None:
        return None
    if ind.holds != "in_year":
        return _period_check(run, ind, metric, series)
    converted = _in_target_unit(run, metric, float(series[int(np.searchsorted(years, ind.year))]), ind.unit)
    if converted is None:
        return None
    value, unit = converted
    return _check(ind, metric, ind.comparator, value, ind.value, unit, target_met(ind, value))


def _period_check(run: ScenarioRun, ind: Indicator, metric: str, series: Any) -> dict[str, Any] | None:
    """A target that must hold in every year of a period, or from a year on (plan schema 2): checked
    in each such year of the horizon, met only if none misses it; ``breaches`` names the years."""
    if ind.value is None or ind.comparator is None:
        return None
    held = [(i, int(y)) for i, y in enumerate(run.result.years) if ind.holds_in(int(y))]
    values: list[tuple[int, float]] = []
    unit = INDICATORS[metric][0]
    for i, year in held:
        converted = _in_target_unit(run, metric, float(series[i]), ind.unit)
        if converted is None:
            return None
        values.append((year, converted[0]))
        unit = converted[1]
    breaches = [y for y, v in values if not target_met(ind, v)]
    at = dict(values).get(ind.year, values[-1][1] if values else float("nan"))
    check = _check(ind, metric, ind.comparator, at, ind.value, unit, bool(values) and not breaches)
    check["breaches"] = breaches
    return check


def _change_check(run: ScenarioRun, ind: Indicator, metric: str, series: Any) -> dict[str, Any] | None:
    """A reduce_by target (cut since the base year, %) or an increase on the base year."""
    years = run.result.years
    if ind.base_year is None or ind.base_year not in years:
        return None
    base = float(series[int(np.searchsorted(years, ind.base_year))])
    now = float(series[int(np.searchsorted(years, ind.year))])
    if ind.comparator == "increase":
        return _check(ind, metric, "increase", now, base, INDICATORS[metric][0], target_met(ind, now, base))
    if ind.value is None:
        return None
    cut = (1.0 - now / base) * conversion_factor("dimensionless", "%") if base else 0.0
    return _check(ind, metric, "reduce_by", cut, ind.value, "%", target_met(ind, cut))


def _in_target_unit(
    run: ScenarioRun, metric: str, value: float, target_unit: str | None
) -> tuple[float, str] | None:
    """The model's value in the target's unit (a coal target in tonnes through the coal coefficient);
    None when it does not convert."""
    unit = INDICATORS[metric][0]
    if not target_unit or target_unit == unit:
        return value, unit
    try:
        return value * conversion_factor(unit, target_unit), target_unit
    except UnitError:
        if metric != "coal_consumption":
            return None
    coal = run.scenario.base.fuels[FUELS.index("coal")]
    try:
        return value / coal.tce_per_unit * conversion_factor(coal.unit, target_unit), target_unit
    except UnitError:
        return None


def _fall_after(
    co2: np.ndarray[Any, Any], years: np.ndarray[Any, Any], peak_year: int, n: int
) -> float | None:
    """Percent fall from the peak to ``n`` years later (None when that is beyond the horizon)."""
    hit = np.nonzero(years == peak_year + n)[0]
    peak = float(co2[years == peak_year][0])
    if not len(hit) or peak <= 0:
        return None
    return 100.0 * (peak - float(co2[hit[0]])) / peak


def _series(arr: np.ndarray[Any, Any], years: np.ndarray[Any, Any]) -> dict[str, float]:
    return {str(int(y)): float(v) for y, v in zip(years, arr, strict=True)}


def summary(
    run: ScenarioRun, plan: Plan | None, tolerance: float = 0.0, detail: bool = True, by_year: int = 2030
) -> dict[str, Any]:
    """The JSON of one deterministic scenario run (``scenario run --format json``)."""
    res, scn = run.result, run.scenario
    years = res.years
    pk = peaks(res.co2[:1], years)
    out: dict[str, Any] = {
        "id": scn.id,
        "title": scn.title,
        "illustrative": scn.illustrative,
        "note": ILLUSTRATIVE_NOTE if scn.illustrative else None,
        "inherits": scn.chain[1:],
        "peak_year": int(pk.year[0]),
        "peak_co2_t": float(pk.value[0]),
        # the inventory's years are data (decision note 0212): a peak among them is an observed maximum
        "observed_until": int(years[run.inputs.last_observed]),
        "peak_observed": bool(pk.year[0] <= years[run.inputs.last_observed]),
        f"peaked_by_{by_year}": bool(peaked_by(res.co2[:1], years, by_year, tolerance)[0]),
        "falls_after_peak": bool(pk.fall_t[0] > 0),
        "fall_to_end_t": float(pk.fall_t[0]),
        "fall_to_end_pct": float(pk.fall_pct[0]),
        "fall_10y_after_peak_pct": _fall_after(res.co2[0], years, int(pk.year[0]), 10),
        "trajectory": _series(res.co2[0], years),
        "targets": check_targets(run, plan, 0, tolerance) if plan is not None else [],
    }
    if detail:
        out["co2_by_source_t"] = {s: _series(res.sources[0, :, k], years) for k, s in enumerate(SOURCES)}
        out["co2_by_source_t"]["sinks"] = _series(-res.sinks[0], years)
        out["co2_by_branch_direct_t"] = {
            b: _series(res.co2_by_branch[0, :, j], years) for j, b in enumerate(scn.base.branches)
        }
        coal_rate = run.inputs.coal_rate[0]
        tce_elec = scn.base.fuels[FUELS.index("electricity")].tce_per_unit
        calorific = res.fuel_energy[0]
        equivalent = calorific.copy()
        equivalent[:, FUELS.index("electricity")] *= coal_rate / tce_elec
        out["final_energy_by_fuel_tce"] = {
            "calorific": {f: _series(calorific[:, k], years) for k, f in enumerate(FUELS)},
            "coal_substitution": {f: _series(equivalent[:, k], years) for k, f in enumerate(FUELS)},
        }
        if res.energy is not None:
            energy = res.energy[0]  # (Y, B, F) calorific
            energy_eq = energy.copy()
            energy_eq[..., FUELS.index("electricity")] *= (coal_rate / tce_elec)[:, None]
            out["final_energy_by_branch_tce"] = {
                b: _series(energy[:, j, :].sum(axis=-1), years) for j, b in enumerate(scn.base.branches)
            }
            out["final_energy_by_sector_fuel_tce"] = {
                basis: {
                    sector: {
                        f: _series(arr[:, mask, k].sum(axis=-1), years)
                        for k, f in enumerate(FUELS)
                        if arr[:, mask, k].any()
                    }
                    for sector in dict.fromkeys(scn.base.sectors)
                    for mask in [scn.base.branch_mask(sector)]
                }
                for basis, arr in (("calorific", energy), ("coal_substitution", energy_eq))
            }
            # CO2 by sector with the CO2 of purchased electricity, CHP and heat allocated by use
            elec, heat = energy[..., FUELS.index("electricity")], energy[..., FUELS.index("heat")]
            src = res.sources[0]
            with np.errstate(divide="ignore", invalid="ignore"):
                e_share = np.nan_to_num(elec / elec.sum(axis=-1, keepdims=True))
                h_share = np.nan_to_num(heat / heat.sum(axis=-1, keepdims=True))
            process = (
                run.inputs.activity[0] * run.engine.process_per_act * run.inputs.process_index[0][:, None]
            )
            by_branch = (
                res.co2_by_branch[0]
                + e_share * (src[:, 1] + src[:, 2])[:, None]
                + h_share * src[:, 3][:, None]
            )
            by_branch = by_branch + np.broadcast_to(process, by_branch.shape)
            out["co2_by_sector_t"] = {
                sector: _series(by_branch[:, scn.base.branch_mask(sector)].sum(axis=-1), years)
                for sector in dict.fromkeys(scn.base.sectors)
            }
        out["indicators"] = {
            m: {"unit": INDICATORS[m][0], "values": _series(v[0], years)} for m, v in res.indicators.items()
        }
        out["fuel_names"] = FUEL_NAMES
    return out
