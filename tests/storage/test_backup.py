"""Backup, restore and export round-trip losslessly, on SQLite and PostgreSQL and across them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from carbonpeak.reports import csv_bytes
from carbonpeak.storage import head, make_engine
from carbonpeak.storage.backup import BackupError, dump, read_archive, restore_archive, write_archive
from carbonpeak.tracking.model import ComputedValue
from tests.storage.helpers import DEV_REFORM, OFFICE, service_for


def _fill(url: str, tmp_path: Path) -> None:
    with service_for(url, evidence_dir=tmp_path / "evidence") as svc:
        ref = svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.123456789012345, evidence="公报")
        svc.submit(DEV_REFORM, "value", ref.id)
        svc.return_(OFFICE, "value", ref.id, "请补充来源：市统计局")
        rep = svc.record_report(
            DEV_REFORM, "energy.1", 2023, "Q1", "in_progress", narrative="光伏 “渔光互补” 开工"
        )
        svc.attach_evidence(DEV_REFORM, "report", rep.id, b"%PDF-1.4 evidence", "../../证明.pdf")
        svc.store_computed(
            OFFICE,
            [
                ComputedValue(
                    "non_fossil_share", 2022, 7.2, "%", {"non_fossil_tce": 36.0, "total_tce": 500.0}, "f-v1"
                )
            ],
            source="accounting inventory 2022",
        )


def _db(url: str) -> dict[str, list[dict[str, object]]]:
    engine = make_engine(url)
    try:
        return dump(engine)
    finally:
        engine.dispose()


def _restored(url: str) -> dict[str, list[dict[str, object]]]:
    """The database after a restore, less the one audit row the restore adds (checked here)."""
    data = _db(url)
    restores = [a for a in data["audit_log"] if a["action"] == "db.restore"]
    assert len(restores) == 1 and data["audit_log"][-1] == restores[0]
    data["audit_log"] = data["audit_log"][:-1]
    return data


def test_backup_restore_round_trip(database_url: str, tmp_path: Path) -> None:
    _fill(database_url, tmp_path)
    before = _db(database_url)
    assert {
        len(before[t]) for t in ("indicator_values", "task_reports", "computed_values", "evidence_files")
    } == {1}
    archive = tmp_path / "backup.zip"
    manifest = write_archive(database_url, archive)
    assert manifest["schema_revision"] == head()
    assert manifest["tables"]["audit_log"]["rows"] == len(before["audit_log"])
    # change the database after the backup, then restore: exactly the backed-up content is back
    with service_for(database_url) as svc:
        svc.record_report(DEV_REFORM, "energy.1", 2023, "Q2", "done")
    assert _db(database_url) != before
    restore_archive(database_url, archive)
    assert _restored(database_url) == before
    # new rows after a restore get fresh ids (sequences follow the restored rows)
    with service_for(database_url) as svc:
        ref = svc.record_report(DEV_REFORM, "energy.1", 2024, "Q1", "done")
    assert ref.id == max(int(str(r["id"])) for r in before["task_reports"]) + 1


def test_export_has_csv_and_restores(database_url: str, tmp_path: Path) -> None:
    _fill(database_url, tmp_path)
    before = _db(database_url)
    archive = tmp_path / "export.zip"
    write_archive(database_url, archive, csv_writer=csv_bytes)
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        csv_text = z.read("csv/task_reports.csv").decode("utf-8-sig")
    assert {"manifest.json", "data/task_reports.json", "csv/task_reports.csv", "csv/audit_log.csv"} <= names
    assert "光伏 “渔光互补” 开工" in csv_text
    fresh = f"sqlite:///{(tmp_path / 'fresh.sqlite').as_posix()}"
    restore_archive(fresh, archive)
    assert _restored(fresh) == before


def test_damaged_archive_is_refused(tmp_path: Path, database_url: str) -> None:
    _fill(database_url, tmp_path)
    archive = tmp_path / "backup.zip"
    write_archive(database_url, archive)
    manifest, data = read_archive(archive)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
        for name, rows in data.items():
            if name == "indicator_values":
                rows[0]["value"] = 99.0
            z.writestr(f"data/{name}.json", json.dumps(rows))
    with pytest.raises(BackupError, match="damaged"):
        restore_archive(database_url, damaged)


def test_sqlite_backup_restores_into_postgresql(tmp_path: Path, postgres_url: str) -> None:
    sqlite_url = f"sqlite:///{(tmp_path / 'a.sqlite').as_posix()}"
    _fill(sqlite_url, tmp_path)
    archive = tmp_path / "backup.zip"
    write_archive(sqlite_url, archive)
    restore_archive(postgres_url, archive)
    assert _restored(postgres_url) == _db(sqlite_url)
