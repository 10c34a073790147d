"""The inventory as tables: the downloads of the inventory page and ``carbonpeak inventory -o``
describe the same tables here, so the same inventory gives the same file from either
(``carbonpeak.reports`` writes them).

- ``co2_by_sector`` / ``co2_by_fuel``: CO2 (tCO2) of combustion, purchased electricity and heat and
  industrial processes, per year and sector or fuel;
- ``energy_by_sector`` / ``energy_by_fuel``: energy consumption (tce) on both bases (当量值, 等价值);
- ``indicators``: the official indicators, one row each, one column per year, with the method;
- ``detail``: the tidy long table (year, category, sector, fuel, value, unit) for programs.

The workbook (``inventory_book``) holds a 说明 sheet (title, source, factor sets) and every table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from carbonpeak.accounting.catalog import FUELS, sector_name_zh
from carbonpeak.accounting.result import Inventory
from carbonpeak.errors import NotFoundError
from carbonpeak.tables import Book, Column, Table

ILLUSTRATIVE = "示例数据 illustrative"
CO2_CATEGORIES = ("co2_combustion", "co2_electricity", "co2_heat", "co2_process")
ENERGY_CATEGORIES = ("energy_calorific", "energy_coal_substitution")
BASIS_NAMES = {"energy_calorific": "当量值", "energy_coal_substitution": "等价值"}
EXTRA_FUEL_NAMES = {"process_co2": "工业过程", "heat": "热力", "electricity": "电力"}

# table → (sheet name zh-CN, sheet name en, categories, dimension)
TABLES: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "co2_by_sector": ("二氧化碳排放-分部门", "CO2 by sector", CO2_CATEGORIES, "sector"),
    "co2_by_fuel": ("二氧化碳排放-分品种", "CO2 by fuel", CO2_CATEGORIES, "fuel"),
    "energy_by_sector": ("能源消费-分部门", "Energy by sector", ENERGY_CATEGORIES, "sector"),
    "energy_by_fuel": ("能源消费-分品种", "Energy by fuel", ENERGY_CATEGORIES, "fuel"),
    "indicators": ("指标", "Indicators", (), ""),
    "detail": ("明细", "Detail", (), ""),
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

YEAR = Column("year", "年份", "Year", kind="year")
CODE = Column("key", "代码", "Code")


def fuel_name(code: str) -> str:
    if code in FUELS:
        return str(FUELS[code].name_zh)
    return EXTRA_FUEL_NAMES.get(code, code)


def sector_name(key: str) -> str:
    try:
        return sector_name_zh(key)
    except KeyError:
        return key


def sources_label(batches: Iterable[Mapping[str, Any]]) -> str:
    """The stored batches an inventory comes from, as the title names them: ``#3 file.csv 1a2b…``."""
    return ", ".join(f"#{b['id']} {b['file_name']} {str(b['sha256'])[:12]}" for b in batches)


def _title(sheet: str, source: str, illustrative: bool) -> str:
    return f"{sheet} — {source}" + (f" — {ILLUSTRATIVE}" if illustrative else "")


def _sheet(inv: Inventory, name: str) -> tuple[str, str]:
    zh, en = TABLES[name][:2]
    if inv.illustrative:
        return f"{zh}（示例数据）", f"{en} (illustrative)"
    return zh, en


def inventory_table(inv: Inventory, name: str, source: str) -> Table:
    """One table of the inventory; ``source`` names where it comes from (``sources_label`` of the
    stored batches, or the file)."""
    if name not in TABLES:
        raise NotFoundError(
            f"没有清单表 {name!r}；可选 {'、'.join(TABLES)}",
            message_en=f"no inventory table {name!r}; expected one of {', '.join(TABLES)}",
        )
    zh, en = _sheet(inv, name)
    options: dict[str, Any] = {
        "title": _title(zh, source, inv.illustrative),
        "title_en": _title(en, source, inv.illustrative),
        "name_en": en,
        "csv_title": name != "detail",
    }
    if name == "indicators":
        return _indicators(inv, zh, options)
    if name == "detail":
        return _detail(inv, zh, options)
    _, _, categories, dimension = TABLES[name]
    frame = inv.to_frame()
    sel = frame[frame["category"].isin(categories)]
    names = fuel_name if dimension == "fuel" else sector_name
    label = Column("name", "名称", "Name")
    if name.startswith("energy"):
        sel = sel.assign(basis=sel["category"].map(BASIS_NAMES))
        grouped = sel.groupby(["year", "basis", dimension], observed=True)["value"].sum().reset_index()
        columns: tuple[Column, ...] = (
            YEAR,
            Column("basis", "口径", "Basis"),
            CODE,
            label,
            Column("value", "能源消费量", "Energy consumption", unit="tce", kind="number", decimals=0),
        )
        rows: tuple[tuple[Any, ...], ...] = tuple(
            (int(y), b, str(k), names(str(k)), float(v)) for y, b, k, v in grouped.itertuples(index=False)
        )
        return Table(zh, columns, rows, **options)
    grouped = sel.groupby(["year", dimension], observed=True)["value"].sum().reset_index()
    columns = (
        YEAR,
        CODE,
        label,
        Column("value", "二氧化碳排放量", "CO2 emissions", unit="tCO2", kind="number", decimals=0),
    )
    rows = tuple((int(y), str(k), names(str(k)), float(v)) for y, k, v in grouped.itertuples(index=False))
    return Table(zh, columns, rows, **options)


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


def _indicators(inv: Inventory, sheet: str, options: dict[str, Any]) -> Table:
    years, found = indicator_rows(inv)
    columns = (
        CODE,
        Column("name", "指标", "Indicator"),
        Column("unit", "单位", "Unit"),
        *(Column(f"y{y}", str(y), kind="number", decimals=4) for y in years),
        Column("method", "方法", "Method", width=60),
    )
    rows = tuple((r["key"], r["name"], r["unit"], *r["values"], r["method"]) for r in found)
    return Table(sheet, columns, rows, **options)


def _detail(inv: Inventory, sheet: str, options: dict[str, Any]) -> Table:
    frame = inv.to_frame()
    columns: tuple[Column, ...] = (
        YEAR,
        Column("category", "类别", "category"),
        Column("sector", "部门", "sector"),
        Column("fuel", "品种", "fuel"),
        Column("value", "数值", "value", kind="number", decimals=2),
        Column("unit", "单位", "unit"),
    )
    rows: tuple[tuple[Any, ...], ...] = tuple(
        (int(y), str(c), str(s), str(f), float(v), str(u))
        for y, c, s, f, v, u in frame[["year", "category", "sector", "fuel", "value", "unit"]].itertuples(
            index=False
        )
    )
    if inv.illustrative:
        columns = (*columns, Column("note", "备注", "note"))
        rows = tuple((*r, ILLUSTRATIVE) for r in rows)
    return Table(sheet, columns, rows, **options)


def inventory_book(inv: Inventory, source: str) -> Book:
    """The whole inventory as one workbook: 说明 (what it is, where from, which factors), then every
    table of ``TABLES``."""
    data = inv.to_json()
    factors = data["factor_set"]
    title = "碳排放清单与指标" + (f"（{ILLUSTRATIVE}）" if inv.illustrative else "")
    grid = factors.get("grid") or {}
    lines = [
        ("数据来源", source),
        ("燃料燃烧排放因子", factors.get("combustion")),
        ("折标准煤系数", factors.get("coal_equivalent")),
        ("外购热力排放因子", factors.get("heat")),
        ("发电煤耗（等价值）", factors.get("coal_substitution")),
        ("电网排放因子", f"{grid.get('set', '')} {grid.get('series', '')}".strip() or None),
        ("电力核算规则", data["method"].get("electricity_rule")),
        ("基期年", data.get("base_year")),
        ("核算边界", data["method"].get("boundary")),
    ]
    about = Table(
        "说明",
        (Column("item", "项目", "Item", width=24), Column("value", "内容", "Content", width=90)),
        tuple(lines),
        title=title,
        name_en="About",
        title_en="CO2 inventory and indicators" + (f" ({ILLUSTRATIVE})" if inv.illustrative else ""),
    )
    tables = tuple(inventory_table(inv, name, source) for name in TABLES)
    return Book((about, *tables), title=title)
