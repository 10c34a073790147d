"""The base year reproduces the accounting inventory of the same data exactly (issue 4), through the
real accounting package: the demo data and a small hand-made activity file; errors name the sector
code and the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from carbonpeak.accounting import inventory, read_activity, read_macro
from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir
from carbonpeak.cli.main import app
from carbonpeak.plan import load_plan
from carbonpeak.scenarios import ScenarioDataError
from carbonpeak.scenarios.base_files import load_base
from carbonpeak.scenarios.base_year import FUELS
from carbonpeak.scenarios.engine import SOURCES, Engine, frozen_inputs
from carbonpeak.scenarios.from_inventory import reproduction
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario

HERE = Path(__file__).parent
SMALL_ACTIVITY = HERE / "data" / "small-activity.csv"
SMALL_MACRO = HERE / "data" / "small-macro.csv"
DEMO_ACTIVITY = demo_dir() / ACTIVITY_FILE
DEMO_MACRO = demo_dir() / MACRO_FILE
REL = 1e-9


def _inventory_year(activity: Path, macro: Path, year: int) -> dict[str, Any]:
    inv = inventory(read_activity(activity), read_macro(macro))
    data: dict[str, Any] = inv.to_json()["years"][str(year)]
    return data


def _assert_base_equals_inventory(activity: Path, macro: Path, year: int, base_year_of_scenario: Any) -> None:
    want = _inventory_year(activity, macro, year)
    base = base_year_of_scenario
    assert base.year == year
    res = Engine(base).run(frozen_inputs(base, np.array([year], dtype=np.int64)))
    sources = dict(zip(SOURCES, res.sources[0, 0], strict=True))
    co2 = want["co2_t"]
    assert res.co2[0, 0] == pytest.approx(co2["total"], rel=REL)
    assert sources["fuel_combustion"] == pytest.approx(co2["combustion"], rel=REL)
    assert sources["gas_chp"] == 0.0
    assert sources["electricity"] == pytest.approx(co2["electricity"], rel=REL)
    assert sources["heat"] == pytest.approx(co2["heat"], rel=REL)
    assert sources["process"] == pytest.approx(co2["process"], rel=REL)
    assert res.sinks[0, 0] == pytest.approx(co2["sinks"], rel=REL)
    ind = res.indicators
    energy = want["energy_tce"]
    assert ind["energy_consumption_calorific"][0, 0] == pytest.approx(energy["calorific"], rel=REL)
    assert ind["energy_consumption_equivalent"][0, 0] == pytest.approx(energy["coal_substitution"], rel=REL)
    assert ind["final_energy"][0, 0] == pytest.approx(energy["final_calorific"], rel=REL)
    shares = want["indicators"]
    assert ind["non_fossil_share"][0, 0] / 100 == pytest.approx(shares["non_fossil_share"], rel=REL)
    assert ind["electricity_share_final"][0, 0] / 100 == pytest.approx(
        shares["electricity_share_final"], rel=REL
    )
    assert ind["co2_intensity"][0, 0] == pytest.approx(shares["co2_per_gdp"], rel=REL)
    assert base.gdp_100m_cny * 1e4 == pytest.approx(want["inputs"]["gdp_10k_yuan"], rel=REL)
    assert base.population_10k * 1e4 == pytest.approx(want["inputs"]["population"], rel=REL)
    assert base.grid_factor == want["inputs"]["grid_factor_tco2_per_mwh"]
    # the model's own base-year inventory (by fuel group) adds up to the same combustion CO2
    assert sum(base.inventory()["by_fuel"].values()) == pytest.approx(co2["combustion"], rel=REL)


def test_bundled_base_year_is_the_demo_inventory_of_2020() -> None:
    base = load_base()
    _assert_base_equals_inventory(DEMO_ACTIVITY, DEMO_MACRO, 2020, base)
    assert base.illustrative
    assert base.extra["inventory"]["year"] == 2020
    rows = reproduction(base, inventory(read_activity(DEMO_ACTIVITY), read_macro(DEMO_MACRO)))
    assert [r["figure"] for r in rows if not r["equal"]] == []


def test_every_bundled_scenario_starts_at_the_demo_inventory() -> None:
    want = _inventory_year(DEMO_ACTIVITY, DEMO_MACRO, 2020)
    for sid in ("bau", "plan", "enhanced"):
        scn = load_scenario(sid)
        _assert_base_equals_inventory(DEMO_ACTIVITY, DEMO_MACRO, 2020, scn.base)
        assert int(scn.years[0]) == 2020
    # the plan scenario's 2020 is the inventory's, as are 2021–2024 (decision notes 0211, 0212)
    run = run_scenario(load_scenario("plan"), load_plan(HERE / "plan-small.yaml")).result
    ind = {k: v[0, 0] for k, v in run.indicators.items()}
    assert run.co2[0, 0] == pytest.approx(want["co2_t"]["total"], rel=REL)
    assert ind["electricity_share_final"] / 100 == pytest.approx(
        want["indicators"]["electricity_share_final"], rel=REL
    )
    assert ind["non_fossil_share"] / 100 == pytest.approx(want["indicators"]["non_fossil_share"], rel=REL)
    gas_e8m3 = want["activity"]["by_fuel"]["natural_gas"] / 1e4  # 万m3 → 亿m3
    assert ind["gas_consumption"] == pytest.approx(gas_e8m3, rel=REL)
    assert run.sources[0, 0, SOURCES.index("gas_chp")] == 0.0
    # and through the CLI: `carbonpeak scenario run` and `carbonpeak inventory` agree on 2020
    runner = CliRunner()
    out = runner.invoke(app, ["scenario", "run", "bau", "--format", "json"])
    assert out.exit_code == 0, out.output
    traj = json.loads(out.stdout)["scenarios"]["bau"]["trajectory"]
    inv = runner.invoke(
        app, ["inventory", "--activity", str(DEMO_ACTIVITY), "--macro", str(DEMO_MACRO), "--format", "json"]
    )
    assert inv.exit_code == 0, inv.output
    total = json.loads(inv.stdout)["years"]["2020"]["co2_t"]["total"]
    assert traj["2020"] == pytest.approx(total, rel=REL)
    assert traj["2020"] == pytest.approx(want["co2_t"]["total"], rel=REL)


def test_small_hand_made_activity_file_is_reproduced() -> None:
    base = load_base(activity=SMALL_ACTIVITY, macro=SMALL_MACRO)
    _assert_base_equals_inventory(SMALL_ACTIVITY, SMALL_MACRO, 2020, base)
    # fuel groups: raw coal and coke are one "coal" group with the inventory's CO2 per tce of the two
    want = _inventory_year(SMALL_ACTIVITY, SMALL_MACRO, 2020)["co2_t"]["by_fuel"]
    mine = base.inventory()["by_fuel"]
    assert mine["coal"] == pytest.approx(want["raw_coal"] + want["coke"], rel=REL)
    assert mine["other_oil"] == pytest.approx(want["fuel_oil"], rel=REL)
    # by hand: 2000 t raw coal × 0.7143 + 500 t coke × 0.9714 tce/t (GB/T 2589)
    coal = FUELS.index("coal")
    assert base.energy_tce[:, coal].sum() == pytest.approx(2000 * 0.7143 + 500 * 0.9714, rel=REL)
    # geothermal heat: energy without CO2, in the urban residential branch
    heat = FUELS.index("renewable_heat")
    assert base.energy_tce[base.branches.index("residential_urban"), heat] == pytest.approx(
        20000 * 0.03412, rel=REL
    )
    # industrial value added split over the industry branches as the base file does, summing to 12 亿元
    assert base.activity[base.branch_mask("industry")].sum() == pytest.approx(12.0, rel=REL)
    # capacity from generation: 1,500万kWh solar / (1250 h × 0.95), 400万kWh wind / (2000 h × 0.94)
    assert base.capacity_mw[0] == pytest.approx(15_000 / (1250 * 0.95), rel=REL)
    assert base.capacity_mw[1] == pytest.approx(4_000 / (2000 * 0.94), rel=REL)


def test_a_later_base_year_and_the_cli_options() -> None:
    scn = load_scenario("plan", DEMO_ACTIVITY, DEMO_MACRO, 2023)
    assert int(scn.years[0]) == 2023
    _assert_base_equals_inventory(DEMO_ACTIVITY, DEMO_MACRO, 2023, scn.base)
    runner = CliRunner()
    args = ["--activity", str(SMALL_ACTIVITY), "--macro", str(SMALL_MACRO), "--format", "json"]
    out = runner.invoke(app, ["scenario", "compare", "bau", "plan", *args])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    want = _inventory_year(SMALL_ACTIVITY, SMALL_MACRO, 2020)["co2_t"]["total"]
    for sid in ("bau", "plan"):
        assert data["scenarios"][sid]["trajectory"]["2020"] == pytest.approx(want, rel=REL)
    assert data["base_year"]["inventory"]["activity"] == str(SMALL_ACTIVITY)
    bad = runner.invoke(app, ["scenario", "run", "bau", "--base-year", "2021"])
    assert bad.exit_code != 0
    assert "--activity" in bad.output


def test_missing_base_year_is_an_error_naming_the_file() -> None:
    with pytest.raises(ScenarioDataError) as err:
        load_base(activity=SMALL_ACTIVITY, macro=SMALL_MACRO, year=2019)
    text = str(err.value)
    assert "base year 2019 is not in the activity data" in text
    assert str(SMALL_ACTIVITY) in text
    out = CliRunner().invoke(
        app, ["scenario", "run", "bau", "--activity", str(SMALL_ACTIVITY), "--base-year", "2019"]
    )
    assert out.exit_code != 0
    assert "2019" in out.output


def test_a_sector_the_mapping_cannot_place_is_named_with_the_file(tmp_path: Path) -> None:
    activity = tmp_path / "activity.csv"
    activity.write_text(
        SMALL_ACTIVITY.read_text(encoding="utf-8")
        + "2020,transport,diesel,10,t,示例数据\n"
        + "2020,energy|heat_supply,natural_gas,5,万立方米,示例数据\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioDataError) as err:
        load_base(activity=activity, macro=SMALL_MACRO)
    problems = err.value.problems
    assert len(problems) == 2  # all problems at once
    text = str(err.value)
    assert "sector 'transport' (fuels diesel)" in text
    assert "sector 'energy|heat_supply' (fuels natural_gas)" in text
    assert all(p.file == str(activity) for p in problems)
    assert "inventory.sectors" in text  # where to map it


def test_missing_macro_values_are_named() -> None:
    with pytest.raises(ScenarioDataError) as err:
        load_base(activity=SMALL_ACTIVITY, macro=None)
    assert "no macro file" in str(err.value)
    assert "gdp" in str(err.value)
