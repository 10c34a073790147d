"""Many districts at once: ``python -m benchmarks.scenarios_batch [--plans 16] [--samples 10000]``.

Runs the bundled scenarios (bau, plan, enhanced) with ``--samples`` Monte Carlo samples each on
``--plans`` plan objects (the bundled Jinghai plan loaded anew for each, as a city's districts would
be: separate plan objects, shared base-year engines), as ``carbonpeak scenario batch`` does, and
prints the wall time, the time per plan and per 10,000-sample Monte Carlo. 示例数据.
"""

from __future__ import annotations

import argparse
import time

from carbonpeak.plan import load_plan
from carbonpeak.scenarios.batch import run_batch
from carbonpeak.scenarios.scenario_files import bundled_scenarios, load_scenario


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plans", type=int, default=16)
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args(argv)
    plans = [load_plan("jinghai-2023") for _ in range(args.plans)]
    scenarios = [load_scenario(s) for s in bundled_scenarios()]
    run_batch(plans[:1], scenarios[:1], samples=100)  # warm: base-year engines, lever table
    start = time.perf_counter()
    rows = run_batch(plans, scenarios, samples=args.samples)
    wall = time.perf_counter() - start
    runs = len(rows)
    print(
        f"scenario batch: {args.plans} plans × {len(scenarios)} scenarios × {args.samples:,} samples "
        f"(示例数据): {wall:.1f} s wall, {wall / args.plans:.2f} s per plan, "
        f"{wall / runs * 1000:.0f} ms per scenario run with its Monte Carlo"
    )


if __name__ == "__main__":
    main()
