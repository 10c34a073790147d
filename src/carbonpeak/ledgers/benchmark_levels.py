"""Benchmark levels of key energy-using units (issue 21): where a unit reports its product output,
its unit consumption — the month's comprehensive energy (calorific basis, as the sector norms count
it) or, for a kWh norm, its electricity, divided by the output — against the national benchmark
(标杆) and baseline (基准) levels of the product, from the SAME table as the energy review
(``data/benchmarks.yaml`` through ``rules.rulebook``). Lower is better:

- 标杆 (``benchmark``): at or below the benchmark level;
- 基准 (``baseline``): above the benchmark, at or below the baseline;
- 未达基准 (``below_baseline``): above the baseline level.

The unit's whole energy is put against the product (a unit reports one product of the table): where
it makes other products too, the figure is an upper bound of the product's own consumption, said so
on the page (docs/key-units.md "Benchmark levels")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from carbonpeak.ledgers.rules import rulebook
from carbonpeak.units import conversion_factor

LEVEL_WORDS: dict[str, tuple[str, str]] = {
    "benchmark": ("标杆", "benchmark"),
    "baseline": ("基准", "baseline"),
    "below_baseline": ("未达基准", "below baseline"),
}


def _numerator(energy_unit: str, tce: np.ndarray, kwh: np.ndarray) -> np.ndarray:
    book = rulebook()
    if energy_unit == "kWh":
        return kwh
    if energy_unit == "kgoe":
        return tce * 1000.0 / book.kgce_per_kgoe
    return tce * 1000.0  # kgce


def levels(reports: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per report with a product (keys period, product, product_output, product_unit,
    tce_calorific, electricity_kwh): output in the table's unit, the unit consumption, the benchmark,
    the baseline and the level; vectorized over the months."""
    book = rulebook()
    rows = [r for r in reports if r.get("product")]
    columns = [
        "period",
        "product",
        "output",
        "output_unit",
        "energy_unit",
        "value",
        "benchmark",
        "baseline",
        "level",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "period": [str(r["period"]) for r in rows],
            "product": [str(r["product"]) for r in rows],
            "output": [
                float(r["product_output"])
                * conversion_factor(str(r["product_unit"]), book.benchmarks[str(r["product"])].output_unit)
                if r["product_unit"] != book.benchmarks[str(r["product"])].output_unit
                else float(r["product_output"])
                for r in rows
            ],
            "tce": [float(r["tce_calorific"]) for r in rows],
            "kwh": [float(r.get("electricity_kwh") or 0.0) for r in rows],
        }
    )
    return _assess(frame)


def _assess(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns period, product, output (table unit), tce, kwh → with the value, levels and level."""
    book = rulebook()
    bench = [book.benchmarks[p] for p in frame["product"]]
    frame = frame.assign(
        output_unit=[b.output_unit for b in bench],
        energy_unit=[b.energy_unit for b in bench],
        benchmark=np.array([b.benchmark for b in bench], dtype="float64"),
        baseline=np.array([b.baseline for b in bench], dtype="float64"),
    )
    numerator = np.zeros(len(frame))
    for unit in frame["energy_unit"].unique():
        mask = (frame["energy_unit"] == unit).to_numpy()
        numerator[mask] = _numerator(str(unit), frame["tce"].to_numpy()[mask], frame["kwh"].to_numpy()[mask])
    value = numerator / frame["output"].to_numpy()
    level = np.where(
        value <= frame["benchmark"].to_numpy(),
        "benchmark",
        np.where(value <= frame["baseline"].to_numpy(), "baseline", "below_baseline"),
    )
    out = frame.assign(value=value, level=level)
    return out[
        [
            "period",
            "product",
            "output",
            "output_unit",
            "energy_unit",
            "value",
            "benchmark",
            "baseline",
            "level",
        ]
    ]


def year_levels(months: pd.DataFrame, reports: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The months of each year and product summed (energy and output), then assessed: a year's unit
    consumption is its total energy over its total output (not the mean of the months' ratios)."""
    rows = [r for r in reports if r.get("product")]
    if not rows or months.empty:
        return pd.DataFrame(columns=["year", *months.columns, "months"])
    frame = pd.DataFrame(
        {
            "year": [str(r["period"])[:4] for r in rows],
            "product": [str(r["product"]) for r in rows],
            "output": months["output"].to_numpy(),
            "tce": [float(r["tce_calorific"]) for r in rows],
            "kwh": [float(r.get("electricity_kwh") or 0.0) for r in rows],
        }
    )
    summed = frame.groupby(["year", "product"], as_index=False).agg(
        output=("output", "sum"), tce=("tce", "sum"), kwh=("kwh", "sum"), months=("output", "size")
    )
    assessed = _assess(summed.assign(period=summed["year"]))
    return assessed.assign(year=summed["year"].astype(int).to_numpy(), months=summed["months"].to_numpy())


def source() -> dict[str, str]:
    """The table's source and edition (shown with every comparison)."""
    book = rulebook()
    return {"source": book.benchmark_source, "edition": book.benchmark_edition}
