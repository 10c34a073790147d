"""``carbonpeak ledger template|import|list``: the template, an export that imports back, a located error."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.services.two_high_demo import load
from carbonpeak.storage import make_engine, upgrade


def test_template_list_import(tmp_path: Path) -> None:
    first, second = f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"
    upgrade(first)
    upgrade(second)
    engine = make_engine(first)
    load(engine)
    engine.dispose()
    runner = CliRunner()
    done = runner.invoke(app, ["ledger", "template", "-o", str(tmp_path / "t.xlsx")])
    assert done.exit_code == 0, done.stderr
    assert "两高项目" in load_workbook(tmp_path / "t.xlsx").sheetnames
    listed = runner.invoke(app, ["--database", first, "ledger", "list", "--industry", "32", "-f", "json"])
    assert listed.exit_code == 0, listed.stderr
    assert {p["name"] for p in json.loads(listed.stdout)} == {"示例铝型材扩建项目", "示例铜管材生产线"}
    out = tmp_path / "ledger.xlsx"
    assert runner.invoke(app, ["--database", first, "ledger", "list", "-o", str(out)]).exit_code == 0
    done = runner.invoke(app, ["--database", second, "ledger", "import", str(out)])
    assert done.exit_code == 0, done.stderr
    assert "5 project(s) added" in done.stdout
    book = load_workbook(out)
    book["两高项目"].cell(3, 6, "规划中")
    book.save(out)
    bad = runner.invoke(app, ["--database", second, "ledger", "import", str(out)])
    assert bad.exit_code == 2 and "第3行" in bad.stderr and "项目阶段" in bad.stderr
