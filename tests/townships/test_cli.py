"""``carbonpeak towns …`` end to end on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
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
        "--submit",
        "--user",
        "录入员",
    )
    cp(database_url, "towns", "record", "--quantity", "charging_piles", "--year", "2025", "480")
    # submitted, not approved: it does not count yet and is shown apart (待审核)
    status = json.loads(cp(database_url, "towns", "status", "--year", "2025", "--format", "json"))
    (dec,) = status["decompositions"]
    assert [(r["name"], r["status"], r["pending"]) for r in dec["rows"]] == [
        ("团泊镇", "no_data", 130.0),
        ("王口镇", "no_data", None),
    ]
    (listed,) = json.loads(cp(database_url, "towns", "values", "--state", "submitted", "--format", "json"))
    assert (listed["name"], listed["state"], listed["version"]) == ("团泊镇", "submitted", 2)
    vid = str(listed["id"])
    # who entered it may not approve it; a return needs its reason
    refused = cp(database_url, "towns", "review", vid, "approve", "--user", "录入员", code=3)
    assert "不能审核通过自己填报" in refused
    assert "原因" in cp(database_url, "towns", "review", vid, "return", "--user", "审核员", code=2)
    stale = cp(database_url, "towns", "review", vid, "approve", "--version", "1", "--user", "审核员", code=4)
    assert "版本" in stale
    assert "approved" in cp(
        database_url, "towns", "review", vid, "approve", "--version", "2", "--user", "审核员"
    )
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


def test_members_sheet_round_trip(database_url: str, tmp_path: Path) -> None:
    import shutil

    from carbonpeak.plan import load_plan
    from carbonpeak.plan.members import collective_members
    from tests.conftest import REPO

    cp(database_url, "init")
    sheet = tmp_path / "members.xlsx"
    cp(database_url, "towns", "list", "-o", str(sheet))
    rows = [[c.value for c in r] for r in load_workbook(sheet).active.iter_rows()]
    assert rows[1][:3] == ["名称", "类别", "标识"] and ["团泊镇", "乡镇", "tuanbo_town"] in [
        r[:3] for r in rows
    ]
    # the office adds a street and reads the sheet back into a companion file beside a copy of the plan
    from openpyxl import load_workbook as open_book

    wb = open_book(sheet)
    wb.active.append(["示例街道", "街道", "demo_street", "120118001", "各乡镇街道园区"])
    wb.save(sheet)
    plan_copy = tmp_path / "jinghai-2023.yaml"
    shutil.copy(REPO / "data" / "plans" / "jinghai-2023.yaml", plan_copy)
    companion = tmp_path / "jinghai-2023.members.yaml"
    cp(database_url, "towns", "import-members", str(sheet), "--to", str(companion), "--plan", str(plan_copy))
    plan = load_plan(plan_copy)
    assert "demo_street" in collective_members(plan, "townships_streets_parks")
    assert "demo_street" not in collective_members(plan, "townships_parks")
    wb.active.append(["某镇", "村", "", ""])
    wb.save(sheet)
    out = cp(
        database_url,
        "towns",
        "import-members",
        str(sheet),
        "--to",
        str(companion),
        "--plan",
        str(plan_copy),
        code=2,
    )
    assert "类别" in out and "标识" in out
