"""``carbonpeak enterprises emitters list|record|import|template|attach|alerts`` on the demo database:
the demo's alerts, a change that closes the gap, a stale version refused, an import with a located
error (nothing stored), the template and a document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.cli.test_cli import runner

from carbonpeak.cli.main import app
from carbonpeak.services.emitters_demo import load as load_emitters
from carbonpeak.services.enterprises_demo import load as load_ledger
from carbonpeak.storage import make_engine, upgrade

STEEL, COPPER, OTHER = "91120118EXAMP00022", "91120118EXAMP00035", "91120118EXAMP0001Y"


def _run(*args: str) -> tuple[int, str, str]:
    done = runner.invoke(app, list(args))
    return done.exit_code, done.stdout, done.stderr


def test_list_record_import_and_alerts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONPEAK_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'e.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    load_ledger(engine, None)
    load_emitters(engine, None)
    engine.dispose()
    db = ("--database", url)
    code, out, err = _run(*db, "enterprises", "emitters", "list", "--year", "2025", "-f", "json")
    assert code == 0, err
    rows = {r["enterprise_id"]: r for r in json.loads(out)}
    steel = rows[STEEL]
    assert steel["reconciliation"]["state"] == "gap" and steel["illustrative"]
    ledger = steel["reconciliation"]["ledger_t"]
    code, out, err = _run(*db, "enterprises", "emitters", "alerts", "-f", "json")
    assert {(a["enterprise_id"], a["label"]) for a in json.loads(out)} >= {(STEEL, "与台账偏差超限")}
    # the verifier's corrected figure within 5% of the ledger: the gap closes, the other fields stay
    fixed = f"{ledger * 1.02:.1f}"
    code, out, err = _run(*db, "enterprises", "emitters", "record", STEEL, "2025", "--verified", fixed)
    assert code == 0 and "version 2" in out, err
    code, out, err = _run(*db, "enterprises", "emitters", "list", "-y", "2025", "-f", "json")
    steel = next(r for r in json.loads(out) if r["enterprise_id"] == STEEL)
    assert steel["reconciliation"]["state"] == "agrees" and steel["reported_t"] == 47900
    assert steel["verifier"].startswith("示例核查")
    stale = _run(*db, "enterprises", "emitters", "record", STEEL, "2025", "--note", "x", "--version", "1")
    assert stale[0] == 4 and "版本" in stale[2]
    # a department that does not supervise the unit is refused
    refused = _run(
        *db, "enterprises", "emitters", "record", STEEL, "2025", "--note", "x", "--unit", "finance"
    )
    assert refused[0] == 3
    # the template, filled with one bad row, is refused whole and located
    template = tmp_path / "t.xlsx"
    assert _run("enterprises", "emitters", "template", "-o", str(template))[0] == 0
    wb = load_workbook(template)
    ws = wb["重点排放单位"]
    ws.append([OTHER, 2025, "全国碳排放权交易市场"])
    ws.append([COPPER, 2023, "欧盟碳市场"])
    wb.save(template)
    code, out, err = _run(*db, "enterprises", "emitters", "import", str(template))
    assert code == 2 and "第4行" in err and "纳入范围" in err
    code, out, err = _run(*db, "enterprises", "emitters", "list", "-f", "json")
    assert OTHER not in {r["enterprise_id"] for r in json.loads(out)}
    ws.delete_rows(4)
    wb.save(template)
    code, out, err = _run(*db, "enterprises", "emitters", "import", str(template))
    assert code == 0 and "1 year(s) added" in out, err
    pdf = tmp_path / "核查报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    code, out, err = _run(*db, "enterprises", "emitters", "attach", COPPER, "2025", "verification", str(pdf))
    assert code == 0 and "核查报告.pdf" in out, err
    assert _run(*db, "enterprises", "emitters", "attach", COPPER, "2025", "x", str(pdf))[0] != 0
