"""The engine: exact base-year reproduction of a hand-computed inventory, plan levers, BAU fixity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from carbonpeak.plan import load_plan
from carbonpeak.scenarios import MissingIndicatorError
from carbonpeak.scenarios.base_files import load_base
from carbonpeak.scenarios.base_year import compare_inventory
from carbonpeak.scenarios.engine import Engine, frozen_inputs
from carbonpeak.scenarios.results import run_scenario, summary
from carbonpeak.scenarios.scenario_files import load_scenario
from tests.conftest import EXAMPLE_PLAN

HERE = Path(__file__).parent
SMALL_PLAN = HERE / "plan-small.yaml"

# The inventory of base-small.yaml computed by hand, in the accounting package's JSON shape:
# fuel CO2 = amount × NCV (GJ/unit) / 1000 × carbon content (tC/TJ) × oxidation × 44/12
GAS = 100 * 389.31 / 1000 * 15.3 * 0.99 * 44 / 12  # 100 万m3
DIESEL = 10 * 42.652 / 1000 * 20.2 * 0.98 * 44 / 12  # 10 t
LPG = 5 * 50.179 / 1000 * 17.2 * 0.98 * 44 / 12  # 5 t
ELECTRICITY = (1000 - 0.1 * 1000) * 0.5568  # consumption − local solar (0.1 MW × 1000 h), × grid factor
HEAT = 1000 * 0.11
PROCESS = 50.0
HAND_INVENTORY = {
    "total": GAS + DIESEL + LPG + ELECTRICITY + HEAT + PROCESS,
    "by_fuel": {"natural_gas": GAS, "diesel": DIESEL, "lpg": LPG},
    "electricity": ELECTRICITY,
    "heat": HEAT,
    "process": PROCESS,
    "sinks": 10 * 100 * 0.1 * 4.0,  # km² → ha × cover × t/ha
}
HAND_TCE = 100 * 12.143 + 1000 * 0.1229 + 10 * 1.4571 + 1000 * 0.03412 + 5 * 1.7143


def test_base_year_reproduces_the_hand_computed_inventory() -> None:
    base = load_base(HERE / "base-small.yaml")
    years = np.arange(2020, 2031)
    result = Engine(base).run(frozen_inputs(base, years), keep_energy=True)
    names = ("fuel_combustion", "gas_chp", "electricity", "heat", "process")
    sources = dict(zip(names, result.sources[0, 0], strict=True))
    assert result.co2[0, 0] == pytest.approx(HAND_INVENTORY["total"], rel=1e-12)
    assert sources["fuel_combustion"] == pytest.approx(GAS + DIESEL + LPG, rel=1e-12)
    assert sources["electricity"] == pytest.approx(ELECTRICITY, rel=1e-12)
    assert sources["heat"] == pytest.approx(HEAT, rel=1e-12)
    assert sources["process"] == pytest.approx(PROCESS, rel=1e-12)
    assert result.sinks[0, 0] == pytest.approx(HAND_INVENTORY["sinks"], rel=1e-12)
    assert result.fuel_energy[0, 0].sum() == pytest.approx(HAND_TCE, rel=1e-12)
    inventory = base.inventory()
    for key in ("total", "electricity", "heat", "process", "sinks"):
        assert inventory[key] == pytest.approx(HAND_INVENTORY[key], rel=1e-12)
    for fuel, value in HAND_INVENTORY["by_fuel"].items():  # type: ignore[attr-defined]
        assert inventory["by_fuel"][fuel] == pytest.approx(value, rel=1e-12)
    assert compare_inventory(base, HAND_INVENTORY) == []
    wrong = {**HAND_INVENTORY, "heat": HEAT * 1.01}
    assert compare_inventory(base, wrong) == [
        f"co2_t.heat: model {HEAT:.6g} t, inventory {HEAT * 1.01:.6g} t"
    ]
    # frozen inputs: nothing changes over the years
    assert np.allclose(result.co2[0], result.co2[0, 0])


def test_bundled_base_year_is_labelled_illustrative() -> None:
    base = load_base()
    assert base.illustrative
    assert "示例数据" in base.label


# the demo inventory's local generation, MWh (solar, wind, biomass), turned into capacity at the base
# file's full-load hours × (1 − curtailment): solar 1250 h × 0.95, wind 2000 h × 0.94, biomass 5500 h
def _capacity_mw(solar: float, wind: float, biomass: float) -> float:
    return solar / (1250 * 0.95) + wind / (2000 * 0.94) + biomass / 5500


CAP_2020 = _capacity_mw(300_000, 200_000, 100_000) / 10.0  # 万千瓦
CAP_2024 = _capacity_mw(600_000, 400_000, 200_000) / 10.0


def test_plan_scenario_reads_the_plan() -> None:
    plan = load_plan(SMALL_PLAN)
    run = run_scenario(load_scenario("plan"), plan)
    ind = run.result.indicators
    years = list(run.result.years)
    y24, y25 = years.index(2024), years.index(2025)

    def observed(metric: str) -> tuple[float, float]:  # 2020 and 2024: the inventory's (history)
        return float(ind[metric][0, 0]), float(ind[metric][0, y24])

    # levers ramp from the latest inventory year, 2024 (decision note 0212). The 力争 (aspirational)
    # 280 万千瓦 is not a lever of the plan scenario (0211): capacity runs from the 2024 inventory
    # value towards 160 (2030), a pace (160 − 75.4)/6 that reaches 160 in 2030
    assert ind["renewable_capacity"][0, y24] == pytest.approx(CAP_2024)
    assert ind["renewable_capacity"][0, y25] == pytest.approx(CAP_2024 + (160 - CAP_2024) / 6)
    # the 2025 targets are approached at the plan's own pace (target − 2020 value) / 5 per year from
    # the 2024 value, so they are reached after 2025, not by a one-year jump
    e20, e24 = observed("electricity_share_final")
    assert ind["electricity_share_final"][0, y25] == pytest.approx(e24 + (38.0 - e20) / 5)
    assert ind["electricity_share_final"][0, y25] < 38.0
    reached = years[int(np.argmax(ind["electricity_share_final"][0] >= 38.0 - 1e-9))]
    assert reached == 2024 + int(np.ceil((38.0 - e24) / ((38.0 - e20) / 5)))
    g20, g24 = observed("gas_consumption")
    assert ind["gas_consumption"][0, y25] == pytest.approx(g24 + (15.0 - g20) / 5)
    # storage is not in the inventory: the base file's 0 % holds until 2024, then 15/5 pp a year
    assert ind["storage_ratio"][0, y24] == 0.0
    assert ind["storage_ratio"][0, y25] == pytest.approx(3.0)
    # forest cover (from the inventory's sinks) passed the 10.5 % of 2025 in the observed years: the
    # path holds the 2024 value rather than moving back, then heads for 11 % in 2030
    f24 = observed("forest_cover")[1]
    assert f24 > 10.5
    assert ind["forest_cover"][0, y25] == pytest.approx(f24 + (11.0 - f24) / 6)
    # −15.5 % over 2020–2025 read as the annual rate 1 − 0.845^(1/5), acting from 2025 on the 2024
    # useful intensity the inventory gives
    r = 1 - 0.845 ** (1 / 5)
    assert run.inputs.intensity[0, y25, 0] == pytest.approx(run.inputs.intensity[0, y24, 0] * (1 - r))


def test_editing_the_plan_changes_plan_but_not_bau(tmp_path: Path) -> None:
    text = SMALL_PLAN.read_text(encoding="utf-8").replace(
        "value: 15, unit: 亿立方米", "value: 12, unit: 亿立方米"
    )
    edited = tmp_path / "plan.yaml"
    edited.write_text(text, encoding="utf-8")
    before, after = load_plan(SMALL_PLAN), load_plan(edited)
    plan_a = run_scenario(load_scenario("plan"), before).result
    plan_b = run_scenario(load_scenario("plan"), after).result
    y24, y25 = list(plan_b.years).index(2024), list(plan_b.years).index(2025)
    gas = plan_b.indicators["gas_consumption"][0]
    # 12 亿m³ in 2025 from 8.7 in 2020: 0.66 a year, from the 2024 value (the steepest segment of
    # the path 12 (2025), 15 (2030), 10 (2045), 4 (2060) of the scenario file)
    assert gas[y25] == pytest.approx(gas[y24] + (12.0 - gas[0]) / 5)
    assert plan_b.co2[0, y25] != plan_a.co2[0, y25]
    assert np.array_equal(plan_b.co2[0, : y24 + 1], plan_a.co2[0, : y24 + 1])  # history is data
    bau_a = run_scenario(load_scenario("bau"), before).result
    bau_b = run_scenario(load_scenario("bau"), after).result
    assert np.array_equal(bau_a.co2, bau_b.co2)


def test_missing_plan_indicator_is_named() -> None:
    plan = load_plan(EXAMPLE_PLAN)  # has no electricity share, gas, storage, … targets
    with pytest.raises(MissingIndicatorError, match="industrial_energy_intensity"):
        run_scenario(load_scenario("plan"), plan)


def test_scenario_maps_a_lever_to_an_indicator_id(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(
        "id: mine\ntitle: 测试情景\ninherits: bau\nlevers:\n"
        "  renewables: {from_plan: [renewable_capacity_2025]}\n",
        encoding="utf-8",
    )
    run = run_scenario(load_scenario(scenario), load_plan(SMALL_PLAN))  # 280 万千瓦 (2025) in the plan
    years = list(run.result.years)
    cap = run.result.indicators["renewable_capacity"][0]
    # from the 2024 inventory value at the pace (280 − 2020 value) / 5: 2025 is a step of that pace,
    # 280 is reached in the year the pace allows and held
    pace = (280.0 - CAP_2020) / 5
    assert cap[years.index(2025)] == pytest.approx(CAP_2024 + pace)
    done = 2024 + int(np.ceil((280.0 - CAP_2024) / pace))
    assert cap[years.index(done)] == pytest.approx(280.0)
    assert cap[years.index(done) - 1] < 280.0
    # a plan value the inventory has already passed (50 万千瓦 in the example plan) holds the 2024 value
    low = run_scenario(load_scenario(scenario), load_plan(EXAMPLE_PLAN)).result.indicators
    assert np.allclose(low["renewable_capacity"][0, years.index(2024) :], CAP_2024)


def test_summary_reports_peak_and_targets() -> None:
    plan = load_plan(SMALL_PLAN)
    data = summary(run_scenario(load_scenario("bau"), plan), plan)
    traj = data["trajectory"]
    assert data["peak_co2_t"] == max(traj.values())
    assert traj[str(data["peak_year"])] == data["peak_co2_t"]
    ids = {t["id"]: t for t in data["targets"]}
    assert ids["renewable_capacity_2025"]["met"] is False  # BAU keeps the 2024 capacity
    # the 2024 capacity = the demo inventory's 2024 generation at the base file's hours (CAP_2024)
    assert ids["renewable_capacity_2025"]["projected"] == pytest.approx(CAP_2024, rel=1e-12)
    assert data["illustrative"] is True


def test_sector_co2_and_sector_fuel_energy_add_up() -> None:
    plan = load_plan(SMALL_PLAN)
    data = summary(run_scenario(load_scenario("enhanced"), plan), plan)
    for year in ("2020", "2030", "2060"):
        by_sector = sum(series[year] for series in data["co2_by_sector_t"].values())
        assert by_sector == pytest.approx(data["trajectory"][year], rel=1e-12)
        for basis in ("calorific", "coal_substitution"):
            per_fuel = data["final_energy_by_fuel_tce"][basis]
            by_sector_fuel = data["final_energy_by_sector_fuel_tce"][basis]
            for fuel, series in per_fuel.items():
                summed = sum(s[fuel][year] for s in by_sector_fuel.values() if fuel in s)
                assert summed == pytest.approx(series[year], rel=1e-12, abs=1e-9)


def test_modal_shift_moves_freight_to_rail(tmp_path: Path) -> None:
    scenario = tmp_path / "rail.yaml"
    scenario.write_text(
        "id: rail\ntitle: 公转铁\ninherits: bau\nlevers:\n  modal_shift: {points: {2030: 10}}\n",
        encoding="utf-8",
    )
    bau, rail = run_scenario(load_scenario("bau")), run_scenario(load_scenario(scenario))
    base = bau.scenario.base
    road, train = base.branches.index("transport_freight"), base.branches.index("transport_rail_freight")
    # 10 % by 2030 from 0 in 2020 is 1 pp a year; the shift starts after the inventory's 2024, so
    # at that pace it reaches 6 % in 2030 and 10 % in 2034
    y24 = list(bau.result.years).index(2024)
    assert rail.inputs.freight_shift[0, : y24 + 1].max() == 0.0
    assert rail.inputs.freight_shift[0, y24 + 6] == pytest.approx(0.06)
    y34 = list(bau.result.years).index(2034)
    assert rail.inputs.freight_shift[0, y34] == pytest.approx(0.10)
    assert rail.result.energy is not None
    assert bau.result.energy is not None
    # useful energy per turnover of each branch is unchanged, so energy moves with the 10 % of road turnover
    road_bau = bau.result.energy[0, y34, road].sum()
    assert rail.result.energy[0, y34, road].sum() == pytest.approx(0.9 * road_bau)
    # the demo inventory has no rail freight: the branch starts at zero and the moved turnover uses the
    # base file's reference energy (9,000 MWh and 800 t diesel per 60,000 万换算吨公里), improved as
    # every transport branch is
    assert bau.inputs.activity[0, y34, train] == 0.0
    per_rail = (9000 * 0.1229 + 800 * 1.4571) / 60000 * bau.inputs.intensity[0, y34, train]
    moved = 0.1 * bau.inputs.activity[0, y34, road]
    assert rail.result.energy[0, y34, train].sum() == pytest.approx(moved * per_rail, rel=1e-9)
    # converted turnover is unchanged, so the transport CO2 intensity falls
    ind = "transport_co2_intensity"
    assert rail.result.indicators[ind][0, y34] < bau.result.indicators[ind][0, y34]
    assert rail.result.co2[0, y34] < bau.result.co2[0, y34]


def test_metric_codes_in_the_style_of_the_bundled_plan(tmp_path: Path) -> None:
    # the Jinghai plan writes reduce_by metrics as x_reduction, the peak as co2_peak_year and the coal
    # target in 万吨 (mass): the plan scenario reads them and every target is checked
    text = SMALL_PLAN.read_text(encoding="utf-8")
    text = text.replace(
        "metric: industrial_energy_intensity}", "metric: industrial_energy_intensity_reduction}"
    )
    text = text.replace("metric: transport_co2_intensity}", "metric: transport_co2_intensity_reduction}")
    text = text.replace("metric: co2_peak}", "metric: co2_peak_year}")
    text = text.replace("value: 0, unit: tce,", "value: 0, unit: 万吨,")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    data = summary(run_scenario(load_scenario("plan"), plan), plan)
    targets = {t["id"]: t for t in data["targets"]}
    assert targets["industrial_energy_intensity_2025"]["comparator"] == "reduce_by"
    assert targets["co2_peak"]["comparator"] == "peak_by"
    assert targets["coal_consumption_2025"]["unit"] == "万吨"
    assert targets["coal_consumption_2025"]["met"] is True
    assert len(targets) == 12
