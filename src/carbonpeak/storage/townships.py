"""Tables and repository of township decompositions (协同分解): one decomposition per plan, quantity
and target year with its member targets, and the values members (and the district) report.

Saving a decomposition again replaces its member targets in the same transaction; every change
writes an ``audit_log`` row (before/after, member targets included).
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

from carbonpeak.storage.tables import AuditRow, Base, utcnow
from carbonpeak.storage.tracking import audit, row_dict

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
) -> int:
    """Create or change the value of (unit, quantity, year); audited."""
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
        row = TownshipValueRow(plan_id=plan_id, unit_id=unit_id, quantity=quantity, year=year, created_by=who)
        session.add(row)
    row.value, row.illustrative, row.source, row.updated_by, row.updated_at = (
        value,
        illustrative,
        source,
        who,
        utcnow(),
    )
    audit(
        session,
        who=who,
        source=source,
        action="create" if before is None else "update",
        row=row,
        before=before,
    )
    return row.id


def values(session: Session, plan_id: str) -> list[StoredValue]:
    rows = session.scalars(
        select(TownshipValueRow).where(TownshipValueRow.plan_id == plan_id).order_by(TownshipValueRow.id)
    ).all()
    return [StoredValue(r.unit_id, r.quantity, r.year, r.value, r.illustrative, r.updated_by) for r in rows]
