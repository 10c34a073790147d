"""What the inventory page (清单), its charts and its downloads show: built from an accounting
``Inventory`` (``to_json`` and the tidy frame). Pure functions; no request, no database (the
inventory itself comes from ``carbonpeak.services.inventory.current``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from carbonpeak.accounting import FUELS, Inventory
from carbonpeak.errors import NotFoundError
from carbonpeak.web.core.downloads import csv_bytes, xlsx_bytes

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

# indicator key → (name zh-CN, unit, scale for display, method key of Inventory.to_json()["method"])
INDICATORS: dict[str, tuple[str, str, float, str]] = {
    "non_fossil_share": ("非化石能源占能源消费总量比重（等价值）", "%", 100.0, "non_fossil_share"),
    "non_fossil_share_calorific": ("非化石能源比重（当量值）", "%", 100.0, "energy_calorific"),
    "electricity_share_final": ("电能占终端用能比重", "%", 100.0, "electricity_share_final"),
    "energy_per_gdp_coal_substitution": ("单位GDP能耗（等价值）", "tce/万元", 1.0, "intensity"),
    "energy_per_gdp_calorific": ("单位GDP能耗（当量值）", "tce/万元", 1.0, "intensity"),
    "co2_per_gdp": ("单位GDP二氧化碳排放", "tCO2/万元", 1.0, "intensity"),
    "co2_per_gdp_cumulative_reduction": ("单位GDP二氧化碳排放累计下降", "%", 100.0, "intensity"),
    "energy_per_gdp_coal_substitution_cumulative_reduction": (
        "单位GDP能耗累计下降（等价值）",
        "%",
        100.0,
        "intensity",
    ),
    "industry_energy_per_value_added_calorific": (
        "规上工业单位增加值能耗（当量值）",
        "tce/万元",
        1.0,
        "intensity",
    ),
    "co2_per_capita": ("人均二氧化碳排放", "tCO2/人", 1.0, "intensity"),
}


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


def indicator_rows(inv: Inventory) -> tuple[list[str], list[dict[str, Any]]]:
    """The official indicators, one row per indicator, one column per year, with the method text."""
    data = inv.to_json()
    years = list(data["years"])
    rows = []
    for key, (name, unit, scale, method) in INDICATORS.items():
        values = []
        for y in years:
            v = data["years"][y]["indicators"].get(key)
            values.append(None if v is None else float(v) * scale)
        rows.append(
            {"key": key, "name": name, "unit": unit, "values": values, "method": data["method"][method]}
        )
    return years, rows


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


# Download tables: name → (sheet title, category filter, dimension, unit)
TABLES: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "co2_by_sector": ("二氧化碳排放-分部门", CO2_CATEGORIES, "sector", "tCO2"),
    "co2_by_fuel": ("二氧化碳排放-分品种", CO2_CATEGORIES, "fuel", "tCO2"),
    "energy_by_sector": (
        "能源消费-分部门",
        ("energy_calorific", "energy_coal_substitution"),
        "sector",
        "tce",
    ),
    "energy_by_fuel": ("能源消费-分品种", ("energy_calorific", "energy_coal_substitution"), "fuel", "tce"),
    "indicators": ("指标", (), "", ""),
}
HEADERS = {"year": "年份", "basis": "口径", "key": "代码", "name": "名称", "value": "数值", "unit": "单位"}


def table_rows(inv: Inventory, table: str) -> tuple[list[str], list[list[Any]]]:
    """Header (zh-CN) and rows of one download table."""
    if table not in TABLES:
        raise NotFoundError(f"no inventory table {table!r}; expected one of {', '.join(TABLES)}")
    if table == "indicators":
        years, rows = indicator_rows(inv)
        header = ["代码", "指标", "单位", *years, "方法"]
        return header, [[r["key"], r["name"], r["unit"], *r["values"], r["method"]] for r in rows]
    _, categories, dimension, unit = TABLES[table]
    frame = inv.to_frame()
    sel = frame[frame["category"].isin(categories)]
    if table.startswith("energy"):
        sel = sel.assign(
            basis=sel["category"].map({"energy_calorific": "当量值", "energy_coal_substitution": "等价值"})
        )
        grouped = sel.groupby(["year", "basis", dimension], observed=True)["value"].sum().reset_index()
        header = ["年份", "口径", "代码", "名称", "数值", "单位"]
        names = fuel_name if dimension == "fuel" else sector_name
        out = [
            [int(y), b, str(k), names(str(k)), float(v), unit]
            for y, b, k, v in grouped.itertuples(index=False)
        ]
        return header, out
    grouped = sel.groupby(["year", dimension], observed=True)["value"].sum().reset_index()
    header = ["年份", "代码", "名称", "数值", "单位"]
    names = fuel_name if dimension == "fuel" else sector_name
    return header, [
        [int(y), str(k), names(str(k)), float(v), unit] for y, k, v in grouped.itertuples(index=False)
    ]


def _blank_none(rows: list[list[Any]]) -> list[list[Any]]:
    return [["" if v is None else v for v in row] for row in rows]


def to_csv(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    """UTF-8 with BOM; the first line names the data (示例数据 when illustrative)."""
    return csv_bytes(header, _blank_none(rows), title)


def to_xlsx(header: list[str], rows: list[list[Any]], title: str, sheet_title: str) -> bytes:
    return xlsx_bytes(header, _blank_none(rows), title, sheet_title)
