"""Tables and repository of township decompositions (协同分解): one decomposition per plan, quantity
and target year with its member targets, and the values members (and the district) report.

Saving a decomposition again replaces its member targets in the same transaction; every change
writes an ``audit_log`` row (before/after, member targets included). A member's value goes through
review (draft → submitted → approved or returned, migration ``0110``) with a version counter
(optimistic locking); the district's own figure is the office's statistics and is stored approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from carbonpeak.errors import NotFoundError
from carbonpeak.storage.tables import AuditRow, Base, utcnow
from carbonpeak.storage.tracking import audit, authors_since_moderation, row_dict
from carbonpeak.tracking.errors import ConflictError, WorkflowError
from carbonpeak.tracking.model import STATE_LABELS, next_state

# the unit id of the district's own figure (a plan unit id never starts with '_')
DISTRICT = "_district"


class DecompositionRow(Base):
    __tablename__ = "township_decompositions"
    __table_args__ = (UniqueConstraint("plan_id", "quantity", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    quantity: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    base_year: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    district_target: Mapped[float] = mapped_column(Float)
    district_base: Mapped[float | None] = mapped_column(Float, nullable=True)
    document: Mapped[str | None] = mapped_column(Text, nullable=True)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class MemberTargetRow(Base):
    __tablename__ = "township_member_targets"
    __table_args__ = (UniqueConstraint("decomposition_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decomposition_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("township_decompositions.id"), index=True
    )
    member_id: Mapped[str] = mapped_column(String(80))
    base: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight: Mapped[float | None] = mapped_column(Float, nullable=True)
    target: Mapped[float] = mapped_column(Float)


class TownshipValueRow(Base):
    __tablename__ = "township_values"
    __table_args__ = (UniqueConstraint("plan_id", "unit_id", "quantity", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    unit_id: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    # review (migration 0110): draft → submitted → approved | returned (with the reason in comment)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    returns: Mapped[int] = mapped_column(Integer, default=0)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


@dataclass(frozen=True)
class StoredTarget:
    member: str
    base: float | None
    weight: float | None
    target: float


@dataclass(frozen=True)
class StoredDecomposition:
    id: int
    quantity: str
    year: int
    base_year: int
    method: str
    district_target: float
    district_base: float | None
    document: str | None
    targets: list[StoredTarget]
    illustrative: bool
    updated_by: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class StoredValue:
    unit_id: str
    quantity: str
    year: int
    value: float
    illustrative: bool
    updated_by: str
    id: int = 0
    state: str = "approved"
    version: int = 1
    comment: str | None = None
    returns: int = 0
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


def _snapshot(session: Session, row: DecompositionRow) -> dict[str, Any]:
    targets = session.scalars(
        select(MemberTargetRow).where(MemberTargetRow.decomposition_id == row.id).order_by(MemberTargetRow.id)
    ).all()
    return {**row_dict(row), "members": [row_dict(t) for t in targets]}


def save_decomposition(
    session: Session,
    *,
    plan_id: str,
    quantity: str,
    year: int,
    base_year: int,
    method: str,
    district_target: float,
    district_base: float | None,
    document: str | None,
    targets: Sequence[StoredTarget],
    who: str,
    source: str,
    illustrative: bool = False,
) -> int:
    """Create or replace the decomposition of (plan, quantity, year) with ``targets``; audited."""
    row = session.scalars(
        select(DecompositionRow).where(
            DecompositionRow.plan_id == plan_id,
            DecompositionRow.quantity == quantity,
            DecompositionRow.year == year,
        )
    ).first()
    before = _snapshot(session, row) if row is not None else None
    if row is None:
        row = DecompositionRow(plan_id=plan_id, quantity=quantity, year=year, created_by=who)
        session.add(row)
    row.base_year, row.method, row.district_target = base_year, method, district_target
    row.district_base, row.document, row.illustrative = district_base, document, illustrative
    row.source, row.updated_by, row.updated_at = source, who, utcnow()
    session.flush()
    session.execute(delete(MemberTargetRow).where(MemberTargetRow.decomposition_id == row.id))
    for t in targets:
        session.add(
            MemberTargetRow(
                decomposition_id=row.id, member_id=t.member, base=t.base, weight=t.weight, target=t.target
            )
        )
    session.flush()
    action = "create" if before is None else "update"
    after = _snapshot(session, row)  # the audit row holds the member targets too
    session.add(
        AuditRow(
            who=who,
            source=source,
            action=action,
            table_name=row.__tablename__,
            row_id=row.id,
            before=before,
            after=after,
        )
    )
    return row.id


def decompositions(session: Session, plan_id: str) -> list[StoredDecomposition]:
    rows = session.scalars(
        select(DecompositionRow)
        .where(DecompositionRow.plan_id == plan_id)
        .order_by(DecompositionRow.quantity, DecompositionRow.year)
    ).all()
    targets: dict[int, list[StoredTarget]] = {}
    if rows:
        for t in session.scalars(
            select(MemberTargetRow)
            .where(MemberTargetRow.decomposition_id.in_([r.id for r in rows]))
            .order_by(MemberTargetRow.id)
        ):
            targets.setdefault(t.decomposition_id, []).append(
                StoredTarget(t.member_id, t.base, t.weight, t.target)
            )
    return [
        StoredDecomposition(
            r.id,
            r.quantity,
            r.year,
            r.base_year,
            r.method,
            r.district_target,
            r.district_base,
            r.document,
            targets.get(r.id, []),
            r.illustrative,
            r.updated_by,
            r.updated_at,
        )
        for r in rows
    ]


def _words(row: TownshipValueRow) -> str:
    return f"{row.year}年「{row.quantity}」的数值"


def check_version(row: TownshipValueRow, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise ConflictError(
            f"该数值已由 {row.updated_by} 修改（当前版本 {row.version}，您修改的是版本 {expected}），"
            "请刷新后重新填写",
            message_en=f"this value was changed by {row.updated_by} (version {row.version}, you edited "
            f"version {expected}); reload and apply your change again",
        )


def _step(step: str, row: TownshipValueRow) -> str:
    try:
        return next_state(step, row.state)
    except WorkflowError:
        zh = {"edit": "修改", "submit": "提交", "approve": "审核通过", "return": "退回", "reopen": "重新打开"}
        raise WorkflowError(
            f"{_words(row)}处于「{STATE_LABELS.get(row.state, row.state)}」状态，不能{zh.get(step, step)}",
            message_en=f"cannot {step} a value that is {row.state}",
        ) from None


def _flush(session: Session, row: TownshipValueRow) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            "该数值已被他人修改，请刷新后重试", message_en="the value was changed meanwhile; reload and retry"
        ) from exc


def save_value(
    session: Session,
    *,
    plan_id: str,
    unit_id: str,
    quantity: str,
    year: int,
    value: float,
    who: str,
    source: str,
    illustrative: bool = False,
    reviewed: bool = True,
    expected_version: int | None = None,
) -> TownshipValueRow:
    """Create or change the value of (unit, quantity, year); audited. A ``reviewed`` value (a
    member's) is created as a draft and edited only while draft or returned, on the version read;
    the district's own figure (``reviewed`` False) is stored approved."""
    row = session.scalars(
        select(TownshipValueRow).where(
            TownshipValueRow.plan_id == plan_id,
            TownshipValueRow.unit_id == unit_id,
            TownshipValueRow.quantity == quantity,
            TownshipValueRow.year == year,
        )
    ).first()
    before = row_dict(row) if row is not None else None
    if row is None:
        row = TownshipValueRow(
            plan_id=plan_id,
            unit_id=unit_id,
            quantity=quantity,
            year=year,
            created_by=who,
            returns=0,
            state="draft" if reviewed else "approved",
        )
        session.add(row)
    elif reviewed:
        check_version(row, expected_version)
        row.state = _step("edit", row)
    row.value, row.illustrative, row.source, row.updated_by, row.updated_at = (
        value,
        illustrative,
        source,
        who,
        utcnow(),
    )
    _flush(session, row)
    audit(
        session,
        who=who,
        source=source,
        action="create" if before is None else "update",
        row=row,
        before=before,
    )
    return row


def get_value(session: Session, plan_id: str, value_id: int) -> TownshipValueRow:
    row = session.get(TownshipValueRow, value_id)
    if row is None or row.plan_id != plan_id or row.unit_id == DISTRICT:
        raise NotFoundError(f"没有编号为 {value_id} 的成员数值", message_en=f"no member value #{value_id}")
    return row


def transition(
    session: Session,
    row: TownshipValueRow,
    step: str,
    *,
    who: str,
    source: str,
    comment: str | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> TownshipValueRow:
    """Move a member's value through review (submit, approve, return, reopen), audited; a return
    counts in ``returns`` and keeps its reason in ``comment``."""
    check_version(row, expected_version)
    state = _step(step, row)
    before = row_dict(row)
    now = at or utcnow()
    row.state = state
    if step == "submit":
        row.submitted_at = now
    if step == "return":
        row.returns = (row.returns or 0) + 1
    if comment is not None:
        row.comment = comment
    row.updated_by, row.updated_at = who, now
    _flush(session, row)
    audit(session, who=who, source=source, action=step, row=row, before=before)
    return row


# audit actions that make a value or put it forward: their authors may not approve it
AUTHOR_ACTIONS = ("create", "update", "submit")


def authors(session: Session, row: TownshipValueRow) -> set[str]:
    """Who entered, changed or submitted the value since its last moderation (separation of duties)."""
    return authors_since_moderation(session, row.__tablename__, row.id, AUTHOR_ACTIONS)


def _stored(r: TownshipValueRow) -> StoredValue:
    return StoredValue(
        r.unit_id,
        r.quantity,
        r.year,
        r.value,
        r.illustrative,
        r.updated_by,
        r.id,
        r.state,
        r.version,
        r.comment,
        r.returns or 0,
        r.submitted_at,
        r.updated_at,
    )


def values(session: Session, plan_id: str) -> list[StoredValue]:
    rows = session.scalars(
        select(TownshipValueRow).where(TownshipValueRow.plan_id == plan_id).order_by(TownshipValueRow.id)
    ).all()
    return [_stored(r) for r in rows]


def value(session: Session, plan_id: str, value_id: int) -> StoredValue:
    return _stored(get_value(session, plan_id, value_id))
