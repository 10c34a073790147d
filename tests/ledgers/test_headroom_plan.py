"""The headroom from the stored inventory and the plan scenario (services.headroom): the arithmetic
by hand, then on SQLite and PostgreSQL with the demo inventory and ledger — the plan's own reduction
when the office has entered it, the headroom file's stand-in while it is 待下达, the ledger's approved
projects under construction already spoken for, the fallback to the file without an inventory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.headroom import Year, projected_headroom
from carbonpeak.ledgers.review_files import read_headroom_file
from carbonpeak.ledgers.two_high_access import TwoHighActor
from carbonpeak.plan import Plan, load_plan
from carbonpeak.services import two_high_demo
from carbonpeak.services.headroom import plan_headroom
from carbonpeak.services.reporting import inventory_years
from carbonpeak.services.two_high import TwoHighService
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.activity import load_demo as load_inventory

OFFICE = TwoHighActor("王主任", "office")


def test_projected_headroom_by_hand() -> None:
    # base 2020: 50 tce and 100 t per 100 万元 → 0.5 tce/万元, 1.0 t/万元; latest 2024: 120 万元, 55 tce,
    # 105 t; the scenario grows GDP 10 %, energy 2 %, CO2 −2 % from 2024 to 2025 →
    # GDP 132, energy 56.1, CO2 102.9; allowed 132 × 0.5 × 0.9 = 59.4 tce, 132 × 1.0 × 0.8 = 105.6 t
    room = projected_headroom(
        district="测试区",
        base=Year(year=2020, gdp_10k_yuan=100, energy_tce=50, co2_t=100),
        latest=Year(year=2024, gdp_10k_yuan=120, energy_tce=55, co2_t=105),
        scenario_latest=Year(year=2024, gdp_10k_yuan=1000, energy_tce=500, co2_t=1000),
        scenario_target=Year(year=2025, gdp_10k_yuan=1100, energy_tce=510, co2_t=980, non_fossil_share=0.2),
        energy_intensity_reduction=0.1,
        co2_intensity_reduction=0.2,
        approved=({"name": "在建", "energy_tce": 1.0, "co2_t": 2.0},),  # type: ignore[arg-type]
    )
    assert room.target_year == 2025 and room.gdp_10k_yuan == pytest.approx(132)
    assert room.current_energy_tce == pytest.approx(56.1) and room.current_co2_t == pytest.approx(102.9)
    assert room.remaining_energy_tce == pytest.approx(59.4 - 56.1 - 1.0)
    assert room.remaining_co2_t == pytest.approx(105.6 - 102.9 - 2.0)
    assert room.non_fossil_tce == pytest.approx(0.2 * 56.1)
    effect = room.effect(1.0, 0.0)
    assert effect["energy_intensity_reduction_without"] == pytest.approx(1 - 57.1 / 132 / 0.5)
    assert effect["energy_intensity_reduction_with"] == pytest.approx(1 - 58.1 / 132 / 0.5)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_from_the_stored_inventory_and_the_plan_scenario(engine: Engine) -> None:
    plan = load_plan("jinghai-2023")
    file = read_headroom_file()
    with pytest.raises(NotFoundError):
        plan_headroom(engine, plan, file)
    svc = TwoHighService(engine, plan=plan, from_inventory=True)
    assert svc.room() == file  # no inventory yet: the headroom file
    load_inventory(engine, plan)
    two_high_demo.load(engine, plan)
    rows, _, _, _ = inventory_years(engine)
    latest = max(r.year for r in rows if r.gdp)
    room = plan_headroom(engine, plan, file)
    # the plan's next energy-intensity target after the inventory's latest year
    assert room.target_year == min(
        i.year for i in plan.indicators if i.id.startswith("energy_intensity_") and i.year > latest
    )
    base = next(r for r in rows if r.year == plan.plan.base_year)
    assert room.base_energy_intensity == pytest.approx(base.energy_tce / base.gdp)  # type: ignore[operator]
    assert room.base_co2_intensity == pytest.approx(base.co2_t / base.gdp)  # type: ignore[operator]
    # 待下达 (the city has not assigned the 2025 reductions): the file's stand-ins, said so
    assert room.energy_intensity_reduction == file.energy_intensity_reduction
    assert "待下达" in room.source and "stand-in" in room.source and room.illustrative
    # the aluminium extension (在建, approved 2024, after the plan) is spoken for; the others are not
    assert [a.name for a in room.approved] == ["示例铝型材扩建项目"]
    aluminium = svc.review(OFFICE, _as_proposed(svc, "示例铝型材扩建项目"), store=False)
    assert room.approved[0].energy_tce == pytest.approx(aluminium["energy_tce"]["calorific"])
    # the office enters Tianjin's figure: the plan's own reduction replaces the stand-in
    entered = _with_reduction(plan, 14.5)
    mine = plan_headroom(engine, entered, file)
    assert mine.energy_intensity_reduction == pytest.approx(0.145)
    assert "energy_intensity_2025 14.5%" in mine.source
    assert mine.remaining_energy_tce == pytest.approx(
        room.remaining_energy_tce - room.allowed_energy_tce * (0.145 - 0.135) / (1 - 0.135)
    )
    # the review through the service reads it: its sheet names the source and the with/without effect
    result = TwoHighService(engine, plan=entered, from_inventory=True).review(
        OFFICE, _as_proposed(svc, "示例金属表面处理集中区项目"), store=False
    )
    assert result["headroom"]["source"] == mine.source
    effect = result["headroom"]["effect"]
    assert effect["energy_intensity_reduction_with"] < effect["energy_intensity_reduction_without"]


def _with_reduction(plan: Plan, value: float) -> Plan:
    ind = next(i for i in plan.indicators if i.id == "energy_intensity_2025")
    assert ind.assigned is not None
    assigned = ind.assigned.model_copy(update={"document": "津示例〔2024〕1号", "date": "2024-05-01"})
    done = ind.model_copy(update={"value": value, "assigned": assigned})
    return plan.model_copy(update={"indicators": [done if i.id == ind.id else i for i in plan.indicators]})


def _as_proposed(svc: TwoHighService, name: str) -> dict[str, object]:
    project = next(s.project for s in svc.projects(OFFICE) if s.project.name == name)
    return {
        "name": project.name,
        "industry": project.industry,
        "annual_output": {"amount": project.annual_output, "unit": project.output_unit},
        "start_year": 2025,
        "energy": [line.model_dump() for line in project.energy],
        "review_date": "2026-01-10",
    }
