"""Ledger benchmarks: the vectorized computation of many monthly reports against a per-line Python
loop with the same coefficients (which also cross-checks the figures), and storing/reading reports
in SQLite through the service.

    python -m benchmarks.ledgers [--enterprises 1000] [--stored 50]

Prints figures and ratios, no assertions on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.accounting.factors import (
    coal_substitution_by_year,
    fuel_factors,
    get_set,
    grid_series,
    nearest_year,
)
from carbonpeak.ledgers import EnergyReport, Enterprise, Method, ReportLine, compute, uscc_check_char
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.compute import compute_lines, lines_frame
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.storage import ledgers as repo
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.units import conversion_factor

LINES = [
    ("electricity", "万千瓦时", 120.0),
    ("natural_gas", "万立方米", 18.0),
    ("diesel", "吨", 20.0),
    ("heat", "GJ", 900.0),
]


def reports(n: int) -> list[EnergyReport]:
    out = []
    for i in range(n):
        first = f"91120118BENCH{i:04d}"
        code = first + uscc_check_char(first)
        for month in range(1, 13):
            scale = 1.0 + (i % 17) / 10 + month / 100
            lines = [ReportLine(fuel=f, amount=a * scale, unit=u) for f, u, a in LINES]
            out.append(
                EnergyReport(enterprise_id=code, period=f"2025-{month:02d}", lines=lines, output_value=5000.0)
            )
    return out


def loop(items: list[EnergyReport], method: Method) -> list[tuple[float, float, float]]:
    """The same figures, one line at a time (the reference the vectorized version replaces)."""
    factors = fuel_factors(get_set(method.combustion_set))
    grid, cs = grid_series(method.grid_series), coal_substitution_by_year()
    out = []
    for r in items:
        tce = tce_cs = co2 = 0.0
        for line in r.lines:
            amount = line.amount * conversion_factor(line.unit, FUELS[line.fuel].unit)
            kind = FUELS[line.fuel].kind
            tce += amount * factors.tce.get(line.fuel, 0.0)
            if kind == "electricity":
                tce_cs += amount * cs[nearest_year(cs, r.year)] / 1000
                co2 += amount * grid[nearest_year(grid, r.year)] / 1000
            else:
                tce_cs += amount * factors.tce.get(line.fuel, 0.0)
                co2 += amount * factors.co2.get(line.fuel, 0.0)
        out.append((tce, tce_cs, co2))
    return out


def _time(fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--stored", type=int, default=50, help="enterprises × 12 months stored in SQLite")
    args = parser.parse_args(argv)
    method = Method()
    items = reports(args.enterprises)
    n_lines = sum(len(r.lines) for r in items)
    vec = _time(lambda: compute(items, method))
    frame = lines_frame(items)
    outputs = np.array([r.output_value for r in items], dtype="float64")
    arrays = _time(lambda: compute_lines(frame, outputs, method))
    ref = _time(lambda: loop(items, method), repeat=1)
    table = compute(items, method)
    expected = np.array(loop(items, method))
    got = table[["tce_calorific", "tce_coal_substitution", "co2_total"]].to_numpy()
    assert np.allclose(got, expected, rtol=1e-9), "vectorized and loop figures differ"
    print(
        f"compute: {len(items):,} reports, {n_lines:,} lines: "
        f"vectorized {vec * 1000:.0f} ms, loop {ref * 1000:.0f} ms, "
        f"ratio {ref / vec:.1f}x ({n_lines / vec:,.0f} lines/s); figures agree"
    )
    print(
        f"compute_lines on the columns alone (data already columnar, e.g. read from SQL): "
        f"{arrays * 1000:.1f} ms, {ref / arrays:.0f}x the loop ({n_lines / arrays:,.0f} lines/s)"
    )

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{(Path(folder) / 'bench.sqlite').as_posix()}"
        upgrade(url)
        engine = make_engine(url)
        stored = items[: args.stored * 12]
        ids = sorted({r.enterprise_id for r in stored})
        repo.save_enterprises(
            engine,
            [Enterprise(id=i, name=f"基准{i}", industry="33") for i in ids],
            who="bench",
            source="bench",
        )
        svc = EnterpriseService(engine, today=dt.date(2025, 12, 31))
        start = time.perf_counter()
        for r in stored:
            data = {
                "period": r.period,
                "lines": [ln.model_dump() for ln in r.lines],
                "output_value": r.output_value,
            }
            svc.submit(
                LedgerActor("bench", "enterprise", r.enterprise_id), r.enterprise_id, data, source="api"
            )
        write = time.perf_counter() - start
        ledger = _time(lambda: svc.ledger(LedgerActor("bench", "office")))
        engine.dispose()
    print(
        f"SQLite: {len(stored):,} submissions in {write:.2f} s "
        f"({len(stored) / write:,.0f}/s, validate+store+compute each); "
        f"ledger of {len(ids)} enterprises × 12 months in {ledger * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
