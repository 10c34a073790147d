"""Open-loop capacity of the web app: ``python -m benchmarks.web_capacity [--seconds 30] [--workers 2]``.

Starts ``carbonpeak serve --workers N`` on the bundled Jinghai plan with its demo data (示例数据) and,
for each target — the overview page ``/``, ``POST /api/v1/scenarios/run`` deterministic, and the same
with 1,000 Monte Carlo samples (the explorer's live request) — sends requests at a fixed arrival rate
(open loop: a request leaves on schedule whether or not the earlier ones have been answered, as many
independent users would), for ``--seconds``. The rate is raised step by step (×1.25) from
``--start``; the figure printed for each target is the highest rate held with p95 < 100 ms and no
error, with its p50/p95. Client and server share the machine's CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from benchmarks.web_load import CSRF, bench_database, percentile, served, sign_in

PLAN = "jinghai-2023"
P95_GOAL_MS = 100.0
LEVERS = [{}, {"industry_efficiency": 1.5}, {"electrification": 10.0}, {"renewables": 200.0}]


async def open_loop(
    send: Callable[[int], Coroutine[Any, Any, int]], rate: float, seconds: float
) -> tuple[list[float], int]:
    """``rate`` requests per second for ``seconds``: (latencies in ms, errors)."""
    latencies: list[float] = []
    errors = 0

    async def one(i: int) -> None:
        nonlocal errors
        start = time.perf_counter()
        try:
            status = await send(i)
        except httpx.HTTPError:
            status = 0
        latencies.append((time.perf_counter() - start) * 1000)
        if status != 200:
            errors += 1

    tasks = []
    begin = time.perf_counter()
    n = int(rate * seconds)
    for i in range(n):
        delay = begin + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return latencies, errors


async def capacity(base: str, target: str, seconds: float, start_rate: float) -> str:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        await sign_in(client, "bench0")
        match = CSRF.search((await client.get("/public")).text)
        assert match is not None
        token = match.group(1)

        async def send(i: int) -> int:
            if target == "overview":
                return (await client.get("/")).status_code
            samples = 1000 if target == "run-1000" else 0
            body = {"scenario": "plan", "levers": LEVERS[i % len(LEVERS)], "samples": samples, "seed": 0}
            response = await client.post("/api/v1/scenarios/run", json=body, headers={"X-CSRF-Token": token})
            return response.status_code

        for _ in range(20):  # warm the workers (plan, prepared scenarios, peak card)
            await send(0)
        held: tuple[float, float, float] | None = None
        rate = start_rate
        while True:
            latencies, errors = await open_loop(send, rate, seconds)
            p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
            if errors or p95 >= P95_GOAL_MS:
                break
            held = (rate, p50, p95)
            rate *= 1.25
        if held is None:
            return f"{target:22} not held even at {start_rate:g} req/s (p95 {p95:.0f} ms, errors {errors})"
        rate, p50, p95 = held
        return f"{target:22} {rate:7.1f} req/s held for {seconds:g} s: p50 {p50:5.1f} ms, p95 {p95:5.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8796)
    parser.add_argument("--start", type=float, default=10, help="first arrival rate, requests per second")
    parser.add_argument("--targets", default="overview,run-0,run-1000")
    args = parser.parse_args(argv)
    folder, url, engine = bench_database(1, "benchmarks/web_capacity.py")
    from carbonpeak.plan import load_plan
    from carbonpeak.services.tracking_demo import load as load_tracking_demo

    os.environ["CARBONPEAK_DATA_DIR"] = str(folder)
    load_tracking_demo(engine, load_plan(PLAN))
    engine.dispose()
    with served(url, PLAN, args.port, args.workers) as (base, _pid):
        print(
            f"open-loop capacity, plan {PLAN} (示例数据), {args.workers} workers, "
            f"goal p95 < {P95_GOAL_MS:g} ms"
        )
        for target in args.targets.split(","):
            print(asyncio.run(capacity(base, target, args.seconds, args.start)), flush=True)


if __name__ == "__main__":
    main()
