"""Imported activity and macro batches: each validated file stored with its rows, summary and provenance.

A batch records what was imported (kind ``activity`` or ``macro``, file name, SHA-256 of its bytes,
rows, years, whether it is illustrative), the factor set and the per-year totals computed from it, its
status (``validated``; an approval step can move it on) and who/when/from where. Since migration 0026
the validated rows are stored too (``activity_rows``: amounts in the fuel's catalogue unit;
``macro_rows``: values in the variable's catalogue unit), so the inventory can be recomputed from the
database (docs/decisions/0107-accounting-stored-activity.md). Importing the same bytes again is
recognised and not stored twice; a batch stored before 0026 gets its rows when its file comes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.accounting import FUELS, Activity, Inventory, Macro
from carbonpeak.accounting.catalog import MACRO_VARIABLES
from carbonpeak.errors import NotFoundError
from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import AuditRow, Base, Provenance


class ActivityBatch(Provenance, Base):
    __tablename__ = "activity_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="activity", server_default="activity")
    file_name: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    years: Mapped[list[int]] = mapped_column(JSON)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    factor_set: Mapped[str] = mapped_column(String(80))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    rows_stored: Mapped[bool] = mapped_column(Boolean, default=False)
    comments: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class ActivityRow(Base):
    """One validated row of an activity file; ``amount`` in the fuel's catalogue ``unit``."""

    __tablename__ = "activity_rows"
    __table_args__ = (UniqueConstraint("batch_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("activity_batches.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0-based order of the data rows in the file
    year: Mapped[int] = mapped_column(Integer)
    sector: Mapped[str] = mapped_column(Text)
    sector_key: Mapped[str] = mapped_column(String(80))
    fuel: Mapped[str] = mapped_column(String(40))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)


class MacroRow(Base):
    """One value of a macro file, in the variable's catalogue ``unit``."""

    __tablename__ = "macro_rows"
    __table_args__ = (UniqueConstraint("batch_id", "year", "variable"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("activity_batches.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    variable: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))


@dataclass(frozen=True)
class StoredBatch:
    id: int
    created: bool


@dataclass(frozen=True)
class BatchHead:
    """What decides which batches make the current inventory: cheap to read on every request."""

    id: int
    kind: str
    content_sha256: str
    years: tuple[int, ...]
    rows_stored: bool


def batch_summary(inv: Inventory) -> dict[str, Any]:
    """Per-year totals kept with a batch: CO2 (t), energy on both bases (tce), the main shares."""
    data = inv.to_json()
    return {
        year: {
            "co2_t": y["co2_t"]["total"],
            "sinks_t": y["co2_t"]["sinks"],
            "energy_calorific_tce": y["energy_tce"]["calorific"],
            "energy_coal_substitution_tce": y["energy_tce"]["coal_substitution"],
            "non_fossil_share": y["indicators"]["non_fossil_share"],
            "electricity_share_final": y["indicators"]["electricity_share_final"],
        }
        for year, y in data["years"].items()
    }


def _activity_rows(batch_id: int, activity: Activity) -> list[dict[str, Any]]:
    f = activity.frame
    units = {code: fuel.unit for code, fuel in FUELS.items()}
    fuels = f["fuel"].astype(str).tolist()
    return [
        {
            "batch_id": batch_id,
            "position": i,
            "year": int(y),
            "sector": str(s),
            "sector_key": str(k),
            "fuel": fuel,
            "amount": float(a),
            "unit": units[fuel],
            "note": str(n),
        }
        for i, (y, s, k, fuel, a, n) in enumerate(
            zip(
                f["year"].tolist(),
                f["sector"].astype(str).tolist(),
                f["sector_key"].astype(str).tolist(),
                fuels,
                f["amount"].tolist(),
                f["note"].astype(str).tolist(),
                strict=True,
            )
        )
    ]


def _audit_import(session: Session, kind: str, batch: ActivityBatch, after: dict[str, Any]) -> None:
    """The audit row of a new batch, in the transaction that stores it (never after the commit)."""
    session.add(
        AuditRow(
            who=batch.created_by,
            source=batch.source,
            action=f"{kind}.import",
            table_name="activity_batch",
            row_id=batch.id,
            before=None,
            after=after,
        )
    )


def store_activity_batch(
    engine: Engine,
    activity: Activity,
    inv: Inventory,
    *,
    who: str,
    source: str,
    audit_after: dict[str, Any] | None = None,
) -> StoredBatch:
    """Store a validated activity file and its rows as a batch, unless a batch with the same bytes
    exists (a batch stored before migration 0026, without rows, gets its rows then). One transaction,
    with the new batch's audit row (``activity.import``, ``audit_after`` or the file's name, rows,
    years and hash) in it."""
    with Session(engine) as session, session.begin():
        same = session.scalars(
            select(ActivityBatch)
            .where(ActivityBatch.content_sha256 == activity.sha256, ActivityBatch.kind == "activity")
            .order_by(ActivityBatch.id)
            .limit(1)
        ).first()
        if same is not None:
            if not same.rows_stored:
                session.execute(insert(ActivityRow), _activity_rows(same.id, activity))
                same.rows_stored = True
                same.comments = list(activity.comments)
                session.add(
                    AuditRow(
                        who=who,
                        source=source,
                        action="activity.rows",
                        table_name="activity_batch",
                        row_id=same.id,
                        before={"rows_stored": False},
                        after={"rows_stored": True, "rows": len(activity.frame), "sha256": activity.sha256},
                    )
                )
            return StoredBatch(same.id, created=False)
        batch = ActivityBatch(
            kind="activity",
            file_name=Path(activity.source).name,
            content_sha256=activity.sha256,
            rows=len(activity.frame),
            years=activity.years,
            illustrative=activity.illustrative,
            status="validated",
            factor_set=inv.to_json()["factor_set"]["combustion"],
            summary=batch_summary(inv),
            rows_stored=True,
            comments=list(activity.comments),
            created_by=who,
            source=source,
        )
        session.add(batch)
        session.flush()
        if len(activity.frame):
            session.execute(insert(ActivityRow), _activity_rows(batch.id, activity))
        after = audit_after or {
            "file": batch.file_name,
            "rows": len(activity.frame),
            "years": activity.years,
            "sha256": activity.sha256,
        }
        _audit_import(session, "activity", batch, after)
        return StoredBatch(batch.id, created=True)


def store_macro_batch(
    engine: Engine,
    macro: Macro,
    *,
    content_sha256: str,
    who: str,
    source: str,
    audit_after: dict[str, Any] | None = None,
) -> StoredBatch:
    """Store a validated macro file (GDP at constant prices, population, value added, …) as a batch
    of kind ``macro`` with its values, unless a macro batch with the same bytes exists; a new batch
    is audited (``macro.import``) in the same transaction."""
    rows = [
        {"year": year, "variable": var, "value": value, "unit": MACRO_VARIABLES[var][0]}
        for var, by_year in sorted(macro.values.items())
        for year, value in sorted(by_year.items())
    ]
    with Session(engine) as session, session.begin():
        same = session.scalars(
            select(ActivityBatch)
            .where(ActivityBatch.content_sha256 == content_sha256, ActivityBatch.kind == "macro")
            .order_by(ActivityBatch.id)
            .limit(1)
        ).first()
        if same is not None:
            return StoredBatch(same.id, created=False)
        batch = ActivityBatch(
            kind="macro",
            file_name=Path(macro.source).name,
            content_sha256=content_sha256,
            rows=len(rows),
            years=sorted({r["year"] for r in rows}),
            illustrative=macro.illustrative,
            status="validated",
            factor_set="",
            summary={var: {str(y): v for y, v in sorted(by.items())} for var, by in macro.values.items()},
            rows_stored=True,
            comments=[],
            created_by=who,
            source=source,
        )
        session.add(batch)
        session.flush()
        if rows:
            session.execute(insert(MacroRow), [{**r, "batch_id": batch.id} for r in rows])
        after = audit_after or {
            "file": batch.file_name,
            "variables": sorted(macro.values),
            "sha256": content_sha256,
        }
        _audit_import(session, "macro", batch, after)
        return StoredBatch(batch.id, created=True)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def activity_batches(engine: Engine, kind: str | None = None) -> list[dict[str, Any]]:
    """Every stored batch (of ``kind``, if given), oldest first."""
    query = select(ActivityBatch).order_by(ActivityBatch.id)
    if kind is not None:
        query = query.where(ActivityBatch.kind == kind)
    with Session(reader(engine)) as session:
        return [
            {
                "id": b.id,
                "kind": b.kind,
                "file_name": b.file_name,
                "sha256": b.content_sha256,
                "rows": b.rows,
                "years": b.years,
                "illustrative": b.illustrative,
                "status": b.status,
                "factor_set": b.factor_set,
                "rows_stored": b.rows_stored,
                "created_at": _iso(b.created_at),
                "created_by": b.created_by,
                "source": b.source,
            }
            for b in session.scalars(query)
        ]


def batch_heads(engine: Engine) -> list[BatchHead]:
    """Id, kind, hash, years and whether the rows are stored of every batch, oldest first: one small
    query, cheap enough to run on every request to see whether the batches changed."""
    query = select(
        ActivityBatch.id,
        ActivityBatch.kind,
        ActivityBatch.content_sha256,
        ActivityBatch.years,
        ActivityBatch.rows_stored,
    ).order_by(ActivityBatch.id)
    with Session(reader(engine)) as session:
        return [
            BatchHead(int(i), str(k), str(h), tuple(int(y) for y in (years or [])), bool(stored))
            for i, k, h, years, stored in session.execute(query)
        ]


def _in_order(column: pd.Series) -> pd.Series:
    """A categorical with the categories in order of first appearance, as ``read_activity`` makes them
    (the aggregation sorts by category code, so the same order gives the same sums, to the last bit)."""
    return pd.Series(pd.Categorical(column, categories=pd.unique(column)), index=column.index)


def load_activity(engine: Engine, picks: Mapping[int, Sequence[int]]) -> Activity:
    """The stored rows of the activity batches ``{batch id: years taken from it}`` as one validated
    ``Activity`` (rows in batch, then file order; amounts already in catalogue units)."""
    ids = sorted(picks)
    with Session(reader(engine)) as session:
        batches = {b.id: b for b in session.scalars(select(ActivityBatch).where(ActivityBatch.id.in_(ids)))}
        rows = session.execute(
            select(
                ActivityRow.batch_id,
                ActivityRow.year,
                ActivityRow.sector,
                ActivityRow.sector_key,
                ActivityRow.fuel,
                ActivityRow.amount,
                ActivityRow.note,
            )
            .where(ActivityRow.batch_id.in_(ids))
            .order_by(ActivityRow.batch_id, ActivityRow.position)
        ).all()
    missing = [i for i in ids if i not in batches or batches[i].kind != "activity"]
    if missing:
        raise NotFoundError(f"no activity batch #{', #'.join(map(str, missing))}")
    frame = pd.DataFrame(rows, columns=["batch_id", "year", "sector", "sector_key", "fuel", "amount", "note"])
    wanted = pd.Series(False, index=frame.index)
    for batch_id, years in picks.items():
        wanted |= (frame["batch_id"] == batch_id) & frame["year"].isin(list(years))
    frame = frame[wanted.to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "year": frame["year"].astype("int64"),
            "sector": _in_order(frame["sector"]),
            "sector_key": frame["sector_key"].astype("category"),
            "fuel": _in_order(frame["fuel"]),
            "amount": frame["amount"].astype("float64"),
            "note": _in_order(frame["note"]),
        }
    )
    chosen = [batches[i] for i in ids]
    comments = [c for b in chosen for c in (b.comments or [])]
    return Activity(
        " + ".join(b.file_name for b in chosen),
        out,
        any(b.illustrative for b in chosen),
        comments,
        chosen[0].content_sha256 if len(chosen) == 1 else "",
    )


def load_macro(engine: Engine, batch_ids: Sequence[int]) -> Macro:
    """The stored values of the macro batches; where several hold a (variable, year), the later wins."""
    ids = sorted(batch_ids)
    with Session(reader(engine)) as session:
        batches = list(
            session.scalars(select(ActivityBatch).where(ActivityBatch.id.in_(ids)).order_by(ActivityBatch.id))
        )
        rows = session.execute(
            select(MacroRow.year, MacroRow.variable, MacroRow.value)
            .where(MacroRow.batch_id.in_(ids))
            .order_by(MacroRow.batch_id, MacroRow.id)
        ).all()
    if len(batches) != len(ids) or any(b.kind != "macro" for b in batches):
        raise NotFoundError(f"not every one of {ids} is a macro batch")
    values: dict[str, dict[int, float]] = {}
    for year, variable, value in rows:
        values.setdefault(str(variable), {})[int(year)] = float(value)
    return Macro(" + ".join(b.file_name for b in batches), values, any(b.illustrative for b in batches))


def load_demo(engine: Engine, plan: object) -> list[str]:
    """Demo loader: validate the illustrative Jinghai activity and macro files, compute the inventory
    and store both as batches (the inventory page then shows exactly the demo inventory)."""
    import hashlib

    from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir, summary_lines
    from carbonpeak.accounting.io import read_activity, read_macro
    from carbonpeak.accounting.result import inventory

    del plan
    folder = demo_dir()
    activity = read_activity(folder / ACTIVITY_FILE)
    macro = read_macro(folder / MACRO_FILE)
    inv = inventory(activity, macro)
    who = "carbonpeak init --demo"
    stored = store_activity_batch(engine, activity, inv, who=who, source=str(folder / ACTIVITY_FILE))
    macro_sha = hashlib.sha256((folder / MACRO_FILE).read_bytes()).hexdigest()
    stored_macro = store_macro_batch(
        engine, macro, content_sha256=macro_sha, who=who, source=str(folder / MACRO_FILE)
    )
    lines = summary_lines(inv)
    state = "stored as" if stored.created else "already stored as"
    macro_state = "stored as" if stored_macro.created else "already stored as"
    lines[0] = lines[0].replace(
        "nothing stored (no inventory tables yet)",
        f"activity batch {state} #{stored.id}, macro batch {macro_state} #{stored_macro.id}",
    )
    return lines
