"""Policy levers, their plan indicators, and the translation of a scenario into engine inputs.

Each lever owns a disjoint part of the engine inputs (a slice of intensity, of fuel shares, or a
whole input), which is what lets the Shapley attribution swap one lever group at a time. A lever's
values come from the scenario file and, with ``from_plan``, from plan indicators looked up by
``metric`` (or by id, or by id prefix), so editing the plan changes the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.plan import Indicator, Plan
from carbonpeak.scenarios.assumptions import ELEC, FUELS, GAS, TECHS, BaseYear
from carbonpeak.scenarios.engine import Engine, Inputs, frozen_inputs
from carbonpeak.scenarios.errors import DataProblem, MissingIndicatorError, ScenarioDataError
from carbonpeak.units import UnitError, conversion_factor

Array = NDArray[np.float64]


@dataclass(frozen=True)
class LeverSpec:
    id: str
    kind: str  # intensity | shares | target_share | capacity | path | target_gas | reduction
    name: str
    unit: str
    metric: str | None
    sector: str | None
    description: str
    group: str = ""  # the Shapley group; default: the lever's own id

    @property
    def group_id(self) -> str:
        return self.group or self.id


LEVERS: tuple[LeverSpec, ...] = (
    LeverSpec(
        "industry_efficiency",
        "intensity",
        "工业节能降耗",
        "1/yr",
        "industrial_energy_intensity",
        "industry",
        "annual improvement of useful energy per value added in the industry branches; a plan "
        "reduce_by target over n years becomes the rate 1 − (1 − v)^(1/n)",
    ),
    LeverSpec(
        "buildings_efficiency",
        "intensity",
        "建筑节能",
        "1/yr",
        None,
        "buildings",
        "annual improvement of useful energy per floor area (public, urban and rural residential)",
    ),
    LeverSpec(
        "transport_efficiency",
        "intensity",
        "交通运输能效与运输结构(公转铁)",
        "1/yr",
        "transport_co2_intensity",
        "transport",
        "annual improvement of useful energy per converted turnover (vehicle efficiency, modal "
        "shift to rail); the plan's CO2-intensity cut is read as this rate (fuel switching adds to it)",
    ),
    LeverSpec(
        "transport_fuels",
        "shares",
        "交通燃料替代(电动、LNG、氢能)",
        "share of useful energy",
        None,
        "transport",
        "useful-energy shares of fuels in passenger and freight transport",
    ),
    LeverSpec(
        "modal_shift",
        "path",
        "公转铁(货运结构调整)",
        "%",
        None,
        "transport",
        "share of road freight turnover moved to rail (the base data names the two branches); the "
        "converted turnover is unchanged, rail needs less energy per unit",
        group="transport_efficiency",
    ),
    LeverSpec(
        "electrification",
        "target_share",
        "电能替代",
        "%",
        "electricity_share_final",
        None,
        "economy-wide electricity share of final energy; met by a uniform shift α of non-electric "
        "useful energy to electricity (heat pumps, electric boilers and kilns, EVs)",
    ),
    LeverSpec(
        "renewables",
        "capacity",
        "可再生能源装机(光伏、风电、生物质)",
        "万千瓦",
        "renewable_capacity",
        None,
        "solar, wind and biomass capacity; additions split by ``mix``",
    ),
    LeverSpec(
        "storage",
        "path",
        "新型储能配置比例",
        "%",
        "storage_ratio",
        None,
        "storage MW per renewable MW; curtailment falls linearly to zero at storage_full_ratio",
    ),
    LeverSpec(
        "gas",
        "target_gas",
        "天然气消费与分布式能源",
        "亿立方米",
        "gas_consumption",
        None,
        "total gas use; the part above branch demand runs gas distributed energy (CHP) whose power "
        "and heat displace purchased electricity and heat",
    ),
    LeverSpec(
        "forest", "path", "森林覆盖率(碳汇)", "%", "forest_cover", None, "forest cover of the district area"
    ),
    LeverSpec(
        "process",
        "reduction",
        "工业过程减排",
        "%",
        None,
        None,
        "cut of process CO2 per unit of activity relative to the base year (clinker and flux "
        "substitution, CCUS)",
    ),
)
LEVER_IDS = tuple(lever.id for lever in LEVERS)
GROUP_IDS = tuple(dict.fromkeys(lever.group_id for lever in LEVERS))
LEVER_BY_ID = {lever.id: lever for lever in LEVERS}


def step_rates(years: NDArray[np.int64], rates: Mapping[int, float], default: float = 0.0) -> Array:
    """Per-year rate: the rate of key K applies to the years after the previous key up to K; after the
    last key the last rate continues. Element 0 (the base year) is 0."""
    out = np.full(len(years), default, dtype=np.float64)
    keys = sorted(rates)
    lo = int(years[0])
    for k in keys:
        out[(years > lo) & (years <= k)] = rates[k]
        lo = k
    if keys:
        out[years > keys[-1]] = rates[keys[-1]]
    out[0] = 0.0
    return out


def path_points(years: NDArray[np.int64], base_value: float, points: Mapping[int, float]) -> Array:
    """Linear path through (base year, base value) and the points, held after the last point. Points
    at or before the base year are history (a later base year, ``--base-year``) and are left out."""
    points = {k: v for k, v in points.items() if int(k) > int(years[0])}
    if not points:
        return np.full(len(years), base_value, dtype=np.float64)
    xs = [int(years[0]), *sorted(int(k) for k in points)]
    ys = [base_value, *(float(points[k]) for k in sorted(points))]
    return np.interp(years, xs, ys)


METRIC_ALIASES = {"co2_peak_year": "co2_peak"}


def canonical_metric(code: str) -> str:
    """A plan's metric code as the model names it: ``x_reduction`` (a reduce_by target on x) is x."""
    code = METRIC_ALIASES.get(code, code)
    return code.removesuffix("_reduction")


def find_indicators(plan: Plan, ref: str) -> list[Indicator]:
    """Indicators matching ``ref`` by metric (``x`` also matches ``x_reduction``), else by id, else by
    id prefix ``ref_``."""
    by_metric = [
        i for i in plan.indicators if i.metric and canonical_metric(i.metric) == canonical_metric(ref)
    ]
    if by_metric:
        return by_metric
    by_id = [i for i in plan.indicators if i.id == ref]
    if by_id:
        return by_id
    return [i for i in plan.indicators if i.id.startswith(ref + "_")]


def plan_points(plan: Plan, refs: list[str], lever: LeverSpec, scenario: str) -> dict[int, float]:
    """Year → value of the lever from the plan indicators ``refs`` (converted to the lever's unit)."""
    points: dict[int, float] = {}
    for ref in refs:
        found = [i for i in find_indicators(plan, ref) if i.value is not None]
        if not found:
            raise MissingIndicatorError(
                f"scenario {scenario!r}, lever {lever.id!r}: plan {plan.plan.id!r} has no quantified "
                f"indicator with metric or id {ref!r} (needed for {lever.name}); add it to the plan, map "
                f"the lever to another indicator id in the scenario file, or give the lever's values there"
            )
        for ind in found:
            value = float(ind.value)  # type: ignore[arg-type]
            if lever.kind == "intensity":
                if ind.comparator != "reduce_by" or ind.base_year is None:
                    raise MissingIndicatorError(
                        f"scenario {scenario!r}, lever {lever.id!r}: indicator {ind.id!r} must be a "
                        f"reduce_by target with base_year (it is {ind.comparator!r})"
                    )
                n = ind.year - ind.base_year
                points[ind.year] = 1.0 - (1.0 - value / 100.0) ** (1.0 / n)
                continue
            if ind.unit and lever.unit not in ("1/yr", "share of useful energy"):
                try:
                    value *= conversion_factor(ind.unit, lever.unit)
                except UnitError as exc:
                    raise MissingIndicatorError(
                        f"scenario {scenario!r}, lever {lever.id!r}: indicator {ind.id!r} is in "
                        f"{ind.unit!r}, not convertible to {lever.unit!r}"
                    ) from exc
            points[ind.year] = value
    return points


def _years(spec: Mapping[Any, Any]) -> dict[int, Any]:
    return {int(k): v for k, v in (spec or {}).items()}


def lever_masks(base: BaseYear, n_years: int) -> dict[str, dict[str, NDArray[np.bool_]]]:
    """For each lever group, the elements of each engine input it owns (masks over the non-sample
    axes). Levers of one group may share an input only on disjoint elements."""
    b, f, t = len(base.branches), len(FUELS), len(TECHS)
    masks: dict[str, dict[str, NDArray[np.bool_]]] = {}
    for lever in LEVERS:
        owned: dict[str, NDArray[np.bool_]]
        if lever.kind == "intensity":
            owned = {"intensity": np.broadcast_to(base.branch_mask(str(lever.sector)), (n_years, b))}
        elif lever.kind == "shares":
            owned = {"share": np.broadcast_to(base.branch_mask(str(lever.sector))[:, None], (n_years, b, f))}
        else:
            paths = {"storage": "storage", "forest": "forest", "modal_shift": "freight_shift"}
            name = {
                "target_share": "elec_target",
                "capacity": "capacity",
                "path": paths.get(lever.id, ""),
                "target_gas": "gas_target",
                "reduction": "process_index",
            }[lever.kind]
            shape = (n_years, t) if name == "capacity" else (n_years,)
            owned = {name: np.ones(shape, dtype=bool)}
        group = masks.setdefault(lever.group_id, {})
        for name, mask in owned.items():
            group[name] = group[name] | mask if name in group else mask
    return masks


def apply_assumptions(inp: Inputs, base: BaseYear, assumptions: Mapping[str, Any]) -> None:
    """Key assumptions: GDP and population growth, activity growth by branch, grid factor path."""
    years = inp.years
    gdp_rate = step_rates(years, _years(assumptions.get("gdp_growth", {})))
    gdp_index = np.cumprod(1.0 + gdp_rate)
    inp.gdp[0] = base.gdp_100m_cny * gdp_index
    pop_rate = step_rates(years, _years(assumptions.get("population_growth", {})))
    inp.population[0] = base.population_10k * np.cumprod(1.0 + pop_rate)
    growth = assumptions.get("activity_growth", {}) or {}
    for j, branch in enumerate(base.branches):
        idx = np.cumprod(1.0 + step_rates(years, _years(growth[branch]))) if branch in growth else gdp_index
        inp.activity[0, :, j] = base.activity[j] * idx
    inp.grid[0] = path_points(years, base.grid_factor, _years(assumptions.get("grid_factor", {})))
    inp.grid_nonfossil[0] = path_points(
        years, base.grid_nonfossil_share, _years(assumptions.get("grid_nonfossil_share", {}))
    )
    inp.coal_rate[0] = path_points(
        years, base.coal_rate_kgce_per_kwh, _years(assumptions.get("coal_rate", {}))
    )
    hours = assumptions.get("full_load_hours", {}) or {}
    for k, tech in enumerate(TECHS):
        inp.hours[0, :, k] = path_points(years, float(base.hours[k]), _years(hours.get(tech, {})))


def _shares(
    eng: Engine, inp: Inputs, base: BaseYear, spec: Mapping[str, Any], where: str
) -> list[DataProblem]:
    problems = []
    years = inp.years
    for branch, by_year in (spec or {}).items():
        if branch not in base.branches:
            problems.append(DataProblem(where, None, f"shares.{branch}", "unknown branch"))
            continue
        j = base.branches.index(branch)
        s0 = eng.share0[j]
        targets = {int(y): dict(v) for y, v in by_year.items()}
        rows = [s0]
        for y in sorted(targets):
            named = targets[y]
            bad = [fu for fu in named if fu not in FUELS]
            if bad or sum(named.values()) > 1.0 + 1e-9:
                problems.append(
                    DataProblem(where, None, f"shares.{branch}.{y}", "unknown fuel or shares above 1")
                )
                continue
            row = s0.copy()
            rest = [k for k, fu in enumerate(FUELS) if fu not in named]
            free = 1.0 - sum(named.values())
            rest_sum = s0[rest].sum()
            row[rest] = s0[rest] / rest_sum * free if rest_sum > 0 else 0.0
            for fu, v in named.items():
                row[FUELS.index(fu)] = v
            if rest_sum == 0 and free > 1e-12:
                problems.append(DataProblem(where, None, f"shares.{branch}.{y}", "shares must sum to 1"))
            rows.append(row)
        xs = [int(years[0]), *sorted(targets)]
        if len(rows) != len(xs):
            continue
        arr = np.array(rows)
        for k in range(len(FUELS)):
            inp.share[0, :, j, k] = np.interp(years, xs, arr[:, k])
    return problems


def apply_levers(
    inp: Inputs, base: BaseYear, levers: Mapping[str, Any], plan: Plan | None, scenario: str, where: str
) -> None:
    eng = Engine(base)
    years = inp.years
    problems: list[DataProblem] = []
    for lid, settings in (levers or {}).items():
        if lid not in LEVER_BY_ID:
            problems.append(
                DataProblem(
                    where, None, f"levers.{lid}", f"unknown lever; expected one of {', '.join(LEVER_IDS)}"
                )
            )
            continue
        settings = dict(settings or {})
        if settings.get("enabled", True) is False:
            continue
        lever = LEVER_BY_ID[lid]
        refs = settings.get("from_plan") or []
        refs = [refs] if isinstance(refs, str) else list(refs)
        points = _years(settings.get("points") or settings.get("rates") or {})
        if refs:
            if plan is None:
                raise MissingIndicatorError(
                    f"scenario {scenario!r}, lever {lid!r} reads the plan, but no plan was given"
                )
            points = {**plan_points(plan, refs, lever, scenario), **points}
        if lever.kind == "intensity":
            rate = step_rates(years, points)
            index = np.cumprod(1.0 - rate)
            mask = base.branch_mask(str(lever.sector))
            inp.intensity[0][:, mask] = index[:, None]
        elif lever.kind == "shares":
            problems += _shares(eng, inp, base, settings.get("shares") or {}, where)
        elif lever.kind == "target_share":
            base_share = float(base.energy_tce[:, ELEC].sum() / base.energy_tce.sum() * 100.0)
            if points:
                inp.elec_target[0] = path_points(years, base_share, points) / 100.0
        elif lever.kind == "capacity":
            total0 = float(base.capacity_mw.sum())
            total = path_points(years, total0 / 10.0, points) * 10.0  # 万千瓦 → MW
            mix = settings.get("mix") or {"solar": 0.85, "wind": 0.15, "biomass": 0.0}
            weights = np.array([float(mix.get(t, 0.0)) for t in TECHS])
            weights = weights / weights.sum()
            added = np.maximum(0.0, total - total0)
            inp.capacity[0] = base.capacity_mw + added[:, None] * weights
        elif lever.kind == "path" and lid == "modal_shift":
            if base.modal_shift is None:
                problems.append(
                    DataProblem(where, None, f"levers.{lid}", "the base data names no modal_shift branches")
                )
            else:
                inp.freight_shift[0] = path_points(years, 0.0, points) / 100.0
        elif lever.kind == "path":
            base_value = (base.storage_ratio if lid == "storage" else base.forest_cover) * 100.0
            arr = path_points(years, base_value, points) / 100.0
            if lid == "storage":
                inp.storage[0] = arr
            else:
                inp.forest[0] = arr
        elif lever.kind == "target_gas":
            gas0 = float(base.energy_tce[:, GAS].sum() / base.fuels[GAS].tce_per_unit / 1e4)
            if points:
                inp.gas_target[0] = path_points(years, gas0, points) * 1e4 * base.fuels[GAS].tce_per_unit
        elif lever.kind == "reduction":
            inp.process_index[0] = 1.0 - path_points(years, 0.0, points) / 100.0
    if problems:
        raise ScenarioDataError(problems)


def build_inputs(
    base: BaseYear,
    years: NDArray[np.int64],
    assumptions: Mapping[str, Any],
    levers: Mapping[str, Any],
    plan: Plan | None,
    scenario: str,
    where: str,
) -> Inputs:
    inp = frozen_inputs(base, years)
    apply_assumptions(inp, base, assumptions)
    apply_levers(inp, base, levers, plan, scenario, where)
    return inp
