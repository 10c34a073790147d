"""Imported activity batches: each validated activity file stored with its summary and provenance.

A batch records what was imported (file name, SHA-256 of its bytes, rows, years, whether it is
illustrative), the factor set and the per-year totals computed from it, its status (``validated``; an
approval step can move it on) and who/when/from where. Importing the same bytes again is recognised
and not stored twice. The activity rows themselves are not stored yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Engine, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.accounting import Activity, Inventory
from carbonpeak.storage.tables import Base, Provenance


class ActivityBatch(Provenance, Base):
    __tablename__ = "activity_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    years: Mapped[list[int]] = mapped_column(JSON)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    factor_set: Mapped[str] = mapped_column(String(80))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


@dataclass(frozen=True)
class StoredBatch:
    id: int
    created: bool


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


def store_activity_batch(
    engine: Engine, activity: Activity, inv: Inventory, *, who: str, source: str
) -> StoredBatch:
    """Store a validated activity file as a batch, unless a batch with the same bytes exists."""
    with Session(engine) as session, session.begin():
        same = session.scalars(
            select(ActivityBatch).where(ActivityBatch.content_sha256 == activity.sha256).limit(1)
        ).first()
        if same is not None:
            return StoredBatch(same.id, created=False)
        batch = ActivityBatch(
            file_name=Path(activity.source).name,
            content_sha256=activity.sha256,
            rows=len(activity.frame),
            years=activity.years,
            illustrative=activity.illustrative,
            status="validated",
            factor_set=inv.to_json()["factor_set"]["combustion"],
            summary=batch_summary(inv),
            created_by=who,
            source=source,
        )
        session.add(batch)
        session.flush()
        return StoredBatch(batch.id, created=True)


def activity_batches(engine: Engine) -> list[dict[str, Any]]:
    """Every stored batch, oldest first."""
    with Session(engine) as session:
        return [
            {
                "id": b.id,
                "file_name": b.file_name,
                "rows": b.rows,
                "years": b.years,
                "illustrative": b.illustrative,
                "status": b.status,
                "factor_set": b.factor_set,
                "created_by": b.created_by,
                "source": b.source,
            }
            for b in session.scalars(select(ActivityBatch).order_by(ActivityBatch.id))
        ]


def load_demo(engine: Engine, plan: object) -> list[str]:
    """Demo loader: validate and compute the illustrative Jinghai inventory and store the activity batch."""
    from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir, summary_lines
    from carbonpeak.accounting.io import read_activity, read_macro
    from carbonpeak.accounting.result import inventory

    del plan
    folder = demo_dir()
    activity = read_activity(folder / ACTIVITY_FILE)
    inv = inventory(activity, read_macro(folder / MACRO_FILE))
    stored = store_activity_batch(
        engine, activity, inv, who="carbonpeak init --demo", source=str(folder / ACTIVITY_FILE)
    )
    lines = summary_lines(inv)
    state = "stored as" if stored.created else "already stored as"
    lines[0] = lines[0].replace(
        "nothing stored (no inventory tables yet)", f"activity batch {state} #{stored.id}"
    )
    return lines
