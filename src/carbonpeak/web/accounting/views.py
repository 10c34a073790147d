"""What the inventory page (清单), its charts and its downloads show: built from an accounting
``Inventory`` (``to_json`` and the tidy frame). Pure functions; no request, no database (the
inventory itself comes from ``carbonpeak.services.inventory.current``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from carbonpeak.accounting import FUELS, Inventory
from carbonpeak.accounting import tables as inventory_tables

ILLUSTRATIVE_LABEL = "示例数据 (illustrative)"
SECTOR_NAMES = {
    "agriculture": "农业",
    "industry": "工业",
    "energy": "能源加工转换",
    "construction": "建筑业",
    "transport": "交通运输",
    "commercial": "商业及公共机构",
    "residential": "居民生活",
    "land_use": "土地利用",
}
EXTRA_FUEL_NAMES = {"process_co2": "工业过程", "heat": "热力", "electricity": "电力"}
BASES = {
    "calorific": ("energy_calorific", "当量值"),
    "coal_substitution": ("energy_coal_substitution", "等价值"),
}

INDICATORS = inventory_tables.INDICATORS


def fuel_name(code: str) -> str:
    if code in FUELS:
        return str(FUELS[code].name_zh)
    return EXTRA_FUEL_NAMES.get(code, code)


def sector_name(key: str) -> str:
    return SECTOR_NAMES.get(key.split("|")[0], key)


def _pivot(frame: pd.DataFrame, categories: tuple[str, ...], key: str, names: Any) -> dict[str, Any]:
    sel = frame[frame["category"].isin(categories)].copy()
    sel["label"] = sel[key].astype(str).map(names)
    table = sel.pivot_table(index="label", columns="year", values="value", aggfunc="sum", fill_value=0.0)
    years = [int(y) for y in table.columns]
    order = table.sum(axis=1).sort_values(ascending=False).index
    return {
        "years": [str(y) for y in years],
        "series": [{"name": str(n), "values": [float(v) for v in table.loc[n]]} for n in order],
    }


CO2_CATEGORIES = ("co2_combustion", "co2_electricity", "co2_heat", "co2_process")


def charts(inv: Inventory) -> dict[str, Any]:
    """Stacked-bar data (by sector, by fuel) for CO2 (t) and energy (tce, both bases), and the Sankey
    links fuel → sector for every year and basis."""
    frame = inv.to_frame()
    frame["year"] = frame["year"].astype(int)
    out: dict[str, Any] = {
        "co2_by_sector": _pivot(frame, CO2_CATEGORIES, "sector", sector_name),
        "co2_by_fuel": _pivot(frame, CO2_CATEGORIES, "fuel", fuel_name),
        "illustrative": inv.illustrative,
        "sankey": {},
    }
    for basis, (category, _) in BASES.items():
        out[f"energy_by_sector_{basis}"] = _pivot(frame, (category,), "sector", sector_name)
        out[f"energy_by_fuel_{basis}"] = _pivot(frame, (category,), "fuel", fuel_name)
        sel = frame[frame["category"] == category].copy()
        sel["source"] = sel["fuel"].astype(str).map(fuel_name)
        sel["target"] = sel["sector"].astype(str).map(sector_name)
        grouped = sel.groupby(["year", "source", "target"], observed=True)["value"].sum().reset_index()
        for year, source, target, value in grouped.itertuples(index=False):
            if value > 0:
                out["sankey"].setdefault(str(year), {}).setdefault(basis, []).append(
                    {"source": str(source), "target": str(target), "value": float(value)}
                )
    return out


indicator_rows = inventory_tables.indicator_rows


def totals(inv: Inventory) -> list[dict[str, Any]]:
    data = inv.to_json()
    return [
        {
            "year": y,
            "co2_t": d["co2_t"]["total"],
            "sinks_t": d["co2_t"]["sinks"],
            "energy_calorific_tce": d["energy_tce"]["calorific"],
            "energy_coal_substitution_tce": d["energy_tce"]["coal_substitution"],
        }
        for y, d in data["years"].items()
    ]


# Download tables (name → sheet, …): described in carbonpeak.accounting.tables, written by carbonpeak.reports.
TABLES = inventory_tables.TABLES
