"""``carbonpeak forestry …`` against a real SQLite database: import, surveys, parcels, figures,
sink rows, and a refused file's located errors with exit code 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.storage import upgrade

HEADER = "小班号,调查年度,乡镇,面积,面积单位,地类,树种,蓄积量\n"
ROWS = "A,2020,团泊镇,150,亩,乔木林,杨树,60\nA,2024,团泊镇,150,亩,乔木林,杨树,80\n"


def test_forestry_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    runner = CliRunner()
    base = ["--database", url, "forestry"]
    done = runner.invoke(app, [*base, "import", str(path), "--area", "静海区", "--scope", "district",
                               "--source", "二类调查", "--user", "wang"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "静海区 2024: 1 parcels" in done.output
    listed = json.loads(
        runner.invoke(app, [*base, "parcels", "静海区", "--year", "2024", "--format", "json"]).output
    )
    assert [(r["parcel_id"], r["area_ha"]) for r in listed] == [("A", 10.0)]
    fig = json.loads(runner.invoke(app, [*base, "figures", "静海区"]).output)
    assert fig["scope"] == "district" and fig["sinks"]["2021"]["method"].startswith("储量变化法")
    out = runner.invoke(app, [*base, "sink-rows", "静海区"]).output
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [r["year"] for r in rows] == ["2021", "2022", "2023", "2024"]
    assert {r["sector"] for r in rows} == {"land_use|forest"}
    surveys = json.loads(runner.invoke(app, [*base, "surveys", "--format", "json"]).output)
    assert [s["survey_year"] for s in surveys] == [2020, 2024]
    path.write_text(HEADER + "B,2020,团泊镇,x,亩,乔木林,杨树,60\n", encoding="utf-8")
    bad = runner.invoke(app, [*base, "import", str(path), "--area", "静海区", "--source", "s"])
    assert bad.exit_code == 2 and "第2行" in bad.output and "面积" in bad.output
    # the district import stored forest_cover and forest_stock into tracking: the plan's
    # forest_stock_2030 (力争有所增加) is judged from them
    assert "stored into tracking" in done.output
    from carbonpeak.plan import load_plan
    from carbonpeak.plan.loader import resolve_plan
    from carbonpeak.services.tracking import TrackingService
    from carbonpeak.storage import make_engine

    engine = make_engine(url)
    try:
        plan = load_plan(resolve_plan(None))
        tracking = TrackingService(engine, plan)
        stock = tracking.over_time(next(i for i in plan.indicators if i.id == "forest_stock_2030"))
        cover = tracking.over_time(next(i for i in plan.indicators if i.id == "forest_cover_2025"))
    finally:
        engine.dispose()
    # A: 10 hm² × 60 m³/hm² = 600 m³ = 0.06 万m³ (2020); × 80 = 0.08 万m³ (2024)
    assert stock.computed[2020].value == pytest.approx(0.06) and stock.computed[2024].value == pytest.approx(
        0.08
    )
    assert stock.computed[2024].unit == "万立方米"
    assert cover.computed[2024].value == pytest.approx(100 * 10 / 147568)  # 10 hm² of 1,475.68 km²


def test_wetland_factor_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    runner = CliRunner()
    base = ["--database", url, "forestry", "wetland-factor"]
    assert "未设置" in runner.invoke(app, base).output
    bad = runner.invoke(app, [*base, "--value", "-1", "--source", " "])
    assert bad.exit_code == 2 and "非负数" in bad.output and "来源" in bad.output
    ok = runner.invoke(app, [*base, "--value", "3.2", "--source", "监测报告 2024", "--user", "wang"])
    assert ok.exit_code == 0, ok.output
    assert "3.2 tCO2/hm²/yr — 监测报告 2024 (wang" in runner.invoke(app, base).output
