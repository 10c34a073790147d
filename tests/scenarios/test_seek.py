"""Goal seeking: the extra push found reaches the probability and a push smaller by the tolerance
does not; an impossible goal says so."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.scenarios.scenario_files import load_scenario
from carbonpeak.scenarios.seek import seek

PLAN = Path(__file__).parent / "plan-small.yaml"


def test_seek_finds_the_threshold() -> None:
    result = seek(load_scenario("bau"), None, "industry_efficiency", 0.8, samples=200, seed=2, tol=0.002)
    assert result.reachable
    assert result.extra is not None
    assert result.p_at_extra is not None
    assert result.p_at_extra >= 0.8
    assert result.p_without < 0.8
    below = [d for d, p in result.trials if p < 0.8]
    assert max(below) >= result.extra - 0.002 - 1e-12


def test_unreachable_goal() -> None:
    result = seek(load_scenario("bau"), None, "storage", 0.99, samples=100, seed=2, upper=1.0)
    assert not result.reachable
    assert result.extra is None


def test_cli_seek_json() -> None:
    out = CliRunner().invoke(
        app,
        [
            "scenario",
            "seek",
            "bau",
            "--lever",
            "buildings_efficiency",
            "--probability",
            "0.6",
            "--samples",
            "100",
            "--plan",
            str(PLAN),
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["reachable"] is True
    assert data["p_peak_by_2030_with_extra"] >= 0.6
