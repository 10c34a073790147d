"""The commands end to end (real files, the real CLI), the template, and the illustrative demo data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from carbonpeak.accounting import inventory, read_activity, read_macro
from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir, load
from carbonpeak.accounting.template import template_book
from carbonpeak.cli.main import app
from carbonpeak.reports import write_file
from tests.accounting.helpers import write_csv

runner = CliRunner()
DEMO = demo_dir()
DEMO_ARGS = ["--activity", str(DEMO / ACTIVITY_FILE), "--macro", str(DEMO / MACRO_FILE)]


def test_factors_list_and_show() -> None:
    result = runner.invoke(app, ["factors", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    names = {row["name"]: row for row in json.loads(result.output)}
    assert {"cn-provincial", "ipcc-2006", "gbt2589", "grid-mee-nbs", "heat-ndrc", "coal-substitution"} <= set(
        names
    )
    assert all(row["source"] and row["reading"] for row in names.values())
    shown = json.loads(runner.invoke(app, ["factors", "show", "grid-mee-nbs", "-f", "json"]).output)
    values = {(r["series"], r["year"]): r["tco2_per_mwh"] for r in shown["rows"]}
    assert values[("national", 2022)] == 0.5366  # the MEE/NBS series, not the 0.5703 carbon-market value
    assert 0.5703 not in values.values()
    assert runner.invoke(app, ["factors", "show", "cn-provincial"]).exit_code == 0
    missing = runner.invoke(app, ["factors", "show", "nope"])
    assert missing.exit_code == 2
    assert "no factor set 'nope'" in missing.output


def test_inventory_json_contract_on_demo() -> None:
    result = runner.invoke(
        app, ["inventory", *DEMO_ARGS, "--format", "json", "--target", "co2_per_gdp:18:2025"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["illustrative"] is True
    assert data["factor_set"]["name"] == "cn-provincial"
    assert set(data["years"]) == {"2020", "2021", "2022", "2023", "2024"}
    year = data["years"]["2023"]
    assert {"total", "by_sector", "by_fuel", "electricity", "heat", "process", "sinks"} <= set(year["co2_t"])
    assert {"calorific", "coal_substitution"} <= set(year["energy_tce"])
    assert "non_fossil_share" in year["indicators"]
    assert "co2_per_gdp@2025" in year["indicators"]["targets"]
    assert "raw_coal" not in year["co2_t"]["by_fuel"]  # no coal in the demo district
    # calibration bounds stated in docs/decisions/0104
    assert 2.0e6 < year["energy_tce"]["calorific"] < 3.5e6
    assert 0.05 < year["indicators"]["non_fossil_share"] < 0.2


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_inventory_table_and_csv(fmt: str) -> None:
    result = runner.invoke(app, ["inventory", *DEMO_ARGS, "--format", fmt])
    assert result.exit_code == 0, result.output
    assert (
        ("示例数据" in result.output)
        if fmt == "table"
        else result.output.startswith("\ufeff年份,类别,部门,品种")
    )


def test_inventory_xlsx_and_options(tmp_path: Path) -> None:
    out = tmp_path / "inv.xlsx"
    args = [
        "inventory",
        *DEMO_ARGS,
        "-f",
        "xlsx",
        "-o",
        str(out),
        "--grid-factor",
        "0.6",
        "--base-year",
        "2021",
        "--electricity-rule",
        "local_only",
        "--factor-set",
        "ipcc-2006",
        "--grid-non-fossil-share",
        "5",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames[0] == "说明" and "明细（示例数据）" in book.sheetnames
    assert "示例数据" in str(book["说明"]["A1"].value)
    assert all("示例数据" in ws.title for ws in book.worksheets[1:])
    about = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=3, values_only=True)}
    assert about["燃料燃烧排放因子"].startswith("ipcc-2006") and about["基期年"] == 2021
    bad = runner.invoke(app, ["inventory", *DEMO_ARGS, "--grid-factor", "mars"])
    assert bad.exit_code == 2
    assert "unknown grid factor series 'mars'" in bad.output


def test_inventory_with_user_factor_file(tmp_path: Path) -> None:
    factors = write_csv(
        tmp_path / "f.csv", [("natural_gas", "m3", 0.002, 0.00133)], "fuel,unit,co2_t_per_unit,tce_per_unit"
    )
    act = write_csv(tmp_path / "a.csv", [(2022, "industry|other", "natural_gas", 1000, "m3", "")])
    result = runner.invoke(app, ["inventory", "-a", str(act), "--factors", str(factors), "-f", "json"])
    data = json.loads(result.output)
    assert data["years"]["2022"]["co2_t"]["total"] == pytest.approx(2.0)
    assert data["years"]["2022"]["energy_tce"]["calorific"] == pytest.approx(1.33)
    assert data["illustrative"] is False


def test_activity_validate(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["activity", "validate", str(DEMO / ACTIVITY_FILE)])
    assert ok.exit_code == 0
    assert "示例数据" in ok.output
    assert runner.invoke(app, ["activity", "validate", "--macro", str(DEMO / MACRO_FILE)]).exit_code == 0
    bad = write_csv(tmp_path / "bad.csv", [(2022, "industry|other", "coal_gas", -1, "t", "")])
    result = runner.invoke(app, ["activity", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}, row 2, column fuel" in result.output
    assert f"{bad}, row 2, column amount" in result.output
    data = json.loads(runner.invoke(app, ["activity", "validate", str(bad), "-f", "json"]).output)
    assert {p["column"] for p in data["problems"]} == {"fuel", "amount"}
    as_csv = runner.invoke(app, ["activity", "validate", str(bad), "-f", "csv"])
    assert as_csv.exit_code == 1
    assert as_csv.output.splitlines()[0] == "\ufefffile,row,column,message"
    assert len(as_csv.output.splitlines()) == 3


def test_template_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    result = runner.invoke(app, ["activity", "template", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames[:4] == ["说明", "活动数据", "宏观数据", "示例"]
    assert "填报" in str(book["说明"]["A1"].value)
    checks = book["活动数据"].data_validations.dataValidation
    assert all(dv.showErrorMessage for dv in checks)
    formulas = {str(dv.formula1) for dv in checks}
    assert "'下拉选项'!$A$1:$A$50" in formulas  # the sectors: too long for the formula itself
    assert any("natural_gas" in f for f in formulas)
    # the example rows, copied into the activity sheet, import cleanly
    ws = book["活动数据"]
    for row in book["示例"].iter_rows(min_row=2, max_row=8, values_only=True):
        ws.append(list(row))
    book.save(out)
    act = read_activity(out)
    assert len(act.frame) == 7
    assert act.illustrative
    assert inventory(act).to_json()["years"]["2023"]["co2_t"]["process"] == pytest.approx(12000)
    assert runner.invoke(app, ["activity", "template", str(tmp_path / "t.csv")]).exit_code == 2


def test_demo_loader_validates_and_says_illustrative() -> None:
    lines = load(None, None)
    assert "示例数据" in lines[0]
    assert "nothing stored" in lines[0]
    assert len(lines) == 6
    inv = inventory(read_activity(DEMO / ACTIVITY_FILE), read_macro(DEMO / MACRO_FILE))
    assert inv.illustrative
    frame = inv.to_frame()
    assert list(frame.columns) == ["year", "category", "sector", "fuel", "value", "unit"]


def test_template_book_is_the_cli_template(tmp_path: Path) -> None:
    out = tmp_path / "cli.xlsx"
    assert runner.invoke(app, ["activity", "template", str(out)]).exit_code == 0
    assert write_file(template_book(), tmp_path / "x.xlsx").read_bytes() == out.read_bytes()
