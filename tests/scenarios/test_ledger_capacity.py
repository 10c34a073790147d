""" "Capacity from the project ledger": the renewable lever fed with the energy-project ledger's
capacity by year changes the scenario accordingly (more capacity, less CO2 from purchased power),
through the lever layer only; the CLI flag reads the ledger of the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import load_plan
from carbonpeak.plan.loader import resolve_plan
from carbonpeak.scenarios.ledger_capacity import with_ledger_capacity
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario
from carbonpeak.services import energy_demo
from carbonpeak.storage import make_engine, upgrade


def test_ledger_points_replace_the_lever_path_and_change_the_run() -> None:
    plan = load_plan(resolve_plan(None))
    scn = load_scenario("plan")
    fed = with_ledger_capacity(scn, {2025: 2800.0, 2030: 4000.0}, "expected")
    lever = fed.levers["renewables"]
    # MW → 万千瓦 through the units registry; the scenario's point after the ledger's horizon is kept
    assert lever["points"] == {2025: 280.0, 2030: 400.0, 2060: 480.0}
    assert lever["mix"] == scn.levers["renewables"]["mix"] and "from_plan" not in lever
    assert "项目台账" in fed.title and scn.levers["renewables"]["points"][2030] == 160  # original untouched
    before, after = run_scenario(scn, plan), run_scenario(fed, plan)
    years = list(before.result.years)
    i = years.index(2030)
    assert after.inputs.capacity[0, i].sum() > before.inputs.capacity[0, i].sum()
    assert after.result.co2[0, i] < before.result.co2[0, i]
    observed = before.inputs.last_observed
    assert (after.inputs.capacity[0, : observed + 1] == before.inputs.capacity[0, : observed + 1]).all()


def test_an_empty_ledger_or_a_wrong_basis_is_refused() -> None:
    scn = load_scenario("plan")
    with pytest.raises(InvalidInputError, match="no renewable capacity"):
        with_ledger_capacity(scn, {}, "expected")
    with pytest.raises(InvalidInputError, match="expected or installed"):
        with_ledger_capacity(scn, {2025: 1.0}, "planned")  # type: ignore[arg-type]


def test_cli_flag_reads_the_ledger(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        energy_demo.load(engine, load_plan(resolve_plan(None)))
    finally:
        engine.dispose()
    runner = CliRunner()
    base = ["--database", url, "scenario", "run", "plan", "--format", "json"]
    plain = json.loads(runner.invoke(app, base).stdout)["scenarios"]["plan"]
    done = runner.invoke(app, [*base, "--capacity-from-ledger", "expected"])
    assert done.exit_code == 0, done.output
    fed = json.loads(done.stdout)["scenarios"]["plan"]
    assert "项目台账" in fed["title"] and "项目台账" not in plain["title"]
    assert fed["trajectory"] != plain["trajectory"]
    bad = runner.invoke(app, [*base, "--capacity-from-ledger", "planned"])
    assert bad.exit_code == 2 and "expected or installed" in bad.output
