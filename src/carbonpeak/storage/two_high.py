"""Tables and repository of the 两高 project ledger and the stored energy reviews.

A project's energy lines, approvals and disposal history are JSON columns of its row (they are read
and written with the project); every change writes an ``audit_log`` row (before/after) in the same
transaction, so the history of each field is kept as well as the disposal history itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Engine, Float, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import ConflictError, NotFoundError
from carbonpeak.ledgers.projects import TwoHighProject
from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import Base, utcnow
from carbonpeak.storage.tracking import audit, row_dict

SCALARS = (
    "name",
    "company_id",
    "company_name",
    "industry",
    "location",
    "stage",
    "two_high_category",
    "product",
    "annual_output",
    "output_unit",
    "illustrative",
)


class TwoHighProjectRow(Base):
    __tablename__ = "two_high_projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    company_id: Mapped[str] = mapped_column(String(18), index=True)
    company_name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(4))
    location: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(24))
    two_high_category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    product: Mapped[str | None] = mapped_column(String(80), nullable=True)
    annual_output: Mapped[float] = mapped_column(Float)
    output_unit: Mapped[str] = mapped_column(String(40))
    energy: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    approvals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    disposal: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    equipment: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # null: none declared
    illustrative: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class EnergyReviewRow(Base):
    __tablename__ = "energy_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    review_date: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class StoredProject:
    id: int
    project: TwoHighProject
    version: int
    updated_at: dt.datetime
    updated_by: str


def _values(project: TwoHighProject) -> dict[str, Any]:
    data = project.model_dump(mode="json")
    return {k: data[k] for k in SCALARS} | {
        k: data[k] for k in ("energy", "approvals", "disposal", "equipment")
    }


def _stored(row: TwoHighProjectRow) -> StoredProject:
    data = {k: getattr(row, k) for k in (*SCALARS, "energy", "approvals", "disposal")}
    data["equipment"] = row.equipment or []
    return StoredProject(
        row.id, TwoHighProject.model_validate(data), row.version, row.updated_at, row.updated_by
    )


def save_projects(
    engine: Engine,
    items: Sequence[tuple[int | None, TwoHighProject]],
    *,
    who: str,
    source: str,
    expected: Mapping[int, int] | None = None,
) -> list[int]:
    """Insert (id None) or update projects in ONE transaction, all or nothing; returns their ids.
    ``expected`` (id → the version the editor read): a row at another version is not overwritten
    (``ConflictError`` naming who changed it and when; docs/decisions/0301)."""
    ids: list[int] = []
    with Session(engine) as session, session.begin():
        for project_id, project in items:
            values = _values(project)
            if project_id is None:
                row = TwoHighProjectRow(created_by=who, updated_by=who, source=source, version=1, **values)
                session.add(row)
                audit(session, who=who, source=source, action="create", row=row, before=None)
            else:
                found = session.get(TwoHighProjectRow, project_id, with_for_update=True)
                if found is None:
                    raise NotFoundError(f"two-high project {project_id} does not exist")
                row = found
                want = (expected or {}).get(project_id)
                if want is not None and row.version != want:
                    raise ConflictError(
                        f"两高项目「{row.name}」已被 {row.updated_by} 于 {row.updated_at:%Y-%m-%d %H:%M} 修改"
                        f"（当前第 {row.version} 版，您编辑的是第 {want} 版），请刷新后重新修改",
                        message_en=f"two-high project {row.name!r} was changed by {row.updated_by} at "
                        f"{row.updated_at:%Y-%m-%d %H:%M} (version {row.version}, you edited version "
                        f"{want}); reload and apply your change again",
                    )
                before = row_dict(row)
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                row.updated_by, row.updated_at, row.source = who, utcnow(), source
                audit(session, who=who, source=source, action="update", row=row, before=before)
            ids.append(row.id)
    return ids


def get_project(engine: Engine, project_id: int) -> StoredProject | None:
    with Session(reader(engine)) as session:
        row = session.get(TwoHighProjectRow, project_id)
        return _stored(row) if row else None


def list_projects(engine: Engine) -> list[StoredProject]:
    with Session(reader(engine)) as session:
        rows = session.scalars(select(TwoHighProjectRow).order_by(TwoHighProjectRow.id)).all()
        return [_stored(r) for r in rows]


def save_review(
    engine: Engine, result: dict[str, Any], *, who: str, source: str, illustrative: bool = False
) -> int:
    with Session(engine) as session, session.begin():
        row = EnergyReviewRow(
            name=result["name"],
            review_date=dt.date.fromisoformat(result["review_date"]),
            result=result["result"],
            content=result,
            illustrative=illustrative,
            created_by=who,
            source=source,
        )
        session.add(row)
        audit(session, who=who, source=source, action="create", row=row, before=None)
        return row.id


def list_reviews(engine: Engine) -> list[dict[str, Any]]:
    with Session(reader(engine)) as session:
        rows = session.scalars(select(EnergyReviewRow).order_by(EnergyReviewRow.id)).all()
        return [{"id": r.id, "created_by": r.created_by, **r.content} for r in rows]
