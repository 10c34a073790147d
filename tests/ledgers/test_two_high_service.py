"""The 两高 ledger on SQLite and PostgreSQL through the service: demo round trip, filters, role
checks per department, XLSX template/import (all or nothing, located errors)/export, disposal
history and the audit log, stored reviews."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.errors import LedgerProblems, NotAllowedError
from carbonpeak.ledgers.projects import TwoHighProject
from carbonpeak.ledgers.two_high_access import TwoHighActor
from carbonpeak.reports import file_bytes
from carbonpeak.services.two_high import TwoHighService
from carbonpeak.services.two_high_demo import demo_projects, load
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.tables import AuditRow

OFFICE = TwoHighActor("王主任", "office")
NDRC = TwoHighActor("发改 李", "department", "dev_reform")
SERVICES = TwoHighActor("政务 赵", "department", "gov_services")
EDU = TwoHighActor("教育 钱", "department", "education")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_demo_round_trip_and_filters(engine: Engine) -> None:
    assert load(engine) == ["两高项目台账（示例数据）: 5 projects"]
    assert load(engine) == []  # once
    svc = TwoHighService(engine)
    stored = svc.projects(OFFICE)
    assert [s.project for s in stored] == demo_projects()
    assert {s.project.name for s in svc.projects(OFFICE, stage="existing", industry="32")} == {
        "示例铜管材生产线"
    }
    assert [s.project.name for s in svc.projects(OFFICE, disposal="keep")] == ["示例商品混凝土搅拌站"]
    with pytest.raises(NotFoundError, match="unknown filter"):
        svc.projects(OFFICE, colour="red")


def test_departments_see_their_stages_only(engine: Engine) -> None:
    load(engine)
    svc = TwoHighService(engine)
    seen = {s.project.stage for s in svc.projects(SERVICES)}
    assert seen == {"planned", "under_construction"}
    assert svc.projects(EDU) == []
    existing = svc.projects(OFFICE, stage="existing")[0]
    with pytest.raises(NotAllowedError):
        svc.project(SERVICES, existing.id)
    with pytest.raises(NotAllowedError):
        svc.dispose(SERVICES, existing.id, "淘汰")
    with pytest.raises(NotFoundError):
        svc.project(OFFICE, 9999)


def test_disposal_history_and_audit(engine: Engine) -> None:
    load(engine)
    svc = TwoHighService(engine)
    first = svc.projects(OFFICE, stage="existing")[0]
    after = svc.dispose(NDRC, first.id, "淘汰", "产能落后")
    assert after.version == first.version + 1
    assert [c.category for c in after.project.disposal][-2:] == ["retrofit_by_deadline", "phase_out"]
    assert after.project.disposal[-1].by == "发改 李"
    with Session(engine) as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.table_name == "two_high_projects", AuditRow.row_id == first.id)
        ).all()
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[1].who == "发改 李" and len(rows[1].after["disposal"]) == len(rows[1].before["disposal"]) + 1


def test_template_has_drop_downs_and_export_reads_back(engine: Engine, tmp_path: Path) -> None:
    load(engine)
    svc = TwoHighService(engine)
    template = tmp_path / "template.xlsx"
    template.write_bytes(file_bytes(svc.template(), "xlsx"))
    sheet = load_workbook(template)["两高项目"]
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) >= 5  # stage, category, product, filing kind, disposal, illustrative
    export = tmp_path / "ledger.xlsx"
    export.write_bytes(file_bytes(svc.export(OFFICE), "xlsx"))
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    upgrade(f"sqlite:///{tmp_path / 'other.sqlite'}")
    ids = TwoHighService(other).import_file(OFFICE, export)
    assert len(ids) == 5
    again = [s.project for s in TwoHighService(other).projects(OFFICE)]
    mine = demo_projects()

    def key(p: TwoHighProject) -> tuple[object, ...]:  # the sheet orders approvals by column
        return (p.name, p.stage, p.industry, p.energy, sorted(p.approvals, key=lambda a: a.kind))

    assert [key(p) for p in again] == [key(p) for p in mine]
    assert [p.disposal_category for p in again] == [p.disposal_category for p in mine]
    other.dispose()


def test_import_is_all_or_nothing_with_located_errors(engine: Engine, tmp_path: Path) -> None:
    load(engine)
    svc = TwoHighService(engine)
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(file_bytes(svc.export(OFFICE), "xlsx"))
    book = load_workbook(path)
    ws = book["两高项目"]
    headers = [c.value for c in ws[2]]
    ws.cell(3, headers.index("项目阶段") + 1, "规划中")
    ws.cell(5, headers.index("统一社会信用代码") + 1, "91120223DEMAH20030")
    ws.cell(6, headers.index("柴油（t）") + 1, -3)
    book.save(path)
    with pytest.raises(LedgerProblems) as info:
        svc.import_file(OFFICE, path)
    where = [(p.row, p.column) for p in info.value.problems]
    assert where == [(3, "项目阶段"), (5, "统一社会信用代码"), (6, "柴油（t）")]
    assert all(p.file == str(path) and p.sheet == "两高项目" for p in info.value.problems)
    assert len(svc.projects(OFFICE)) == 5  # nothing stored
    with pytest.raises(NotAllowedError):
        svc.import_file(NDRC, path)


def test_reviews_are_stored_by_the_reviewing_department(engine: Engine) -> None:
    svc = TwoHighService(engine)
    data = {
        "name": "审查项目",
        "industry": "3311",
        "annual_output": {"amount": 100, "unit": "t"},
        "start_year": 2026,
        "review_date": "2026-02-01",
        "energy": [{"fuel": "diesel", "amount": 1000, "unit": "t"}],
    }
    result = svc.review(NDRC, data)
    assert result["energy_tce"]["calorific"] == pytest.approx(1457.1)
    assert svc.reviews(OFFICE)[0]["id"] == result["id"]
    with pytest.raises(NotAllowedError):
        svc.review(EDU, data)  # not a responsible unit of 三.(一).4
    with pytest.raises(LedgerProblems):
        svc.review(NDRC, data | {"energy": []})
    assert len(svc.reviews(OFFICE)) == 1


def test_prohibition_findings_of_the_ledger(engine: Engine) -> None:
    """The Jinghai plan (issued 2023-06-15) against the demo ledger, by hand: 严禁审批新建“两高”项目
    covers the three projects classed 两高; the aluminium extension (有色金属冶炼, approved 2024, in
    construction) breaches it; the steel (approvals 2019) and concrete (2016) plants predate the plan.
    A planned project with a 燃煤锅炉 and an energy review of 2024 breaches 禁止新建燃煤自备机组和燃煤锅炉
    and is restricted by 严格控制新上耗煤项目 (it burns raw coal); the same project without approval is
    covered but no breach."""
    from carbonpeak.plan import load_plan

    load(engine)
    svc = TwoHighService(engine, plan=load_plan("jinghai-2023"))
    rows = [(f["project_name"], f["rule_id"], f["breach"], f["predates_plan"]) for f in svc.findings(OFFICE)]
    assert rows == [
        ("示例铝型材扩建项目", "no_new_two_high", True, False),
        ("示例钢材深加工改造项目", "no_new_two_high", False, True),
        ("示例商品混凝土搅拌站", "no_new_two_high", False, True),
    ]
    planned = demo_projects()[2].model_dump(mode="json", exclude={"six_high", "disposal_category"})
    boiler = TwoHighProject.model_validate(
        planned
        | {
            "name": "示例燃煤锅炉项目",
            "equipment": ["燃煤锅炉"],
            "energy": [*planned["energy"], {"fuel": "raw_coal", "amount": 500, "unit": "t"}],
            "approvals": [
                {"kind": "energy_review", "date": "2024-01-05", "document_no": "示例审〔2024〕1号"}
            ],
        }
    )
    pending = boiler.model_copy(update={"name": "示例未批燃煤锅炉项目", "approvals": ()})
    svc.add(OFFICE, boiler)
    svc.add(OFFICE, pending)
    mine = [(f["project_name"], f["rule_id"], f["effect"], f["breach"]) for f in svc.findings(OFFICE)]
    assert ("示例燃煤锅炉项目", "no_new_coal_units_boilers", "forbids", True) in mine
    assert ("示例燃煤锅炉项目", "control_new_coal_projects", "restricts", False) in mine
    assert ("示例未批燃煤锅炉项目", "no_new_coal_units_boilers", "forbids", False) in mine
    assert [r[0] for r in mine if r[3]] == ["示例铝型材扩建项目", "示例燃煤锅炉项目"]  # breaches first
    # a department sees the findings of its stages only (区工信局: 在建, 存量)
    it = TwoHighActor("工信 孙", "department", "industry_it")
    assert {f["project_name"] for f in svc.findings(it)} == {
        "示例铝型材扩建项目",
        "示例钢材深加工改造项目",
        "示例商品混凝土搅拌站",
    }
    assert TwoHighService(engine).findings(OFFICE) == []  # no plan served: nothing to check
    stored = {s.project.name: s.project for s in svc.projects(OFFICE)}
    assert stored["示例燃煤锅炉项目"].equipment == ("燃煤锅炉",)  # equipment is stored and read back
