"""Benchmark levels of key energy-using units (issue 21): where a unit reports its product output,
its unit consumption — the month's comprehensive energy (calorific basis, as the sector norms count
it) or, for a kWh norm, its electricity, divided by the output — against the national benchmark
(标杆) and baseline (基准) levels of the product, from the SAME table as the energy review
(``data/benchmarks.yaml`` through ``rules.rulebook``). Lower is better:

- 标杆 (``benchmark``): at or below the benchmark level;
- 基准 (``baseline``): above the benchmark, at or below the baseline;
- 未达基准 (``below_baseline``): above the baseline level.

One row per product of a month (a report may carry several, ``EnergyReport.products``): the
product's unit consumption is its OWN energy — the energy attributed to it on the report (tce,
calorific; for a kWh norm its electricity in tce, converted back at the calorific coefficient of
electricity) — over its output. A month with one product and no attributed energy puts the month's
whole energy against it (as before several products could be reported): where the unit makes other
products too, that figure is an upper bound, and the rows say so (``attributed`` false; decision
0531, docs/key-units.md "Benchmark levels")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from carbonpeak.ledgers.compute import electricity_tce_per_kwh
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


MONTH_COLUMNS = [
    "period",
    "product",
    "output",
    "output_unit",
    "energy_unit",
    "energy_tce",
    "electricity_kwh",
    "attributed",
    "value",
    "benchmark",
    "baseline",
    "level",
]


def levels(reports: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per product of each report (keys period, products — each product, output, unit,
    energy_tce —, tce_calorific, electricity_kwh): output in the table's unit, the energy used (the
    product's own, or the month's total for a lone product without one), the unit consumption, the
    benchmark, the baseline and the level; vectorized over the rows."""
    book = rulebook()
    per_kwh = electricity_tce_per_kwh()
    rows: dict[str, list[Any]] = {k: [] for k in ("period", "product", "output", "tce", "kwh", "attributed")}
    for r in reports:
        for p in r.get("products") or []:
            name, table_unit = str(p["product"]), book.benchmarks[str(p["product"])].output_unit
            unit = str(p.get("unit") or table_unit)
            own = p.get("energy_tce")
            rows["period"].append(str(r["period"]))
            rows["product"].append(name)
            rows["output"].append(
                float(p["output"]) * (conversion_factor(unit, table_unit) if unit != table_unit else 1.0)
            )
            rows["tce"].append(float(r["tce_calorific"]) if own is None else float(own))
            rows["kwh"].append(
                float(r.get("electricity_kwh") or 0.0) if own is None else float(own) / per_kwh
            )
            rows["attributed"].append(own is not None)
    if not rows["period"]:
        return pd.DataFrame(columns=MONTH_COLUMNS)
    return _assess(pd.DataFrame(rows))


def _assess(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns period, product, output (table unit), tce, kwh, attributed → the month columns."""
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
    out = frame.assign(value=value, level=level, energy_tce=frame["tce"], electricity_kwh=frame["kwh"])
    return out[MONTH_COLUMNS]


def year_levels(months: pd.DataFrame) -> pd.DataFrame:
    """The months of each year and product (``levels``) summed — energy and output — then assessed:
    a year's unit consumption is its total energy over its total output (not the mean of the
    months' ratios); ``attributed`` only if every month's energy was the product's own."""
    if months.empty:
        return pd.DataFrame(columns=["year", *MONTH_COLUMNS, "months"])
    frame = months.assign(year=months["period"].str[:4])
    summed = frame.groupby(["year", "product"], as_index=False).agg(
        output=("output", "sum"),
        tce=("energy_tce", "sum"),
        kwh=("electricity_kwh", "sum"),
        attributed=("attributed", "all"),
        months=("output", "size"),
    )
    assessed = _assess(summed.assign(period=summed["year"]))
    return assessed.assign(year=summed["year"].astype(int).to_numpy(), months=summed["months"].to_numpy())


def source() -> dict[str, str]:
    """The table's source and edition (shown with every comparison)."""
    book = rulebook()
    return {"source": book.benchmark_source, "edition": book.benchmark_edition}
