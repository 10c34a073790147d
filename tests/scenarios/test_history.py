"""The inventory's years are history (decision note 0212): every bundled scenario reproduces the
demo inventory's CO2 in 2020–2024, levers ramp from 2024 at the scenario's own pace, Monte Carlo and
pushes leave the observed years alone, and the attribution of the gap over them is zero."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from carbonpeak.accounting import inventory, read_activity, read_macro
from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir
from carbonpeak.plan import load_plan
from carbonpeak.scenarios.base_year import COMBUSTIBLE, FUELS, base_with_energy_table
from carbonpeak.scenarios.engine import SOURCES, Engine
from carbonpeak.scenarios.from_inventory import base_from_inventory
from carbonpeak.scenarios.levers import apply_push, build_inputs
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.paths import catch_up
from carbonpeak.scenarios.results import check_targets, run_scenario, summary
from carbonpeak.scenarios.scenario_files import bundled_dir, load_scenario
from carbonpeak.scenarios.shapley import attribute

PLAN = Path(__file__).parent / "plan-small.yaml"
YEARS = (2020, 2021, 2022, 2023, 2024)
REL = 1e-9  # float round-off of sums over branches and fuels


def _inventory():  # type: ignore[no-untyped-def]
    return inventory(read_activity(demo_dir() / ACTIVITY_FILE), read_macro(demo_dir() / MACRO_FILE))


def _tolerance(inv, base, year: int) -> float:  # type: ignore[no-untyped-def]
    """What the model cannot represent in an observed year, relative to its CO2: the engine applies
    the base year's CO2 per tce of each fuel group (coal, oil products, gas) to every year, while the
    inventory's group factor moves with the mix inside the group (raw coal vs. coke, …). The bound is
    |Σ_group energy × (factor of the year − base factor)| / CO2 of the year, from the data."""
    text = (bundled_dir() / "base" / "jinghai-base-2020.yaml").read_text(encoding="utf-8")
    sectors = yaml.safe_load(text)["inventory"]["sectors"]
    that = base_from_inventory(base, inv, year, sectors)
    energy = that.energy_tce.sum(axis=0)
    gap = abs(float((energy * (that.ef_tce - base.ef_tce))[COMBUSTIBLE].sum()))
    total = float(inv.to_json()["years"][str(year)]["co2_t"]["total"])
    return gap / total + REL


def test_every_bundled_scenario_reproduces_the_inventory_years() -> None:
    inv = _inventory()
    years = inv.to_json()["years"]
    plan = load_plan(PLAN)
    for sid in ("bau", "plan", "enhanced"):
        scn = load_scenario(sid)
        assert scn.base.history is not None
        assert list(scn.base.history.years) == list(YEARS)
        res = run_scenario(scn, plan).result
        for i, year in enumerate(YEARS):
            want = years[str(year)]
            tol = _tolerance(inv, scn.base, year)
            assert tol < 0.005  # the bound itself is small (0 for the demo data: one mix per group)
            co2 = want["co2_t"]
            assert res.co2[0, i] == pytest.approx(co2["total"], rel=tol), (sid, year)
            src = dict(zip(SOURCES, res.sources[0, i], strict=True))
            assert src["electricity"] == pytest.approx(co2["electricity"], rel=REL)
            assert src["process"] == pytest.approx(co2["process"], rel=REL)
            assert src["gas_chp"] == 0.0  # observed gas is the branches' own use
            assert res.sinks[0, i] == pytest.approx(co2["sinks"], rel=REL)
            ind = res.indicators
            energy = want["energy_tce"]
            assert ind["energy_consumption_calorific"][0, i] == pytest.approx(energy["calorific"], rel=REL)
            assert ind["energy_consumption_equivalent"][0, i] == pytest.approx(
                energy["coal_substitution"], rel=REL
            )
            shares = want["indicators"]
            assert ind["electricity_share_final"][0, i] / 100 == pytest.approx(
                shares["electricity_share_final"], rel=REL
            )
            assert ind["non_fossil_share"][0, i] / 100 == pytest.approx(shares["non_fossil_share"], rel=REL)
            gas = want["activity"]["by_fuel"]["natural_gas"] / 1e4  # 万m3 → 亿m3
            assert ind["gas_consumption"][0, i] == pytest.approx(gas, rel=REL)
            assert ind["co2_intensity"][0, i] == pytest.approx(shares["co2_per_gdp"], rel=REL)


def test_catch_up_by_hand() -> None:
    # 28 % (2020) → 38 % (2025) → 40 % (2030): the steepest pace is 2 pp a year. Observed 28 % again in
    # 2024: 38 % takes 5 years (2029); 40 % then takes 1 year, on time in 2030
    pts = {2025: 38.0, 2030: 40.0}
    assert catch_up(pts, 2020, 28.0, 2024, 28.0) == {2029.0: 38.0, 2030.0: 40.0}
    # on track in 2024 (36 %): nothing moves; no observed years after the base year: nothing moves
    assert catch_up(pts, 2020, 28.0, 2024, 36.0) == {2025.0: 38.0, 2030.0: 40.0}
    assert catch_up(pts, 2020, 28.0, 2020, 28.0) == {2025.0: 38.0, 2030.0: 40.0}
    # a point the observed value has passed is left out (no move back); points up to 2024 are history
    assert catch_up({2025: 10.5, 2030: 11.0}, 2020, 9.5, 2024, 10.64) == {2030.0: 11.0}
    assert catch_up({2024: 75.4, 2030: 160.0}, 2020, 37.7, 2024, 75.4) == {2030.0: 160.0}


def test_targets_of_2025_are_checked_in_2025() -> None:
    plan = load_plan(PLAN)
    run = run_scenario(load_scenario("plan"), plan)
    targets = {t["id"]: t for t in check_targets(run, plan)}
    elec = targets["electricity_share_final_2025"]
    y25 = list(run.result.years).index(2025)
    assert elec["projected"] == pytest.approx(run.result.indicators["electricity_share_final"][0, y25])
    assert elec["projected"] < 38.0
    assert elec["met"] is False


def test_monte_carlo_and_pushes_leave_the_observed_years_alone() -> None:
    plan = load_plan(PLAN)
    scn = load_scenario("plan")
    run = run_scenario(scn, plan)
    n = len(YEARS)
    mc = monte_carlo(scn, plan, 200, seed=1)
    assert np.allclose(mc.co2[:, :n], run.result.co2[0, :n], rtol=1e-12)
    assert mc.co2[:, n].std() > 0  # the first projection year has spread
    for lever, d in (("renewables", 100.0), ("electrification", 5.0), ("industry_efficiency", 0.02)):
        pushed = apply_push(run.inputs, lever, d, engine=run.engine, start=2021, until=2030)
        co2 = run.engine.run(pushed).co2[0]
        assert np.allclose(co2[:n], run.result.co2[0, :n], rtol=1e-12), lever
        assert not np.isclose(co2[n + 1], run.result.co2[0, n + 1], rtol=1e-6), lever  # acts from 2025


def test_attribution_over_the_observed_years_is_zero() -> None:
    plan = load_plan(PLAN)
    result = attribute(load_scenario("bau"), load_scenario("plan"), plan)
    n = len(YEARS)
    assert np.allclose(result.shapley[:, :n], 0.0, atol=1e-6)
    gap = (
        run_scenario(load_scenario("plan"), plan).result.co2[0]
        - run_scenario(load_scenario("bau"), plan).result.co2[0]
    )
    assert np.allclose(gap[:n], 0.0, atol=1e-6)
    assert np.allclose(result.shapley.sum(axis=0), gap, rtol=1e-9, atol=1e-3)


def test_summary_says_whether_the_peak_is_observed() -> None:
    plan = load_plan(PLAN)
    for sid in ("bau", "plan"):
        data = summary(run_scenario(load_scenario(sid), plan), plan, detail=False)
        traj = {int(y): v for y, v in data["trajectory"].items()}
        assert data["observed_until"] == 2024
        observed_max = max(v for y, v in traj.items() if y <= 2024)
        projected_max = max(v for y, v in traj.items() if y > 2024)
        assert data["peak_observed"] is (observed_max >= projected_max)


def test_a_replaced_balance_drops_the_history() -> None:
    base = load_scenario("bau").base
    rows = [
        (b, f, float(base.energy_tce[j, k]) * 1.1)
        for j, b in enumerate(base.branches)
        for k, f in enumerate(FUELS)
        if base.energy_tce[j, k] > 0
    ]
    other = base_with_energy_table(base, rows)
    assert base.history is not None and other.history is None
    inp = build_inputs(other, np.arange(2020, 2031), {}, {}, None, "x", "<test>")
    assert inp.history_end is None
    # frozen inputs on the replaced balance: every year is the new base year (10 % more fuel CO2)
    co2 = Engine(other).run(inp).co2[0]
    assert np.allclose(co2, co2[0])
    assert co2[0] > run_scenario(load_scenario("bau")).result.co2[0, 0]
