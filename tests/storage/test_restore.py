"""Restore refuses an archive that lacks tables (unless --partial names what to restore), names the
table and row that break a constraint, changes nothing then, and is audited (issue 13)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from carbonpeak.storage import make_engine
from carbonpeak.storage.backup import BackupError, dump, read_archive, restore_archive, write_archive
from tests.storage.helpers import DEV_REFORM, service_for


def _db(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        return dump(engine)
    finally:
        engine.dispose()


def _filled(url: str, tmp_path: Path) -> Path:
    with service_for(url) as svc:
        svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.5)
        svc.record_report(DEV_REFORM, "energy.1", 2023, "Q1", "in_progress", narrative="开工")
    archive = tmp_path / "backup.zip"
    write_archive(url, archive)
    return archive


def _rewrite(source: Path, target: Path, change: Any) -> Path:
    """A copy of the archive with ``change(manifest, data)`` applied (the hashes recomputed)."""
    import hashlib

    manifest, data = read_archive(source)
    change(manifest, data)
    with zipfile.ZipFile(target, "w") as z:
        for name, rows in data.items():
            payload = json.dumps(rows, ensure_ascii=False).encode("utf-8")
            manifest["tables"][name]["sha256"] = hashlib.sha256(payload).hexdigest()
            z.writestr(f"data/{name}.json", payload)
        manifest["tables"] = {k: v for k, v in manifest["tables"].items() if k in data}
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
    return target


def _drop_tables(*names: str) -> Any:
    def change(_manifest: dict[str, Any], data: dict[str, Any]) -> None:
        for name in names:
            del data[name]

    return change


def test_archive_missing_tables_is_refused_and_changes_nothing(database_url: str, tmp_path: Path) -> None:
    archive = _filled(database_url, tmp_path)
    short = _rewrite(archive, tmp_path / "short.zip", _drop_tables("task_reports", "users"))
    before = _db(database_url)
    with pytest.raises(BackupError, match=r"lacks the tables .*task_reports.*users.*--partial"):
        restore_archive(database_url, short)
    assert _db(database_url) == before


def test_partial_restore_replaces_only_the_named_tables(database_url: str, tmp_path: Path) -> None:
    archive = _filled(database_url, tmp_path)
    with service_for(database_url) as svc:
        svc.record_report(DEV_REFORM, "energy.1", 2023, "Q2", "in_progress")
        svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2023, 8.0)
    short = _rewrite(archive, tmp_path / "short.zip", _drop_tables("indicator_values"))
    restore_archive(database_url, short, partial=["task_reports"], who="王主任")
    after = _db(database_url)
    assert [r["period"] for r in after["task_reports"]] == ["Q1"]  # replaced by the archive's
    assert len(after["indicator_values"]) == 2  # untouched
    entry = [a for a in after["audit_log"] if a["action"] == "db.restore"]
    assert len(entry) == 1 and entry[0]["who"] == "王主任"
    assert entry[0]["after"]["rows"] == {"task_reports": 1} and entry[0]["after"]["partial"] is True
    with pytest.raises(BackupError, match="not in the archive: indicator_values"):
        restore_archive(database_url, short, partial=["indicator_values"])
    with pytest.raises(BackupError, match="not tables of the database: nonsense"):
        restore_archive(database_url, short, partial=["nonsense"])


def test_constraint_violation_names_table_and_row(database_url: str, tmp_path: Path) -> None:
    archive = _filled(database_url, tmp_path)

    def duplicate(_manifest: dict[str, Any], data: dict[str, Any]) -> None:
        copy = dict(data["task_reports"][0])
        copy["id"] = 99  # same unit, task, year and period as the first: breaks the unique key
        data["task_reports"].append(copy)

    bad = _rewrite(archive, tmp_path / "bad.zip", duplicate)
    before = _db(database_url)
    with pytest.raises(BackupError, match=r"table task_reports, row 2 \(id=99\) breaks a constraint"):
        restore_archive(database_url, bad)
    assert _db(database_url) == before


def test_full_restore_is_audited_in_the_same_transaction(database_url: str, tmp_path: Path) -> None:
    archive = _filled(database_url, tmp_path)
    manifest, data = read_archive(archive)
    restore_archive(database_url, archive)
    after = _db(database_url)
    restored = [a for a in after["audit_log"] if a["action"] == "db.restore"]
    assert len(restored) == 1
    assert restored[0]["after"]["file"] == "backup.zip"
    assert restored[0]["after"]["schema_revision"] == manifest["schema_revision"]
    assert len(after["audit_log"]) == len(data["audit_log"]) + 1


def test_cli_restore_refuses_a_short_archive_without_a_traceback(tmp_path: Path) -> None:
    from tests.cli.test_cli import invoke

    url = f"sqlite:///{(tmp_path / 'office.sqlite').as_posix()}"
    archive = _filled(url, tmp_path)
    short = _rewrite(archive, tmp_path / "short.zip", _drop_tables("task_reports"))
    code, _out, err = invoke("--database", url, "db", "restore", str(short), "--yes")
    assert code != 0 and "lacks the tables task_reports" in err and "Traceback" not in err
    code, out, _err = invoke(
        "--database", url, "db", "restore", str(short), "--yes", "--partial", "indicator_values"
    )
    assert code == 0 and "restored 1 rows into 1 tables" in out
    assert [a["action"] for a in _db(url)["audit_log"]][-1] == "db.restore"
