"""Tracking benchmarks: evaluation and assessment of a whole plan, a 10,000-row import, and 50
concurrent writers on PostgreSQL with no lost update.

    python -m benchmarks.tracking [--plan jinghai-2023] [--postgres URL] [--rows 10000] [--writers 50]

Prints figures and ratios. The PostgreSQL part runs on CARBONPEAK_TEST_POSTGRES_URL when it is
set, else on a throwaway server started as the tests start theirs (tests/throwaway_postgres.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from carbonpeak.plan import Plan, load_plan
from carbonpeak.reports import write_file
from carbonpeak.services.tracking import TrackingService
from carbonpeak.services.tracking_demo import load as load_demo
from carbonpeak.storage import make_engine, store_plan, upgrade
from carbonpeak.tracking.errors import ConflictError
from carbonpeak.tracking.model import Actor
from carbonpeak.tracking.sheets import owned_tasks, read_import, template_book

OFFICE = Actor("benchmark", "office")


def _best(fn: object, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def bench_evaluation(plan: Plan, folder: Path) -> None:
    url = f"sqlite:///{(folder / 'eval.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    try:
        store_plan(engine, plan, who="benchmark", source="benchmark")
        load_demo(engine, plan)
        svc = TrackingService(engine, plan, source="benchmark")
        start = time.perf_counter()
        data = svc.data()
        read = time.perf_counter() - start
        years = [2020, 2021, 2022, 2023, 2024]
        quantified = sum(1 for i in plan.indicators if i.kind != "qualitative")

        def run() -> None:
            svc.evaluate(years, data)
            for year in years:
                svc.assess(year, dt.date(year + 1, 1, 31), data)

        best, median = _best(run, 5)
        print(
            f"evaluation + assessment, plan {plan.plan.id}: {quantified} indicators × {len(years)} years, "
            f"{len(plan.tasks)} tasks, {len(plan.units)} units, {len(data.observations)} values, "
            f"{len(data.reports)} reports"
        )
        print(
            f"  read from SQLite: {read * 1000:.1f} ms; evaluate 5 years + assess 5 years: "
            f"best {best * 1000:.1f} ms, median {median * 1000:.1f} ms "
            f"({1.0 / best:.1f}× under the 1 s budget)"
        )
    finally:
        engine.dispose()


def _csv_rows(plan: Plan, unit: str, rows: int, path: Path) -> int:
    tasks = [t.id for t in owned_tasks(plan, unit)]
    periods = ("Q1", "Q2", "Q3", "Q4", "Y")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["任务代码", "年份", "期间", "进展状态", "进展情况"])
        n = 0
        for year in range(2000, 2101):
            for task in tasks:
                for period in periods:
                    if n == rows:
                        return n
                    writer.writerow([task, year, period, "推进中", f"基准测试 {n}"])
                    n += 1
    return n


def _xlsx_rows(plan: Plan, unit: str, rows: int, path: Path) -> int:
    """The unit's template with ``rows`` task-report rows filled (as a unit would send it back)."""
    csv_path = path.with_suffix(".csv")
    n = _csv_rows(plan, unit, rows, csv_path)
    write_file(template_book(plan, unit, 2024), path)
    wb = load_workbook(path)
    ws = wb["任务进展"]
    ws.delete_rows(2, ws.max_row)
    with csv_path.open(encoding="utf-8") as handle:
        for task, year, period, status, narrative in list(csv.reader(handle))[1:]:
            ws.append([task, "", int(year), period, status, narrative, None])
    wb.save(path)
    return n


def bench_import(plan: Plan, folder: Path, url: str, label: str, rows: int, kind: str = "csv") -> None:
    unit = max(plan.units, key=lambda u: len(owned_tasks(plan, u.id))).id
    path = folder / f"import-{uuid.uuid4().hex[:6]}.{kind}"
    n = _csv_rows(plan, unit, rows, path) if kind == "csv" else _xlsx_rows(plan, unit, rows, path)
    upgrade(url)
    engine = make_engine(url)
    try:
        store_plan(engine, plan, who="benchmark", source="benchmark")
        svc = TrackingService(engine, plan, source=f"import:{path.name}")
        start = time.perf_counter()
        parsed = read_import(path, plan, unit)
        checked = time.perf_counter() - start
        start = time.perf_counter()
        counts = svc.import_rows(OFFICE, parsed, file=str(path))
        written = time.perf_counter() - start
        assert counts["reports"] == n
        print(
            f"import of a {n}-row {kind.upper()} (unit {unit}, {label}): read and check {checked:.2f} s "
            f"({n / checked:,.0f} rows/s), write all-or-nothing with audit {written:.2f} s "
            f"({n / written:,.0f} rows/s)"
        )
    finally:
        engine.dispose()


def _pg_database(admin_url: str) -> tuple[str, object] | None:
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"cp_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        raise SystemExit(
            f"PostgreSQL at {make_url(admin_url).render_as_string()} not available ({exc.__class__.__name__})"
        ) from exc
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), admin


def _drop(admin: object, url: str) -> None:
    name = make_url(url).database
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()  # type: ignore[attr-defined]


def bench_writers(plan: Plan, url: str, writers: int) -> None:
    upgrade(url)
    engine = make_engine(url, pool_size=writers, max_overflow=10)
    try:
        store_plan(engine, plan, who="benchmark", source="benchmark")
        svc = TrackingService(engine, plan, source="benchmark")
        indicator = next(i for i in plan.indicators if i.kind != "qualitative")
        ref = svc.record_value(OFFICE, indicator.id, 2024, 0.0)
        barrier = threading.Barrier(writers)
        conflicts = [0] * writers

        def writer(k: int) -> None:
            barrier.wait()
            while True:
                current = svc.get("value", ref.id)
                try:
                    svc.record_value(
                        OFFICE, indicator.id, 2024, current["value"] + 1, expected_version=current["version"]
                    )
                    return
                except ConflictError:
                    conflicts[k] += 1

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        final = svc.get("value", ref.id)
        lost = writers - int(final["value"])
        print(
            f"{writers} concurrent writers, read-modify-write of one record on PostgreSQL: "
            f"{elapsed:.2f} s, {sum(conflicts)} conflicts detected and retried, final value "
            f"{final['value']:g} (expected {writers}), version {final['version']}, lost updates: {lost}"
        )
        if lost:
            raise SystemExit("LOST UPDATES")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plan", default="jinghai-2023")
    parser.add_argument("--postgres", default=os.environ.get("CARBONPEAK_TEST_POSTGRES_URL"))
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=50)
    args = parser.parse_args()
    plan = load_plan(args.plan)
    server = None
    if args.postgres is None:
        from tests import throwaway_postgres

        server = throwaway_postgres.start()
        args.postgres = server.url
    try:
        _run_all(plan, args)
    finally:
        if server is not None:
            server.stop()


def _run_all(plan: Plan, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_evaluation(plan, folder)
        bench_import(plan, folder, f"sqlite:///{(folder / 'import.sqlite').as_posix()}", "SQLite", args.rows)
        bench_import(
            plan, folder, f"sqlite:///{(folder / 'import-x.sqlite').as_posix()}", "SQLite", args.rows, "xlsx"
        )
        pg = _pg_database(args.postgres)
        if pg is not None:
            url, admin = pg
            try:
                bench_import(plan, folder, url, "PostgreSQL", args.rows)
            finally:
                _drop(admin, url)
            pg = _pg_database(args.postgres)
            assert pg is not None
            url, admin = pg
            try:
                bench_writers(plan, url, args.writers)
            finally:
                _drop(admin, url)


if __name__ == "__main__":
    main()
