"""``carbonpeak enterprises review-queue|review|review-history|supervisor|import-reports|
reports-template|budgets…`` on the demo database: the queue, a return and its history, an import
with a located error, the budgets and the roll-up."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from tests.cli.test_cli import runner

from carbonpeak.cli.main import app
from carbonpeak.services.enterprises_demo import load as load_ledger
from carbonpeak.services.key_units_demo import load as load_key_units
from carbonpeak.storage import make_engine, upgrade

A = "91120118EXAMP0001Y"


def _run(*args: str) -> tuple[int, str, str]:
    done = runner.invoke(app, list(args))
    return done.exit_code, done.stdout, done.stderr


def test_review_import_and_budgets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    load_ledger(engine, None)
    assert "supervised by industry_it" in load_key_units(engine, None)[0]
    assert "0 months approved, 0 budgets" in load_key_units(engine, None)[0]  # again: nothing new
    engine.dispose()
    db = ("--database", url)
    code, out, err = _run(*db, "enterprises", "review-queue", "--user", "王主任", "-f", "json")
    assert code == 0, err
    waiting = json.loads(out)
    latest = max(r["period"] for r in waiting if r["enterprise_id"] == A)
    assert {r["enterprise_id"] for r in waiting} >= {A} and all(r["illustrative"] for r in waiting)
    code, out, err = _run(*db, "enterprises", "review", A, latest, "return", "--user", "王主任")
    assert code != 0 and "原因" in err
    code, out, err = _run(
        *db, "enterprises", "review", A, latest, "return", "-m", "请补充发票", "--user", "王主任"
    )
    assert code == 0 and "已退回" in out, err
    code, out, err = _run(
        *db, "enterprises", "review", A, latest, "approve", "--unit", "finance", "--user", "某局"
    )
    assert code != 0  # not the supervising department (and the month is returned)
    code, out, err = _run(*db, "enterprises", "review-history", A, latest, "-f", "json")
    assert [h["step"] for h in json.loads(out)][-1] == "return"
    assert _run(*db, "enterprises", "supervisor", A, "industry_it", "--user", "王主任")[0] == 0
    template = tmp_path / "t.xlsx"
    assert _run("enterprises", "reports-template", "-o", str(template))[0] == 0
    wb = load_workbook(template)
    ws = wb["月度能源报表"]
    ws.append([A, latest, "原煤", "abc", "t"])
    wb.save(template)
    code, out, err = _run(*db, "enterprises", "import-reports", str(template), "--user", "李干事")
    assert code == 2 and "第3行" in err and "消费量" in err
    ws.cell(3, 4, 10)
    wb.save(template)
    code, out, err = _run(*db, "enterprises", "import-reports", str(template), "--user", "李干事")
    assert code == 0 and "1 monthly report(s)" in out, err
    year = latest[:4]
    code, out, err = _run(*db, "enterprises", "budgets", "--year", year, "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert {b["enterprise_id"] for b in data["budgets"]} >= {A}
    code, out, err = _run(*db, "enterprises", "budgets-rollup", "--year", year, "-f", "json")
    assert code == 0 and json.loads(out)["units"] >= 1, err
    assert _run("enterprises", "budgets-template", "-o", str(tmp_path / "b.xlsx"))[0] == 0
    code, out, err = _run(*db, "enterprises", "budgets-import", str(tmp_path / "b.xlsx"))
    assert code == 2 and "没有预算" in err
