"""Table and repository of the enterprise energy budgets: one row per enterprise and year; a budget
saved again is updated in place (version + 1); every change audited in its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import (
    Boolean,
    Date,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.budgets import EnergyBudget
from carbonpeak.storage.engine import reader
from carbonpeak.storage.ledgers import EnterpriseRow
from carbonpeak.storage.tables import Base, EditedProvenance, utcnow
from carbonpeak.storage.tracking import audit, row_dict

FIELDS = ("tce_calorific", "tce_coal_substitution", "co2_t", "document", "issued_on", "note", "illustrative")


class BudgetRow(EditedProvenance, Base):
    __tablename__ = "enterprise_budgets"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"))
    year: Mapped[int] = mapped_column(Integer)
    tce_calorific: Mapped[float] = mapped_column(Float)
    tce_coal_substitution: Mapped[float] = mapped_column(Float)
    co2_t: Mapped[float] = mapped_column(Float)
    document: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)


def save_budgets(
    engine: Engine, budgets: Sequence[EnergyBudget], *, who: str, source: str
) -> tuple[int, int]:
    """Insert or update budgets in ONE transaction; (added, changed)."""
    added = changed = 0
    with Session(engine) as session, session.begin():
        for b in budgets:
            if session.get(EnterpriseRow, b.enterprise_id) is None:
                raise NotFoundError(f"enterprise {b.enterprise_id} is not in the registry")
            row = session.scalars(
                select(BudgetRow).where(BudgetRow.enterprise_id == b.enterprise_id, BudgetRow.year == b.year)
            ).first()
            values = {f: getattr(b, f) for f in FIELDS}
            if row is None:
                row = BudgetRow(
                    enterprise_id=b.enterprise_id,
                    year=b.year,
                    version=1,
                    created_by=who,
                    source=source,
                    updated_by=who,
                    **values,
                )
                session.add(row)
                audit(session, who=who, source=source, action="create", row=row, before=None)
                added += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                before = row_dict(row)
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                row.updated_by, row.updated_at, row.source = who, utcnow(), source
                audit(session, who=who, source=source, action="update", row=row, before=before)
                changed += 1
    return added, changed


def list_budgets(
    engine: Engine, year: int | None = None, enterprise_id: str | None = None
) -> list[EnergyBudget]:
    query = select(BudgetRow).order_by(BudgetRow.year, BudgetRow.enterprise_id)
    if year is not None:
        query = query.where(BudgetRow.year == year)
    if enterprise_id is not None:
        query = query.where(BudgetRow.enterprise_id == enterprise_id)
    with Session(reader(engine)) as session:
        return [
            EnergyBudget(enterprise_id=r.enterprise_id, year=r.year, **{f: getattr(r, f) for f in FIELDS})
            for r in session.scalars(query)
        ]
