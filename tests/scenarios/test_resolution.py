"""Lever resolution: the vectorized path helpers give the loops' figures, and the resolved inputs of a
(scenario, plan) pair are kept without being shared."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from carbonpeak.plan import load_plan
from carbonpeak.scenarios.engine import Engine
from carbonpeak.scenarios.levers import build_inputs
from carbonpeak.scenarios.paths import interp_rows, step_rates
from carbonpeak.scenarios.results import run_scenario, scenario_inputs
from carbonpeak.scenarios.scenario_files import load_scenario

YEARS = np.arange(2020, 2061)


def _step_rates_loop(years: np.ndarray, rates: dict[int, float]) -> np.ndarray:
    """The rule of ``step_rates`` written out year by year."""
    keys = sorted(rates)
    out = np.zeros(len(years))
    for i, year in enumerate(years[1:], start=1):
        later = [k for k in keys if k >= year]
        out[i] = rates[later[0]] if later else rates[keys[-1]]
    return out


@given(st.dictionaries(st.integers(2010, 2070), st.floats(-0.2, 0.2), min_size=1, max_size=6))
def test_step_rates_is_the_year_by_year_rule(rates: dict[int, float]) -> None:
    np.testing.assert_array_equal(step_rates(YEARS, rates), _step_rates_loop(YEARS, rates))


def test_step_rates_without_keys_is_the_default_after_the_base_year() -> None:
    out = step_rates(YEARS, {}, default=0.05)
    assert out[0] == 0.0 and (out[1:] == 0.05).all()


@given(
    st.lists(st.integers(2021, 2060), min_size=1, max_size=5, unique=True),
    st.integers(1, 4),
)
def test_interp_rows_is_np_interp_of_each_column(years: list[int], k: int) -> None:
    xs = np.array([2020.0, *sorted(years)])
    rng = np.random.default_rng(len(years) * 10 + k)
    rows = rng.random((len(xs), k))
    got = interp_rows(YEARS, xs, rows)
    for col in range(k):
        np.testing.assert_allclose(got[:, col], np.interp(YEARS, xs, rows[:, col]), rtol=1e-14, atol=1e-15)


def test_resolved_inputs_are_kept_per_scenario_and_plan_but_never_shared() -> None:
    plan = load_plan("jinghai-2023")
    scn = load_scenario("plan")
    first = scenario_inputs(scn, plan)
    first.capacity[:] = 0.0  # a caller changing its copy ...
    second = scenario_inputs(scn, plan)
    assert second.capacity.sum() > 0  # ... does not change the next caller's
    # another plan object (an edited plan) is resolved anew: here the 2025 gas target doubled
    indicators = [
        i.model_copy(update={"value": 2 * float(i.value)}) if i.metric == "gas_consumption" and i.value else i
        for i in plan.indicators
    ]
    edited = plan.model_copy(update={"indicators": indicators})
    third = scenario_inputs(scn, edited)
    assert np.nanmax(third.gas_target) > np.nanmax(second.gas_target)
    # and the kept resolution gives the figures of a fresh one
    fresh = build_inputs(scn.base, scn.years, scn.assumptions, scn.levers, plan, scn.id, scn.source)
    kept = run_scenario(scn, plan, keep_energy=False)
    np.testing.assert_array_equal(kept.result.co2, Engine.of(scn.base).run(fresh).co2)
