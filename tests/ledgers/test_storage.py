"""Storage of the ledger on SQLite and PostgreSQL: round trip, resubmission (lines replaced, version
bumped, audited), registry import all-or-nothing, the CLI, the demo loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.enterprises_demo import load as load_demo
from carbonpeak.storage import ledgers as repo
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.tables import AuditRow

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
REGISTRY = "id,name,industry,town,two_high,two_high_category,benchmark_product\n"


@pytest.fixture
def engine(database_url: str) -> Engine:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def _registry(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY + rows, encoding="utf-8")
    return path


def test_round_trip_resubmission_and_audit(engine: Engine, tmp_path: Path) -> None:
    svc = EnterpriseService(engine, today=dt.date(2025, 12, 31))
    path = _registry(
        tmp_path, f"{A},示例甲（示例数据）,33,大邱庄镇,否,,无\n{B},示例乙（示例数据）,31,大邱庄镇,是,钢铁,\n"
    )
    assert svc.import_registry(OFFICE, path) == (2, 0)
    assert svc.import_registry(OFFICE, path) == (0, 0)
    first = svc.submit(
        FIRM_A,
        A,
        {
            "period": "2025-03",
            "lines": [
                {"fuel": "raw_coal", "amount": 1000, "unit": "吨"},
                {"fuel": "diesel", "amount": 2, "unit": "t"},
            ],
        },
        source="api",
    )
    assert (first["version"], first["status"], first["source"]) == (1, "submitted", "api")
    assert first["tce_calorific"] == pytest.approx(714.3 + 2 * 1.4571)
    again = svc.submit(
        FIRM_A,
        A,
        {"period": "2025-03", "lines": [{"fuel": "electricity", "amount": 10, "unit": "MWh"}]},
        source="web",
        status="draft",
    )
    assert (again["version"], again["status"], again["source"]) == (2, "draft", "web")
    stored = repo.get_report(engine, A, "2025-03")
    assert stored is not None
    assert [(ln.fuel, ln.amount, ln.unit) for ln in stored.report.lines] == [("electricity", 10.0, "MWh")]
    assert again["tce_calorific"] == pytest.approx(10000 * 0.0001229)
    with Session(engine) as s:
        rows = s.scalars(
            select(AuditRow).where(AuditRow.table_name == "enterprise_reports").order_by(AuditRow.id)
        ).all()
        assert [r.action for r in rows] == ["create", "replace"]
        assert rows[1].before is not None and rows[1].before["version"] == 1
        assert rows[1].before["lines"] == [["raw_coal", 1000.0, "吨"], ["diesel", 2.0, "t"]]
        assert rows[1].after is not None and rows[1].after["version"] == 2
        assert len(s.scalars(select(AuditRow).where(AuditRow.table_name == "enterprises")).all()) == 2
    # A cannot write or read B; a department reads nothing; office and viewer read all.
    with pytest.raises(NotAllowedError):
        svc.submit(FIRM_A, B, {"period": "2025-03", "lines": []}, source="api")
    with pytest.raises(NotAllowedError):
        svc.reports(FIRM_A, B)
    with pytest.raises(NotAllowedError):
        svc.ledger(LedgerActor("d", "department"))
    assert [e.id for e in svc.enterprises(FIRM_A)] == [A]
    year, rows_ = svc.ledger(LedgerActor("v", "viewer"))
    assert year == 2025 and [r["id"] for r in rows_] == [A, B]
    assert rows_[0]["ytd_tce_calorific"] == pytest.approx(1.229) and rows_[1]["latest_period"] is None
    with pytest.raises(LedgerProblems):
        svc.submit(FIRM_A, A, {"period": "2025-04", "lines": [{"fuel": "x", "amount": 1}]}, source="api")
    assert repo.get_report(engine, A, "2025-04") is None


def test_registry_import_is_all_or_nothing(engine: Engine, tmp_path: Path) -> None:
    svc = EnterpriseService(engine)
    path = _registry(
        tmp_path,
        f"{A},示例甲,33,大邱庄镇,否,,\n91120118EXAMP00023,示例乙,31,,maybe,,\n{A},示例丙,99,,否,,高炉\n",
    )
    with pytest.raises(LedgerProblems) as err:
        svc.import_registry(OFFICE, path)
    where = [(p.file, p.row, p.column) for p in err.value.problems]
    assert (str(path), 3, "id") in where and (str(path), 3, "two_high") in where
    assert (str(path), 4, "industry") in where
    assert repo.list_enterprises(engine) == []
    with pytest.raises(NotAllowedError):
        svc.import_registry(FIRM_A, path)


def test_xlsx_registry_and_the_cli(engine: Engine, tmp_path: Path, database_url: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "name", "industry", "town", "two_high"])
    sheet.append([A, "示例甲（示例数据）", "33", "大邱庄镇", "否"])
    sheet.append([B, "示例乙（示例数据）", "31", "大邱庄镇", "是"])
    path = tmp_path / "registry.xlsx"
    book.save(path)
    runner = CliRunner()
    done = runner.invoke(app, ["--database", database_url, "enterprises", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert "2 enterprise(s) added" in done.stdout
    listed = runner.invoke(app, ["--database", database_url, "enterprises", "list", "--format", "json"])
    assert [e["id"] for e in json.loads(listed.stdout)["enterprises"]] == [A, B]
    shown = runner.invoke(app, ["--database", database_url, "enterprises", "show", B, "--format", "csv"])
    assert "six_high,是" in shown.stdout
    bad = _registry(tmp_path, f"{A},示例,3X,,否,,\n")
    failed = runner.invoke(app, ["--database", database_url, "enterprises", "import", str(bad)])
    assert failed.exit_code == 2
    assert f"{bad}，第2行，industry列" in failed.stderr


def test_demo_loader_and_reports_command(engine: Engine, database_url: str) -> None:
    lines = load_demo(engine, None)
    assert "4 enterprises, 48 monthly reports" in lines[0]
    assert "0 monthly reports stored" in load_demo(engine, None)[0]
    runner = CliRunner()
    out = runner.invoke(app, ["--database", database_url, "enterprises", "reports", A, "--format", "json"])
    data = json.loads(out.stdout)
    assert data["illustrative"] is True
    assert [r["period"] for r in data["reports"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    jan = data["reports"][0]
    # 2025-01 of the demo metal-products firm: 114 万kWh, 19.66 万m3 gas, 19 t diesel (data/demo CSV)
    assert jan["tce_calorific"] == pytest.approx(114e4 * 0.0001229 + 19.66 * 12.143 + 19 * 1.4571)
    assert jan["co2_electricity"] == pytest.approx(1140 * 0.6361)
    table = runner.invoke(app, ["--database", database_url, "enterprises", "list"])
    assert "示例数据" in table.stdout


def test_an_old_demo_enterprise_account_is_rebound_to_the_demo_enterprise(engine: Engine) -> None:
    from carbonpeak.plan import load_plan
    from carbonpeak.services.accounts import DEMO_ENTERPRISE_ID, add_user, ensure_demo_accounts
    from carbonpeak.storage.accounts import find_user
    from tests.conftest import EXAMPLE_PLAN

    add_user(
        engine,
        username="enterprise",
        password="Xx-demo-0001-pw",
        role="enterprise",
        display_name="示例企业（示例数据）",
        who="tests",
        source="before 0030",
        enterprise_id="demo-enterprise-001",
        is_demo=True,
    )
    ensure_demo_accounts(engine, load_plan(str(EXAMPLE_PLAN)))
    user = find_user(engine, "enterprise")
    assert user is not None
    assert user.enterprise_id == DEMO_ENTERPRISE_ID == A
