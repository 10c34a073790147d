"""Energy-review benchmark: reviewing many proposed projects against the district's headroom in one
batch (``review_many``: one vectorized computation of every energy line, rule masks as arrays)
against reviewing them one at a time, and a cross-check that both give the same results.

    python -m benchmarks.energy_review [--projects 1000]

Prints figures and ratios, no assertions on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from carbonpeak.ledgers.proposed import ProposedProject, parse_project
from carbonpeak.ledgers.review import review, review_many
from carbonpeak.ledgers.review_files import read_headroom_file

INDUSTRIES = ("3130", "3311", "3216", "3011", "2927", "3360")
PRODUCTS = {"3216": "电解铝", "3011": "水泥熟料"}


def projects(n: int) -> list[ProposedProject]:
    out = []
    for i in range(n):
        industry = INDUSTRIES[i % len(INDUSTRIES)]
        scale = 1.0 + (i % 23) / 5
        energy = [
            {"fuel": "electricity", "amount": 300 * scale, "unit": "万千瓦时"},
            {"fuel": "natural_gas", "amount": 40 * scale, "unit": "万立方米"},
            {"fuel": "diesel", "amount": 15 * scale, "unit": "吨"},
        ]
        if i % 5 == 0:
            energy.append({"fuel": "raw_coal", "amount": 500 * scale, "unit": "吨"})
        data = {
            "name": f"基准项目{i}",
            "industry": industry,
            "product": PRODUCTS.get(industry, "无"),
            "annual_output": {"amount": 2000 * scale, "unit": "t"},
            "start_year": 2026,
            "review_date": "2024-06-01" if i % 2 else "2026-01-15",
            "energy": energy,
            "value_added": 5000 * scale,
        }
        out.append(parse_project(data, file="<benchmark>"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=1000)
    args = parser.parse_args(argv)
    items = projects(args.projects)
    room = read_headroom_file()
    today = dt.date(2026, 3, 1)
    review_many(items[:5], headroom=room, today=today)  # warm the caches (rule data, factor sets)
    t0 = time.perf_counter()
    batch = review_many(items, headroom=room, today=today)
    t_batch = time.perf_counter() - t0
    sample = items[: min(100, len(items))]
    t0 = time.perf_counter()
    single = [review(p, headroom=room, today=today) for p in sample]
    t_single = (time.perf_counter() - t0) / len(sample) * len(items)
    assert single == batch[: len(sample)], "batch and one-by-one reviews differ"
    results = {code: sum(r["result"] == code for r in batch) for code in ("pass", "conditional", "reject")}
    print(
        f"energy review: {len(items)} projects in one batch {t_batch * 1000:.1f} ms "
        f"({t_batch / len(items) * 1e6:.0f} µs/project)"
    )
    print(
        f"one at a time (extrapolated from {len(sample)}): {t_single * 1000:.1f} ms; batch is "
        f"{t_single / t_batch:.1f}x faster; results {results} (示例数据 headroom)"
    )


if __name__ == "__main__":
    main()
