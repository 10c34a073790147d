"""Benchmark: carbon stock and stock-difference sink of a district's survey (N parcels × 2 surveys).

    python -m benchmarks.forestry [PARCELS]

Times separately: arrays — building one survey's parcel columns and parameters (a Python pass over
the parcels); sink — stock_difference_sink end to end (both surveys' columns again, the land-class
filter and the NumPy arithmetic). Prints parcels per second and the ratio of twice the arrays phase to
the sink phase: near 1 means the arithmetic costs little beside reading the parcels into columns.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from carbonpeak.forestry import Parcel, ParcelArrays, load_parameters, stock_difference_sink


def make(n: int, year: int, seed: int) -> list[Parcel]:
    rng = np.random.default_rng(seed)
    species = np.array(["poplar", "willow", "ash", "oak", "pine"])[rng.integers(0, 5, n)]
    area = rng.uniform(0.5, 30.0, n)
    volume = rng.uniform(5.0, 160.0, n)
    return [
        Parcel(
            f"P{i}", year, "town", float(area[i]), "arbor", str(species[i]), volume_m3_per_ha=float(volume[i])
        )
        for i in range(n)
    ]


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 100_000
    params = load_parameters()
    first, second = make(n, 2020, 1), make(n, 2024, 2)
    t0 = time.perf_counter()
    ParcelArrays.of(first, params)
    t1 = time.perf_counter()
    sink = stock_difference_sink(first, second, params)
    t2 = time.perf_counter()
    arrays, total = t1 - t0, t2 - t1
    print(f"parcels {n:,} × 2 surveys; sink {sink.co2_t_per_year:,.0f} tCO2/yr")
    print(f"arrays (one survey) {arrays:.3f} s = {n / arrays:,.0f} parcels/s")
    print(f"stock ×2 + sink     {total:.3f} s = {2 * n / total:,.0f} parcels/s")
    print(f"arrays:compute ratio {(2 * arrays) / total:.2f}")


if __name__ == "__main__":
    main()
