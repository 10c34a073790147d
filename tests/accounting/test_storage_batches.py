"""Activity batches in SQLite through the real migrations: stored once, with provenance."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from carbonpeak.accounting import inventory, read_activity
from carbonpeak.storage import current, head, make_engine, upgrade
from carbonpeak.storage.activity import activity_batches, load_demo, store_activity_batch
from tests.accounting.helpers import write_csv


def test_migration_and_batches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    assert current(url) == head()
    engine = make_engine(url)
    try:
        assert "activity_batches" in inspect(engine).get_table_names()
        act = read_activity(write_csv(tmp_path / "a.csv", [(2022, "industry|other", "diesel", 10, "t", "")]))
        first = store_activity_batch(engine, act, inventory(act), who="test", source="a.csv")
        again = store_activity_batch(engine, act, inventory(act), who="test", source="a.csv")
        assert first.created
        assert not again.created
        assert first.id == again.id
        lines = load_demo(engine, None)
        assert "activity batch stored as #2" in lines[0]
        assert "示例数据" in lines[0]
        assert "already stored as #2" in load_demo(engine, None)[0]
        batches = activity_batches(engine, kind="activity")
        assert [b["rows"] for b in batches] == [1, 215]
        macro = activity_batches(engine, kind="macro")
        assert [(b["id"], b["rows"], b["illustrative"]) for b in macro] == [(3, 20, True)]
        assert batches[1]["illustrative"] is True
        assert batches[1]["years"] == [2020, 2021, 2022, 2023, 2024]
        assert batches[0]["created_by"] == "test"
        assert batches[0]["factor_set"] == "cn-provincial@2011.1"
    finally:
        engine.dispose()
