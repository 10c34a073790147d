"""Indicators the system computes from the inventory instead of having them typed by hand.

``computed_from_inventory`` is the one function wiring ``accounting``'s inventory result to tracking.
It reads the inventory JSON shape ``{"factor_set": …, "years": {year: {"co2_t": {…}, "energy_tce":
{…}, "indicators": {metric: value | {"value", "unit", "inputs"}}}}}`` and returns one
``ComputedValue`` per metric and year, with the year's totals as inputs and the factor set named.
A metric's value must be in the terms the plan's indicator is reported in (a share in %, a
reduction as the cumulative percent below the base year); a different unit is converted when the
indicator is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carbonpeak.tracking.errors import TrackingError
from carbonpeak.tracking.model import ComputedValue

# The metrics the accounting inventory provides, with the unit they are reported in.
INVENTORY_METRICS: dict[str, str] = {
    "non_fossil_share": "%",
    "electricity_share_final": "%",
    "gas_consumption": "亿立方米",
    "energy_intensity_reduction": "%",
    "co2_intensity_reduction": "%",
    "industrial_energy_intensity_reduction": "%",
    "coal_consumption": "万吨",
}


def inventory_inputs(year_data: Mapping[str, Any]) -> dict[str, object]:
    out: dict[str, object] = {}
    co2 = year_data.get("co2_t") or {}
    if isinstance(co2, Mapping) and "total" in co2:
        out["co2_t_total"] = co2["total"]
    energy = year_data.get("energy_tce") or {}
    if isinstance(energy, Mapping):
        for key in ("calorific", "coal_substitution"):
            if key in energy:
                out[f"energy_tce_{key}"] = energy[key]
    return out


def computed_from_inventory(
    inventory: Mapping[str, Any], *, factor_set: str | None = None
) -> list[ComputedValue]:
    """Computed values of every metric and year in an inventory result."""
    fs = factor_set or factor_set_label(inventory.get("factor_set"))
    if not fs:
        raise TrackingError("the inventory does not name its factor set (key 'factor_set')")
    years = inventory.get("years")
    if not isinstance(years, Mapping):
        raise TrackingError("the inventory has no 'years' mapping")
    out: list[ComputedValue] = []
    problems: list[str] = []
    for year_key, data in years.items():
        try:
            year = int(year_key)
        except ValueError:
            problems.append(f"years.{year_key}: not a year")
            continue
        base_inputs = inventory_inputs(data)
        for metric, raw in (data.get("indicators") or {}).items():
            where = f"years.{year_key}.indicators.{metric}"
            item = raw if isinstance(raw, Mapping) else {"value": raw}
            value = item.get("value")
            if not isinstance(value, int | float) or isinstance(value, bool):
                problems.append(f"{where}: expected a number, got {value!r}")
                continue
            inputs = {**base_inputs, **dict(item.get("inputs") or {})}
            unit = item.get("unit") or INVENTORY_METRICS.get(metric)
            out.append(ComputedValue(metric, year, float(value), unit, inputs, fs))
    if problems:
        raise TrackingError("the inventory has problems:\n" + "\n".join(problems))
    return out


def factor_set_label(factor_set: object) -> str:
    """A factor set's name as stored: a string as is; accounting's description dict as
    "name version (combustion label)"."""
    if isinstance(factor_set, str):
        return factor_set
    if isinstance(factor_set, Mapping):
        name = " ".join(str(factor_set[k]) for k in ("name", "version") if factor_set.get(k))
        label = factor_set.get("combustion")
        return f"{name} ({label})" if name and label else name or str(label or "")
    return ""


def computed_from_metrics(
    per_year: Mapping[int, Mapping[str, tuple[float | None, str | None]]],
    *,
    factor_set: str,
    inputs: Mapping[int, Mapping[str, object]] | None = None,
) -> list[ComputedValue]:
    """Computed values from ``{year: {metric: (value, unit)}}`` — the shape of
    ``carbonpeak.accounting.metrics.plan_metrics`` — skipping metrics without a value."""
    if not factor_set:
        raise TrackingError("computed values need the name of their factor set")
    out = []
    for year, metrics in sorted(per_year.items()):
        for metric, (value, unit) in sorted(metrics.items()):
            if value is not None:
                out.append(
                    ComputedValue(
                        metric, int(year), float(value), unit, dict((inputs or {}).get(year, {})), factor_set
                    )
                )
    return out
