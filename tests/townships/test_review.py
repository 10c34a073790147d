"""Review of members' values on SQLite and PostgreSQL: draft → submitted → approved or returned with
its reason, evidence files, optimistic versions, no self-approval, only approved values counting
(status, roll-up, dual control, 考核), and a supervising department that sees and reviews only its
members' values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.errors import ConflictError, InvalidInputError, NotAllowedError, NotFoundError
from carbonpeak.plan import Plan, PlanError, load_plan
from carbonpeak.services.townships import TownshipsService
from carbonpeak.storage import Engine, make_engine, upgrade
from carbonpeak.storage.tables import AuditRow
from carbonpeak.townships import MemberRow
from carbonpeak.tracking.model import Actor
from tests.townships.supervised import SUPERVISOR, supervised_plan

OFFICE = Actor("王主任", "office")
REVIEWER = Actor("审核员", "office")
TOWN = Actor("李镇长", "department", "tuanbo_town")
ZIYA = Actor("子牙镇填报员", "department", "ziya_town")
ADMIN = Actor("管委会审核员", "department", SUPERVISOR)
PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return load_plan(supervised_plan(tmp_path_factory.mktemp("plan")))


def _svc(engine: Engine, plan: Plan, tmp_path: Path) -> TownshipsService:
    svc = TownshipsService(engine, plan, evidence_dir=tmp_path / "evidence")
    rows = [MemberRow("团泊镇", base=10.0), MemberRow("王口镇", base=30.0), MemberRow("子牙镇", base=10.0)]
    svc.decompose(OFFICE, "charging_piles", 2025, "base_share", 500.0, rows)
    return svc


def _row(svc: TownshipsService, actor: Actor, member: str) -> dict[str, object]:
    (dec,) = svc.status(actor, 2025)["decompositions"]
    return next(r for r in dec["rows"] if r["member"] == member)


def test_a_value_counts_only_once_approved(engine: Engine, plan: Plan, tmp_path: Path) -> None:
    svc = _svc(engine, plan, tmp_path)
    ref = svc.record_value(TOWN, "tuanbo_town", "charging_piles", 2025, 120.0)
    assert ref["state"] == "draft"
    row = _row(svc, OFFICE, "tuanbo_town")
    assert (row["value"], row["status"], row["pending"], row["pending_state"]) == (
        None,
        "no_data",
        120.0,
        "draft",
    )
    assert svc.attach_evidence(TOWN, ref["id"], PDF, "../验收单.pdf")["media_type"] == "application/pdf"
    ref = svc.submit_value(TOWN, ref["id"], expected_version=ref["version"])
    assert ref["state"] == "submitted" and _row(svc, OFFICE, "tuanbo_town")["pending_label"] == "已报送"
    # the office returns it with the reason; the town corrects and submits again
    with pytest.raises(InvalidInputError) as err:
        svc.review_value(REVIEWER, ref["id"], "return", comment=" ")
    assert "原因" in err.value.problems[0].message
    ref = svc.review_value(
        REVIEWER, ref["id"], "return", comment="请附验收单原件", expected_version=ref["version"]
    )
    (listed,) = svc.value_records(TOWN)
    assert (listed["state"], listed["comment"], listed["returns"]) == ("returned", "请附验收单原件", 1)
    assert [e["name"] for e in listed["evidence"]] == ["验收单.pdf"]
    ref = svc.record_value(
        TOWN, "tuanbo_town", "charging_piles", 2025, 130.0, expected_version=ref["version"], submit=True
    )
    assert ref["state"] == "submitted"
    # a stale version is refused, nothing overwritten
    with pytest.raises(ConflictError):
        svc.review_value(REVIEWER, ref["id"], "approve", expected_version=ref["version"] - 1)
    svc.review_value(REVIEWER, ref["id"], "approve", expected_version=ref["version"])
    row = _row(svc, OFFICE, "tuanbo_town")
    assert (row["value"], row["status"], row["pending"]) == (130.0, "met", None)
    # an approved value is not edited: the office reopens it with the reason first
    with pytest.raises(ConflictError):
        svc.record_value(
            TOWN, "tuanbo_town", "charging_piles", 2025, 140.0, expected_version=ref["version"] + 1
        )
    path, media, name = svc.evidence_file(OFFICE, ref["id"], listed["evidence"][0]["sha256"])
    assert path.read_bytes() == PDF and (media, name) == ("application/pdf", "验收单.pdf")
    with Session(engine) as s:
        trail = s.scalars(
            select(AuditRow.action).where(
                AuditRow.table_name == "township_values", AuditRow.row_id == ref["id"]
            )
        ).all()
    assert trail == ["create", "submit", "return", "update", "submit", "approve"]


def test_nobody_approves_what_they_entered_or_submitted(engine: Engine, plan: Plan, tmp_path: Path) -> None:
    svc = _svc(engine, plan, tmp_path)
    ref = svc.record_value(OFFICE, "wangkou", "charging_piles", 2025, 300.0, submit=True)
    with pytest.raises(NotAllowedError) as err:
        svc.review_value(OFFICE, ref["id"], "approve")
    assert "不能审核通过自己" in err.value.problems[0].message
    with pytest.raises(NotAllowedError):
        svc.review_value(TOWN, ref["id"], "approve")  # a town reviews nobody
    with pytest.raises(NotAllowedError):
        svc.submit_value(TOWN, ref["id"])  # not its value
    with pytest.raises(InvalidInputError):
        svc.review_value(REVIEWER, ref["id"], "delete")
    assert svc.review_value(REVIEWER, ref["id"], "approve")["state"] == "approved"
    with pytest.raises(NotFoundError):
        svc.review_value(REVIEWER, 999_999, "approve")


def test_the_supervising_department_sees_and_reviews_only_its_members(
    engine: Engine, plan: Plan, tmp_path: Path
) -> None:
    svc = _svc(engine, plan, tmp_path)
    ziya = svc.record_value(ZIYA, "ziya_town", "charging_piles", 2025, 110.0, submit=True)
    tuanbo = svc.record_value(TOWN, "tuanbo_town", "charging_piles", 2025, 95.0, submit=True)
    assert svc.supervises(ADMIN) == ["ziya_ede", "ziya_town"]
    assert [r["member"] for r in svc.value_records(ADMIN)] == ["ziya_town"]
    (dec,) = svc.status(ADMIN, 2025)["decompositions"]
    assert [r["member"] for r in dec["rows"]] == ["ziya_town"] and dec["rollup"] is None
    with pytest.raises(NotAllowedError):
        svc.review_value(ADMIN, tuanbo["id"], "approve")  # not one of its members
    with pytest.raises(NotAllowedError):
        svc.value_record(ADMIN, tuanbo["id"])
    with pytest.raises(NotAllowedError):
        svc.record_value(ADMIN, "ziya_town", "charging_piles", 2025, 1.0)  # it reviews, it does not report
    assert svc.review_value(ADMIN, ziya["id"], "approve")["state"] == "approved"
    assert _row(svc, OFFICE, "ziya_town")["status"] == "met"
    # the town itself still sees only its own rows
    assert [r["member"] for r in svc.value_records(ZIYA)] == ["ziya_town"]


def test_a_supervisor_must_be_declared(tmp_path: Path) -> None:
    plan_path = supervised_plan(tmp_path)
    members = plan_path.with_name("jinghai-supervised.members.yaml")
    text = members.read_text(encoding="utf-8").replace("ziya_town: ziya_admin", "ziya_town: nobody_here")
    members.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as err:
        load_plan(plan_path)
    assert any(
        "nobody_here" in p.message and p.field == "supervised_by.ziya_town" for p in err.value.problems
    )
