"""Table and repository of the key emitters (重点排放单位): one row per enterprise and reporting
year (its listing, report, verification, compliance) with the uploaded documents named by sha256;
every change audited in its transaction; edits carry the version they were read at (optimistic)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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

from carbonpeak.errors import ConflictError, NotFoundError
from carbonpeak.ledgers.emitters import EmitterYear
from carbonpeak.storage.engine import reader
from carbonpeak.storage.ledgers import EnterpriseRow
from carbonpeak.storage.tables import Base, EditedProvenance, utcnow
from carbonpeak.storage.tracking import audit, row_dict

FIELDS = tuple(f for f in EmitterYear.model_fields if f not in ("enterprise_id", "year"))
FILES = ("report", "verification")


class EmitterYearRow(EditedProvenance, Base):
    __tablename__ = "key_emitter_years"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"))
    year: Mapped[int] = mapped_column(Integer)
    program: Mapped[str] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(100))
    report_submitted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    report_document: Mapped[str] = mapped_column(String(255))
    reported_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    verifier: Mapped[str] = mapped_column(String(200))
    verified_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    verification_document: Mapped[str] = mapped_column(String(255))
    verified_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    allocated_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    surrendered_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    surrendered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    compliance: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    # uploaded documents: sha256 of the stored file (evidence store) and the cleaned display name
    report_file: Mapped[str | None] = mapped_column(String(64), nullable=True)
    report_file_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    report_file_kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    verification_file: Mapped[str | None] = mapped_column(String(64), nullable=True)
    verification_file_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    verification_file_kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    version: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class StoredEmitterYear:
    record: EmitterYear
    version: int
    updated_by: str
    updated_at: dt.datetime
    files: dict[str, dict[str, str] | None]


def _stored(row: EmitterYearRow) -> StoredEmitterYear:
    record = EmitterYear.model_construct(
        enterprise_id=row.enterprise_id, year=row.year, **{f: getattr(row, f) for f in FIELDS}
    )
    files: dict[str, dict[str, str] | None] = {}
    for which in FILES:
        sha = getattr(row, f"{which}_file")
        files[which] = (
            {
                "sha256": sha,
                "name": getattr(row, f"{which}_file_name") or "",
                "kind": getattr(row, f"{which}_file_kind") or "",
            }
            if sha
            else None
        )
    return StoredEmitterYear(record, row.version, row.updated_by, row.updated_at, files)


def _conflict(row: EmitterYearRow, expected: int) -> ConflictError:
    return ConflictError(
        f"{row.enterprise_id} {row.year} 年度记录已被 {row.updated_by} 修改（版本 {row.version}，"
        f"您编辑的是版本 {expected}），请刷新后重新修改",
        message_en=f"{row.enterprise_id} {row.year} was changed by {row.updated_by} (version "
        f"{row.version}, you edited version {expected}); reload and apply your change again",
    )


def _row(session: Session, enterprise_id: str, year: int) -> EmitterYearRow | None:
    return session.scalars(
        select(EmitterYearRow)
        .where(EmitterYearRow.enterprise_id == enterprise_id, EmitterYearRow.year == year)
        .with_for_update()
    ).first()


def save_years(
    engine: Engine,
    records: Sequence[EmitterYear],
    *,
    who: str,
    source: str,
    expected_versions: Mapping[tuple[str, int], int] | None = None,
) -> tuple[int, int]:
    """Insert or update records in ONE transaction (all or nothing); (added, changed). A record whose
    (enterprise, year) is in ``expected_versions`` must still be at that version (ConflictError)."""
    added = changed = 0
    expected_versions = expected_versions or {}
    with Session(engine) as session, session.begin():
        for rec in records:
            if session.get(EnterpriseRow, rec.enterprise_id) is None:
                raise NotFoundError(
                    f"企业 {rec.enterprise_id} 不在企业名录中",
                    message_en=f"enterprise {rec.enterprise_id} is not in the registry",
                )
            row = _row(session, rec.enterprise_id, rec.year)
            expected = expected_versions.get((rec.enterprise_id, rec.year))
            values = {f: getattr(rec, f) for f in FIELDS}
            if row is None:
                if expected is not None:
                    raise NotFoundError(
                        f"{rec.enterprise_id} 没有 {rec.year} 年度记录",
                        message_en=f"no record of {rec.enterprise_id} for {rec.year}",
                    )
                row = EmitterYearRow(
                    enterprise_id=rec.enterprise_id,
                    year=rec.year,
                    version=1,
                    created_by=who,
                    source=source,
                    updated_by=who,
                    **values,
                )
                session.add(row)
                session.flush()
                audit(session, who=who, source=source, action="create", row=row, before=None)
                added += 1
                continue
            if expected is not None and row.version != expected:
                raise _conflict(row, expected)
            if _apply(session, row, values, who=who, source=source):
                changed += 1
    return added, changed


def _apply(
    session: Session, row: EmitterYearRow, values: Mapping[str, Any], *, who: str, source: str
) -> bool:
    if all(getattr(row, k) == v for k, v in values.items()):
        return False
    before = row_dict(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.version += 1
    row.updated_by, row.updated_at, row.source = who, utcnow(), source
    audit(session, who=who, source=source, action="update", row=row, before=before)
    return True


def update_year(
    engine: Engine,
    enterprise_id: str,
    year: int,
    values: Mapping[str, Any],
    *,
    who: str,
    source: str,
    expected_version: int | None = None,
) -> StoredEmitterYear:
    """Change some columns of an existing record (the enterprise's report, an uploaded document),
    audited; refused if the record changed since ``expected_version``."""
    with Session(engine) as session, session.begin():
        row = _row(session, enterprise_id, year)
        if row is None:
            raise NotFoundError(
                f"{enterprise_id} 未列为 {year} 年度重点排放单位",
                message_en=f"{enterprise_id} is not listed as a key emitter for {year}",
            )
        if expected_version is not None and row.version != expected_version:
            raise _conflict(row, expected_version)
        _apply(session, row, values, who=who, source=source)
        session.flush()
        return _stored(row)


def list_years(
    engine: Engine, year: int | None = None, enterprise_id: str | None = None
) -> list[StoredEmitterYear]:
    query = select(EmitterYearRow).order_by(EmitterYearRow.year, EmitterYearRow.enterprise_id)
    if year is not None:
        query = query.where(EmitterYearRow.year == year)
    if enterprise_id is not None:
        query = query.where(EmitterYearRow.enterprise_id == enterprise_id)
    with Session(reader(engine)) as session:
        return [_stored(r) for r in session.scalars(query)]
