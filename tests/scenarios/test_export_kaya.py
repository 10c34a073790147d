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
    # Monte Carlo percentiles are scenarios of their own (decision note 0213), not child variables
    bands = frame[frame["scenario"].str.contains("|", regex=False)]
    assert {"bau|p5", "bau|p95"} <= set(bands["scenario"])
    assert set(bands["variable"]) == {"Gross Emissions|CO2"}


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


def test_kaya_of_an_inventory_table_by_hand() -> None:
    from carbonpeak.scenarios.kaya import kaya_from_table

    # two sectors × one fuel, two years; CO2 = P · G/P · E/G · E_s/E · E_sf/E_s · C/E by construction
    table = pd.DataFrame(
        {
            "year": [2020, 2020, 2025, 2025],
            "sector": ["industry", "buildings", "industry", "buildings"],
            "fuel": ["natural_gas", "electricity", "natural_gas", "electricity"],
            "energy_tce": [100.0, 50.0, 90.0, 70.0],
            "co2_t": [178.0, 200.0, 160.2, 245.0],
            "population": [80.0, 80.0, 82.0, 82.0],
            "gdp": [400.0, 400.0, 500.0, 500.0],
        }
    )
    kaya = kaya_from_table(table)
    assert np.allclose(kaya[KAYA_FACTORS].prod(axis=1), table["co2_t"])
    row = kaya.iloc[0]
    assert row["structure"] == pytest.approx(100 / 150)
    assert row["energy_intensity"] == pytest.approx(150 / 400)
    result = decompose_frame(kaya, 2020, 2025)
    assert sum(result.additive.values()) == pytest.approx((160.2 + 245.0) - (178.0 + 200.0))
    assert result.additive["population"] > 0
