"""Repository of the closed years (table ``closed_years``, migration 0048): the office closes a
year's tracking data, and the latest closed year is the default year of every page and command.
Closing inserts a row and reopening deletes it, each with an audit row in the same transaction."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import AuditRow, ClosedYearRow
from carbonpeak.storage.tracking import audit, aware, row_dict
from carbonpeak.tracking.model import ClosedYear


def closed_years(session: Session, plan_id: str) -> list[ClosedYear]:
    """The closed years of a plan, oldest first."""
    rows = session.scalars(
        select(ClosedYearRow).where(ClosedYearRow.plan_id == plan_id).order_by(ClosedYearRow.year)
    )
    return [ClosedYear(r.year, aware(r.created_at), r.created_by, r.comment) for r in rows]


def find(session: Session, plan_id: str, year: int) -> ClosedYearRow | None:
    return session.scalar(
        select(ClosedYearRow).where(ClosedYearRow.plan_id == plan_id, ClosedYearRow.year == year)
    )


def close(session: Session, plan_id: str, year: int, *, who: str, source: str, comment: str | None) -> None:
    row = ClosedYearRow(plan_id=plan_id, year=year, created_by=who, source=source, comment=comment)
    session.add(row)
    audit(session, who=who, source=source, action="close_year", row=row, before=None)


def reopen(session: Session, row: ClosedYearRow, *, who: str, source: str, comment: str | None) -> None:
    before = row_dict(row)
    session.add(
        AuditRow(
            who=who,
            source=source,
            action="reopen_year",
            table_name=ClosedYearRow.__tablename__,
            row_id=row.id,
            before=before,
            after={"comment": comment} if comment else None,
        )
    )
    session.execute(delete(ClosedYearRow).where(ClosedYearRow.id == row.id))
