"""Load benchmark of the web app from loopback: overview and indicator pages at N concurrent users.

    python -m benchmarks.web_load [--users 50] [--seconds 20] [--plan PLAN] [--port 8799]
                                  [--indicator ID] [--tracking-demo] [--workers N] [--warmup S]

Starts ``carbonpeak serve --workers N`` (default 1, development mode) in its own process on a fresh
SQLite file, signs N viewer sessions in, then each user requests the overview and an indicator page
in turn for the given time (``--indicator``, default the plan's first; ``--tracking-demo`` loads the
illustrative tracking demo data (示例数据) first, so the indicator page evaluates real series).
Prints p50/p95/p99 latency per page and requests per second. The client runs on the same machine
(asyncio + httpx), so both share the CPUs: the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import Engine

from carbonpeak.plan import load_plan
from carbonpeak.services.accounts import add_user
from carbonpeak.storage import make_engine, upgrade

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark-password-示例"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


async def sign_in(client: httpx.AsyncClient, name: str) -> None:
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    response = await client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.status_code


async def user_loop(
    client: httpx.AsyncClient, paths: list[str], until: float, out: dict[str, list[float]]
) -> int:
    errors = 0
    i = 0
    while time.perf_counter() < until:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        response = await client.get(path)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            errors += 1
        out.setdefault(path.split("/")[1] or "overview", []).append(elapsed * 1000)
    return errors


async def run(base: str, users: int, seconds: float, indicator: str, warmup: float = 0) -> None:
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(users)]
    try:
        start = time.perf_counter()
        await asyncio.gather(*[sign_in(c, f"bench{i}") for i, c in enumerate(clients)])
        signed = time.perf_counter() - start
        print(f"{users} sign-ins (argon2id verify each): {signed:.1f} s")
        paths = ["/", f"/indicators/{indicator}"]
        if warmup > 0:  # every worker computes its per-process caches once; not measured
            until = time.perf_counter() + warmup
            await asyncio.gather(*[user_loop(c, paths, until, {}) for c in clients])
        latencies: dict[str, list[float]] = {}
        start = time.perf_counter()
        until = start + seconds
        errors = await asyncio.gather(*[user_loop(c, paths, until, latencies) for c in clients])
        wall = time.perf_counter() - start
    finally:
        for client in clients:
            await client.aclose()
    total = sum(len(v) for v in latencies.values())
    print(f"{users} concurrent users for {wall:.1f} s: {total} page requests")
    print(f"{'page':<12} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, values in sorted(latencies.items()):
        print(
            f"{page:<12} {len(values):>6} {percentile(values, 50):>8.1f} "
            f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f}"
        )
    print(f"throughput: {total / wall:.0f} requests/s; non-200 responses: {sum(errors)}")


def bench_database(users: int, source: str) -> tuple[Path, str, Engine]:
    """A fresh SQLite database in a temporary folder, migrated, with ``users`` viewer accounts
    ``bench0…`` (password PASSWORD): (folder, URL, engine — the caller disposes it)."""
    folder = Path(tempfile.mkdtemp(prefix="carbonpeak-bench-"))
    url = f"sqlite:///{(folder / 'bench.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    for i in range(users):
        add_user(
            engine,
            username=f"bench{i}",
            password=PASSWORD,
            role="viewer",
            display_name=f"bench {i}",
            who="benchmark",
            source=source,
        )
    return folder, url, engine


@contextlib.contextmanager
def served(url: str, plan: str, port: int, workers: int = 1) -> Iterator[tuple[str, int]]:
    """`carbonpeak serve --workers N` on ``url`` in a subprocess, ready: (base URL, pid)."""
    env = {
        **os.environ,
        "CARBONPEAK_MODE": "development",
        "CARBONPEAK_SECRET_KEY": "benchmark-secret-key-of-sufficient-length-000",
        "CARBONPEAK_PLAN": plan,
        "CARBONPEAK_LOGIN_MAX_ATTEMPTS": "1000",
    }
    command = [
        str(Path(sys.executable).parent / "carbonpeak"),
        "--database",
        url,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30 + 10 * workers
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise RuntimeError(
                        f"carbonpeak serve exited with {server.returncode} before it answered"
                        " (set BENCH_SERVER_LOG=FILE to keep its output)"
                    ) from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--plan", default=str(REPO / "docs" / "examples" / "minimal-plan.yaml"))
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--indicator", default=None, help="indicator id (default: the plan's first)")
    parser.add_argument("--tracking-demo", action="store_true", help="load the tracking demo data (示例数据)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    parser.add_argument("--warmup", type=float, default=0, help="seconds of unmeasured load first")
    args = parser.parse_args()
    folder, url, engine = bench_database(args.users, "benchmarks/web_load.py")
    plan = load_plan(args.plan)
    if args.tracking_demo:
        from carbonpeak.services.tracking_demo import load as load_tracking_demo

        os.environ["CARBONPEAK_DATA_DIR"] = str(folder)  # the demo's evidence files go there
        load_tracking_demo(engine, plan)
    engine.dispose()
    indicator = args.indicator or plan.indicators[0].id
    with served(url, args.plan, args.port, args.workers) as (base, pid):
        print(f"indicator {indicator}; tracking demo data: {'yes' if args.tracking_demo else 'no'}")
        print(f"server workers: {args.workers}")
        print(f"plan {args.plan}; server pid {pid}; client and server on the same machine")
        asyncio.run(run(base, args.users, args.seconds, indicator, args.warmup))


if __name__ == "__main__":
    main()
