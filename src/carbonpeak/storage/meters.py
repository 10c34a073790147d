"""Tables and repository of online energy monitoring (重点用能单位能耗在线监测): meters, ingest
batches, the validated interval use and the quarantined readings.

A batch is stored in ONE transaction with its audit row. The interval rows go in with the
database's own bulk path — ``COPY … FROM STDIN`` on PostgreSQL (psycopg), one ``executemany`` of
a prepared INSERT on SQLite — never row by row through the ORM (decision 0521)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.monitoring import Meter
from carbonpeak.storage.engine import reader
from carbonpeak.storage.ledgers import EnterpriseRow
from carbonpeak.storage.tables import Base, EditedProvenance, Provenance, utcnow
from carbonpeak.storage.tracking import audit, row_dict


class MeterRow(EditedProvenance, Base):
    __tablename__ = "enterprise_meters"
    __table_args__ = (UniqueConstraint("enterprise_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"))
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(12))
    interval_minutes: Mapped[int] = mapped_column(Integer)
    enthalpy_gj_per_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_time: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class MeterBatchRow(Provenance, Base):
    __tablename__ = "meter_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(18), ForeignKey("enterprises.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    readings: Mapped[int] = mapped_column(Integer)
    stored: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    resets: Mapped[int] = mapped_column(Integer)
    gaps: Mapped[int] = mapped_column(Integer)


class MeterIntervalRow(Base):
    __tablename__ = "meter_intervals"

    meter_id: Mapped[int] = mapped_column(Integer, ForeignKey("enterprise_meters.id"), primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    use: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int] = mapped_column(Integer)


class MeterQuarantineRow(Base):
    __tablename__ = "meter_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(Integer, ForeignKey("meter_batches.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    meter_code: Mapped[str] = mapped_column(String(40))
    time: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))


@dataclass(frozen=True)
class StoredMeter:
    id: int
    meter: Meter
    last_time: dt.datetime | None
    last_amount: float | None


def _aware(stamp: dt.datetime | None) -> dt.datetime | None:
    if stamp is None:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def save_meter(engine: Engine, meter: Meter, *, who: str, source: str, illustrative: bool = False) -> int:
    """Register a meter (or change its description), audited; its id."""
    with Session(engine) as session, session.begin():
        if session.get(EnterpriseRow, meter.enterprise_id) is None:
            raise NotFoundError(f"enterprise {meter.enterprise_id} is not in the registry")
        row = session.scalars(
            select(MeterRow).where(
                MeterRow.enterprise_id == meter.enterprise_id, MeterRow.code == meter.meter_id
            )
        ).first()
        values = {
            "kind": meter.kind,
            "mode": meter.mode,
            "interval_minutes": meter.interval_minutes,
            "enthalpy_gj_per_t": meter.enthalpy_gj_per_t,
        }
        before = None
        if row is None:
            row = MeterRow(
                enterprise_id=meter.enterprise_id,
                code=meter.meter_id,
                illustrative=illustrative,
                created_by=who,
                source=source,
                updated_by=who,
                **values,
            )
            session.add(row)
            action = "create"
        else:
            before = row_dict(row)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_by, row.updated_at, row.source = who, utcnow(), source
            action = "update"
        audit(session, who=who, source=source, action=action, row=row, before=before)
        return row.id


def meters(engine: Engine, enterprise_id: str) -> list[StoredMeter]:
    with Session(reader(engine)) as session:
        rows = session.scalars(
            select(MeterRow).where(MeterRow.enterprise_id == enterprise_id).order_by(MeterRow.code)
        ).all()
        return [
            StoredMeter(
                r.id,
                Meter(r.code, r.enterprise_id, r.kind, r.mode, r.interval_minutes, r.enthalpy_gj_per_t),  # type: ignore[arg-type]
                _aware(r.last_time),
                r.last_amount,
            )
            for r in rows
        ]


def _bulk_intervals(session: Session, frame: pd.DataFrame) -> None:
    """meter_id, time, use, batch_id rows by the database's bulk path."""
    if frame.empty:
        return
    connection = session.connection()
    # the times as UTC text in one NumPy call (microseconds): 2025-03-01T00:15:00.000000
    naive = frame["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    stamps = np.datetime_as_string(naive, unit="us")
    if connection.dialect.name == "postgresql":
        # COPY's text format: one tab-separated line per row, the floats by repr (exact round trip)
        times = stamps.tolist()
        lines = zip(
            frame["meter_id"].astype("int64").tolist(),
            times,
            frame["use"].astype("float64").tolist(),
            frame["batch_id"].astype("int64").tolist(),
            strict=True,
        )
        text = "".join([f"{m}\t{t}+00\t{u!r}\t{b}\n" for m, t, u, b in lines])
        raw: Any = connection.connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy("COPY meter_intervals (meter_id, time, use, batch_id) FROM STDIN") as copy,
        ):
            copy.write(text)
        return
    # SQLite: one executemany of the driver, times in SQLAlchemy's own SQLite text form (UTC)
    times = pd.Series(np.char.replace(stamps, "T", " "))
    records = zip(
        frame["meter_id"].astype("int64").tolist(),
        times.tolist(),
        frame["use"].astype("float64").tolist(),
        frame["batch_id"].astype("int64").tolist(),
        strict=True,
    )
    raw_sqlite: Any = connection.connection.driver_connection
    raw_sqlite.executemany(
        "INSERT INTO meter_intervals (meter_id, time, use, batch_id) VALUES (?, ?, ?, ?)", records
    )


def _quarantine_row(batch_id: int, r: Mapping[Any, Any]) -> dict[str, Any]:
    time, value = r["time"], r["value"]
    return {
        "batch_id": batch_id,
        "row": int(r["row"]),
        "meter_code": str(r["meter"]),
        "time": None if pd.isna(time) else pd.Timestamp(time).to_pydatetime(),
        "value": None if pd.isna(value) else float(value),
        "unit": str(r["unit"]),
        "reason": str(r["reason"]),
    }


def store_batch(
    engine: Engine,
    enterprise_id: str,
    *,
    intervals: pd.DataFrame,
    quarantine: pd.DataFrame,
    last: dict[int, tuple[dt.datetime, float]],
    readings: int,
    resets: int,
    gaps: int,
    received_at: dt.datetime,
    who: str,
    source: str,
) -> int:
    """Store one validated batch (intervals: meter_id, time UTC, use; quarantine: row, meter,
    time, value, unit, reason; ``last``: meter id → its latest reading) in one transaction."""
    with Session(engine) as session, session.begin():
        batch = MeterBatchRow(
            enterprise_id=enterprise_id,
            received_at=received_at,
            readings=readings,
            stored=len(intervals),
            quarantined=len(quarantine),
            resets=resets,
            gaps=gaps,
            created_by=who,
            source=source,
        )
        session.add(batch)
        session.flush()
        _bulk_intervals(session, intervals.assign(batch_id=batch.id))
        if not quarantine.empty:
            session.execute(
                insert(MeterQuarantineRow),
                [_quarantine_row(batch.id, r) for r in quarantine.to_dict("records")],
            )
        if last:  # the meters' latest readings: one SELECT of the batch's meters, not one get each
            rows = session.scalars(select(MeterRow).where(MeterRow.id.in_(list(last)))).all()
            for row in rows:
                row.last_time, row.last_amount = last[row.id]
        audit(session, who=who, source=source, action="ingest", row=batch, before=None)
        return batch.id


def intervals(engine: Engine, enterprise_id: str) -> pd.DataFrame:
    """The stored interval use of an enterprise's meters: meter (code), time (UTC), use."""
    query = (
        select(MeterRow.code, MeterIntervalRow.time, MeterIntervalRow.use)
        .join(MeterRow, MeterRow.id == MeterIntervalRow.meter_id)
        .where(MeterRow.enterprise_id == enterprise_id)
        .order_by(MeterRow.code, MeterIntervalRow.time)
    )
    with Session(reader(engine)) as session:
        rows = [tuple(r) for r in session.execute(query)]
    frame = pd.DataFrame.from_records(rows, columns=["meter", "time", "use"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


def quarantined(engine: Engine, enterprise_id: str) -> list[dict[str, Any]]:
    query = (
        select(MeterQuarantineRow, MeterBatchRow.received_at)
        .join(MeterBatchRow, MeterBatchRow.id == MeterQuarantineRow.batch_id)
        .where(MeterBatchRow.enterprise_id == enterprise_id)
        .order_by(MeterQuarantineRow.batch_id, MeterQuarantineRow.row)
    )
    with Session(reader(engine)) as session:
        return [
            {
                "batch": q.batch_id,
                "received_at": (_aware(at) or at).isoformat(),
                "row": q.row,
                "meter": q.meter_code,
                "time": (_aware(q.time) or q.time).isoformat() if q.time else None,
                "value": q.value,
                "unit": q.unit,
                "reason": q.reason,
            }
            for q, at in session.execute(query)
        ]


def batch_ids(engine: Engine, enterprise_id: str) -> Sequence[int]:
    with Session(reader(engine)) as session:
        return session.scalars(
            select(MeterBatchRow.id).where(MeterBatchRow.enterprise_id == enterprise_id)
        ).all()


def batches(engine: Engine, enterprise_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """The enterprise's latest batches, newest first: when, who and from where, and the counts."""
    query = (
        select(MeterBatchRow)
        .where(MeterBatchRow.enterprise_id == enterprise_id)
        .order_by(MeterBatchRow.id.desc())
        .limit(limit)
    )
    with Session(reader(engine)) as session:
        return [
            {
                "batch": b.id,
                "received_at": _aware(b.received_at) or b.received_at,
                "who": b.created_by,
                "source": b.source,
                "readings": b.readings,
                "stored": b.stored,
                "quarantined": b.quarantined,
            }
            for b in session.scalars(query)
        ]


def meter_days(
    engine: Engine, enterprise_ids: Sequence[str] | None = None, year: int | None = None
) -> pd.DataFrame:
    """The stored interval use summed by meter and local day (China Standard Time, UTC+8 all year:
    the interval ending at a reading's time counts on the day it ended), in the database: columns
    enterprise_id, meter (code), kind, day (YYYY-MM-DD), use. ``year``: the local days of that year."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        day = func.to_char(func.timezone("Asia/Shanghai", MeterIntervalRow.time), "YYYY-MM-DD")
    else:  # SQLite keeps the UTC time as text; the local day is 8 hours later
        day = func.strftime("%Y-%m-%d", MeterIntervalRow.time, "+8 hours")
    query = (
        select(
            MeterRow.enterprise_id,
            MeterRow.code,
            MeterRow.kind,
            day.label("day"),
            func.sum(MeterIntervalRow.use),
        )
        .join(MeterRow, MeterRow.id == MeterIntervalRow.meter_id)
        .group_by(MeterRow.enterprise_id, MeterRow.code, MeterRow.kind, day)
    )
    if enterprise_ids is not None:
        query = query.where(MeterRow.enterprise_id.in_(list(enterprise_ids)))
    if year is not None and dialect == "postgresql":  # the local year, on the (meter, time) key
        start = dt.datetime(year - 1, 12, 31, 16, tzinfo=dt.UTC)
        end = dt.datetime(year, 12, 31, 16, tzinfo=dt.UTC)
        query = query.where(MeterIntervalRow.time >= start, MeterIntervalRow.time < end)
    elif year is not None:
        query = query.where(day.between(f"{year}-01-01", f"{year}-12-31"))
    with Session(reader(engine)) as session:
        rows = [tuple(r) for r in session.execute(query)]
    frame = pd.DataFrame.from_records(rows, columns=["enterprise_id", "meter", "kind", "day", "use"])
    return frame.astype({"use": "float64"})


def meter_counts(engine: Engine) -> dict[str, tuple[int, dt.datetime | None]]:
    """Enterprise id → (meters registered, the latest reading of any of them)."""
    query = select(MeterRow.enterprise_id, func.count(MeterRow.id), func.max(MeterRow.last_time)).group_by(
        MeterRow.enterprise_id
    )
    with Session(reader(engine)) as session:
        return {e: (int(n), _aware(last)) for e, n, last in session.execute(query)}


def quarantine_counts(engine: Engine) -> dict[str, int]:
    """Enterprise id → readings quarantined (every batch)."""
    query = (
        select(MeterBatchRow.enterprise_id, func.count(MeterQuarantineRow.id))
        .join(MeterBatchRow, MeterBatchRow.id == MeterQuarantineRow.batch_id)
        .group_by(MeterBatchRow.enterprise_id)
    )
    with Session(reader(engine)) as session:
        return {e: int(n) for e, n in session.execute(query)}
