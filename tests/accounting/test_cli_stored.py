"""``carbonpeak activity import|batches`` and ``carbonpeak inventory`` from the database (real CLI,
real SQLite file): the stored batches give the same inventory as the files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir
from carbonpeak.cli.main import app
from tests.accounting.helpers import write_csv

runner = CliRunner()
DEMO = demo_dir()


def test_import_batches_and_inventory_from_the_database(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{(tmp_path / 'cli.sqlite').as_posix()}"]
    not_migrated = runner.invoke(app, [*db, "activity", "batches"])
    assert not_migrated.exit_code == 2 and "carbonpeak db upgrade" in not_migrated.output
    assert runner.invoke(app, [*db, "db", "upgrade"]).exit_code == 0
    empty = runner.invoke(app, [*db, "inventory"])
    assert empty.exit_code == 1 and "尚未导入清单数据" in empty.output

    bad = write_csv(tmp_path / "bad.csv", [(2023, "industry|other", "diesel", "x", "t", "")])
    refused = runner.invoke(app, [*db, "activity", "import", str(bad)])
    assert refused.exit_code == 1 and "expected a number" in refused.output
    assert json.loads(runner.invoke(app, [*db, "activity", "batches", "-f", "json"]).output) == []

    act = runner.invoke(app, [*db, "activity", "import", str(DEMO / ACTIVITY_FILE), "--user", "统计员"])
    assert act.exit_code == 0 and "activity batch stored as #1" in act.output
    mac = runner.invoke(app, [*db, "activity", "import", "--macro", str(DEMO / MACRO_FILE), "-f", "json"])
    assert json.loads(mac.output)["batch"] == 2 and json.loads(mac.output)["kind"] == "macro"
    again = runner.invoke(app, [*db, "activity", "import", str(DEMO / ACTIVITY_FILE)])
    assert "already stored as #1" in again.output

    batches = json.loads(runner.invoke(app, [*db, "activity", "batches", "-f", "json"]).output)
    assert [(b["id"], b["kind"], b["created_by"], b["rows_stored"]) for b in batches] == [
        (1, "activity", "统计员", True),
        (2, "macro", batches[1]["created_by"], True),
    ]
    only_macro = json.loads(
        runner.invoke(app, [*db, "activity", "batches", "--kind", "macro", "-f", "json"]).output
    )
    assert [b["id"] for b in only_macro] == [2]

    files = json.loads(
        runner.invoke(
            app,
            ["inventory", "-a", str(DEMO / ACTIVITY_FILE), "-m", str(DEMO / MACRO_FILE), "-f", "json"],
        ).output
    )
    stored = json.loads(runner.invoke(app, [*db, "inventory", "-f", "json"]).output)
    assert stored["years"] == files["years"]
    assert stored["illustrative"] is True
    table = runner.invoke(app, [*db, "inventory"])
    assert table.exit_code == 0 and "from the database: #1 activity" in table.output

    # a later file for 2024 alone wins for 2024; --batch 1 shows the first file alone
    one = write_csv(tmp_path / "2024.csv", [(2024, "industry|other", "diesel", 10, "t", "")])
    assert runner.invoke(app, [*db, "activity", "import", str(one)]).exit_code == 0
    now = json.loads(runner.invoke(app, [*db, "inventory", "-f", "json"]).output)
    assert now["years"]["2023"] == files["years"]["2023"]
    assert now["years"]["2024"]["co2_t"]["total"] < files["years"]["2024"]["co2_t"]["total"] / 1000
    old = json.loads(runner.invoke(app, [*db, "inventory", "--batch", "1", "-f", "json"]).output)
    assert old["years"] == files["years"]
    assert runner.invoke(app, [*db, "inventory", "--batch", "2"]).exit_code == 2  # a macro batch
    both = runner.invoke(app, [*db, "inventory", "--batch", "1", "-a", str(one)])
    assert both.exit_code == 2
