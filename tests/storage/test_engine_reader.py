"""``reader(engine)``: on SQLite a read-only session neither takes nor waits for the write lock (WAL
snapshot), so page views do not queue behind a writer; ordinary sessions still begin IMMEDIATE."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.storage import make_engine, reader, upgrade
from carbonpeak.storage.tables import AuditRow


def test_a_reader_reads_its_snapshot_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'r.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as writer:
            writer.add(AuditRow(who="w", source="test", action="insert", table_name="t", row_id=1))
            writer.flush()  # BEGIN IMMEDIATE: the write lock is held until commit
            # Another connection that wants the lock cannot get it (short wait instead of 5 s).
            raw = sqlite3.connect(tmp_path / "r.sqlite", timeout=0.1, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                raw.execute("BEGIN IMMEDIATE")
            raw.close()
            # A reader reads at once, and sees the committed state only.
            with Session(reader(engine)) as session:
                assert session.scalar(select(func.count()).select_from(AuditRow)) == 0
            writer.commit()
        with Session(reader(engine)) as session:
            assert session.scalar(select(func.count()).select_from(AuditRow)) == 1
    finally:
        engine.dispose()


def test_reader_works_on_every_backend(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(reader(engine)) as session:
            assert session.scalar(select(func.count()).select_from(AuditRow)) is not None
    finally:
        engine.dispose()
