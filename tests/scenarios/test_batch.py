"""``carbonpeak scenario batch``: the same scenarios on several plans, each row as the single run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.plan import load_plan
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.plan_indicators import peak_target_year
from carbonpeak.scenarios.results import run_scenario, summary
from carbonpeak.scenarios.scenario_files import load_scenario

SMALL = Path(__file__).parent / "plan-small.yaml"


def test_batch_rows_are_the_single_runs_of_each_plan() -> None:
    out = CliRunner().invoke(
        app,
        [
            "scenario",
            "batch",
            "jinghai-2023",
            str(SMALL),
            "-s",
            "bau",
            "-s",
            "plan",
            "--samples",
            "300",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    rows = data["rows"]
    assert [(r["plan"], r["scenario"]) for r in rows] == [
        (p, s) for p in ("jinghai-2023", load_plan(SMALL).plan.id) for s in ("bau", "plan")
    ]
    assert "示例数据" in data["note"]
    for row in rows:
        plan = load_plan("jinghai-2023" if row["plan"] == "jinghai-2023" else SMALL)
        scn = load_scenario(row["scenario"])
        year = peak_target_year(plan)
        single = summary(run_scenario(scn, plan), plan, by_year=year)
        assert row["peak_year"] == single["peak_year"]
        assert row["peak_co2_t"] == single["peak_co2_t"]
        assert row["targets"] == len(single["targets"])
        assert row["targets_met"] == sum(t["met"] for t in single["targets"])
        assert row["p_peak_by"] == monte_carlo(scn, plan, 300, 0, by_year=year).p_peak_by


def test_batch_names_the_plan_file_it_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("plan: [unclosed\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["scenario", "batch", str(bad)])
    assert out.exit_code == 2
    assert "broken.yaml" in out.output
