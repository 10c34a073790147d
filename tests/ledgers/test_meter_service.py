"""Meter ingest on SQLite and PostgreSQL (COPY): batches that continue across each other, the
quarantine kept and listed, a file batch, the meter month against the reported month, the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.meters import MeterService
from carbonpeak.storage import make_engine, upgrade

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
FIRM_B = LedgerActor("firm-b", "enterprise", B)
NOW = dt.datetime(2025, 4, 2, tzinfo=dt.UTC)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    path = tmp_path / "registry.csv"
    path.write_text(
        f"id,name,industry\n{A},示例甲（示例数据）,33\n{B},示例乙（示例数据）,31\n", encoding="utf-8"
    )
    EnterpriseService(engine).import_registry(OFFICE, path)
    yield engine
    engine.dispose()


def _rows(*items: tuple[str, str, object, str]) -> list[dict[str, object]]:
    return [{"meter": m, "time": t, "value": v, "unit": u} for m, t, v, u in items]


def test_batches_quarantine_and_comparison(engine: Engine, tmp_path: Path) -> None:
    svc = MeterService(engine, now=NOW)
    svc.register(FIRM_A, A, {"code": "E1", "kind": "electricity", "mode": "cumulative"}, source="test")
    svc.register(OFFICE, A, {"code": "G1", "kind": "natural_gas", "mode": "interval"}, source="test")
    with pytest.raises(NotAllowedError):
        svc.register(FIRM_B, A, {"code": "X", "kind": "electricity"}, source="test")
    first = svc.ingest_rows(
        FIRM_A,
        A,
        _rows(
            ("E1", "2025-03-01T00:00:00+08:00", 1000, "kWh"),
            ("E1", "2025-03-01T00:15:00+08:00", 1010, "kWh"),
            ("E1", "2025-03-01T00:30:00+08:00", -3, "kWh"),
            ("G1", "2025-03-01T00:15:00+08:00", 50, "m3"),
        ),
        source="api",
    )
    assert (first["readings"], first["stored"]) == (4, 2)  # E1's first reading has no interval yet
    assert [(q["row"], q["reason"]) for q in first["quarantined"]] == [(2, "negative")]
    # the second batch continues from E1's last stored reading (1010 kWh): +20 kWh, a gap of one
    second = svc.ingest_rows(
        FIRM_A,
        A,
        _rows(
            ("E1", "2025-03-01T00:15:00+08:00", 1010, "kWh"),  # already stored
            ("E1", "2025-03-01T00:45:00+08:00", 1030, "kWh"),
            ("E1", "2025-03-01T01:00:00+08:00", 0.002, "kWh"),  # a reset, counted from zero
        ),
        source="api",
    )
    assert [q["reason"] for q in second["quarantined"]] == ["duplicate"]
    assert [g["missing"] for g in second["gaps"]] == [1]
    assert [r["before"] for r in second["resets"]] == [1030.0]
    with pytest.raises(LedgerProblems) as caught:
        svc.ingest_rows(
            FIRM_A,
            A,
            _rows(("E9", "2025-03-01T02:00:00+08:00", 1, "kWh"), ("E1", "soon", 1, "kWh")),
            source="api",
        )
    assert {(p.row, p.column) for p in caught.value.problems} == {(0, "meter"), (1, "time")}
    csv = tmp_path / "readings.csv"
    csv.write_text(
        "# 示例数据\nmeter,time,value,unit\nG1,2025-03-02T08:00:00+08:00,0.005,万立方米\n", encoding="utf-8"
    )
    assert svc.ingest_file(FIRM_A, A, csv)["stored"] == 1
    assert [q["reason"] for q in svc.quarantine(OFFICE, A)] == ["negative", "duplicate"]
    EnterpriseService(engine, today=dt.date(2025, 12, 31)).submit(
        FIRM_A,
        A,
        {
            "period": "2025-03",
            "lines": [
                {"fuel": "electricity", "amount": 30, "unit": "kWh"},
                {"fuel": "natural_gas", "amount": 100, "unit": "m3"},
            ],
        },
        source="api",
    )
    rows = {r["fuel"]: r for r in svc.comparison(FIRM_A, A)}
    # electricity: 10 + 20 + 0.002 = 30.002 kWh metered against 30 reported: within 5%
    assert rows["electricity"]["metered"] == pytest.approx(30.002)
    assert not rows["electricity"]["flagged"]
    # gas: 50 m3 + 50 m3 = 0.01 万m3 metered, 0.01 reported
    assert rows["natural_gas"]["metered"] == pytest.approx(0.01) and not rows["natural_gas"]["flagged"]
    assert svc.comparison(FIRM_A, A, tolerance=0.00001)[0]["flagged"]  # the 0.002 kWh now counts
    with pytest.raises(NotAllowedError):
        svc.quarantine(FIRM_B, A)
    with pytest.raises(NotAllowedError):
        svc.ingest_rows(FIRM_B, A, [], source="api")


def test_a_value_that_is_no_number_is_quarantined(engine: Engine, tmp_path: Path) -> None:
    svc = MeterService(engine, now=NOW)
    svc.register(FIRM_A, A, {"code": "E1", "kind": "electricity"}, source="test")
    csv = tmp_path / "r.csv"
    csv.write_text(
        "meter,time,value,unit\nE1,2025-03-01T00:00:00+08:00,abc,kWh\nE1,2025-03-01T00:15:00+08:00,,zz\n",
        encoding="utf-8",
    )
    done = svc.ingest_file(FIRM_A, A, csv)
    assert [(q["row"], q["reason"], q["value"]) for q in done["quarantined"]] == [
        (2, "negative", None),
        (3, "unit", None),
    ]
    assert svc.ingest_rows(FIRM_A, A, [], source="api")["stored"] == 0
