"""The downloadable XLSX template of the activity and macro data, described as tables (written by
``carbonpeak.reports``): 说明 (instructions in Chinese), 活动数据 and 宏观数据 with the codes as
drop-down lists that refuse other values, an example (示例), and the code lists with their names.
The reader (``carbonpeak.accounting.io``) takes the Chinese sheet names and headers as the codes."""

from __future__ import annotations

from carbonpeak.accounting.catalog import (
    FUELS,
    MACRO_VARIABLES,
    UNIT_CHOICES,
    sector_codes,
    sector_key,
    sector_name_zh,
)
from carbonpeak.tables import Book, Column, Table

INSTRUCTIONS = [
    "区级碳排放统计核算 — 活动水平数据填报模板",
    "",
    "1. 在「活动数据」工作表填报能源活动数据，每行一条：年份、部门代码、能源品种代码、"
    "实物量（非负数）、计量单位、备注（可选）；"
    "CSV 文件也可用英文表头 year、sector、fuel、amount、unit、note。",
    "2. 部门代码、能源品种代码、计量单位请从下拉列表选择（代码及名称见「部门」「能源品种」"
    "「计量单位」工作表）；部门代码可在二级代码后继续用“|”细分"
    "（如 industry|metal_products|企业编号），核算时汇总到二级部门。",
    "3. electricity（电力）按用电部门填报全社会用电量；本地光伏、风电、生物质发电量填在"
    " energy|generation 部门，对应 solar_power、wind_power、biomass_power；"
    "本地化石能源电厂发电量以 electricity 填在 energy|generation。",
    "4. heat（热力）仅填报从核算边界外购入的热力；工业过程排放以 process_co2（吨二氧化碳）填报，"
    "碳汇以 sink_co2（吨二氧化碳，正数表示吸收）填报。",
    "5. 同一年份、部门、品种、备注的行不得重复；需要分企业、分月份填报时，"
    "请在备注或部门第三级写明企业和月份。",
    "6. 在「宏观数据」工作表填报宏观数据：年份、变量代码、数值、单位，地区生产总值须为基期不变价。",
    "7. 导入前运行 carbonpeak activity validate 文件名 检查；"
    "任何一处错误都会列出文件、行、列，且不导入任何数据。",
    "",
    "示例见「示例」工作表（示例数据，非真实统计）。",
]

EXAMPLE = [
    (2023, "industry|metal_products", "natural_gas", 1200, "万立方米", "示例数据"),
    (2023, "industry|metal_products", "electricity", 15000, "万千瓦时", "示例数据"),
    (2023, "transport|road_freight", "diesel", 2.1, "万吨", "示例数据"),
    (2023, "residential|urban", "heat", 850000, "GJ", "示例数据"),
    (2023, "energy|generation", "solar_power", 32000, "万千瓦时", "示例数据"),
    (2023, "industry|building_materials", "process_co2", 12000, "tCO2", "示例数据"),
    (2023, "land_use|forest", "sink_co2", 7.5, "万吨二氧化碳", "示例数据"),
]


YEAR = Column("year", "年份", "year", kind="year")
NOTE = Column("note", "备注", "note", width=24)
INPUT_ROWS = 5000


def _activity_columns(*, choices: bool) -> tuple[Column, ...]:
    units = tuple(sorted({u for options in UNIT_CHOICES.values() for u in options}))
    return (
        YEAR,
        Column("sector", "部门代码", "sector", choices=tuple(sector_codes()) if choices else (), width=30),
        Column("fuel", "能源品种代码", "fuel", choices=tuple(FUELS) if choices else (), width=18),
        Column("amount", "实物量", "amount", kind="number", decimals=2, minimum=0 if choices else None),
        Column("unit", "计量单位", "unit", choices=units if choices else ()),
        NOTE,
    )


def _codes(name: str, columns: tuple[Column, ...], rows: list[tuple[object, ...]]) -> Table:
    return Table(name, columns, tuple(rows))


def template_book() -> Book:
    """The template as a workbook description (``carbonpeak.reports.xlsx_bytes`` writes it)."""
    code, label = Column("code", "代码", "code"), Column("name", "名称", "name")
    about = Table(
        "说明",
        (Column("text", "说明", "instructions", width=120),),
        tuple((line,) for line in INSTRUCTIONS[1:]),
        title=INSTRUCTIONS[0],
        header=False,
    )
    activity = Table("活动数据", _activity_columns(choices=True), input_rows=INPUT_ROWS)
    macro = Table(
        "宏观数据",
        (
            YEAR,
            Column("variable", "变量代码", "variable", choices=tuple(MACRO_VARIABLES), width=24),
            Column("value", "数值", "value", kind="number", decimals=2),
            Column("unit", "单位", "unit"),
            NOTE,
        ),
        input_rows=1000,
    )
    example = Table("示例", _activity_columns(choices=False), tuple(EXAMPLE))
    units = sorted({u for options in UNIT_CHOICES.values() for u in options})
    fuels = _codes(
        "能源品种",
        (code, label, Column("unit", "核算单位", "unit"), Column("description", "说明", "description")),
        [(f.code, f.name_zh, f.unit, f.description) for f in FUELS.values()],
    )
    sectors = _codes("部门", (code, label), [(s, sector_name_zh(sector_key(s) or s)) for s in sector_codes()])
    unit_list = _codes("计量单位", (code,), [(u,) for u in units])
    variables = _codes(
        "宏观变量",
        (code, label, Column("unit", "单位", "unit")),
        [(k, v[1], v[0]) for k, v in MACRO_VARIABLES.items()],
    )
    return Book(
        (about, activity, macro, example, fuels, sectors, unit_list, variables),
        title="区级碳排放统计核算 活动水平数据填报模板",
    )
