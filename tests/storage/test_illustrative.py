"""Demo rows are marked by the ``illustrative`` column (migration 0040), set by the demo loaders;
the services ask the column, never the free-text source."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from carbonpeak.services.enterprises_demo import load as load_enterprises
from carbonpeak.services.publishing import load_demo as load_publishing
from carbonpeak.services.tracking import Evidence, ReportEntry, TrackingService, ValueEntry
from carbonpeak.services.tracking_demo import load as load_tracking
from carbonpeak.storage import upgrade
from carbonpeak.storage.ledgers import EnterpriseReportRow
from carbonpeak.storage.migrate import alembic_config
from carbonpeak.storage.publishing import PublishedIndicatorRow
from carbonpeak.storage.tables import ComputedValueRow, EvidenceFileRow, IndicatorValueRow, TaskReportRow
from tests.storage.helpers import DEV_REFORM, service_for

TABLES = (IndicatorValueRow, TaskReportRow, ComputedValueRow, EvidenceFileRow, EnterpriseReportRow)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONPEAK_DATA_DIR", str(tmp_path / "data"))


def _flags(svc: TrackingService) -> dict[str, set[bool]]:
    """Per table, the illustrative values of its rows."""
    with Session(svc.engine) as s:
        out = {cls.__tablename__: set(s.scalars(select(cls.illustrative)).all()) for cls in TABLES}
        out["published_indicators"] = set(s.scalars(select(PublishedIndicatorRow.illustrative)).all())
    return out


def _real_report(svc: TrackingService, tmp_path: Path) -> int:
    """A department's own report with evidence: not demo data."""
    real = TrackingService(svc.engine, svc.plan, source="web", evidence_dir=tmp_path / "evidence")
    entry = ReportEntry("energy.1", 2025, "Q1", "in_progress", narrative="实际进展")
    return real.save(DEV_REFORM, entry, evidence=Evidence(b"%PDF-1.7\n", "a.pdf")).id


def test_demo_loaders_mark_their_rows(database_url: str, tmp_path: Path) -> None:
    with service_for(database_url) as svc:
        assert not svc.is_illustrative()
        load_tracking(svc.engine, svc.plan)
        load_enterprises(svc.engine, svc.plan)
        load_publishing(svc.engine, svc.plan)
        real = _real_report(svc, tmp_path)
        assert svc.is_illustrative()
        flags = _flags(svc)
        assert flags["computed_values"] == flags["enterprise_reports"] == {True}
        assert flags["published_indicators"] == {True}
        assert flags["indicator_values"] == {True}
        assert flags["task_reports"] == flags["evidence_files"] == {True, False}
        rows = {r["id"]: r for r in svc.records() if r["kind"] == "report"}
        assert rows[real]["illustrative"] is False
        assert sum(r["illustrative"] for r in rows.values()) == len(rows) - 1


def test_the_column_decides_not_the_source(database_url: str) -> None:
    with service_for(database_url) as svc:
        worded = TrackingService(svc.engine, svc.plan, source="web: 示例数据 in a user's own words")
        worded.record_value(DEV_REFORM, "non_fossil_share_2025", 2024, 12.0, data_source="示例数据")
        assert not svc.is_illustrative()
        demo = TrackingService(svc.engine, svc.plan, source="test", illustrative=True)
        demo.record_value(DEV_REFORM, "non_fossil_share_2025", 2023, 11.0)
        assert svc.is_illustrative()
        # editing a demo record as a real user makes it the user's figure
        ref = next(r for r in svc.records() if r["year"] == 2023)
        svc.save(DEV_REFORM, ValueEntry("non_fossil_share_2025", 2023, 11.5, expected_version=ref["version"]))
        assert not svc.is_illustrative()


def test_migration_0040_goes_down_and_up(database_url: str, tmp_path: Path) -> None:
    with service_for(database_url) as svc:
        load_tracking(svc.engine, svc.plan)
        load_enterprises(svc.engine, svc.plan)
        load_publishing(svc.engine, svc.plan)
        _real_report(svc, tmp_path)
        before = _flags(svc)
        command.downgrade(alembic_config(database_url), "0030")
        inspector = inspect(svc.engine)
        for table in (*(cls.__tablename__ for cls in TABLES), "published_indicators"):
            assert "illustrative" not in {c["name"] for c in inspector.get_columns(table)}, table
        upgrade(database_url)
        # the upgrade marks the demo rows again from their source (and a demo report's note)
        assert _flags(svc) == before
