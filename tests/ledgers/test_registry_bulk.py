"""The registry import in bulk (issue 13): more enterprises than one ``IN`` query reads, inserted and
then changed, each with its own audit row in the same transaction, on SQLite and PostgreSQL; a bad
row anywhere still leaves nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.writers import uscc
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.errors import CarbonpeakError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.ledgers import _ID_CHUNK, EnterpriseRow
from carbonpeak.storage.tables import AuditRow

OFFICE = LedgerActor("王主任", "office")
ROWS = _ID_CHUNK + 37  # more than one IN query of stored ids


def _file(path: Path, town: str, bad_at: int | None = None) -> Path:
    lines = [
        f"{uscc(3_000_000 + i)},示例企业{i}（示例数据）,{'3X' if i == bad_at else '33'},{town},否\n"
        for i in range(ROWS)
    ]
    path.write_text("id,name,industry,town,two_high\n" + "".join(lines), encoding="utf-8")
    return path


def _counts(engine: object) -> tuple[int, dict[str, int]]:
    with Session(engine) as s:  # type: ignore[call-overload]
        stored = s.scalar(select(func.count()).select_from(EnterpriseRow)) or 0
        actions = dict(
            s.execute(
                select(AuditRow.action, func.count())
                .where(AuditRow.table_name == "enterprises")
                .group_by(AuditRow.action)
            ).all()
        )
    return int(stored), {str(k): int(v) for k, v in actions.items()}


def test_bulk_import_audits_every_enterprise(database_url: str, tmp_path: Path) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        svc = EnterpriseService(engine)
        assert svc.import_registry(OFFICE, _file(tmp_path / "a.csv", "大邱庄镇")) == (ROWS, 0)
        assert _counts(engine) == (ROWS, {"create": ROWS})
        assert svc.import_registry(OFFICE, _file(tmp_path / "b.csv", "子牙镇")) == (0, ROWS)
        assert _counts(engine) == (ROWS, {"create": ROWS, "update": ROWS})
        assert svc.import_registry(OFFICE, _file(tmp_path / "b.csv", "子牙镇")) == (0, 0)
        with pytest.raises(CarbonpeakError):
            svc.import_registry(OFFICE, _file(tmp_path / "c.csv", "唐官屯镇", bad_at=ROWS - 1))
        assert _counts(engine) == (ROWS, {"create": ROWS, "update": ROWS})
        towns = {e.town for e in svc.enterprises(OFFICE)}
        assert towns == {"子牙镇"}
    finally:
        engine.dispose()
