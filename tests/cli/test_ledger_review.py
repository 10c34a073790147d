"""``carbonpeak ledger review``: the documented keys in JSON, the table, a located error and its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import REPO
from typer.testing import CliRunner

from carbonpeak.cli.main import app

EXAMPLE = REPO / "docs" / "examples" / "proposed-project.yaml"
KEYS = {"result", "reasons", "exempt", "tier", "energy_tce", "coal_t", "co2_t", "benchmark", "headroom"}


def test_json_has_the_documented_keys() -> None:
    result = CliRunner().invoke(app, ["ledger", "review", "--project", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= KEYS
    # 800 万m3 × 12.143 + 3e7 kWh × 0.0001229 = 9,714.4 + 3,687 = 13,401.4 tce (当量值)
    assert data["energy_tce"]["calorific"] == pytest.approx(13401.4)
    assert data["energy_tce"]["coal_substitution"] == pytest.approx(9714.4 + 3e7 * 0.000305)
    assert data["tier"] == "provincial" and data["result"] == "conditional"
    assert data["reasons"][0]["clause"] == "三.(一).4"
    assert data["headroom"]["illustrative"] is True


def test_table_says_illustrative_and_the_result() -> None:
    result = CliRunner().invoke(app, ["ledger", "review", "-p", str(EXAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert "有条件通过" in result.stdout and "示例数据" in result.stdout


def test_bad_project_is_located_and_nothing_printed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nindustry: '3130'\nstart_year: 2026\nenergy:\n  - {fuel: coal, amount: -1, unit: t}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["ledger", "review", "-p", str(bad), "-f", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "annual_output" in result.stderr and "energy[0].fuel" in result.stderr
    assert "energy[0].amount" in result.stderr and "bad.yaml" in result.stderr


def test_headroom_from_the_stored_inventory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(app, ["--database", url, "init", "--demo"]).exit_code == 0
    args = ["--database", url, "ledger", "review", "-p", str(EXAMPLE), "--format", "json"]
    computed = json.loads(runner.invoke(app, [*args, "--from-inventory"]).stdout)["headroom"]
    from_file = json.loads(runner.invoke(app, args).stdout)["headroom"]
    assert computed["source"].startswith("stored inventory") and "待下达" in computed["source"]
    assert from_file["district"] == "静海区（示例数据）" and computed["district"] == "天津市静海区"
    assert computed["remaining_energy_tce"] != from_file["remaining_energy_tce"]
    assert computed["illustrative"] is True  # the demo inventory and the stand-in reductions
    table = runner.invoke(app, [*args[:-2], "--from-inventory"]).stdout
    assert "区域剩余碳排放空间" in table and "空间测算依据" in table
