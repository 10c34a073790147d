"""The forestry database on real SQLite and PostgreSQL: import all-or-nothing, history by survey
year, audit, role checks, computed indicators for tracking, the inventory's sink rows, the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from carbonpeak.errors import InvalidInputError, NotAllowedError
from carbonpeak.forestry import LandArea
from carbonpeak.services.forestry import ForestryService, load_demo
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.tables import AuditRow
from carbonpeak.tracking.model import Actor

OFFICE = Actor("wang", "office")
DEPT = Actor("li", "department", "agri")
HEADER = "小班号,调查年度,乡镇,面积,面积单位,地类,树种,蓄积量\n"
SURVEY = (
    HEADER
    + "A,2020,团泊镇,150,亩,乔木林,杨树,60\nB,2020,团泊镇,5,hm²,乔木林,白蜡,100\nC,2020,大邱庄镇,30,亩,乔木林,松类,40\n"
    + "A,2024,团泊镇,150,亩,乔木林,杨树,80\nB,2024,团泊镇,5,hm²,乔木林,白蜡,110\nC,2024,大邱庄镇,30,亩,乔木林,松类,50\n"
    + "D,2024,团泊镇,3,hm²,乔木林,杨树,\n"
)


@pytest.fixture
def engine(database_url: str) -> Engine:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def _svc(engine: Engine) -> ForestryService:
    return ForestryService(engine, land=LandArea("t", "test district", 100.0, "test land area"))


def _file(tmp_path: Path, text: str = SURVEY) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_district_survey_feeds_tracking_and_the_inventory(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine)
    stored = svc.import_file(
        OFFICE, _file(tmp_path), area_name="静海区", scope="district", source="二类调查 2020"
    )
    assert [(s.survey_year, s.parcel_count) for s in stored] == [(2020, 3), (2024, 4)]
    values = {(v.metric, v.year): v for v in svc.computed_values(DEPT, "静海区")}
    assert values[("forest_cover", 2020)].value == pytest.approx(17.0)  # 10 + 5 + 2 hm² of 100 hm²
    assert values[("forest_cover", 2024)].value == pytest.approx(20.0)  # D is a new 3 hm² stand
    assert values[("forest_stock", 2020)].value == pytest.approx(0.118)  # 600 + 500 + 80 m³ = 0.118 万m³
    assert "IPCC 2006" in values[("forest_cover", 2020)].factor_set
    rows = svc.inventory_rows(OFFICE, "静海区")
    assert [r["year"] for r in rows] == [2021, 2022, 2023, 2024]
    assert rows[0]["amount"] == pytest.approx(89.4) and "储量变化法" in str(rows[0]["note"])
    fig = svc.figures(Actor("v", "viewer"), "静海区")
    assert fig["years"][0]["cover_percent"] == pytest.approx(17.0)
    assert fig["by"]["town"][2020]["大邱庄镇"][0] == pytest.approx(80.0)


def test_reimport_replaces_the_year_keeps_the_others_and_is_audited(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine)
    svc.import_file(OFFICE, _file(tmp_path), area_name="静海区", scope="district", source="first")
    svc.import_file(
        OFFICE, _file(tmp_path, HEADER + "A,2024,团泊镇,15,亩,乔木林,杨树,90\n"), area_name="静海区",
        scope="district", source="revised 2024",
    )  # fmt: skip
    years = {s.survey_year: s for s in svc.surveys(OFFICE)}
    assert years[2020].parcel_count == 3 and years[2024].parcel_count == 1
    assert years[2024].source == "revised 2024"
    with Session(engine) as s:
        audit = s.scalars(select(AuditRow).where(AuditRow.table_name == "forest_surveys")).all()
    assert [a.action for a in audit] == ["create", "create", "update"]
    assert audit[2].before is not None and audit[2].before["parcel_count"] == 4


def test_a_bad_file_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine)
    bad = _file(tmp_path, SURVEY + "E,2024,团泊镇,abc,亩,乔木林,杨树,50\n")
    with pytest.raises(InvalidInputError) as err:
        svc.import_file(OFFICE, bad, area_name="静海区", scope="district", source="x")
    assert err.value.problems[0].row == 9 and err.value.problems[0].column == "面积"
    assert svc.surveys(OFFICE) == []


def test_roles(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine)
    with pytest.raises(NotAllowedError):
        svc.import_file(DEPT, _file(tmp_path), area_name="静海区", scope="district", source="x")
    svc.import_file(OFFICE, _file(tmp_path), area_name="静海区", scope="district", source="x")
    with pytest.raises(NotAllowedError):
        svc.parcels(Actor("e", "enterprise"), "静海区")  # type: ignore[arg-type]
    assert len(svc.parcels(DEPT, "静海区", survey_year=2024, town="团泊镇")) == 3


def test_demo_zone_is_illustrative_and_not_the_district(engine: Engine) -> None:
    lines = load_demo(engine, None)
    assert lines and all("示例数据" in line for line in lines)
    svc = ForestryService(engine)
    rows = svc.parcels(OFFICE, "林海循环经济示范区", survey_year=2024)
    assert rows and all(r["illustrative"] for r in rows)
    assert svc.computed_values(OFFICE, "林海循环经济示范区") == []  # a zone does not judge the district
    assert svc.inventory_rows(OFFICE, "林海循环经济示范区") == []
    fig = svc.figures(OFFICE, "林海循环经济示范区")
    assert fig["scope"] == "zone" and fig["years"][0]["cover_percent"] is None
    assert {p["project"] for p in fig["projects"]} == {
        "national-reserve-forest",
        "tuanbo-bird-reserve-restoration",
    }


def test_the_offices_wetland_factor_is_stored_audited_and_used(engine: Engine, tmp_path: Path) -> None:
    svc = _svc(engine)
    svc.import_file(
        OFFICE, _file(tmp_path, HEADER + "W,2024,团泊镇,45,亩,湿地,,\n"), area_name="团泊", scope="zone",
        source="湿地调查",
    )  # fmt: skip
    assert svc.wetland_setting(DEPT) is None
    assert svc.figures(DEPT, "团泊")["sinks"][2024]["wetland_t"] is None  # not set: the page shows —
    with pytest.raises(NotAllowedError):
        svc.set_wetland_factor(DEPT, "3", "x")
    with pytest.raises(InvalidInputError) as info:
        svc.set_wetland_factor(OFFICE, "abc", "")
    assert [p.field for p in info.value.problems] == ["t_co2_per_ha_year", "source"]
    svc.set_wetland_factor(OFFICE, "2.5", "湿地监测报告 2024")
    fresh = _svc(engine)  # a new service reads the stored setting
    sink = fresh.figures(DEPT, "团泊")["sinks"][2024]
    assert sink["wetland_t"] == pytest.approx(3 * 2.5) and sink["wetland_source"] == "湿地监测报告 2024"
    assert fresh.wetland_setting(DEPT)["updated_by"] == "wang"  # type: ignore[index]
    with Session(engine) as s:
        audit = s.scalars(select(AuditRow).where(AuditRow.table_name == "forest_wetland_factor")).all()
    assert [a.action for a in audit] == ["create"] and audit[0].after["t_co2_per_ha_year"] == 2.5


def test_a_district_survey_replaces_the_inventorys_sink_line(engine: Engine, tmp_path: Path) -> None:
    from carbonpeak.accounting import read_activity
    from carbonpeak.services import inventory as inventory_service
    from tests.conftest import REPO

    activity = read_activity(REPO / "data" / "demo" / "jinghai-activity-2020-2024.csv")
    inventory_service.store_activity(engine, activity, file_name="demo.csv", who="wang", source="test")

    def forest_rows() -> dict[int, float]:
        stored = inventory_service.current(engine)
        assert stored is not None
        tidy = stored.inventory.tidy
        rows = tidy[(tidy["category"] == "co2_sink") & (tidy["sector"] == "land_use|forest")]
        return {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}

    entered = forest_rows()
    assert entered[2021] == 72100.0 and inventory_service.current(engine).sink_from_database == {}  # type: ignore[union-attr]
    # a zone's survey never replaces the district's line
    _svc(engine).import_file(OFFICE, _file(tmp_path), area_name="林海", scope="zone", source="片区")
    assert forest_rows() == entered
    _svc(engine).import_file(OFFICE, _file(tmp_path), area_name="静海区", scope="district", source="二类调查")
    replaced = forest_rows()
    # the hand-computed stock-difference sink of the three parcels (test_compute: 89.3742 tCO2/yr)
    # plus the new stand D, in every year 2021–2024; 2020 (no interval ends there) keeps the entered row
    assert replaced[2020] == entered[2020]
    database = {r["year"]: r["amount"] for r in _svc(engine).inventory_rows(OFFICE, "静海区")}
    assert {y: replaced[y] for y in (2021, 2022, 2023, 2024)} == database
    assert replaced[2021] != entered[2021]
    notes = inventory_service.current(engine).sink_from_database  # type: ignore[union-attr]
    assert (
        sorted(notes) == [2021, 2022, 2023, 2024] and "储量变化法" in notes[2021] and "静海区" in notes[2021]
    )
