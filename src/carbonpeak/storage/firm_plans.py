"""Table and repository of the firms' own plans (一企一策): one row per enterprise, its measures as
JSON; saving again replaces the plan (version + 1) and the audit row keeps the one before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    # the uploaded plan document (migration 0120): stored by sha256 as evidence files are
    document_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    document_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    document_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_type: Mapped[str | None] = mapped_column(String(10), nullable=True)


@dataclass(frozen=True)
class PlanDocument:
    """The uploaded file of a unit's plan: its sha256 (the stored file's name), the name the user
    gave it (display only), size and type detected from the content."""

    sha256: str
    name: str
    size: int
    kind: str


def save_plan(
    engine: Engine, plan: FirmPlan, *, who: str, source: str, document: PlanDocument | None = None
) -> int:
    """Store or replace a unit's plan (with ``document``: its newly uploaded file; without, the file
    stored before stays); its version."""
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
        if document is not None:
            row.document_sha256, row.document_name = document.sha256, document.name
            row.document_size, row.document_type = document.size, document.kind
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


def documents(engine: Engine, enterprise_id: str | None = None) -> dict[str, PlanDocument]:
    """The uploaded plan documents by enterprise (units whose plan has no file are left out)."""
    query = select(FirmPlanRow).where(FirmPlanRow.document_sha256.is_not(None))
    if enterprise_id is not None:
        query = query.where(FirmPlanRow.enterprise_id == enterprise_id)
    with Session(reader(engine)) as session:
        return {
            r.enterprise_id: PlanDocument(
                r.document_sha256 or "", r.document_name or "", r.document_size or 0, r.document_type or ""
            )
            for r in session.scalars(query)
        }
