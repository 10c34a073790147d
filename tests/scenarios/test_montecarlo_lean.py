"""The Monte Carlo's fast paths give the figures of the full engine run (decision note 0214)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from carbonpeak.plan import load_plan
from carbonpeak.scenarios.engine import AffineWeights, Engine, Inputs
from carbonpeak.scenarios.montecarlo import electricity_share0, perturb, run_samples, sample_values
from carbonpeak.scenarios.results import scenario_inputs
from carbonpeak.scenarios.scenario_files import load_scenario

SMALL = Path(__file__).parent / "plan-small.yaml"


@pytest.mark.parametrize("scenario", ["bau", "plan", "enhanced"])
def test_lean_affine_co2_equals_the_full_run_of_the_materialised_samples(scenario: str) -> None:
    plan = load_plan("jinghai-2023")
    scn = load_scenario(scenario)
    engine = Engine(scn.base)
    inp = scenario_inputs(scn, plan)
    values = sample_values(scn.uncertainty, 300, seed=7)
    values["adoption_speed"] = np.linspace(0.2, 2.5, 300)  # far enough to clip some shares at zero
    lean = run_samples(engine, inp, values, chunk=128)["co2_total"]
    full = run_samples(engine, inp, values, metrics=("co2_total", "energy_intensity"), chunk=128)
    # the reference: the plain engine on the materialised (S, Y, B, F) weights
    perturbed, weights = perturb(inp, values, engine.share0, electricity_share0(engine, inp), engine.inv_eff)
    assert weights is not None and not isinstance(weights, np.ndarray)
    if scenario != "bau":
        assert weights.at is not None  # the test reaches the clipped shares
    # the weights by the formula of the module doc, on the full (S, Y, B, F) array
    share0 = np.broadcast_to(engine.share0, inp.share.shape).copy()
    if inp.history_end is not None:
        last = inp.last_observed
        share0 = inp.share.copy()
        share0[:, last + 1 :] = inp.share[:, last : last + 1]
    speed = values["adoption_speed"][:, None, None, None]
    shares = np.maximum(share0 + speed * (inp.share - share0), 0.0)
    shares /= shares.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(weights.materialise(), shares * engine.inv_eff, rtol=1e-12, atol=1e-15)
    reference = engine.run_weights(perturbed, shares * engine.inv_eff).co2
    np.testing.assert_allclose(full["co2_total"], reference, rtol=1e-12)
    np.testing.assert_allclose(lean, full["co2_total"], rtol=1e-12)


def _reference(engine: Engine, inp: Inputs, values: dict[str, np.ndarray]) -> np.ndarray:
    """The plain engine run on the perturbed inputs with the (S, Y, B, F) weights materialised."""
    perturbed, weights = perturb(inp, values, engine.share0, electricity_share0(engine, inp), engine.inv_eff)
    assert isinstance(weights, AffineWeights)
    return engine.run_weights(perturbed, weights.materialise()).co2


@pytest.mark.parametrize("plan_name", ["jinghai-2023", "small"])
def test_lean_path_without_history_and_with_capacities_a_draw_takes_below_zero(plan_name: str) -> None:
    plan = load_plan(SMALL if plan_name == "small" else plan_name)
    scn = load_scenario("enhanced")
    engine = Engine(scn.base)
    inp = scenario_inputs(scn, plan)
    values = sample_values(scn.uncertainty, 200, seed=3)
    values["adoption_speed"] = np.linspace(0.0, 3.0, 200)
    # capacities that fall to 30% of the latest observed year's: a speed above 1/0.7 takes them below zero
    falling = inp.capacity.copy()
    last = inp.last_observed
    falling[:, last + 1 :] = 0.3 * inp.capacity[:, last : last + 1]
    for case in (inp, replace(inp, history_end=None), replace(inp, capacity=falling)):
        lean = run_samples(engine, case, values, chunk=64)["co2_total"]
        np.testing.assert_allclose(lean, _reference(engine, case, values), rtol=1e-12)
    # the falling case reaches the clipped branch: some draw takes a capacity below zero
    speed = values["adoption_speed"][:, None, None]
    assert (falling[0, last] + speed * (falling[0] - falling[0, last]) < 0.0).any()
