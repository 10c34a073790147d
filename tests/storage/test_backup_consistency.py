"""A backup taken while people write is one point in time, restores into a fresh PostgreSQL and a
fresh SQLite, and does not hold SQLite's write lock while it reads (issue 13)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from carbonpeak.storage import make_engine
from carbonpeak.storage.backup import dump, read_archive, restore_archive, snapshot, write_archive
from carbonpeak.storage.tables import AuditRow
from tests.storage.helpers import DEV_REFORM, service_for

RECORDS = {"indicator_values", "task_reports"}
BULK_AUDIT_ROWS = 20_000  # makes one read of audit_log long enough for writers to commit meanwhile


def _prefill(url: str) -> None:
    engine = make_engine(url)
    rows = [
        {"who": "load", "source": "test prefill", "action": "note", "table_name": "prefill", "row_id": i}
        for i in range(BULK_AUDIT_ROWS)
    ]
    try:
        with engine.begin() as conn:
            conn.execute(insert(AuditRow), rows)
    finally:
        engine.dispose()


def _keys() -> list[tuple[str, int, str]]:
    periods = ("Y", "Q1", "Q2", "Q3", "Q4")
    return [
        (what, year, period)
        for year in range(2021, 2031)
        for period in periods
        for what in ("report", "non_fossil_share_2025")
    ]


def _write_all(
    url: str, stop: threading.Event, written: list[tuple[str, int, str]], errors: list[BaseException]
) -> None:
    try:
        _write(url, stop, written)
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)
        stop.set()


def _write(url: str, stop: threading.Event, written: list[tuple[str, int, str]]) -> None:
    """New records, then edits of them (each with its audit row), until ``stop``."""
    with service_for(url) as svc:
        refs = []
        for what, year, period in _keys():
            if stop.is_set():
                return
            if what == "report":
                ref = svc.record_report(
                    DEV_REFORM, "energy.1", year, period, "in_progress", narrative="并发写入"
                )
            else:
                ref = svc.record_value(DEV_REFORM, what, year, 1.5, period=period)
            refs.append((what, year, period, ref))
            written.append((what, year, period))
        edits = 0
        while not stop.is_set():
            what, year, period, ref = refs[edits % len(refs)]
            if what == "report":
                ref = svc.record_report(
                    DEV_REFORM,
                    "energy.1",
                    year,
                    period,
                    "in_progress",
                    narrative=f"第{edits}次修改",
                    expected_version=ref.version,
                )
            else:
                ref = svc.record_value(
                    DEV_REFORM, what, year, float(edits), period=period, expected_version=ref.version
                )
            refs[edits % len(refs)] = (what, year, period, ref)
            edits += 1


def _assert_consistent(data: dict[str, list[dict[str, Any]]]) -> None:
    """Every record has its insert audit row and every audit row of a record finds the record."""
    records = {(t, int(r["id"])) for t in RECORDS for r in data[t]}
    audited = {(a["table_name"], int(a["row_id"])) for a in data["audit_log"] if a["table_name"] in RECORDS}
    assert records == audited, (
        f"records without audit rows: {sorted(records - audited)[:5]}; "
        f"audit rows without records: {sorted(audited - records)[:5]}"
    )


def test_backup_during_writes_is_one_point_in_time(
    database_url: str, postgres_url: str, tmp_path: Path
) -> None:
    with service_for(database_url):
        pass
    _prefill(database_url)
    stop, written, errors = threading.Event(), [], []
    writer = threading.Thread(target=_write_all, args=(database_url, stop, written, errors))
    writer.start()
    archives = []
    try:
        while not written and not errors:
            time.sleep(0.01)
        while len(archives) < 4:
            archive = tmp_path / f"backup-{len(archives)}.zip"
            write_archive(database_url, archive)
            archives.append(archive)
    finally:
        stop.set()
        writer.join()
    assert not errors, f"a writer failed during the backups: {errors[0]!r}"
    counts = []
    for archive in archives:
        _manifest, data = read_archive(archive)
        _assert_consistent(data)
        counts.append(len(data["task_reports"]) + len(data["indicator_values"]))
    assert counts[0] < len(written), "the first backup must be taken while records were still written"
    # the last archive restores into a fresh PostgreSQL and a fresh SQLite with exactly its content
    _manifest, data = read_archive(archives[-1])
    fresh_sqlite = f"sqlite:///{(tmp_path / 'fresh.sqlite').as_posix()}"
    for target in (postgres_url, fresh_sqlite):
        restore_archive(target, archives[-1])
        restored = _dump(target)
        restored["audit_log"] = [a for a in restored["audit_log"] if a["action"] != "db.restore"]
        assert restored == data


def _dump(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        return dump(engine)
    finally:
        engine.dispose()


def test_sqlite_writer_is_not_blocked_by_an_open_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'office.sqlite').as_posix()}"
    with service_for(url) as svc:
        svc.record_report(DEV_REFORM, "energy.1", 2023, "Q1", "in_progress")
        engine = make_engine(url)
        try:
            with snapshot(engine) as conn:
                before = conn.exec_driver_sql("SELECT count(*) FROM task_reports").scalar()
                started = time.monotonic()
                svc.record_report(DEV_REFORM, "energy.1", 2023, "Q2", "in_progress")
                waited = time.monotonic() - started
                # the snapshot still sees the database as it was when the backup began
                assert conn.exec_driver_sql("SELECT count(*) FROM task_reports").scalar() == before == 1
        finally:
            engine.dispose()
    assert waited < 1.0, f"a write waited {waited:.1f} s for a backup"
    assert len(_dump(url)["task_reports"]) == 2
