"""Stored activity content (migration 0026) on SQLite and PostgreSQL: the demo batches rebuild the demo
inventory to the last bit, the current inventory follows the batches (cache keyed by their hashes),
and a batch stored before 0026 gets its rows when its file is imported again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from carbonpeak.accounting import inventory, read_activity
from carbonpeak.accounting.demo import demo_inventory
from carbonpeak.services.inventory import current, current_inventory, stored_inputs
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.activity import activity_batches, load_demo, store_activity_batch
from tests.accounting.helpers import write_csv
from tests.audit_watch import setup_writes


def test_demo_batches_rebuild_the_demo_inventory(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        assert current_inventory(engine) is None
        assert stored_inputs(engine).batches == []
        load_demo(engine, None)
        stored = current(engine)
        assert stored is not None and stored.illustrative
        demo = demo_inventory()
        assert stored.inventory.to_frame().equals(demo.to_frame())  # exact, every float
        assert stored.inventory.to_json()["years"] == demo.to_json()["years"]
        assert stored.inventory.source == "jinghai-activity-2020-2024.csv"
        assert [b["kind"] for b in stored.batches] == ["activity", "macro"]
        assert stored.batches[0]["years_used"] == [2020, 2021, 2022, 2023, 2024]
        assert current(engine) is stored  # nothing changed: the cached inventory
        assert dict(stored.co2_history())["2020"] == demo.to_json()["years"]["2020"]["co2_t"]["total"]
    finally:
        engine.dispose()


def test_latest_batch_wins_per_year(database_url: str, tmp_path: Path) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        a = read_activity(
            write_csv(
                tmp_path / "a.csv",
                [
                    (2022, "industry|other", "diesel", 10, "t", ""),
                    (2023, "industry|other", "diesel", 10, "t", ""),
                ],
            )
        )
        b = read_activity(write_csv(tmp_path / "b.csv", [(2023, "industry|other", "diesel", 30, "t", "")]))
        first = store_activity_batch(engine, a, inventory(a), who="test", source="a.csv")
        before = current(engine)
        second = store_activity_batch(engine, b, inventory(b), who="test", source="b.csv")
        after = current(engine)
        assert before is not None and after is not None and after is not before
        co2 = {y: d["co2_t"]["total"] for y, d in after.inventory.to_json()["years"].items()}
        one = inventory(a).to_json()["years"]["2022"]["co2_t"]["total"]
        assert co2["2022"] == pytest.approx(one, rel=1e-12)
        assert co2["2023"] == pytest.approx(3 * one, rel=1e-12)
        assert [(x["id"], x["years_used"]) for x in after.batches] == [
            (first.id, [2022]),
            (second.id, [2023]),
        ]
        old = current(engine, first.id)
        assert old is not None
        assert old.inventory.to_json()["years"]["2023"]["co2_t"]["total"] == pytest.approx(one, rel=1e-12)
        with pytest.raises(LookupError):
            current(engine, 999)
    finally:
        engine.dispose()


def test_batch_from_before_0026_gets_its_rows_on_reimport(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}"
    upgrade(url, "0020")
    act = read_activity(write_csv(tmp_path / "a.csv", [(2022, "industry|other", "diesel", 10, "t", "")]))
    engine = make_engine(url)
    try:
        with setup_writes(), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO activity_batches (file_name, content_sha256, rows, years, illustrative, "
                    "status, factor_set, summary, created_by, source) VALUES ('a.csv', :sha, 1, '[2022]', "
                    "0, 'validated', 'cn-provincial@2011.1', '{}', 'old', 'a.csv')"
                ),
                {"sha": act.sha256},
            )
        upgrade(url)
        assert [(b["kind"], b["rows_stored"]) for b in activity_batches(engine)] == [("activity", False)]
        assert current_inventory(engine) is None  # no rows, no inventory
        with pytest.raises(LookupError, match="import its file again"):
            current(engine, 1)
        again = store_activity_batch(engine, act, inventory(act), who="test", source="a.csv")
        assert (again.id, again.created) == (1, False)
        inv = current_inventory(engine)
        assert inv is not None and inv.to_frame().equals(inventory(act).to_frame())
    finally:
        engine.dispose()


def test_migration_0026_goes_down_and_up(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from carbonpeak.storage.migrate import alembic_config

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        load_demo(engine, None)
        command.downgrade(alembic_config(database_url), "0020")
        inspector = inspect(engine)
        assert "activity_rows" not in inspector.get_table_names()
        assert "kind" not in {c["name"] for c in inspector.get_columns("activity_batches")}
        upgrade(database_url)
        # the activity batch survives as a summary (its rows come back when its file is imported
        # again); the macro batch is gone with its kind
        assert [(b["kind"], b["rows_stored"]) for b in activity_batches(engine)] == [("activity", False)]
        assert current_inventory(engine) is None
    finally:
        engine.dispose()
