"""The enterprise registry import (``EnterpriseService.import_registry``) of ``--rows`` new
enterprises, then the same file with every row changed, timed on SQLite and PostgreSQL (a fresh
migrated database each; PostgreSQL a throwaway server as the tests start, or ``--postgres-url``).

    python -m benchmarks.registry_import [--rows 2000] [--database sqlite|postgresql|both]

Prints seconds and rows per second of each run, and checks every enterprise has its audit row."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.writers import database, uscc
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.storage import make_engine
from carbonpeak.storage.ledgers import EnterpriseRow
from carbonpeak.storage.tables import AuditRow

OFFICE = LedgerActor("benchmark", "office", None)


def _registry(path: Path, rows: int, town: str) -> Path:
    lines = "".join(f"{uscc(2_000_000 + i)},示例企业{i}（示例数据）,33,{town},否\n" for i in range(rows))
    path.write_text("id,name,industry,town,two_high\n" + lines, encoding="utf-8")
    return path


def run(kind: str, rows: int, admin_url: str | None) -> list[tuple[str, float]]:
    out = []
    with database(kind, admin_url) as url, tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url)
        try:
            svc = EnterpriseService(engine)
            for label, town in (("insert", "大邱庄镇"), ("update", "子牙镇")):
                path = _registry(Path(tmp) / f"{label}.csv", rows, town)
                start = time.perf_counter()
                added, changed = svc.import_registry(OFFICE, path)
                seconds = time.perf_counter() - start
                assert (added, changed) == ((rows, 0) if label == "insert" else (0, rows)), (added, changed)
                out.append((label, seconds))
            with Session(engine) as s:
                stored = s.scalar(select(func.count()).select_from(EnterpriseRow))
                audited = s.scalar(
                    select(func.count()).select_from(AuditRow).where(AuditRow.table_name == "enterprises")
                )
            assert stored == rows, stored
            assert audited == 2 * rows, audited
        finally:
            engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=None, help="admin URL of a PostgreSQL server")
    args = parser.parse_args(argv if argv is not None else [])
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        for label, seconds in run(kind, args.rows, args.postgres_url):
            rate = args.rows / seconds
            print(
                f"[{kind}] registry {label} of {args.rows} enterprises: {seconds:.2f} s ({rate:,.0f} rows/s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
