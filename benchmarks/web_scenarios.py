"""Latency of the scenario explorer's recompute endpoint from loopback.

    python -m benchmarks.web_scenarios [--users 1,10] [--seconds 10] [--samples 0] [--port 8798]
                                       [--workers N]

Starts ``carbonpeak serve --workers N`` (default one uvicorn worker) on the bundled Jinghai plan
and a fresh SQLite file, signs viewers in, then each user POSTs ``/api/v1/scenarios/run`` (session cookie +
X-CSRF-Token) with a different lever setting each time (as a slider being dragged), for the given
time; once per user count. Prints p50/p95/p99 latency and requests per second. The goal is p95 ≤ 50 ms
for a single deterministic run. Client and server share the machine's CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from benchmarks.web_load import CSRF, REPO, bench_database, percentile, served, sign_in

LEVERS = [
    {},
    {"industry_efficiency": 1.5},
    {"electrification": 10.0},
    {"renewables": 200.0, "storage": 10.0},
    {"modal_shift": 15.0, "transport_efficiency": 2.0},
    {"process": 20.0, "buildings_efficiency": 1.0},
]


async def user_loop(
    client: httpx.AsyncClient, token: str, samples: int, until: float, out: list[float]
) -> int:
    errors = 0
    i = 0
    while time.perf_counter() < until:
        body = {
            "scenario": ("plan", "enhanced", "bau")[i % 3],
            "levers": LEVERS[i % len(LEVERS)],
            "samples": samples,
        }
        i += 1
        start = time.perf_counter()
        response = await client.post("/api/v1/scenarios/run", json=body, headers={"X-CSRF-Token": token})
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            errors += 1
    return errors


async def run(base: str, users: int, seconds: float, samples: int) -> None:
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(users)]
    try:
        await asyncio.gather(*[sign_in(c, f"bench{i}") for i, c in enumerate(clients)])
        tokens = []
        for c in clients:
            match = CSRF.search((await c.get("/public")).text)
            assert match is not None
            tokens.append(match.group(1))
        # warm-up: the scenarios' inputs are built once per process
        for scenario in ("bau", "plan", "enhanced"):
            await clients[0].post(
                "/api/v1/scenarios/run", json={"scenario": scenario}, headers={"X-CSRF-Token": tokens[0]}
            )
        latencies: list[float] = []
        start = time.perf_counter()
        until = start + seconds
        errors = await asyncio.gather(
            *[user_loop(c, t, samples, until, latencies) for c, t in zip(clients, tokens, strict=True)]
        )
        wall = time.perf_counter() - start
    finally:
        for client in clients:
            await client.aclose()
    print(
        f"{users:>5} {samples:>7} {len(latencies):>7} {percentile(latencies, 50):>8.1f} "
        f"{percentile(latencies, 95):>8.1f} {percentile(latencies, 99):>8.1f} {len(latencies) / wall:>7.0f} "
        f"{sum(errors):>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", default="1,10", help="comma-separated concurrent user counts")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--samples", type=int, default=0, help="Monte Carlo samples per request (0: deterministic)"
    )
    parser.add_argument("--plan", default=str(REPO / "data" / "plans" / "jinghai-2023.yaml"))
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    args = parser.parse_args()
    counts = [int(u) for u in args.users.split(",")]
    _, url, engine = bench_database(max(counts), "benchmarks/web_scenarios.py")
    engine.dispose()
    with served(url, args.plan, args.port, args.workers) as (base, pid):
        print(f"plan {args.plan}; server pid {pid}; POST /api/v1/scenarios/run for {args.seconds:g} s each")
        print(
            f"{'users':>5} {'samples':>7} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'req/s':>7} {'errors':>6}"
        )
        for users in counts:
            asyncio.run(run(base, users, args.seconds, args.samples))


if __name__ == "__main__":
    main()
