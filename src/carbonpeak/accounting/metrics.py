"""The inventory expressed in the plan's indicator ``metric`` codes and units, for the tracking package.

``plan_metrics(data, year)`` takes ``Inventory.to_json()`` and returns ``{metric: (value, unit)}`` for the
metrics an inventory can compute. Reductions are against the inventory's ``base_year``: compute the
inventory with ``InventoryOptions(base_year=indicator.base_year)`` (the Jinghai plan uses 2020).
"""

from __future__ import annotations

from typing import Any

from carbonpeak.units import conversion_factor

COAL_FUELS = ("raw_coal", "cleaned_coal", "other_washed_coal", "briquettes")

# metric code -> (indicator field, unit); shares and reductions are fractions in the JSON, % here
_PERCENT = {
    "non_fossil_share": "non_fossil_share",
    "electricity_share_final": "electricity_share_final",
    "energy_intensity_reduction": "energy_per_gdp_coal_substitution_cumulative_reduction",
    "co2_intensity_reduction": "co2_per_gdp_cumulative_reduction",
}


def plan_metrics(data: dict[str, Any], year: int) -> dict[str, tuple[float | None, str]]:
    """Values of plan metrics for ``year`` from an inventory JSON (None where the data are missing)."""
    years = data["years"]
    y = years[str(year)]
    ind = y["indicators"]
    out: dict[str, tuple[float | None, str]] = {}
    for metric, field in _PERCENT.items():
        value = ind.get(field)
        out[metric] = (None if value is None else value * 100.0, "%")
    amounts = y["activity"]["by_fuel"]
    coal_t = sum(amounts.get(f, 0.0) for f in COAL_FUELS)
    out["coal_consumption"] = (coal_t * conversion_factor("t", "万吨"), "万吨")
    gas = amounts.get("natural_gas", 0.0)
    out["gas_consumption"] = (gas * conversion_factor("万m3", "亿立方米"), "亿立方米")
    base = years.get(str(data["base_year"]), {}).get("indicators", {})
    now_i = ind.get("industry_energy_per_value_added_calorific")
    base_i = base.get("industry_energy_per_value_added_calorific")
    reduction = None if not now_i or not base_i or year == data["base_year"] else (1 - now_i / base_i) * 100.0
    out["industrial_energy_intensity_reduction"] = (reduction, "%")
    out["co2_total"] = (y["co2_t"]["total"] * conversion_factor("t", "万吨"), "万吨二氧化碳")
    return out
