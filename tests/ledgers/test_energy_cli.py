"""``carbonpeak energy …`` on a demo database: exports through the one writer read back as imports
(nothing changes), roll-ups and coverage as JSON, computed values stored for tracking."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("energy") / "demo.db"
    result = runner.invoke(app, ["--database", f"sqlite:///{path}", "init", "--demo"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> str:
    """A copy of the one demo database per test (init --demo takes a while)."""
    copy = tmp_path / "cp.db"
    shutil.copyfile(demo_db, copy)
    return f"sqlite:///{copy}"


@pytest.mark.parametrize("kind", ["projects", "stations"])
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_reads_back_as_an_import(db: str, tmp_path: Path, kind: str, suffix: str) -> None:
    out = tmp_path / f"{kind}.{suffix}"
    assert runner.invoke(app, ["--database", db, "energy", kind, "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["--database", db, "energy", f"import-{kind}", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed" in result.output


def test_a_bad_import_exits_2_and_names_the_cell(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,项目名称,类型,状态\nx,X,光伏发电,开工\n", encoding="utf-8")
    result = runner.invoke(app, ["--database", db, "energy", "import-projects", str(bad)])
    assert result.exit_code == 2
    assert "第2行" in result.output and "状态" in result.output


def test_rollup_and_coverage_json(db: str) -> None:
    roll = json.loads(runner.invoke(app, ["--database", db, "energy", "rollup", "-f", "json"]).stdout)
    assert roll["target_mw"] == pytest.approx(2800)  # 280万千瓦 from the plan
    assert roll["illustrative"] is True
    assert any(c["ok"].startswith("否") for c in roll["storage_checks"])
    cov = json.loads(
        runner.invoke(app, ["--database", db, "energy", "coverage", "--cell", "500", "-f", "json"]).stdout
    )
    assert 0 < cov["core_share"] <= 1 and len(cov["proposals"]) == 5
    table = runner.invoke(app, ["--database", db, "energy", "coverage", "--cell", "500"]).stdout
    assert "近似" in table and "示例数据" in table


def test_computed_values_reach_tracking(db: str) -> None:
    result = runner.invoke(app, ["--database", db, "energy", "computed", "--years", "2023-2025"])
    assert result.exit_code == 0, result.output
    assert "stored" in result.output
    from carbonpeak.plan import load_plan
    from carbonpeak.plan.loader import resolve_plan
    from carbonpeak.services.tracking import TrackingService
    from carbonpeak.storage import make_engine

    engine = make_engine(db)
    try:
        plan = load_plan(resolve_plan(None))
        svc = TrackingService(engine, plan)
        ind = next(i for i in plan.indicators if i.id == "renewable_capacity_2025")
        over = svc.over_time(ind)
    finally:
        engine.dispose()
    assert over.computed[2025].unit == "万千瓦"
    assert over.computed[2025].inputs["basis"] == "并网 only"
