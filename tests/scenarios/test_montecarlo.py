"""Monte Carlo: reproducible with a seed, neutral draws give the deterministic run, CLI JSON fields."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.plan import load_plan
from carbonpeak.scenarios import ScenarioDataError
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario

PLAN = Path(__file__).parent / "plan-small.yaml"


def test_same_seed_same_result_other_seed_other_result() -> None:
    plan = load_plan(PLAN)
    scn = load_scenario("bau")
    a = monte_carlo(scn, plan, 300, seed=7)
    b = monte_carlo(scn, plan, 300, seed=7)
    c = monte_carlo(scn, plan, 300, seed=8)
    assert np.array_equal(a.co2, b.co2)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.co2, c.co2)
    assert 0.0 <= a.p_peak_by <= 1.0
    bands = a.percentiles()
    for year in ("2030", "2045"):
        assert bands["p5"][year] <= bands["p50"][year] <= bands["p95"][year]
    assert sum(a.peak_year_distribution().values()) == pytest.approx(1.0)


def test_neutral_distributions_reproduce_the_deterministic_run() -> None:
    scn = load_scenario("plan")
    plan = load_plan(PLAN)
    spec = {
        "gdp_growth": {"dist": "uniform", "low": 0.0, "high": 0.0},
        "intensity_improvement": {"dist": "triangular", "low": 1.0, "mode": 1.0, "high": 1.0},
        "capacity_factor": {"dist": "normal", "mean": 1.0, "sd": 0.0},
        "adoption_speed": {"dist": "lognormal", "mean_log": 0.0, "sd_log": 0.0},
    }
    mc = monte_carlo(scn, plan, 5, seed=1, spec=spec)
    det = run_scenario(scn, plan).result.co2[0]
    assert np.allclose(mc.co2, det, rtol=1e-12)


def test_base_year_is_not_perturbed() -> None:
    mc = monte_carlo(load_scenario("bau"), None, 200, seed=3)
    assert np.allclose(mc.co2[:, 0], mc.co2[0, 0], rtol=1e-12)


def test_bad_distribution_is_named() -> None:
    with pytest.raises(ScenarioDataError, match=r"uncertainty\.gdp_growth\.sd"):
        monte_carlo(load_scenario("bau"), None, 10, spec={"gdp_growth": {"dist": "normal", "mean": 0}})


def test_cli_run_json_with_samples() -> None:
    out = CliRunner().invoke(
        app,
        [
            "scenario",
            "run",
            "bau",
            "plan",
            "--plan",
            str(PLAN),
            "--samples",
            "200",
            "--seed",
            "5",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["illustrative"] is True
    bau = data["scenarios"]["bau"]
    for key in ("peak_year", "peak_co2_t", "trajectory", "targets", "p_peak_by_2030", "percentiles"):
        assert key in bau
    assert bau["trajectory"][str(bau["peak_year"])] == bau["peak_co2_t"]
    target = bau["targets"][0]
    assert set(target) >= {"id", "year", "projected", "target", "met"}
