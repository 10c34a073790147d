"""Storage of tracking records on SQLite and PostgreSQL: migrations, workflow, audit, locking."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import current, head, upgrade
from carbonpeak.storage.migrate import alembic_config
from carbonpeak.storage.tracking import audit_rows
from carbonpeak.tracking.errors import ConflictError, NotAllowedError, TrackingError, WorkflowError
from tests.storage.helpers import DEV_REFORM, INDUSTRY, OFFICE, VIEWER, service_for


@pytest.fixture
def svc(database_url: str) -> Iterator[TrackingService]:
    with service_for(database_url) as service:
        yield service


def test_migrations_run_down_and_up(database_url: str) -> None:
    from alembic import command

    upgrade(database_url)
    assert current(database_url) == head()
    command.downgrade(alembic_config(database_url), "0001")
    assert current(database_url) == "0001"
    upgrade(database_url)
    assert current(database_url) == head()


def test_value_workflow_with_audit(svc: TrackingService) -> None:
    ref = svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.5, evidence="统计公报")
    assert (ref.state, ref.version) == ("draft", 1)
    ref = svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.8, expected_version=1)
    assert (ref.id, ref.version) == (ref.id, 2)
    ref = svc.submit(DEV_REFORM, "value", ref.id)
    assert ref.state == "submitted"
    with pytest.raises(WorkflowError):
        svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 9.0)
    ref = svc.return_(OFFICE, "value", ref.id, "请附统计公报页码")
    assert ref.state == "returned"
    svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.9)
    svc.submit(DEV_REFORM, "value", ref.id)
    ref = svc.approve(OFFICE, "value", ref.id)
    record = svc.get("value", ref.id)
    assert record["state"] == "approved"
    assert record["returns"] == 1
    assert record["comment"] == "请附统计公报页码"
    assert record["created_by"] == DEV_REFORM.who
    assert record["updated_by"] == OFFICE.who
    with Session(svc.engine) as s:
        trail = audit_rows(s, "indicator_values", ref.id)
    assert [a.action for a in trail] == [
        "insert",
        "update",
        "submit",
        "return",
        "update",
        "submit",
        "approve",
    ]
    assert trail[1].before is not None
    assert trail[1].after is not None
    assert (trail[1].before["value"], trail[1].after["value"]) == (7.5, 7.8)
    assert trail[3].who == OFFICE.who
    assert all(a.source == "test" for a in trail)


def test_reopen_an_approved_value_for_revision(svc: TrackingService) -> None:
    import datetime as dt

    on_time = dt.datetime(2024, 1, 10, 10, tzinfo=dt.UTC)
    ref = svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2023, 8.1, evidence="初步统计")
    svc.submit(DEV_REFORM, "value", ref.id, at=on_time)
    svc.approve(OFFICE, "value", ref.id)
    # Only the office reopens, only an approved record, and only with a reason.
    with pytest.raises(NotAllowedError):
        svc.reopen(DEV_REFORM, "value", ref.id, "年鉴终值")
    with pytest.raises(TrackingError, match="needs a comment"):
        svc.reopen(OFFICE, "value", ref.id, "  ")
    ref = svc.reopen(OFFICE, "value", ref.id, "统计年鉴终值已发布，请修订")
    assert ref.state == "returned"
    with pytest.raises(WorkflowError, match="cannot reopen a record that is returned"):
        svc.reopen(OFFICE, "value", ref.id, "again")
    svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2023, 8.4, evidence="统计年鉴")
    svc.submit(DEV_REFORM, "value", ref.id)
    svc.approve(OFFICE, "value", ref.id)
    record = svc.get("value", ref.id)
    assert (record["state"], record["value"], record["returns"]) == ("approved", 8.4, 0)  # not a return
    assert record["comment"] == "统计年鉴终值已发布，请修订"
    # The revision keeps the first submission time: the unit reported on time.
    submitted = dt.datetime.fromisoformat(str(record["submitted_at"]))
    assert submitted.replace(tzinfo=submitted.tzinfo or dt.UTC) == on_time
    with Session(svc.engine) as s:
        actions = [a.action for a in audit_rows(s, "indicator_values", ref.id)]
    assert actions == ["insert", "submit", "approve", "reopen", "update", "submit", "approve"]
    # A returned record, by contrast, takes the time of its new submission.
    other = svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.0)
    svc.submit(DEV_REFORM, "value", other.id, at=on_time)
    svc.return_(OFFICE, "value", other.id, "补充来源")
    svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.1)
    svc.submit(DEV_REFORM, "value", other.id)
    again = dt.datetime.fromisoformat(str(svc.get("value", other.id)["submitted_at"]))
    assert again.replace(tzinfo=again.tzinfo or dt.UTC) > on_time


def test_department_edits_only_its_own(svc: TrackingService) -> None:
    # industry_it supports energy.1 which carries the indicator: it may report as itself
    svc.record_value(INDUSTRY, "non_fossil_share_2025", 2022, 7.0)
    with pytest.raises(NotAllowedError):
        svc.record_value(INDUSTRY, "non_fossil_share_2025", 2022, 7.0, unit_id="dev_reform")
    with pytest.raises(NotAllowedError):  # energy_intensity is carried by no task of industry_it
        svc.record_value(INDUSTRY, "energy_intensity_2025", 2022, 3.0)
    with pytest.raises(NotAllowedError):
        svc.record_value(VIEWER, "non_fossil_share_2025", 2022, 7.0)
    ref = svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.5)
    with pytest.raises(NotAllowedError):
        svc.submit(INDUSTRY, "value", ref.id)
    svc.submit(DEV_REFORM, "value", ref.id)
    with pytest.raises(NotAllowedError):
        svc.approve(DEV_REFORM, "value", ref.id)
    report = svc.record_report(INDUSTRY, "energy.1", 2022, "Q1", "in_progress", narrative="推进光伏")
    assert report.state == "draft"


def test_stale_version_is_refused(svc: TrackingService) -> None:
    ref = svc.record_report(DEV_REFORM, "energy.1", 2023, "Q2", "in_progress", narrative="a")
    svc.record_report(DEV_REFORM, "energy.1", 2023, "Q2", "in_progress", narrative="b", expected_version=1)
    with pytest.raises(ConflictError, match="version 2, you edited version 1"):
        svc.record_report(DEV_REFORM, "energy.1", 2023, "Q2", "done", narrative="c", expected_version=1)
    assert svc.get("report", ref.id)["narrative"] == "b"


def test_concurrent_writers_never_overwrite_silently(svc: TrackingService) -> None:
    """Two editors read version 1 at the same time and save: one wins, the other gets ConflictError."""
    ref = svc.record_value(DEV_REFORM, "renewable_capacity_2025", 2023, 10.0)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit(value: float) -> None:
        version = svc.get("value", ref.id)["version"]
        barrier.wait()
        try:
            svc.record_value(DEV_REFORM, "renewable_capacity_2025", 2023, value, expected_version=version)
            result = f"saved {value:g}"
        except ConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=edit, args=(v,)) for v in (11.0, 12.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o == "conflict" for o in outcomes) == [False, True]
    saved = next(o for o in outcomes if o.startswith("saved"))
    record = svc.get("value", ref.id)
    assert f"saved {record['value']:g}" == saved
    assert record["version"] == 2


def test_migrations_match_the_tables(database_url: str) -> None:
    import importlib
    import pkgutil

    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import carbonpeak.storage
    from carbonpeak.storage import make_engine
    from carbonpeak.storage.tables import Base

    # every table of every capability is declared on the same Base: import them all
    for module in pkgutil.iter_modules(carbonpeak.storage.__path__, "carbonpeak.storage."):
        if not module.name.endswith(".migrations"):
            importlib.import_module(module.name)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_two_creators_of_the_same_record_conflict(svc: TrackingService) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create(value: float) -> None:
        barrier.wait()
        try:
            svc.record_value(DEV_REFORM, "renewable_capacity_2025", 2022, value)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=create, args=(v,)) for v in (1.0, 2.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # on SQLite the writers are serialised, so the second one edits the draft; never an error
    assert sorted(outcomes) in (["conflict", "saved"], ["saved", "saved"])
    assert len(svc.records()) == 1


def test_plan_amendments_keep_history_and_audit(database_url: str) -> None:
    from carbonpeak.storage import make_engine, plan_revisions, store_plan
    from tests.storage.helpers import example_plan

    upgrade(database_url)
    plan = example_plan()
    amended = plan.model_copy(
        update={"plan": plan.plan.model_copy(update={"title": "示例区碳达峰实施方案（修订）"})}
    )
    engine = make_engine(database_url)
    try:
        assert store_plan(engine, plan, who="王主任", source="a.yaml").revision == 1
        assert store_plan(engine, plan, who="王主任", source="a.yaml").created is False
        assert store_plan(engine, amended, who="李科长", source="b.yaml").revision == 2
        assert [r[0] for r in plan_revisions(engine, "example-district")] == [1, 2]
        with Session(engine) as s:
            trail = audit_rows(s, "plan_revisions")
        assert [(a.who, a.source) for a in trail] == [("王主任", "a.yaml"), ("李科长", "b.yaml")]
        assert trail[1].before is not None
        assert trail[1].after is not None
        assert (trail[1].before["revision"], trail[1].after["title"]) == (1, "示例区碳达峰实施方案（修订）")
    finally:
        engine.dispose()
