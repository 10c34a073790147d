"""Table and repository of the firms' own plans (一企一策): one row per enterprise, its measures as
JSON; saving again replaces the plan (version + 1) and the audit row keeps the one before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Engine, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.firm_plans import FirmPlan
from carbonpeak.storage.engine import reader
from carbonpeak.storage.ledgers import EnterpriseRow
from carbonpeak.storage.tables import Base, EditedProvenance, utcnow
from carbonpeak.storage.tracking import audit, row_dict


class FirmPlanRow(EditedProvenance, Base):
    __tablename__ = "firm_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(String(255))
    adopted_on: Mapped[dt.date] = mapped_column(Date)
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)


def save_plan(engine: Engine, plan: FirmPlan, *, who: str, source: str) -> int:
    """Store or replace a unit's plan; its version."""
    measures = [m.model_dump(mode="json") for m in plan.measures]
    with Session(engine) as session, session.begin():
        if session.get(EnterpriseRow, plan.enterprise_id) is None:
            raise NotFoundError(f"enterprise {plan.enterprise_id} is not in the registry")
        row = session.scalars(
            select(FirmPlanRow).where(FirmPlanRow.enterprise_id == plan.enterprise_id)
        ).first()
        before = None
        if row is None:
            row = FirmPlanRow(
                enterprise_id=plan.enterprise_id, version=1, created_by=who, source=source, updated_by=who
            )
            session.add(row)
            action = "create"
        else:
            before = row_dict(row)
            row.version += 1
            row.updated_by, row.updated_at, row.source = who, utcnow(), source
            action = "update"
        row.title, row.document, row.adopted_on, row.measures = (
            plan.title,
            plan.document,
            plan.adopted_on,
            measures,
        )
        audit(session, who=who, source=source, action=action, row=row, before=before)
        return row.version


def plans(engine: Engine, enterprise_id: str | None = None) -> list[FirmPlan]:
    query = select(FirmPlanRow).order_by(FirmPlanRow.enterprise_id)
    if enterprise_id is not None:
        query = query.where(FirmPlanRow.enterprise_id == enterprise_id)
    with Session(reader(engine)) as session:
        return [
            FirmPlan(
                enterprise_id=r.enterprise_id,
                title=r.title,
                document=r.document,
                adopted_on=r.adopted_on,
                measures=tuple(r.measures),
            )
            for r in session.scalars(query)
        ]
