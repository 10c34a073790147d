"""SQLAlchemy 2 table definitions. Every row records when, who and from what source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class Base(DeclarativeBase):
    pass


class Provenance:
    """Columns every stored row carries (STYLE 11: when, who, from where)."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)


class PlanRevision(Provenance, Base):
    """A plan as loaded: each load of a changed plan file is a new revision; history is kept."""

    __tablename__ = "plan_revisions"
    __table_args__ = (UniqueConstraint("plan_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    schema_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, object]] = mapped_column(JSON)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class EditedProvenance(Provenance):
    """Provenance plus who last edited the row and when (ledger rows edited in place)."""

    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class Tracked:
    """Provenance plus last change and a version counter for optimistic locking."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data (示例数据)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class IndicatorValueRow(Tracked, Base):
    """A value of an indicator for a year (and period) reported by a responsible unit, in a workflow."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("plan_id", "indicator_id", "year", "period", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    indicator_id: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    returns: Mapped[int] = mapped_column(Integer, default=0)
    # what the checks at entry flagged for the reviewer (rule, action, reason), None when nothing
    entry_flags: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, nullable=True)


class TaskReportRow(Tracked, Base):
    """A progress report on a task for a period (quarter by default) by a responsible unit."""

    __tablename__ = "task_reports"
    __table_args__ = (UniqueConstraint("plan_id", "task_id", "year", "period", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    task_id: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(16))
    narrative: Mapped[str] = mapped_column(Text, default="")
    milestones_met: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    returns: Mapped[int] = mapped_column(Integer, default=0)


class ComputedValueRow(Provenance, Base):
    """An indicator value computed from the inventory (accounting), with its inputs and factor set."""

    __tablename__ = "computed_values"
    __table_args__ = (UniqueConstraint("plan_id", "metric", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    metric: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    inputs: Mapped[dict[str, object]] = mapped_column(JSON)
    factor_set: Mapped[str] = mapped_column(String(120))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class EvidenceFileRow(Provenance, Base):
    """An evidence file attached to a report, stored under the evidence folder by its sha256."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(24))
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(80))
    display_name: Mapped[str] = mapped_column(String(255))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(Base):
    """One change of one row: who, when, from what source, and the row before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    who: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(24))
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)


class ClosedYearRow(Provenance, Base):
    """A year whose tracking data the office has closed (年度数据关账): the default year of every page
    and command is the latest closed one. Reopening the year deletes the row (audited)."""

    __tablename__ = "closed_years"
    __table_args__ = (UniqueConstraint("plan_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    year: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
