"""Scenario files: bundled list, inheritance, and located errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.scenarios import ScenarioDataError, ScenarioNotFoundError
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import bundled_scenarios, load_scenario


def test_bundled_scenarios_and_inheritance() -> None:
    assert list(bundled_scenarios())[:3] == ["bau", "plan", "enhanced"]
    enhanced = load_scenario("enhanced")
    assert enhanced.chain == ["enhanced", "plan", "bau"]
    # enhanced overrides plan's gas points but keeps plan's from_plan and bau's assumptions
    assert enhanced.levers["gas"]["points"][2030] == 13
    assert enhanced.levers["gas"]["from_plan"] == ["gas_consumption"]
    assert enhanced.assumptions == load_scenario("bau").assumptions


def test_unknown_field_and_lever_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: x\ninherits: bau\nlevels: {}\n", encoding="utf-8")
    with pytest.raises(ScenarioDataError, match=r"bad\.yaml, field levels: Extra inputs"):
        load_scenario(bad)
    bad.write_text("id: bad\ntitle: x\ninherits: bau\nlevers: {solar_roofs: {points: {2030: 1}}}\n", "utf-8")
    with pytest.raises(ScenarioDataError, match=r"levers\.solar_roofs: unknown lever"):
        run_scenario(load_scenario(bad))


def test_missing_parent_and_cycle(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("id: a\ntitle: a\ninherits: nowhere\n", encoding="utf-8")
    with pytest.raises(ScenarioNotFoundError, match="nowhere"):
        load_scenario(a)
    a.write_text("id: a\ntitle: a\ninherits: b.yaml\n", encoding="utf-8")
    b.write_text("id: b\ntitle: b\ninherits: a.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioDataError, match="inheritance cycle"):
        load_scenario(a)


def test_cli_list_and_show() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["scenario", "list", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert [row["id"] for row in json.loads(out.stdout)][:3] == ["bau", "plan", "enhanced"]
    out = runner.invoke(app, ["scenario", "show", "plan", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["levers"]["electrification"]["from_plan"] == ["electricity_share_final"]
    assert data["illustrative"] is True
    out = runner.invoke(app, ["scenario", "show", "nothing-here"])
    assert out.exit_code == 2
    assert "nothing-here" in out.output


def test_cli_plan_scenario_with_a_plan_lacking_a_metric() -> None:
    from tests.conftest import EXAMPLE_PLAN

    out = CliRunner().invoke(app, ["scenario", "run", "plan", "--plan", str(EXAMPLE_PLAN)])
    assert out.exit_code == 2
    assert "industrial_energy_intensity" in out.output
    assert "lever 'industry_efficiency'" in out.output


def test_every_problem_of_a_scenario_is_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: x\ninherits: bau\n"
        "assumptions:\n  activity_growth: {steel_mill: {2030: 0.01}}\n"
        "levers:\n"
        "  renewables: {points: {2030: lots}}\n"
        "  transport_fuels: {shares: {transport_passenger: {2030: {plutonium: 0.1}}}}\n"
        "  storage: {pionts: {2030: 20}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioDataError) as info:
        load_scenario(bad)
    fields = {p.field for p in info.value.problems}
    assert "assumptions.activity_growth.steel_mill" in fields
    assert "levers.renewables.points.2030" in fields
    assert "levers.transport_fuels.shares.transport_passenger.2030.plutonium" in fields
    assert "levers.storage.pionts" in fields
    assert all(p.file == str(bad) for p in info.value.problems)
