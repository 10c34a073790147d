"""Shapley attribution: efficiency (sums to the gap), a two-lever case computed by hand from four
separately run scenario files, wedges, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.plan import load_plan
from carbonpeak.scenarios.results import run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario
from carbonpeak.scenarios.shapley import attribute

PLAN = Path(__file__).parent / "plan-small.yaml"
RENEWABLES = "  renewables: {points: {2030: 300}}\n"
STORAGE = "  storage: {points: {2030: 25}}\n"


def _scenario(tmp_path: Path, name: str, levers: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"id: {name}\ntitle: {name}\ninherits: bau\nlevers:\n{levers or '  {}'}", encoding="utf-8"
    )
    return path


def test_two_levers_by_hand(tmp_path: Path) -> None:
    # v(∅), v({r}), v({s}), v({r, s}) from four scenario files run one by one; then by hand
    # φ_r = ½[(v(r) − v(∅)) + (v(rs) − v(s))], φ_s likewise.
    files = {
        "none": _scenario(tmp_path, "none", ""),
        "r": _scenario(tmp_path, "r", RENEWABLES),
        "s": _scenario(tmp_path, "s", STORAGE),
        "rs": _scenario(tmp_path, "rs", RENEWABLES + STORAGE),
    }
    v = {k: run_scenario(load_scenario(p)).result.co2[0] for k, p in files.items()}
    phi_r = 0.5 * ((v["r"] - v["none"]) + (v["rs"] - v["s"]))
    phi_s = 0.5 * ((v["s"] - v["none"]) + (v["rs"] - v["r"]))
    result = attribute(load_scenario(files["none"]), load_scenario(files["rs"]), None)
    assert result.groups == ["renewables", "storage"]
    assert result.runs == 4
    assert np.allclose(result.shapley[0], phi_r, rtol=1e-12, atol=1e-6)
    assert np.allclose(result.shapley[1], phi_s, rtol=1e-12, atol=1e-6)
    # the wedges in the order renewables, storage: v(r) − v(∅), then v(rs) − v(r)
    assert np.allclose(result.wedges[0], v["r"] - v["none"], atol=1e-6)
    assert np.allclose(result.wedges[1], v["rs"] - v["r"], atol=1e-6)
    assert np.any(np.abs(phi_s) > 1.0)  # storage matters (curtailment), so the test can fail


def test_shapley_values_sum_to_the_gap_every_year() -> None:
    plan = load_plan(PLAN)
    bau, enhanced = load_scenario("bau"), load_scenario("enhanced")
    result = attribute(bau, enhanced, plan)
    gap = run_scenario(enhanced, plan).result.co2[0] - run_scenario(bau, plan).result.co2[0]
    assert len(result.groups) == 10
    assert result.runs == 1024
    assert np.allclose(result.shapley.sum(axis=0), gap, rtol=1e-9, atol=1e-3)
    assert np.allclose(result.wedges.sum(axis=0), gap, rtol=1e-9, atol=1e-3)
    data = result.to_dict(2030)
    assert sum(g["cumulative_shapley_t"] for g in data["groups"]) == pytest.approx(data["cumulative_gap_t"])


def test_cli_attribute_json() -> None:
    out = CliRunner().invoke(
        app,
        [
            "scenario",
            "attribute",
            "--from",
            "bau",
            "--to",
            "plan",
            "--year",
            "2030",
            "--plan",
            str(PLAN),
            "--order",
            "renewables,gas,industry_efficiency,buildings_efficiency,transport_efficiency,"
            "transport_fuels,electrification,storage,forest,process",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert sum(g["shapley_t"] for g in data["groups"]) == pytest.approx(data["gap_t"])
    assert data["wedge_order"][0] == "renewables"
    assert data["illustrative"] is True


def test_cli_compare_json() -> None:
    out = CliRunner().invoke(
        app, ["scenario", "compare", "bau", "plan", "--plan", str(PLAN), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    bau = data["scenarios"]["bau"]
    assert bau["cumulative_co2_t"] == pytest.approx(sum(bau["trajectory"].values()))
