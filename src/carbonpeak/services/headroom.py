"""The district's headroom for the energy review from the stored inventory and the plan scenario
(``ledgers.headroom.projected_headroom``), instead of a headroom file.

- levels: the stored inventory (``services.inventory``) — its base year (the plan's, 2020) gives the
  base intensities, its latest year with GDP the current energy, CO2 and GDP;
- growth to the target year: the plan scenario (bundled ``plan``, run with the served plan);
- the intensity reductions: the plan's own ``energy_intensity`` / ``co2_intensity`` targets of the
  target year (``reduce_by``) when they carry a value; a target the city has not assigned yet (待下达)
  takes the headroom file's figure as a stand-in, said so in ``source``;
- already spoken for: the 两高 ledger's projects under construction that were approved under the
  plan (``ledgers.findings.approved_under``), their energy and CO2 by the review's own arithmetic.

The headroom file (``--headroom FILE``) stays an option: the review takes whichever it is given."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.findings import approved_under
from carbonpeak.ledgers.headroom import ApprovedProject, Headroom, Year, projected_headroom
from carbonpeak.ledgers.proposed import ProposedProject
from carbonpeak.ledgers.review import figures
from carbonpeak.plan import Indicator, Plan
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario
from carbonpeak.services.reporting import InventoryYear, inventory_years
from carbonpeak.storage import two_high as two_high_repo

log = logging.getLogger(__name__)
SCENARIO = "plan"


def _target(plan: Plan, metric: str, year: int) -> Indicator | None:
    found = [
        i
        for i in plan.indicators
        if i.metric in (metric, f"{metric}_reduction") and i.year == year and i.comparator == "reduce_by"
    ]
    return found[0] if found else None


def _reduction(plan: Plan, metric: str, year: int, fallback: float, words: list[str]) -> tuple[float, int]:
    """The plan's cumulative reduction (fraction) and its base year; a target without its value yet
    takes ``fallback`` (the headroom file's), noted in ``words``."""
    ind = _target(plan, metric, year)
    if ind is not None and ind.value is not None:
        base = ind.base_year or (ind.assigned.base_year if ind.assigned else None) or plan.plan.base_year
        words.append(f"{ind.id} {ind.value:g}%（{ind.clause}）")
        return ind.value / 100.0, base
    name = ind.id if ind is not None else f"{metric} {year}"
    words.append(f"{name} 待下达: stand-in {fallback * 100:g}% from the headroom file")
    return fallback, plan.plan.base_year


def target_year(plan: Plan, latest: int, fallback: int) -> int:
    """The first year after the inventory's latest one with an energy-intensity target of the plan."""
    metrics = ("energy_intensity", "energy_intensity_reduction")
    years = sorted({i.year for i in plan.indicators if i.metric in metrics and i.year > latest})
    return years[0] if years else fallback


def _approved(engine: Engine, plan: Plan, year: int) -> tuple[ApprovedProject, ...]:
    rows = [
        s.project
        for s in two_high_repo.list_projects(engine)
        if s.project.stage == "under_construction"
        and approved_under(s.project, plan.plan.issue_date)[0]
        and s.project.energy
    ]
    if not rows:
        return ()
    proposed = [
        ProposedProject(
            name=p.name,
            industry=p.industry,
            product=p.product,
            annual_output=p.annual_output,
            output_unit=p.output_unit,
            start_year=year,
            energy=p.energy,
        )
        for p in rows
    ]
    table = figures(proposed)
    return tuple(
        ApprovedProject(name=p.name, energy_tce=float(e), co2_t=float(c))
        for p, e, c in zip(rows, table["tce_calorific"], table["co2_total"], strict=True)
    )


def _year(rows: Sequence[InventoryYear], year: int, what: str) -> InventoryYear:
    for row in rows:
        if row.year == year and row.gdp:
            return row
    raise NotFoundError(
        f"存储的清单没有 {year} 年的能耗和地区生产总值（{what}）",
        message_en=f"the stored inventory has no energy and GDP for {year} ({what})",
    )


def plan_headroom(engine: Engine, plan: Plan, fallback: Headroom, year: int | None = None) -> Headroom:
    """The headroom of the target year (default: the plan's next energy-intensity target year after
    the inventory) from the stored inventory and the plan scenario; ``NotFoundError`` without a
    stored inventory (then the caller uses the headroom file)."""
    rows, _, illustrative, _ = inventory_years(engine)
    with_gdp = [r for r in rows if r.gdp]
    if not with_gdp:
        raise NotFoundError(
            "尚未存储含地区生产总值的能源活动数据，无法由清单计算剩余空间",
            message_en="no stored inventory with GDP: the headroom cannot be computed from it",
        )
    latest = max(with_gdp, key=lambda r: r.year)
    target = year or target_year(plan, latest.year, fallback.target_year)
    words: list[str] = []
    energy_cut, energy_base = _reduction(
        plan, "energy_intensity", target, fallback.energy_intensity_reduction, words
    )
    co2_cut, co2_base = _reduction(plan, "co2_intensity", target, fallback.co2_intensity_reduction, words)
    base_e, base_c = _year(rows, energy_base, "base year"), _year(rows, co2_base, "base year")
    scenario = load_scenario(SCENARIO)
    run = run_scenario(scenario, plan, keep_energy=False)
    years = [int(y) for y in run.result.years]
    if latest.year not in years or target not in years:
        raise NotFoundError(
            f"情景 {SCENARIO} 不含 {latest.year} 年或 {target} 年",
            message_en=f"scenario {SCENARIO} does not cover {latest.year} and {target}",
        )
    ind = run.result.indicators

    def at(y: int) -> Year:
        i = years.index(y)
        eq, intensity = (
            float(ind["energy_consumption_equivalent"][0][i]),
            float(ind["energy_intensity"][0][i]),
        )
        return Year(
            year=y,
            gdp_10k_yuan=eq / intensity,
            energy_tce=float(ind["energy_consumption_calorific"][0][i]),
            co2_t=float(run.result.co2[0][i]),
            non_fossil_share=float(ind["non_fossil_share"][0][i]) / 100.0,
        )

    def level(r: InventoryYear) -> Year:
        assert r.gdp is not None
        return Year(year=r.year, gdp_10k_yuan=r.gdp, energy_tce=r.energy_tce, co2_t=r.co2_t)

    base = Year(
        year=base_e.year,
        gdp_10k_yuan=base_e.gdp or 1.0,
        energy_tce=base_e.energy_tce,
        co2_t=base_c.co2_t * (base_e.gdp or 1.0) / (base_c.gdp or 1.0),
    )
    stand_in = any("stand-in" in w for w in words)
    source = (
        f"stored inventory {base.year}/{latest.year} × scenario {scenario.id} growth {latest.year}→{target}; "
        f"reductions: {'; '.join(words)}"
    )
    room = projected_headroom(
        district=plan.plan.district,
        base=base,
        latest=level(latest),
        scenario_latest=at(latest.year),
        scenario_target=at(target),
        energy_intensity_reduction=energy_cut,
        co2_intensity_reduction=co2_cut,
        approved=_approved(engine, plan, target),
        source=source,
        illustrative=illustrative or scenario.illustrative or (stand_in and fallback.illustrative),
    )
    log.info("headroom %d from the stored inventory: %.0f tce left", target, room.remaining_energy_tce)
    return room
