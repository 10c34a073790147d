"""The explorer's live bands: ``python -m benchmarks.explorer_live [--moves 50] [--port 8797]``.

Prints, on the bundled Jinghai plan (示例数据: illustrative base year and assumptions):

1. server time of one live request — a lever push, the deterministic run and the Monte Carlo fan and
   P(peak by …) of ``LIVE_SAMPLES`` (1,000) samples — in-process through ``ScenarioCache.run``, p50 and
   p95 over ``--moves`` lever settings (goal: p95 ≤ 50 ms on this 2-core machine);
2. the same with the released slider's 10,000 samples and the Shapley attribution;
3. the browser's own figure: headless Chromium (Debian's, as the tests use) on ``carbonpeak serve``,
   slider input → chart redrawn (the page's ``data-draw-ms``), p50 and p95 over ``--moves`` input
   events, each waited for before the next (goal: p95 ≤ 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from benchmarks.web_load import PASSWORD, bench_database, percentile, served
from carbonpeak.plan import load_plan
from carbonpeak.web.scenarios.explorer import DEFAULT_SAMPLES, LIVE_SAMPLES, ScenarioCache

PLAN = "jinghai-2023"


def lever_moves(n: int) -> list[dict[str, float]]:
    """``n`` settings of the industry-efficiency slider, as a drag from 0 to its top and back."""
    top = 5.0
    return [{"industry_efficiency": round(top * abs(((i / max(1, n - 1)) * 2) - 1), 2)} for i in range(n)]


def server_times(
    cache: ScenarioCache, moves: list[dict[str, float]], samples: int, attribution: bool
) -> list[float]:
    cache.run("plan", moves[0], samples=samples, seed=0, attribution=attribution)  # warm: plan, base
    out = []
    for levers in moves:
        start = time.perf_counter()
        cache.run("plan", levers, samples=samples, seed=0, attribution=attribution)
        out.append((time.perf_counter() - start) * 1000)
    return out


def browser_times(moves: int, port: int) -> list[float]:
    from playwright.sync_api import sync_playwright
    from tests.web.test_browser import ARGS, CHROMIUM

    _folder, url, engine = bench_database(1, "benchmark")
    engine.dispose()
    out: list[float] = []
    with served(url, PLAN, port) as (base, _pid), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "bench0")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/scenarios?scenario=plan")
        page.wait_for_selector("#explorer[data-ready=true]", timeout=120_000)
        for i, levers in enumerate(lever_moves(moves)):
            drawn = int(page.get_attribute("#explorer", "data-drawn") or 0)
            page.eval_on_selector(
                "#lever-industry_efficiency",
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }",
                levers["industry_efficiency"] + (0.01 if i % 2 else 0.0),
            )
            deadline = time.monotonic() + 30
            while int(page.get_attribute("#explorer", "data-drawn") or 0) <= drawn:
                if time.monotonic() > deadline:
                    raise SystemExit("a slider move was never drawn")
                page.wait_for_timeout(2)
            out.append(float(page.get_attribute("#explorer", "data-draw-ms") or "nan"))
        browser.close()
    return out


def _line(label: str, times: list[float], goal: float | None) -> str:
    p50, p95 = statistics.median(times), percentile(times, 95)
    verdict = "" if goal is None else (f"  goal p95 ≤ {goal:g} ms: " + ("met" if p95 <= goal else "NOT met"))
    return f"{label:58} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{verdict}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--no-browser", action="store_true", help="only the in-process figures")
    args = parser.parse_args(argv)
    cache = ScenarioCache(load_plan(PLAN))
    moves = lever_moves(args.moves)
    print(f"explorer live bands, plan {PLAN} (示例数据), {args.moves} lever moves")
    print(
        _line(
            f"server: live request ({LIVE_SAMPLES:,} samples)",
            server_times(cache, moves, LIVE_SAMPLES, False),
            50,
        )
    )
    print(_line("server: deterministic only", server_times(cache, moves, 0, False), None))
    released: Any = server_times(cache, moves[:10], DEFAULT_SAMPLES, True)
    print(_line(f"server: released slider ({DEFAULT_SAMPLES:,} samples + Shapley)", released, None))
    if not args.no_browser:
        print(
            _line(
                "browser: slider input → chart redrawn (Chromium)", browser_times(args.moves, args.port), 100
            )
        )


if __name__ == "__main__":
    main()
