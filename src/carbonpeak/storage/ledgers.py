"""Tables and repository of the enterprise ledger: enterprises, monthly energy reports, their lines
and their product lines (the benchmark levels).

A resubmission of the same (enterprise, period) replaces the lines in one transaction and bumps the
report's version; every change writes a row of the ``audit_log`` (before/after) in that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.ledgers import EnergyReport, Enterprise, ReportLine
from carbonpeak.ledgers.report import ProductLine
from carbonpeak.storage.engine import reader
from carbonpeak.storage.month_review import record_write
from carbonpeak.storage.tables import AuditRow, Base, EditedProvenance, utcnow
from carbonpeak.storage.tracking import audit, row_dict


class EnterpriseRow(EditedProvenance, Base):
    __tablename__ = "enterprises"

    id: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(2))
    town: Mapped[str] = mapped_column(String(80))
    two_high: Mapped[bool] = mapped_column(Boolean)
    two_high_category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    benchmark_product: Mapped[str | None] = mapped_column(String(80), nullable=True)
    illustrative: Mapped[bool] = mapped_column(Boolean)


class EnterpriseReportRow(EditedProvenance, Base):
    __tablename__ = "enterprise_reports"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "period"),
        CheckConstraint("status IN ('draft', 'submitted')", name="ck_enterprise_reports_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    output_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data (示例数据)


class EnterpriseReportLineRow(Base):
    __tablename__ = "enterprise_report_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("enterprise_reports.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    fuel: Mapped[str] = mapped_column(String(40))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))


class EnterpriseReportProductRow(Base):
    """A product line of a month for the benchmark levels (migration 0126; one product a month on
    ``enterprise_reports`` before, 0121): written and replaced with the report, like its lines."""

    __tablename__ = "enterprise_report_products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("enterprise_reports.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(80))
    output: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    energy_tce: Mapped[float | None] = mapped_column(Float, nullable=True)


@dataclass(frozen=True)
class StoredReport:
    """A report as stored: the domain report and its workflow facts."""

    id: int
    report: EnergyReport
    status: str
    version: int
    source: str
    updated_at: dt.datetime
    updated_by: str
    illustrative: bool = False


_ENTERPRISE_FIELDS = (
    "name",
    "industry",
    "town",
    "two_high",
    "two_high_category",
    "benchmark_product",
    "illustrative",
)


def _enterprise(row: EnterpriseRow) -> Enterprise:
    return Enterprise(id=row.id, **{f: getattr(row, f) for f in _ENTERPRISE_FIELDS})


# ids per SELECT … WHERE id IN (…) of an import (well under SQLite's and PostgreSQL's bound-parameter caps)
_ID_CHUNK = 500


def save_enterprises(
    engine: Engine, enterprises: Sequence[Enterprise], *, who: str, source: str
) -> tuple[int, int]:
    """Insert or update enterprises in ONE transaction (all or nothing); returns (added, changed).

    In bulk: the stored rows are read in a few ``IN`` queries, the new rows are inserted in one
    flush (one multi-row INSERT, SQLAlchemy's insertmanyvalues) and each enterprise's audit row
    (one per enterprise added or changed, decision 0310) is written in one more, in the same
    transaction. ``audit_log.row_id`` is an integer and enterprises are keyed by their 统一社会信用代码:
    as for accounts, the log keeps row_id 0 and names the object in ``after["object"]``."""
    added = changed = 0
    ids = list(dict.fromkeys(e.id for e in enterprises))
    now = utcnow()
    with Session(engine) as session, session.begin():
        stored: dict[str, EnterpriseRow] = {}
        for i in range(0, len(ids), _ID_CHUNK):
            chunk = ids[i : i + _ID_CHUNK]
            stored |= {
                r.id: r for r in session.scalars(select(EnterpriseRow).where(EnterpriseRow.id.in_(chunk)))
            }
        touched: list[tuple[EnterpriseRow, str, dict[str, object] | None]] = []
        for ent in enterprises:
            row = stored.get(ent.id)
            values = {f: getattr(ent, f) for f in _ENTERPRISE_FIELDS}
            if row is None:
                row = EnterpriseRow(
                    id=ent.id,
                    created_by=who,
                    source=source,
                    updated_by=who,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                session.add(row)
                stored[ent.id] = row
                touched.append((row, "create", None))
                added += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                before = row_dict(row)
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_by, row.updated_at, row.source = who, now, source
                touched.append((row, "update", before))
                changed += 1
        session.flush()
        session.add_all(
            AuditRow(
                who=who,
                source=source,
                action=action,
                table_name=row.__tablename__,
                row_id=0,
                before=before,
                after=row_dict(row) | {"object": f"enterprise:{row.id}"},
                at=now,
            )
            for row, action, before in touched
        )
    return added, changed


def get_enterprise(engine: Engine, enterprise_id: str) -> Enterprise | None:
    with Session(reader(engine)) as session:
        row = session.get(EnterpriseRow, enterprise_id)
        return _enterprise(row) if row else None


def list_enterprises(engine: Engine) -> list[Enterprise]:
    with Session(reader(engine)) as session:
        rows = session.scalars(select(EnterpriseRow).order_by(EnterpriseRow.id)).all()
        return [_enterprise(r) for r in rows]


def _stored(
    row: EnterpriseReportRow,
    lines: Sequence[EnterpriseReportLineRow],
    products: Sequence[EnterpriseReportProductRow] = (),
) -> StoredReport:
    report = EnergyReport(
        enterprise_id=row.enterprise_id,
        period=row.period,
        lines=[ReportLine(fuel=ln.fuel, amount=ln.amount, unit=ln.unit) for ln in lines],
        output_value=row.output_value,
        note=row.note,
        products=[
            ProductLine(product=p.product, output=p.output, unit=p.unit, energy_tce=p.energy_tce)
            for p in products
        ],
    )
    updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
    return StoredReport(
        row.id, report, row.status, row.version, row.source, updated, row.updated_by, row.illustrative
    )


def _write(
    session: Session,
    report: EnergyReport,
    status: str,
    who: str,
    source: str,
    illustrative: bool,
    role: str = "enterprise",
) -> EnterpriseReportRow:
    row = session.scalars(
        select(EnterpriseReportRow)
        .where(
            EnterpriseReportRow.enterprise_id == report.enterprise_id,
            EnterpriseReportRow.period == report.period,
        )
        .with_for_update()
    ).first()
    if row is None:
        row = EnterpriseReportRow(
            enterprise_id=report.enterprise_id,
            period=report.period,
            status=status,
            version=1,
            output_value=report.output_value,
            note=report.note,
            illustrative=illustrative,
            created_by=who,
            source=source,
            updated_by=who,
        )
        session.add(row)
        session.flush()
        before = None
        action = "create"
    else:
        old_lines = session.scalars(
            select(EnterpriseReportLineRow).where(EnterpriseReportLineRow.report_id == row.id)
        ).all()
        old_products = session.scalars(
            select(EnterpriseReportProductRow)
            .where(EnterpriseReportProductRow.report_id == row.id)
            .order_by(EnterpriseReportProductRow.line_no)
        ).all()
        before = row_dict(row) | {
            "lines": [[ln.fuel, ln.amount, ln.unit] for ln in old_lines],
            "products": [[p.product, p.output, p.unit, p.energy_tce] for p in old_products],
        }
        session.execute(delete(EnterpriseReportLineRow).where(EnterpriseReportLineRow.report_id == row.id))
        session.execute(
            delete(EnterpriseReportProductRow).where(EnterpriseReportProductRow.report_id == row.id)
        )
        row.status, row.version = status, row.version + 1
        row.output_value, row.note = report.output_value, report.note
        row.updated_by, row.updated_at, row.source = who, utcnow(), source
        row.illustrative = illustrative
        action = "replace"
    for i, line in enumerate(report.lines):
        session.add(
            EnterpriseReportLineRow(
                report_id=row.id, line_no=i, fuel=line.fuel, amount=line.amount, unit=line.unit
            )
        )
    for i, p in enumerate(report.products):
        session.add(
            EnterpriseReportProductRow(
                report_id=row.id,
                line_no=i,
                product=p.product,
                output=p.output,
                unit=p.unit,
                energy_tce=p.energy_tce,
            )
        )
    products = [[p.product, p.output, p.unit, p.energy_tce] for p in report.products]
    audit(session, who=who, source=source, action=action, row=row, before=before)
    snapshot = {
        "lines": [[ln.fuel, ln.amount, ln.unit] for ln in report.lines],
        "output_value": report.output_value,
        "note": report.note,
        "products": products,
    }  # the review's history keeps every version (storage.month_review)
    record_write(session, row, status=status, who=who, source=source, snapshot=snapshot, role=role)
    return row


def save_report(
    engine: Engine, report: EnergyReport, *, status: str, who: str, source: str, illustrative: bool = False
) -> StoredReport:
    """Store a report; for an (enterprise, period) already stored, replace its lines and bump the
    version — one transaction, audited. ``illustrative``: demo data. Raises NotFoundError for an
    enterprise not in the registry. The report returned is the one this transaction wrote (read
    before its commit), never a later writer's."""
    if status not in ("draft", "submitted"):
        raise InvalidInputError(f"status {status!r}: expected draft or submitted")
    for attempt in range(2):
        try:
            with Session(engine) as session, session.begin():
                if session.get(EnterpriseRow, report.enterprise_id) is None:
                    raise NotFoundError(f"enterprise {report.enterprise_id} is not in the registry")
                row = _write(session, report, status, who, source, illustrative)
                session.flush()
                return _load(session, [row])[0]
        except IntegrityError:  # two first submissions of the same month at once: the loser updates
            if attempt:
                raise
    raise AssertionError("unreachable: the second attempt returns or raises")  # pragma: no cover


def _load(session: Session, rows: Sequence[EnterpriseReportRow]) -> list[StoredReport]:
    ids = [r.id for r in rows]
    lines: dict[int, list[EnterpriseReportLineRow]] = {i: [] for i in ids}
    products: dict[int, list[EnterpriseReportProductRow]] = {i: [] for i in ids}
    if ids:
        for ln in session.scalars(
            select(EnterpriseReportLineRow)
            .where(EnterpriseReportLineRow.report_id.in_(ids))
            .order_by(EnterpriseReportLineRow.report_id, EnterpriseReportLineRow.line_no)
        ):
            lines[ln.report_id].append(ln)
        for p in session.scalars(
            select(EnterpriseReportProductRow)
            .where(EnterpriseReportProductRow.report_id.in_(ids))
            .order_by(EnterpriseReportProductRow.report_id, EnterpriseReportProductRow.line_no)
        ):
            products[p.report_id].append(p)
    return [_stored(r, lines[r.id], products[r.id]) for r in rows]


def list_reports(engine: Engine, enterprise_id: str | None = None) -> list[StoredReport]:
    """Reports by enterprise and period (of one enterprise, or all)."""
    query = select(EnterpriseReportRow).order_by(
        EnterpriseReportRow.enterprise_id, EnterpriseReportRow.period
    )
    if enterprise_id is not None:
        query = query.where(EnterpriseReportRow.enterprise_id == enterprise_id)
    with Session(reader(engine)) as session:
        return _load(session, session.scalars(query).all())


def get_report(engine: Engine, enterprise_id: str, period: str) -> StoredReport | None:
    with Session(reader(engine)) as session:
        rows = session.scalars(
            select(EnterpriseReportRow).where(
                EnterpriseReportRow.enterprise_id == enterprise_id, EnterpriseReportRow.period == period
            )
        ).all()
        found = _load(session, rows)
        return found[0] if found else None
