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
from carbonpeak.scenarios.errors import MissingIndicatorError, Problem, ScenarioDataError
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
        "cut of process CO2 per unit of activity relative to the latest inventory year (clinker and "
        "flux substitution, CCUS)",
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


def path_points(
    years: NDArray[np.int64], base_value: float, points: Mapping[int, float] | Mapping[float, float]
) -> Array:
    """Linear path through (first year, ``base_value``) and the points, held after the last point.
    Points at or before the first year are history (observed, or a later ``--base-year``) and are
    left out. Point years may be fractional (a target reached during a year, see ``catch_up``)."""
    points = {float(k): float(v) for k, v in points.items() if float(k) > float(years[0])}
    if not points:
        return np.full(len(years), base_value, dtype=np.float64)
    xs = [float(years[0]), *sorted(points)]
    ys = [base_value, *(points[k] for k in sorted(points))]
    return np.interp(years, xs, ys)


def catch_up(
    points: Mapping[int, float], base_year: int, base_value: float, start_year: int, start_value: float
) -> dict[float, float]:
    """The points of a lever path as reached from the latest observed year (decision note 0212).

    The path leaves (``start_year``, ``start_value``) and never moves faster than the steepest pace
    the path itself sets between its points (from (``base_year``, ``base_value``)); a point the pace
    cannot reach by its year is reached later, at the year the pace allows, and the later points keep
    their years where that pace reaches them. A point the observed values have already passed (in
    the direction the path moves towards it) is left out: the path holds, it does not move back.
    With no observed years after the base year (``start_year == base_year``) no point moves."""
    keys = sorted(k for k in points if k > base_year)
    xs = [float(base_year), *(float(k) for k in keys)]
    vs = [base_value, *(float(points[k]) for k in keys)]
    pace = max((abs(vs[i + 1] - vs[i]) / (xs[i + 1] - xs[i]) for i in range(len(keys))), default=0.0)
    out: dict[float, float] = {}
    x, v = float(start_year), start_value
    for i, k in enumerate(keys):
        if k <= start_year:
            continue
        target = float(points[k])
        heading = target - vs[i]  # the direction the path moves towards this point
        if heading * (target - v) < 0:
            continue  # already passed in the observed years: hold, do not move back
        need = abs(target - v) / pace if pace > 0 else 0.0
        x = max(float(k), x + need)
        v = target
        out[x] = v
    return out


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
    """Key assumptions: GDP and population growth, activity growth by branch, grid factor path. The
    inventory's years (``base.history``) take the observed values; the paths continue from the latest
    of them (growth rates from the latest year's level, path points after it)."""
    years = inp.years
    hist = base.history
    last = inp.last_observed
    n = last + 1
    sub = years[last:]
    gdp_rate = step_rates(years, _years(assumptions.get("gdp_growth", {})))
    gdp_index = np.cumprod(1.0 + gdp_rate)
    pop_index = np.cumprod(1.0 + step_rates(years, _years(assumptions.get("population_growth", {}))))
    growth = assumptions.get("activity_growth", {}) or {}
    act_index = np.stack(
        [
            np.cumprod(1.0 + step_rates(years, _years(growth[branch]))) if branch in growth else gdp_index
            for branch in base.branches
        ],
        axis=1,
    )  # (Y, B)
    gdp = base.gdp_100m_cny * gdp_index
    pop = base.population_10k * pop_index
    act = base.activity * act_index
    grid_pts = _years(assumptions.get("grid_factor", {}))
    nonfossil_pts = _years(assumptions.get("grid_nonfossil_share", {}))
    coal_pts = _years(assumptions.get("coal_rate", {}))
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
        inp.hours[0, last:, k] = path_points(sub, float(base.hours[k]), _years(hours.get(tech, {})))
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
    eng = Engine(base)
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


def observed_value(base: BaseYear, inp: Inputs, what: str) -> tuple[float, float]:
    """(base-year value, latest observed value) of a lever quantity, in the lever's unit."""
    last = inp.last_observed
    hist = base.history
    energy = [base.energy_tce] if hist is None else [hist.energy_tce[0], hist.energy_tce[last]]
    if what == "electrification":
        vals = [float(e[:, ELEC].sum() / e.sum() * 100.0) for e in energy]
    elif what == "gas":
        vals = [float(e[:, GAS].sum() / base.fuels[GAS].tce_per_unit / 1e4) for e in energy]
    elif what == "renewables":
        vals = [float(inp.capacity[0, 0].sum() / 10.0), float(inp.capacity[0, last].sum() / 10.0)]
    elif what == "storage":
        vals = [float(inp.storage[0, 0] * 100.0), float(inp.storage[0, last] * 100.0)]
    elif what == "forest":
        vals = [float(inp.forest[0, 0] * 100.0), float(inp.forest[0, last] * 100.0)]
    else:  # modal_shift, process: measured from the latest observed year
        vals = [0.0]
    return vals[0], vals[-1]


def _shares(eng: Engine, inp: Inputs, base: BaseYear, spec: Mapping[str, Any], where: str) -> list[Problem]:
    problems = []
    last = inp.last_observed
    years = inp.years[last:]
    for branch, by_year in (spec or {}).items():
        if branch not in base.branches:
            problems.append(Problem("unknown branch", file=where, field=f"shares.{branch}"))
            continue
        j = base.branches.index(branch)
        # from the latest observed year's shares (the base year's when nothing later is observed)
        s0 = eng.share0[j] if base.history is None else inp.share[0, last, j].copy()
        targets = {int(y): dict(v) for y, v in by_year.items() if int(y) > int(years[0])}
        rows = [s0]
        for y in sorted(targets):
            named = targets[y]
            bad = [fu for fu in named if fu not in FUELS]
            if bad or sum(named.values()) > 1.0 + 1e-9:
                problems.append(
                    Problem("unknown fuel or shares above 1", file=where, field=f"shares.{branch}.{y}")
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
                problems.append(Problem("shares must sum to 1", file=where, field=f"shares.{branch}.{y}"))
            rows.append(row)
        xs = [int(years[0]), *sorted(targets)]
        if len(rows) != len(xs):
            continue
        arr = np.array(rows)
        for k in range(len(FUELS)):
            inp.share[0, last:, j, k] = np.interp(years, xs, arr[:, k])
    return problems


def apply_levers(
    inp: Inputs, base: BaseYear, levers: Mapping[str, Any], plan: Plan | None, scenario: str, where: str
) -> None:
    eng = Engine(base)
    last = inp.last_observed
    sub = inp.years[last:]
    problems: list[Problem] = []
    for lid, settings in (levers or {}).items():
        if lid not in LEVER_BY_ID:
            problems.append(
                Problem(
                    f"unknown lever; expected one of {', '.join(LEVER_IDS)}",
                    file=where,
                    field=f"levers.{lid}",
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
            # rates act from the year after the latest observed one, on the observed intensity
            rate = step_rates(sub, points)
            index = np.cumprod(1.0 - rate)
            mask = base.branch_mask(str(lever.sector))
            view = inp.intensity[0]
            view[last:, mask] = view[last, mask][None, :] * index[:, None]
        elif lever.kind == "shares":
            problems += _shares(eng, inp, base, settings.get("shares") or {}, where)
        elif lever.kind == "target_share":
            if points:
                b0, v0 = observed_value(base, inp, lid)
                pts = catch_up(points, base.year, b0, int(sub[0]), v0)
                inp.elec_target[0, last:] = path_points(sub, v0, pts) / 100.0
                if last:  # the latest observed year is data, not a target
                    inp.elec_target[0, last] = np.nan
        elif lever.kind == "capacity":
            b0, v0 = observed_value(base, inp, lid)
            total0 = v0 * 10.0
            total = (
                path_points(sub, v0, catch_up(points, base.year, b0, int(sub[0]), v0)) * 10.0
            )  # 万千瓦 → MW
            mix = settings.get("mix") or {"solar": 0.85, "wind": 0.15, "biomass": 0.0}
            weights = np.array([float(mix.get(t, 0.0)) for t in TECHS])
            weights = weights / weights.sum()
            added = np.maximum(0.0, total - total0)
            inp.capacity[0, last:] = inp.capacity[0, last] + added[:, None] * weights
        elif lever.kind == "path" and lid == "modal_shift":
            if base.modal_shift is None:
                problems.append(
                    Problem("the base data names no modal_shift branches", file=where, field=f"levers.{lid}")
                )
            else:
                pts = catch_up(points, base.year, 0.0, int(sub[0]), 0.0)
                inp.freight_shift[0, last:] = path_points(sub, 0.0, pts) / 100.0
        elif lever.kind == "path":
            b0, v0 = observed_value(base, inp, lid)
            arr = path_points(sub, v0, catch_up(points, base.year, b0, int(sub[0]), v0)) / 100.0
            if lid == "storage":
                inp.storage[0, last:] = arr
            else:
                inp.forest[0, last:] = arr
        elif lever.kind == "target_gas":
            if points:
                b0, v0 = observed_value(base, inp, lid)
                pts = catch_up(points, base.year, b0, int(sub[0]), v0)
                gas = path_points(sub, v0, pts) * 1e4 * base.fuels[GAS].tce_per_unit
                inp.gas_target[0, last:] = gas
                if last:
                    inp.gas_target[0, last] = np.nan
        elif lever.kind == "reduction":
            # cut of process CO2 per activity, from the latest observed year's level
            pts = catch_up(points, base.year, 0.0, int(sub[0]), 0.0)
            inp.process_index[0, last:] = inp.process_index[0, last] * (
                1.0 - path_points(sub, 0.0, pts) / 100.0
            )
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
    if base.history is not None:
        inp.history_end = min(base.history.latest, int(years[-1]))
    apply_assumptions(inp, base, assumptions)
    apply_levers(inp, base, levers, plan, scenario, where)
    return inp
