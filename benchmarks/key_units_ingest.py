"""Meter ingest benchmark (issue 21): readings per second through ``MeterService.ingest`` (vectorized
validation, then COPY on PostgreSQL / executemany on SQLite, in one transaction with the audit row)
against a plain bulk insert of the same interval rows with the driver alone (sqlite3 ``executemany``,
psycopg ``COPY``), and the monthly aggregation of the stored intervals (daily sums in the database,
``storage.meters.meter_days``, then months).

    python -m benchmarks.key_units_ingest [--meters 100] [--days 10] [--batch-days 1]
        [--postgres URL] [--skip-sqlite]

The readings are made and sent in batches of ``--batch-days`` days of every meter (96 a day each),
so memory stays bounded by one batch whatever the size: the issue's full load is
``--meters 1000 --days 365`` (35 M rows, PostgreSQL). Each batch continues the cumulative values of
the one before, as a meter's next upload does. Without ``--postgres`` (or
``CARBONPEAK_BENCH_POSTGRES_URL``) only SQLite runs. Prints figures and ratios, no assertions on time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from carbonpeak.ledgers import Enterprise, uscc_check_char
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.monitoring import fuel_days, monthly
from carbonpeak.services.meters import MeterService
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage import meters as meter_repo
from carbonpeak.units import conversion_factor

OFFICE = LedgerActor("bench", "office")
START = pd.Timestamp("2025-01-01", tz="UTC")
STEPS_A_DAY = 96


def batches(meters: int, days: int, batch_days: int = 1, seed: int = 21) -> Iterator[pd.DataFrame]:
    """Cumulative electricity readings every 15 minutes, ``meters`` meters × ``days`` days, in
    batches of ``batch_days`` days of every meter (each batch continues the values of the one before)."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"M{i:04d}" for i in range(meters)])
    level = np.zeros(meters)
    for first in range(0, days, batch_days):
        steps = min(batch_days, days - first) * STEPS_A_DAY
        offset = first * STEPS_A_DAY
        times = START + pd.to_timedelta((offset + np.arange(steps)) * 15, unit="min")
        values = level[:, None] + np.cumsum(rng.uniform(5, 15, size=(meters, steps)), axis=1)
        level = values[:, -1].copy()
        yield pd.DataFrame(
            {
                "meter": np.repeat(codes, steps),
                "time": np.tile(times, meters),
                "value": values.ravel(),
                "unit": "kWh",
            }
        )


def readings(meters: int, days: int) -> pd.DataFrame:
    """All the readings at once (small sizes only)."""
    return pd.concat(list(batches(meters, days, days)), ignore_index=True)


def _setup(url: str, meters: int) -> tuple[Engine, str, dict[str, int]]:
    upgrade(url)
    engine = make_engine(url)
    first = "91120118BENCHK001"
    ent = Enterprise(
        id=first + uscc_check_char(first), name="基准测试企业（示例数据）", industry="33", illustrative=True
    )
    ledger_repo.save_enterprises(engine, [ent], who="bench", source="bench")
    svc = MeterService(engine, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    for i in range(meters):
        svc.register(OFFICE, ent.id, {"code": f"M{i:04d}", "kind": "electricity"}, source="bench")
    ids = {s.meter.meter_id: s.id for s in meter_repo.meters(engine, ent.id)}
    return engine, ent.id, ids


class Plain:
    """The driver alone: the same interval rows into a bare table with the same primary key."""

    def __init__(self, url: str, dialect: str) -> None:
        self.dialect = dialect
        self.conn: Any
        if dialect == "sqlite":
            self.conn = sqlite3.connect(url.removeprefix("sqlite:///") + ".plain")
            self.conn.execute(  # a bare file without the meters table: no foreign key (harder on us)
                "CREATE TABLE t (meter_id INTEGER, time TEXT, use REAL, batch_id INTEGER,"
                " PRIMARY KEY (meter_id, time))"
            )
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
            self.conn.execute("DROP TABLE IF EXISTS bench_plain")
            # the same definition as meter_intervals: primary key and the foreign key to the meters
            self.conn.execute(
                "CREATE TABLE bench_plain (meter_id int REFERENCES enterprise_meters (id),"
                " time timestamptz, use float8, batch_id int, PRIMARY KEY (meter_id, time))"
            )
            self.conn.commit()

    def insert(self, rows: pd.DataFrame) -> None:
        if self.dialect == "sqlite":
            self.conn.executemany(
                "INSERT INTO t VALUES (?, ?, ?, 1)",
                zip(
                    rows["meter_id"].tolist(),
                    rows["time"].astype(str).tolist(),
                    rows["use"].tolist(),
                    strict=True,
                ),
            )
            self.conn.commit()
            return
        buffer = io.StringIO()
        rows.assign(time=rows["time"].dt.strftime("%Y-%m-%d %H:%M:%S+00"), batch_id=1).to_csv(
            buffer, sep="\t", header=False, index=False
        )
        with (
            self.conn.cursor() as cur,
            cur.copy("COPY bench_plain (meter_id, time, use, batch_id) FROM STDIN") as c,
        ):
            c.write(buffer.getvalue())
        self.conn.commit()

    def close(self) -> None:
        if self.dialect != "sqlite":
            self.conn.execute("DROP TABLE IF EXISTS bench_plain")
            self.conn.commit()
        self.conn.close()


@contextlib.contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on the server of ``url`` for one run (dropped after it): a run never
    continues the meters of an earlier one."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"bench_{secrets.token_hex(4)}"
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run(url: str, meters: int, days: int, batch_days: int, dialect: str) -> dict[str, float]:
    if dialect == "postgresql":
        with fresh_database(url) as fresh:
            return _run(fresh, meters, days, batch_days, dialect)
    return _run(url, meters, days, batch_days, dialect)


def _run(url: str, meters: int, days: int, batch_days: int, dialect: str) -> dict[str, float]:
    engine, ent, ids = _setup(url, meters)
    svc = MeterService(engine, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    plain = Plain(url, dialect)
    ours = bare = 0.0
    n = stored = 0
    for frame in batches(meters, days, batch_days):
        t0 = time.perf_counter()
        done = svc.ingest(OFFICE, ent, frame, source="bench")
        ours += time.perf_counter() - t0
        rows = pd.DataFrame({"meter_id": frame["meter"].map(ids), "time": frame["time"], "use": 1.0})
        t0 = time.perf_counter()
        plain.insert(rows)
        bare += time.perf_counter() - t0
        n += len(frame)
        stored += int(done["stored"])
    plain.close()
    t0 = time.perf_counter()
    months = monthly(fuel_days(meter_repo.meter_days(engine, [ent], year=2025)))
    agg = time.perf_counter() - t0
    print(
        f"{dialect:10s} {n:>11,} readings ({meters} meters × {days} days, batches of {batch_days} day(s)): "
        f"ingest {n / ours:>9,.0f}/s ({ours:.1f} s, {stored:,} intervals), "
        f"plain driver insert {n / bare:>9,.0f}/s ({bare:.1f} s), ratio {bare / ours:.2f}; "
        f"monthly aggregation {agg:.2f} s ({len(months)} rows)",
        flush=True,
    )
    engine.dispose()
    return {"readings": n, "ingest_s": ours, "plain_s": bare, "ratio": bare / ours, "aggregation_s": agg}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--meters", type=int, default=100)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--batch-days", type=int, default=1, help="days of every meter in one batch")
    parser.add_argument("--postgres", default=os.environ.get("CARBONPEAK_BENCH_POSTGRES_URL"))
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only (the full load)")
    args = parser.parse_args(argv or [])
    conversion_factor("kWh", "MWh")  # load the unit registry once, outside the timings
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run(
                f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                args.meters,
                args.days,
                args.batch_days,
                "sqlite",
            )
    if args.postgres:
        run(args.postgres, args.meters, args.days, args.batch_days, "postgresql")
    else:
        print("postgresql: skipped (give --postgres URL or CARBONPEAK_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
