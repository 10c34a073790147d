"""The CLI end to end: the installed entry point in a subprocess, and commands through Typer's runner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import EXAMPLE_PLAN
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.storage import current, head, make_engine, plan_revisions

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_entry_point_runs_in_a_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "carbonpeak"
    done = subprocess.run(
        [str(exe), "plan", "indicators", "-p", str(EXAMPLE_PLAN), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert next(i["id"] for i in json.loads(done.stdout)) == "non_fossil_share_2025"


def test_show_json_has_the_documented_keys() -> None:
    code, out, _ = invoke("plan", "show", "-p", str(EXAMPLE_PLAN), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"indicators", "tasks", "projects", "milestones", "units"} <= set(data)
    assert {"id", "name", "value", "unit", "comparator", "year", "clause"} <= set(data["indicators"][0])
    assert {"id", "clause", "title", "lead", "support", "responsible"} <= set(data["tasks"][0])
    assert {"id", "column", "name", "capacity", "unit"} <= set(data["projects"][0])
    assert data["tasks"][0]["responsible"] == ["dev_reform", "industry_it", "townships"]


@pytest.mark.parametrize("command", ["indicators", "tasks", "units", "projects", "milestones", "show"])
def test_every_listing_prints_csv_and_table(command: str) -> None:
    code, out, _ = invoke("plan", command, "-p", str(EXAMPLE_PLAN), "--format", "csv")
    assert code == 0 and out.startswith("\ufeff")  # UTF-8 with BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    assert rows and "id" in rows[0]
    code, out, _ = invoke("plan", command, "-p", str(EXAMPLE_PLAN))
    assert code == 0 and out.strip()


def test_filters_on_the_command_line() -> None:
    code, out, _ = invoke("plan", "tasks", "-p", str(EXAMPLE_PLAN), "--unit", "区工信局", "-f", "json")
    assert code == 0 and [t["id"] for t in json.loads(out)] == ["energy.1"]
    code, out, _ = invoke("plan", "indicators", "-p", str(EXAMPLE_PLAN), "--year", "2025", "-f", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 3
    code, _, err = invoke("plan", "tasks", "-p", str(EXAMPLE_PLAN), "--unit", "区不存在局")
    assert code == 2 and "区不存在局" in err


def test_validate_reports_and_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE_PLAN.read_text(encoding="utf-8").replace("lead: dev_reform", "lead: nobody"), "utf-8"
    )
    code, _, err = invoke("plan", "validate", str(bad))
    assert code == 1
    assert f"{bad}:" in err and "tasks[0].lead: unknown responsible unit 'nobody'" in err
    code, out, _ = invoke("plan", "validate", str(bad), "--format", "json")
    assert code == 1 and json.loads(out)[0]["field"] == "tasks[0].lead"
    code, out, _ = invoke("plan", "validate", str(EXAMPLE_PLAN))
    assert code == 0 and "OK" in out


def test_broken_plan_in_a_command_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [1, 2]\n", "utf-8")
    code, _, err = invoke("plan", "overview", "-p", str(bad))
    assert code == 2 and "问题" in err and str(bad) in err
    code, _, err = invoke("plan", "overview", "-p", "no-such-plan")
    assert code == 2 and "no plan 'no-such-plan'" in err


def test_init_stores_revisions_in_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'cp.sqlite'}"
    code, out, err = invoke("--database", url, "init", "-p", str(EXAMPLE_PLAN))
    assert code == 0, err
    assert "revision 1" in out
    assert current(url) == head()
    code, out, _ = invoke("--database", url, "init", "-p", str(EXAMPLE_PLAN))
    assert "unchanged, revision 1" in out
    amended = tmp_path / "amended.yaml"
    amended.write_text(EXAMPLE_PLAN.read_text(encoding="utf-8").replace("value: 50", "value: 60"), "utf-8")
    code, out, _ = invoke("--database", url, "init", "-p", str(amended))
    assert code == 0 and "revision 2" in out
    engine = make_engine(url)
    try:
        assert [r[0] for r in plan_revisions(engine, "example-district")] == [1, 2]
    finally:
        engine.dispose()


def test_database_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("CARBONPEAK_DATABASE_URL", url)
    code, out, _ = invoke("db", "upgrade")
    assert code == 0 and url in out
    code, out, _ = invoke("db", "current")
    assert code == 0 and f"revision {head()}" in out


def test_default_database_is_under_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CARBONPEAK_DATABASE_URL", raising=False)
    code, _, err = invoke("init", "-p", str(EXAMPLE_PLAN))
    assert code == 0, err
    assert (tmp_path / "data" / "carbonpeak.sqlite").is_file()
