"""Benchmark: the inventory of 1,000,000 activity rows (enterprises × months × fuels).

    python -m benchmarks.accounting_inventory [ROWS]

Writes a synthetic CSV to a temporary folder, then times separately:
  parse   — read_activity: read the CSV, validate every row, convert units (all vectorized);
  compute — inventory() + to_json(): group-by over all rows, factors, indicators.
Prints rows per second of each phase and of the whole, and the parse:compute ratio. The arithmetic is
vectorized, so the run should be bound by parsing (ratio well above 1).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak.accounting import InventoryOptions, inventory, read_activity
from carbonpeak.sheetfile import SheetLimits
from carbonpeak.units import conversion_factor

SUBSECTORS = ["metal_products", "non_ferrous", "building_materials", "equipment", "other"]
FUELS = [("natural_gas", "m3"), ("electricity", "kWh"), ("diesel", "t"), ("heat", "GJ")]


def make_rows(n: int, seed: int = 20240101) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    per_enterprise = 2 * 12 * len(FUELS)  # 2 years × 12 months × fuels
    enterprises = -(-n // per_enterprise)
    idx = np.arange(enterprises * per_enterprise)[:n]
    ent = idx // per_enterprise
    rest = idx % per_enterprise
    year = 2022 + rest // (12 * len(FUELS))
    month = 1 + (rest // len(FUELS)) % 12
    fuel = rest % len(FUELS)
    sub = np.array(SUBSECTORS)[ent % len(SUBSECTORS)]
    sector = pd.Series("industry|" + sub) + "|E" + pd.Series(ent).astype(str).str.zfill(6)
    amount = rng.gamma(2.0, 500.0, size=n).round(3)
    return pd.DataFrame(
        {
            "year": year,
            "sector": sector,
            "fuel": np.array([f for f, _ in FUELS])[fuel],
            "amount": amount,
            "unit": np.array([u for _, u in FUELS])[fuel],
            "note": pd.Series(month).map(lambda m: f"month {m:02d}"),
        }
    )


def main(n: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activity.csv"
        t0 = time.perf_counter()
        make_rows(n).to_csv(path, index=False)
        t_gen = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6

        t0 = time.perf_counter()
        conversion_factor("万吨", "t")  # build the pint registry once (a fixed cost per process)
        t_registry = time.perf_counter() - t0

        t0 = time.perf_counter()
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        t_raw = time.perf_counter() - t0
        del raw

        t0 = time.perf_counter()
        activity = read_activity(path, SheetLimits(max_rows=n + 1))  # a file of the office, not an upload
        t_parse = time.perf_counter() - t0

        t0 = time.perf_counter()
        result = inventory(activity, options=InventoryOptions(grid="north_china", grid_non_fossil_share=10))
        data = result.to_json()
        t_compute = time.perf_counter() - t0

    total = sum(y["co2_t"]["total"] for y in data["years"].values())
    print(f"accounting inventory benchmark: {n:,} rows ({size_mb:.0f} MB CSV, generated in {t_gen:.1f} s)")
    print(f"  unit registry build (once) {t_registry:7.2f} s  (not counted below)")
    print(f"  raw pandas read_csv        {t_raw:7.2f} s  {n / t_raw:12,.0f} rows/s")
    print(f"  parse (read+validate+units){t_parse:7.2f} s  {n / t_parse:12,.0f} rows/s")
    print(f"  compute (inventory+json)   {t_compute:7.2f} s  {n / t_compute:12,.0f} rows/s")
    t_all = t_parse + t_compute
    print(f"  end to end                 {t_all:7.2f} s  {n / t_all:12,.0f} rows/s")
    print(f"  parse : compute ratio      {t_parse / t_compute:7.1f} : 1")
    print(f"  validation overhead vs raw read_csv: {t_parse / t_raw:.1f}×")
    print(f"  ({len(data['years'])} years, total CO2 {total / 1e6:.3f} Mt: a check that the work was done)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
