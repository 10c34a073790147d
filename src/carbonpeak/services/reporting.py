"""Gather the computed results every document of ``carbonpeak.reports`` is written from.

The documents (annual evaluation report, 十四五 period evaluation, dispatch notices, 通报 list) are
pure writers: they take the dataclasses below and never read the database. This module reads the
stored inventory and tracking data, runs the evaluations, the assessment, the LMDI decomposition and
the scenario projections, and hands over plain results (docs/decisions/0007-documents.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.plan import Plan
from carbonpeak.scenarios.kaya import kaya_from_table
from carbonpeak.scenarios.lmdi import Decomposition, decompose_frame
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.plan_indicators import peak_target_year
from carbonpeak.scenarios.results import run_scenario, summary
from carbonpeak.scenarios.scenario_files import bundled_scenarios, load_scenario
from carbonpeak.services import inventory as inventory_service
from carbonpeak.services.tracking import TrackingService
from carbonpeak.tracking.assess import UnitAssessment
from carbonpeak.tracking.evaluate import Evaluation, assessed_indicators
from carbonpeak.tracking.model import ANNUAL, QUARTERS, TaskReport, TrackingData
from carbonpeak.tracking.tasks import Alert, report_due

log = logging.getLogger(__name__)

CO2_PARTS = ("co2_combustion", "co2_electricity", "co2_heat", "co2_process")
ENERGY_CO2 = ("co2_combustion", "co2_electricity", "co2_heat")
SCENARIO_SAMPLES = 200  # Monte Carlo samples of each scenario's bands (the CLI's --samples)


@dataclass(frozen=True)
class InventoryYear:
    """One year of the inventory: CO2 (t) by part, energy (tce, calorific), GDP (万元)."""

    year: int
    co2_t: float
    parts_t: dict[str, float]
    energy_tce: float
    gdp: float | None
    indicators: dict[str, float | None] = field(default_factory=dict)  # the inventory's own, with the
    # cumulative and average annual reductions from the base year (accounting's official method)


@dataclass(frozen=True)
class ScenarioPeak:
    """One scenario's projection: peak year and value, P(peak by), percentile bands (t CO2)."""

    id: str
    title: str
    peak_year: int
    peak_co2_t: float
    by_year: int
    peaked_by: bool
    p_peak_by: float | None
    samples: int
    trajectory: dict[int, float]
    bands: dict[str, dict[int, float]]
    # the inventory's years are data (decision note 0212): a peak among them is an observed maximum
    observed_until: int | None = None
    peak_observed: bool = False


@dataclass(frozen=True)
class TaskProgress:
    """A task's latest status in the year (None: no report) and who leads it."""

    task_id: str
    action_id: str
    title: str
    lead: str
    status: str | None
    period: str | None


@dataclass(frozen=True)
class Meta:
    """What the cover of every document names: the plan, the district, the year, demo or not."""

    plan_id: str
    plan_title: str
    district: str
    as_of: dt.date
    illustrative: bool
    units: dict[str, str]  # unit id → name as the plan writes it
    units_en: dict[str, str]
    actions: dict[str, tuple[str, str, str | None]]  # action id → (clause, title, title_en)
    items: dict[str, str] = field(default_factory=dict)  # task and indicator ids → title / name


@dataclass(frozen=True)
class AnnualResults:
    meta: Meta
    year: int
    base_year: int
    headline: list[Evaluation]
    evaluations: list[Evaluation]
    inventory: list[InventoryYear]
    decomposition_year: Decomposition | None
    decomposition_base: Decomposition | None
    scenarios: list[ScenarioPeak]
    tasks: list[TaskProgress]
    assessments: list[UnitAssessment]
    alerts: list[Alert]
    grades: tuple[str, ...]  # the rubric's grades, best first (the last one fails)


@dataclass(frozen=True)
class PeriodResults:
    meta: Meta
    year_from: int
    year_to: int
    base_year: int
    targets: list[Evaluation]  # every target of year_to, evaluated in year_to
    inventory: list[InventoryYear]


@dataclass(frozen=True)
class DueReport:
    task_id: str
    title: str
    year: int
    period: str
    due: dt.date


@dataclass(frozen=True)
class DispatchResults:
    """One unit's dispatch notice: its indicators and tasks, what it reported, what is late or
    returned, and what it must report next and by when."""

    meta: Meta
    unit_id: str
    year: int
    period: str
    indicators: list[Evaluation]
    tasks: list[TaskProgress]
    reported: list[dict[str, Any]] = field(default_factory=list)
    returned: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    next_reports: list[DueReport] = field(default_factory=list)


def meta(plan: Plan, as_of: dt.date, illustrative: bool) -> Meta:
    return Meta(
        plan_id=plan.plan.id,
        plan_title=plan.plan.title,
        district=plan.plan.district,
        as_of=as_of,
        illustrative=illustrative,
        units={u.id: u.name for u in plan.units},
        units_en={u.id: u.name_en or u.name for u in plan.units},
        actions={a.id: (a.clause, a.title, a.title_en) for a in plan.actions},
        items={**{i.id: i.name for i in plan.indicators}, **{t.id: t.title for t in plan.tasks}},
    )


def inventory_years(engine: Engine) -> tuple[list[InventoryYear], int | None, bool, pd.DataFrame | None]:
    """The stored inventory by year, its base year, whether it is demo data, and its tidy table."""
    stored = inventory_service.current(engine)
    if stored is None:
        return [], None, False, None
    inv = stored.inventory
    tidy = inv.tidy
    sums = tidy.groupby(["year", "category"])["value"].sum()
    official = stored.memo(
        "reporting-indicators", lambda i: {int(y): d["indicators"] for y, d in i.to_json()["years"].items()}
    )
    out = []
    for y in inv.years:
        parts = {p: float(sums.get((y, p), 0.0)) for p in CO2_PARTS}
        out.append(
            InventoryYear(
                year=y,
                co2_t=sum(parts.values()),
                parts_t=parts,
                energy_tce=float(sums.get((y, "energy_calorific"), 0.0)),
                gdp=inv.macro.get("gdp", y) if inv.macro else None,
                indicators=dict(official.get(y, {})),
            )
        )
    frame = tidy.assign(
        population=tidy["year"].map(lambda y: inv.macro.get("population", y) if inv.macro else None)
    )
    frame = frame.assign(gdp=tidy["year"].map(lambda y: inv.macro.get("gdp", y) if inv.macro else None))
    return out, inv.base_year, inv.illustrative, frame


def decomposition(frame: pd.DataFrame | None, year_from: int, year_to: int) -> Decomposition | None:
    """LMDI-I of the energy CO2 (combustion, purchased electricity and heat) between two years on the
    Kaya factors (population, GDP per head, intensity, structure, fuel mix, emission factor)."""
    if frame is None or year_from == year_to or not {year_from, year_to} <= set(frame["year"]):
        return None
    if frame["gdp"].isna().any() or frame["population"].isna().any():
        return None
    keys = ["year", "sector", "fuel"]
    energy = frame[frame["category"] == "energy_final_calorific"].groupby(keys)["value"].sum()
    co2 = frame[frame["category"].isin(ENERGY_CO2)].groupby(keys)["value"].sum()
    macro = frame.groupby("year")[["population", "gdp"]].first()
    table = pd.DataFrame({"energy_tce": energy, "co2_t": co2}).fillna(0.0).reset_index()
    table = table[table["year"].isin([year_from, year_to])]
    table = table.join(macro, on="year")
    return decompose_frame(kaya_from_table(table), year_from, year_to, source="inventory")


def scenario_peaks(
    plan: Plan, samples: int, seed: int = 0, progress: Callable[[str], None] | None = None
) -> list[ScenarioPeak]:
    """The bundled scenarios' peak, P(peak by the plan's year) and bands (samples > 0)."""
    by_year = peak_target_year(plan)
    out = []
    for ref in bundled_scenarios():
        if progress is not None:
            progress(ref)
        scn = load_scenario(ref)
        data = summary(run_scenario(scn, plan, keep_energy=False), plan, detail=False, by_year=by_year)
        bands: dict[str, dict[int, float]] = {}
        p: float | None = None
        if samples > 0:
            mc = monte_carlo(scn, plan, samples, seed, by_year=by_year)
            p = mc.p_peak_by
            bands = {k: {int(y): v for y, v in row.items()} for k, row in mc.percentiles().items()}
        out.append(
            ScenarioPeak(
                id=scn.id,
                title=scn.title,
                peak_year=int(data["peak_year"]),
                peak_co2_t=float(data["peak_co2_t"]),
                by_year=by_year,
                peaked_by=bool(data[f"peaked_by_{by_year}"]),
                p_peak_by=p,
                samples=samples,
                trajectory={int(y): float(v) for y, v in data["trajectory"].items()},
                bands=bands,
                observed_until=int(data["observed_until"]),
                peak_observed=bool(data["peak_observed"]),
            )
        )
    return out


def _latest(reports: list[TaskReport], task_id: str, unit: str, year: int) -> TaskReport | None:
    mine = [
        r
        for r in reports
        if r.task_id == task_id and r.unit_id == unit and r.year == year and r.state != "draft"
    ]
    order = {ANNUAL: 5, **{q: i for i, q in enumerate(QUARTERS, start=1)}}
    return max(mine, key=lambda r: order.get(r.period, 0), default=None)


def task_progress(plan: Plan, data: TrackingData, year: int, unit: str | None = None) -> list[TaskProgress]:
    out = []
    for task in plan.tasks:
        if unit is not None and unit != task.lead and unit not in task.support:
            continue
        latest = _latest(data.reports, task.id, task.lead, year)
        out.append(
            TaskProgress(
                task_id=task.id,
                action_id=task.action,
                title=task.title,
                lead=task.lead,
                status=latest.status if latest else None,
                period=latest.period if latest else None,
            )
        )
    return out


def _require_data(year: int, inventory: list[InventoryYear], evaluations: list[Evaluation]) -> None:
    if year not in {i.year for i in inventory} and not any(e.actual is not None for e in evaluations):
        have = sorted({i.year for i in inventory} | {e.year for e in evaluations if e.actual is not None})
        shown = "、".join(str(y) for y in have) or "无"
        raise NotFoundError(
            f"{year} 年没有数据：库中既无该年的清单，也无该年的指标值（有数据的年份：{shown}）",
            message_en=f"no data for {year}: neither an inventory nor indicator values of that year "
            f"(years with data: {', '.join(str(y) for y in have) or 'none'})",
        )


def annual_results(
    engine: Engine,
    svc: TrackingService,
    year: int,
    as_of: dt.date,
    *,
    samples: int = SCENARIO_SAMPLES,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> AnnualResults:
    """Everything the annual evaluation report of ``year`` shows, assessed on ``as_of``."""
    plan = svc.plan
    data = svc.data()
    inventory, inv_base, inv_demo, frame = inventory_years(engine)
    evaluations = svc.evaluate([year], data)
    _require_data(year, inventory, evaluations)
    assessed = {i.id for i in assessed_indicators(plan, year)}
    headline = [e for e in evaluations if e.indicator_id in assessed and _clause(plan, e) == "二"]
    base_year = inv_base if inv_base is not None else plan.plan.base_year
    return AnnualResults(
        meta=meta(plan, as_of, inv_demo or svc.is_illustrative()),
        year=year,
        base_year=base_year,
        headline=headline,
        evaluations=[e for e in evaluations if e.indicator_id in assessed],
        inventory=[i for i in inventory if i.year <= year],
        decomposition_year=decomposition(frame, year - 1, year),
        decomposition_base=decomposition(frame, base_year, year),
        scenarios=scenario_peaks(plan, samples, seed, progress),
        tasks=task_progress(plan, data, year),
        assessments=svc.assess(year, as_of, data),
        alerts=svc.alerts(year, as_of, data),
        grades=tuple(g.grade for g in sorted(svc.rubric.grades, key=lambda g: -g.min_score)),
    )


def _clause(plan: Plan, ev: Evaluation) -> str:
    ind = next(i for i in plan.indicators if i.id == ev.indicator_id)
    return ind.clause


def period_results(
    engine: Engine, svc: TrackingService, year_from: int, year_to: int, as_of: dt.date
) -> PeriodResults:
    """Every target of ``year_to`` evaluated in that year (the 十四五 final evaluation: 2021–2025)."""
    plan = svc.plan
    data = svc.indicator_data()
    inventory, inv_base, inv_demo, _ = inventory_years(engine)
    evaluations = svc.evaluate([year_to], data)
    _require_data(year_to, inventory, evaluations)
    targets = [e for e in evaluations if e.target_year == year_to]
    return PeriodResults(
        meta=meta(plan, as_of, inv_demo or svc.is_illustrative()),
        year_from=year_from,
        year_to=year_to,
        base_year=inv_base if inv_base is not None else plan.plan.base_year,
        targets=targets,
        inventory=[i for i in inventory if year_from - 1 <= i.year <= year_to],
    )


def _next_period(year: int, period: str) -> tuple[int, str]:
    if period == ANNUAL or period == QUARTERS[-1]:
        return year + 1, QUARTERS[0]
    return year, QUARTERS[QUARTERS.index(period) + 1]


def dispatch_results(
    svc: TrackingService,
    unit_id: str,
    year: int,
    period: str,
    as_of: dt.date,
    data: TrackingData | None = None,
    alerts: list[Alert] | None = None,
    evaluations: list[Evaluation] | None = None,
) -> DispatchResults:
    """One unit's dispatch notice for ``period`` of ``year`` (``data``, ``alerts`` and ``evaluations``
    may be passed in when many units are written from the same data)."""
    plan = svc.plan
    if unit_id not in {u.id for u in plan.units}:
        raise NotFoundError(
            f"责任单位 {unit_id!r} 不在规划中", message_en=f"unit {unit_id!r} is not in the plan"
        )
    data = data or svc.data()
    evaluations = evaluations if evaluations is not None else svc.evaluate([year], data)
    alerts = alerts if alerts is not None else svc.alerts(year, as_of, data)
    owned = [e for e in evaluations if e.owner == unit_id]
    tasks = task_progress(plan, data, year, unit_id)
    mine = [r for r in data.reports if r.unit_id == unit_id and r.year == year]
    reported = [
        {"task_id": r.task_id, "period": r.period, "status": r.status, "state": r.state, "at": r.submitted_at}
        for r in sorted(mine, key=lambda r: (r.task_id, r.period))
        if r.state in ("submitted", "approved")
    ]
    returned = [
        {"task_id": r.task_id, "period": r.period, "status": r.status, "state": r.state, "at": r.updated_at}
        for r in sorted(mine, key=lambda r: (r.task_id, r.period))
        if r.state == "returned"
    ]
    ny, nperiod = _next_period(year, period)
    titles = {t.id: t.title for t in plan.tasks}
    done = {(r["task_id"], r["period"]) for r in reported}
    next_reports = []
    for t in tasks:
        if t.lead != unit_id:
            continue  # (the lead reports; a supporting unit reports to it)
        # the period's own report while it is not in, else the next period's
        y, p = (year, period) if (t.task_id, period) not in done else (ny, nperiod)
        next_reports.append(DueReport(t.task_id, titles[t.task_id], y, p, report_due(y, p, svc.rubric)))
    return DispatchResults(
        meta=meta(plan, as_of, svc.is_illustrative()),
        unit_id=unit_id,
        year=year,
        period=period,
        indicators=owned,
        tasks=tasks,
        reported=reported,
        returned=returned,
        alerts=[a for a in alerts if a.unit_id == unit_id],
        next_reports=next_reports,
    )


def dispatch_all(
    svc: TrackingService,
    year: int,
    period: str,
    as_of: dt.date,
    progress: Callable[[str], None] | None = None,
) -> list[DispatchResults]:
    """The dispatch notice of every responsible unit, from one read of the data."""
    data = svc.data()
    evaluations = svc.evaluate([year], data)
    alerts = svc.alerts(year, as_of, data)
    out = []
    for unit in svc.plan.units:
        out.append(dispatch_results(svc, unit.id, year, period, as_of, data, alerts, evaluations))
        if progress is not None:
            progress(unit.name)
    return out
