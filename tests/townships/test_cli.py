"""``carbonpeak towns …`` end to end on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from carbonpeak.cli.main import app

runner = CliRunner()


def cp(url: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--database", url, *args])
    assert result.exit_code == code, result.output
    return result.output


def test_list_decompose_record_status(database_url: str, tmp_path: Path) -> None:
    cp(database_url, "init")
    listed = json.loads(cp(database_url, "towns", "list", "--format", "json"))
    assert listed["complete"] is False
    assert "陈官屯镇" in [m["name"] for m in listed["members"]]
    table = cp(database_url, "towns", "list")
    assert "名单不完整" in table and "各有关单位" in table
    sheet = tmp_path / "piles.csv"
    sheet.write_text("成员,基准年数值\n团泊镇,20\n王口镇,60\n", encoding="utf-8")
    args = ["--quantity", "charging_piles", "--year", "2025", "--method", "base_share", "--target", "500"]
    out = cp(database_url, "towns", "decompose", str(sheet), *args, "--document", "示例数据")
    assert "团泊镇: 125 台" in out and "王口镇: 375 台" in out
    cp(
        database_url,
        "towns",
        "record",
        "--quantity",
        "charging_piles",
        "--year",
        "2025",
        "130",
        "--member",
        "团泊镇",
    )
    cp(database_url, "towns", "record", "--quantity", "charging_piles", "--year", "2025", "480")
    status = json.loads(cp(database_url, "towns", "status", "--year", "2025", "--format", "json"))
    (dec,) = status["decompositions"]
    assert [(r["name"], r["status"]) for r in dec["rows"]] == [("团泊镇", "met"), ("王口镇", "no_data")]
    assert dec["district_value"] == 480.0 and dec["rollup"] is None and dec["rollup_missing"] == 1
    shown = cp(database_url, "towns", "status", "--year", "2025")
    assert "已达标" in shown and "全区" in shown
    out_file = tmp_path / "dec.xlsx"
    cp(
        database_url,
        "towns",
        "template",
        "--quantity",
        "charging_piles",
        "--year",
        "2025",
        "-o",
        str(out_file),
    )
    assert out_file.stat().st_size > 0


def test_decompose_refuses_what_does_not_add_up(database_url: str, tmp_path: Path) -> None:
    cp(database_url, "init")
    sheet = tmp_path / "piles.csv"
    sheet.write_text("成员,分解目标\n团泊镇,200\n某镇,abc\n", encoding="utf-8")
    args = ["--quantity", "charging_piles", "--year", "2025", "--method", "manual", "--target", "500"]
    out = cp(database_url, "towns", "decompose", str(sheet), *args, code=2)
    assert "piles.csv" in out and "第3行" in out and "分解目标" in out
    sheet.write_text("成员,分解目标\n团泊镇,200\n王口镇,200\n", encoding="utf-8")
    out = cp(database_url, "towns", "decompose", str(sheet), *args, code=2)
    assert "400" in out and "500" in out
    status = json.loads(cp(database_url, "towns", "status", "--year", "2025", "--format", "json"))
    assert status["decompositions"] == []
