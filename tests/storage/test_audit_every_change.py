"""Every stored record has its audit row, whatever path made it: ``init --demo``, the CLI's activity
import, the tracking service's every step, a restore (issue 13). The storage writes the audit row in
the transaction that stores the row, so a record can never be committed without it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir
from carbonpeak.storage import make_engine
from carbonpeak.storage.backup import restore_archive, write_archive
from carbonpeak.tracking.model import ComputedValue
from tests.cli.test_cli import invoke
from tests.storage.helpers import DEV_REFORM, OFFICE, service_for

# table of records → the table_name its audit rows carry (child rows are covered by their parent;
# enterprises have text ids, kept in the audit row's "object", and are left out here)
AUDITED = {
    "plan_revisions": "plan_revisions",
    "indicator_values": "indicator_values",
    "task_reports": "task_reports",
    "computed_values": "computed_values",
    "evidence_files": "evidence_files",
    "published_indicators": "published_indicators",
    "activity_batches": "activity_batch",
    "enterprise_reports": "enterprise_reports",
    "users": "users",
}


def _unaudited(url: str) -> dict[str, list[int]]:
    """The ids of each audited table that have no audit row."""
    engine = make_engine(url)
    out: dict[str, list[int]] = {}
    try:
        with engine.connect() as conn:
            audited = {
                (str(t), int(i))
                for t, i in conn.execute(text("SELECT DISTINCT table_name, row_id FROM audit_log"))
            }
            for table, name in AUDITED.items():
                ids = [int(i) for (i,) in conn.execute(text(f"SELECT id FROM {table}"))]
                missing = [i for i in ids if (name, i) not in audited]
                if missing:
                    out[table] = missing
    finally:
        engine.dispose()
    return out


def _count(url: str, sql: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_init_demo_audits_everything_it_stores(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'demo.sqlite').as_posix()}"
    code, _out, err = invoke("--database", url, "init", "--demo")
    assert code == 0, err
    assert _count(url, "SELECT count(*) FROM activity_batches") == 2
    assert _unaudited(url) == {}


def test_cli_activity_import_is_audited(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'cli.sqlite').as_posix()}"
    assert invoke("--database", url, "db", "upgrade")[0] == 0
    folder = demo_dir()
    assert (
        invoke("--database", url, "activity", "import", str(folder / ACTIVITY_FILE), "--user", "统计员")[0]
        == 0
    )
    assert invoke("--database", url, "activity", "import", "--macro", str(folder / MACRO_FILE))[0] == 0
    # the same bytes again store nothing and audit nothing
    assert invoke("--database", url, "activity", "import", str(folder / ACTIVITY_FILE))[0] == 0
    assert _count(url, "SELECT count(*) FROM audit_log WHERE action LIKE '%.import'") == 2
    assert _count(url, "SELECT count(*) FROM audit_log WHERE who = '统计员'") == 1
    assert _unaudited(url) == {}


def test_every_tracking_step_and_a_restore_write_audit_rows(database_url: str, tmp_path: Path) -> None:
    count = "SELECT count(*) FROM audit_log"
    with service_for(database_url, evidence_dir=tmp_path / "evidence") as svc:
        steps = [
            lambda: svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.5),
            lambda: svc.record_report(DEV_REFORM, "energy.1", 2023, "Q1", "in_progress"),
            lambda: svc.submit(DEV_REFORM, "value", 1),
            lambda: svc.return_(OFFICE, "value", 1, "请补充来源"),
            lambda: svc.record_value(DEV_REFORM, "non_fossil_share_2025", 2022, 7.6, expected_version=3),
            lambda: svc.submit(DEV_REFORM, "value", 1),
            lambda: svc.approve(OFFICE, "value", 1),
            lambda: svc.reopen(OFFICE, "value", 1, "数据更正"),
            lambda: svc.attach_evidence(DEV_REFORM, "report", 1, b"%PDF-1.4 x", "证明.pdf"),
            lambda: svc.store_computed(
                OFFICE,
                [ComputedValue("non_fossil_share", 2022, 7.2, "%", {"total_tce": 1.0}, "f-v1")],
                source="accounting inventory 2022",
            ),
        ]
        for number, step in enumerate(steps, start=1):
            before = _count(database_url, count)
            step()
            assert _count(database_url, count) > before, f"step {number} wrote no audit row"
    archive = tmp_path / "backup.zip"
    write_archive(database_url, archive)
    before = _count(database_url, count)
    restore_archive(database_url, archive)
    assert _count(database_url, count) == before + 1
    assert _unaudited(database_url) == {}
