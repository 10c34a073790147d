"""Tables and repository of the review of enterprise monthly reports (decision 0520).

``enterprise_report_reviews`` holds each month's review state beside its report (one row per report;
the report's own ``status`` stays the enterprise's last step, draft or submitted — SQLite cannot
change the CHECK of a table other rows reference without rebuilding it); ``enterprise_report_events``
is the history: every save, submission and review step with the version it applied to and, for a
save or a submission, the lines of that version (so a resubmission never loses what came before);
``enterprise_supervisors`` names each enterprise's supervising department (主管部门).

Every write is in the transaction of the change and writes its audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.month_review import COUNTED_STATES, next_state
from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import AuditRow, Base, EditedProvenance, utcnow
from carbonpeak.storage.tracking import audit, row_dict

if TYPE_CHECKING:
    from carbonpeak.storage.ledgers import StoredReport


class MonthReviewRow(EditedProvenance, Base):
    __tablename__ = "enterprise_report_reviews"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "period"),
        CheckConstraint(
            "state IN ('draft', 'submitted', 'approved', 'returned')",
            name="ck_enterprise_report_reviews_state",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("enterprise_reports.id"), unique=True)
    enterprise_id: Mapped[str] = mapped_column(String(18))
    period: Mapped[str] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(12))
    report_version: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    returns: Mapped[int] = mapped_column(Integer, default=0)


class MonthEventRow(Base):
    __tablename__ = "enterprise_report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("enterprise_reports.id"), index=True)
    report_version: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(Text)


class SupervisorRow(EditedProvenance, Base):
    __tablename__ = "enterprise_supervisors"

    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(80))


@dataclass(frozen=True)
class MonthReview:
    enterprise_id: str
    period: str
    state: str
    report_version: int
    submitted_by: str | None
    submitted_at: dt.datetime | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    comment: str
    returns: int


@dataclass(frozen=True)
class MonthEvent:
    report_version: int
    step: str
    state: str
    comment: str
    who: str
    role: str
    at: dt.datetime
    snapshot: dict[str, Any] | None
    source: str


def _aware(stamp: dt.datetime | None) -> dt.datetime | None:
    if stamp is None:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _review(row: MonthReviewRow) -> MonthReview:
    return MonthReview(
        row.enterprise_id,
        row.period,
        row.state,
        row.report_version,
        row.submitted_by,
        _aware(row.submitted_at),
        row.reviewed_by,
        _aware(row.reviewed_at),
        row.comment,
        row.returns,
    )


def record_write(
    session: Session,
    report_row: Any,
    *,
    status: str,
    who: str,
    source: str,
    snapshot: dict[str, Any],
    role: str = "enterprise",
) -> None:
    """The review side of saving or submitting a month (called by ``storage.ledgers`` in the same
    transaction): the state moves (an approved month is refused: ``ReviewStateError``) and the
    version's lines go into the history."""
    step = "save" if status == "draft" else "submit"
    row = session.scalars(
        select(MonthReviewRow).where(MonthReviewRow.report_id == report_row.id).with_for_update()
    ).first()
    state = next_state(step, row.state if row is not None else None)
    now = utcnow()
    if row is None:
        row = MonthReviewRow(
            report_id=report_row.id,
            enterprise_id=report_row.enterprise_id,
            period=report_row.period,
            state=state,
            report_version=report_row.version,
            comment="",
            returns=0,
            created_by=who,
            source=source,
            updated_by=who,
        )
        session.add(row)
        before = None
    else:
        before = row_dict(row)
        row.state, row.report_version = state, report_row.version
        row.updated_by, row.updated_at, row.source = who, now, source
    if step == "submit":
        row.submitted_by, row.submitted_at = who, now
        row.reviewed_by = row.reviewed_at = None
    session.add(
        MonthEventRow(
            report_id=report_row.id,
            report_version=report_row.version,
            step=step,
            state=state,
            comment="",
            who=who,
            role=role,
            at=now,
            snapshot=snapshot,
            source=source,
        )
    )
    audit(session, who=who, source=source, action=step, row=row, before=before)


def transition(
    engine: Engine,
    enterprise_id: str,
    period: str,
    step: str,
    *,
    who: str,
    role: str,
    comment: str,
    source: str,
    check: Any = None,
    expected_version: int | None = None,
) -> MonthReview:
    """Approve, return or reopen a month (one transaction, audited, in the history). ``check`` is
    called with the stored ``MonthReview`` before anything changes (the service's rules: who may
    review, nobody their own); ``expected_version``: the report version the reviewer read."""
    from carbonpeak.ledgers.errors import LedgerError

    with Session(engine) as session, session.begin():
        row = session.scalars(
            select(MonthReviewRow)
            .where(MonthReviewRow.enterprise_id == enterprise_id, MonthReviewRow.period == period)
            .with_for_update()
        ).first()
        if row is None:
            raise NotFoundError(f"no report of {enterprise_id} for {period}")
        if check is not None:
            check(_review(row))
        if expected_version is not None and expected_version != row.report_version:
            raise LedgerError(
                f"该月报表已更新为第 {row.report_version} 版（您审核的是第 {expected_version} 版），"
                "请刷新后重新审核",
                message_en=f"the report is now version {row.report_version} (you reviewed version "
                f"{expected_version}); reload and review again",
            )
        state = next_state(step, row.state)
        before = row_dict(row)
        now = utcnow()
        row.state, row.comment = state, comment
        row.reviewed_by, row.reviewed_at = who, now
        if step in ("return", "reopen"):
            row.returns = (row.returns or 0) + 1
        row.updated_by, row.updated_at, row.source = who, now, source
        session.add(
            MonthEventRow(
                report_id=row.report_id,
                report_version=row.report_version,
                step=step,
                state=state,
                comment=comment,
                who=who,
                role=role,
                at=now,
                snapshot=None,
                source=source,
            )
        )
        audit(session, who=who, source=source, action=step, row=row, before=before)
        result = _review(row)
    return result


def reviews(engine: Engine, enterprise_ids: Sequence[str] | None = None) -> list[MonthReview]:
    """The review rows (of the enterprises named, or all), by enterprise and period."""
    query = select(MonthReviewRow).order_by(MonthReviewRow.enterprise_id, MonthReviewRow.period)
    if enterprise_ids is not None:
        query = query.where(MonthReviewRow.enterprise_id.in_(list(enterprise_ids)))
    with Session(reader(engine)) as session:
        return [_review(r) for r in session.scalars(query)]


def counted_reports(
    engine: Engine, enterprise_ids: Sequence[str] | None = None, years: Collection[int] | None = None
) -> list[StoredReport]:
    """The months that count in a unit's figure (``COUNTED_STATES``: submitted or approved, by their
    review state, else the report's own status), of the enterprises named (or all) and the years
    named (or all), by enterprise and period."""
    from carbonpeak.storage.ledgers import list_reports

    state = {(r.enterprise_id, r.period): r.state for r in reviews(engine, enterprise_ids)}
    stored = (
        list_reports(engine)
        if enterprise_ids is None
        else [s for e in sorted(set(enterprise_ids)) for s in list_reports(engine, e)]
    )
    return [
        s
        for s in stored
        if (years is None or s.report.year in years)
        and state.get((s.report.enterprise_id, s.report.period), s.status) in COUNTED_STATES
    ]


def history(engine: Engine, enterprise_id: str, period: str) -> list[MonthEvent]:
    """Every step of a month, oldest first (empty for a month not stored)."""
    with Session(reader(engine)) as session:
        found = session.scalars(
            select(MonthReviewRow.report_id).where(
                MonthReviewRow.enterprise_id == enterprise_id, MonthReviewRow.period == period
            )
        ).first()
        if found is None:
            return []
        rows = session.scalars(
            select(MonthEventRow).where(MonthEventRow.report_id == found).order_by(MonthEventRow.id)
        )
        return [
            MonthEvent(
                r.report_version,
                r.step,
                r.state,
                r.comment,
                r.who,
                r.role,
                _aware(r.at) or r.at,
                r.snapshot,
                r.source,
            )
            for r in rows
        ]


def supervisors(engine: Engine) -> dict[str, str]:
    """Enterprise id → the unit id of its supervising department."""
    with Session(reader(engine)) as session:
        return {r.enterprise_id: r.unit_id for r in session.scalars(select(SupervisorRow))}


def set_supervisor(engine: Engine, enterprise_id: str, unit_id: str, *, who: str, source: str) -> None:
    """Name (or change) an enterprise's supervising department, audited (enterprise ids are text:
    the audit row keeps row_id 0 and names the object, as for the registry)."""
    with Session(engine) as session, session.begin():
        row = session.get(SupervisorRow, enterprise_id)
        before = None
        if row is None:
            row = SupervisorRow(
                enterprise_id=enterprise_id, unit_id=unit_id, created_by=who, source=source, updated_by=who
            )
            session.add(row)
            action = "create"
        else:
            before = row_dict(row)
            row.unit_id, row.updated_by, row.updated_at, row.source = unit_id, who, utcnow(), source
            action = "update"
        session.flush()
        session.add(
            AuditRow(
                who=who,
                source=source,
                action=action,
                table_name=SupervisorRow.__tablename__,
                row_id=0,
                before=before,
                after=row_dict(row) | {"object": f"enterprise:{enterprise_id}"},
            )
        )
