"""Nothing lost under load and faults (issue 13): concurrent writers over HTTP, then kill -9 during imports.

    python -m benchmarks.writers [--writers 20] [--seconds 60] [--database sqlite|postgresql|both]
                                 [--kills 5] [--registry-rows 5000] [--port 8797] [--workers 1]
                                 [--postgres-url URL]

1. Writers: a fresh database (SQLite file, or a database on PostgreSQL: ``--postgres-url`` names an
   admin URL, else a throwaway server is started as the tests do) gets one registry enterprise and
   one enterprise account (API token) per writer; ``carbonpeak serve`` runs against it in its own
   process; each writer POSTs its month reports (``/api/v1/enterprise/reports``, twelve months in
   turn, each write a new amount) for the given time. An answer 200 is an acknowledged write, with
   the version it wrote; 503 (busy) is refused; a transport error is unknown. Then, read from the
   database: every acknowledged (report, version) must be in the audit log (present), no version
   may be acknowledged twice (duplicated), each report's stored version and lines must be those of
   its last write, no line without its report; on SQLite ``PRAGMA integrity_check``.
2. Kills: ``carbonpeak enterprises import`` of a registry of ``--registry-rows`` new enterprises is
   killed with SIGKILL at a random moment of its run, ``--kills`` times; after each, the registry holds
   all of the file or none of it, with one audit row per stored enterprise.

Prints sent / acknowledged / refused / unknown / present / lost / duplicated and the kill results.
Client and server share the machine: the throughput figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from benchmarks.web_load import REPO, served
from carbonpeak.ledgers.enterprises import USCC_CHARS, uscc_check_char
from carbonpeak.services.accounts import add_user
from carbonpeak.storage import make_engine, upgrade

PLAN = str(REPO / "docs" / "examples" / "minimal-plan.yaml")
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 for number ``n`` (示例: block 91120118 + base-31 digits)."""
    digits = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        digits = USCC_CHARS[r] + digits
    first17 = "91120118" + digits
    return first17 + uscc_check_char(first17)


@contextlib.contextmanager
def database(kind: str, admin_url: str | None) -> Iterator[str]:
    """A fresh, migrated database URL of ``kind``; removed afterwards."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="carbonpeak-writers-"))
        url = f"sqlite:///{(folder / 'writers.sqlite').as_posix()}"
        upgrade(url)
        yield url
        return
    server = None
    if admin_url is None:
        from tests import throwaway_postgres

        server = throwaway_postgres.start()
        admin_url = server.url
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"writers_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if server is not None:
            server.stop()


def prepare(url: str, writers: int, folder: Path) -> list[tuple[str, str]]:
    """Registry enterprises and one enterprise account each: [(enterprise id, API token)]."""
    ids = [uscc(i) for i in range(writers)]
    registry = folder / "registry.csv"
    rows = "".join(f"{e},示例企业{i}（示例数据）,33,,否\n" for i, e in enumerate(ids))
    registry.write_text("id,name,industry,town,two_high\n" + rows, encoding="utf-8")
    run_cli(url, "enterprises", "import", str(registry))
    engine = make_engine(url)
    out = []
    try:
        for i, ent in enumerate(ids):
            token = add_user(
                engine,
                username=f"writer{i}",
                password="writers-benchmark-Pw9",
                role="enterprise",
                display_name=f"writer {i}",
                who="benchmark",
                source="benchmarks/writers.py",
                enterprise_id=ent,
            )
            assert token is not None
            out.append((ent, token))
    finally:
        engine.dispose()
    return out


def run_cli(url: str, *args: str) -> None:
    command = [str(Path(sys.executable).parent / "carbonpeak"), "--database", url, *args]
    subprocess.run(command, check=True, capture_output=True)


@dataclass
class Tally:
    sent: int = 0
    refused: int = 0
    unknown: int = 0
    other: int = 0
    # (enterprise, period) → [(amount, version)] in the order acknowledged
    acked: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)


async def writer(base: str, ent: str, token: str, until: float, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=30, headers=headers) as client:
        n = 0
        while time.perf_counter() < until:
            period = MONTHS[n % len(MONTHS)]
            n += 1
            body = {"period": period, "lines": [{"fuel": "diesel", "amount": n, "unit": "t"}]}
            tally.sent += 1
            start = time.perf_counter()
            try:
                response = await client.post("/api/v1/enterprise/reports", json=body)
            except httpx.TransportError:
                tally.unknown += 1
                continue
            tally.latencies.append(time.perf_counter() - start)
            if response.status_code == 200:
                tally.acked.setdefault((ent, period), []).append((n, int(response.json()["version"])))
            elif response.status_code == 503:
                tally.refused += 1
            else:
                tally.other += 1


def check_writes(url: str, tally: Tally) -> dict[str, int | str]:
    """Compare the acknowledged writes with what the database holds."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            reports = {
                (str(e), str(p)): (int(i), int(v))
                for i, e, p, v in conn.execute(
                    text("SELECT id, enterprise_id, period, version FROM enterprise_reports")
                )
            }
            audited: set[tuple[int, int]] = set()
            for row_id, after in conn.execute(
                text("SELECT row_id, after FROM audit_log WHERE table_name = 'enterprise_reports'")
            ):
                data = after if isinstance(after, dict) else json.loads(after)
                audited.add((int(row_id), int(data["version"])))
            amounts = {
                int(r): float(a)
                for r, a in conn.execute(text("SELECT report_id, amount FROM enterprise_report_lines"))
            }
            orphans = int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM enterprise_report_lines l LEFT JOIN enterprise_reports r "
                        "ON r.id = l.report_id WHERE r.id IS NULL"
                    )
                ).scalar_one()
            )
            integrity = (
                str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
                if url.startswith("sqlite")
                else "n/a (PostgreSQL: constraints checked, orphans counted)"
            )
    finally:
        engine.dispose()
    acknowledged = present = lost = duplicated = wrong_last = 0
    for key, acks in tally.acked.items():
        acknowledged += len(acks)
        versions = [v for _, v in acks]
        duplicated += len(versions) - len(set(versions))
        stored = reports.get(key)
        if stored is None:
            lost += len(acks)
            continue
        report_id, version = stored
        for _, v in acks:
            if (report_id, v) in audited:
                present += 1
            else:
                lost += 1
        last_amount, last_version = acks[-1]
        if version == last_version and amounts.get(report_id) != float(last_amount):
            wrong_last += 1
        if version < last_version:
            wrong_last += 1
    return {
        "acknowledged": acknowledged,
        "present": present,
        "lost": lost,
        "duplicated": duplicated,
        "wrong last state": wrong_last,
        "orphan lines": orphans,
        "integrity_check": integrity,
    }


def writers_run(kind: str, args: argparse.Namespace) -> None:
    with database(kind, args.postgres_url) as url, tempfile.TemporaryDirectory() as tmp:
        accounts = prepare(url, args.writers, Path(tmp))
        with served(url, PLAN, args.port, args.workers) as (base, _pid):
            tally = Tally()
            start = time.perf_counter()
            until = start + args.seconds

            async def everyone() -> None:
                await asyncio.gather(*[writer(base, e, t, until, tally) for e, t in accounts])

            asyncio.run(everyone())
            wall = time.perf_counter() - start
        figures = check_writes(url, tally)
    lat = sorted(tally.latencies) or [0.0]
    print(
        f"[{kind}] {args.writers} writers x {wall:.0f} s, server workers {args.workers}: "
        f"sent {tally.sent}, acknowledged {figures['acknowledged']}, refused (503) {tally.refused}, "
        f"other status {tally.other}, unknown (transport) {tally.unknown}; "
        f"{figures['acknowledged'] / wall:.0f} acknowledged writes/s, "
        f"p50 {lat[len(lat) // 2] * 1000:.0f} ms, p99 {lat[int(len(lat) * 0.99)] * 1000:.0f} ms"
    )
    print(
        f"[{kind}] present {figures['present']}, lost {figures['lost']}, duplicated "
        f"{figures['duplicated']}, wrong last state {figures['wrong last state']}, orphan lines "
        f"{figures['orphan lines']}, integrity_check {figures['integrity_check']}"
    )


def kills_run(kind: str, args: argparse.Namespace) -> None:
    rng = random.Random(13)
    results = []
    with database(kind, args.postgres_url) as url, tempfile.TemporaryDirectory() as tmp:
        command = [
            str(Path(sys.executable).parent / "carbonpeak"),
            "--database",
            url,
            "enterprises",
            "import",
        ]
        full = None
        for trial in range(args.kills + 1):
            offset = 1_000_000 + trial * args.registry_rows
            path = Path(tmp) / f"registry-{trial}.csv"
            rows = "".join(
                f"{uscc(offset + i)},示例企业{offset + i}（示例数据）,33,,否\n"
                for i in range(args.registry_rows)
            )
            path.write_text("id,name,industry,town,two_high\n" + rows, encoding="utf-8")
            before = _registry_counts(url)
            start = time.perf_counter()
            process = subprocess.Popen(
                [*command, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            if full is None:  # the first run is timed uninterrupted
                process.wait()
                full = time.perf_counter() - start
                after = _registry_counts(url)
                results.append(("complete", after[0] - before[0], after[1] - before[1]))
                continue
            delay = rng.uniform(0.05, 0.95) * full
            time.sleep(delay)
            finished = process.poll() is not None
            if not finished:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
            after = _registry_counts(url)
            outcome = "finished first" if finished else f"killed at {delay:.1f} s"
            results.append((outcome, after[0] - before[0], after[1] - before[1]))
        integrity = _integrity(url)
    assert full is not None
    print(f"[{kind}] import of {args.registry_rows} enterprises takes {full:.1f} s uninterrupted")
    ok = 0
    for outcome, added, audited in results:
        whole = added in (0, args.registry_rows) and audited == added
        ok += whole
        print(f"[{kind}]   {outcome}: {added} enterprises stored, {audited} audit rows -> "
              f"{'all-or-nothing' if whole else 'PARTIAL'}")  # fmt: skip
    print(f"[{kind}] {ok} of {len(results)} runs all-or-nothing; integrity_check {integrity}")


def _registry_counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ents = int(conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one())
            audits = int(
                conn.execute(
                    text("SELECT count(*) FROM audit_log WHERE table_name = 'enterprises'")
                ).scalar_one()
            )
            return ents, audits
    finally:
        engine.dispose()


def _integrity(url: str) -> str:
    if not url.startswith("sqlite"):
        return "n/a (PostgreSQL)"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--registry-rows", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres-url", default=None, help="admin URL of a PostgreSQL server")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        writers_run(kind, args)
        kills_run(kind, args)


if __name__ == "__main__":
    main()
