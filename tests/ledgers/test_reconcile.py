"""The key units reconciled with the stored inventory on SQLite and PostgreSQL: the industry lines of
the year by fuel (never generation or households), the submitted months only, the share covered, a
fuel the inventory's industry lacks and one the units exceed flagged, the metered totals; the CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carbonpeak.accounting import read_activity
from carbonpeak.accounting.demo import ACTIVITY_FILE, demo_dir
from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services import inventory
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.meters import MeterService
from carbonpeak.services.reconcile import ReconcileService
from carbonpeak.storage import make_engine, upgrade
from tests.cli.test_cli import invoke

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
FIRM_B = LedgerActor("firm-b", "enterprise", B)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry\n{A},示例甲（示例数据）,33\n{B},示例乙（示例数据）,31\n", encoding="utf-8"
    )
    EnterpriseService(engine).import_registry(OFFICE, path)
    activity = read_activity(demo_dir() / ACTIVITY_FILE)
    inventory.store_activity(engine, activity, file_name=ACTIVITY_FILE, who="统计员", source="test")
    yield engine
    engine.dispose()


def _industry(fuel: str, year: int) -> float:
    """The demo activity file's industry rows of a fuel (the input, read apart from the inventory)."""
    frame = read_activity(demo_dir() / ACTIVITY_FILE).frame
    rows = frame[
        (frame["year"] == year) & frame["sector"].str.startswith("industry|") & (frame["fuel"] == fuel)
    ]
    return float(rows["amount"].sum())


def test_the_units_against_the_inventorys_industry(engine: Engine) -> None:
    ledger = EnterpriseService(engine, today=dt.date(2026, 12, 7))
    gas_total = _industry("natural_gas", 2024)
    diesel_total = _industry("diesel", 2024)
    assert gas_total > 0 and diesel_total > 0
    for month in ("2024-01", "2024-02"):
        ledger.submit(
            FIRM_A,
            A,
            {
                "period": month,
                "lines": [
                    {"fuel": "natural_gas", "amount": 100, "unit": "万立方米"},
                    {"fuel": "raw_coal", "amount": 50, "unit": "t"},
                    {"fuel": "diesel", "amount": diesel_total, "unit": "t"},  # twice the industry's
                ],
            },
            source="test",
        )
    ledger.submit(  # a draft is not the unit's figure
        FIRM_B, B, {"period": "2024-01", "lines": [{"fuel": "natural_gas", "amount": 9e4, "unit": "万m3"}]},
        source="test", status="draft",
    )  # fmt: skip
    meters = MeterService(engine, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    meters.register(FIRM_A, A, {"code": "G1", "kind": "natural_gas", "mode": "interval"}, source="test")
    meters.ingest_rows(
        FIRM_A,
        A,
        [{"meter": "G1", "time": "2024-01-01T08:00:00+08:00", "value": 5000, "unit": "m3"}],
        source="t",
    )
    out = ReconcileService(engine).reconcile(OFFICE, 2024)
    rows = {r["fuel"]: r for r in out["fuels"]}
    assert (out["units"], out["months"]) == (1, 2)
    assert rows["natural_gas"]["inventory"] == pytest.approx(gas_total)
    assert rows["natural_gas"]["reported"] == pytest.approx(200.0)
    assert rows["natural_gas"]["share"] == pytest.approx(200.0 / gas_total)
    assert rows["natural_gas"]["difference"] == pytest.approx(gas_total - 200.0)
    assert rows["natural_gas"]["metered"] == pytest.approx(0.5)  # 5,000 m3
    assert rows["diesel"]["exceeds"] and rows["diesel"]["share"] == pytest.approx(2.0)
    assert rows["raw_coal"]["not_in_inventory"] and rows["raw_coal"]["reported"] == pytest.approx(100.0)
    assert "solar_power" not in rows  # generation is not industry's final consumption
    assert "electricity" in rows and rows["electricity"]["reported"] == 0.0
    zh = " ".join(out["words"]["zh-CN"])
    assert (
        "天然气：重点用能单位覆盖清单工业部门的" in zh
        and "请核对统计口径" in zh
        and "清单工业部门无此品种" in zh
    )
    assert out["energy"]["share"] == pytest.approx(
        out["energy"]["key_units_tce"] / out["energy"]["inventory_industry_tce"]
    )
    with pytest.raises(NotFoundError):
        ReconcileService(engine).reconcile(OFFICE, 2031)
    with pytest.raises(NotAllowedError):
        ReconcileService(engine).reconcile(FIRM_A, 2024)


def test_the_cli(database_url: str, engine: Engine) -> None:
    del engine
    code, out, err = invoke(
        "--database", database_url, "enterprises", "reconcile", "--year", "2024", "-f", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["year"] == 2024 and {r["fuel"] for r in data["fuels"]} >= {"natural_gas", "electricity"}
    code, table, _ = invoke("--database", database_url, "enterprises", "reconcile", "--year", "2024")
    assert code == 0 and "占清单工业能耗" in table and "示例数据" in table
    code, _, err = invoke("--database", database_url, "enterprises", "reconcile", "--year", "2031")
    assert code != 0 and "2031" in err
