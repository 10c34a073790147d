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


def _inputs(year_data: Mapping[str, Any]) -> dict[str, object]:
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
    fs = factor_set or str(inventory.get("factor_set") or "")
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
        base_inputs = _inputs(data)
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
