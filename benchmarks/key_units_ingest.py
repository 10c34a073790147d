"""Meter ingest benchmark (issue 21): readings per second through ``MeterService.ingest`` (vectorized
validation, then COPY on PostgreSQL / executemany on SQLite, in one transaction with the audit row)
against a plain bulk insert of the same interval rows with the driver alone (sqlite3 ``executemany``,
psycopg ``COPY``), and the monthly aggregation of the stored intervals.

    python -m benchmarks.key_units_ingest [--meters 100] [--days 10] [--postgres URL]

Without ``--postgres`` (or ``CARBONPEAK_BENCH_POSTGRES_URL``) only SQLite runs. The issue's full load
is 1,000 units × 96 readings a day for a year (35 M rows); this prints the rate to scale from.
Prints figures and ratios, no assertions on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak.ledgers import Enterprise, uscc_check_char
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.services.meters import MeterService
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage import meters as meter_repo
from carbonpeak.units import conversion_factor

OFFICE = LedgerActor("bench", "office")


def readings(meters: int, days: int) -> pd.DataFrame:
    """Cumulative electricity readings every 15 minutes, ``meters`` meters × ``days`` days."""
    steps = days * 96
    start = pd.Timestamp("2025-01-01", tz="UTC")
    times = start + pd.to_timedelta(np.arange(steps) * 15, unit="min")
    rng = np.random.default_rng(21)
    use = rng.uniform(5, 15, size=(meters, steps))
    values = np.cumsum(use, axis=1)
    return pd.DataFrame(
        {
            "meter": np.repeat([f"M{i:04d}" for i in range(meters)], steps),
            "time": np.tile(times, meters),
            "value": values.ravel(),
            "unit": "kWh",
        }
    )


def _setup(url: str, meters: int) -> tuple[object, str]:
    upgrade(url)
    engine = make_engine(url)
    first = "91120118BENCHK001"
    ent = Enterprise(
        id=first + uscc_check_char(first), name="基准测试企业（示例数据）", industry="33", illustrative=True
    )
    ledger_repo.save_enterprises(engine, [ent], who="bench", source="bench")
    svc = MeterService(engine, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for i in range(meters):
        svc.register(OFFICE, ent.id, {"code": f"M{i:04d}", "kind": "electricity"}, source="bench")
    return engine, ent.id


def run(url: str, frame: pd.DataFrame, meters: int, plain: str) -> None:
    engine, ent = _setup(url, meters)
    svc = MeterService(engine, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # type: ignore[arg-type]
    t0 = time.perf_counter()
    done = svc.ingest(OFFICE, ent, frame, source="bench")
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    stored = meter_repo.intervals(engine, ent)  # type: ignore[arg-type]
    from carbonpeak.ledgers.monitoring import daily, monthly

    described = {s.meter.meter_id: s.meter for s in meter_repo.meters(engine, ent)}  # type: ignore[arg-type]
    months = monthly(daily(stored, described))
    agg = time.perf_counter() - t0
    rows = pd.DataFrame(
        {"meter_id": frame["meter"].str[1:].astype(int) + 1, "time": frame["time"], "use": 1.0}
    )
    t0 = time.perf_counter()
    if plain == "sqlite":
        path = url.removeprefix("sqlite:///") + ".plain"
        conn = sqlite3.connect(path)
        conn.execute(
            "CREATE TABLE t (meter_id INTEGER, time TEXT, use REAL, batch_id INTEGER,"
            " PRIMARY KEY (meter_id, time))"
        )
        conn.executemany(
            "INSERT INTO t VALUES (?, ?, ?, 1)",
            zip(
                rows["meter_id"].tolist(),
                rows["time"].astype(str).tolist(),
                rows["use"].tolist(),
                strict=True,
            ),
        )
        conn.commit()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            conn.execute(
                "CREATE TEMP TABLE t (meter_id int, time timestamptz, use float8, batch_id int,"
                " PRIMARY KEY (meter_id, time))"
            )
            buffer = io.StringIO()
            rows.assign(time=rows["time"].dt.strftime("%Y-%m-%d %H:%M:%S+00"), batch_id=1).to_csv(
                buffer, sep="\t", header=False, index=False
            )
            with conn.cursor() as cur, cur.copy("COPY t (meter_id, time, use, batch_id) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
    bare = time.perf_counter() - t0
    n = len(frame)
    print(
        f"{plain:10s} {n:>9,} readings: ingest {n / ours:>10,.0f}/s "
        f"({ours:.2f} s, {done['stored']:,} intervals), "
        f"plain driver insert {n / bare:>10,.0f}/s ({bare:.2f} s), ratio {bare / ours:.2f}; "
        f"monthly aggregation {agg:.2f} s ({len(months)} rows)"
    )
    engine.dispose()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=100)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("CARBONPEAK_BENCH_POSTGRES_URL"))
    args = parser.parse_args(argv or [])
    frame = readings(args.meters, args.days)
    conversion_factor("kWh", "MWh")  # load the unit registry once, outside the timings
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", frame, args.meters, "sqlite")
    if args.postgres:
        run(args.postgres, frame, args.meters, "postgresql")
    else:
        print("postgresql: skipped (give --postgres URL or CARBONPEAK_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
