"""Published indicators (what the public sees).

``published_indicators`` holds one row per (plan, indicator) the office has ever published; the flag
says whether it is published now. Every publish and unpublish writes a row-level entry to the one
``audit_log`` (action ``publish`` / ``unpublish``, the row before and after).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import AuditRow, Base, utcnow

TABLE = "published_indicators"


class PublishedIndicatorRow(Base):
    __tablename__ = TABLE
    __table_args__ = (UniqueConstraint("plan_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    indicator_id: Mapped[str] = mapped_column(String(120))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # published by the demo


@dataclass(frozen=True)
class Publication:
    indicator_id: str
    published: bool
    published_at: dt.datetime | None
    published_by: str | None
    note: str | None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)  # SQLite returns naive datetimes
    return value


def _state(row: PublishedIndicatorRow) -> dict[str, Any]:
    at = _aware(row.published_at)
    return {
        "indicator_id": row.indicator_id,
        "published": row.published,
        "published_at": at.isoformat() if at else None,
        "published_by": row.published_by,
        "note": row.note,
    }


def publications(engine: Engine, plan_id: str) -> dict[str, Publication]:
    """Every indicator of the plan with a publication row, published or not."""
    with Session(reader(engine)) as s:
        rows = s.scalars(select(PublishedIndicatorRow).where(PublishedIndicatorRow.plan_id == plan_id)).all()
        return {
            r.indicator_id: Publication(
                r.indicator_id, r.published, _aware(r.published_at), r.published_by, r.note
            )
            for r in rows
        }


def set_published(
    engine: Engine,
    plan_id: str,
    indicator_ids: list[str],
    published: bool,
    *,
    who: str,
    source: str,
    note: str | None = None,
    illustrative: bool = False,
) -> list[str]:
    """Publish (or unpublish) the indicators in one transaction; returns the ids whose state changed.
    Each change is audited (action ``publish``/``unpublish``); an unchanged one writes nothing.
    ``illustrative``: the choice is the demo's."""
    changed: list[str] = []
    now = utcnow()
    with Session(engine) as s, s.begin():
        for indicator_id in indicator_ids:
            row = s.scalar(
                select(PublishedIndicatorRow).where(
                    PublishedIndicatorRow.plan_id == plan_id,
                    PublishedIndicatorRow.indicator_id == indicator_id,
                )
            )
            if row is None and not published:
                continue
            if row is not None and row.published == published and (note is None or note == row.note):
                continue
            before = _state(row) if row is not None else None
            if row is None:
                row = PublishedIndicatorRow(
                    plan_id=plan_id, indicator_id=indicator_id, created_by=who, source=source, created_at=now
                )
                s.add(row)
            row.published = published
            if published:
                row.published_at, row.published_by = now, who
            if note is not None:
                row.note = note
            row.updated_at, row.updated_by, row.source = now, who, source
            row.illustrative = illustrative
            s.flush()
            s.add(
                AuditRow(
                    who=who,
                    source=source,
                    action="publish" if published else "unpublish",
                    table_name=TABLE,
                    row_id=row.id,
                    before=before,
                    after=_state(row),
                    at=now,
                )
            )
            changed.append(indicator_id)
    return changed
