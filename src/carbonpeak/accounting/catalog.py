"""The codes an activity file may use: fuels (with their kind and unit) and sectors.

A fuel's ``unit`` is the unit its amounts are converted to on import; any unit the one registry
(:mod:`carbonpeak.units`) converts to it is accepted (t, 万吨, kg; m3, 万立方米, 亿立方米; kWh, 万千瓦时,
亿千瓦时, MWh; GJ, 万吉焦, MJ; tCO2, 万吨二氧化碳).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FuelKind = Literal["fossil", "electricity", "heat", "nonfossil_power", "nonfossil_heat", "process", "sink"]


@dataclass(frozen=True)
class Fuel:
    code: str
    name_zh: str
    unit: str
    kind: FuelKind
    description: str


FUELS: dict[str, Fuel] = {
    f.code: f
    for f in [
        Fuel("raw_coal", "原煤", "t", "fossil", "raw coal"),
        Fuel("cleaned_coal", "洗精煤", "t", "fossil", "cleaned coal"),
        Fuel("other_washed_coal", "其他洗煤", "t", "fossil", "other washed coal"),
        Fuel("briquettes", "型煤", "t", "fossil", "briquettes"),
        Fuel("coke", "焦炭", "t", "fossil", "coke"),
        Fuel("crude_oil", "原油", "t", "fossil", "crude oil"),
        Fuel("gasoline", "汽油", "t", "fossil", "gasoline"),
        Fuel("kerosene", "煤油", "t", "fossil", "kerosene"),
        Fuel("diesel", "柴油", "t", "fossil", "diesel"),
        Fuel("fuel_oil", "燃料油", "t", "fossil", "fuel oil"),
        Fuel("lpg", "液化石油气", "t", "fossil", "liquefied petroleum gas"),
        Fuel("refinery_gas", "炼厂干气", "t", "fossil", "refinery dry gas"),
        Fuel("natural_gas", "天然气", "万m3", "fossil", "natural gas (incl. CNG/LNG in m3 of gas)"),
        Fuel(
            "electricity",
            "电力",
            "kWh",
            "electricity",
            "electricity consumed (by sector, incl. local generation)",
        ),
        Fuel("heat", "热力", "GJ", "heat", "heat purchased from outside the boundary"),
        Fuel("solar_power", "光伏发电", "kWh", "nonfossil_power", "local solar generation"),
        Fuel("wind_power", "风力发电", "kWh", "nonfossil_power", "local wind generation"),
        Fuel(
            "biomass_power",
            "生物质发电",
            "kWh",
            "nonfossil_power",
            "local biomass / waste-to-energy generation",
        ),
        Fuel("hydro_power", "水力发电", "kWh", "nonfossil_power", "local hydro generation"),
        Fuel("geothermal_heat", "地热利用", "GJ", "nonfossil_heat", "geothermal heat used directly"),
        Fuel("solar_thermal", "太阳能热利用", "GJ", "nonfossil_heat", "solar heat used directly"),
        Fuel("process_co2", "工业过程排放", "tCO2", "process", "industrial process CO2, amount in tCO2"),
        Fuel("sink_co2", "碳汇", "tCO2", "sink", "CO2 removed by sinks, amount in tCO2 (positive)"),
    ]
}

FOSSIL = frozenset(c for c, f in FUELS.items() if f.kind == "fossil")
NONFOSSIL_POWER = frozenset(c for c, f in FUELS.items() if f.kind == "nonfossil_power")
NONFOSSIL_HEAT = frozenset(c for c, f in FUELS.items() if f.kind == "nonfossil_heat")

# Top-level sector -> (Chinese name, known sub-sectors). A sector code is "top" or "top|sub"; further
# levels ("industry|metal_products|E0001") are free and are summed into "top|sub".
SECTORS: dict[str, tuple[str, dict[str, str]]] = {
    "agriculture": (
        "农林牧渔业",
        {
            "farming": "农业",
            "animal_husbandry": "牧业",
            "fishery": "渔业",
            "forestry": "林业",
            "machinery": "农业机械",
        },
    ),
    "industry": (
        "工业",
        {
            "metal_products": "金属制品（钢材加工）",
            "non_ferrous": "有色金属",
            "building_materials": "建材",
            "chemicals": "化工",
            "equipment": "装备制造",
            "new_energy_vehicles": "新能源汽车",
            "biomedicine": "生物医药",
            "food": "食品",
            "textiles": "纺织",
            "paper": "造纸印刷",
            "recycling": "资源综合利用",
            "other": "其他工业",
        },
    ),
    "energy": ("能源加工转换", {"generation": "发电", "heat_supply": "供热", "gas_supply": "燃气供应"}),
    "construction": ("建筑业", {"general": "建筑施工"}),
    "transport": (
        "交通运输",
        {
            "road_freight": "道路货运",
            "road_passenger": "道路客运",
            "public_transit": "公交",
            "private_cars": "私人乘用车",
            "rail": "铁路",
            "water": "水运",
            "aviation": "航空",
            "logistics": "仓储物流",
            "pipeline": "管道",
        },
    ),
    "commercial": (
        "服务业",
        {
            "wholesale_retail": "批发零售",
            "hotels_catering": "住宿餐饮",
            "offices": "办公楼宇",
            "public_institutions": "公共机构",
            "other": "其他服务业",
        },
    ),
    "residential": ("居民生活", {"urban": "城镇", "rural": "乡村"}),
    "land_use": (
        "土地利用（碳汇）",
        {
            "forest": "森林",
            "wetland": "湿地",
            "cropland": "耕地",
            "grassland": "草地",
            "urban_green": "城市绿地",
        },
    ),
}

# Sectors whose fuel use is transformation input, not final consumption.
TRANSFORMATION_TOP = "energy"


def sector_codes() -> list[str]:
    """Every sector code of the catalogue (top levels and top|sub), for drop-downs and docs."""
    codes: list[str] = []
    for top, (_, subs) in SECTORS.items():
        codes.append(top)
        codes += [f"{top}|{sub}" for sub in subs]
    return codes


def sector_key(code: str) -> str | None:
    """The catalogue key ("top" or "top|sub") of a sector code, or None if the code is unknown."""
    parts = code.strip().split("|")
    top = parts[0]
    if top not in SECTORS:
        return None
    if len(parts) == 1:
        return top
    if parts[1] not in SECTORS[top][1] or any(not p for p in parts[2:]):
        return None
    return f"{top}|{parts[1]}"


def sector_name_zh(key: str) -> str:
    top, _, sub = key.partition("|")
    name, subs = SECTORS[top]
    return f"{name}·{subs[sub]}" if sub else name


# Units offered in the template's drop-down, per fuel unit.
UNIT_CHOICES: dict[str, list[str]] = {
    "t": ["t", "万吨", "kg"],
    "万m3": ["m3", "万立方米", "亿立方米"],
    "kWh": ["kWh", "万千瓦时", "亿千瓦时", "MWh"],
    "GJ": ["GJ", "万吉焦", "MJ"],
    "tCO2": ["tCO2", "万吨二氧化碳"],
}

# Macro variables: code -> (unit to convert to, Chinese name).
MACRO_VARIABLES: dict[str, tuple[str, str]] = {
    "gdp": ("万元", "地区生产总值（基期不变价）"),
    "value_added_primary": ("万元", "第一产业增加值（不变价）"),
    "value_added_industry": ("万元", "工业增加值（不变价）"),
    "value_added_secondary": ("万元", "第二产业增加值（不变价）"),
    "value_added_tertiary": ("万元", "第三产业增加值（不变价）"),
    "population": ("人", "常住人口"),
    "grid_non_fossil_share": ("percent", "外购电力中非化石能源电量比重"),
    "coal_substitution_kgce_per_kwh": ("kgce/kWh", "当年平均发电煤耗（等价值折标系数）"),
}
