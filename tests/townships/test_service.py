"""The townships service on SQLite and PostgreSQL: decompose, record, status, roll-up, dual control,
who may do what, the audit trail, and the 考核 scoring a member on its own share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.errors import InvalidInputError, NotAllowedError, NotFoundError
from carbonpeak.plan import Plan, load_plan
from carbonpeak.services.townships import TownshipsService
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import Engine, make_engine, upgrade
from carbonpeak.storage.tables import AuditRow
from carbonpeak.townships import MemberRow
from carbonpeak.tracking.model import Actor

OFFICE = Actor("王主任", "office")
TOWN = Actor("李镇长", "department", "tuanbo_town")
OTHER = Actor("赵镇长", "department", "wangkou")
VIEWER = Actor("领导", "viewer")
REVIEWER = Actor("审核员", "office")


def _counted(svc: TownshipsService, actor: Actor, unit: str, code: str, year: int, value: float) -> int:
    """A member's value entered and submitted by ``actor``, approved by another office member."""
    ref = svc.record_value(actor, unit, code, year, value, submit=True)
    svc.review_value(REVIEWER, ref["id"], "approve", expected_version=ref["version"])
    return int(ref["id"])


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan("jinghai-2023")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_members_list(engine: Engine, plan: Plan) -> None:
    svc = TownshipsService(engine, plan)
    listed = svc.members()
    assert listed["complete"] is False
    names = [m["name"] for m in listed["members"]]
    assert "团泊镇" in names and "天津子牙经济技术开发区" in names
    assert next(m for m in listed["members"] if m["name"] == "团泊镇")["kind_label"] == "乡镇"
    assert "各有关单位" in listed["unresolved"]


def _co2(svc: TownshipsService) -> None:
    # CO2 total 2025: 300 万吨 split by base 2020 (200 : 100) → 200, 100; intensity −18 % for both
    svc.decompose(
        OFFICE,
        "co2_total",
        2025,
        "base_share",
        300.0,
        [MemberRow("团泊镇", base=200.0), MemberRow("王口镇", base=100.0)],
        district_base=300.0,
        document="示例数据",
    )
    svc.decompose(
        OFFICE,
        "co2_intensity_reduction",
        2025,
        "equal_rate",
        18.0,
        [MemberRow("tuanbo_town", base=0.0, weight=200.0), MemberRow("wangkou", base=0.0, weight=100.0)],
    )


def test_decompose_record_status_and_dual_control(engine: Engine, plan: Plan) -> None:
    svc = TownshipsService(engine, plan)
    _co2(svc)
    _counted(svc, TOWN, "tuanbo_town", "co2_total", 2025, 210.0)
    _counted(svc, OFFICE, "王口镇", "co2_total", 2025, 90.0)
    svc.record_value(OFFICE, None, "co2_total", 2025, 301.0)  # the district's own figure counts as entered
    _counted(svc, TOWN, "tuanbo_town", "co2_intensity_reduction", 2025, 19.0)
    _counted(svc, OTHER, "wangkou", "co2_intensity_reduction", 2025, 17.0)
    status = svc.status(OFFICE, 2025)
    total = next(d for d in status["decompositions"] if d["quantity"] == "co2_total")
    rows = {r["member"]: r for r in total["rows"]}
    assert (rows["tuanbo_town"]["target"], rows["tuanbo_town"]["status"]) == (200.0, "off_track")
    assert (rows["wangkou"]["target"], rows["wangkou"]["status"]) == (100.0, "met")
    # the roll-up of the members (210 + 90 = 300) against the district's own figure 301
    assert (total["rollup"], total["district_value"], total["rollup_difference"]) == (300.0, 301.0, -1.0)
    assert total["district_status"] == "off_track"
    dual = {d["unit"]: d for d in status["dual_control"]}
    assert dual["tuanbo_town"]["status"] == "total_exceeded"  # intensity 19 ≥ 18, total 210 > 200
    assert dual["tuanbo_town"]["total_left"] == -10.0
    assert dual["wangkou"]["status"] == "not_met"  # intensity 17 < 18 decides, though the total is kept
    assert dual["_district"]["status"] == "no_data"  # the district reported no intensity
    # a member's own account sees its own rows only
    own = svc.status(TOWN, 2025)
    total = next(d for d in own["decompositions"] if d["quantity"] == "co2_total")
    assert [r["member"] for r in total["rows"]] == ["tuanbo_town"]
    assert total["rollup"] is None
    assert [d["unit"] for d in own["dual_control"]] == ["_district", "tuanbo_town"]


def test_who_may_do_what(engine: Engine, plan: Plan) -> None:
    svc = TownshipsService(engine, plan)
    with pytest.raises(NotAllowedError):
        svc.decompose(TOWN, "charging_piles", 2025, "manual", 10.0, [MemberRow("团泊镇", target=10.0)])
    with pytest.raises(NotAllowedError):
        svc.record_value(TOWN, "wangkou", "charging_piles", 2025, 3.0)
    with pytest.raises(NotAllowedError):
        svc.record_value(TOWN, None, "charging_piles", 2025, 3.0)
    with pytest.raises(NotAllowedError):
        svc.record_value(VIEWER, "wangkou", "charging_piles", 2025, 3.0)
    with pytest.raises(NotFoundError):
        svc.record_value(OFFICE, "区发改委", "charging_piles", 2025, 3.0)  # not a member


def test_bad_decomposition_is_located_and_nothing_is_stored(engine: Engine, plan: Plan) -> None:
    svc = TownshipsService(engine, plan)
    rows = [MemberRow("团泊镇", target=300.0, row=2), MemberRow("某某镇", target=100.0, row=3)]
    with pytest.raises(InvalidInputError) as err:
        svc.decompose(OFFICE, "charging_piles", 2025, "manual", 500.0, rows, file="f.xlsx")
    assert [(p.row, p.field) for p in err.value.problems] == [(3, "member")]
    rows = [MemberRow("团泊镇", target=300.0, row=2), MemberRow("王口镇", target=100.0, row=3)]
    with pytest.raises(InvalidInputError, match="500"):
        svc.decompose(OFFICE, "charging_piles", 2025, "manual", 500.0, rows)
    assert svc.decompositions(OFFICE) == []


def test_saving_again_replaces_and_audits(engine: Engine, plan: Plan) -> None:
    svc = TownshipsService(engine, plan)
    rows = [MemberRow("团泊镇", target=300.0), MemberRow("王口镇", target=200.0)]
    svc.decompose(OFFICE, "charging_piles", 2025, "manual", 500.0, rows)
    rows = [MemberRow("团泊镇", target=250.0), MemberRow("王口镇", target=250.0)]
    svc.decompose(OFFICE, "charging_piles", 2025, "manual", 500.0, rows)
    (dec,) = svc.decompositions(OFFICE)
    assert [m["target"] for m in dec["members"]] == [250.0, 250.0]
    with Session(engine) as s:
        trail = s.scalars(select(AuditRow).where(AuditRow.table_name == "township_decompositions")).all()
    assert [a.action for a in trail] == ["create", "update"]
    assert trail[1].before is not None and [m["target"] for m in trail[1].before["members"]] == [300.0, 200.0]


def test_assessment_scores_a_member_on_its_share(engine: Engine, plan: Plan) -> None:
    rows = [MemberRow(m, base=b) for m, b in (("团泊镇", 10.0), ("王口镇", 30.0))]
    svc = TownshipsService(engine, plan)
    svc.decompose(OFFICE, "charging_piles", 2025, "base_share", 500.0, rows)
    tracking = TrackingService(engine, plan)
    result = {a.unit: a for a in tracking.assess(2025, dt.date(2026, 3, 31))}
    assert "townships_parks" not in result and "townships" not in result
    reasons = [d.reason for d in result["tuanbo_town"].deductions]
    assert any("公用充电桩数量" in r and "分解目标" in r for r in reasons)


def test_decomposition_sheet_round_trip(engine: Engine, plan: Plan, tmp_path: Path) -> None:
    from carbonpeak.reports import write_file

    svc = TownshipsService(engine, plan)
    table = svc.table(OFFICE, "charging_piles", 2025)
    assert len(table.rows) == len(svc.members()["members"])
    path = write_file(table, tmp_path / "t.xlsx")
    rows = svc.read_rows(path)
    assert rows[0].member == "天津子牙经济技术开发区" and rows[0].row == 3
