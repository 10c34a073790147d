"""The energy and charging service on SQLite and PostgreSQL: imports all or nothing and audited,
edits, roles, roll-ups as computed indicators, the demo (示例数据), the coverage analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import LedgerProblems, NotAllowedError
from carbonpeak.plan import load_plan
from carbonpeak.plan.loader import resolve_plan
from carbonpeak.services import energy_demo
from carbonpeak.services.energy import EnergyService
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.tables import AuditRow

OFFICE = LedgerActor("王主任", "office")
DEPT = LedgerActor("发改委", "department")
FIRM = LedgerActor("firm", "enterprise", "91120118EXAMP0001Y")

PROJECTS = (
    "编号,项目名称,类型,规模,单位,状态,核准日期,预计投产日期,实际并网日期,集中式,配套储能功率(MW)\n"
    "pv-a,渔光互补,光伏发电,100,MW,并网,2022-01-10,,2023-06-30,是,15\n"
    "wind-b,风电,风力发电,10,万千瓦,在建,2023-03-01,2025-12-31,,是,5\n"
)


@pytest.fixture
def engine(database_url: str) -> Engine:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_edit_and_audit(engine: Engine, tmp_path: Path) -> None:
    svc = EnergyService(engine)
    assert svc.import_projects(OFFICE, _file(tmp_path, "p.csv", PROJECTS)) == (2, 0)
    assert svc.import_projects(OFFICE, _file(tmp_path, "p.csv", PROJECTS)) == (0, 0)
    wind = svc.project(DEPT, "wind-b")
    assert wind.capacity_mw == pytest.approx(100)
    edited = wind.model_copy(update={"storage_mw": 15.0})
    assert svc.save_project(OFFICE, edited)
    assert svc.project(OFFICE, "wind-b").storage_mw == 15.0
    with Session(engine) as s:
        rows = s.scalars(select(AuditRow).where(AuditRow.table_name == "energy_projects")).all()
    assert [r.action for r in rows] == ["create", "create", "update"]
    assert rows[-1].before is not None and rows[-1].before["data"]["storage_mw"] == 5.0
    assert rows[-1].after is not None and rows[-1].after["object"] == "energy_project:wind-b"


def test_a_bad_row_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    svc = EnergyService(engine)
    bad = PROJECTS + "x,坏行,光伏发电,abc,MW,规划,,,,否,\n"
    with pytest.raises(LedgerProblems) as info:
        svc.import_projects(OFFICE, _file(tmp_path, "bad.csv", bad))
    assert (info.value.problems[0].row, info.value.problems[0].column) == (4, "规模")
    assert svc.projects(OFFICE) == []


def test_roles(engine: Engine, tmp_path: Path) -> None:
    svc = EnergyService(engine)
    path = _file(tmp_path, "p.csv", PROJECTS)
    with pytest.raises(NotAllowedError):
        svc.import_projects(DEPT, path)
    with pytest.raises(NotAllowedError):
        svc.projects(FIRM)
    with pytest.raises(NotAllowedError):
        svc.set_area(DEPT, "core", b"{}", file="core.geojson")
    assert svc.projects(DEPT) == []


def test_computed_values_from_the_ledgers(engine: Engine, tmp_path: Path) -> None:
    svc = EnergyService(engine)
    svc.import_projects(OFFICE, _file(tmp_path, "p.csv", PROJECTS))
    svc.import_stations(
        OFFICE,
        _file(
            tmp_path,
            "s.csv",
            "id,name,lon,lat,crs,dc_piles,dc_kw,public,commissioned\n"
            "s1,A,116.93,38.94,WGS84,4,120,是,2023-05-01\ns2,B,116.95,38.9,GCJ-02,6,60,是,2025-02-01\n",
        ),
    )
    values = {(v.metric, v.year): v for v in svc.computed_values(OFFICE, [2023, 2024, 2025])}
    assert values[("renewable_capacity", 2023)].value == pytest.approx(10.0)  # 100 MW = 10万千瓦
    assert values[("renewable_capacity", 2025)].value == pytest.approx(10.0)  # the wind farm is 在建
    assert values[("charging_piles", 2024)].value == 4
    assert values[("charging_piles", 2025)].value == 10
    assert values[("storage_ratio", 2025)].value == pytest.approx(100 * 20 / 200)
    roll = svc.rollups(OFFICE, range(2023, 2027), target_mw=200)
    assert roll["expected_mw"][2025] == pytest.approx(200)
    assert roll["expected_reaches_target"] == 2025


def test_uploaded_core_area_and_analysis(engine: Engine) -> None:
    svc = EnergyService(engine)
    core = {
        "type": "Polygon",
        "coordinates": [[[116.9, 38.9], [116.96, 38.9], [116.96, 38.96], [116.9, 38.96], [116.9, 38.9]]],
    }
    svc.set_area(OFFICE, "core", json.dumps(core).encode(), file="core.geojson", label="核心区")
    result = svc.analysis(DEPT, cell_m=1000, proposals=2)
    assert result["district"]["approximate"] is True
    assert result["core"]["label_zh"] == "核心区"
    assert result["core_share"] == 0.0 and result["noncore_share"] == 0.0  # no stations yet
    assert len(result["proposals"]) == 2
    assert (
        result["proposals"][0]["gain_km2"] >= result["proposals"][1]["gain_km2"] > 0
    )  # greedy: non-increasing


def test_demo_is_illustrative_and_loads_twice(engine: Engine) -> None:
    plan = load_plan(resolve_plan(None))
    lines = energy_demo.load(engine, plan)
    energy_demo.load(engine, plan)
    assert "示例数据" in lines[0]
    svc = EnergyService(engine)
    projects = svc.projects(OFFICE)
    stations = svc.stations(OFFICE)
    assert projects and all(p.illustrative for p in projects)
    assert len(stations) == 120 and sum(s.in_pilot for s in stations) == 76
    linked = {p.plan_project_id for p in projects if p.plan_project_id}
    assert "wind-baodeli-zhongwang-100mw" in linked
    roll = svc.rollups(OFFICE, range(2021, 2031), target_mw=2800)
    assert roll["illustrative"] is True
    result = svc.analysis(OFFICE, cell_m=500, proposals=3)
    assert 0 < result["core_share"] <= 1 and 0 < result["noncore_share"] <= 1


def test_editing_one_project_is_checked_versioned_and_audited(engine: Engine, tmp_path: Path) -> None:
    from carbonpeak.errors import ConflictError

    path = tmp_path / "projects.csv"
    path.write_text(PROJECTS, encoding="utf-8")
    svc = EnergyService(engine)
    svc.import_projects(OFFICE, path)
    version, _, _ = svc.project_version(DEPT, "wind-b")
    assert version == 1
    with pytest.raises(NotAllowedError):
        svc.edit_project(DEPT, "wind-b", {"status": "并网"}, expected_version=version)
    # 并网 without its date: refused, the field and the template's header named, nothing stored
    with pytest.raises(LedgerProblems) as info:
        svc.edit_project(OFFICE, "wind-b", {"status": "并网", "capacity": "x"}, expected_version=version)
    (problem,) = info.value.problems
    assert problem.field == "capacity" and problem.column == "规模" and "数字" in problem.message
    with pytest.raises(LedgerProblems) as info:
        svc.edit_project(OFFICE, "wind-b", {"status": "并网"}, expected_version=version)
    assert "actual commissioning" in info.value.problems[0].message
    edited, changed, now = svc.edit_project(
        OFFICE,
        "wind-b",
        {"status": "并网", "actual_commissioning": "2025-11-30", "id": "other", "illustrative": "是"},
        expected_version=version,
    )
    assert changed and now == 2 and edited.id == "wind-b" and not edited.illustrative
    assert svc.project(DEPT, "wind-b").status == "connected"
    assert svc.project(DEPT, "wind-b").capacity == 10 and svc.project(DEPT, "wind-b").storage_mw == 5
    # a second editor who read version 1 is refused, naming who changed it
    with pytest.raises(ConflictError, match="王主任"):
        svc.edit_project(OFFICE, "wind-b", {"note": "stale"}, expected_version=1)
    # nothing changed: no new version
    assert svc.edit_project(OFFICE, "wind-b", {}, expected_version=2)[1:] == (False, 2)
    with Session(engine) as s:
        audit = s.scalars(select(AuditRow).where(AuditRow.table_name == "energy_projects")).all()
    assert [a.action for a in audit][-1] == "update" and audit[-1].after["version"] == 2
    assert audit[-1].before is not None and audit[-1].before["status"] == "construction"
