"""IAMC export (long format, consistent sums) and Kaya/LMDI of a projection."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.plan import load_plan
from carbonpeak.scenarios.iamc import COLUMNS, rows_of_run, to_frame
from carbonpeak.scenarios.kaya import KAYA_FACTORS, projection_kaya
from carbonpeak.scenarios.lmdi import decompose_frame
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario

PLAN = Path(__file__).parent / "plan-small.yaml"


def test_iamc_rows_are_long_and_add_up() -> None:
    scn = load_scenario("bau")
    frame = to_frame(rows_of_run(run_scenario(scn), mc=monte_carlo(scn, None, 50, seed=1)))
    assert list(frame.columns) == COLUMNS
    assert not frame.duplicated(["model", "scenario", "region", "variable", "year"]).any()
    wide = frame.pivot_table(index="year", columns="variable", values="value")
    parts = (
        wide["Emissions|CO2|Energy"]
        + wide["Emissions|CO2|Industrial Processes"]
        + wide["Emissions|CO2|AFOLU"]
    )
    assert np.allclose(wide["Emissions|CO2"], parts)
    assert (frame["region"].str.contains("illustrative")).all()
    assert {"Emissions|CO2|Gross|p5", "Emissions|CO2|Gross|p95"} <= set(frame["variable"])


def test_cli_export_csv_to_stdout() -> None:
    out = CliRunner().invoke(app, ["scenario", "export", "bau"])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == COLUMNS


@pytest.mark.parametrize("scenario", ["bau", "enhanced"])
def test_kaya_of_a_projection_adds_up_to_the_energy_co2_change(scenario: str) -> None:
    # enhanced has an electricity-share target: the shifted branch × fuel energy must match the totals
    run = run_scenario(load_scenario(scenario), load_plan(PLAN))
    table = projection_kaya(run)
    product = table[KAYA_FACTORS].prod(axis=1).groupby(table["year"]).sum()
    energy_co2 = run.result.sources[0, :, :4].sum(axis=-1)  # fuel, CHP, electricity, heat
    assert np.allclose(product.to_numpy(), energy_co2, rtol=1e-9)
    result = decompose_frame(table, 2020, 2035)
    assert sum(result.additive.values()) == pytest.approx(energy_co2[15] - energy_co2[0], rel=1e-9)


def test_cli_decompose_scenario_json() -> None:
    out = CliRunner().invoke(
        app, ["decompose", "--scenario", "bau", "--from", "2020", "--to", "2030", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["illustrative"] is True
    assert sum(data["additive"].values()) == pytest.approx(data["total_change"])
