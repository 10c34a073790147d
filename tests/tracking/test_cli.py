"""The tracking and db commands end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.tracking.codes import label
from carbonpeak.tracking.model import INDICATOR_STATUSES, default_year
from tests.conftest import EXAMPLE_PLAN

runner = CliRunner()
PLAN = ["--plan", str(EXAMPLE_PLAN)]


def cp(url: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--database", url, *args])
    assert result.exit_code == code, result.output
    return result.output


def test_report_approve_assess(database_url: str, tmp_path: Path) -> None:
    cp(database_url, "init", *PLAN)
    dept = ["--user", "李科长", "--role", "department", "--acting-unit", "dev_reform", *PLAN]
    ref = json.loads(
        cp(
            database_url,
            "track",
            "value",
            "non_fossil_share_2025",
            "--year",
            "2024",
            "--value",
            "9.6",
            "--source",
            "统计公报",
            *dept,
        )
    )
    assert ref["state"] == "draft"
    # a department cannot approve, nor report for a unit it is not
    assert "only the office" in cp(
        database_url,
        "track",
        "approve",
        "value",
        str(ref["id"]),
        "--expected-version",
        "1",
        "--role",
        "department",
        "--acting-unit",
        "dev_reform",
        *PLAN,
        code=3,
    )
    out = cp(
        database_url,
        "track",
        "value",
        "energy_intensity_2025",
        "--year",
        "2024",
        "--value",
        "3",
        "--user",
        "张",
        "--role",
        "department",
        "--acting-unit",
        "industry_it",
        *PLAN,
        code=3,
    )
    assert "not responsible" in out
    cp(database_url, "track", "submit", "value", str(ref["id"]), "--expected-version", "1", *dept)
    cp(
        database_url,
        "track",
        "return",
        "value",
        str(ref["id"]),
        "--comment",
        "请附佐证",
        "--expected-version",
        "2",
        *PLAN,
    )
    cp(database_url, "track", "submit", "value", str(ref["id"]), "--expected-version", "3", *dept)
    done = json.loads(
        cp(database_url, "track", "approve", "value", str(ref["id"]), "--expected-version", "4", *PLAN)
    )
    assert done == {"kind": "value", "id": ref["id"], "version": 5, "state": "approved"}
    rep = json.loads(
        cp(
            database_url,
            "track",
            "report",
            "energy.1",
            "--year",
            "2024",
            "--period",
            "Q1",
            "--status",
            "推进中",
            "--narrative",
            "光伏备案",
            *dept,
        )
    )
    assert rep["kind"] == "report"
    records = json.loads(cp(database_url, "track", "records", "--format", "json", *PLAN))
    assert [(r["kind"], r["state"]) for r in records] == [("value", "approved"), ("report", "draft")]
    status = json.loads(cp(database_url, "track", "status", "--year", "2024", "--format", "json", *PLAN))
    nf = next(r for r in status if r["indicator_id"] == "non_fossil_share_2025")
    assert (nf["actual"], nf["status"], nf["illustrative"]) == (
        9.6,
        "on_track",
        False,
    )  # first value is the anchor
    result = json.loads(cp(database_url, "assess", "--year", "2024", "--format", "json", *PLAN))
    # the collective 'townships' of the example plan declares no members: it is not one scored row
    assert {r["unit"] for r in result} == {"dev_reform", "industry_it"}
    for r in result:
        assert set(r) >= {"unit", "score", "grade", "deductions"}
        assert abs(100 - r["score"] - sum(d["points_lost"] for d in r["deductions"])) < 0.02
    alerts = json.loads(
        cp(
            database_url,
            "track",
            "alerts",
            "--year",
            "2024",
            "--as-of",
            "2025-02-01",
            "--format",
            "json",
            *PLAN,
        )
    )
    assert {a["period"] for a in alerts if a["kind"] == "missing_report"} == {"Q1", "Q2", "Q3", "Q4"}
    # The office reopens the approved value for revision: back to the unit, not an actual any more.
    assert "reopening an approved record needs a comment" in cp(
        database_url,
        "track",
        "reopen",
        "value",
        str(ref["id"]),
        "--comment",
        " ",
        "--expected-version",
        "5",
        *PLAN,
        code=2,
    )
    reopened = json.loads(
        cp(
            database_url,
            "track",
            "reopen",
            "value",
            str(ref["id"]),
            "--comment",
            "年鉴终值",
            "--expected-version",
            "5",
            *PLAN,
        )
    )
    assert reopened == {"kind": "value", "id": ref["id"], "version": 6, "state": "returned"}
    status = json.loads(cp(database_url, "track", "status", "--year", "2024", "--format", "json", *PLAN))
    assert next(r for r in status if r["indicator_id"] == "non_fossil_share_2025")["actual"] is None


def test_the_cli_changes_a_record_only_at_the_version_it_names(database_url: str) -> None:
    """Strict versions (issue 13): a change of a record that exists names --expected-version; without
    it → exit 2 saying how to pass it, with a stale one → exit 4 (conflict), nothing changed."""
    cp(database_url, "init", *PLAN)
    dept = ["--user", "李科长", "--role", "department", "--acting-unit", "dev_reform", *PLAN]
    value = ["track", "value", "non_fossil_share_2025", "--year", "2024", "--source", "统计公报"]
    ref = json.loads(cp(database_url, *value, "--value", "9.6", *dept))
    assert ref["version"] == 1
    out = cp(database_url, *value, "--value", "9.7", *dept, code=2)
    assert "--expected-version 1" in out and "track records" in out
    stale = cp(database_url, *value, "--value", "9.7", "--expected-version", "7", *dept, code=4)
    assert "当前版本 1" in stale
    assert (
        json.loads(cp(database_url, *value, "--value", "9.7", "--expected-version", "1", *dept))["version"]
        == 2
    )
    assert "--expected-version 2" in cp(
        database_url, "track", "submit", "value", str(ref["id"]), *dept, code=2
    )
    cp(database_url, "track", "submit", "value", str(ref["id"]), "--expected-version", "1", *dept, code=4)
    report = ["track", "report", "energy.1", "--year", "2024", "--period", "Q1", "--status", "推进中"]
    assert json.loads(cp(database_url, *report, *dept))["version"] == 1
    assert "--expected-version 1" in cp(database_url, *report, "--narrative", "改", *dept, code=2)
    records = json.loads(cp(database_url, "track", "records", "--format", "json", *PLAN))
    assert [(r["kind"], r["version"], r["state"]) for r in records] == [
        ("value", 2, "draft"),
        ("report", 1, "draft"),
    ]


def test_template_import_and_db_archive(database_url: str, tmp_path: Path) -> None:
    cp(database_url, "init", *PLAN)
    xlsx = tmp_path / "t.xlsx"
    cp(
        database_url,
        "track",
        "template",
        "--unit",
        "区发改委",
        "--year",
        "2023",
        "--output",
        str(xlsx),
        *PLAN,
    )
    wb = load_workbook(xlsx)
    wb["指标数据"]["E2"] = "abc"
    wb.save(xlsx)
    out = cp(database_url, "track", "import", str(xlsx), *PLAN, code=2)
    assert "t.xlsx，工作表“指标数据”，第2行，数值列" in out
    wb["指标数据"]["E2"] = 8.2
    wb.save(xlsx)
    assert "imported 1 indicator values" in cp(database_url, "track", "import", str(xlsx), "--submit", *PLAN)
    inventory = tmp_path / "inventory.json"
    inventory.write_text(
        json.dumps(
            {
                "factor_set": "test-v1",
                "years": {"2023": {"co2_t": {"total": 1000.0}, "indicators": {"non_fossil_share": 8.0}}},
            }
        ),
        encoding="utf-8",
    )
    assert "stored 1 computed" in cp(database_url, "track", "computed", str(inventory), *PLAN)
    backup, export = tmp_path / "b.zip", tmp_path / "e.zip"
    cp(database_url, "db", "backup", str(backup))
    cp(database_url, "db", "export", str(export))
    assert "--yes" in cp(database_url, "db", "restore", str(backup), code=1)
    fresh = f"sqlite:///{(tmp_path / 'restored.sqlite').as_posix()}"
    assert "restored" in cp(fresh, "db", "restore", str(export), "--yes")
    assert json.loads(cp(fresh, "track", "records", "-f", "json", *PLAN)) == json.loads(
        cp(database_url, "track", "records", "-f", "json", *PLAN)
    )


def test_without_year_the_last_complete_year(database_url: str) -> None:
    shown = default_year(dt.date.today())
    cp(database_url, "init", *PLAN)
    status = json.loads(cp(database_url, "track", "status", "--format", "json", *PLAN))
    assert status and {r["year"] for r in status} == {shown}
    assert {r["status"] for r in status} <= set(INDICATOR_STATUSES)
    assessed = json.loads(cp(database_url, "assess", "--format", "json", *PLAN))
    assert {r["year"] for r in assessed} <= {shown}
    for r in assessed:
        assert r["grade_label"] == label("grade", r["grade"])


def test_close_year_moves_the_default_of_every_command(database_url: str) -> None:
    rule = default_year(dt.date.today())
    closed = rule - 2
    cp(database_url, "init", *PLAN)
    assert json.loads(cp(database_url, "track", "years", "-f", "json", *PLAN)) == {
        "default_year": rule,
        "closed": [],
    }
    viewer = ["--role", "viewer", *PLAN]
    assert "只有双碳办" in cp(database_url, "track", "close-year", str(closed), *viewer, code=3)
    assert "尚未结束" in cp(database_url, "track", "close-year", str(dt.date.today().year), *PLAN, code=2)
    out = cp(database_url, "track", "close-year", str(closed), "--comment", "终审", "--user", "王主任", *PLAN)
    assert f"default year now {closed}" in out
    cp(database_url, "track", "close-year", str(closed), *PLAN, code=4)  # already closed
    listed = json.loads(cp(database_url, "track", "years", "-f", "json", *PLAN))
    assert listed["default_year"] == closed
    assert [(c["year"], c["closed_by"].split(" ")[0], c["comment"]) for c in listed["closed"]] == [
        (closed, "王主任", "终审")
    ]
    status = json.loads(cp(database_url, "track", "status", "--format", "json", *PLAN))
    assert {r["year"] for r in status} == {closed}
    assert {r["year"] for r in json.loads(cp(database_url, "assess", "-f", "json", *PLAN))} <= {closed}
    asked = json.loads(cp(database_url, "track", "status", "--year", str(rule), "-f", "json", *PLAN))
    assert {r["year"] for r in asked} == {rule}
    assert f"default year now {rule}" in cp(database_url, "track", "reopen-year", str(closed), *PLAN)
    cp(database_url, "track", "reopen-year", str(closed), *PLAN, code=4)
    status = json.loads(cp(database_url, "track", "status", "--format", "json", *PLAN))
    assert {r["year"] for r in status} == {rule}
